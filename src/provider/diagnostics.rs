//! Turns the core's validation problems into Terraform diagnostics whose
//! attribute paths point at the exact argument in the user's configuration.

use tf_provider::{AttributePath, Diagnostic, Diagnostics};

use crate::rules::{AttrPath, PathStep, Problem, Severity};

/// Which problems to pass on. Validation runs twice for a data source (at
/// validate and at read); warnings are reported only once, at read, so that
/// Terraform does not show them twice.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// Errors only: another pass reports the warnings.
    ErrorsOnly,
    /// Errors and warnings.
    Everything,
}

/// Adds `problems` to `diags`, each on the attribute it is about; warnings
/// only when `which` is [`Report::Everything`].
pub fn report(diags: &mut Diagnostics, problems: &[Problem], which: Report) {
    for problem in problems {
        let diagnostic = plain_diagnostic(
            problem.summary.clone(),
            problem.detail.clone(),
            attribute_path(&problem.path),
        );
        match problem.severity {
            Severity::Error => diags.add_error(diagnostic),
            Severity::Warning if which == Report::Everything => diags.add_warning(diagnostic),
            Severity::Warning => {}
        }
    }
}

/// The Terraform attribute path of a core path, such as
/// `extra_rule[0].from_port`.
pub fn attribute_path(path: &AttrPath) -> AttributePath {
    let mut out = AttributePath::root();
    for step in &path.0 {
        match step {
            PathStep::Attribute(name) => out.add_attribute(*name),
            // A config never has 2^63 elements; saturate rather than wrap.
            PathStep::Index(i) => out.add_index(i64::try_from(*i).unwrap_or(i64::MAX)),
        };
    }
    out
}

/// A diagnostic as the user should read it. tf-provider's own constructors
/// append a Rust backtrace to the detail whenever `RUST_BACKTRACE` is set in
/// Terraform's environment; a user needs none of that.
pub fn plain_diagnostic(summary: String, detail: String, attribute: AttributePath) -> Diagnostic {
    Diagnostic {
        summary: summary.into(),
        detail: detail.into(),
        attribute,
    }
}

/// An error about one attribute, without a backtrace.
pub fn error(diags: &mut Diagnostics, summary: impl Into<String>, detail: impl Into<String>, attribute: AttributePath) {
    diags.add_error(plain_diagnostic(summary.into(), detail.into(), attribute));
}

/// A data source's read found `arguments` still unknown. Terraform reads a
/// data source only once its arguments are known, so unless an error already
/// explains it, this is a bug in the provider and must not pass silently.
pub fn not_known_at_read(diags: &mut Diagnostics, arguments: &str) {
    if diags.errors.is_empty() {
        error(
            diags,
            "Arguments not known",
            format!("{arguments} still hold unknown values at read time; this is a bug in the provider."),
            AttributePath::root(),
        );
    }
}

/// An AWS failure as a diagnostic: what failed, AWS's code and message.
pub fn aws_error(diags: &mut Diagnostics, err: &crate::aws::AwsError) {
    let summary = match err.kind {
        crate::aws::ErrorKind::NoCredentials => "No AWS credentials".to_string(),
        crate::aws::ErrorKind::Timeout => format!("{} timed out", err.action),
        _ => format!("{} failed", err.action),
    };
    let detail = match &err.code {
        Some(code) => format!("AWS answered {code}: {}", err.message),
        None => err.message.clone(),
    };
    error(diags, summary, detail, AttributePath::root());
}

/// A warning about one attribute, without a backtrace.
pub fn warning(
    diags: &mut Diagnostics,
    summary: impl Into<String>,
    detail: impl Into<String>,
    attribute: AttributePath,
) {
    diags.add_warning(plain_diagnostic(summary.into(), detail.into(), attribute));
}
