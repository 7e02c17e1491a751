//! infer tests: IPv6; Other groups; Choosing among combinations.

use super::*;

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
