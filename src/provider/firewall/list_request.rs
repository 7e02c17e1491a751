//! The `config` of a `list "cumulocity_firewall"` block and its checks: every
//! problem on the attribute at fault, before any AWS call (at validate, and
//! again at list for values that were unknown then). `checked_request` reads
//! as its steps: the VPC, the group ids, each filter (name, then values), the
//! Region.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use tf_provider::value::{Value, ValueList};
use tf_provider::{AttributePath, Diagnostics};

use crate::aws::list_groups::{is_filter_name, FILTER_NAMES};
use crate::aws::{GroupQuery, FILTER_VALUES_MAX};
use crate::provider::common::diagnostics::error;
use crate::provider::common::values::Known;
use crate::rules::parse::{check_region, parse_ec2_id, parse_security_group_id};

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

/// What `config` asks for, or `None` with an error on each attribute at
/// fault. With `known` (at list time) a value still unknown is an error too;
/// at validate it only means there is nothing to ask for yet.
pub fn checked_request(diags: &mut Diagnostics, config: &FirewallListConfig, known: bool) -> Option<ListRequest> {
    let errors_before = diags.errors.len();
    let mut check = Check {
        diags,
        known: Known::default(),
    };
    let mut query = GroupQuery {
        include_default_groups: check.known(&config.include_default_groups).copied() == Some(true),
        ..GroupQuery::default()
    };
    let vpc_id = check.vpc_id(&config.vpc_id);
    query.group_ids = check.group_ids(&config.group_ids);
    if let Some(filters) = check.known(&config.filter) {
        let mut names = BTreeSet::new();
        for (i, filter) in filters.iter().enumerate() {
            let name = check.filter_name(config, filter, i, &mut names);
            let values = check.filter_values(filter, name.as_deref(), i);
            if let (Some(name), Some(values)) = (name, values) {
                query.filters.push((name, values));
            }
        }
    }
    if let Some(vpc) = vpc_id {
        query.filters.insert(0, ("vpc-id".to_string(), vec![vpc]));
    }
    let region = check.region(&config.region);

    let Check {
        diags,
        known: Known { complete },
    } = check;
    let clean = diags.errors.len() == errors_before;
    if !complete && known && clean {
        error(
            diags,
            "Configuration not known",
            "The list block's config still holds unknown values when Terraform lists; give values known before \
             the query runs.",
            AttributePath::root(),
        );
    }
    (complete && clean).then_some(ListRequest { query, region })
}

/// The checks' shared state: where problems go, and whether every value
/// read was known.
struct Check<'d> {
    diags: &'d mut Diagnostics,
    known: Known,
}

impl Check<'_> {
    /// The value when known; notes an unknown one.
    fn known<'v, T>(&mut self, value: &'v Value<T>) -> Option<&'v T> {
        self.known.get(value)
    }

    fn vpc_id(&mut self, vpc_id: &Value<String>) -> Option<String> {
        let vpc = self.known(vpc_id)?;
        parse_ec2_id(vpc, "vpc", "VPC")
            .map_err(|detail| error(self.diags, "Invalid vpc_id", detail, config_path("vpc_id")))
            .ok()
    }

    /// The ids, each once, in the configuration's order.
    fn group_ids(&mut self, group_ids: &ValueList<Value<String>>) -> Vec<String> {
        let mut seen = BTreeSet::new();
        let mut ids = Vec::new();
        for (i, id) in self.known(group_ids).into_iter().flatten().enumerate() {
            let at = config_path("group_ids").index(index(i));
            match id {
                Value::Value(id) => match parse_security_group_id(id) {
                    Ok(id) if seen.insert(id.clone()) => ids.push(id),
                    Ok(_) => {}
                    Err(detail) => error(self.diags, "Invalid group id", detail, at),
                },
                Value::Null => error(
                    self.diags,
                    "Invalid group id",
                    "group_ids holds a null; give each group's id, `sg-...`.",
                    at,
                ),
                Value::Unknown => self.known.complete = false,
            }
        }
        ids
    }

    /// The name of filter `i` when it is a filter's, given once, and asks
    /// nothing an argument asks.
    fn filter_name(
        &mut self,
        config: &FirewallListConfig,
        filter: &FilterConfig,
        i: usize,
        names: &mut BTreeSet<String>,
    ) -> Option<String> {
        let at = config_path("filter").index(index(i)).attribute("name");
        let name = self.known(&filter.name)?;
        if !is_filter_name(name) {
            let detail = format!(
                "\"{name}\" is not a DescribeSecurityGroups filter. The filters are tag:<key> and {}.",
                FILTER_NAMES.join(", ")
            );
            error(self.diags, "Invalid filter name", detail, at);
            return None;
        }
        if !names.insert(name.clone()) {
            let detail = format!(
                "There is more than one filter named \"{name}\". Give one filter block with all its values: a \
                 group matches a filter when it matches any of its values."
            );
            error(self.diags, "Filter given twice", detail, at);
            return None;
        }
        let stands_for = match name.as_str() {
            "vpc-id" if !config.vpc_id.is_null() => Some("vpc_id"),
            "group-id" if !config.group_ids.is_null() => Some("group_ids"),
            _ => None,
        };
        if let Some(argument) = stands_for {
            let detail = format!("The filter \"{name}\" asks what {argument} asks: use one of the two.");
            error(self.diags, "Filter conflicts with an argument", detail, at);
        }
        Some(name.clone())
    }

    /// The known values of filter `i`; ids checked for the id filters.
    fn filter_values(&mut self, filter: &FilterConfig, name: Option<&str>, i: usize) -> Option<Vec<String>> {
        let at = config_path("filter").index(index(i)).attribute("values");
        let values = self.known(&filter.values)?;
        if values.is_empty() || values.len() > FILTER_VALUES_MAX {
            let detail = format!(
                "A filter takes 1 to {FILTER_VALUES_MAX} values; this one has {}.",
                values.len()
            );
            error(self.diags, "Invalid filter values", detail, at.clone());
        }
        let mut known_values = Vec::new();
        for (j, value) in values.iter().enumerate() {
            let at = at.clone().index(index(j));
            match value {
                Value::Value(value) => {
                    let checked = match name {
                        Some("vpc-id") => parse_ec2_id(value, "vpc", "VPC").map(drop),
                        Some("group-id") => parse_security_group_id(value).map(drop),
                        _ => Ok(()),
                    };
                    if let Err(detail) = checked {
                        error(self.diags, "Invalid filter value", detail, at);
                    }
                    known_values.push(value.clone());
                }
                Value::Null => error(
                    self.diags,
                    "Invalid filter value",
                    "A filter's values cannot be null.",
                    at,
                ),
                Value::Unknown => self.known.complete = false,
            }
        }
        Some(known_values)
    }

    fn region(&mut self, region: &Value<String>) -> Option<String> {
        let region = self.known(region)?;
        check_region(region)
            .map_err(|detail| error(self.diags, "Invalid region", detail, config_path("region")))
            .ok()
            .map(|()| region.clone())
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::common::diagnostics::errors_by_attribute;

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
        errors_by_attribute(&diags)
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
}
