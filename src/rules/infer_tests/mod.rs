//! Unit and property tests of `infer`: the rules a hand-made group holds ->
//! firewall arguments.
//!
//! Every test checks soundness (`assert_sound`): `expand` of the inferred
//! arguments gives back exactly the group's rule keys, the extra rules keep
//! the group's descriptions, and `check` of the configuration a user would
//! get (only the `explicit` lists written out) has no error and gives back
//! the same arguments.

use std::collections::{BTreeMap, BTreeSet};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use proptest::prelude::*;

use super::checked_args::{default_egress_cidr_blocks, default_ingress_cidr_blocks};
use super::test_support::*;
use super::{
    check, expand, infer, Direction, ExtraRule, ExtraRuleInput, FirewallArgs, FirewallInput, Inferred, Maybe,
    MaybeList, Peer, Protocol, Rule, RuleKey, RuleSetName, Severity,
};

use Direction::{Egress, Ingress};
use Protocol::{All, Icmp, Icmpv6, Tcp, Udp};
use RuleSetName::{Dns, External, Internal, Ntp, Opcua, Outbound, SmartruleApama, Ssh};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A rule as AWS holds it: no rule sets.
fn held(direction: Direction, protocol: Protocol, ports: (i32, i32), peer_text: &str, description: &str) -> Rule {
    Rule {
        key: key(direction, protocol, ports, peer_text),
        description: (!description.is_empty()).then(|| description.to_string()),
        rule_sets: BTreeSet::new(),
    }
}

fn tcp_in(port: i32, peer_text: &str, description: &str) -> Rule {
    held(Ingress, Tcp, (port, port), peer_text, description)
}

fn tcp_out(port: i32, peer_text: &str, description: &str) -> Rule {
    held(Egress, Tcp, (port, port), peer_text, description)
}

fn udp_out(port: i32, peer_text: &str, description: &str) -> Rule {
    held(Egress, Udp, (port, port), peer_text, description)
}

fn all_in(peer_text: &str, description: &str) -> Rule {
    held(Ingress, All, (-1, -1), peer_text, description)
}

fn all_out(peer_text: &str, description: &str) -> Rule {
    held(Egress, All, (-1, -1), peer_text, description)
}

fn sets(names: &[RuleSetName]) -> BTreeSet<RuleSetName> {
    names.iter().copied().collect()
}

fn names(list: &[&'static str]) -> BTreeSet<&'static str> {
    list.iter().copied().collect()
}

/// The firewall document's group, built by hand in a console: every documented rule set,
/// internet-facing blocks "anywhere", SSH from the management network, all
/// traffic within the group. `describe` gives each rule its description
/// from (service, console-style text).
fn documented_group(describe: impl Fn(&str, &str) -> String) -> Vec<Rule> {
    let d = &describe;
    vec![
        tcp_in(80, "0.0.0.0/0", &d("HTTP", "Allow HTTP from anywhere")),
        tcp_in(443, "0.0.0.0/0", &d("HTTPS", "Allow HTTPS from anywhere")),
        tcp_in(1883, "0.0.0.0/0", &d("MQTT", "Allow MQTT from anywhere")),
        tcp_in(8883, "0.0.0.0/0", &d("MQTT/TLS", "Allow MQTT/TLS from anywhere")),
        tcp_in(6670, "0.0.0.0/0", &d("opcua agent", "opcua")),
        tcp_in(8334, "0.0.0.0/0", &d("Smartrule-apama agent", "apama")),
        tcp_in(
            22,
            "10.0.0.0/16",
            &d("SSH (for management purposes)", "ssh from the office"),
        ),
        all_in("self", &d("All traffic in between Cumulocity", "")),
        tcp_out(
            80,
            "0.0.0.0/0",
            &d("HTTP, opcua agent, Smartrule-apama agent", "web out"),
        ),
        tcp_out(443, "0.0.0.0/0", &d("HTTPS", "web out")),
        tcp_out(25, "0.0.0.0/0", &d("SMTP", "mail")),
        udp_out(53, "0.0.0.0/0", &d("DNS", "")),
        udp_out(123, "0.0.0.0/0", &d("NTP", "")),
        all_out("self", &d("All traffic in between Cumulocity", "")),
    ]
}

fn strings<T: ToString>(items: &[T]) -> MaybeList<String> {
    Maybe::Known(items.iter().map(|i| Maybe::Known(i.to_string())).collect())
}

/// The configuration a user gets from an import: the rule sets, the lists
/// named in `explicit` (every other list absent) and the extra rules, ports
/// omitted where the protocol has none.
fn render(inferred: &Inferred) -> FirewallInput {
    let args = &inferred.args;
    let list = |name: &str, items: MaybeList<String>| {
        if inferred.explicit.contains(name) {
            items
        } else {
            Maybe::Absent
        }
    };
    let port = |protocol: Protocol, n: i32| match protocol {
        All | Protocol::Number(_) => Maybe::Absent,
        _ => Maybe::Known(f64::from(n)),
    };
    FirewallInput {
        rule_sets: strings(&args.rule_sets.iter().collect::<Vec<_>>()),
        ingress_cidr_blocks: list("ingress_cidr_blocks", strings(&args.ingress_cidr_blocks)),
        ingress_ipv6_cidr_blocks: list("ingress_ipv6_cidr_blocks", strings(&args.ingress_ipv6_cidr_blocks)),
        egress_cidr_blocks: list("egress_cidr_blocks", strings(&args.egress_cidr_blocks)),
        egress_ipv6_cidr_blocks: list("egress_ipv6_cidr_blocks", strings(&args.egress_ipv6_cidr_blocks)),
        ssh_cidr_blocks: list("ssh_cidr_blocks", strings(&args.ssh_cidr_blocks)),
        node_security_group_ids: list("node_security_group_ids", strings(&args.node_security_group_ids)),
        extra_rules: Maybe::Known(
            args.extra_rules
                .iter()
                .map(|e| {
                    let list_or_absent = |items: MaybeList<String>| match &items {
                        Maybe::Known(v) if v.is_empty() => Maybe::Absent,
                        _ => items,
                    };
                    ExtraRuleInput {
                        direction: Maybe::Known(e.direction.to_string()),
                        protocol: Maybe::Known(e.protocol.to_string()),
                        from_port: port(e.protocol, e.from_port),
                        to_port: port(e.protocol, e.to_port),
                        cidr_blocks: list_or_absent(strings(&e.cidr_blocks)),
                        ipv6_cidr_blocks: list_or_absent(strings(&e.ipv6_cidr_blocks)),
                        security_group_ids: list_or_absent(strings(&e.security_group_ids)),
                        prefix_list_ids: list_or_absent(strings(&e.prefix_list_ids)),
                        self_: if e.self_ { Maybe::Known(true) } else { Maybe::Absent },
                        description: e.description.clone().map_or(Maybe::Absent, Maybe::Known),
                    }
                })
                .collect(),
        ),
    }
}

/// A description as AWS reads it back: an empty one is none.
fn normalized(description: &Option<String>) -> Option<String> {
    description.clone().filter(|d| !d.is_empty())
}

/// The soundness of an inference, as a message on failure.
fn soundness(actual: &[Rule], inferred: &Inferred) -> Result<(), String> {
    let mut wanted: BTreeMap<RuleKey, Option<String>> = BTreeMap::new();
    for rule in actual {
        wanted
            .entry(rule.key.clone())
            .or_insert_with(|| normalized(&rule.description));
    }
    let expanded = expand(&inferred.args);

    // Exactly the held keys, each once.
    let got: Vec<&RuleKey> = expanded.iter().map(|r| &r.key).collect();
    let want: Vec<&RuleKey> = wanted.keys().collect();
    if got != want {
        let extra: Vec<String> = got
            .iter()
            .filter(|k| !wanted.contains_key(**k))
            .map(|k| k.to_string())
            .collect();
        let missing: Vec<String> = want
            .iter()
            .filter(|k| !got.contains(k))
            .map(|k| k.to_string())
            .collect();
        return Err(format!(
            "expand differs from the group: more {extra:?}, missing {missing:?}\n{:#?}",
            inferred.args
        ));
    }

    // Extra rules keep their descriptions; claimed rules have the
    // catalogue's exactly when catalog_descriptions says so.
    let mut all_catalog = true;
    for rule in &expanded {
        let held = &wanted[&rule.key];
        if rule.rule_sets.is_empty() {
            if &rule.description != held {
                return Err(format!(
                    "extra rule {} has description {:?}, the group {:?}",
                    rule.key, rule.description, held
                ));
            }
        } else {
            all_catalog &= &rule.description == held;
        }
    }
    if all_catalog != inferred.catalog_descriptions {
        return Err(format!(
            "catalog_descriptions is {}, but claimed rules {} the catalogue's descriptions",
            inferred.catalog_descriptions,
            if all_catalog { "all have" } else { "do not all have" }
        ));
    }
    for extra in &inferred.args.extra_rules {
        if extra.description.as_deref() == Some("") {
            return Err(format!("extra rule with an empty description: {extra:?}"));
        }
    }

    // The configuration a user gets is valid and means the same arguments.
    let checked = check(&render(inferred));
    let unexpected: Vec<_> = checked
        .problems
        .iter()
        // Honest: the group does let the whole internet try SSH.
        .filter(|p| !(p.severity == Severity::Warning && p.summary.starts_with("SSH open to the whole internet")))
        .collect();
    if !unexpected.is_empty() {
        return Err(format!(
            "check of the rendered configuration:\n{}\n{:#?}",
            dump(&checked),
            inferred.args
        ));
    }
    if checked.args.as_ref() != Some(&inferred.args) {
        return Err(format!(
            "check gives other arguments:\n{:#?}\ninferred:\n{:#?}",
            checked.args, inferred.args
        ));
    }
    Ok(())
}

fn assert_sound(actual: &[Rule], inferred: &Inferred) {
    if let Err(message) = soundness(actual, inferred) {
        panic!("{message}");
    }
}

/// Infers and asserts soundness.
fn infer_sound(actual: &[Rule]) -> Inferred {
    let inferred = infer(actual);
    assert_sound(actual, &inferred);
    inferred
}

fn extra_rule(direction: Direction, protocol: Protocol, ports: (i32, i32), description: Option<&str>) -> ExtraRule {
    ExtraRule {
        description: description.map(str::to_string),
        ..extra(direction, protocol, ports)
    }
}

mod documented_groups;
mod other_shapes;
mod properties;
