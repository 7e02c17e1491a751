//! Findings of validation, with the attribute they are about.
//!
//! Paths are plain data here; the provider layer turns them into Terraform
//! attribute paths so that Terraform underlines the exact argument.

use std::fmt;

/// How serious a validation problem or an audit finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// Must be fixed: it stops the plan (a problem) or makes the group not
    /// compliant (a finding).
    Error,
    /// Deserves a look, and stops nothing.
    Warning,
}

/// One step of an attribute path: `extra_rule`, `[0]`, `from_port`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathStep {
    /// An argument or block, by name.
    Attribute(&'static str),
    /// An element of a list, counted from 0.
    Index(usize),
}

/// The attribute a problem is about, e.g. `extra_rule[0].from_port`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttrPath(pub Vec<PathStep>);

impl AttrPath {
    /// The path of a top-level argument or block.
    pub fn attr(name: &'static str) -> AttrPath {
        AttrPath(vec![PathStep::Attribute(name)])
    }

    /// This path followed by list element `index`.
    pub fn index(&self, index: usize) -> AttrPath {
        let mut steps = self.0.clone();
        steps.push(PathStep::Index(index));
        AttrPath(steps)
    }

    /// This path followed by the attribute `name`.
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
    /// Whether it stops the plan.
    pub severity: Severity,
    /// The attribute it is about, for Terraform to point at.
    pub path: AttrPath,
    /// What is wrong, in one line.
    pub summary: String,
    /// Why it is wrong and what to do about it.
    pub detail: String,
}

/// Collects problems while a check walks its input.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// Records an error about `path`.
    pub fn error(&mut self, path: AttrPath, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Severity::Error, path, summary.into(), detail.into());
    }

    /// Records a warning about `path`.
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

    /// Whether any problem recorded so far is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|p| p.severity == Severity::Error)
    }
}
