//! Findings of validation, with the attribute they are about.
//!
//! Paths are plain data here; the provider layer turns them into Terraform
//! attribute paths so that Terraform underlines the exact argument.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One step of an attribute path: `extra_rule`, `[0]`, `from_port`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathStep {
    Attribute(&'static str),
    Index(usize),
}

/// The attribute a problem is about, e.g. `extra_rule[0].from_port`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttrPath(pub Vec<PathStep>);

impl AttrPath {
    pub fn attr(name: &'static str) -> AttrPath {
        AttrPath(vec![PathStep::Attribute(name)])
    }

    pub fn index(&self, index: usize) -> AttrPath {
        let mut steps = self.0.clone();
        steps.push(PathStep::Index(index));
        AttrPath(steps)
    }

    pub fn then(&self, name: &'static str) -> AttrPath {
        let mut steps = self.0.clone();
        steps.push(PathStep::Attribute(name));
        AttrPath(steps)
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                PathStep::Attribute(name) if i == 0 => f.write_str(name)?,
                PathStep::Attribute(name) => write!(f, ".{name}")?,
                PathStep::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// A validation finding: what is wrong (summary), why and what to do
/// (detail), and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub path: AttrPath,
    pub summary: String,
    pub detail: String,
}

/// Collects problems while a check walks its input.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    pub fn error(&mut self, path: AttrPath, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Severity::Error, path, summary.into(), detail.into());
    }

    pub fn warning(&mut self, path: AttrPath, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Severity::Warning, path, summary.into(), detail.into());
    }

    fn push(&mut self, severity: Severity, path: AttrPath, summary: String, detail: String) {
        self.0.push(Problem {
            severity,
            path,
            summary,
            detail,
        });
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|p| p.severity == Severity::Error)
    }
}
