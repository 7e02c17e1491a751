//! Unit and property tests of `expand`.
//!
//! The expected rules here are written out by hand, and the property tests
//! use their own transcription of the rule-set table (`TABLE`), not the
//! catalogue, so that a mistake in either shows up as a disagreement.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use ipnet::IpNet;
use proptest::prelude::*;

use super::checked_args::{default_egress_cidr_blocks, default_ingress_cidr_blocks};
use super::expand::count;
use super::test_support::*;
use super::{
    check, expand, Direction, ExtraRule, FirewallArgs, FirewallInput, Maybe, Peer, Protocol, Rule, RuleKey, RuleSetName,
};

use Direction::{Egress, Ingress};
use Protocol::{All, Icmp, Icmpv6, Tcp, Udp};
use RuleSetName::{Dns, External, Internal, Ntp, Opcua, Outbound, SmartruleApama, Ssh};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn p4(text: &str) -> Peer {
    Peer::Ipv4(v4(text))
}

fn p6(text: &str) -> Peer {
    Peer::Ipv6(v6(text))
}

fn sg(id: &str) -> Peer {
    Peer::SecurityGroup(id.to_string())
}

/// The arguments `check` produces for the given sets when every CIDR list is
/// absent: IPv4 "any" on both sides, nothing else.
fn with_defaults(sets: &[RuleSetName]) -> FirewallArgs {
    FirewallArgs {
        rule_sets: sets.iter().copied().collect(),
        ingress_cidr_blocks: default_ingress_cidr_blocks(),
        egress_cidr_blocks: default_egress_cidr_blocks(),
        ..FirewallArgs::default()
    }
}

fn rule(
    direction: Direction,
    protocol: Protocol,
    ports: (i32, i32),
    peer: Peer,
    description: &str,
    sets: &[RuleSetName],
) -> Rule {
    Rule {
        key: RuleKey {
            direction,
            protocol,
            from_port: ports.0,
            to_port: ports.1,
            peer,
        },
        description: Some(description.to_string()),
        rule_sets: sets.iter().copied().collect(),
    }
}

fn extra_rule_of(
    direction: Direction,
    protocol: Protocol,
    ports: (i32, i32),
    peer: Peer,
    description: Option<&str>,
) -> Rule {
    Rule {
        key: RuleKey {
            direction,
            protocol,
            from_port: ports.0,
            to_port: ports.1,
            peer,
        },
        description: description.map(str::to_string),
        rule_sets: BTreeSet::new(),
    }
}

/// Compares rule lists one by one, so a failure names the first difference.
fn assert_rules(actual: &[Rule], expected: &[Rule]) {
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert_eq!(a, e, "rule {i} differs");
    }
    assert_eq!(actual.len(), expected.len(), "rule count differs: actual {actual:#?}");
}

fn keys(rules: &[Rule]) -> Vec<RuleKey> {
    rules.iter().map(|r| r.key.clone()).collect()
}

fn assert_sorted_and_unique(rules: &[Rule]) {
    for pair in rules.windows(2) {
        assert!(
            pair[0].key < pair[1].key,
            "not strictly ascending: {} then {}",
            pair[0].key,
            pair[1].key
        );
    }
    let distinct: HashSet<&RuleKey> = rules.iter().map(|r| &r.key).collect();
    assert_eq!(distinct.len(), rules.len(), "duplicate keys");
}

// ---------------------------------------------------------------------------
// Every rule set alone, with the default arguments
// ---------------------------------------------------------------------------

#[test]
fn external_alone_opens_the_four_documented_ports_from_anywhere() {
    let any = "0.0.0.0/0";
    assert_rules(
        &expand(&with_defaults(&[External])),
        &[
            rule(Ingress, Tcp, (80, 80), p4(any), "HTTP", &[External]),
            rule(Ingress, Tcp, (443, 443), p4(any), "HTTPS", &[External]),
            rule(Ingress, Tcp, (1883, 1883), p4(any), "MQTT", &[External]),
            rule(Ingress, Tcp, (8883, 8883), p4(any), "MQTT/TLS", &[External]),
        ],
    );
}

#[test]
fn outbound_alone_opens_http_https_smtp_to_anywhere() {
    let any = "0.0.0.0/0";
    assert_rules(
        &expand(&with_defaults(&[Outbound])),
        &[
            rule(Egress, Tcp, (25, 25), p4(any), "SMTP", &[Outbound]),
            rule(Egress, Tcp, (80, 80), p4(any), "HTTP", &[Outbound]),
            rule(Egress, Tcp, (443, 443), p4(any), "HTTPS", &[Outbound]),
        ],
    );
}

#[test]
fn dns_alone_opens_udp_53_out() {
    assert_rules(
        &expand(&with_defaults(&[Dns])),
        &[rule(Egress, Udp, (53, 53), p4("0.0.0.0/0"), "DNS", &[Dns])],
    );
}

#[test]
fn ntp_alone_opens_udp_123_out() {
    assert_rules(
        &expand(&with_defaults(&[Ntp])),
        &[rule(Egress, Udp, (123, 123), p4("0.0.0.0/0"), "NTP", &[Ntp])],
    );
}

#[test]
fn opcua_alone_opens_6670_in_and_80_out() {
    let any = "0.0.0.0/0";
    assert_rules(
        &expand(&with_defaults(&[Opcua])),
        &[
            rule(Ingress, Tcp, (6670, 6670), p4(any), "opcua agent", &[Opcua]),
            rule(Egress, Tcp, (80, 80), p4(any), "opcua agent", &[Opcua]),
        ],
    );
}

#[test]
fn smartrule_apama_alone_opens_8334_in_and_80_out() {
    let any = "0.0.0.0/0";
    let service = "Smartrule-apama agent";
    assert_rules(
        &expand(&with_defaults(&[SmartruleApama])),
        &[
            rule(Ingress, Tcp, (8334, 8334), p4(any), service, &[SmartruleApama]),
            rule(Egress, Tcp, (80, 80), p4(any), service, &[SmartruleApama]),
        ],
    );
}

#[test]
fn ssh_alone_opens_22_to_each_ssh_block_of_either_family() {
    let args = FirewallArgs {
        ssh_cidr_blocks: vec![net("2001:db8::/32"), net("10.0.0.0/16")],
        ..with_defaults(&[Ssh])
    };
    let service = "SSH (for management purposes)";
    assert_rules(
        &expand(&args),
        &[
            rule(Ingress, Tcp, (22, 22), p4("10.0.0.0/16"), service, &[Ssh]),
            rule(Ingress, Tcp, (22, 22), p6("2001:db8::/32"), service, &[Ssh]),
        ],
    );
}

#[test]
fn ssh_ignores_ingress_blocks_and_without_ssh_blocks_opens_nothing() {
    // The default ingress "any" must never leak into the SSH rule.
    assert_rules(&expand(&with_defaults(&[Ssh])), &[]);
}

#[test]
fn internal_alone_allows_all_traffic_with_the_group_itself() {
    let service = "All traffic in between Cumulocity";
    assert_rules(
        &expand(&with_defaults(&[Internal])),
        &[
            rule(Ingress, All, (-1, -1), Peer::SelfGroup, service, &[Internal]),
            rule(Egress, All, (-1, -1), Peer::SelfGroup, service, &[Internal]),
        ],
    );
}

#[test]
fn internal_adds_every_node_security_group_both_ways() {
    let args = FirewallArgs {
        node_security_group_ids: vec![SG_B.to_string(), SG_A.to_string()],
        ..with_defaults(&[Internal])
    };
    let service = "All traffic in between Cumulocity";
    assert_rules(
        &expand(&args),
        &[
            rule(Ingress, All, (-1, -1), sg(SG_A), service, &[Internal]),
            rule(Ingress, All, (-1, -1), sg(SG_B), service, &[Internal]),
            rule(Ingress, All, (-1, -1), Peer::SelfGroup, service, &[Internal]),
            rule(Egress, All, (-1, -1), sg(SG_A), service, &[Internal]),
            rule(Egress, All, (-1, -1), sg(SG_B), service, &[Internal]),
            rule(Egress, All, (-1, -1), Peer::SelfGroup, service, &[Internal]),
        ],
    );
}

#[test]
fn node_groups_and_ssh_blocks_open_nothing_without_their_rule_sets() {
    let args = FirewallArgs {
        node_security_group_ids: vec![SG_A.to_string()],
        ssh_cidr_blocks: vec![net("10.0.0.0/8")],
        ..with_defaults(&[Dns])
    };
    assert_rules(
        &expand(&args),
        &[rule(Egress, Udp, (53, 53), p4("0.0.0.0/0"), "DNS", &[Dns])],
    );
}

#[test]
fn no_rule_sets_and_no_extra_rules_expand_to_nothing() {
    assert!(expand(&with_defaults(&[])).is_empty());
    assert!(expand(&FirewallArgs::default()).is_empty());
}

#[test]
fn absent_cidr_lists_default_to_ipv4_any_through_check() {
    let input = FirewallInput {
        rule_sets: Maybe::Known(vec![
            Maybe::Known("external".to_string()),
            Maybe::Known("dns".to_string()),
        ]),
        ..FirewallInput::default()
    };
    let checked = check(&input);
    let args = checked.args.expect("valid input");
    assert_eq!(args, with_defaults(&[External, Dns]));
    let peers: BTreeSet<Peer> = expand(&args).into_iter().map(|r| r.key.peer).collect();
    assert_eq!(peers, BTreeSet::from([p4("0.0.0.0/0")]));
}

#[test]
fn rule_set_order_in_the_configuration_does_not_matter() {
    let names = ["ssh", "internal", "outbound", "external", "smartrule-apama"];
    let input = |names: &[&str]| FirewallInput {
        rule_sets: Maybe::Known(names.iter().map(|n| Maybe::Known(n.to_string())).collect()),
        ssh_cidr_blocks: Maybe::Known(vec![Maybe::Known("10.0.0.0/8".to_string())]),
        ..FirewallInput::default()
    };
    let forward = check(&input(&names)).args.expect("valid");
    let mut reversed_names = names;
    reversed_names.reverse();
    let backward = check(&input(&reversed_names)).args.expect("valid");
    assert_eq!(expand(&forward), expand(&backward));
}

// ---------------------------------------------------------------------------
// De-duplication across rule sets
// ---------------------------------------------------------------------------

#[test]
fn outbound_and_both_agents_share_one_http_rule_per_egress_block() {
    let args = FirewallArgs {
        egress_cidr_blocks: vec![v4("0.0.0.0/0"), v4("10.0.0.0/8")],
        egress_ipv6_cidr_blocks: vec![v6("::/0")],
        ..with_defaults(&[SmartruleApama, Outbound, Opcua])
    };
    let rules = expand(&args);
    let http: Vec<&Rule> = rules
        .iter()
        .filter(|r| r.key.direction == Egress && r.key.from_port == 80)
        .collect();
    let shared = "HTTP, opcua agent, Smartrule-apama agent";
    let sets = [Outbound, Opcua, SmartruleApama];
    let expected = [
        rule(Egress, Tcp, (80, 80), p4("0.0.0.0/0"), shared, &sets),
        rule(Egress, Tcp, (80, 80), p4("10.0.0.0/8"), shared, &sets),
        rule(Egress, Tcp, (80, 80), p6("::/0"), shared, &sets),
    ];
    assert_eq!(http.len(), expected.len(), "{http:#?}");
    for (actual, expected) in http.iter().zip(&expected) {
        assert_eq!(*actual, expected);
    }
    // Everything else: 25 and 443 of outbound, the two agents' inbound ports.
    assert_eq!(count(&rules, Egress), 3 * 3);
    assert_eq!(count(&rules, Ingress), 2);
    assert_sorted_and_unique(&rules);
}

#[test]
fn the_two_agents_share_their_outbound_http_rule() {
    let rules = expand(&with_defaults(&[Opcua, SmartruleApama]));
    let any = "0.0.0.0/0";
    assert_rules(
        &rules,
        &[
            rule(Ingress, Tcp, (6670, 6670), p4(any), "opcua agent", &[Opcua]),
            rule(
                Ingress,
                Tcp,
                (8334, 8334),
                p4(any),
                "Smartrule-apama agent",
                &[SmartruleApama],
            ),
            rule(
                Egress,
                Tcp,
                (80, 80),
                p4(any),
                "opcua agent, Smartrule-apama agent",
                &[Opcua, SmartruleApama],
            ),
        ],
    );
}

#[test]
fn repeated_blocks_in_an_argument_give_one_rule() {
    let args = FirewallArgs {
        ingress_cidr_blocks: vec![v4("10.0.0.0/8"), v4("10.0.0.0/8")],
        ..with_defaults(&[External])
    };
    let rules = expand(&args);
    assert_eq!(rules.len(), 4);
    assert_sorted_and_unique(&rules);
}

#[test]
fn ssh_block_equal_to_an_ingress_block_does_not_merge_different_ports() {
    let args = FirewallArgs {
        ingress_cidr_blocks: vec![v4("10.0.0.0/8")],
        ssh_cidr_blocks: vec![net("10.0.0.0/8")],
        ..with_defaults(&[External, Ssh])
    };
    let rules = expand(&args);
    assert_eq!(rules.len(), 5);
    assert_eq!(
        rules[0],
        rule(
            Ingress,
            Tcp,
            (22, 22),
            p4("10.0.0.0/8"),
            "SSH (for management purposes)",
            &[Ssh]
        )
    );
}

// ---------------------------------------------------------------------------
// Families and multiplicity
// ---------------------------------------------------------------------------

#[test]
fn ipv6_blocks_give_ipv6_rules_after_the_ipv4_rules() {
    let args = FirewallArgs {
        ingress_cidr_blocks: vec![v4("192.0.2.0/24")],
        ingress_ipv6_cidr_blocks: vec![v6("2001:db8::/32")],
        ..with_defaults(&[Opcua])
    };
    let rules = expand(&args);
    let ingress: Vec<&RuleKey> = rules
        .iter()
        .filter(|r| r.key.direction == Ingress)
        .map(|r| &r.key)
        .collect();
    assert_eq!(
        ingress.iter().map(|k| k.peer.clone()).collect::<Vec<_>>(),
        vec![p4("192.0.2.0/24"), p6("2001:db8::/32")]
    );
    assert!(ingress.iter().all(|k| k.from_port == 6670));
}

#[test]
fn ipv6_only_ingress_gives_only_ipv6_rules() {
    let args = FirewallArgs {
        ingress_cidr_blocks: Vec::new(),
        ingress_ipv6_cidr_blocks: vec![v6("::/0")],
        ..with_defaults(&[External])
    };
    let rules = expand(&args);
    assert_eq!(rules.len(), 4);
    assert!(rules.iter().all(|r| r.key.peer == p6("::/0")), "{rules:#?}");
}

#[test]
fn every_block_multiplies_the_rules_of_its_side() {
    let args = FirewallArgs {
        ingress_cidr_blocks: vec![v4("10.0.0.0/8"), v4("172.16.0.0/12"), v4("192.168.0.0/16")],
        ingress_ipv6_cidr_blocks: vec![v6("fd00::/8"), v6("2001:db8::/32")],
        egress_cidr_blocks: vec![v4("0.0.0.0/0"), v4("198.51.100.0/24")],
        egress_ipv6_cidr_blocks: vec![v6("::/0")],
        ..with_defaults(&[External, Outbound, Dns])
    };
    let rules = expand(&args);
    // external: 4 ports × (3 + 2) blocks; outbound + dns: (3 + 1) ports × (2 + 1).
    assert_eq!(count(&rules, Ingress), 4 * 5);
    assert_eq!(count(&rules, Egress), 4 * 3);
    assert_eq!(rules.len(), 32);
    assert_sorted_and_unique(&rules);
    for port in [80, 443, 1883, 8883] {
        for peer in [
            p4("10.0.0.0/8"),
            p4("172.16.0.0/12"),
            p4("192.168.0.0/16"),
            p6("fd00::/8"),
            p6("2001:db8::/32"),
        ] {
            let key = RuleKey {
                direction: Ingress,
                protocol: Tcp,
                from_port: port,
                to_port: port,
                peer,
            };
            assert!(keys(&rules).contains(&key), "missing {key}");
        }
    }
}

// ---------------------------------------------------------------------------
// extra_rule blocks
// ---------------------------------------------------------------------------

#[test]
fn extra_rule_gives_one_rule_per_peer_of_every_kind() {
    let args = FirewallArgs {
        extra_rules: vec![ExtraRule {
            cidr_blocks: vec![v4("203.0.113.0/24")],
            ipv6_cidr_blocks: vec![v6("2001:db8:1::/48")],
            security_group_ids: vec![SG_A.to_string()],
            self_: true,
            description: Some("LwM2M".to_string()),
            ..extra(Ingress, Udp, (5683, 5684))
        }],
        ..with_defaults(&[])
    };
    let desc = Some("LwM2M");
    assert_rules(
        &expand(&args),
        &[
            extra_rule_of(Ingress, Udp, (5683, 5684), p4("203.0.113.0/24"), desc),
            extra_rule_of(Ingress, Udp, (5683, 5684), p6("2001:db8:1::/48"), desc),
            extra_rule_of(Ingress, Udp, (5683, 5684), sg(SG_A), desc),
            extra_rule_of(Ingress, Udp, (5683, 5684), Peer::SelfGroup, desc),
        ],
    );
}

#[test]
fn extra_rules_without_description_have_none() {
    let args = FirewallArgs {
        extra_rules: vec![
            ExtraRule {
                security_group_ids: vec![SG_B.to_string()],
                ..extra(Egress, Icmp, (8, 0))
            },
            ExtraRule {
                ipv6_cidr_blocks: vec![v6("::/0")],
                ..extra(Egress, Icmpv6, (-1, -1))
            },
        ],
        ..with_defaults(&[])
    };
    assert_rules(
        &expand(&args),
        &[
            extra_rule_of(Egress, Icmp, (8, 0), sg(SG_B), None),
            extra_rule_of(Egress, Icmpv6, (-1, -1), p6("::/0"), None),
        ],
    );
}

#[test]
fn extra_rules_merge_into_the_sorted_documented_rules() {
    let args = FirewallArgs {
        extra_rules: vec![
            ExtraRule {
                self_: true,
                description: Some("health checks".to_string()),
                ..extra(Ingress, Tcp, (8080, 8080))
            },
            ExtraRule {
                cidr_blocks: vec![v4("10.0.0.0/8")],
                description: Some("syslog".to_string()),
                ..extra(Egress, Udp, (514, 514))
            },
        ],
        ..with_defaults(&[External, Ntp])
    };
    let any = "0.0.0.0/0";
    assert_rules(
        &expand(&args),
        &[
            rule(Ingress, Tcp, (80, 80), p4(any), "HTTP", &[External]),
            rule(Ingress, Tcp, (443, 443), p4(any), "HTTPS", &[External]),
            rule(Ingress, Tcp, (1883, 1883), p4(any), "MQTT", &[External]),
            rule(Ingress, Tcp, (8080, 8080), Peer::SelfGroup, "health checks", &[]),
            rule(Ingress, Tcp, (8883, 8883), p4(any), "MQTT/TLS", &[External]),
            rule(Egress, Udp, (123, 123), p4(any), "NTP", &[Ntp]),
            rule(Egress, Udp, (514, 514), p4("10.0.0.0/8"), "syslog", &[]),
        ],
    );
}

#[test]
fn extra_rule_repeating_a_documented_rule_keeps_the_documented_one() {
    // `check` rejects this; `expand` must still stay total and stable.
    let args = FirewallArgs {
        extra_rules: vec![ExtraRule {
            cidr_blocks: vec![v4("0.0.0.0/0")],
            description: Some("web".to_string()),
            ..extra(Ingress, Tcp, (443, 443))
        }],
        ..with_defaults(&[External])
    };
    let rules = expand(&args);
    assert_eq!(rules.len(), 4);
    assert_eq!(
        rules[1],
        rule(Ingress, Tcp, (443, 443), p4("0.0.0.0/0"), "HTTPS", &[External])
    );
}

#[test]
fn repeated_extra_rules_give_one_rule() {
    let one = ExtraRule {
        cidr_blocks: vec![v4("10.0.0.0/8"), v4("10.0.0.0/8")],
        description: Some("first".to_string()),
        ..extra(Ingress, Tcp, (9000, 9100))
    };
    let args = FirewallArgs {
        extra_rules: vec![one.clone(), one],
        ..with_defaults(&[])
    };
    assert_rules(
        &expand(&args),
        &[extra_rule_of(
            Ingress,
            Tcp,
            (9000, 9100),
            p4("10.0.0.0/8"),
            Some("first"),
        )],
    );
}

#[test]
fn protocol_order_is_tcp_udp_icmp_icmpv6_all() {
    let peer = || vec![v4("10.0.0.0/8")];
    let args = FirewallArgs {
        extra_rules: vec![
            ExtraRule {
                self_: true,
                ..extra(Ingress, All, (-1, -1))
            },
            ExtraRule {
                ipv6_cidr_blocks: vec![v6("::/0")],
                ..extra(Ingress, Icmpv6, (-1, -1))
            },
            ExtraRule {
                cidr_blocks: peer(),
                ..extra(Ingress, Icmp, (-1, -1))
            },
            ExtraRule {
                cidr_blocks: peer(),
                ..extra(Ingress, Udp, (1, 1))
            },
            ExtraRule {
                cidr_blocks: peer(),
                ..extra(Ingress, Tcp, (1, 1))
            },
        ],
        ..with_defaults(&[])
    };
    let protocols: Vec<Protocol> = expand(&args).iter().map(|r| r.key.protocol).collect();
    assert_eq!(protocols, vec![Tcp, Udp, Icmp, Icmpv6, All]);
}

// ---------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------

/// Which argument supplies a row's peers (transcribed independently of
/// `catalog::PeerSource`).
#[derive(Clone, Copy, Debug)]
enum Src {
    In,
    Out,
    SshBlocks,
    Nodes,
}

/// The rule-set table (the firewall document's, as the README and the
/// provider docs list it), row by row: (set, direction, protocol, from, to, peers,
/// service).
const TABLE: &[(RuleSetName, Direction, Protocol, i32, i32, Src, &str)] = &[
    (External, Ingress, Tcp, 80, 80, Src::In, "HTTP"),
    (External, Ingress, Tcp, 443, 443, Src::In, "HTTPS"),
    (External, Ingress, Tcp, 1883, 1883, Src::In, "MQTT"),
    (External, Ingress, Tcp, 8883, 8883, Src::In, "MQTT/TLS"),
    (Outbound, Egress, Tcp, 80, 80, Src::Out, "HTTP"),
    (Outbound, Egress, Tcp, 443, 443, Src::Out, "HTTPS"),
    (Outbound, Egress, Tcp, 25, 25, Src::Out, "SMTP"),
    (Dns, Egress, Udp, 53, 53, Src::Out, "DNS"),
    (Ntp, Egress, Udp, 123, 123, Src::Out, "NTP"),
    (Opcua, Ingress, Tcp, 6670, 6670, Src::In, "opcua agent"),
    (Opcua, Egress, Tcp, 80, 80, Src::Out, "opcua agent"),
    (
        SmartruleApama,
        Ingress,
        Tcp,
        8334,
        8334,
        Src::In,
        "Smartrule-apama agent",
    ),
    (SmartruleApama, Egress, Tcp, 80, 80, Src::Out, "Smartrule-apama agent"),
    (
        Ssh,
        Ingress,
        Tcp,
        22,
        22,
        Src::SshBlocks,
        "SSH (for management purposes)",
    ),
    (
        Internal,
        Ingress,
        All,
        -1,
        -1,
        Src::Nodes,
        "All traffic in between Cumulocity",
    ),
    (
        Internal,
        Egress,
        All,
        -1,
        -1,
        Src::Nodes,
        "All traffic in between Cumulocity",
    ),
];

fn table_peers(args: &FirewallArgs, src: Src) -> Vec<Peer> {
    match src {
        Src::In => args
            .ingress_cidr_blocks
            .iter()
            .map(|n| Peer::Ipv4(*n))
            .chain(args.ingress_ipv6_cidr_blocks.iter().map(|n| Peer::Ipv6(*n)))
            .collect(),
        Src::Out => args
            .egress_cidr_blocks
            .iter()
            .map(|n| Peer::Ipv4(*n))
            .chain(args.egress_ipv6_cidr_blocks.iter().map(|n| Peer::Ipv6(*n)))
            .collect(),
        Src::SshBlocks => args
            .ssh_cidr_blocks
            .iter()
            .map(|n| match n {
                IpNet::V4(n) => Peer::Ipv4(*n),
                IpNet::V6(n) => Peer::Ipv6(*n),
            })
            .collect(),
        Src::Nodes => args
            .node_security_group_ids
            .iter()
            .map(|id| Peer::SecurityGroup(id.clone()))
            .chain([Peer::SelfGroup])
            .collect(),
    }
}

fn extra_rule_peers(extra: &ExtraRule) -> Vec<Peer> {
    let mut peers: Vec<Peer> = extra.cidr_blocks.iter().map(|n| Peer::Ipv4(*n)).collect();
    peers.extend(extra.ipv6_cidr_blocks.iter().map(|n| Peer::Ipv6(*n)));
    peers.extend(
        extra
            .security_group_ids
            .iter()
            .map(|id| Peer::SecurityGroup(id.clone())),
    );
    if extra.self_ {
        peers.push(Peer::SelfGroup);
    }
    peers
}

fn extra_key(extra: &ExtraRule, peer: Peer) -> RuleKey {
    RuleKey {
        direction: extra.direction,
        protocol: extra.protocol,
        from_port: extra.from_port,
        to_port: extra.to_port,
        peer,
    }
}

/// What the oracle expects of one key.
#[derive(Debug, Default)]
struct Expected {
    sets: BTreeSet<RuleSetName>,
    /// Documented services, in set order then table order, each once.
    services: Vec<&'static str>,
    /// The descriptions of the extra rules that ask for this key.
    extra_descriptions: BTreeSet<Option<String>>,
}

fn oracle(args: &FirewallArgs) -> BTreeMap<RuleKey, Expected> {
    let mut expected: BTreeMap<RuleKey, Expected> = BTreeMap::new();
    for &set in &args.rule_sets {
        for &(row_set, direction, protocol, from, to, src, service) in TABLE {
            if row_set != set {
                continue;
            }
            for peer in table_peers(args, src) {
                let e = expected
                    .entry(RuleKey {
                        direction,
                        protocol,
                        from_port: from,
                        to_port: to,
                        peer,
                    })
                    .or_default();
                e.sets.insert(set);
                if !e.services.contains(&service) {
                    e.services.push(service);
                }
            }
        }
    }
    for extra in &args.extra_rules {
        for peer in extra_rule_peers(extra) {
            expected
                .entry(extra_key(extra, peer))
                .or_default()
                .extra_descriptions
                .insert(extra.description.clone());
        }
    }
    expected
}

/// The same arguments with every list (and every extra rule's lists)
/// shuffled.
fn shuffled(args: FirewallArgs) -> impl Strategy<Value = FirewallArgs> {
    let extras = args
        .extra_rules
        .iter()
        .map(|e| {
            let e = e.clone();
            (
                Just(e.cidr_blocks.clone()).prop_shuffle(),
                Just(e.ipv6_cidr_blocks.clone()).prop_shuffle(),
                Just(e.security_group_ids.clone()).prop_shuffle(),
            )
                .prop_map(move |(cidr_blocks, ipv6_cidr_blocks, security_group_ids)| ExtraRule {
                    cidr_blocks,
                    ipv6_cidr_blocks,
                    security_group_ids,
                    ..e.clone()
                })
        })
        .collect::<Vec<_>>();
    (
        Just(args.ingress_cidr_blocks.clone()).prop_shuffle(),
        Just(args.ingress_ipv6_cidr_blocks.clone()).prop_shuffle(),
        Just(args.egress_cidr_blocks.clone()).prop_shuffle(),
        Just(args.egress_ipv6_cidr_blocks.clone()).prop_shuffle(),
        Just(args.ssh_cidr_blocks.clone()).prop_shuffle(),
        Just(args.node_security_group_ids.clone()).prop_shuffle(),
        extras.prop_shuffle(),
    )
        .prop_map(move |(in4, in6, out4, out6, ssh, nodes, extras)| FirewallArgs {
            rule_sets: args.rule_sets.clone(),
            ingress_cidr_blocks: in4,
            ingress_ipv6_cidr_blocks: in6,
            egress_cidr_blocks: out4,
            egress_ipv6_cidr_blocks: out6,
            ssh_cidr_blocks: ssh,
            node_security_group_ids: nodes,
            extra_rules: extras,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The output is exactly what an independent reading of the table says:
    /// sorted, each key once, every documented rule for each of its peers,
    /// with the right sets and descriptions, and the right count per
    /// direction.
    #[test]
    fn expand_matches_the_table(args in firewall_args()) {
        let rules = expand(&args);
        let expected = oracle(&args);

        for pair in rules.windows(2) {
            prop_assert!(pair[0].key < pair[1].key, "{} then {}", pair[0].key, pair[1].key);
        }
        let distinct: HashSet<&RuleKey> = rules.iter().map(|r| &r.key).collect();
        prop_assert_eq!(distinct.len(), rules.len());

        prop_assert_eq!(
            rules.iter().map(|r| r.key.clone()).collect::<Vec<_>>(),
            expected.keys().cloned().collect::<Vec<_>>()
        );
        for direction in [Ingress, Egress] {
            let n = expected.keys().filter(|k| k.direction == direction).count();
            prop_assert_eq!(count(&rules, direction), n);
        }

        // Every documented rule of every chosen set, for each of its peers.
        let by_key: BTreeMap<&RuleKey, &Rule> = rules.iter().map(|r| (&r.key, r)).collect();
        for &set in &args.rule_sets {
            for &(row_set, direction, protocol, from, to, src, service) in TABLE {
                if row_set != set {
                    continue;
                }
                for peer in table_peers(&args, src) {
                    let key = RuleKey { direction, protocol, from_port: from, to_port: to, peer };
                    let found = by_key.get(&key);
                    prop_assert!(found.is_some(), "missing {} of {}", key, set);
                    let found = found.unwrap();
                    prop_assert!(found.rule_sets.contains(&set));
                    let description = found.description.as_deref().unwrap_or("");
                    prop_assert!(
                        description.split(", ").any(|d| d == service),
                        "{}: {:?} lacks {:?}", key, description, service
                    );
                }
            }
        }

        for rule in &rules {
            let e = &expected[&rule.key];
            prop_assert_eq!(&rule.rule_sets, &e.sets, "{}", rule.key);
            if !e.services.is_empty() {
                // Documented rules win over any extra rule with the same key.
                prop_assert_eq!(rule.description.clone(), Some(e.services.join(", ")));
            } else {
                prop_assert!(
                    e.extra_descriptions.contains(&rule.description),
                    "{}: {:?}", rule.key, rule.description
                );
                if e.extra_descriptions.len() == 1 {
                    prop_assert_eq!(
                        &rule.description,
                        e.extra_descriptions.iter().next().unwrap()
                    );
                }
            }
        }
    }

    /// Shuffling every input list does not change the output. The one
    /// order-dependence allowed is which description wins when two extra
    /// rules with different descriptions repeat a key (`check` rejects that).
    #[test]
    fn expand_ignores_input_order(
        (args, shuffled) in firewall_args().prop_flat_map(|a| (Just(a.clone()), shuffled(a)))
    ) {
        let original = expand(&args);
        let reordered = expand(&shuffled);
        let conflicting = oracle(&args)
            .values()
            .any(|e| e.services.is_empty() && e.extra_descriptions.len() > 1);
        if conflicting {
            let strip = |rules: &[Rule]| -> Vec<(RuleKey, BTreeSet<RuleSetName>)> {
                rules.iter().map(|r| (r.key.clone(), r.rule_sets.clone())).collect()
            };
            prop_assert_eq!(strip(&original), strip(&reordered));
        } else {
            prop_assert_eq!(original, reordered);
        }
    }

    /// Expansion is a function: the same arguments, the same rules.
    #[test]
    fn expand_is_deterministic(args in firewall_args()) {
        prop_assert_eq!(expand(&args), expand(&args.clone()));
    }
}

#[test]
fn prefix_list_peers_sort_between_ipv6_blocks_and_groups() {
    let args = FirewallArgs {
        extra_rules: vec![ExtraRule {
            direction: Direction::Egress,
            protocol: Protocol::Tcp,
            from_port: 443,
            to_port: 443,
            cidr_blocks: Vec::new(),
            ipv6_cidr_blocks: vec!["::/0".parse().unwrap()],
            security_group_ids: vec!["sg-0123456789abcdef0".to_string()],
            prefix_list_ids: vec!["pl-0123456789abcdef0".to_string()],
            self_: false,
            description: None,
        }],
        ..FirewallArgs::default()
    };
    let peers: Vec<Peer> = expand(&args).into_iter().map(|r| r.key.peer).collect();
    assert_eq!(
        peers,
        vec![
            Peer::Ipv6("::/0".parse().unwrap()),
            Peer::PrefixList("pl-0123456789abcdef0".to_string()),
            Peer::SecurityGroup("sg-0123456789abcdef0".to_string()),
        ]
    );
}
