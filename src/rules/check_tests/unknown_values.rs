//! check tests: Unknown values: accepted now, checked once known.

use super::*;

// ---------------------------------------------------------------------------
// Unknown values: accepted now, checked once known
// ---------------------------------------------------------------------------

#[test]
fn unknown_values_anywhere_give_no_error_and_no_args() {
    let base = || FirewallInput {
        ssh_cidr_blocks: list(&["10.0.0.0/8"]),
        node_security_group_ids: list(&["sg-0123456789abcdef0"]),
        extra_rules: Maybe::Known(vec![tcp_block(8080.0, 8080.0)]),
        ..sets(&["external", "ssh", "internal"])
    };
    // The base is valid, so each variation differs only by its unknown.
    assert_clean(&check(&base()));

    let element = |known: &[&str]| -> MaybeList<String> {
        let mut items: Vec<Maybe<String>> = known.iter().map(|s| Maybe::Known(s.to_string())).collect();
        items.push(Maybe::Unknown);
        Maybe::Known(items)
    };
    let variations: Vec<(&str, Vary<FirewallInput>)> = vec![
        ("rule_sets", Box::new(|i| i.rule_sets = Maybe::Unknown)),
        (
            "rule_sets element",
            Box::new(move |i| i.rule_sets = element(&["external", "ssh"])),
        ),
        (
            "ingress_cidr_blocks",
            Box::new(|i| i.ingress_cidr_blocks = Maybe::Unknown),
        ),
        (
            "ingress_cidr_blocks element",
            Box::new(move |i| i.ingress_cidr_blocks = element(&["10.0.0.0/8"])),
        ),
        (
            "ingress_ipv6_cidr_blocks",
            Box::new(|i| i.ingress_ipv6_cidr_blocks = Maybe::Unknown),
        ),
        (
            "egress_cidr_blocks",
            Box::new(|i| i.egress_cidr_blocks = Maybe::Unknown),
        ),
        (
            "egress_ipv6_cidr_blocks element",
            Box::new(move |i| i.egress_ipv6_cidr_blocks = element(&[])),
        ),
        ("ssh_cidr_blocks", Box::new(|i| i.ssh_cidr_blocks = Maybe::Unknown)),
        (
            "ssh_cidr_blocks element",
            Box::new(move |i| i.ssh_cidr_blocks = element(&[])),
        ),
        (
            "node_security_group_ids",
            Box::new(|i| i.node_security_group_ids = Maybe::Unknown),
        ),
        (
            "node_security_group_ids element",
            Box::new(move |i| i.node_security_group_ids = element(&["sg-12345678"])),
        ),
        ("extra_rules", Box::new(|i| i.extra_rules = Maybe::Unknown)),
    ];
    for (what, vary) in variations {
        let mut input = base();
        vary(&mut input);
        let checked = check(&input);
        assert!(
            with_severity(&checked, Severity::Error).is_empty(),
            "{what}:\n{}",
            dump(&checked)
        );
        assert!(checked.args.is_none(), "{what}: args while unknown");
    }
}

#[test]
fn unknown_values_inside_an_extra_rule_give_no_error_and_no_args() {
    let variations: Vec<(&str, Vary<ExtraRuleInput>)> = vec![
        ("direction", Box::new(|b| b.direction = Maybe::Unknown)),
        ("protocol", Box::new(|b| b.protocol = Maybe::Unknown)),
        ("from_port", Box::new(|b| b.from_port = Maybe::Unknown)),
        ("to_port", Box::new(|b| b.to_port = Maybe::Unknown)),
        ("cidr_blocks", Box::new(|b| b.cidr_blocks = Maybe::Unknown)),
        (
            "cidr_blocks element",
            Box::new(|b| b.cidr_blocks = Maybe::Known(vec![Maybe::Unknown])),
        ),
        ("ipv6_cidr_blocks", Box::new(|b| b.ipv6_cidr_blocks = Maybe::Unknown)),
        (
            "security_group_ids",
            Box::new(|b| b.security_group_ids = Maybe::Unknown),
        ),
        (
            "security_group_ids element",
            Box::new(|b| b.security_group_ids = Maybe::Known(vec![Maybe::Unknown])),
        ),
        ("self", Box::new(|b| b.self_ = Maybe::Unknown)),
        ("description", Box::new(|b| b.description = Maybe::Unknown)),
    ];
    for (what, vary) in variations {
        let mut rule = tcp_block(8080.0, 8080.0);
        vary(&mut rule);
        let checked = check(&extras(vec![rule]));
        assert!(checked.problems.is_empty(), "{what}:\n{}", dump(&checked));
        assert!(checked.args.is_none(), "{what}: args while unknown");
    }
}

#[test]
fn an_unknown_peer_list_defers_the_no_peer_check() {
    let checked = check(&extras(vec![ExtraRuleInput {
        cidr_blocks: Maybe::Unknown,
        ..block("ingress", "tcp", Some(22.0), Some(22.0))
    }]));
    assert_pending(&checked);
}

#[test]
fn unknown_values_do_not_hide_errors_elsewhere() {
    let checked = check(&FirewallInput {
        rule_sets: Maybe::Unknown,
        ingress_cidr_blocks: list(&["10.0.0.1"]),
        extra_rules: Maybe::Known(vec![ExtraRuleInput {
            to_port: Maybe::Unknown,
            ..tcp_block(8080.0, 8080.0)
        }]),
        ..FirewallInput::default()
    });
    assert_single_error(&checked, "ingress_cidr_blocks[0]", &["Invalid CIDR block"], &["/32"]);
}

#[test]
fn unknown_ssh_blocks_defer_the_ssh_checks() {
    let checked = check(&FirewallInput {
        ssh_cidr_blocks: Maybe::Unknown,
        ..sets(&["ssh"])
    });
    assert!(checked.problems.is_empty(), "{}", dump(&checked));
    assert!(checked.args.is_none());
}

#[test]
fn unknown_ipv6_blocks_defer_the_empty_blocks_check() {
    let checked = check(&FirewallInput {
        ingress_cidr_blocks: list(&[]),
        ingress_ipv6_cidr_blocks: Maybe::Unknown,
        ..sets(&["external"])
    });
    assert!(checked.problems.is_empty(), "{}", dump(&checked));
    assert!(checked.args.is_none());
}

#[test]
fn empty_rule_sets_with_unknown_extra_rules_is_not_yet_an_error() {
    let checked = check(&FirewallInput {
        extra_rules: Maybe::Unknown,
        ..sets(&[])
    });
    assert!(checked.problems.is_empty(), "{}", dump(&checked));
    assert!(checked.args.is_none());
}
