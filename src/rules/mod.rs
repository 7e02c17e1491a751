//! The domain, pure: the rule sets of the Cumulocity firewall document,
//! expansion of firewall arguments into rules, validation, diff, inference,
//! audit and session-timeout decisions. No I/O, no Terraform types, no AWS
//! types.
//!
//! Where things are: `rule_set_name` (their names), `catalog` (the rule sets, port by port), `unchecked_args`
//! (arguments as a configuration gives them) → `check` → `checked_args`
//! (validated) → `expand` (the rules) → `diff` (what to change in AWS);
//! `infer` (rule sets from a group's rules, for import and moves; `inline`
//! turns hashicorp/aws's inline rule objects into rules for it), `audit`, `session`
//! and `session_changes` (idle timeouts), `problem` (what validation reports).
//! Modules are private and their items re-exported here, one path each,
//! except the namespaces `arg_names`, `arn`, `naming` (names and tags of
//! groups), `parse` and `session`.

pub mod arg_names;
pub mod arn;
mod audit;
mod catalog;
mod check;
mod checked_args;
mod diff;
mod expand;
mod infer;
mod inline;
mod model;
pub mod naming;
pub mod parse;
mod problem;
mod rule_set_name;
pub mod session;
mod session_changes;
mod unchecked_args;

pub use audit::{audit, Audit, Finding, FindingKind};
pub use catalog::PeerSource;
pub use check::{check, check_quota, Checked, DEFAULT_MAX_RULES_PER_DIRECTION};
pub use checked_args::{default_egress_cidr_blocks, default_ingress_cidr_blocks, ExtraRule, FirewallArgs};
pub use diff::{after_changes, annotate, diff, keep_descriptions, with_known_ids, AppliedRule, RuleChanges};
pub use expand::{count, expand};
pub use infer::{infer, Inferred};
pub use inline::{inline_rules, normalised_inline};
pub use model::{Direction, Peer, Protocol, Rule, RuleKey, RuleShape};
pub use problem::{AttrPath, PathStep, Problem, Severity};
pub use rule_set_name::RuleSetName;
pub use session_changes::{
    session_changes, session_readings, session_reads, session_restores, with_captured, without_restored,
    SessionChanges, SessionPlace, SessionRecord, SessionWanted, Unsettable,
};
pub use unchecked_args::{ExtraRuleInput, FirewallInput, Maybe, MaybeList};

#[cfg(test)]
mod audit_tests;
#[cfg(test)]
mod check_tests;
#[cfg(test)]
mod expand_tests;
#[cfg(test)]
mod infer_tests;
#[cfg(test)]
pub(crate) mod test_support;
