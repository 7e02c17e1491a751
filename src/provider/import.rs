//! `terraform import` and `import {}` blocks for `cumulocity_firewall`:
//! reads a hand-made group and writes the arguments `rules::infer` finds in
//! it, so that `terraform plan -generate-config-out` writes idiomatic HCL
//! and the next plan shows no changes.

use tf_provider::value::Value;

use super::firewall_schema::FirewallState;
use super::rule_args::{ExtraRuleConfig, RuleArgsConfig};
use super::values::known_list;
use crate::rules::arg_names;
use crate::rules::{ExtraRule, Inferred, Protocol, RuleSetName};

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
    let non_empty = |items: Vec<String>| {
        if items.is_empty() {
            Value::Null
        } else {
            known_list(items)
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
        ssh_cidr_blocks: non_empty(to_strings(&args.ssh_cidr_blocks)),
        node_security_group_ids: non_empty(args.node_security_group_ids.clone()),
        extra_rule: Value::Value(args.extra_rules.iter().map(extra_rule_config).collect()),
    }
}

fn to_strings<T: ToString>(items: &[T]) -> Vec<String> {
    items.iter().map(ToString::to_string).collect()
}

fn extra_rule_config(rule: &ExtraRule) -> ExtraRuleConfig {
    let non_empty = |items: Vec<String>| {
        if items.is_empty() {
            Value::Null
        } else {
            known_list(items)
        }
    };
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
        cidr_blocks: non_empty(to_strings(&rule.cidr_blocks)),
        ipv6_cidr_blocks: non_empty(to_strings(&rule.ipv6_cidr_blocks)),
        security_group_ids: non_empty(rule.security_group_ids.clone()),
        prefix_list_ids: non_empty(rule.prefix_list_ids.clone()),
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
