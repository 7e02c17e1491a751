//! Security groups: creating one (or adopting the one an interrupted apply
//! left behind) and reading one back.
//!
//! Every operation reports the rules AWS really holds: create reads them back
//! with one DescribeSecurityGroupRules (AWS may add rules of its own). An
//! operation that fails after the group exists says so (`Failure::group`),
//! with the rules the group holds then, so the caller can record it instead
//! of orphaning it.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{Filter, IpPermission, IpRange, ResourceType, SecurityGroup, TagSpecification};
use tokio::time::Instant;

use super::call::{retrying, within, NOT_VISIBLE_YET};
use super::clients::Clients;
use super::describe::group_of;
use super::error::{AwsError, ErrorKind};
use super::tags::{creation_tags, owner_tag, owner_tag_value, OWNER_TAG};
use crate::rules::arn;
use crate::rules::{diff, AppliedRule, Direction, Peer, Protocol, Rule, RuleKey};

/// A group to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupSpec {
    /// The group's name, unique in its VPC (see `tags::unique_name`).
    pub name: String,
    /// Its description, which AWS cannot change later.
    pub description: String,
    /// `None`: the Region's default VPC.
    pub vpc_id: Option<String>,
    /// The user's tags; the ownership tag is added on creation.
    pub tags: BTreeMap<String, String>,
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
        let tags = creation_tags(spec, &owner);
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

    /// Best effort after a failure: what the group holds now, if readable.
    pub(super) async fn rules_after_failure(&self, id: &str) -> Option<Vec<AppliedRule>> {
        let deadline = Instant::now() + std::time::Duration::from_secs(30);
        self.read_rules(id, deadline).await.ok().map(|(rules, _)| rules)
    }
}

/// The allow-all egress rule AWS adds to every new VPC group.
fn is_default_egress(key: &RuleKey) -> bool {
    key.direction == Direction::Egress
        && key.protocol == Protocol::All
        && matches!(&key.peer, Peer::Ipv4(net) if net.prefix_len() == 0)
}

/// That rule as RevokeSecurityGroupEgress takes it.
fn default_egress_permission() -> IpPermission {
    IpPermission::builder()
        .ip_protocol("-1")
        .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
        .build()
}
