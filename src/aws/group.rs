//! The security-group types every part of `aws` shares: a group to create,
//! a group as AWS describes it, what a create made, an operation that failed
//! part-way, and `SecurityGroups`, the EC2 calls on one set of clients, whose
//! methods live in the files of their jobs (`groups`, `adopt`, `describe`,
//! `rule_changes`, `tags`, `delete`).

use std::collections::BTreeMap;

use super::clients::Clients;
use super::error::AwsError;
use crate::rules::AppliedRule;

/// A group to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupSpec {
    /// The group's name, unique in its VPC (see `rules::naming::unique_name`).
    pub name: String,
    /// Its description, which AWS cannot change later.
    pub description: String,
    /// `None`: the Region's default VPC.
    pub vpc_id: Option<String>,
    /// The user's tags; the ownership tag and the marker of an unfinished
    /// create are added on creation.
    pub tags: BTreeMap<String, String>,
    /// The prefix `name` was chosen from (`unique_name`), when the
    /// configuration gave none: a retry after an interrupted create does
    /// not know that name, so it looks for the group by this prefix.
    pub name_prefix: Option<String>,
}

/// What a create made: the group and the rules it holds.
#[derive(Clone, Debug)]
pub struct Created {
    /// The group.
    pub group: Group,
    /// The rules AWS holds for it.
    pub rules: Vec<AppliedRule>,
    /// `true` when no group was created: this is the group an earlier,
    /// interrupted create of the same firewall left (it still carried the
    /// marker of an unfinished create), now adopted.
    pub adopted: bool,
}

/// A group as AWS describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// `sg-...`.
    pub id: String,
    /// The group's ARN, built from Region, owner and id when EC2 gives none.
    pub arn: String,
    /// The account that owns the group.
    pub owner_id: String,
    /// The group's name.
    pub name: String,
    /// The group's description.
    pub description: String,
    /// `None` for a group outside any VPC (EC2-Classic's, never created here).
    pub vpc_id: Option<String>,
    /// The user's tags: all but the ownership tag.
    pub tags: BTreeMap<String, String>,
}

/// An operation that failed part-way: the error, and what exists now.
#[derive(Clone, Debug)]
pub struct Failure {
    /// What failed.
    pub error: AwsError,
    /// The group, if it exists (a failed create may have made it).
    pub group: Option<Group>,
    /// The rules the group holds after the failure, when they could be read.
    pub rules: Option<Vec<AppliedRule>>,
}

impl Failure {
    /// A failure that left nothing behind to record.
    pub(super) fn before_any_change(error: AwsError) -> Failure {
        Failure {
            error,
            group: None,
            rules: None,
        }
    }
}

/// The EC2 calls for security groups and their rules, on one set of
/// clients. Its methods are grouped by job: create and read here, the
/// Describe calls in `describe`, rule changes in `rule_changes`, tags in
/// `tags`, delete in `delete`.
pub struct SecurityGroups<'c> {
    pub(super) clients: &'c Clients,
}

impl<'c> SecurityGroups<'c> {
    /// The calls, made with `clients`.
    pub fn new(clients: &'c Clients) -> Self {
        SecurityGroups { clients }
    }
}
