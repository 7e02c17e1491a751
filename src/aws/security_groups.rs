//! Security groups and their rules: the only code that calls EC2 for them.
//!
//! Every operation reports the rules AWS really holds: create reads them back
//! with one DescribeSecurityGroupRules (AWS may add rules of its own), an
//! update takes the new rules' ids from the Authorize answers when they list
//! every rule asked for, and reads the group otherwise. An operation that
//! fails after the group exists says so (`Failure::group`), with the rules
//! the group holds then, so the caller can record it instead of orphaning it.

use std::collections::BTreeMap;
use std::future::Future;

use aws_runtime::retries::classifiers::AwsErrorCodeClassifier;
use aws_sdk_ec2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ec2::types::{
    Filter, IpPermission, IpRange, ResourceType, SecurityGroup, SecurityGroupRule, SecurityGroupRuleRequest,
    SecurityGroupRuleUpdate, Tag, TagSpecification,
};
use tokio::time::Instant;

use super::clients::Clients;
use super::convert::{applied_rule, ip_permission, ip_protocol};
use super::error::{AwsError, ErrorKind};
use crate::rules::arn;
use crate::rules::{after_changes, diff, AppliedRule, Direction, Peer, Protocol, Rule, RuleChanges, RuleKey};

/// A group to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupSpec {
    pub name: String,
    pub description: String,
    /// `None`: the Region's default VPC.
    pub vpc_id: Option<String>,
    pub tags: BTreeMap<String, String>,
}

/// A group as AWS describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub id: String,
    pub arn: String,
    pub owner_id: String,
    pub name: String,
    pub description: String,
    pub vpc_id: Option<String>,
    pub tags: BTreeMap<String, String>,
}

/// An operation that failed part-way: the error, and what exists now.
#[derive(Clone, Debug)]
pub struct Failure {
    pub error: AwsError,
    /// The group, if it exists (a failed create may have made it).
    pub group: Option<Group>,
    /// The rules the group holds after the failure, when they could be read.
    pub rules: Option<Vec<AppliedRule>>,
}

impl Failure {
    fn before_any_change(error: AwsError) -> Failure {
        Failure {
            error,
            group: None,
            rules: None,
        }
    }
}

/// Right after CreateSecurityGroup, EC2 may not know the new group yet
/// (eventual consistency); these codes are then retried by the SDK's own
/// retry strategy, with its backoff, like throttling.
const NOT_VISIBLE_YET: &[&str] = &["InvalidGroup.NotFound", "InvalidSecurityGroupID.NotFound"];

/// A configuration override that makes the SDK retry `codes` for one call.
fn retrying<E>(codes: &'static [&'static str]) -> aws_sdk_ec2::config::Builder
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    aws_sdk_ec2::config::Builder::default()
        .retry_classifier(AwsErrorCodeClassifier::<E>::builder().transient_errors(codes).build())
}

/// Runs one AWS call with a deadline; a call still running then is
/// abandoned (the SDK's own retries included) and reported as a timeout.
pub(super) async fn within<T, E, R>(
    deadline: Instant,
    action: &'static str,
    call: impl Future<Output = Result<T, SdkError<E, R>>>,
) -> Result<T, AwsError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + 'static,
{
    match tokio::time::timeout_at(deadline, call).await {
        Ok(result) => result.map_err(|err| AwsError::from_sdk(action, err)),
        Err(_) => Err(AwsError::timeout(action)),
    }
}

/// The next page of a paginated call, `None` after the last one.
pub(super) async fn next_page<T, E, R>(
    deadline: Instant,
    action: &'static str,
    page: impl Future<Output = Option<Result<T, SdkError<E, R>>>>,
) -> Result<Option<T>, AwsError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + 'static,
{
    match tokio::time::timeout_at(deadline, page).await {
        Err(_) => Err(AwsError::timeout(action)),
        Ok(None) => Ok(None),
        Ok(Some(page)) => page.map(Some).map_err(|err| AwsError::from_sdk(action, err)),
    }
}

pub struct SecurityGroups<'c> {
    clients: &'c Clients,
}

impl<'c> SecurityGroups<'c> {
    pub fn new(clients: &'c Clients) -> Self {
        SecurityGroups { clients }
    }

    /// Creates a group holding exactly `desired`: CreateSecurityGroup (tags
    /// included), the default allow-all egress rule revoked unless it is
    /// wanted, one Authorize call per direction, one read-back.
    pub async fn create(
        &self,
        spec: &GroupSpec,
        desired: &[Rule],
        deadline: Instant,
    ) -> Result<(Group, Vec<AppliedRule>), Failure> {
        let ec2 = &self.clients.ec2;
        let owner = owner_tag_value(spec);
        let tags = spec
            .tags
            .iter()
            .chain([(&OWNER_TAG.to_string(), &owner)])
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect::<Vec<_>>();
        let mut request = ec2
            .create_security_group()
            .group_name(&spec.name)
            .description(&spec.description)
            .set_vpc_id(spec.vpc_id.clone());
        if !tags.is_empty() {
            request = request.tag_specifications(
                TagSpecification::builder()
                    .resource_type(ResourceType::SecurityGroup)
                    .set_tags(Some(tags))
                    .build(),
            );
        }
        let created = match within(deadline, "CreateSecurityGroup", request.send()).await {
            Ok(created) => created,
            Err(err) if err.is(ErrorKind::Duplicate) => return self.adopt(spec, &owner, desired, err, deadline).await,
            Err(err) => return Err(Failure::before_any_change(err)),
        };
        let Some(id) = created.group_id().map(str::to_string) else {
            return Err(Failure::before_any_change(AwsError::other(
                "CreateSecurityGroup",
                "the response named no group id",
            )));
        };
        let mut group = Group {
            arn: created.security_group_arn().map(str::to_string).unwrap_or_default(),
            id,
            owner_id: String::new(),
            name: spec.name.clone(),
            description: spec.description.clone(),
            vpc_id: spec.vpc_id.clone(),
            tags: spec.tags.clone(),
        };
        match self.fill_new_group(&group.id, desired, deadline).await {
            Ok((rules, owner)) => {
                self.complete_identity(&mut group, owner, deadline)
                    .await
                    .map_err(|error| Failure {
                        error,
                        group: Some(group.clone()),
                        rules: Some(rules.clone()),
                    })?;
                Ok((group, rules))
            }
            Err(error) => {
                let rules = self.rules_after_failure(&group.id).await;
                Err(Failure {
                    error,
                    group: Some(group),
                    rules,
                })
            }
        }
    }

    /// The name is taken. If the group holding it carries this firewall's
    /// ownership tag, it is the group an earlier, interrupted apply created
    /// (the provider or Terraform stopped before the state was written):
    /// adopt it and bring its rules to `desired`. Otherwise, say which group
    /// holds the name.
    async fn adopt(
        &self,
        spec: &GroupSpec,
        owner: &str,
        desired: &[Rule],
        duplicate: AwsError,
        deadline: Instant,
    ) -> Result<(Group, Vec<AppliedRule>), Failure> {
        let mut request = self
            .clients
            .ec2
            .describe_security_groups()
            .filters(Filter::builder().name("group-name").values(&spec.name).build());
        if let Some(vpc) = &spec.vpc_id {
            request = request.filters(Filter::builder().name("vpc-id").values(vpc).build());
        }
        let found = within(deadline, "DescribeSecurityGroups", request.send())
            .await
            .map_err(Failure::before_any_change)?;
        // Without a VPC filter (the default VPC) groups of the same name in
        // other VPCs answer too: this firewall's own group comes first.
        let named: Vec<&SecurityGroup> = found
            .security_groups()
            .iter()
            .filter(|g| g.group_name() == Some(spec.name.as_str()))
            .collect();
        let Some(holder) = named
            .iter()
            .find(|g| owner_tag(g) == Some(owner))
            .or_else(|| named.first())
            .copied()
        else {
            return Err(Failure::before_any_change(duplicate));
        };
        let holder_id = holder.group_id().unwrap_or("?").to_string();
        if owner_tag(holder) != Some(owner) {
            return Err(Failure::before_any_change(AwsError {
                action: "CreateSecurityGroup",
                kind: ErrorKind::Duplicate,
                code: duplicate.code,
                message: format!(
                    "the name \"{}\" is taken in {} by security group {holder_id}, which this firewall did not \
                     create (it lacks the tag {OWNER_TAG} = \"{owner}\"). Choose another name, or bring that group \
                     under Terraform with `terraform import <address> {holder_id}`.",
                    spec.name,
                    spec.vpc_id.as_deref().unwrap_or("the default VPC"),
                ),
            }));
        }
        let group = group_of(&self.clients.region, &holder_id, holder);
        let converge = async {
            let (actual, _) = self.read_rules(&holder_id, deadline).await?;
            let changes = diff(desired, &actual);
            if changes.is_empty() {
                Ok(actual)
            } else {
                self.apply_changes(&holder_id, &actual, &changes, deadline).await
            }
        };
        match converge.await {
            Ok(rules) => Ok((group, rules)),
            Err(error) => {
                let rules = self.rules_after_failure(&holder_id).await;
                Err(Failure {
                    error,
                    group: Some(group),
                    rules,
                })
            }
        }
    }

    async fn fill_new_group(
        &self,
        id: &str,
        desired: &[Rule],
        deadline: Instant,
    ) -> Result<(Vec<AppliedRule>, Option<String>), AwsError> {
        let ec2 = &self.clients.ec2;
        let keep_default_egress = desired.iter().any(|r| is_default_egress(&r.key));
        if !keep_default_egress {
            use aws_sdk_ec2::operation::revoke_security_group_egress::RevokeSecurityGroupEgressError as E;
            let call = ec2
                .revoke_security_group_egress()
                .group_id(id)
                .ip_permissions(default_egress_permission())
                .customize()
                .config_override(retrying::<E>(NOT_VISIBLE_YET))
                .send();
            within(deadline, "RevokeSecurityGroupEgress (the default allow-all rule)", call).await?;
        }
        let to_add: Vec<Rule> = desired
            .iter()
            .filter(|r| !(keep_default_egress && is_default_egress(&r.key)))
            .cloned()
            .collect();
        self.authorize(id, &to_add, deadline).await?;
        let (mut rules, owner) = self.read_rules(id, deadline).await?;
        // Anything else AWS put there (a default IPv6 allow-all egress rule,
        // say) or a description to fix: one more round, only when needed.
        let rest = diff(desired, &rules);
        if !rest.is_empty() {
            rules = self.apply_changes(id, &rules, &rest, deadline).await?;
        }
        Ok((rules, owner))
    }

    /// Fills the owner, VPC and ARN, which CreateSecurityGroup does not
    /// always return; costs a call only when the rules did not name the
    /// owner or the group went into the default VPC.
    async fn complete_identity(
        &self,
        group: &mut Group,
        owner: Option<String>,
        deadline: Instant,
    ) -> Result<(), AwsError> {
        // CreateSecurityGroup's ARN names the owner when the rules do not.
        let owner = owner.or_else(|| arn::account_of(&group.arn).map(str::to_string));
        match (owner, &group.vpc_id) {
            (Some(owner), Some(_)) => group.owner_id = owner,
            // The default VPC's id, or an owner no rule named: ask.
            _ => match self.describe_group(&group.id, deadline).await? {
                Some(described) => {
                    group.owner_id = described.owner_id;
                    group.vpc_id = described.vpc_id;
                }
                None => {
                    return Err(AwsError::other(
                        "DescribeSecurityGroups",
                        "the new group is not visible",
                    ))
                }
            },
        }
        if group.arn.is_empty() {
            group.arn = arn::security_group_arn(&self.clients.region, &group.owner_id, &group.id);
        }
        Ok(())
    }

    /// The group and its rules; `None` when the group does not exist.
    pub async fn read(&self, id: &str, deadline: Instant) -> Result<Option<(Group, Vec<AppliedRule>)>, AwsError> {
        let Some(group) = self.describe_group(id, deadline).await? else {
            return Ok(None);
        };
        let (rules, _) = self.read_rules(id, deadline).await?;
        Ok(Some((group, rules)))
    }

    async fn describe_group(&self, id: &str, deadline: Instant) -> Result<Option<Group>, AwsError> {
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
    async fn read_rules(&self, id: &str, deadline: Instant) -> Result<(Vec<AppliedRule>, Option<String>), AwsError> {
        let (mut rules, owner) = self.read_rules_of(&[id.to_string()], deadline).await?;
        Ok((rules.remove(id).unwrap_or_default(), owner))
    }

    /// Best effort after a failure: what the group holds now, if readable.
    async fn rules_after_failure(&self, id: &str) -> Option<Vec<AppliedRule>> {
        let deadline = Instant::now() + std::time::Duration::from_secs(30);
        self.read_rules(id, deadline).await.ok().map(|(rules, _)| rules)
    }

    /// Applies `changes` (computed against `before`, the rules the group
    /// held), in the order that never leaves a desired rule missing:
    /// descriptions first, then new rules, then stale ones revoked. Returns
    /// the rules the group holds afterwards: from the Authorize answers, which
    /// list the new rules with their ids, or by reading the group when an
    /// answer does not account for every rule (see `rules::after_changes`).
    pub async fn apply_changes(
        &self,
        id: &str,
        before: &[AppliedRule],
        changes: &RuleChanges,
        deadline: Instant,
    ) -> Result<Vec<AppliedRule>, AwsError> {
        if !changes.describe.is_empty() {
            self.update_descriptions(id, &changes.describe, deadline).await?;
        }
        let new_rules: Vec<Rule> = changes.authorize.values().flatten().cloned().collect();
        let authorized = self.authorize(id, &new_rules, deadline).await?;
        self.revoke(id, changes, deadline).await?;
        match after_changes(before, changes, &authorized) {
            Some(rules) => Ok(rules),
            None => Ok(self.read_rules(id, deadline).await?.0),
        }
    }

    /// Like `apply_changes`, and on failure reports what the group holds.
    pub async fn update(
        &self,
        id: &str,
        before: &[AppliedRule],
        changes: &RuleChanges,
        deadline: Instant,
    ) -> Result<Vec<AppliedRule>, Failure> {
        match self.apply_changes(id, before, changes, deadline).await {
            Ok(rules) => Ok(rules),
            Err(error) => Err(Failure {
                error,
                group: None,
                rules: self.rules_after_failure(id).await,
            }),
        }
    }

    /// One Authorize call per direction that has rules; returns the rules
    /// the answers list (an answer's rule that cannot be understood is left
    /// out, so that the caller reads the group instead).
    async fn authorize(&self, id: &str, rules: &[Rule], deadline: Instant) -> Result<Vec<AppliedRule>, AwsError> {
        let ec2 = &self.clients.ec2;
        let permissions = |direction: Direction| -> Vec<IpPermission> {
            rules
                .iter()
                .filter(|r| r.key.direction == direction)
                .map(|r| ip_permission(r, id))
                .collect()
        };
        let mut authorized = Vec::new();
        let ingress = permissions(Direction::Ingress);
        if !ingress.is_empty() {
            use aws_sdk_ec2::operation::authorize_security_group_ingress::AuthorizeSecurityGroupIngressError as E;
            let call = ec2
                .authorize_security_group_ingress()
                .group_id(id)
                .set_ip_permissions(Some(ingress))
                .customize()
                .config_override(retrying::<E>(NOT_VISIBLE_YET))
                .send();
            let answer = within(deadline, "AuthorizeSecurityGroupIngress", call).await?;
            authorized.extend(understood(answer.security_group_rules(), id));
        }
        let egress = permissions(Direction::Egress);
        if !egress.is_empty() {
            use aws_sdk_ec2::operation::authorize_security_group_egress::AuthorizeSecurityGroupEgressError as E;
            let call = ec2
                .authorize_security_group_egress()
                .group_id(id)
                .set_ip_permissions(Some(egress))
                .customize()
                .config_override(retrying::<E>(NOT_VISIBLE_YET))
                .send();
            let answer = within(deadline, "AuthorizeSecurityGroupEgress", call).await?;
            authorized.extend(understood(answer.security_group_rules(), id));
        }
        Ok(authorized)
    }

    /// Revokes by rule id, one call per direction. A rule already gone is
    /// what was wanted; but AWS revokes all the ids of a call or none, so one
    /// rule removed by hand would keep the others: then the group is read
    /// and the ids it still holds are revoked again.
    async fn revoke(&self, id: &str, changes: &RuleChanges, deadline: Instant) -> Result<(), AwsError> {
        for (&direction, ids) in changes.revoke.iter().filter(|(_, ids)| !ids.is_empty()) {
            match self.revoke_ids(id, direction, ids.clone(), deadline).await {
                Err(err) if is_rule_not_found(&err) && ids.len() > 1 => {
                    let (held, _) = self.read_rules(id, deadline).await?;
                    let still: Vec<String> = ids
                        .iter()
                        .filter(|i| held.iter().any(|h| &h.id == *i))
                        .cloned()
                        .collect();
                    if !still.is_empty() {
                        ignore_not_found(self.revoke_ids(id, direction, still, deadline).await)?;
                    }
                }
                other => ignore_not_found(other)?,
            }
        }
        Ok(())
    }

    /// One Revoke call for rule `ids` of one direction.
    async fn revoke_ids(
        &self,
        id: &str,
        direction: Direction,
        ids: Vec<String>,
        deadline: Instant,
    ) -> Result<(), AwsError> {
        let ec2 = &self.clients.ec2;
        match direction {
            Direction::Ingress => {
                let call = ec2
                    .revoke_security_group_ingress()
                    .group_id(id)
                    .set_security_group_rule_ids(Some(ids))
                    .send();
                within(deadline, "RevokeSecurityGroupIngress", call).await.map(drop)
            }
            Direction::Egress => {
                let call = ec2
                    .revoke_security_group_egress()
                    .group_id(id)
                    .set_security_group_rule_ids(Some(ids))
                    .send();
                within(deadline, "RevokeSecurityGroupEgress", call).await.map(drop)
            }
        }
    }

    /// Changes descriptions in place (one ModifySecurityGroupRules call):
    /// the rules keep their ids and never stop applying.
    async fn update_descriptions(&self, id: &str, rules: &[(String, Rule)], deadline: Instant) -> Result<(), AwsError> {
        let updates = rules
            .iter()
            .map(|(rule_id, rule)| {
                SecurityGroupRuleUpdate::builder()
                    .security_group_rule_id(rule_id)
                    .security_group_rule(rule_request(rule, id))
                    .build()
            })
            .collect::<Vec<_>>();
        let call = self
            .clients
            .ec2
            .modify_security_group_rules()
            .group_id(id)
            .set_security_group_rules(Some(updates))
            .send();
        within(deadline, "ModifySecurityGroupRules", call).await?;
        Ok(())
    }

    /// Brings the group's tags from `old` to `new`: CreateTags for what is
    /// new or changed, DeleteTags for what went; no call when equal.
    pub async fn update_tags(
        &self,
        id: &str,
        old: &BTreeMap<String, String>,
        new: &BTreeMap<String, String>,
        deadline: Instant,
    ) -> Result<(), AwsError> {
        let ec2 = &self.clients.ec2;
        let set: Vec<Tag> = new
            .iter()
            .filter(|(k, v)| old.get(*k) != Some(*v))
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect();
        let gone: Vec<Tag> = old
            .keys()
            .filter(|k| !new.contains_key(*k))
            .map(|k| Tag::builder().key(k).build())
            .collect();
        if !set.is_empty() {
            within(
                deadline,
                "CreateTags",
                ec2.create_tags().resources(id).set_tags(Some(set)).send(),
            )
            .await?;
        }
        if !gone.is_empty() {
            within(
                deadline,
                "DeleteTags",
                ec2.delete_tags().resources(id).set_tags(Some(gone)).send(),
            )
            .await?;
        }
        Ok(())
    }

    /// Deletes the group, first revoking `revoke_first` (its rules, when
    /// `revoke_rules_on_delete` asks for it). While something still uses the
    /// group, DeleteSecurityGroup is retried until the deadline; then the
    /// error names what uses it.
    pub async fn delete(&self, id: &str, revoke_first: &[AppliedRule], deadline: Instant) -> Result<(), AwsError> {
        if !revoke_first.is_empty() {
            let mut changes = RuleChanges::default();
            for applied in revoke_first {
                changes
                    .revoke
                    .entry(applied.rule.key.direction)
                    .or_default()
                    .push(applied.id.clone());
            }
            match self.revoke(id, &changes, deadline).await {
                Err(err) if err.is(ErrorKind::NotFound) => return Ok(()),
                other => other?,
            }
        }
        use aws_sdk_ec2::operation::delete_security_group::DeleteSecurityGroupError as E;
        // AWS's last DependencyViolation: the deadline usually cuts off the
        // call after a pause, and its Timeout says less than AWS did.
        let mut in_use: Option<AwsError> = None;
        let last_error = loop {
            let call = self
                .clients
                .ec2
                .delete_security_group()
                .group_id(id)
                .customize()
                .config_override(retrying::<E>(&["DependencyViolation"]))
                .send();
            match within(deadline, "DeleteSecurityGroup", call).await {
                Ok(_) => return Ok(()),
                Err(err) if err.is(ErrorKind::NotFound) => return Ok(()),
                Err(err) if err.is(ErrorKind::DependencyViolation) && Instant::now() < deadline => {
                    // The SDK's retries ran out before the deadline: pause
                    // and go on trying until the delete timeout.
                    let pause = std::time::Duration::from_secs(5).min(deadline - Instant::now());
                    in_use = Some(err);
                    tokio::time::sleep(pause).await;
                }
                Err(err) if err.is(ErrorKind::DependencyViolation) => break err,
                // Out of time: "still in use" only if AWS said so.
                Err(err) if err.is(ErrorKind::Timeout) => match in_use {
                    Some(in_use) => break in_use,
                    None => return Err(err),
                },
                Err(err) => return Err(err),
            }
        };
        let users = self.users_of(id).await;
        let mut message = format!(
            "security group {id} is still in use and could not be deleted before the delete timeout ({}).",
            last_error.message
        );
        if users.is_empty() {
            message.push_str(" No network interface or security group rule using it was found; it may be in use in another account or VPC peering.");
        } else {
            message.push_str(" Still using it: ");
            message.push_str(&users.join("; "));
            message.push_str(
                ". Detach or delete these, or remove their rules that reference this group, then destroy again.",
            );
        }
        Err(AwsError {
            action: "DeleteSecurityGroup",
            kind: ErrorKind::DependencyViolation,
            code: last_error.code,
            message,
        })
    }

    /// Network interfaces and groups that use or reference `id`, for a
    /// DependencyViolation message. Best effort: failures are left out.
    async fn users_of(&self, id: &str) -> Vec<String> {
        let ec2 = &self.clients.ec2;
        let mut users = Vec::new();
        let deadline = Instant::now() + std::time::Duration::from_secs(30);
        let call = ec2
            .describe_network_interfaces()
            .filters(Filter::builder().name("group-id").values(id).build())
            .send();
        if let Ok(output) = within(deadline, "DescribeNetworkInterfaces", call).await {
            for eni in output.network_interfaces() {
                let mut text = format!("network interface {}", eni.network_interface_id().unwrap_or("?"));
                if let Some(instance) = eni.attachment().and_then(|a| a.instance_id()) {
                    text.push_str(&format!(" (attached to {instance})"));
                } else if let Some(description) = eni.description().filter(|d| !d.is_empty()) {
                    text.push_str(&format!(" ({description})"));
                }
                users.push(text);
            }
        }
        for (filter, direction) in [
            ("ip-permission.group-id", "inbound"),
            ("egress.ip-permission.group-id", "outbound"),
        ] {
            let call = ec2
                .describe_security_groups()
                .filters(Filter::builder().name(filter).values(id).build())
                .send();
            if let Ok(output) = within(deadline, "DescribeSecurityGroups", call).await {
                for group in output.security_groups() {
                    if group.group_id() != Some(id) {
                        users.push(format!(
                            "an {direction} rule of security group {} ({})",
                            group.group_id().unwrap_or("?"),
                            group.group_name().unwrap_or("?")
                        ));
                    }
                }
            }
        }
        users
    }
}

/// AWS takes at most 200 values in one filter.
pub const FILTER_VALUES_MAX: usize = 200;
/// The most results one Describe page holds.
pub(super) const PAGE_MAX: i32 = 1000;

/// A described group as the provider keeps it.
/// The value of a group's ownership tag, if it has one.
fn owner_tag(sg: &SecurityGroup) -> Option<&str> {
    sg.tags()
        .iter()
        .find(|t| t.key() == Some(OWNER_TAG))
        .and_then(|t| t.value())
}

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
        // The ownership tag is the provider's own bookkeeping, not one of
        // the user's tags.
        tags: sg
            .tags()
            .iter()
            .filter(|t| t.key() != Some(OWNER_TAG))
            .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or_default().to_string())))
            .collect(),
    }
}

fn ignore_not_found<T>(result: Result<T, AwsError>) -> Result<(), AwsError> {
    match result {
        Ok(_) => Ok(()),
        Err(err) if is_rule_not_found(&err) => Ok(()),
        Err(err) => Err(err),
    }
}

/// A rule (not the group) that does not exist.
fn is_rule_not_found(err: &AwsError) -> bool {
    err.is(ErrorKind::NotFound) && err.code.as_deref() != Some("InvalidGroup.NotFound")
}

/// The allow-all egress rule AWS adds to every new VPC group.
fn is_default_egress(key: &RuleKey) -> bool {
    key.direction == Direction::Egress
        && key.protocol == Protocol::All
        && matches!(&key.peer, Peer::Ipv4(net) if net.prefix_len() == 0)
}

fn default_egress_permission() -> IpPermission {
    IpPermission::builder()
        .ip_protocol("-1")
        .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
        .build()
}

/// A rule as ModifySecurityGroupRules takes it.
fn rule_request(rule: &Rule, own_group_id: &str) -> SecurityGroupRuleRequest {
    let key = &rule.key;
    let mut request = SecurityGroupRuleRequest::builder()
        .ip_protocol(ip_protocol(key.protocol))
        .from_port(key.from_port)
        .to_port(key.to_port)
        .set_description(rule.description.clone());
    request = match &key.peer {
        Peer::Ipv4(net) => request.cidr_ipv4(net.to_string()),
        Peer::Ipv6(net) => request.cidr_ipv6(net.to_string()),
        Peer::PrefixList(list) => request.prefix_list_id(list),
        Peer::SecurityGroup(group) => request.referenced_group_id(group),
        Peer::SelfGroup => request.referenced_group_id(own_group_id),
    };
    request.build()
}

/// The rules an Authorize answer lists, as applied rules of group `id`; a
/// rule that cannot be understood is left out (the caller then reads the
/// group, see `rules::after_changes`).
fn understood<'a>(listed: &'a [SecurityGroupRule], id: &'a str) -> impl Iterator<Item = AppliedRule> + 'a {
    listed.iter().filter_map(move |rule| applied_rule(rule, id).ok())
}

/// The tag every group this provider creates carries, naming the firewall
/// it was created for, so that an interrupted apply can find its group again.
pub const OWNER_TAG: &str = "cumulocity-firewall:owner";

/// `terraform-provider-cumulocity/<name>@<vpc>`: a group's name is unique in
/// its VPC, so this names the firewall the group was created for.
pub fn owner_tag_value(spec: &GroupSpec) -> String {
    format!(
        "terraform-provider-cumulocity/{}@{}",
        spec.name,
        spec.vpc_id.as_deref().unwrap_or("default-vpc")
    )
}
