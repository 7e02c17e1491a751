//! `moved { from = aws_security_group.x  to = cumulocity_firewall.x }`:
//! taking over a group that hashicorp/aws manages, without touching it.
//!
//! Terraform asks for this on a provider it has not configured, with the
//! source state as hashicorp/aws wrote it (raw JSON, not upgraded), so the
//! mapping is pure: the group's own attributes are copied, and the rules in
//! its `ingress` and `egress` objects (which hashicorp/aws keeps complete,
//! also when separate rule resources manage them) become the arguments that
//! stand for them by the same inference as an import (`rules::infer`,
//! `import::imported_state`). What the source cannot tell, the rules' `sgr-`
//! ids, the refresh that follows the move reads from AWS.

use std::collections::BTreeMap;

use serde::Deserialize;
use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics, MoveSource, RawValue};

use crate::provider::common::diagnostics::error;
use crate::provider::common::rule_args::RuleObject;
use crate::provider::firewall::import;
use crate::provider::firewall::operation_timeouts::TimeoutsConfig;
use crate::provider::firewall::schema::{FirewallState, ManagedRuleObject, TagMap};
use crate::rules::parse::{parse_ipv4_cidr, parse_ipv6_cidr, parse_prefix_list_id, parse_security_group_id};
use crate::rules::{self, Direction, ExtraRule, Protocol, Rule};

/// The resource type a firewall can be moved from.
pub const SOURCE_TYPE: &str = "aws_security_group";
/// The source provider's namespace and type, on any registry host (mirrors
/// change the host).
pub const SOURCE_PROVIDER: (&str, &str) = ("hashicorp", "aws");
/// The schema versions of `aws_security_group` state that hashicorp/aws has
/// written: 1 since 2016 (5.x and 6.x), 0 before.
pub const SOURCE_SCHEMA_VERSIONS: [i64; 2] = [0, 1];

/// The state a `moved` block gives `cumulocity_firewall`, or `None` with an
/// error that says why not and what to do instead.
pub fn moved_state(diags: &mut Diagnostics, source: &MoveSource) -> Option<FirewallState> {
    if let Some(why) = unsupported_because(source) {
        unsupported(diags, source, &why);
        return None;
    }
    let group: SourceGroup = match &source.state {
        RawValue::Json(json) => match serde_json::from_slice::<Option<SourceGroup>>(json) {
            Ok(Some(group)) => group,
            Ok(None) => return cannot_read(diags, "it is empty".to_string()),
            Err(err) => return cannot_read(diags, err.to_string()),
        },
        RawValue::MessagePack(_) => return cannot_read(diags, "it is not JSON".to_string()),
    };
    match firewall_state(group) {
        Ok(state) => Some(state),
        Err(detail) => cannot_read(diags, detail),
    }
}

/// Why this provider cannot take `source` over; `None` when it can.
pub fn unsupported_because(source: &MoveSource) -> Option<String> {
    if !is_hashicorp_aws(&source.provider_address) {
        return Some(format!("`{}` is not hashicorp/aws.", source.provider_address));
    }
    if source.type_name != SOURCE_TYPE {
        return Some(format!(
            "`{}` is not `{SOURCE_TYPE}`{}.",
            source.type_name,
            if source.type_name == "aws_default_security_group" {
                " (a VPC's default group cannot be deleted, so this provider does not manage it)"
            } else {
                ""
            }
        ));
    }
    if !SOURCE_SCHEMA_VERSIONS.contains(&source.schema_version) {
        return Some(format!(
            "The state has schema version {}, written by a hashicorp/aws release newer than this provider knows; \
             it knows versions 0 and 1.",
            source.schema_version
        ));
    }
    None
}

/// Whether a move's source provider address names hashicorp/aws, in any of
/// the forms Terraform and OpenTofu send: `<host>/hashicorp/aws` (any registry
/// host, as mirrors change it), `hashicorp/aws`, or the bare type `aws`
/// (OpenTofu releases before 1.11.12 and 1.12.4 send the provider's local
/// name; `aws` is hashicorp/aws's). Case does not matter, as in Terraform's
/// provider addresses.
pub fn is_hashicorp_aws(address: &str) -> bool {
    let parts: Vec<String> = address.split('/').map(str::to_lowercase).collect();
    let (namespace, kind) = SOURCE_PROVIDER;
    match parts.as_slice() {
        [t] => t == kind,
        [ns, t] => ns == namespace && t == kind,
        [host, ns, t] => !host.is_empty() && ns == namespace && t == kind,
        _ => false,
    }
}

fn unsupported(diags: &mut Diagnostics, source: &MoveSource, why: &str) {
    error(
        diags,
        format!(
            "Cannot move `{}` ({}) to `{}`",
            source.type_name, source.provider_address, source.target_type_name
        ),
        format!(
            "{why} A `moved` block into `cumulocity_firewall` takes `{SOURCE_TYPE}` resources of hashicorp/aws \
             (`<any registry host>/hashicorp/aws`, `hashicorp/aws`, or `aws` as older OpenTofu releases send it), with state schema version 0 or 1, as hashicorp/aws 5.x and 6.x write it. \
             To bring this group under `cumulocity_firewall` anyway, replace the `moved` block by a `removed` \
             block for the old resource (with `lifecycle {{ destroy = false }}`) and an `import` block with the \
             group's id (`sg-...`) for the firewall."
        ),
        AttributePath::root(),
    );
}

fn cannot_read<T>(diags: &mut Diagnostics, detail: String) -> Option<T> {
    error(
        diags,
        format!("Cannot read the `{SOURCE_TYPE}` state to move"),
        format!(
            "The state of the group to move is not what hashicorp/aws writes: {detail} Check the `moved` block's \
             `from` address, or bring the group over with `removed` and `import` blocks instead."
        ),
        AttributePath::root(),
    );
    None
}

/// `aws_security_group`'s state, as much of it as a firewall takes; other
/// attributes are ignored.
#[derive(Deserialize)]
struct SourceGroup {
    id: Option<String>,
    arn: Option<String>,
    owner_id: Option<String>,
    name: Option<String>,
    name_prefix: Option<String>,
    description: Option<String>,
    vpc_id: Option<String>,
    /// hashicorp/aws 6.x; 5.x states name the Region only in `arn`.
    region: Option<String>,
    tags: Option<BTreeMap<String, Option<String>>>,
    tags_all: Option<BTreeMap<String, Option<String>>>,
    revoke_rules_on_delete: Option<bool>,
    ingress: Option<Vec<SourceRule>>,
    egress: Option<Vec<SourceRule>>,
    timeouts: Option<SourceTimeouts>,
}

/// One object of `ingress` or `egress`.
#[derive(Deserialize)]
struct SourceRule {
    from_port: Option<i64>,
    to_port: Option<i64>,
    protocol: Option<String>,
    cidr_blocks: Option<Vec<String>>,
    ipv6_cidr_blocks: Option<Vec<String>>,
    prefix_list_ids: Option<Vec<String>>,
    security_groups: Option<Vec<String>>,
    #[serde(rename = "self")]
    self_: Option<bool>,
    description: Option<String>,
}

#[derive(Deserialize)]
struct SourceTimeouts {
    create: Option<String>,
    delete: Option<String>,
}

fn firewall_state(group: SourceGroup) -> Result<FirewallState, String> {
    let id = match group.id.as_deref() {
        None | Some("") => return Err("it has no `id`.".to_string()),
        Some(id) => parse_security_group_id(id).map_err(|e| format!("its `id`: {e}"))?,
    };
    let mut objects = Vec::new();
    for (direction, list) in [(Direction::Ingress, &group.ingress), (Direction::Egress, &group.egress)] {
        for object in list.iter().flatten() {
            objects.push(inline_rule(direction, object)?);
        }
    }
    let held = unique(rules::inline_rules(&objects, &id));
    let inferred = rules::infer(&held);
    let documented = rules::expand(&inferred.args);
    let mut state = import::imported_state(&inferred);
    let non_empty = |text: Option<String>| text.filter(|t| !t.is_empty()).map_or(Value::Null, Value::Value);
    state.id = Value::Value(id);
    // The firewall's Region, so that the refresh after the move reads the
    // group where it is (not in the provider's Region): 6.x's `region`, else
    // the one its ARN names; absent in both, the provider's.
    let arn_region = group
        .arn
        .as_deref()
        .and_then(crate::rules::arn::Arn::parse)
        .map(|arn| arn.region.to_string());
    state.region = non_empty(group.region.filter(|r| !r.is_empty()).or(arn_region));
    state.arn = non_empty(group.arn);
    state.owner_id = non_empty(group.owner_id);
    state.name = non_empty(group.name);
    state.name_prefix = non_empty(group.name_prefix);
    state.description = group.description.map_or(Value::Null, Value::Value);
    state.vpc_id = non_empty(group.vpc_id);
    state.tags = match tag_map(group.tags) {
        Value::Value(tags) if tags.is_empty() => Value::Null,
        tags => tags,
    };
    state.tags_all = match tag_map(group.tags_all) {
        Value::Null => Value::Value(BTreeMap::new()),
        tags => tags,
    };
    state.revoke_rules_on_delete = match group.revoke_rules_on_delete {
        Some(true) => Value::Value(true),
        _ => Value::Null,
    };
    state.timeouts = Value::Value(
        group
            .timeouts
            .filter(|t| t.create.is_some() || t.delete.is_some())
            .map(|t| TimeoutsConfig {
                create: t.create.map_or(Value::Null, Value::Value),
                delete: t.delete.map_or(Value::Null, Value::Value),
            })
            .into_iter()
            .collect(),
    );
    // The rules with the sets that claim them; ids unknown to the source
    // are null until the refresh reads them.
    state.rules = Value::Value(
        held.into_iter()
            .map(|mut rule| {
                if let Some(found) = documented.iter().find(|d| d.key == rule.key) {
                    rule.rule_sets = found.rule_sets.clone();
                }
                ManagedRuleObject {
                    id: Value::Null,
                    rule: RuleObject::from_rule(&rule),
                }
            })
            .collect(),
    );
    Ok(state)
}

/// Each rule key once, with its first description: AWS holds a rule once,
/// however many inline objects name it.
fn unique(rules: Vec<Rule>) -> Vec<Rule> {
    let mut seen = std::collections::BTreeSet::new();
    rules.into_iter().filter(|r| seen.insert(r.key.clone())).collect()
}

fn tag_map(tags: Option<BTreeMap<String, Option<String>>>) -> TagMap {
    match tags {
        None => Value::Null,
        Some(tags) => Value::Value(
            tags.into_iter()
                .filter_map(|(k, v)| Some((k, Value::Value(v?))))
                .collect(),
        ),
    }
}

/// One inline object of the source read as an `ExtraRule` (see
/// `rules::inline_rules` for what it stands for).
fn inline_rule(direction: Direction, object: &SourceRule) -> Result<ExtraRule, String> {
    let protocol_text = object.protocol.as_deref().unwrap_or("").to_lowercase();
    let what = format!("an `{direction}` object (protocol \"{protocol_text}\")");
    let protocol = Protocol::parse(&protocol_text).ok_or_else(|| format!("{what} has no protocol AWS knows."))?;
    let port = |name: &str, value: Option<i64>| -> Result<i32, String> {
        value
            .and_then(|v| i32::try_from(v).ok())
            .ok_or_else(|| format!("{what} has no valid `{name}`."))
    };
    let list = |items: &Option<Vec<String>>| items.clone().unwrap_or_default();
    let parsed = |name: &str, items: &Option<Vec<String>>, parse: &dyn Fn(&str) -> Result<String, String>| {
        list(items)
            .iter()
            .map(|item| parse(item).map_err(|e| format!("{what}, `{name}`: {e}")))
            .collect::<Result<Vec<String>, String>>()
    };
    Ok(ExtraRule {
        direction,
        protocol,
        from_port: port("from_port", object.from_port)?,
        to_port: port("to_port", object.to_port)?,
        cidr_blocks: list(&object.cidr_blocks)
            .iter()
            .map(|b| parse_ipv4_cidr(b, "ipv6_cidr_blocks").map_err(|e| format!("{what}, `cidr_blocks`: {e}")))
            .collect::<Result<_, _>>()?,
        ipv6_cidr_blocks: list(&object.ipv6_cidr_blocks)
            .iter()
            .map(|b| parse_ipv6_cidr(b, "cidr_blocks").map_err(|e| format!("{what}, `ipv6_cidr_blocks`: {e}")))
            .collect::<Result<_, _>>()?,
        prefix_list_ids: parsed("prefix_list_ids", &object.prefix_list_ids, &parse_prefix_list_id)?,
        // A group of another account is written `<account>/sg-...`; AWS
        // reports the rule by the group's id.
        security_group_ids: parsed("security_groups", &object.security_groups, &|text| {
            parse_security_group_id(text.rsplit('/').next().unwrap_or(text))
        })?,
        self_: object.self_.unwrap_or(false),
        description: object.description.clone(),
    })
}

#[cfg(test)]
#[path = "moves_tests.rs"]
mod tests;
