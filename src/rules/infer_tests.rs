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
        key: RuleKey {
            direction,
            protocol,
            from_port: ports.0,
            to_port: ports.1,
            peer: peer(peer_text),
        },
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

// ---------------------------------------------------------------------------
// The firewall document's group
// ---------------------------------------------------------------------------

const EVERY_SET: [RuleSetName; 8] = [External, Outbound, Dns, Ntp, Opcua, SmartruleApama, Ssh, Internal];

#[test]
fn a_hand_made_documented_group_is_recognised_with_console_descriptions() {
    let group = documented_group(|_, console| console.to_string());
    let inferred = infer_sound(&group);
    assert_eq!(inferred.args.rule_sets, sets(&EVERY_SET));
    assert!(inferred.args.extra_rules.is_empty(), "{:?}", inferred.args.extra_rules);
    assert!(!inferred.catalog_descriptions);
    assert_eq!(
        inferred.args.ssh_cidr_blocks,
        vec!["10.0.0.0/16".parse::<IpNet>().unwrap()]
    );
    assert_eq!(inferred.args.ingress_cidr_blocks, default_ingress_cidr_blocks());
    assert_eq!(inferred.args.egress_cidr_blocks, default_egress_cidr_blocks());
    assert!(inferred.args.node_security_group_ids.is_empty());
    // Anywhere is the default on both sides: only ssh needs writing.
    assert_eq!(inferred.explicit, names(&["ssh_cidr_blocks"]));
}

#[test]
fn a_documented_group_without_descriptions_is_recognised_too() {
    let inferred = infer_sound(&documented_group(|_, _| String::new()));
    assert_eq!(inferred.args.rule_sets, sets(&EVERY_SET));
    assert!(inferred.args.extra_rules.is_empty());
    assert!(!inferred.catalog_descriptions);
}

#[test]
fn a_documented_group_with_the_catalogues_descriptions_can_have_them_managed() {
    let inferred = infer_sound(&documented_group(|service, _| service.to_string()));
    assert_eq!(inferred.args.rule_sets, sets(&EVERY_SET));
    assert!(inferred.catalog_descriptions);
}

#[test]
fn one_hand_made_description_is_enough_to_leave_descriptions_alone() {
    let mut group = documented_group(|service, _| service.to_string());
    group[2].description = Some("Allow MQTT from anywhere".to_string());
    let inferred = infer_sound(&group);
    assert_eq!(inferred.args.rule_sets, sets(&EVERY_SET));
    assert!(!inferred.catalog_descriptions);
}

#[test]
fn the_order_rules_are_read_in_does_not_matter() {
    let group = documented_group(|_, console| console.to_string());
    let mut reversed = group.clone();
    reversed.reverse();
    assert_eq!(infer(&group), infer(&reversed));
}

// ---------------------------------------------------------------------------
// Partial and unrelated rules
// ---------------------------------------------------------------------------

#[test]
fn part_of_a_rule_set_is_not_claimed() {
    // external without 8883.
    let group = vec![
        tcp_in(80, "0.0.0.0/0", "Allow HTTP from anywhere"),
        tcp_in(443, "0.0.0.0/0", "Allow HTTPS from anywhere"),
        tcp_in(1883, "0.0.0.0/0", "Allow MQTT from anywhere"),
    ];
    let inferred = infer_sound(&group);
    assert!(inferred.args.rule_sets.is_empty());
    let ports: Vec<(i32, i32)> = inferred
        .args
        .extra_rules
        .iter()
        .map(|e| (e.from_port, e.to_port))
        .collect();
    assert_eq!(ports, vec![(80, 80), (443, 443), (1883, 1883)]);
    for extra in &inferred.args.extra_rules {
        assert_eq!(extra.cidr_blocks, vec![v4("0.0.0.0/0")]);
        assert_eq!(extra.direction, Ingress);
    }
    // Nothing uses the ingress blocks: they are left out, so check does not
    // warn that they are unused.
    assert!(inferred.explicit.is_empty());
    assert_eq!(inferred.args.ingress_cidr_blocks, default_ingress_cidr_blocks());
    assert!(inferred.catalog_descriptions, "no rule is claimed");
}

#[test]
fn a_rule_set_missing_on_one_block_is_claimed_on_the_others() {
    let mut group: Vec<Rule> = [80, 443, 1883, 8883]
        .into_iter()
        .map(|port| tcp_in(port, "10.0.0.0/8", ""))
        .collect();
    group.push(tcp_in(443, "192.168.0.0/16", "partner"));
    let inferred = infer_sound(&group);
    assert_eq!(inferred.args.rule_sets, sets(&[External]));
    assert_eq!(inferred.args.ingress_cidr_blocks, vec![v4("10.0.0.0/8")]);
    assert_eq!(inferred.explicit, names(&["ingress_cidr_blocks"]));
    assert_eq!(inferred.args.extra_rules.len(), 1);
    assert_eq!(inferred.args.extra_rules[0].cidr_blocks, vec![v4("192.168.0.0/16")]);
    assert_eq!(inferred.args.extra_rules[0].description.as_deref(), Some("partner"));
}

#[test]
fn unrelated_rules_become_extra_rules_including_other_ip_protocols() {
    let group = vec![
        tcp_in(5432, "10.0.0.0/8", "postgres"),
        held(Egress, Protocol::Number(50), (-1, -1), "203.0.113.0/24", "IPsec ESP"),
        held(Ingress, Protocol::Number(50), (-1, -1), "203.0.113.0/24", ""),
    ];
    let inferred = infer_sound(&group);
    assert!(inferred.args.rule_sets.is_empty());
    let mut postgres = extra_rule(Ingress, Tcp, (5432, 5432), Some("postgres"));
    postgres.cidr_blocks = vec![v4("10.0.0.0/8")];
    let mut esp_in = extra_rule(Ingress, Protocol::Number(50), (-1, -1), None);
    esp_in.cidr_blocks = vec![v4("203.0.113.0/24")];
    let mut esp_out = extra_rule(Egress, Protocol::Number(50), (-1, -1), Some("IPsec ESP"));
    esp_out.cidr_blocks = vec![v4("203.0.113.0/24")];
    assert_eq!(inferred.args.extra_rules, vec![postgres, esp_in, esp_out]);
    // Configuration names ESP by its number, without ports.
    let input = render(&inferred);
    let blocks = input.extra_rules.known().unwrap();
    assert_eq!(blocks[1].protocol, Maybe::Known("50".to_string()));
    assert!(blocks[1].from_port.is_absent() && blocks[1].to_port.is_absent());
}

#[test]
fn rules_sharing_ports_and_description_share_one_block_with_all_their_peers() {
    let group = vec![
        tcp_in(9000, "self", "app"),
        tcp_in(9000, SG_B, "app"),
        tcp_in(9000, PL_A, "app"),
        tcp_in(9000, "2001:db8::/32", "app"),
        tcp_in(9000, "10.0.0.0/8", "app"),
        tcp_in(9000, SG_A, "app"),
        tcp_in(9000, "192.168.0.0/16", "other"),
        tcp_in(9001, "10.0.0.0/8", "app"),
    ];
    let inferred = infer_sound(&group);
    let mut app = extra_rule(Ingress, Tcp, (9000, 9000), Some("app"));
    app.cidr_blocks = vec![v4("10.0.0.0/8")];
    app.ipv6_cidr_blocks = vec![v6("2001:db8::/32")];
    app.prefix_list_ids = vec![PL_A.to_string()];
    app.security_group_ids = vec![SG_A.to_string(), SG_B.to_string()];
    app.self_ = true;
    let mut other = extra_rule(Ingress, Tcp, (9000, 9000), Some("other"));
    other.cidr_blocks = vec![v4("192.168.0.0/16")];
    let mut next = extra_rule(Ingress, Tcp, (9001, 9001), Some("app"));
    next.cidr_blocks = vec![v4("10.0.0.0/8")];
    assert_eq!(inferred.args.extra_rules, vec![app, other, next]);
}

#[test]
fn icmp_and_icmpv6_stay_in_separate_blocks() {
    let group = vec![
        held(Ingress, Icmp, (8, -1), "0.0.0.0/0", "ping"),
        held(Ingress, Icmpv6, (8, -1), "::/0", "ping"),
        held(Ingress, Icmpv6, (128, -1), "::/0", "ping"),
        held(Ingress, Icmp, (-1, -1), "10.0.0.0/8", ""),
    ];
    let inferred = infer_sound(&group);
    let protocols: Vec<(Protocol, i32)> = inferred
        .args
        .extra_rules
        .iter()
        .map(|e| (e.protocol, e.from_port))
        .collect();
    assert_eq!(protocols, vec![(Icmp, -1), (Icmp, 8), (Icmpv6, 8), (Icmpv6, 128)]);
}

#[test]
fn empty_descriptions_are_none_and_repeated_keys_count_once() {
    let mut empty = tcp_in(5432, "10.0.0.0/8", "");
    empty.description = Some(String::new());
    let group = vec![empty.clone(), tcp_in(5432, "10.0.0.0/8", "later"), empty];
    let inferred = infer_sound(&group);
    assert_eq!(inferred.args.extra_rules.len(), 1);
    assert_eq!(inferred.args.extra_rules[0].description, None);
}

#[test]
fn an_empty_group_gives_empty_arguments_check_accepts() {
    let inferred = infer_sound(&[]);
    assert_eq!(
        inferred.args,
        FirewallArgs {
            ingress_cidr_blocks: default_ingress_cidr_blocks(),
            egress_cidr_blocks: default_egress_cidr_blocks(),
            ..FirewallArgs::default()
        }
    );
    assert!(inferred.explicit.is_empty());
    assert!(inferred.catalog_descriptions);
}

// ---------------------------------------------------------------------------
// IPv6
// ---------------------------------------------------------------------------

#[test]
fn ipv6_only_rules_give_ipv6_blocks_and_an_empty_ipv4_list() {
    let group: Vec<Rule> = [80, 443, 1883, 8883]
        .into_iter()
        .map(|port| tcp_in(port, "::/0", ""))
        .collect();
    let inferred = infer_sound(&group);
    assert_eq!(inferred.args.rule_sets, sets(&[External]));
    assert_eq!(inferred.args.ingress_ipv6_cidr_blocks, vec![v6("::/0")]);
    assert!(inferred.args.ingress_cidr_blocks.is_empty());
    // The empty IPv4 list differs from its default, so it is written out.
    assert_eq!(
        inferred.explicit,
        names(&["ingress_cidr_blocks", "ingress_ipv6_cidr_blocks"])
    );
}

#[test]
fn mixed_families_fill_both_lists_and_the_ipv4_default_stays_implicit() {
    let mut group = Vec::new();
    for port in [80, 443, 1883, 8883] {
        group.push(tcp_in(port, "0.0.0.0/0", ""));
        group.push(tcp_in(port, "::/0", ""));
    }
    for (port, name) in [(53, "dns"), (123, "ntp")] {
        group.push(udp_out(port, "0.0.0.0/0", name));
        group.push(udp_out(port, "2001:db8::/32", name));
    }
    group.push(tcp_in(22, "2001:db8:1::/48", "ssh v6"));
    group.push(tcp_in(22, "10.1.0.0/16", "ssh v4"));
    let inferred = infer_sound(&group);
    assert_eq!(inferred.args.rule_sets, sets(&[External, Dns, Ntp, Ssh]));
    assert_eq!(inferred.args.ingress_cidr_blocks, default_ingress_cidr_blocks());
    assert_eq!(inferred.args.ingress_ipv6_cidr_blocks, vec![v6("::/0")]);
    assert_eq!(inferred.args.egress_ipv6_cidr_blocks, vec![v6("2001:db8::/32")]);
    assert_eq!(
        inferred.args.ssh_cidr_blocks,
        vec![
            "10.1.0.0/16".parse::<IpNet>().unwrap(),
            "2001:db8:1::/48".parse().unwrap()
        ]
    );
    assert_eq!(
        inferred.explicit,
        names(&["ingress_ipv6_cidr_blocks", "egress_ipv6_cidr_blocks", "ssh_cidr_blocks"])
    );
}

// ---------------------------------------------------------------------------
// Other groups
// ---------------------------------------------------------------------------

#[test]
fn internal_takes_the_groups_allowed_both_ways_and_leaves_the_others() {
    let group = vec![
        all_in("self", ""),
        all_out("self", ""),
        all_in(SG_A, "core"),
        all_out(SG_A, "core"),
        all_in(SG_B, "monitoring"),
        all_out(SG_C, "backup"),
        tcp_in(443, SG_C, "backup agent"),
    ];
    let inferred = infer_sound(&group);
    assert_eq!(inferred.args.rule_sets, sets(&[Internal]));
    assert_eq!(inferred.args.node_security_group_ids, vec![SG_A.to_string()]);
    assert_eq!(inferred.explicit, names(&["node_security_group_ids"]));
    let mut b = extra_rule(Ingress, All, (-1, -1), Some("monitoring"));
    b.security_group_ids = vec![SG_B.to_string()];
    let mut agent = extra_rule(Ingress, Tcp, (443, 443), Some("backup agent"));
    agent.security_group_ids = vec![SG_C.to_string()];
    let mut c = extra_rule(Egress, All, (-1, -1), Some("backup"));
    c.security_group_ids = vec![SG_C.to_string()];
    assert_eq!(inferred.args.extra_rules, vec![agent, b, c]);
    assert!(!inferred.catalog_descriptions);
}

#[test]
fn internal_needs_all_traffic_with_itself_both_ways() {
    let group = vec![all_in("self", ""), all_in(SG_A, ""), all_out(SG_A, "")];
    let inferred = infer_sound(&group);
    assert!(inferred.args.rule_sets.is_empty());
    assert!(inferred.args.node_security_group_ids.is_empty());
    assert!(inferred.explicit.is_empty());
    assert_eq!(inferred.args.extra_rules.len(), 2, "{:?}", inferred.args.extra_rules);
}

// ---------------------------------------------------------------------------
// Choosing among combinations
// ---------------------------------------------------------------------------

fn external_on(block: &str) -> Vec<Rule> {
    [80, 443, 1883, 8883]
        .into_iter()
        .map(|port| tcp_in(port, block, ""))
        .collect()
}

#[test]
fn external_on_two_blocks_wins_over_opcua_on_one() {
    let mut group = external_on("10.0.0.0/8");
    group.extend(external_on("192.168.0.0/16"));
    group.push(tcp_in(6670, "10.0.0.0/8", "opcua"));
    for port in [80, 443, 25] {
        group.push(tcp_out(port, "0.0.0.0/0", ""));
    }
    // {external, outbound} on both ingress blocks covers 11 rules;
    // {external, outbound, opcua} only 9, on 10.0.0.0/8 alone.
    let inferred = infer_sound(&group);
    assert_eq!(inferred.args.rule_sets, sets(&[External, Outbound]));
    assert_eq!(
        inferred.args.ingress_cidr_blocks,
        vec![v4("10.0.0.0/8"), v4("192.168.0.0/16")]
    );
    assert_eq!(inferred.args.extra_rules.len(), 1);
    assert_eq!(inferred.args.extra_rules[0].from_port, 6670);
    assert_eq!(inferred.explicit, names(&["ingress_cidr_blocks"]));
}

#[test]
fn opcua_wins_where_it_covers_more_and_shrinks_the_ingress_blocks() {
    let mut group = external_on("10.0.0.0/8");
    group.push(tcp_in(6670, "10.0.0.0/8", ""));
    group.push(tcp_in(6670, "192.168.0.0/16", ""));
    group.push(tcp_out(80, "0.0.0.0/0", ""));
    // {external, opcua} on 10.0.0.0/8 covers 6; {external} alone 4;
    // {opcua} on both blocks 3.
    let inferred = infer_sound(&group);
    assert_eq!(inferred.args.rule_sets, sets(&[External, Opcua]));
    assert_eq!(inferred.args.ingress_cidr_blocks, vec![v4("10.0.0.0/8")]);
    assert_eq!(inferred.args.egress_cidr_blocks, default_egress_cidr_blocks());
    assert_eq!(inferred.explicit, names(&["ingress_cidr_blocks"]));
    let mut left = extra_rule(Ingress, Tcp, (6670, 6670), None);
    left.cidr_blocks = vec![v4("192.168.0.0/16")];
    assert_eq!(inferred.args.extra_rules, vec![left]);
}

#[test]
fn both_agents_share_the_outbound_http_rule() {
    let group = vec![
        tcp_in(6670, "0.0.0.0/0", ""),
        tcp_in(8334, "0.0.0.0/0", ""),
        tcp_out(80, "0.0.0.0/0", "opcua agent, Smartrule-apama agent"),
    ];
    let inferred = infer_sound(&group);
    assert_eq!(inferred.args.rule_sets, sets(&[Opcua, SmartruleApama]));
    assert!(inferred.args.extra_rules.is_empty());
    assert!(inferred.explicit.is_empty());
    // 6670 and 8334 have no description, unlike the catalogue's.
    assert!(!inferred.catalog_descriptions);
}

#[test]
fn a_tie_prefers_more_rule_sets() {
    // {dns} on both blocks and {dns, ntp} on 10.0.0.0/8 both cover two rules.
    let group = vec![
        udp_out(53, "10.0.0.0/8", ""),
        udp_out(53, "192.168.0.0/16", ""),
        udp_out(123, "10.0.0.0/8", ""),
    ];
    let inferred = infer_sound(&group);
    assert_eq!(inferred.args.rule_sets, sets(&[Dns, Ntp]));
    assert_eq!(inferred.args.egress_cidr_blocks, vec![v4("10.0.0.0/8")]);
    assert_eq!(inferred.args.extra_rules.len(), 1);
    assert_eq!(inferred.args.extra_rules[0].cidr_blocks, vec![v4("192.168.0.0/16")]);
}

#[test]
fn unused_lists_stay_at_their_defaults_and_are_not_written() {
    let group = vec![
        tcp_out(80, "10.0.0.0/8", "HTTP"),
        tcp_out(443, "10.0.0.0/8", "HTTPS"),
        tcp_out(25, "10.0.0.0/8", "SMTP"),
        tcp_in(5432, "172.16.0.0/12", ""),
    ];
    let inferred = infer_sound(&group);
    assert_eq!(inferred.args.rule_sets, sets(&[Outbound]));
    assert_eq!(inferred.args.ingress_cidr_blocks, default_ingress_cidr_blocks());
    assert!(inferred.args.ingress_ipv6_cidr_blocks.is_empty());
    assert_eq!(inferred.explicit, names(&["egress_cidr_blocks"]));
    assert!(inferred.catalog_descriptions);
    let checked = check(&render(&inferred));
    assert!(checked.problems.is_empty(), "{}", dump(&checked));
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

const PORTS: [i32; 11] = [22, 25, 53, 80, 123, 443, 1883, 5432, 6670, 8334, 8883];

const PEERS: [&str; 10] = [
    "0.0.0.0/0",
    "10.0.0.0/8",
    "192.168.0.0/16",
    "::/0",
    "2001:db8::/32",
    SG_A,
    SG_B,
    "self",
    PL_A,
    "pl-0123456789abcdef0",
];

fn description() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some(String::new())),
        prop::sample::select(vec![
            "HTTP",
            "HTTPS",
            "MQTT",
            "MQTT/TLS",
            "SMTP",
            "DNS",
            "NTP",
            "opcua agent",
            "HTTP, opcua agent",
            "All traffic in between Cumulocity",
            "SSH (for management purposes)",
            "Allow MQTT from anywhere",
        ])
        .prop_map(|d| Some(d.to_string())),
        "[A-Za-z0-9./:#-][A-Za-z0-9 ./:#-]{0,15}".prop_map(Some),
    ]
}

fn protocol_and_ports() -> impl Strategy<Value = (Protocol, i32, i32)> {
    let port = || prop_oneof![4 => prop::sample::select(PORTS.to_vec()), 1 => 0i32..=65535];
    prop_oneof![
        6 => (prop::sample::select(vec![Tcp, Udp]), port()).prop_map(|(p, n)| (p, n, n)),
        1 => (prop::sample::select(vec![Tcp, Udp]), port(), port()).prop_map(|(p, a, b)| (p, a.min(b), a.max(b))),
        1 => (prop::sample::select(vec![Icmp, Icmpv6]), -1i32..=255, -1i32..=255)
            .prop_map(|(p, t, c)| (p, t, if t == -1 { -1 } else { c })),
        2 => Just((All, -1, -1)),
        1 => prop::sample::select(vec![0u8, 4, 47, 50, 51, 132, 255]).prop_map(|n| (Protocol::Number(n), -1, -1)),
    ]
}

/// A rule AWS could hold: ICMP only with peers of its own family.
fn any_held_rule() -> impl Strategy<Value = Rule> {
    (
        prop::sample::select(vec![Ingress, Egress]),
        protocol_and_ports(),
        prop::sample::select(PEERS.to_vec()),
        description(),
    )
        .prop_map(|(direction, (protocol, from_port, to_port), peer_text, description)| {
            let peer = peer(peer_text);
            let protocol = match (protocol, &peer) {
                (Icmp, Peer::Ipv6(_)) => Icmpv6,
                (Icmpv6, Peer::Ipv4(_)) => Icmp,
                (p, _) => p,
            };
            Rule {
                key: RuleKey {
                    direction,
                    protocol,
                    from_port,
                    to_port,
                    peer,
                },
                description,
                rule_sets: BTreeSet::new(),
            }
        })
}

/// Keeps the first rule of each key, as AWS holds each key once.
fn unique(rules: Vec<Rule>) -> Vec<Rule> {
    let mut seen = BTreeSet::new();
    rules.into_iter().filter(|r| seen.insert(r.key.clone())).collect()
}

/// A group's rules: documented rule sets (some of their rules missing,
/// descriptions changed) mixed with arbitrary rules, in any order.
fn any_group() -> impl Strategy<Value = Vec<Rule>> {
    (
        firewall_args(),
        prop::collection::vec((any::<u8>(), 0u8..4, description()), 128),
        prop::collection::vec(any_held_rule(), 0..24),
    )
        .prop_map(|(args, knobs, extra)| {
            let mut rules = Vec::new();
            for (i, mut rule) in expand(&args).into_iter().enumerate() {
                let (drop, how, other) = &knobs[i % knobs.len()];
                if *drop < 24 {
                    continue;
                }
                rule.rule_sets.clear();
                match how {
                    0 => {}
                    1 => rule.description = None,
                    _ => rule.description = other.clone(),
                }
                rules.push(rule);
            }
            // The arbitrary rules first, so they sometimes win a key.
            unique(extra.into_iter().chain(rules).collect())
        })
        .prop_flat_map(|rules| Just(rules).prop_shuffle())
}

/// The documented rules that the rule sets of `args` create, counting only
/// sets all of whose peer arguments are non-empty (others are refused by
/// `check`, or create part of a set).
fn documented_effective(args: &FirewallArgs) -> Vec<Rule> {
    let has_blocks = |v4: &[Ipv4Net], v6: &[Ipv6Net]| !(v4.is_empty() && v6.is_empty());
    let ingress = has_blocks(&args.ingress_cidr_blocks, &args.ingress_ipv6_cidr_blocks);
    let egress = has_blocks(&args.egress_cidr_blocks, &args.egress_ipv6_cidr_blocks);
    let effective = args
        .rule_sets
        .iter()
        .copied()
        .filter(|set| {
            set.rules().iter().all(|r| match r.peers {
                super::catalog::PeerSource::IngressBlocks => ingress,
                super::catalog::PeerSource::EgressBlocks => egress,
                super::catalog::PeerSource::SshBlocks => !args.ssh_cidr_blocks.is_empty(),
                super::catalog::PeerSource::Nodes => true,
            })
        })
        .collect();
    expand(&FirewallArgs {
        rule_sets: effective,
        extra_rules: Vec::new(),
        ..args.clone()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The core property: whatever a group holds, the inferred arguments
    /// stand for exactly its rules, and the configuration is valid.
    #[test]
    fn inference_is_sound(group in any_group()) {
        let inferred = infer(&group);
        if let Err(message) = soundness(&group, &inferred) {
            prop_assert!(false, "{}", message);
        }
    }

    /// Arbitrary rules alone (few documented sets complete by chance).
    #[test]
    fn inference_is_sound_for_arbitrary_rules(
        group in prop::collection::vec(any_held_rule(), 0..40).prop_map(unique)
    ) {
        let inferred = infer(&group);
        if let Err(message) = soundness(&group, &inferred) {
            prop_assert!(false, "{}", message);
        }
    }

    /// Inference depends on the rules, not on the order they are read in.
    #[test]
    fn inference_ignores_order(
        (group, shuffled) in any_group().prop_flat_map(|g| (Just(g.clone()), Just(g).prop_shuffle()))
    ) {
        prop_assert_eq!(infer(&group), infer(&shuffled));
    }

    /// A group made from arguments is recognised at least as well as those
    /// arguments: as many documented rules claimed, and ssh and internal
    /// with at least their blocks and nodes.
    #[test]
    fn inference_claims_at_least_what_the_arguments_documented(args in firewall_args()) {
        let group: Vec<Rule> = expand(&args)
            .into_iter()
            .map(|r| Rule { rule_sets: BTreeSet::new(), ..r })
            .collect();
        let inferred = infer(&group);
        if let Err(message) = soundness(&group, &inferred) {
            prop_assert!(false, "{}", message);
        }
        let original = documented_effective(&args);
        let claimed: Vec<Rule> = expand(&inferred.args).into_iter().filter(|r| !r.rule_sets.is_empty()).collect();
        prop_assert!(
            claimed.len() >= original.len(),
            "claimed {} rules, the arguments documented {}:\n{:#?}\n{:#?}",
            claimed.len(), original.len(), args, inferred.args
        );
        let claimed_keys: BTreeSet<&RuleKey> = claimed.iter().map(|r| &r.key).collect();
        for rule in &original {
            let by_own_argument = rule.rule_sets.contains(&Ssh) || rule.rule_sets.contains(&Internal);
            if by_own_argument {
                prop_assert!(claimed_keys.contains(&rule.key), "{} not claimed", rule.key);
            }
        }
        // Arguments `check` would accept, without extra rules, come back as
        // they were, descriptions and all.
        let all_effective = original.len() == expand(&FirewallArgs { extra_rules: Vec::new(), ..args.clone() }).len()
            && args.rule_sets.iter().all(|set| original.iter().any(|r| r.rule_sets.contains(set)));
        if args.extra_rules.is_empty() && all_effective {
            prop_assert_eq!(&inferred.args.rule_sets, &args.rule_sets);
            prop_assert!(inferred.catalog_descriptions, "catalogue descriptions not recognised:\n{:#?}", inferred);
        }
    }

    /// Never a panic, whatever the keys (ports AWS would not report, named
    /// protocols by number, repeated keys).
    #[test]
    fn inference_is_total(
        group in prop::collection::vec(
            (
                prop::sample::select(vec![Ingress, Egress]),
                any::<u8>().prop_map(Protocol::Number),
                any::<i32>(),
                any::<i32>(),
                prop::sample::select(PEERS.to_vec()),
                prop::option::of(".{0,8}"),
            ),
            0..30,
        )
    ) {
        let rules: Vec<Rule> = group
            .into_iter()
            .map(|(direction, protocol, from_port, to_port, peer_text, description)| Rule {
                key: RuleKey { direction, protocol, from_port, to_port, peer: peer(peer_text) },
                description,
                rule_sets: BTreeSet::new(),
            })
            .collect();
        let inferred = infer(&rules);
        let expanded: BTreeSet<RuleKey> = expand(&inferred.args).into_iter().map(|r| r.key).collect();
        let held: BTreeSet<RuleKey> = rules.into_iter().map(|r| r.key).collect();
        prop_assert_eq!(expanded, held);
    }
}
