//! The tags the provider writes on a group for its own bookkeeping, and the
//! CreateTags / DeleteTags calls.
//!
//! The ownership tag every created group carries is derived from the
//! group's name and VPC, and the marker of an unfinished create from its
//! name (or name prefix) and VPC, so that an interrupted apply can find its
//! group again and tell it from a group another configuration manages.
//! These tags are never among the user's tags. The policy for the user's
//! tags and for names (`default_tags`, generated names, the default
//! description) is a decision, in `rules::naming`.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{SecurityGroup, Tag};
use tokio::time::Instant;

use super::call::within;
use super::error::AwsError;
use super::group::{GroupSpec, SecurityGroups};

/// The tag every group this provider creates carries, naming the firewall
/// it was created for, so that an interrupted apply can find its group again.
pub const OWNER_TAG: &str = "cumulocity-firewall:owner";

/// The tag a group carries from its CreateSecurityGroup (in the same call)
/// until its create has completed (rules set and read back), when one
/// DeleteTags removes it. A group that still carries it was left by a create
/// that stopped part-way: the only kind of existing group a create adopts.
/// Its value says which creates may adopt it (`creating_tag_value`).
pub const CREATING_TAG: &str = "cumulocity-firewall:creating";

/// `terraform-provider-cumulocity/<name>@<vpc>`: a group's name is unique in
/// its VPC, so this names the firewall the group was created for.
pub fn owner_tag_value(spec: &GroupSpec) -> String {
    format!(
        "terraform-provider-cumulocity/{}@{}",
        spec.name,
        spec.vpc_id.as_deref().unwrap_or("default-vpc")
    )
}

/// The marker's value: the ownership tag's value for a group created by
/// `name`; `terraform-provider-cumulocity/<prefix>*@<vpc>` for a group
/// whose name was chosen from a prefix, which a retry does not know.
pub fn creating_tag_value(spec: &GroupSpec) -> String {
    match &spec.name_prefix {
        Some(prefix) => format!(
            "terraform-provider-cumulocity/{prefix}*@{}",
            spec.vpc_id.as_deref().unwrap_or("default-vpc")
        ),
        None => owner_tag_value(spec),
    }
}

/// `value` as an EC2 filter value that matches only itself: EC2 reads `*`
/// and `?` as wildcards unless escaped with a backslash.
pub(super) fn exact_filter_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '*' | '?' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The value of a group's marker of an unfinished create, if it has one.
pub(super) fn creating_tag(sg: &SecurityGroup) -> Option<&str> {
    sg.tags()
        .iter()
        .find(|t| t.key() == Some(CREATING_TAG))
        .and_then(|t| t.value())
}

/// The value of a group's ownership tag, if it has one.
pub(super) fn owner_tag(sg: &SecurityGroup) -> Option<&str> {
    sg.tags()
        .iter()
        .find(|t| t.key() == Some(OWNER_TAG))
        .and_then(|t| t.value())
}

/// The tags a new group is created with: the spec's, the ownership tag
/// `owner` and the marker `creating` (`creating_tag_value`).
pub(super) fn creation_tags(spec: &GroupSpec, owner: &str, creating: &str) -> Vec<Tag> {
    spec.tags
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .chain([(OWNER_TAG, owner), (CREATING_TAG, creating)])
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// A described group's tags as the user knows them: the ownership tag and
/// the marker are the provider's own bookkeeping, not the user's tags.
pub(super) fn user_tags(sg: &SecurityGroup) -> BTreeMap<String, String> {
    sg.tags()
        .iter()
        .filter(|t| t.key() != Some(OWNER_TAG) && t.key() != Some(CREATING_TAG))
        .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or_default().to_string())))
        .collect()
}

impl SecurityGroups<'_> {
    /// Removes the marker of an unfinished create (`CREATING_TAG`): one
    /// DeleteTags, made once the group is complete.
    pub(super) async fn clear_creating_tag(&self, id: &str, deadline: Instant) -> Result<(), AwsError> {
        let call = self
            .clients
            .ec2
            .delete_tags()
            .resources(id)
            .tags(Tag::builder().key(CREATING_TAG).build())
            .send();
        within(deadline, "DeleteTags (the marker of an unfinished create)", call).await?;
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn the_ownership_tag_names_the_group_and_its_vpc() {
        let spec = GroupSpec {
            name: "c8y-edge".to_string(),
            description: String::new(),
            vpc_id: None,
            tags: tags(&[("env", "prod")]),
            name_prefix: None,
        };
        assert_eq!(
            owner_tag_value(&spec),
            "terraform-provider-cumulocity/c8y-edge@default-vpc"
        );
        assert_eq!(creating_tag_value(&spec), owner_tag_value(&spec));
        let created = creation_tags(&spec, &owner_tag_value(&spec), &creating_tag_value(&spec));
        let keys: Vec<Option<&str>> = created.iter().map(|t| t.key()).collect();
        assert_eq!(keys, [Some("env"), Some(OWNER_TAG), Some(CREATING_TAG)]);
    }

    #[test]
    fn a_prefixed_group_is_marked_with_its_prefix_and_the_filter_value_is_escaped() {
        let spec = GroupSpec {
            name: "edge-17000000000000000000001".to_string(),
            description: String::new(),
            vpc_id: Some("vpc-1".to_string()),
            tags: BTreeMap::new(),
            name_prefix: Some("edge-".to_string()),
        };
        assert_eq!(
            owner_tag_value(&spec),
            "terraform-provider-cumulocity/edge-17000000000000000000001@vpc-1"
        );
        assert_eq!(creating_tag_value(&spec), "terraform-provider-cumulocity/edge-*@vpc-1");
        assert_eq!(
            exact_filter_value(&creating_tag_value(&spec)),
            "terraform-provider-cumulocity/edge-\\*@vpc-1"
        );
        assert_eq!(exact_filter_value("a?b\\c"), "a\\?b\\\\c");
    }
}
