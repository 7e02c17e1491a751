//! check tests: ssh; Other cross-argument checks.

use super::*;

// ---------------------------------------------------------------------------
// ssh
// ---------------------------------------------------------------------------

#[test]
fn ssh_without_ssh_cidr_blocks_is_an_error() {
    let checked = check(&sets(&["external", "ssh"]));
    assert_single_error(
        &checked,
        "ssh_cidr_blocks",
        &["ssh_cidr_blocks is required with the ssh rule set"],
        &["TCP/22"],
    );
}

#[test]
fn ssh_with_empty_ssh_cidr_blocks_is_an_error() {
    let checked = check(&FirewallInput {
        ssh_cidr_blocks: list(&[]),
        ..sets(&["ssh"])
    });
    assert_single_error(
        &checked,
        "ssh_cidr_blocks",
        &["ssh_cidr_blocks is empty"],
        &["remove \"ssh\""],
    );
}

#[test]
fn ssh_open_to_the_whole_internet_is_a_warning_not_an_error() {
    let checked = check(&FirewallInput {
        ssh_cidr_blocks: list(&["10.0.0.0/8", "0.0.0.0/0", "::/0"]),
        ..sets(&["ssh"])
    });
    assert!(
        with_severity(&checked, Severity::Error).is_empty(),
        "{}",
        dump(&checked)
    );
    assert_eq!(with_severity(&checked, Severity::Warning).len(), 2);
    for (path, block) in [("ssh_cidr_blocks[1]", "0.0.0.0/0"), ("ssh_cidr_blocks[2]", "::/0")] {
        let warning = problem_at(&checked, Severity::Warning, path);
        assert!(warning.summary.contains("whole internet"), "{warning:?}");
        assert!(warning.detail.contains(block), "{warning:?}");
    }
    let args = checked.args.as_ref().expect("warnings keep the args");
    assert_eq!(args.ssh_cidr_blocks.len(), 3);
}

#[test]
fn whole_internet_warning_names_the_right_element_after_an_invalid_one() {
    let checked = check(&FirewallInput {
        ssh_cidr_blocks: list(&["banana", "0.0.0.0/0"]),
        ..sets(&["ssh"])
    });
    problem_at(&checked, Severity::Error, "ssh_cidr_blocks[0]");
    // A warning, if any, must point at the "0.0.0.0/0" it is about.
    for warning in with_severity(&checked, Severity::Warning) {
        assert_eq!(warning.path.to_string(), "ssh_cidr_blocks[1]", "{warning:?}");
    }
}

#[test]
fn unused_ssh_cidr_blocks_is_a_warning() {
    let checked = check(&FirewallInput {
        ssh_cidr_blocks: list(&["10.0.0.0/8"]),
        ..sets(&["external"])
    });
    let warning = problem_at(&checked, Severity::Warning, "ssh_cidr_blocks");
    assert!(warning.summary.contains("not used"), "{warning:?}");
    assert!(warning.detail.contains("\"ssh\""), "{warning:?}");
    assert_eq!(checked.problems.len(), 1, "{}", dump(&checked));
    assert!(checked.args.is_some());
}

// ---------------------------------------------------------------------------
// Other cross-argument checks
// ---------------------------------------------------------------------------

#[test]
fn external_with_no_ingress_blocks_at_all_is_an_error() {
    for ipv6 in [Maybe::Absent, list(&[])] {
        let checked = check(&FirewallInput {
            ingress_cidr_blocks: list(&[]),
            ingress_ipv6_cidr_blocks: ipv6,
            ..sets(&["external"])
        });
        assert_single_error(
            &checked,
            "ingress_cidr_blocks",
            &["No CIDR blocks", "external"],
            &["ingress_cidr_blocks", "ingress_ipv6_cidr_blocks", "no rules"],
        );
    }
}

#[test]
fn empty_blocks_error_names_every_rule_set_that_uses_them() {
    let checked = check(&FirewallInput {
        egress_cidr_blocks: list(&[]),
        ..sets(&["outbound", "opcua", "ntp"])
    });
    assert_single_error(
        &checked,
        "egress_cidr_blocks",
        &["No CIDR blocks", "outbound", "ntp", "opcua"],
        &["egress_ipv6_cidr_blocks"],
    );
}

#[test]
fn unused_node_security_group_ids_is_a_warning() {
    let checked = check(&FirewallInput {
        node_security_group_ids: list(&["sg-0123456789abcdef0"]),
        ..sets(&["external"])
    });
    let warning = problem_at(&checked, Severity::Warning, "node_security_group_ids");
    assert!(warning.summary.contains("not used"));
    assert!(warning.detail.contains("\"internal\""));
    assert_eq!(checked.problems.len(), 1, "{}", dump(&checked));
    assert!(checked.args.is_some());
}

#[test]
fn unused_ingress_and_egress_blocks_are_warnings() {
    let checked = check(&FirewallInput {
        ingress_cidr_blocks: list(&["10.0.0.0/8"]),
        ingress_ipv6_cidr_blocks: list(&["fd00::/8"]),
        ..sets(&["outbound"])
    });
    for path in ["ingress_cidr_blocks", "ingress_ipv6_cidr_blocks"] {
        let warning = problem_at(&checked, Severity::Warning, path);
        assert!(warning.summary.contains("is not used"), "{warning:?}");
        assert!(warning.detail.contains("from"), "{warning:?}");
    }
    assert_eq!(checked.problems.len(), 2, "{}", dump(&checked));
    assert!(checked.args.is_some());

    let checked = check(&FirewallInput {
        egress_cidr_blocks: list(&["10.0.0.0/8"]),
        ..sets(&["external"])
    });
    let warning = problem_at(&checked, Severity::Warning, "egress_cidr_blocks");
    assert!(warning.detail.contains("opens ports to"), "{warning:?}");
    assert!(checked.args.is_some());
}

#[test]
fn explicitly_empty_unused_lists_are_not_warned_about() {
    let checked = check(&FirewallInput {
        ingress_cidr_blocks: list(&[]),
        ssh_cidr_blocks: list(&[]),
        node_security_group_ids: list(&[]),
        ..sets(&["dns"])
    });
    assert_clean(&checked);
}

#[test]
fn duplicate_extra_rules_are_an_error_at_the_second() {
    let checked = check(&extras(vec![
        tcp_block(8080.0, 8080.0),
        tcp_block(9000.0, 9000.0),
        tcp_block(8080.0, 8080.0),
    ]));
    assert_single_error(
        &checked,
        "extra_rule[2]",
        &["extra_rule[2] is a duplicate"],
        &["extra_rule[0]", "8080"],
    );
}

#[test]
fn extra_rule_overlapping_another_in_one_peer_is_a_duplicate() {
    let checked = check(&extras(vec![
        tcp_block(8080.0, 8080.0),
        ExtraRuleInput {
            cidr_blocks: list(&["192.0.2.0/24", "10.0.0.0/8"]),
            ..block("ingress", "tcp", Some(8080.0), Some(8080.0))
        },
    ]));
    assert_single_error(
        &checked,
        "extra_rule[1]",
        &["extra_rule[1] is a duplicate"],
        &["10.0.0.0/8", "extra_rule[0]"],
    );
}

#[test]
fn extra_rule_repeating_a_documented_rule_is_an_error() {
    let checked = check(&FirewallInput {
        extra_rules: Maybe::Known(vec![
            tcp_block(22.0, 22.0),
            ExtraRuleInput {
                cidr_blocks: list(&["0.0.0.0/0"]),
                ..block("ingress", "tcp", Some(443.0), Some(443.0))
            },
        ]),
        ..sets(&["external"])
    });
    assert_single_error(
        &checked,
        "extra_rule[1]",
        &["extra_rule[1] repeats a documented rule"],
        &["external", "443"],
    );

    let checked = check(&FirewallInput {
        extra_rules: Maybe::Known(vec![ExtraRuleInput {
            self_: Maybe::Known(true),
            ..block("egress", "all", None, None)
        }]),
        ..sets(&["internal"])
    });
    assert_single_error(&checked, "extra_rule[0]", &["repeats a documented rule"], &["internal"]);
}

#[test]
fn extra_rule_differing_from_a_documented_rule_only_in_peer_is_fine() {
    let checked = check(&FirewallInput {
        ingress_cidr_blocks: list(&["192.0.2.0/24"]),
        extra_rules: Maybe::Known(vec![tcp_block(443.0, 443.0)]),
        ..sets(&["external"])
    });
    assert_clean(&checked);
}
