//! Listing security groups with their rules, page by page, for
//! `terraform query`: one DescribeSecurityGroups page, then one
//! DescribeSecurityGroupRules for the page's groups (per `FILTER_VALUES_MAX`
//! of them, and per page of 1000 rules), never a read per group. Listing
//! 200 groups thus costs a DescribeSecurityGroups and, unless they hold more
//! than 1000 rules between them, one DescribeSecurityGroupRules.
//!
//! The caller pulls pages (`GroupLister::next_page`) and says each time how
//! many more groups it takes, so that a listing that reaches its limit asks
//! for no further page. Groups come in the order EC2 answers them.
//!
//! A group that DescribeSecurityGroups named but that has no rules in the
//! DescribeSecurityGroupRules answer may have been deleted in between (the
//! `group-id` filter answers nothing for a group that is gone): such groups,
//! rare since a new group holds AWS's allow-all egress rule, are described
//! once more, together, and left out if they are gone.

use std::collections::{BTreeMap, VecDeque};

use aws_sdk_ec2::types::Filter;
use tokio::time::Instant;

use super::call::{within, FILTER_VALUES_MAX, PAGE_MAX};
use super::clients::Clients;
use super::describe::group_of;
use super::error::AwsError;
use super::group::{Group, SecurityGroups};
use crate::rules::AppliedRule;

/// The filters DescribeSecurityGroups takes, besides `tag:<key>`.
pub const FILTER_NAMES: &[&str] = &[
    "description",
    "egress.ip-permission.cidr",
    "egress.ip-permission.from-port",
    "egress.ip-permission.group-id",
    "egress.ip-permission.group-name",
    "egress.ip-permission.ipv6-cidr",
    "egress.ip-permission.prefix-list-id",
    "egress.ip-permission.protocol",
    "egress.ip-permission.to-port",
    "egress.ip-permission.user-id",
    "group-id",
    "group-name",
    "ip-permission.cidr",
    "ip-permission.from-port",
    "ip-permission.group-id",
    "ip-permission.group-name",
    "ip-permission.ipv6-cidr",
    "ip-permission.prefix-list-id",
    "ip-permission.protocol",
    "ip-permission.to-port",
    "ip-permission.user-id",
    "owner-id",
    "tag-key",
    "tag-value",
    "vpc-id",
];

/// Whether DescribeSecurityGroups takes a filter of this name: one of
/// `FILTER_NAMES`, or `tag:<key>` with a key.
pub fn is_filter_name(name: &str) -> bool {
    FILTER_NAMES.contains(&name) || name.strip_prefix("tag:").is_some_and(|key| !key.is_empty())
}

/// The fewest and most results DescribeSecurityGroups' `MaxResults` takes.
const PAGE_MIN: usize = 5;

/// The name every VPC's default group has (no other group may take it).
pub const DEFAULT_GROUP_NAME: &str = "default";

/// What to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupQuery {
    /// DescribeSecurityGroups filters (`vpc-id`, `tag:Team`, ...), each with
    /// its values (at most `FILTER_VALUES_MAX`), all of which a group must
    /// match.
    pub filters: Vec<(String, Vec<String>)>,
    /// Only these groups (the `group-id` filter, `FILTER_VALUES_MAX` ids per
    /// call); empty: every group the filters match.
    pub group_ids: Vec<String>,
    /// Whether each VPC's `default` group is listed.
    pub include_default_groups: bool,
}

/// A listed group and the rules it holds, sorted by key.
pub type ListedGroup = (Group, Vec<AppliedRule>);

/// Lists the groups a `GroupQuery` matches, one page at a time.
pub struct GroupLister<'c> {
    clients: &'c Clients,
    query: GroupQuery,
    /// The `group-id` values of each listing still to do: one `None` when
    /// the query names no groups.
    chunks: VecDeque<Option<Vec<String>>>,
    /// Where the current listing goes on.
    next_token: Option<String>,
}

impl<'c> GroupLister<'c> {
    /// A lister that has asked nothing yet.
    pub fn new(clients: &'c Clients, query: GroupQuery) -> Self {
        let chunks = if query.group_ids.is_empty() {
            VecDeque::from([None])
        } else {
            query
                .group_ids
                .chunks(FILTER_VALUES_MAX)
                .map(|chunk| Some(chunk.to_vec()))
                .collect()
        };
        GroupLister {
            clients,
            query,
            chunks,
            next_token: None,
        }
    }

    /// The next groups with their rules, from one page of at most `want`
    /// groups (EC2 takes 5 to 1000 a page), or `None` once every group is
    /// listed. A page can hold fewer groups than asked for (the last one, or
    /// one whose groups are all left out): it is never empty.
    pub async fn next_page(&mut self, want: usize, deadline: Instant) -> Result<Option<Vec<ListedGroup>>, AwsError> {
        loop {
            let Some(chunk) = self.chunks.front().cloned() else {
                return Ok(None);
            };
            let mut filters: Vec<Filter> = self
                .query
                .filters
                .iter()
                .map(|(name, values)| Filter::builder().name(name).set_values(Some(values.clone())).build())
                .collect();
            if let Some(ids) = chunk {
                filters.push(Filter::builder().name("group-id").set_values(Some(ids)).build());
            }
            let request = self
                .clients
                .ec2
                .describe_security_groups()
                .set_filters(Some(filters))
                .max_results(page_size(want))
                .set_next_token(self.next_token.take());
            let page = within(deadline, "DescribeSecurityGroups", request.send()).await?;
            self.next_token = page.next_token().filter(|t| !t.is_empty()).map(str::to_string);
            if self.next_token.is_none() {
                self.chunks.pop_front();
            }
            let groups: Vec<Group> = page
                .security_groups()
                .iter()
                .filter(|sg| self.query.include_default_groups || sg.group_name() != Some(DEFAULT_GROUP_NAME))
                .filter_map(|sg| Some(group_of(&self.clients.region, sg.group_id()?, sg)))
                .collect();
            let listed = self.with_rules(groups, deadline).await?;
            if !listed.is_empty() {
                return Ok(Some(listed));
            }
        }
    }

    /// `groups` with their rules, without those deleted since they were
    /// described.
    async fn with_rules(&self, groups: Vec<Group>, deadline: Instant) -> Result<Vec<ListedGroup>, AwsError> {
        let reader = SecurityGroups::new(self.clients);
        let ids: Vec<String> = groups.iter().map(|g| g.id.clone()).collect();
        let mut rules: BTreeMap<String, Vec<AppliedRule>> = BTreeMap::new();
        for chunk in ids.chunks(FILTER_VALUES_MAX) {
            rules.append(&mut reader.read_rules_of(chunk, deadline).await?.0);
        }
        let without_rules: Vec<String> = ids.iter().filter(|id| !rules.contains_key(*id)).cloned().collect();
        let mut still_there = BTreeMap::new();
        for chunk in without_rules.chunks(FILTER_VALUES_MAX) {
            still_there.append(&mut reader.describe_groups(chunk, deadline).await?);
        }
        Ok(groups
            .into_iter()
            .filter_map(|group| match rules.remove(&group.id) {
                Some(held) => Some((group, held)),
                None if still_there.contains_key(&group.id) => Some((group, Vec::new())),
                None => {
                    tracing::debug!(group = %group.id, "listed group deleted before its rules were read");
                    None
                }
            })
            .collect())
    }
}

/// `MaxResults` for a page that should hold `want` groups.
fn page_size(want: usize) -> i32 {
    // PAGE_MAX fits in usize on every platform Rust supports.
    let most = PAGE_MAX as usize;
    want.clamp(PAGE_MIN, most) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_names_are_aws_ones_and_tags() {
        for name in [
            "vpc-id",
            "group-name",
            "tag:Team",
            "tag:a:b",
            "egress.ip-permission.cidr",
            "owner-id",
        ] {
            assert!(is_filter_name(name), "{name}");
        }
        for name in [
            "",
            "vpc",
            "tag:",
            "Tag:Team",
            "vpc_id",
            "ip-permission",
            "instance-id",
            " vpc-id",
        ] {
            assert!(!is_filter_name(name), "{name}");
        }
    }

    #[test]
    fn pages_ask_for_what_is_wanted_within_ec2s_bounds() {
        assert_eq!(page_size(0), 5);
        assert_eq!(page_size(3), 5);
        assert_eq!(page_size(100), 100);
        assert_eq!(page_size(5000), 1000);
    }
}
