//! check tests: extra_rule: ports, direction, protocol; extra_rule: peers and description.

use super::*;

// ---------------------------------------------------------------------------
// extra_rule: ports, direction, protocol
// ---------------------------------------------------------------------------

#[test]
fn port_out_of_range_is_an_error_at_that_port() {
    for (from, to, path) in [
        (70000.0, 70000.0, None),
        (80.0, 65536.0, Some("extra_rule[0].to_port")),
        (-1.0, 80.0, Some("extra_rule[0].from_port")),
    ] {
        let checked = check(&extras(vec![tcp_block(from, to)]));
        match path {
            Some(path) => {
                assert_single_error(&checked, path, &["Invalid"], &["out of range", "0 to 65535"]);
            }
            None => {
                let from = problem_at(&checked, Severity::Error, "extra_rule[0].from_port");
                assert_problem(
                    from,
                    "extra_rule[0].from_port",
                    &["Invalid from_port"],
                    &["70000", "out of range"],
                );
                problem_at(&checked, Severity::Error, "extra_rule[0].to_port");
                assert!(checked.args.is_none());
            }
        }
    }
}

#[test]
fn port_bounds_are_inclusive() {
    let checked = check(&extras(vec![tcp_block(0.0, 65535.0)]));
    let args = assert_clean(&checked);
    assert_eq!((args.extra_rules[0].from_port, args.extra_rules[0].to_port), (0, 65535));
}

#[test]
fn from_port_above_to_port_is_an_error() {
    let checked = check(&extras(vec![tcp_block(443.0, 80.0)]));
    assert_single_error(
        &checked,
        "extra_rule[0].from_port",
        &["from_port is greater than to_port"],
        &["443-80"],
    );
}

#[test]
fn fractional_and_non_finite_ports_are_errors() {
    for bad in [80.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let checked = check(&extras(vec![tcp_block(bad, 443.0)]));
        assert_single_error(
            &checked,
            "extra_rule[0].from_port",
            &["Invalid from_port"],
            &["not a whole number"],
        );
    }
}

#[test]
fn tcp_and_udp_need_both_ports() {
    let checked = check(&extras(vec![ExtraRuleInput {
        cidr_blocks: list(&["10.0.0.0/8"]),
        ..block("egress", "udp", Some(514.0), None)
    }]));
    assert_single_error(
        &checked,
        "extra_rule[0].to_port",
        &["Missing to_port"],
        &["protocol \"udp\" needs from_port and to_port"],
    );

    let checked = check(&extras(vec![ExtraRuleInput {
        cidr_blocks: list(&["10.0.0.0/8"]),
        ..block("ingress", "tcp", None, None)
    }]));
    problem_at(&checked, Severity::Error, "extra_rule[0].from_port");
    problem_at(&checked, Severity::Error, "extra_rule[0].to_port");
    assert!(checked.args.is_none());
}

#[test]
fn ports_with_protocol_all_are_errors() {
    let checked = check(&extras(vec![ExtraRuleInput {
        self_: Maybe::Known(true),
        ..block("ingress", "all", Some(0.0), Some(65535.0))
    }]));
    for path in ["extra_rule[0].from_port", "extra_rule[0].to_port"] {
        let error = problem_at(&checked, Severity::Error, path);
        assert!(error.summary.contains("protocol \"all\""), "{error:?}");
        assert!(error.detail.contains("remove from_port and to_port"));
    }
    assert_eq!(with_severity(&checked, Severity::Error).len(), 2);
    assert!(checked.args.is_none());

    let checked = check(&extras(vec![ExtraRuleInput {
        self_: Maybe::Known(true),
        ..block("ingress", "all", None, Some(0.0))
    }]));
    assert_single_error(
        &checked,
        "extra_rule[0].to_port",
        &["Ports given with protocol \"all\""],
        &[],
    );
}

#[test]
fn protocol_all_without_ports_takes_minus_one() {
    let checked = check(&extras(vec![ExtraRuleInput {
        self_: Maybe::Known(true),
        ..block("egress", "all", None, None)
    }]));
    let rule = &assert_clean(&checked).extra_rules[0];
    assert_eq!((rule.protocol, rule.from_port, rule.to_port), (Protocol::All, -1, -1));
}

#[test]
fn icmp_takes_type_and_code_with_minus_one_for_any() {
    for (from, to, expected) in [
        (Some(8.0), Some(0.0), (8, 0)),
        (None, None, (-1, -1)),
        (Some(-1.0), Some(-1.0), (-1, -1)),
        (Some(3.0), None, (3, -1)),
        (Some(255.0), Some(255.0), (255, 255)),
    ] {
        let checked = check(&extras(vec![ExtraRuleInput {
            cidr_blocks: list(&["10.0.0.0/8"]),
            ..block("ingress", "icmp", from, to)
        }]));
        let rule = &assert_clean(&checked).extra_rules[0];
        assert_eq!((rule.from_port, rule.to_port), expected, "{from:?} {to:?}");
    }
}

#[test]
fn icmpv6_with_ipv6_blocks_is_fine() {
    let checked = check(&extras(vec![ExtraRuleInput {
        ipv6_cidr_blocks: list(&["::/0"]),
        ..block("ingress", "icmpv6", Some(128.0), Some(0.0))
    }]));
    let rule = &assert_clean(&checked).extra_rules[0];
    assert_eq!(rule.protocol, Protocol::Icmpv6);
    assert_eq!(rule.ipv6_cidr_blocks, vec![v6("::/0")]);
}

#[test]
fn icmp_type_or_code_out_of_range_is_an_error() {
    let checked = check(&extras(vec![ExtraRuleInput {
        cidr_blocks: list(&["10.0.0.0/8"]),
        ..block("ingress", "icmp", Some(256.0), Some(0.0))
    }]));
    assert_single_error(
        &checked,
        "extra_rule[0].from_port",
        &["Invalid from_port", "ICMP type or code"],
        &["-1 to 255"],
    );

    let checked = check(&extras(vec![ExtraRuleInput {
        cidr_blocks: list(&["10.0.0.0/8"]),
        ..block("ingress", "icmp", Some(3.0), Some(-2.0))
    }]));
    assert_single_error(
        &checked,
        "extra_rule[0].to_port",
        &["Invalid to_port", "ICMP type or code"],
        &["out of range"],
    );
}

#[test]
fn icmp_code_without_a_type_is_an_error() {
    let checked = check(&extras(vec![ExtraRuleInput {
        cidr_blocks: list(&["10.0.0.0/8"]),
        ..block("ingress", "icmp", None, Some(3.0))
    }]));
    assert_single_error(
        &checked,
        "extra_rule[0].to_port",
        &["ICMP code given for any type"],
        &["must be -1 or omitted"],
    );
}

#[test]
fn unknown_direction_is_an_error_listing_the_choices() {
    let checked = check(&extras(vec![ExtraRuleInput {
        direction: text("inbound"),
        ..tcp_block(22.0, 22.0)
    }]));
    assert_single_error(
        &checked,
        "extra_rule[0].direction",
        &["Invalid value for direction"],
        &["\"inbound\"", "\"ingress\", \"egress\""],
    );
}

#[test]
fn missing_direction_is_an_error() {
    let checked = check(&extras(vec![ExtraRuleInput {
        direction: Maybe::Absent,
        ..tcp_block(22.0, 22.0)
    }]));
    assert_single_error(
        &checked,
        "extra_rule[0].direction",
        &["Missing direction"],
        &["\"ingress\""],
    );
}

#[test]
fn unknown_protocol_is_an_error_listing_the_choices() {
    let checked = check(&extras(vec![ExtraRuleInput {
        protocol: text("TCP"),
        ..tcp_block(22.0, 22.0)
    }]));
    assert_single_error(
        &checked,
        "extra_rule[0].protocol",
        &["Invalid value for protocol"],
        &["\"TCP\"", "\"tcp\"", "\"udp\"", "\"icmp\"", "\"icmpv6\"", "\"all\""],
    );
}

#[test]
fn protocol_numbers_are_accepted_without_ports() {
    let checked = check(&extras(vec![ExtraRuleInput {
        cidr_blocks: list(&["203.0.113.0/24"]),
        ..block("egress", "50", None, None)
    }]));
    let rule = &assert_clean(&checked).extra_rules[0];
    assert_eq!(
        (rule.protocol, rule.from_port, rule.to_port),
        (Protocol::Number(50), -1, -1)
    );
}

#[test]
fn named_protocol_numbers_mean_their_names() {
    let checked = check(&extras(vec![ExtraRuleInput {
        protocol: text("6"),
        ..tcp_block(22.0, 22.0)
    }]));
    assert_eq!(assert_clean(&checked).extra_rules[0].protocol, Protocol::Tcp);
    let checked = check(&extras(vec![ExtraRuleInput {
        cidr_blocks: list(&["10.0.0.0/8"]),
        ..block("ingress", "-1", None, None)
    }]));
    assert_eq!(assert_clean(&checked).extra_rules[0].protocol, Protocol::All);
}

#[test]
fn ports_with_a_protocol_number_are_errors() {
    let checked = check(&extras(vec![ExtraRuleInput {
        cidr_blocks: list(&["203.0.113.0/24"]),
        ..block("egress", "50", Some(0.0), None)
    }]));
    assert_single_error(
        &checked,
        "extra_rule[0].from_port",
        &["Ports given with protocol \"50\""],
        &["IP protocol 50", "Remove from_port and to_port"],
    );
}

#[test]
fn protocol_numbers_out_of_range_are_errors_that_mention_numbers() {
    for bad in ["256", "050", "+50"] {
        let checked = check(&extras(vec![ExtraRuleInput {
            protocol: text(bad),
            ..tcp_block(22.0, 22.0)
        }]));
        assert_single_error(
            &checked,
            "extra_rule[0].protocol",
            &["Invalid value for protocol"],
            &[&format!("\"{bad}\""), "protocol number from 0 to 255"],
        );
    }
}

#[test]
fn problems_in_a_later_block_name_its_index() {
    let checked = check(&extras(vec![tcp_block(22.0, 22.0), tcp_block(8080.0, 8080.5)]));
    assert_single_error(
        &checked,
        "extra_rule[1].to_port",
        &["Invalid to_port"],
        &["whole number"],
    );
}

// ---------------------------------------------------------------------------
// extra_rule: peers and description
// ---------------------------------------------------------------------------

#[test]
fn extra_rule_without_peer_is_an_error() {
    for peerless in [
        block("ingress", "tcp", Some(22.0), Some(22.0)),
        ExtraRuleInput {
            cidr_blocks: list(&[]),
            ipv6_cidr_blocks: list(&[]),
            security_group_ids: list(&[]),
            self_: Maybe::Known(false),
            ..block("ingress", "tcp", Some(22.0), Some(22.0))
        },
    ] {
        let checked = check(&extras(vec![peerless]));
        assert_single_error(
            &checked,
            "extra_rule[0]",
            &["extra_rule[0] has no peer"],
            &["cidr_blocks", "ipv6_cidr_blocks", "security_group_ids", "self"],
        );
    }
}

#[test]
fn extra_rule_with_any_single_kind_of_peer_is_kept() {
    // Every other peer argument is absent (null), as in HCL that sets one.
    let only = |peer: ExtraRuleInput| extras(vec![peer]);
    let base = || block("egress", "tcp", Some(5432.0), Some(5432.0));
    let cases = [
        (
            only(ExtraRuleInput {
                cidr_blocks: list(&["10.0.0.0/8"]),
                ..base()
            }),
            "cidr_blocks",
        ),
        (
            only(ExtraRuleInput {
                ipv6_cidr_blocks: list(&["fd00::/8"]),
                ..base()
            }),
            "ipv6_cidr_blocks",
        ),
        (
            only(ExtraRuleInput {
                security_group_ids: list(&["sg-0123456789abcdef0"]),
                ..base()
            }),
            "security_group_ids",
        ),
        (
            only(ExtraRuleInput {
                self_: Maybe::Known(true),
                ..base()
            }),
            "self",
        ),
    ];
    for (input, which) in cases {
        let checked = check(&input);
        assert!(checked.problems.is_empty(), "{which}: {}", dump(&checked));
        let args = checked.args.as_ref().expect(which);
        assert_eq!(args.extra_rules.len(), 1, "{which}: the rule was dropped");
        assert_eq!(expand(args).len(), 1, "{which}");
    }
}

#[test]
fn icmp_with_ipv6_blocks_is_an_error() {
    let checked = check(&extras(vec![ExtraRuleInput {
        cidr_blocks: list(&["10.0.0.0/8"]),
        ipv6_cidr_blocks: list(&["::/0"]),
        ..block("ingress", "icmp", Some(8.0), Some(0.0))
    }]));
    assert_single_error(
        &checked,
        "extra_rule[0].ipv6_cidr_blocks",
        &["\"icmp\" does not match IPv6"],
        &["icmpv6"],
    );
}

#[test]
fn icmpv6_with_ipv4_blocks_is_an_error() {
    let checked = check(&extras(vec![ExtraRuleInput {
        cidr_blocks: list(&["10.0.0.0/8"]),
        ipv6_cidr_blocks: list(&["::/0"]),
        ..block("ingress", "icmpv6", None, None)
    }]));
    assert_single_error(
        &checked,
        "extra_rule[0].cidr_blocks",
        &["\"icmpv6\" does not match IPv4"],
        &["\"icmp\""],
    );
}

#[test]
fn description_with_a_forbidden_character_is_an_error() {
    let checked = check(&extras(vec![ExtraRuleInput {
        description: text("Zugang für Partner"),
        ..tcp_block(8443.0, 8443.0)
    }]));
    assert_single_error(
        &checked,
        "extra_rule[0].description",
        &["Invalid rule description"],
        &["'ü'", "does not allow"],
    );
}

#[test]
fn description_longer_than_255_characters_is_an_error() {
    let checked = check(&extras(vec![ExtraRuleInput {
        description: text(&"a".repeat(256)),
        ..tcp_block(8443.0, 8443.0)
    }]));
    assert_single_error(
        &checked,
        "extra_rule[0].description",
        &["Invalid rule description"],
        &["256 characters", "at most 255"],
    );

    let checked = check(&extras(vec![ExtraRuleInput {
        description: text(&"a".repeat(255)),
        ..tcp_block(8443.0, 8443.0)
    }]));
    assert_clean(&checked);
}

#[test]
fn invalid_security_group_ids_are_errors_at_their_index() {
    let checked = check(&extras(vec![ExtraRuleInput {
        security_group_ids: list(&["sg-0123456789abcdef0", "sg-XYZ"]),
        ..block("ingress", "tcp", Some(22.0), Some(22.0))
    }]));
    assert_single_error(
        &checked,
        "extra_rule[0].security_group_ids[1]",
        &["Invalid security group id"],
        &["\"sg-XYZ\" is not a security group id"],
    );

    let checked = check(&FirewallInput {
        node_security_group_ids: list(&["i-0123456789abcdef0"]),
        ..sets(&["internal"])
    });
    assert_single_error(
        &checked,
        "node_security_group_ids[0]",
        &["Invalid security group id"],
        &["sg-0123456789abcdef0"],
    );
}
