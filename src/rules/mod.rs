//! The domain, pure: the rule sets of the Cumulocity firewall document, expansion of firewall arguments
//! into rules, and validation. No I/O, no Terraform types, no AWS types.

pub mod arg_names;
pub mod args;
pub mod arn;
pub mod audit;
pub mod catalog;
pub mod check;
pub mod diff;
pub mod expand;
pub mod infer;
pub mod inline;
pub mod input;
pub mod model;
pub mod problem;
pub mod session;
mod session_changes;
pub mod values;

pub use args::{ExtraRule, FirewallArgs};
pub use audit::{audit, Audit, Finding, FindingKind};
pub use catalog::RuleSetName;
pub use check::{check, check_quota, Checked, DEFAULT_MAX_RULES_PER_DIRECTION};
pub use diff::{after_changes, diff, AppliedRule, RuleChanges};
pub use expand::expand;
pub use infer::{infer, Inferred};
pub use inline::{inline_rules, InlineRule};
pub use input::{ExtraRuleInput, FirewallInput, Maybe, MaybeList};
pub use model::{Direction, Peer, Protocol, Rule, RuleKey};
pub use problem::{AttrPath, PathStep, Problem, Severity};
pub use session_changes::{
    session_changes, session_readings, session_reads, session_restores, SessionChanges, SessionPlace, SessionRecord,
    SessionWanted, Unsettable,
};

#[cfg(test)]
mod audit_tests;
#[cfg(test)]
mod check_tests;
#[cfg(test)]
mod expand_tests;
#[cfg(test)]
mod infer_tests;
