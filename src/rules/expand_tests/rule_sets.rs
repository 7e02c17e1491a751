//! expand tests: Every rule set alone, with the default arguments; De-duplication across rule sets; Families and multiplicity.

use super::*;

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
