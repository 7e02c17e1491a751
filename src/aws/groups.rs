//! Creating a security group (or adopting the one an interrupted apply
//! left behind, in `adopt`) and reading one back.
//!
//! Every operation reports the rules AWS really holds: create reads them back
//! with one DescribeSecurityGroupRules (AWS may add rules of its own). An
//! operation that fails after the group exists says so (`Failure::group`),
//! with the rules the group holds then, so the caller can record it instead
//! of orphaning it.

use aws_sdk_ec2::types::{IpPermission, IpRange, ResourceType, TagSpecification};
use tokio::time::Instant;

use super::adopt::{claim, creation_lock};
use super::call::{retrying, within, NOT_VISIBLE_YET};
use super::error::{AwsError, ErrorKind};
use super::group::{Created, Failure, Group, GroupSpec, SecurityGroups};
use super::tags::{creating_tag_value, creation_tags, owner_tag_value};
use crate::rules::arn;
use crate::rules::{diff, AppliedRule, Direction, Peer, Protocol, Rule, RuleKey};

impl SecurityGroups<'_> {
    /// Creates a group holding exactly `desired`: CreateSecurityGroup (tags
    /// and the marker of an unfinished create included), the default
    /// allow-all egress rule revoked unless it is wanted, one Authorize call
    /// per direction, one read-back, one DeleteTags of the marker. A group
    /// whose name was chosen from a prefix first looks for a marked group an
    /// interrupted create of the same prefix left (one more call); see
    /// `adopt` for when an existing group is adopted, and when it is an
    /// error.
    pub async fn create(&self, spec: &GroupSpec, desired: &[Rule], deadline: Instant) -> Result<Created, Failure> {
        let ec2 = &self.clients.ec2;
        let owner = owner_tag_value(spec);
        let creating = creating_tag_value(spec);
        // Creates of one marker, in this process, one at a time up to the
        // claim of their group: two firewalls of one apply never adopt the
        // group the other is filling.
        let lock = creation_lock(&creating);
        let guard = lock.lock().await;
        if spec.name_prefix.is_some() {
            if let Some(left) = self.left_by_prefix(spec, &creating, deadline).await? {
                drop(guard);
                return self.adopt(left, desired, deadline).await;
            }
        }
        let tags = creation_tags(spec, &owner, &creating);
        let request = ec2
            .create_security_group()
            .group_name(&spec.name)
            .description(&spec.description)
            .set_vpc_id(spec.vpc_id.clone())
            .tag_specifications(
                TagSpecification::builder()
                    .resource_type(ResourceType::SecurityGroup)
                    .set_tags(Some(tags))
                    .build(),
            );
        let created = match within(deadline, "CreateSecurityGroup", request.send()).await {
            Ok(created) => created,
            Err(err) if err.is(ErrorKind::Duplicate) => {
                let left = self.left_by_name(spec, &owner, &creating, err, deadline).await?;
                drop(guard);
                return self.adopt(left, desired, deadline).await;
            }
            Err(err) => return Err(Failure::before_any_change(err)),
        };
        let Some(id) = created.group_id().map(str::to_string) else {
            return Err(Failure::before_any_change(AwsError::other(
                "CreateSecurityGroup",
                "the response named no group id",
            )));
        };
        claim(&id);
        drop(guard);
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
                let completed = async {
                    self.complete_identity(&mut group, owner, deadline).await?;
                    self.clear_creating_tag(&group.id, deadline).await
                };
                match completed.await {
                    Ok(()) => Ok(Created {
                        group,
                        rules,
                        adopted: false,
                    }),
                    Err(error) => Err(Failure {
                        error,
                        group: Some(group),
                        rules: Some(rules),
                    }),
                }
            }
            Err(error) => Err(self.failed_after_create(group, error).await),
        }
    }

    /// A create or adoption that failed once the group exists: the group goes
    /// into the state (with the rules it holds), so it no longer needs the
    /// marker of an unfinished create; removed on a best-effort basis.
    pub(super) async fn failed_after_create(&self, group: Group, error: AwsError) -> Failure {
        let rules = self.rules_after_failure(&group.id).await;
        let deadline = Instant::now() + std::time::Duration::from_secs(30);
        let _ = self.clear_creating_tag(&group.id, deadline).await;
        Failure {
            error,
            group: Some(group),
            rules,
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
