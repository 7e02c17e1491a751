//! check tests: Valid input; rule_sets.

use super::*;

// ---------------------------------------------------------------------------
// Valid input
// ---------------------------------------------------------------------------

#[test]
fn valid_input_yields_the_parsed_args_and_no_problems() {
    let input = FirewallInput {
        rule_sets: list(&["ssh", "external", "internal", "outbound"]),
        ingress_cidr_blocks: list(&["10.0.0.0/8", "192.0.2.0/24"]),
        ingress_ipv6_cidr_blocks: list(&["2001:DB8::/32"]),
        egress_cidr_blocks: list(&["0.0.0.0/0"]),
        egress_ipv6_cidr_blocks: list(&["::/0"]),
        ssh_cidr_blocks: list(&["172.16.0.0/12", "fd00::/8"]),
        node_security_group_ids: list(&["sg-0123456789abcdef0", "sg-12345678"]),
        extra_rules: Maybe::Known(vec![ExtraRuleInput {
            security_group_ids: list(&["sg-0fedcba9876543210"]),
            description: text("LwM2M (ticket #12)"),
            ..block("ingress", "udp", Some(5683.0), Some(5684.0))
        }]),
    };
    let checked = check(&input);
    let args = assert_clean(&checked);
    assert_eq!(
        *args,
        FirewallArgs {
            rule_sets: [
                RuleSetName::External,
                RuleSetName::Outbound,
                RuleSetName::Ssh,
                RuleSetName::Internal
            ]
            .into(),
            ingress_cidr_blocks: vec![v4("10.0.0.0/8"), v4("192.0.2.0/24")],
            ingress_ipv6_cidr_blocks: vec![v6("2001:db8::/32")],
            egress_cidr_blocks: vec![v4("0.0.0.0/0")],
            egress_ipv6_cidr_blocks: vec![v6("::/0")],
            ssh_cidr_blocks: vec![
                "172.16.0.0/12".parse::<IpNet>().unwrap(),
                "fd00::/8".parse::<IpNet>().unwrap()
            ],
            node_security_group_ids: vec!["sg-0123456789abcdef0".to_string(), "sg-12345678".to_string()],
            extra_rules: vec![ExtraRule {
                direction: Direction::Ingress,
                protocol: Protocol::Udp,
                from_port: 5683,
                to_port: 5684,
                cidr_blocks: Vec::new(),
                ipv6_cidr_blocks: Vec::new(),
                security_group_ids: vec!["sg-0fedcba9876543210".to_string()],
                prefix_list_ids: Vec::new(),
                self_: false,
                description: Some("LwM2M (ticket #12)".to_string()),
            }],
        }
    );
}

#[test]
fn absent_cidr_lists_take_their_defaults() {
    let checked = check(&sets(&["external", "outbound", "internal"]));
    let args = assert_clean(&checked);
    assert_eq!(args.ingress_cidr_blocks, vec![v4("0.0.0.0/0")]);
    assert_eq!(args.egress_cidr_blocks, vec![v4("0.0.0.0/0")]);
    assert!(args.ingress_ipv6_cidr_blocks.is_empty());
    assert!(args.egress_ipv6_cidr_blocks.is_empty());
    assert!(args.ssh_cidr_blocks.is_empty());
    assert!(args.node_security_group_ids.is_empty());
    assert!(args.extra_rules.is_empty());
}

#[test]
fn explicit_empty_lists_stay_empty_when_another_family_is_given() {
    let checked = check(&FirewallInput {
        ingress_cidr_blocks: list(&[]),
        ingress_ipv6_cidr_blocks: list(&["::/0"]),
        ..sets(&["external"])
    });
    let args = assert_clean(&checked);
    assert!(args.ingress_cidr_blocks.is_empty());
    assert_eq!(args.ingress_ipv6_cidr_blocks, vec![v6("::/0")]);
}

#[test]
fn every_documented_rule_set_name_is_accepted() {
    for set in RuleSetName::ALL {
        let mut input = sets(&[set.as_str()]);
        if set == RuleSetName::Ssh {
            input.ssh_cidr_blocks = list(&["10.0.0.0/8"]);
        }
        let checked = check(&input);
        let args = assert_clean(&checked);
        assert_eq!(args.rule_sets, [set].into());
    }
}

#[test]
fn repeated_rule_set_names_are_one_set() {
    let checked = check(&sets(&["dns", "dns"]));
    assert_eq!(assert_clean(&checked).rule_sets, [RuleSetName::Dns].into());
}

// ---------------------------------------------------------------------------
// rule_sets
// ---------------------------------------------------------------------------

#[test]
fn unknown_rule_set_is_an_error_at_its_index_listing_the_valid_names() {
    let checked = check(&sets(&["external", "firewall"]));
    let problem = assert_single_error(
        &checked,
        "rule_sets[1]",
        &["Unknown rule set"],
        &["\"firewall\" is not a documented rule set"],
    );
    for set in RuleSetName::ALL {
        assert!(
            problem.detail.contains(&format!("\"{set}\"")),
            "{set} missing from {:?}",
            problem.detail
        );
    }
    assert!(!problem.detail.contains("Did you mean"), "{problem:?}");
}

#[test]
fn near_miss_rule_set_names_suggest_the_right_one() {
    for (typed, meant) in [
        ("smartrule_apama", "smartrule-apama"),
        ("SSH", "ssh"),
        (" External ", "external"),
    ] {
        let checked = check(&sets(&[typed]));
        let error = problem_at(&checked, Severity::Error, "rule_sets[0]");
        assert!(
            error.detail.contains(&format!("Did you mean \"{meant}\"?")),
            "{typed}: {:?}",
            error.detail
        );
        assert!(checked.args.is_none());
    }
}

#[test]
fn a_mistyped_rule_set_does_not_also_claim_the_list_is_empty() {
    // The one problem is the typo; "rule_sets is empty" would be false.
    let checked = check(&sets(&["externl"]));
    assert_single_error(&checked, "rule_sets[0]", &["Unknown rule set"], &[]);
}

#[test]
fn a_mistyped_rule_set_does_not_make_its_blocks_unused() {
    let checked = check(&FirewallInput {
        ingress_cidr_blocks: list(&["10.0.0.0/8"]),
        ..sets(&["externl"])
    });
    assert_single_error(&checked, "rule_sets[0]", &["Unknown rule set"], &[]);
    assert!(
        with_severity(&checked, Severity::Warning).is_empty(),
        "{}",
        dump(&checked)
    );
}

/// A group with no rules is legal in AWS (a placeholder, or a group other
/// groups' rules name), and an import of one writes exactly this: it must
/// be valid, with no warning, so that the imported firewall plans cleanly.
#[test]
fn empty_rule_sets_without_extra_rules_is_an_empty_firewall() {
    for input in [
        sets(&[]),
        FirewallInput::default(),
        FirewallInput {
            extra_rules: Maybe::Known(Vec::new()),
            ..sets(&[])
        },
    ] {
        let checked = check(&input);
        let args = assert_clean(&checked);
        assert!(args.rule_sets.is_empty() && args.extra_rules.is_empty(), "{args:?}");
        assert!(expand(args).is_empty(), "an empty firewall has no rules");
    }
}

#[test]
fn empty_rule_sets_with_an_extra_rule_is_fine() {
    let checked = check(&extras(vec![tcp_block(8080.0, 8080.0)]));
    let args = assert_clean(&checked);
    assert!(args.rule_sets.is_empty());
    assert_eq!(args.extra_rules.len(), 1);
}

#[test]
fn null_rule_set_element_is_an_error() {
    let checked = check(&FirewallInput {
        rule_sets: Maybe::Known(vec![text("external"), Maybe::Absent]),
        ..FirewallInput::default()
    });
    assert_single_error(&checked, "rule_sets[1]", &["Null element", "rule_sets"], &[]);
}
