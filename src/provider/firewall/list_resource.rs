//! `list "cumulocity_firewall"` (Terraform 1.14+, `terraform query`): finds
//! existing security groups and offers each as a `cumulocity_firewall`, its
//! arguments inferred from its rules exactly as an import infers them, so
//! that `terraform query -generate-config-out=...` turns a VPC of hand-made
//! groups into `resource` and `import` blocks in one command.
//!
//! The configuration is checked before any AWS call (`list_request`). The groups come from `aws::GroupLister`: pages of
//! DescribeSecurityGroups, each with the rules of its groups in one
//! DescribeSecurityGroupRules, never a read per group; a listing that
//! reaches Terraform's `limit` asks for no further page.

use async_trait::async_trait;
use tf_provider::schema::{AttributeType, NestedBlock, Schema};
use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics, ListResource, ListResult, ListResults};
use tokio::time::Instant;

use crate::aws::{AwsError, ErrorKind, Group, GroupLister};
use crate::provider::common::diagnostics::{aws_error_fixed_time, error};
use crate::provider::common::schema_builder::{block, optional, required, string_list};
use crate::provider::configure::state::Shared;
use crate::provider::firewall::identity::{identity_of, FirewallIdentity};
use crate::provider::firewall::import::imported;
use crate::provider::firewall::list_request::{checked_request, FirewallListConfig};
use crate::provider::firewall::schema::FirewallState;

/// How long one listing may take, all pages together.
const LIST_BUDGET: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// The list resource's `config` schema.
pub fn list_schema() -> Schema {
    let filter = block(
        "A DescribeSecurityGroups filter; a group is listed when it matches every filter, and a filter when \
         the group matches any of its values.",
        vec![
            (
                "name",
                required(
                    AttributeType::String,
                    "The filter's name, as DescribeSecurityGroups takes it: `group-name`, `description`, \
                     `tag:<key>`, `tag-key`, `tag-value`, `owner-id`, `ip-permission.cidr`, \
                     `egress.ip-permission.protocol`, ... (`vpc_id` and `group_ids` stand for `vpc-id` and \
                     `group-id`).",
                ),
            ),
            (
                "values",
                required(
                    string_list(),
                    "The values, 1 to 200; `*` and `?` are wildcards where AWS allows them.",
                ),
            ),
        ],
        vec![],
    );
    Schema {
        version: 0,
        block: block(
            "Finds existing security groups for `terraform query` (Terraform 1.14 and later) and offers each \
             as a `cumulocity_firewall`: its identity, a display name (`<name> (<id>, <vpc>)`) and, when the \
             `list` block sets `include_resource = true` (as `-generate-config-out` does), the whole resource \
             with the rule sets, CIDR arguments, `extra_rule` blocks and `manage_rule_descriptions` inferred \
             from the group's rules exactly as an import infers them.",
            vec![
                (
                    "vpc_id",
                    optional(AttributeType::String, "Only groups in this VPC, `vpc-...`."),
                ),
                ("group_ids", optional(string_list(), "Only these groups, `sg-...`.")),
                (
                    "region",
                    optional(
                        AttributeType::String,
                        "The Region to list, such as `eu-west-1`; the provider's Region when absent. Results \
                         in another Region carry it in their identity and their `region`, so the generated \
                         configuration names it.",
                    ),
                ),
                (
                    "include_default_groups",
                    optional(
                        AttributeType::Bool,
                        "Whether each VPC's `default` group is listed too. Default `false`: a default group \
                         cannot be deleted and is no firewall.",
                    ),
                ),
            ],
            vec![("filter", NestedBlock::List(filter))],
        ),
    }
}

/// Checks a configuration, every problem reported on the attribute at
/// fault. Unknown values pass unless `known` says they must be known (at
/// list time); the request is returned only when everything is known and
/// right.
/// How a listed group is shown by `terraform query`: `name (id, vpc)`.
pub fn display_name(group: &Group) -> String {
    match &group.vpc_id {
        Some(vpc) => format!("{} ({}, {vpc})", group.name, group.id),
        None => format!("{} ({})", group.name, group.id),
    }
}

/// A failed listing as a diagnostic; a refusal names the IAM permissions
/// listing needs.
fn report_list_error(diags: &mut Diagnostics, err: &AwsError) {
    if err.is(ErrorKind::AccessDenied) {
        error(
            diags,
            format!("{} was refused", err.action),
            format!(
                "AWS answered {}: {} Listing security groups needs the IAM permissions ec2:DescribeSecurityGroups \
                 and ec2:DescribeSecurityGroupRules; these credentials lack ec2:{} (see the guide \
                 \"Least-privilege IAM policy\").",
                err.code.as_deref().unwrap_or("AccessDenied"),
                err.message.trim_end_matches('.').to_string() + ".",
                err.action
            ),
            AttributePath::root(),
        );
    } else {
        aws_error_fixed_time(diags, err);
    }
}

/// The list resource of `cumulocity_firewall`.
pub struct FirewallListResource {
    /// The provider configuration it lists with.
    pub state: Shared,
}

#[async_trait]
impl ListResource for FirewallListResource {
    type Config<'a> = FirewallListConfig;
    type Identity = FirewallIdentity;
    type ResourceState = FirewallState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(list_schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::Config<'a>) -> Option<()> {
        checked_request(diags, &config, false);
        Some(())
    }

    async fn list<'a>(
        &self,
        diags: &mut Diagnostics,
        config: Self::Config<'a>,
        results: &mut ListResults<'_, Self::Identity, Self::ResourceState>,
    ) -> Option<()> {
        let Some(request) = checked_request(diags, &config, true) else {
            return Some(());
        };
        // A listing in another Region than the provider's uses that
        // Region's clients, as a firewall there does.
        let clients = self.state.clients_or_report(diags, request.region.as_deref()).await?;
        let default_tags = self.state.settings().default_tags;
        let deadline = Instant::now() + LIST_BUDGET;
        let mut lister = GroupLister::new(&clients, request.query);
        while results.wants_more() {
            let want = usize::try_from(results.remaining()).unwrap_or(usize::MAX);
            let page = match lister.next_page(want, deadline).await {
                Ok(Some(page)) => page,
                Ok(None) => break,
                Err(err) => {
                    report_list_error(diags, &err);
                    return Some(());
                }
            };
            for (group, rules) in page {
                let display_name = display_name(&group);
                // Inferring the arguments is the costly part: only when
                // Terraform takes the resource.
                let state = if results.include_resource() {
                    imported(&group, rules, &default_tags, &clients.region)
                } else {
                    FirewallState {
                        id: Value::Value(group.id.clone()),
                        owner_id: Value::Value(group.owner_id.clone()),
                        vpc_id: group.vpc_id.clone().map_or(Value::Null, Value::Value),
                        region: Value::Value(clients.region.clone()),
                        ..FirewallState::default()
                    }
                };
                let Some(identity) = identity_of(&state, Some(&clients.region)) else {
                    continue;
                };
                let result = ListResult {
                    identity,
                    display_name,
                    resource_object: Some(state),
                    diagnostics: Diagnostics::default(),
                };
                if !results.push(diags, result).await {
                    return Some(());
                }
            }
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::common::schema_builder::{block_names, field_names};
    use crate::provider::firewall::list_request::FilterConfig;

    #[test]
    fn config_struct_and_schema_name_the_same_attributes() {
        let schema = list_schema();
        assert_eq!(field_names(&FirewallListConfig::default()), block_names(&schema.block));
        let Some(NestedBlock::List(filter_block)) = schema.block.blocks.get("filter") else {
            panic!("filter is a list block");
        };
        assert_eq!(field_names(&FilterConfig::default()), block_names(filter_block));
    }

    #[test]
    fn display_names_show_name_id_and_vpc() {
        let mut group = Group {
            id: "sg-0123456789abcdef0".into(),
            arn: String::new(),
            owner_id: "123456789012".into(),
            name: "c8y-edge".into(),
            description: String::new(),
            vpc_id: Some("vpc-0123456789abcdef0".into()),
            tags: Default::default(),
        };
        assert_eq!(
            display_name(&group),
            "c8y-edge (sg-0123456789abcdef0, vpc-0123456789abcdef0)"
        );
        group.vpc_id = None;
        assert_eq!(display_name(&group), "c8y-edge (sg-0123456789abcdef0)");
    }
}
