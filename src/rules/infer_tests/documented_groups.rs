//! infer tests: The firewall document's group; Partial and unrelated rules.

use super::*;

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
