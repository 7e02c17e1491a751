//! Adopting the group an interrupted create left, and refusing every other
//! group: a create never takes over a group that another configuration (or
//! another firewall of the same apply) manages.
//!
//! Every group is created with the marker of an unfinished create
//! (`tags::CREATING_TAG`), removed once its create has completed. A group
//! that still carries it, with the value this create would give it, is
//! what a create killed part-way left behind (before Terraform could save
//! it in a state): adopted, and its rules brought to the desired ones. A
//! group without it finished its create long ago, so some state holds it:
//! an error naming it, before any change. Groups this process created or
//! adopted are claimed, so that two firewalls of one apply never share one.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, PoisonError};

use aws_sdk_ec2::types::{Filter, SecurityGroup};
use tokio::time::Instant;

use super::call::within;
use super::describe::group_of;
use super::error::{AwsError, ErrorKind};
use super::group::{Created, Failure, Group, GroupSpec, SecurityGroups};
use super::tags::{creating_tag, exact_filter_value, owner_tag, CREATING_TAG, OWNER_TAG};
use crate::rules::{diff, Rule};

/// The groups this process created or adopted.
static CLAIMED: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// One lock per marker value, serialising this process's creates of one
/// name (or prefix) in one VPC up to the claim of their group.
static CREATING: Mutex<BTreeMap<String, Arc<tokio::sync::Mutex<()>>>> = Mutex::new(BTreeMap::new());

/// Claims group `id` for this process; `false` when it was claimed already.
pub(super) fn claim(id: &str) -> bool {
    CLAIMED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(id.to_string())
}

/// Whether this process created or adopted group `id`.
fn claimed(id: &str) -> bool {
    CLAIMED.lock().unwrap_or_else(PoisonError::into_inner).contains(id)
}

/// The lock of the creates marked `creating`.
pub(super) fn creation_lock(creating: &str) -> Arc<tokio::sync::Mutex<()>> {
    CREATING
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(creating.to_string())
        .or_default()
        .clone()
}

/// A create stopped by a group of its name that it may not adopt.
fn name_taken(duplicate: &AwsError, message: String) -> Failure {
    Failure::before_any_change(AwsError {
        action: "CreateSecurityGroup",
        kind: ErrorKind::NameTaken,
        code: duplicate.code.clone(),
        message,
    })
}

impl SecurityGroups<'_> {
    /// CreateSecurityGroup found the name taken: the group holding it, if
    /// this create may adopt it (it carries this firewall's ownership tag,
    /// still the marker of an unfinished create, and no firewall of this
    /// process claimed it); otherwise an error naming it. One
    /// DescribeSecurityGroups, by name (and VPC).
    pub(super) async fn left_by_name(
        &self,
        spec: &GroupSpec,
        owner: &str,
        creating: &str,
        duplicate: AwsError,
        deadline: Instant,
    ) -> Result<Group, Failure> {
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
        let id = holder.group_id().unwrap_or("?");
        let place = format!(
            "security group {id} (name \"{}\", {})",
            spec.name,
            match holder.vpc_id().or(spec.vpc_id.as_deref()) {
                Some(vpc) => format!("VPC {vpc}"),
                None => "the default VPC".to_string(),
            }
        );
        if owner_tag(holder) != Some(owner) {
            return Err(name_taken(
                &duplicate,
                format!(
                    "{place} already exists, and this provider did not create it for this firewall (it lacks the \
                     tag {OWNER_TAG} = \"{owner}\"); nothing was changed."
                ),
            ));
        }
        let same_apply = || {
            name_taken(
                &duplicate,
                format!(
                    "{place} was created by another firewall of this same apply, with the same name in the same \
                     VPC. Nothing was changed."
                ),
            )
        };
        if claimed(id) {
            return Err(same_apply());
        }
        if creating_tag(holder) != Some(creating) {
            return Err(name_taken(
                &duplicate,
                format!(
                    "{place} already exists. It carries this provider's ownership tag for that name and VPC but \
                     not the tag {CREATING_TAG} of a create that stopped part-way: its create completed, so \
                     another configuration appears to manage it. Nothing was changed."
                ),
            ));
        }
        if !claim(id) {
            return Err(same_apply());
        }
        Ok(group_of(&self.clients.region, id, holder))
    }

    /// The group an interrupted create of a name chosen from
    /// `spec.name_prefix` left, if any: one DescribeSecurityGroups filtered
    /// on the marker's value `creating`. The oldest unclaimed one (names
    /// from a prefix sort by creation) is claimed and returned.
    pub(super) async fn left_by_prefix(
        &self,
        spec: &GroupSpec,
        creating: &str,
        deadline: Instant,
    ) -> Result<Option<Group>, Failure> {
        let mut request = self.clients.ec2.describe_security_groups().filters(
            Filter::builder()
                .name(format!("tag:{CREATING_TAG}"))
                .values(exact_filter_value(creating))
                .build(),
        );
        if let Some(vpc) = &spec.vpc_id {
            request = request.filters(Filter::builder().name("vpc-id").values(vpc).build());
        }
        let found = within(deadline, "DescribeSecurityGroups", request.send())
            .await
            .map_err(Failure::before_any_change)?;
        let prefix = spec.name_prefix.as_deref().unwrap_or_default();
        let mut left: Vec<&SecurityGroup> = found
            .security_groups()
            .iter()
            .filter(|g| creating_tag(g) == Some(creating))
            .filter(|g| g.group_name().is_some_and(|n| n.starts_with(prefix)))
            .collect();
        left.sort_by_key(|g| g.group_name());
        Ok(left.into_iter().find_map(|g| {
            let id = g.group_id()?;
            claim(id).then(|| group_of(&self.clients.region, id, g))
        }))
    }

    /// Adopts `group`, which an interrupted create left: brings its rules to
    /// `desired` (one read, changes only where they differ) and removes the
    /// marker of an unfinished create.
    pub(super) async fn adopt(&self, group: Group, desired: &[Rule], deadline: Instant) -> Result<Created, Failure> {
        let converge = async {
            let (actual, _) = self.read_rules(&group.id, deadline).await?;
            let changes = diff(desired, &actual);
            let rules = if changes.is_empty() {
                actual
            } else {
                self.apply_changes(&group.id, &actual, &changes, deadline).await?
            };
            self.clear_creating_tag(&group.id, deadline).await?;
            Ok(rules)
        };
        match converge.await {
            Ok(rules) => Ok(Created {
                group,
                rules,
                adopted: true,
            }),
            Err(error) => Err(self.failed_after_create(group, error).await),
        }
    }
}
