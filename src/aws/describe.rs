//! Describing groups and their rules: the DescribeSecurityGroups and
//! DescribeSecurityGroupRules calls every other job builds on, for one
//! group, many by id (a refresh batch) or all owned ones in a VPC (a refresh
//! snapshot).
//!
//! Both calls are made with filters and paginated, never with bare ids, so
//! that a group that does not exist is absent from the answer, not an error.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{Filter, SecurityGroup};
use tokio::time::Instant;

use super::call::{next_page, within, FILTER_VALUES_MAX, PAGE_MAX};
use super::convert::applied_rule;
use super::error::{AwsError, ErrorKind};
use super::group::{Group, SecurityGroups};
use super::tags::{user_tags, OWNER_TAG};
use crate::rules::arn;
use crate::rules::AppliedRule;

impl SecurityGroups<'_> {
    /// Group `id`; `None` when it does not exist.
    pub(super) async fn describe_group(&self, id: &str, deadline: Instant) -> Result<Option<Group>, AwsError> {
        let call = self.clients.ec2.describe_security_groups().group_ids(id).send();
        let output = match within(deadline, "DescribeSecurityGroups", call).await {
            Ok(output) => output,
            Err(err) if err.is(ErrorKind::NotFound) => return Ok(None),
            Err(err) => return Err(err),
        };
        Ok(output
            .security_groups()
            .iter()
            .find(|g| g.group_id() == Some(id))
            .map(|sg| group_of(&self.clients.region, id, sg)))
    }

    /// Many groups and their rules in one DescribeSecurityGroups and one
    /// DescribeSecurityGroupRules (per `FILTER_VALUES_MAX` ids, and per page
    /// of 1000 results). Both use the `group-id` filter, which answers only
    /// the groups that exist, never InvalidGroup.NotFound: a group missing
    /// from the answer is gone, and maps to `None` like `read`'s.
    pub async fn read_many(
        &self,
        ids: &[String],
        deadline: Instant,
    ) -> Result<BTreeMap<String, Option<(Group, Vec<AppliedRule>)>>, AwsError> {
        let mut found = BTreeMap::new();
        for chunk in ids.chunks(FILTER_VALUES_MAX) {
            let (mut groups, (mut rules, _)) = tokio::try_join!(
                self.describe_groups(chunk, deadline),
                self.read_rules_of(chunk, deadline)
            )?;
            for id in chunk {
                let read = groups
                    .remove(id)
                    .map(|group| (group, rules.remove(id).unwrap_or_default()));
                found.insert(id.clone(), read);
            }
        }
        Ok(found)
    }

    /// The groups among `ids` that exist, by id (DescribeSecurityGroups with
    /// a `group-id` filter, paginated).
    pub(super) async fn describe_groups(
        &self,
        ids: &[String],
        deadline: Instant,
    ) -> Result<BTreeMap<String, Group>, AwsError> {
        let filter = Filter::builder()
            .name("group-id")
            .set_values(Some(ids.to_vec()))
            .build();
        let mut groups = self
            .describe_groups_where([filter], usize::MAX, deadline)
            .await?
            .unwrap_or_default();
        groups.retain(|id, _| ids.contains(id));
        Ok(groups)
    }

    /// Every group in `vpc` that carries the ownership tag (any owner), with
    /// its rules: one DescribeSecurityGroups (filters `vpc-id` and
    /// `tag-key`) and one DescribeSecurityGroupRules per `FILTER_VALUES_MAX`
    /// groups, each paginated. `None` when there are more than `max_groups`
    /// such groups: then reading them all would cost more than it saves.
    pub async fn read_owned_in_vpc(
        &self,
        vpc: &str,
        max_groups: usize,
        deadline: Instant,
    ) -> Result<Option<BTreeMap<String, (Group, Vec<AppliedRule>)>>, AwsError> {
        let filters = [
            Filter::builder().name("vpc-id").values(vpc).build(),
            Filter::builder().name("tag-key").values(OWNER_TAG).build(),
        ];
        let Some(groups) = self.describe_groups_where(filters, max_groups, deadline).await? else {
            return Ok(None);
        };
        let ids: Vec<String> = groups.keys().cloned().collect();
        let mut rules = BTreeMap::new();
        for chunk in ids.chunks(FILTER_VALUES_MAX) {
            rules.append(&mut self.read_rules_of(chunk, deadline).await?.0);
        }
        let read = groups
            .into_iter()
            .map(|(id, group)| {
                let group_rules = rules.remove(&id).unwrap_or_default();
                (id, (group, group_rules))
            })
            .collect();
        Ok(Some(read))
    }

    /// The groups DescribeSecurityGroups answers for `filters`, by id,
    /// following every page; `None` as soon as there are more than `max`.
    async fn describe_groups_where(
        &self,
        filters: impl IntoIterator<Item = Filter>,
        max: usize,
        deadline: Instant,
    ) -> Result<Option<BTreeMap<String, Group>>, AwsError> {
        let action = "DescribeSecurityGroups";
        let mut pages = self
            .clients
            .ec2
            .describe_security_groups()
            .set_filters(Some(filters.into_iter().collect()))
            .max_results(PAGE_MAX)
            .into_paginator()
            .send();
        let mut groups = BTreeMap::new();
        while let Some(page) = next_page(deadline, action, pages.next()).await? {
            for sg in page.security_groups() {
                if let Some(id) = sg.group_id() {
                    groups.insert(id.to_string(), group_of(&self.clients.region, id, sg));
                }
            }
            if groups.len() > max {
                return Ok(None);
            }
        }
        Ok(Some(groups))
    }

    /// The rules of each of `ids`, sorted by key (one
    /// DescribeSecurityGroupRules with a many-valued `group-id` filter,
    /// paginated), and the groups' owner (the account) when a rule names it.
    /// Groups with no rules, or that do not exist, are absent.
    pub(super) async fn read_rules_of(
        &self,
        ids: &[String],
        deadline: Instant,
    ) -> Result<(BTreeMap<String, Vec<AppliedRule>>, Option<String>), AwsError> {
        let action = "DescribeSecurityGroupRules";
        let mut pages = self
            .clients
            .ec2
            .describe_security_group_rules()
            .filters(
                Filter::builder()
                    .name("group-id")
                    .set_values(Some(ids.to_vec()))
                    .build(),
            )
            .max_results(PAGE_MAX)
            .into_paginator()
            .send();
        let mut rules: BTreeMap<String, Vec<AppliedRule>> = BTreeMap::new();
        let mut owner = None;
        while let Some(page) = next_page(deadline, action, pages.next()).await? {
            for described in page.security_group_rules() {
                let Some(id) = described.group_id().filter(|id| ids.iter().any(|i| i == id)) else {
                    continue;
                };
                owner = owner.or_else(|| described.group_owner_id().map(str::to_string));
                let rule = applied_rule(described, id)
                    .map_err(|what| AwsError::other(action, format!("could not understand a rule of {id}: {what}")))?;
                rules.entry(id.to_string()).or_default().push(rule);
            }
        }
        for group_rules in rules.values_mut() {
            group_rules.sort_by(|a, b| a.rule.key.cmp(&b.rule.key));
        }
        Ok((rules, owner))
    }

    /// All rules of one group, sorted by key, and the group's owner.
    pub(super) async fn read_rules(
        &self,
        id: &str,
        deadline: Instant,
    ) -> Result<(Vec<AppliedRule>, Option<String>), AwsError> {
        let (mut rules, owner) = self.read_rules_of(&[id.to_string()], deadline).await?;
        Ok((rules.remove(id).unwrap_or_default(), owner))
    }
}

/// A described group as the provider keeps it (`id` as asked for; the ARN
/// built when EC2 gives none).
pub(super) fn group_of(region: &str, id: &str, sg: &SecurityGroup) -> Group {
    let owner_id = sg.owner_id().unwrap_or_default().to_string();
    Group {
        id: id.to_string(),
        arn: sg
            .security_group_arn()
            .map(str::to_string)
            .unwrap_or_else(|| arn::security_group_arn(region, &owner_id, id)),
        owner_id,
        name: sg.group_name().unwrap_or_default().to_string(),
        description: sg.description().unwrap_or_default().to_string(),
        vpc_id: sg.vpc_id().map(str::to_string),
        tags: user_tags(sg),
    }
}
