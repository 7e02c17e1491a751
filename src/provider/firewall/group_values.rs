//! A security group's tags, description and rules as Terraform values of
//! `cumulocity_firewall`: the conversions between the resource's state and
//! what `aws` and `rules` hold, by the naming and tag policy of `rules::naming`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use tf_provider::value::Value;

use crate::aws::{Group, GroupSpec};
use crate::provider::common::rule_args::{RuleArgsConfig, RuleObject};
use crate::provider::firewall::schema::{FirewallState, ManagedRuleObject, TagMap};
use crate::rules::naming::{self, DEFAULT_NAME_PREFIX};
use crate::rules::{self, annotate, AppliedRule, Rule, RuleSetName};

/// The description a group gets when the configuration gives none, from
/// the rule sets it names (see `rules::naming::default_description`).
pub fn default_description(args: &RuleArgsConfig) -> String {
    let sets: Vec<RuleSetName> = match &args.rule_sets {
        Value::Value(names) => names
            .iter()
            .filter_map(|n| n.as_ref_option().and_then(|n| RuleSetName::parse(n)))
            .collect(),
        _ => Vec::new(),
    };
    naming::default_description(&sets)
}

/// The rules the arguments stand for, without reporting anything.
pub fn valid_rules(args: &RuleArgsConfig) -> Option<Vec<Rule>> {
    args.valid().map(|a| rules::expand(&a))
}

/// The objects of `applied`, annotated with the rule sets of `desired`
/// that ask for each rule.
pub fn annotated_objects(mut applied: Vec<AppliedRule>, desired: &[Rule]) -> Vec<ManagedRuleObject> {
    annotate(&mut applied, desired);
    rule_objects(applied.into_iter().map(|a| (Some(a.id), a.rule)).collect())
}

/// The `rules` objects of these rules and their ids (unknown for a rule
/// not created yet).
pub fn rule_objects(rules: Vec<(Option<String>, Rule)>) -> Vec<ManagedRuleObject> {
    rules
        .into_iter()
        .map(|(id, rule)| ManagedRuleObject {
            id: id.map_or(Value::Unknown, Value::Value),
            rule: RuleObject::from_rule(&rule),
        })
        .collect()
}

/// Whether a state records rules without their `sgr-` ids, as a `moved`
/// block leaves them until the next refresh.
pub fn lacks_rule_ids(state: &FirewallState) -> bool {
    matches!(&state.rules, Value::Value(objects) if objects.iter().any(|o| o.id.is_null()))
}

/// The rules a state records, with their ids.
pub fn applied_rules(state: &FirewallState) -> Vec<AppliedRule> {
    let Value::Value(objects) = &state.rules else {
        return Vec::new();
    };
    objects
        .iter()
        .filter_map(|object| {
            Some(AppliedRule {
                id: object.id.as_ref_option()?.clone(),
                rule: object.rule.to_rule()?,
            })
        })
        .collect()
}

/// A map of tags as Terraform values.
pub fn tag_map(tags: &BTreeMap<String, String>) -> TagMap {
    Value::Value(tags.iter().map(|(k, v)| (k.clone(), Value::Value(v.clone()))).collect())
}

/// The tags whose values are known.
pub fn known_tags(tags: &TagMap) -> BTreeMap<String, String> {
    match tags {
        Value::Value(map) => map
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.as_ref_option()?.clone())))
            .collect(),
        _ => BTreeMap::new(),
    }
}

/// `tags_all`: `default_tags` overlaid by `tags` (see `rules::naming::all_tags`);
/// unknown while `tags` is.
pub fn merged_tags(default_tags: &BTreeMap<String, String>, tags: &TagMap) -> TagMap {
    let defaults: BTreeMap<String, Value<String>> = default_tags
        .iter()
        .map(|(k, v)| (k.clone(), Value::Value(v.clone())))
        .collect();
    match tags {
        Value::Unknown => Value::Unknown,
        Value::Value(own) if own.values().any(Value::is_unknown) => Value::Unknown,
        Value::Value(own) => Value::Value(naming::all_tags(&defaults, own)),
        Value::Null => Value::Value(defaults),
    }
}

/// `tags` after a read: the group's tags that are the resource's own (see
/// `rules::naming::own_tags`); null when there are none and the configuration
/// gave none.
pub fn own_tags(actual: &BTreeMap<String, String>, default_tags: &BTreeMap<String, String>, prior: &TagMap) -> TagMap {
    let configured = |k: &str| prior.as_ref_option().is_some_and(|p| p.contains_key(k));
    let own = naming::own_tags(actual, default_tags, configured);
    if own.is_empty() && prior.is_null() {
        Value::Null
    } else {
        tag_map(&own)
    }
}

/// The state after AWS told us what the group is and holds.
pub fn refreshed(
    mut state: FirewallState,
    group: &Group,
    mut applied: Vec<AppliedRule>,
    default_tags: &BTreeMap<String, String>,
) -> FirewallState {
    if let Some(desired) = valid_rules(&state.args) {
        annotate(&mut applied, &desired);
    }
    state.id = Value::Value(group.id.clone());
    state.arn = Value::Value(group.arn.clone());
    state.owner_id = Value::Value(group.owner_id.clone());
    state.name = Value::Value(group.name.clone());
    state.description = Value::Value(group.description.clone());
    state.vpc_id = group.vpc_id.clone().map_or(Value::Null, Value::Value);
    state.tags = own_tags(&group.tags, default_tags, &state.tags);
    state.tags_all = tag_map(&group.tags);
    state.rules = Value::Value(rule_objects(
        applied.into_iter().map(|a| (Some(a.id), a.rule)).collect(),
    ));
    state
}

/// The group to create for a planned state: its name (or one chosen from
/// `name_prefix`), description and tags, by the naming and tag policy of
/// `rules::naming`.
pub fn group_spec(planned: &FirewallState) -> GroupSpec {
    let name_prefix = match &planned.name {
        Value::Value(_) => None,
        _ => Some(
            planned
                .name_prefix
                .as_ref_option()
                .map_or(DEFAULT_NAME_PREFIX, |p| p.as_str())
                .to_string(),
        ),
    };
    GroupSpec {
        name: match (&planned.name, &name_prefix) {
            (Value::Value(name), _) => name.clone(),
            (_, prefix) => fresh_name(prefix.as_deref().unwrap_or(DEFAULT_NAME_PREFIX)),
        },
        description: planned
            .description
            .as_ref_option()
            .cloned()
            .unwrap_or_else(|| default_description(&planned.args)),
        vpc_id: planned.vpc_id.as_ref_option().cloned(),
        tags: known_tags(&planned.tags_all),
        name_prefix,
    }
}

/// A new name from `prefix` (`rules::naming::unique_name`), from the clock
/// and a counter of this process.
fn fresh_name(prefix: &str) -> String {
    static SEQUENCE: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    naming::unique_name(prefix, nanos, SEQUENCE.fetch_add(1, Ordering::Relaxed))
}
