//! check tests: CIDR blocks.

use super::*;

// ---------------------------------------------------------------------------
// CIDR blocks
// ---------------------------------------------------------------------------

#[test]
fn malformed_cidr_is_an_error_at_its_index() {
    let checked = check(&FirewallInput {
        ingress_cidr_blocks: list(&["10.0.0.0/8", "10.0.0/8"]),
        ..sets(&["external"])
    });
    assert_single_error(
        &checked,
        "ingress_cidr_blocks[1]",
        &["Invalid CIDR block in ingress_cidr_blocks"],
        &["\"10.0.0/8\" is not a CIDR block"],
    );
}

#[test]
fn malformed_cidr_in_each_list_is_reported_there() {
    let cases: [(&str, SetList); 5] = [
        ("ingress_cidr_blocks", |i, l| i.ingress_cidr_blocks = l),
        ("ingress_ipv6_cidr_blocks", |i, l| i.ingress_ipv6_cidr_blocks = l),
        ("egress_cidr_blocks", |i, l| i.egress_cidr_blocks = l),
        ("egress_ipv6_cidr_blocks", |i, l| i.egress_ipv6_cidr_blocks = l),
        ("ssh_cidr_blocks", |i, l| i.ssh_cidr_blocks = l),
    ];
    for (name, set) in cases {
        let mut input = sets(&["external", "outbound", "ssh"]);
        input.ssh_cidr_blocks = list(&["10.0.0.0/8"]);
        set(&mut input, list(&["banana"]));
        let checked = check(&input);
        let errors = with_severity(&checked, Severity::Error);
        assert!(
            errors.iter().any(|p| p.path.to_string() == format!("{name}[0]")
                && p.summary.contains(name)
                && p.detail.contains("banana")),
            "{name}:\n{}",
            dump(&checked)
        );
        assert!(checked.args.is_none());
    }
}

#[test]
fn ipv6_block_in_an_ipv4_list_names_the_ipv6_list() {
    for (sets_, input, path, other) in [
        (
            "external",
            FirewallInput {
                ingress_cidr_blocks: list(&["2001:db8::/32"]),
                ..FirewallInput::default()
            },
            "ingress_cidr_blocks[0]",
            "ingress_ipv6_cidr_blocks",
        ),
        (
            "outbound",
            FirewallInput {
                egress_cidr_blocks: list(&["0.0.0.0/0", "::/0"]),
                ..FirewallInput::default()
            },
            "egress_cidr_blocks[1]",
            "egress_ipv6_cidr_blocks",
        ),
    ] {
        let checked = check(&FirewallInput {
            rule_sets: list(&[sets_]),
            ..input
        });
        let error = problem_at(&checked, Severity::Error, path);
        assert!(error.detail.contains("IPv6 block"), "{error:?}");
        assert!(error.detail.contains(other), "{error:?}");
        assert!(checked.args.is_none());
    }
}

#[test]
fn ipv4_block_in_an_ipv6_list_names_the_ipv4_list() {
    for (sets_, input, path, other) in [
        (
            "external",
            FirewallInput {
                ingress_ipv6_cidr_blocks: list(&["10.0.0.0/8"]),
                ..FirewallInput::default()
            },
            "ingress_ipv6_cidr_blocks[0]",
            "ingress_cidr_blocks",
        ),
        (
            "outbound",
            FirewallInput {
                egress_ipv6_cidr_blocks: list(&["0.0.0.0/0"]),
                ..FirewallInput::default()
            },
            "egress_ipv6_cidr_blocks[0]",
            "egress_cidr_blocks",
        ),
    ] {
        let checked = check(&FirewallInput {
            rule_sets: list(&[sets_]),
            ..input
        });
        let error = problem_at(&checked, Severity::Error, path);
        assert!(error.detail.contains("IPv4 block"), "{error:?}");
        assert!(error.detail.contains(&format!("Put it in {other}.")), "{error:?}");
        assert!(checked.args.is_none());
    }
}

#[test]
fn extra_rule_blocks_of_the_wrong_family_name_the_sibling_argument() {
    let checked = check(&extras(vec![ExtraRuleInput {
        cidr_blocks: list(&["2001:db8::/32"]),
        ipv6_cidr_blocks: list(&["10.0.0.0/8"]),
        ..block("ingress", "tcp", Some(1.0), Some(1.0))
    }]));
    let error = problem_at(&checked, Severity::Error, "extra_rule[0].cidr_blocks[0]");
    assert!(error.detail.contains("Put it in ipv6_cidr_blocks."), "{error:?}");
    let error = problem_at(&checked, Severity::Error, "extra_rule[0].ipv6_cidr_blocks[0]");
    assert!(error.detail.contains("Put it in cidr_blocks."), "{error:?}");
    assert!(checked.args.is_none());
}

#[test]
fn host_bits_are_an_error_suggesting_the_network() {
    let checked = check(&FirewallInput {
        egress_cidr_blocks: list(&["10.1.2.3/16"]),
        ..sets(&["outbound"])
    });
    assert_single_error(
        &checked,
        "egress_cidr_blocks[0]",
        &["Invalid CIDR block"],
        &["host bits", "\"10.1.0.0/16\""],
    );
}

#[test]
fn bare_addresses_are_an_error_suggesting_a_host_block() {
    let checked = check(&FirewallInput {
        ssh_cidr_blocks: list(&["10.0.0.0/8", "192.0.2.7"]),
        ..sets(&["ssh"])
    });
    assert_single_error(
        &checked,
        "ssh_cidr_blocks[1]",
        &["Invalid CIDR block in ssh_cidr_blocks"],
        &["address, not a CIDR block", "\"192.0.2.7/32\""],
    );

    let checked = check(&FirewallInput {
        ingress_ipv6_cidr_blocks: list(&["2001:db8::1"]),
        ..sets(&["external"])
    });
    assert_single_error(
        &checked,
        "ingress_ipv6_cidr_blocks[0]",
        &["Invalid CIDR block"],
        &["\"2001:db8::1/128\""],
    );
}

#[test]
fn null_cidr_element_is_an_error() {
    let checked = check(&FirewallInput {
        ingress_cidr_blocks: Maybe::Known(vec![text("10.0.0.0/8"), Maybe::Absent]),
        ..sets(&["external"])
    });
    assert_single_error(
        &checked,
        "ingress_cidr_blocks[1]",
        &["Null element in ingress_cidr_blocks"],
        &["must have a value"],
    );
}

#[test]
fn every_bad_element_of_a_list_is_reported() {
    let checked = check(&FirewallInput {
        ingress_cidr_blocks: list(&["x", "10.0.0.0/8", "y"]),
        ..sets(&["external"])
    });
    let paths: Vec<String> = with_severity(&checked, Severity::Error)
        .iter()
        .map(|p| p.path.to_string())
        .collect();
    assert_eq!(
        paths,
        ["ingress_cidr_blocks[0]", "ingress_cidr_blocks[2]"],
        "{}",
        dump(&checked)
    );
}
