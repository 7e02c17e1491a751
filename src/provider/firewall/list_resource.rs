//! `list "cumulocity_firewall"` (Terraform 1.14+, `terraform query`): finds
//! existing security groups and offers each as a `cumulocity_firewall`, its
//! arguments inferred from its rules exactly as an import infers them, so
//! that `terraform query -generate-config-out=...` turns a VPC of hand-made
//! groups into `resource` and `import` blocks in one command.
//!
//! The configuration is checked before any AWS call, every problem on the
//! attribute at fault (at validate, and again at list for values that were
//! unknown then). The groups come from `aws::GroupLister`: pages of
//! DescribeSecurityGroups, each with the rules of its groups in one
//! DescribeSecurityGroupRules, never a read per group; a listing that
//! reaches Terraform's `limit` asks for no further page.

use std::collections::BTreeSet;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, NestedBlock, Schema};
use tf_provider::value::{Value, ValueList};
use tf_provider::{AttributePath, Diagnostics, ListResource, ListResult, ListResults};
use tokio::time::Instant;

use crate::aws::list_groups::{is_filter_name, FILTER_NAMES};
use crate::aws::{AwsError, ErrorKind, Group, GroupLister, GroupQuery};
use crate::provider::common::diagnostics::{aws_error_fixed_time, error};
use crate::provider::common::schema_builder::{block, optional, required, string_list};
use crate::provider::configure::config::is_region_name;
use crate::provider::configure::state::Shared;
use crate::provider::firewall::identity::{identity_of, FirewallIdentity};
use crate::provider::firewall::resource::imported;
use crate::provider::firewall::schema::FirewallState;
use crate::rules::parse::{parse_ec2_id, parse_security_group_id};

/// AWS takes at most this many values in one filter.
const FILTER_VALUES_MAX: usize = 200;
/// How long one listing may take, all pages together.
const LIST_BUDGET: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// The `config` of a `list "cumulocity_firewall"` block.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FirewallListConfig {
    /// Only groups in this VPC.
    pub vpc_id: Value<String>,
    /// Only these groups.
    pub group_ids: ValueList<Value<String>>,
    /// DescribeSecurityGroups filters, all of which a group must match.
    pub filter: ValueList<FilterConfig>,
    /// The Region to list; the provider's when absent.
    pub region: Value<String>,
    /// Whether each VPC's `default` group is listed (default false).
    pub include_default_groups: Value<bool>,
}

/// One `filter` block.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FilterConfig {
    /// The DescribeSecurityGroups filter's name.
    pub name: Value<String>,
    /// The values, any of which a group may match.
    pub values: ValueList<Value<String>>,
}

/// What a checked configuration asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListRequest {
    /// The groups to list.
    pub query: GroupQuery,
    /// The Region the configuration names, if it names one.
    pub region: Option<String>,
}

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
pub fn checked_request(diags: &mut Diagnostics, config: &FirewallListConfig, known: bool) -> Option<ListRequest> {
    let errors_before = diags.errors.len();
    let mut complete = true;
    let mut query = GroupQuery {
        include_default_groups: matches!(config.include_default_groups, Value::Value(true)),
        ..GroupQuery::default()
    };
    if config.include_default_groups.is_unknown() {
        complete = false;
    }

    let vpc_id = match &config.vpc_id {
        Value::Value(vpc) => match parse_ec2_id(vpc, "vpc", "VPC") {
            Ok(vpc) => Some(vpc),
            Err(detail) => {
                error(diags, "Invalid vpc_id", detail, config_path("vpc_id"));
                None
            }
        },
        Value::Null => None,
        Value::Unknown => {
            complete = false;
            None
        }
    };

    match &config.group_ids {
        Value::Value(ids) => {
            let mut seen = BTreeSet::new();
            for (i, id) in ids.iter().enumerate() {
                match id {
                    Value::Value(id) => match parse_security_group_id(id) {
                        Ok(id) => {
                            if seen.insert(id.clone()) {
                                query.group_ids.push(id);
                            }
                        }
                        Err(detail) => error(
                            diags,
                            "Invalid group id",
                            detail,
                            config_path("group_ids").index(index(i)),
                        ),
                    },
                    Value::Null => error(
                        diags,
                        "Invalid group id",
                        "group_ids holds a null; give each group's id, `sg-...`.",
                        config_path("group_ids").index(index(i)),
                    ),
                    Value::Unknown => complete = false,
                }
            }
        }
        Value::Null => {}
        Value::Unknown => complete = false,
    }

    match &config.filter {
        Value::Value(filters) => {
            let mut names = BTreeSet::new();
            for (i, filter) in filters.iter().enumerate() {
                let at = || config_path("filter").index(index(i));
                let name = match &filter.name {
                    Value::Value(name) if !is_filter_name(name) => {
                        error(
                            diags,
                            "Invalid filter name",
                            format!(
                                "\"{name}\" is not a DescribeSecurityGroups filter. The filters are tag:<key> and \
                                 {}.",
                                FILTER_NAMES.join(", ")
                            ),
                            at().attribute("name"),
                        );
                        None
                    }
                    Value::Value(name) if !names.insert(name.clone()) => {
                        error(
                            diags,
                            "Filter given twice",
                            format!(
                                "There is more than one filter named \"{name}\". Give one filter block with all \
                                 its values: a group matches a filter when it matches any of its values."
                            ),
                            at().attribute("name"),
                        );
                        None
                    }
                    Value::Value(name) => Some(name.clone()),
                    Value::Null => None,
                    Value::Unknown => {
                        complete = false;
                        None
                    }
                };
                if let Some(name) = &name {
                    let stands_for = match name.as_str() {
                        "vpc-id" if !config.vpc_id.is_null() => Some("vpc_id"),
                        "group-id" if !config.group_ids.is_null() => Some("group_ids"),
                        _ => None,
                    };
                    if let Some(argument) = stands_for {
                        error(
                            diags,
                            "Filter conflicts with an argument",
                            format!("The filter \"{name}\" asks what {argument} asks: use one of the two."),
                            at().attribute("name"),
                        );
                    }
                }
                let values = match &filter.values {
                    Value::Value(values) => {
                        if values.is_empty() || values.len() > FILTER_VALUES_MAX {
                            error(
                                diags,
                                "Invalid filter values",
                                format!(
                                    "A filter takes 1 to {FILTER_VALUES_MAX} values; this one has {}.",
                                    values.len()
                                ),
                                at().attribute("values"),
                            );
                        }
                        let mut known_values = Vec::new();
                        for (j, value) in values.iter().enumerate() {
                            match value {
                                Value::Value(value) => {
                                    let checked = match name.as_deref() {
                                        Some("vpc-id") => parse_ec2_id(value, "vpc", "VPC").map(drop),
                                        Some("group-id") => parse_security_group_id(value).map(drop),
                                        _ => Ok(()),
                                    };
                                    if let Err(detail) = checked {
                                        error(
                                            diags,
                                            "Invalid filter value",
                                            detail,
                                            at().attribute("values").index(index(j)),
                                        );
                                    }
                                    known_values.push(value.clone());
                                }
                                Value::Null => error(
                                    diags,
                                    "Invalid filter value",
                                    "A filter's values cannot be null.",
                                    at().attribute("values").index(index(j)),
                                ),
                                Value::Unknown => complete = false,
                            }
                        }
                        Some(known_values)
                    }
                    Value::Null => None,
                    Value::Unknown => {
                        complete = false;
                        None
                    }
                };
                if let (Some(name), Some(values)) = (name, values) {
                    query.filters.push((name, values));
                }
            }
        }
        Value::Null => {}
        Value::Unknown => complete = false,
    }
    if let Some(vpc) = vpc_id {
        query.filters.insert(0, ("vpc-id".to_string(), vec![vpc]));
    }

    let region = match &config.region {
        Value::Value(region) if !is_region_name(region) => {
            error(
                diags,
                "Invalid region",
                format!("\"{region}\" is not an AWS Region name; Regions look like \"eu-central-1\"."),
                config_path("region"),
            );
            None
        }
        Value::Value(region) => Some(region.clone()),
        Value::Null => None,
        Value::Unknown => {
            complete = false;
            None
        }
    };

    if !complete && known && diags.errors.len() == errors_before {
        error(
            diags,
            "Configuration not known",
            "The list block's config still holds unknown values when Terraform lists; give values known before \
             the query runs.",
            AttributePath::root(),
        );
    }
    (complete && diags.errors.len() == errors_before).then_some(ListRequest { query, region })
}

/// The path of a `config` argument, as Terraform 1.14 and 1.15 need it:
/// they send the provider the `config` block's value but resolve the paths
/// of its diagnostics in the whole `list` block, so a path relative to
/// `config` (as the protocol describes it) finds nothing there and the
/// diagnostic points at the `list` block's first line instead of the
/// argument.
fn config_path(name: &'static str) -> AttributePath {
    AttributePath::new("config").attribute(name)
}

fn index(i: usize) -> i64 {
    i64::try_from(i).unwrap_or(i64::MAX)
}

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

    fn strings(items: &[&str]) -> ValueList<Value<String>> {
        Value::Value(items.iter().map(|s| Value::Value(s.to_string())).collect())
    }

    fn filter(name: &str, values: &[&str]) -> FilterConfig {
        FilterConfig {
            name: Value::Value(name.to_string()),
            values: strings(values),
        }
    }

    fn problems(config: &FirewallListConfig) -> Vec<(AttributePath, String)> {
        let mut diags = Diagnostics::default();
        let request = checked_request(&mut diags, config, false);
        assert_eq!(request.is_some(), diags.errors.is_empty());
        diags
            .errors
            .iter()
            .map(|d| (d.attribute.clone(), d.summary.to_string()))
            .collect()
    }

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
    fn an_empty_config_lists_every_group_but_the_default_ones() {
        let mut diags = Diagnostics::default();
        let request = checked_request(&mut diags, &FirewallListConfig::default(), true).unwrap();
        assert_eq!(request.query, GroupQuery::default());
        assert_eq!(request.region, None);
        assert!(!request.query.include_default_groups);
    }

    #[test]
    fn arguments_become_filters() {
        let config = FirewallListConfig {
            vpc_id: Value::Value("vpc-0123456789abcdef0".into()),
            group_ids: strings(&["sg-12345678", "sg-0123456789abcdef0", "sg-12345678"]),
            filter: Value::Value(vec![filter("tag:Team", &["iot"]), filter("group-name", &["c8y-*"])]),
            region: Value::Value("eu-central-1".into()),
            include_default_groups: Value::Value(true),
        };
        let mut diags = Diagnostics::default();
        let request = checked_request(&mut diags, &config, true).unwrap();
        assert_eq!(
            request.query,
            GroupQuery {
                filters: vec![
                    ("vpc-id".into(), vec!["vpc-0123456789abcdef0".into()]),
                    ("tag:Team".into(), vec!["iot".into()]),
                    ("group-name".into(), vec!["c8y-*".into()]),
                ],
                group_ids: vec!["sg-12345678".into(), "sg-0123456789abcdef0".into()],
                include_default_groups: true,
            },
            "the duplicate id is asked for once"
        );
        assert_eq!(request.region.as_deref(), Some("eu-central-1"));
    }

    #[test]
    fn each_bad_value_is_reported_on_its_attribute() {
        let config = FirewallListConfig {
            vpc_id: Value::Value("vpc-xyz".into()),
            group_ids: strings(&["sg-12345678", "sg-nothex00"]),
            filter: Value::Value(vec![
                filter("vpc", &["x"]),
                filter("group-name", &[]),
                filter("tag:Team", &["a"]),
                filter("tag:Team", &["b"]),
                filter("ip-permission.cidr", &["10.0.0.0/8"]),
            ]),
            region: Value::Value("Frankfurt".into()),
            include_default_groups: Value::Null,
        };
        // "filter.0.name" as an attribute path.
        let at = |dotted: &str| {
            let mut path = AttributePath::new("config");
            let steps = dotted.split('.');
            for step in steps {
                path = match step.parse::<i64>() {
                    Ok(i) => path.index(i),
                    Err(_) => path.attribute(step.to_string()),
                };
            }
            path
        };
        assert_eq!(
            problems(&config),
            vec![
                (at("vpc_id"), "Invalid vpc_id".to_string()),
                (at("group_ids.1"), "Invalid group id".to_string()),
                (at("filter.0.name"), "Invalid filter name".to_string()),
                (at("filter.1.values"), "Invalid filter values".to_string()),
                (at("filter.3.name"), "Filter given twice".to_string()),
                (at("region"), "Invalid region".to_string()),
            ]
        );
    }

    #[test]
    fn filters_for_what_an_argument_asks_conflict_and_their_ids_are_checked() {
        let config = FirewallListConfig {
            vpc_id: Value::Value("vpc-12345678".into()),
            filter: Value::Value(vec![filter("vpc-id", &["vpc-12345678"]), filter("group-id", &["sg-1"])]),
            ..FirewallListConfig::default()
        };
        assert_eq!(
            problems(&config),
            vec![
                (
                    config_path("filter").index(0).attribute("name"),
                    "Filter conflicts with an argument".to_string()
                ),
                (
                    config_path("filter").index(1).attribute("values").index(0),
                    "Invalid filter value".to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_filter_with_too_many_values_is_refused() {
        let many: Vec<String> = (0..201).map(|i| format!("c8y-{i}")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        let config = FirewallListConfig {
            filter: Value::Value(vec![filter("group-name", &refs)]),
            ..FirewallListConfig::default()
        };
        let mut diags = Diagnostics::default();
        assert!(checked_request(&mut diags, &config, false).is_none());
        assert!(diags.errors[0].detail.contains("1 to 200 values; this one has 201"));
    }

    #[test]
    fn unknown_values_wait_for_the_listing_and_must_be_known_then() {
        let config = FirewallListConfig {
            vpc_id: Value::Unknown,
            ..FirewallListConfig::default()
        };
        let mut diags = Diagnostics::default();
        assert!(checked_request(&mut diags, &config, false).is_none());
        assert!(diags.errors.is_empty(), "validate lets unknown values pass");
        assert!(checked_request(&mut diags, &config, true).is_none());
        assert_eq!(diags.errors[0].summary, "Configuration not known");
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
