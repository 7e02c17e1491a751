//! Unit tests of `check` (validation) and `check_quota`.
//!
//! Each test builds a `FirewallInput` the way the provider layer would from
//! a configuration, and asserts on what a user would see: the severity, the
//! attribute path Terraform underlines, and the words of the message.

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use proptest::prelude::*;

use super::test_support::*;
use super::{
    check, check_quota, expand, Checked, Direction, ExtraRule, ExtraRuleInput, FirewallArgs, FirewallInput, Maybe,
    MaybeList, Problem, Protocol, RuleSetName, Severity, DEFAULT_MAX_RULES_PER_DIRECTION,
};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn list(items: &[&str]) -> MaybeList<String> {
    Maybe::Known(items.iter().map(|s| Maybe::Known(s.to_string())).collect())
}

fn sets(names: &[&str]) -> FirewallInput {
    FirewallInput {
        rule_sets: list(names),
        ..FirewallInput::default()
    }
}

fn text(s: &str) -> Maybe<String> {
    Maybe::Known(s.to_string())
}

/// An `extra_rule` block with direction, protocol and ports set and no peer.
fn block(direction: &str, protocol: &str, from: Option<f64>, to: Option<f64>) -> ExtraRuleInput {
    ExtraRuleInput {
        direction: text(direction),
        protocol: text(protocol),
        from_port: from.map_or(Maybe::Absent, Maybe::Known),
        to_port: to.map_or(Maybe::Absent, Maybe::Known),
        ..ExtraRuleInput::default()
    }
}

/// An ingress TCP `extra_rule` on the given ports from 10.0.0.0/8.
fn tcp_block(from: f64, to: f64) -> ExtraRuleInput {
    ExtraRuleInput {
        cidr_blocks: list(&["10.0.0.0/8"]),
        ..block("ingress", "tcp", Some(from), Some(to))
    }
}

/// Input with only extra rules (no rule sets).
fn extras(blocks: Vec<ExtraRuleInput>) -> FirewallInput {
    FirewallInput {
        rule_sets: list(&[]),
        extra_rules: Maybe::Known(blocks),
        ..FirewallInput::default()
    }
}

/// Sets one list argument of an input.
type SetList = fn(&mut FirewallInput, MaybeList<String>);

/// Changes one value of an input.
type Vary<T> = Box<dyn Fn(&mut T)>;

fn with_severity(checked: &Checked, severity: Severity) -> Vec<&Problem> {
    checked.problems.iter().filter(|p| p.severity == severity).collect()
}

/// Asserts that `check` accepted the input without any problem at all.
fn assert_clean(checked: &Checked) -> &FirewallArgs {
    assert!(checked.problems.is_empty(), "expected no problems:\n{}", dump(checked));
    checked.args.as_ref().expect("args for valid, known input")
}

/// Asserts exactly one error, at `path`, with every word of `summary_words`
/// in its summary and every word of `detail_words` in its detail; and that
/// no args came back.
fn assert_single_error<'a>(
    checked: &'a Checked,
    path: &str,
    summary_words: &[&str],
    detail_words: &[&str],
) -> &'a Problem {
    let errors = with_severity(checked, Severity::Error);
    assert_eq!(errors.len(), 1, "expected one error at {path}:\n{}", dump(checked));
    assert!(checked.args.is_none(), "no args with an error");
    assert_problem(errors[0], path, summary_words, detail_words);
    errors[0]
}

/// Finds the one problem of `severity` at `path`.
fn problem_at<'a>(checked: &'a Checked, severity: Severity, path: &str) -> &'a Problem {
    let found: Vec<&Problem> = checked
        .problems
        .iter()
        .filter(|p| p.severity == severity && p.path.to_string() == path)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one {severity:?} at {path}:\n{}",
        dump(checked)
    );
    found[0]
}

fn assert_problem(problem: &Problem, path: &str, summary_words: &[&str], detail_words: &[&str]) {
    assert_eq!(problem.path.to_string(), path, "{problem:?}");
    for word in summary_words {
        assert!(
            problem.summary.contains(word),
            "summary {:?} lacks {word:?}",
            problem.summary
        );
    }
    for word in detail_words {
        assert!(
            problem.detail.contains(word),
            "detail {:?} lacks {word:?}",
            problem.detail
        );
    }
}

/// Asserts that `check` found nothing wrong but could not finish: some value
/// is unknown.
fn assert_pending(checked: &Checked) {
    assert!(
        with_severity(checked, Severity::Error).is_empty(),
        "no errors expected with unknown values:\n{}",
        dump(checked)
    );
    assert!(checked.args.is_none(), "no args while a value is unknown");
}

mod cidr_blocks;
mod cross_argument;
mod extra_rules;
mod properties;
mod quota;
mod unknown_values;
mod valid_input;
