//! `terraform import` and `import {}` blocks for `cumulocity_firewall`:
//! reads a hand-made group (`read_group`) and writes the arguments
//! `rules::infer` finds in it, so that `terraform plan -generate-config-out`
//! writes idiomatic HCL and the next plan shows no changes.

use std::collections::BTreeMap;

use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};
use tokio::time::Instant;

use crate::aws::{Clients, Group, SecurityGroups};
use crate::provider::common::diagnostics::{aws_error_fixed_time, error};
use crate::provider::common::rule_args::{ExtraRuleConfig, RuleArgsConfig};
use crate::provider::common::values::{known_list, null_if_empty};
use crate::provider::firewall::group_values::refreshed;
use crate::provider::firewall::operation_timeouts;
use crate::provider::firewall::schema::FirewallState;
use crate::rules::arg_names;
use crate::rules::parse::check_region;
use crate::rules::parse::parse_security_group_id;
use crate::rules::{self, AppliedRule, ExtraRule, Inferred, Protocol, Rule, RuleSetName};

/// An import id: `sg-...`, or `sg-...@eu-west-1` for a group in another
/// Region than the provider's (as hashicorp/aws takes them). Returns the
/// group id and the Region, if named; the error says what is wrong in
/// words for the user, before any AWS call.
pub fn parse_import_id(text: &str) -> Result<(String, Option<String>), String> {
    const FORMS: &str = "Import takes the id of the security group, `sg-0123456789abcdef0`, or the id and \
                         its Region, `sg-0123456789abcdef0@eu-west-1`.";
    let (id, region) = match text.split_once('@') {
        Some((id, region)) => (id, Some(region)),
        None => (text, None),
    };
    let id = parse_security_group_id(id).map_err(|detail| format!("{detail} {FORMS}"))?;
    if let Some(region) = region {
        check_region(region).map_err(|detail| format!("The Region after \"@\" is wrong: {detail} {FORMS}"))?;
    }
    Ok((id, region.map(str::to_string)))
}

/// The configuration arguments of an inferred firewall. Lists that keep
/// their defaults, or that no chosen rule set uses, stay absent.
pub fn inferred_args(inferred: &Inferred) -> RuleArgsConfig {
    let args = &inferred.args;
    let list = |name: &str, items: Vec<String>| {
        if inferred.explicit.contains(name) {
            known_list(items)
        } else {
            Value::Null
        }
    };
    RuleArgsConfig {
        // In the Cumulocity firewall document's order, as a user would list them.
        rule_sets: known_list(
            RuleSetName::ALL
                .into_iter()
                .filter(|s| args.rule_sets.contains(s))
                .map(|s| s.to_string()),
        ),
        ingress_cidr_blocks: list(arg_names::INGRESS_CIDR_BLOCKS, to_strings(&args.ingress_cidr_blocks)),
        ingress_ipv6_cidr_blocks: list(
            arg_names::INGRESS_IPV6_CIDR_BLOCKS,
            to_strings(&args.ingress_ipv6_cidr_blocks),
        ),
        egress_cidr_blocks: list(arg_names::EGRESS_CIDR_BLOCKS, to_strings(&args.egress_cidr_blocks)),
        egress_ipv6_cidr_blocks: list(
            arg_names::EGRESS_IPV6_CIDR_BLOCKS,
            to_strings(&args.egress_ipv6_cidr_blocks),
        ),
        ssh_cidr_blocks: null_if_empty(&known_list(to_strings(&args.ssh_cidr_blocks))),
        node_security_group_ids: null_if_empty(&known_list(args.node_security_group_ids.clone())),
        extra_rule: Value::Value(args.extra_rules.iter().map(extra_rule_config).collect()),
    }
}

fn to_strings<T: ToString>(items: &[T]) -> Vec<String> {
    items.iter().map(ToString::to_string).collect()
}

fn extra_rule_config(rule: &ExtraRule) -> ExtraRuleConfig {
    let port = |p: i32| match rule.protocol {
        Protocol::Tcp | Protocol::Udp => Value::Value(f64::from(p)),
        // ICMP: -1 (any) is what an absent type or code means.
        Protocol::Icmp | Protocol::Icmpv6 if p != -1 => Value::Value(f64::from(p)),
        _ => Value::Null,
    };
    ExtraRuleConfig {
        direction: Value::Value(rule.direction.to_string()),
        protocol: Value::Value(rule.protocol.to_string()),
        from_port: port(rule.from_port),
        to_port: port(rule.to_port),
        cidr_blocks: null_if_empty(&known_list(to_strings(&rule.cidr_blocks))),
        ipv6_cidr_blocks: null_if_empty(&known_list(to_strings(&rule.ipv6_cidr_blocks))),
        security_group_ids: null_if_empty(&known_list(rule.security_group_ids.clone())),
        prefix_list_ids: null_if_empty(&known_list(rule.prefix_list_ids.clone())),
        self_: if rule.self_ { Value::Value(true) } else { Value::Null },
        description: rule.description.clone().map_or(Value::Null, Value::Value),
    }
}

/// The state an import starts from: the inferred arguments; everything AWS
/// knows is filled by the read that follows.
pub fn imported_state(inferred: &Inferred) -> FirewallState {
    FirewallState {
        args: inferred_args(inferred),
        manage_rule_descriptions: if inferred.catalog_descriptions {
            Value::Null
        } else {
            Value::Value(false)
        },
        timeouts: Value::Value(Vec::new()),
        listener_timeouts: Value::Value(Default::default()),
        target_network_interface_timeouts: Value::Value(Default::default()),
        ..FirewallState::default()
    }
}

/// Right after an import: the configuration must describe the group that
/// was imported, not move it (a different `vpc_id` would plan a new group
/// and delete the imported one).
pub fn check_import_matches(diags: &mut Diagnostics, config: &FirewallState, imported: &FirewallState) {
    if let (Value::Value(configured), Value::Value(actual)) = (&config.vpc_id, &imported.vpc_id) {
        if configured != actual {
            error(
                diags,
                "The imported group is in another VPC",
                format!(
                    "{} is in {actual}, but the configuration says vpc_id = \"{configured}\". Importing does not \
                     move a group: set vpc_id to \"{actual}\", or import the group that is in {configured}.",
                    imported.id.as_ref_option().map_or("The group", |id| id.as_str())
                ),
                AttributePath::new("vpc_id"),
            );
        }
    }
}

/// Right after an import: the configuration must keep the group in the
/// Region it was imported from (`planned`: the configuration's `region`, else
/// the provider's), or the plan would replace the imported group.
pub fn check_import_region(diags: &mut Diagnostics, planned: &Value<String>, imported: &FirewallState) {
    if let (Value::Value(planned), Value::Value(actual)) = (planned, &imported.region) {
        if planned != actual {
            error(
                diags,
                "The imported group is in another Region",
                format!(
                    "{} is in {actual}, but this firewall would be in {planned} (its `region`, or the provider's \
                     Region when it has none). Importing does not move a group: set region = \"{actual}\".",
                    imported.id.as_ref_option().map_or("The group", |id| id.as_str())
                ),
                AttributePath::new("region"),
            );
        }
    }
}

/// The state of a hand-made group brought under Terraform (an import by id
/// or identity, or a group the list resource found): the arguments
/// `rules::infer` finds in its rules, and everything a read in `region`
/// fills in.
pub fn imported(
    group: &Group,
    applied: Vec<AppliedRule>,
    default_tags: &BTreeMap<String, String>,
    region: &str,
) -> FirewallState {
    let rules: Vec<Rule> = applied.iter().map(|a| a.rule.clone()).collect();
    let inferred = rules::infer(&rules);
    let mut state = imported_state(&inferred);
    state.tags = Value::Null;
    let mut state = refreshed(state, group, applied, default_tags);
    state.region = Value::Value(region.to_string());
    state
}

/// Reads the group an import names; `None`, with the error reported, when
/// it cannot (`not_found` says where it was looked for).
pub async fn read_group(
    diags: &mut Diagnostics,
    clients: &Clients,
    id: &str,
    not_found: String,
) -> Option<(Group, Vec<AppliedRule>)> {
    let deadline = Instant::now() + operation_timeouts::DEFAULT_CREATE;
    match SecurityGroups::new(clients).read(id, deadline).await {
        Ok(Some(found)) => Some(found),
        Ok(None) => {
            error(
                diags,
                "Cannot import a security group that does not exist",
                not_found,
                AttributePath::root(),
            );
            None
        }
        Err(err) => {
            aws_error_fixed_time(diags, &err);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_ids_name_a_group_and_perhaps_its_region() {
        assert_eq!(
            parse_import_id("sg-0123456789abcdef0"),
            Ok(("sg-0123456789abcdef0".to_string(), None))
        );
        assert_eq!(
            parse_import_id("sg-12345678@eu-west-1"),
            Ok(("sg-12345678".to_string(), Some("eu-west-1".to_string())))
        );
    }

    #[test]
    fn malformed_import_ids_say_what_is_wrong_and_the_forms() {
        for (bad, says) in [
            ("vpc-12345678", "sg-"),
            ("sg-12345678@", "Region"),
            ("sg-12345678@Frankfurt", "\"Frankfurt\" is not an AWS Region name"),
            ("sg-12345678@eu-west-1@x", "Region"),
            ("@eu-west-1", "sg-"),
        ] {
            let detail = parse_import_id(bad).unwrap_err();
            assert!(detail.contains(says), "{bad}: {detail}");
            assert!(detail.contains("sg-0123456789abcdef0@eu-west-1"), "{bad}: {detail}");
        }
    }
}
