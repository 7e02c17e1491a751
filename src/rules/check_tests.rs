//! Unit tests of `check` (validation) and `check_quota`.
//!
//! Each test builds a `FirewallInput` the way the provider layer would from
//! a configuration, and asserts on what a user would see: the severity, the
//! attribute path Terraform underlines, and the words of the message.

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use proptest::prelude::*;

use super::test_support::*;
use super::{
    check, check_quota, expand, Checked, Direction, ExtraRule, ExtraRuleInput, FirewallArgs, FirewallInput, Maybe,
    MaybeList, Problem, Protocol, RuleSetName, Severity, DEFAULT_MAX_RULES_PER_DIRECTION,
};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn list(items: &[&str]) -> MaybeList<String> {
    Maybe::Known(items.iter().map(|s| Maybe::Known(s.to_string())).collect())
}

fn sets(names: &[&str]) -> FirewallInput {
    FirewallInput {
        rule_sets: list(names),
        ..FirewallInput::default()
    }
}

fn text(s: &str) -> Maybe<String> {
    Maybe::Known(s.to_string())
}

/// An `extra_rule` block with direction, protocol and ports set and no peer.
fn block(direction: &str, protocol: &str, from: Option<f64>, to: Option<f64>) -> ExtraRuleInput {
    ExtraRuleInput {
        direction: text(direction),
        protocol: text(protocol),
        from_port: from.map_or(Maybe::Absent, Maybe::Known),
        to_port: to.map_or(Maybe::Absent, Maybe::Known),
        ..ExtraRuleInput::default()
    }
}

/// An ingress TCP `extra_rule` on the given ports from 10.0.0.0/8.
fn tcp_block(from: f64, to: f64) -> ExtraRuleInput {
    ExtraRuleInput {
        cidr_blocks: list(&["10.0.0.0/8"]),
        ..block("ingress", "tcp", Some(from), Some(to))
    }
}

/// Input with only extra rules (no rule sets).
fn extras(blocks: Vec<ExtraRuleInput>) -> FirewallInput {
    FirewallInput {
        rule_sets: list(&[]),
        extra_rules: Maybe::Known(blocks),
        ..FirewallInput::default()
    }
}

/// Sets one list argument of an input.
type SetList = fn(&mut FirewallInput, MaybeList<String>);

/// Changes one value of an input.
type Vary<T> = Box<dyn Fn(&mut T)>;

fn with_severity(checked: &Checked, severity: Severity) -> Vec<&Problem> {
    checked.problems.iter().filter(|p| p.severity == severity).collect()
}

/// Asserts that `check` accepted the input without any problem at all.
fn assert_clean(checked: &Checked) -> &FirewallArgs {
    assert!(checked.problems.is_empty(), "expected no problems:\n{}", dump(checked));
    checked.args.as_ref().expect("args for valid, known input")
}

/// Asserts exactly one error, at `path`, with every word of `summary_words`
/// in its summary and every word of `detail_words` in its detail; and that
/// no args came back.
fn assert_single_error<'a>(
    checked: &'a Checked,
    path: &str,
    summary_words: &[&str],
    detail_words: &[&str],
) -> &'a Problem {
    let errors = with_severity(checked, Severity::Error);
    assert_eq!(errors.len(), 1, "expected one error at {path}:\n{}", dump(checked));
    assert!(checked.args.is_none(), "no args with an error");
    assert_problem(errors[0], path, summary_words, detail_words);
    errors[0]
}

/// Finds the one problem of `severity` at `path`.
fn problem_at<'a>(checked: &'a Checked, severity: Severity, path: &str) -> &'a Problem {
    let found: Vec<&Problem> = checked
        .problems
        .iter()
        .filter(|p| p.severity == severity && p.path.to_string() == path)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one {severity:?} at {path}:\n{}",
        dump(checked)
    );
    found[0]
}

fn assert_problem(problem: &Problem, path: &str, summary_words: &[&str], detail_words: &[&str]) {
    assert_eq!(problem.path.to_string(), path, "{problem:?}");
    for word in summary_words {
        assert!(
            problem.summary.contains(word),
            "summary {:?} lacks {word:?}",
            problem.summary
        );
    }
    for word in detail_words {
        assert!(
            problem.detail.contains(word),
            "detail {:?} lacks {word:?}",
            problem.detail
        );
    }
}

/// Asserts that `check` found nothing wrong but could not finish: some value
/// is unknown.
fn assert_pending(checked: &Checked) {
    assert!(
        with_severity(checked, Severity::Error).is_empty(),
        "no errors expected with unknown values:\n{}",
        dump(checked)
    );
    assert!(checked.args.is_none(), "no args while a value is unknown");
}

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

// ---------------------------------------------------------------------------
// check_quota
// ---------------------------------------------------------------------------

/// `n` distinct IPv4 /24 blocks.
fn v4_blocks(n: usize) -> Vec<Ipv4Net> {
    (0..n)
        .map(|i| Ipv4Net::new([10, 0, i as u8, 0].into(), 24).unwrap())
        .collect()
}

fn v6_blocks(n: usize) -> Vec<Ipv6Net> {
    (0..n)
        .map(|i| Ipv6Net::new([0x2001, 0xdb8, i as u16, 0, 0, 0, 0, 0].into(), 48).unwrap())
        .collect()
}

fn sg_ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("sg-{i:017x}")).collect()
}

fn args_with(sets: &[RuleSetName]) -> FirewallArgs {
    FirewallArgs {
        rule_sets: sets.iter().copied().collect(),
        ..FirewallArgs::default()
    }
}

fn quota(args: &FirewallArgs) -> Vec<Problem> {
    check_quota(&expand(args), DEFAULT_MAX_RULES_PER_DIRECTION)
}

#[test]
fn default_quota_is_60_per_direction() {
    assert_eq!(DEFAULT_MAX_RULES_PER_DIRECTION, 60);
}

#[test]
fn sixty_ipv4_rules_fit_the_default_quota() {
    let args = FirewallArgs {
        ingress_cidr_blocks: v4_blocks(15),
        ..args_with(&[RuleSetName::External])
    };
    assert_eq!(expand(&args).len(), 60);
    assert_eq!(quota(&args), Vec::new());
}

#[test]
fn sixty_four_ipv4_ingress_rules_exceed_the_default_quota() {
    let args = FirewallArgs {
        ingress_cidr_blocks: v4_blocks(16),
        ..args_with(&[RuleSetName::External])
    };
    let problems = quota(&args);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_problem(
        &problems[0],
        "rule_sets",
        &["Too many ingress rules", "IPv4"],
        &[
            "64 ingress rules",
            "at most 60",
            "L-0EA8095F",
            "external: 64",
            "max_rules_per_direction",
        ],
    );
    assert_eq!(problems[0].severity, Severity::Error);
}

#[test]
fn a_raised_quota_lets_more_rules_through() {
    let args = FirewallArgs {
        ingress_cidr_blocks: v4_blocks(16),
        ..args_with(&[RuleSetName::External])
    };
    assert_eq!(check_quota(&expand(&args), 100), Vec::new());
    assert_eq!(check_quota(&expand(&args), 64), Vec::new());
    assert_eq!(check_quota(&expand(&args), 63).len(), 1);
}

#[test]
fn ipv6_rules_count_against_their_own_quota() {
    // 15 IPv4 blocks (60 rules) and 15 IPv6 blocks (60 rules): both fit.
    let fits = FirewallArgs {
        ingress_cidr_blocks: v4_blocks(15),
        ingress_ipv6_cidr_blocks: v6_blocks(15),
        ..args_with(&[RuleSetName::External])
    };
    assert_eq!(expand(&fits).len(), 120);
    assert_eq!(quota(&fits), Vec::new());

    let too_many = FirewallArgs {
        ingress_cidr_blocks: v4_blocks(1),
        ingress_ipv6_cidr_blocks: v6_blocks(16),
        ..args_with(&[RuleSetName::External])
    };
    let problems = quota(&too_many);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_problem(
        &problems[0],
        "rule_sets",
        &["ingress", "IPv6"],
        &["64 ingress rules", "60"],
    );
}

#[test]
fn egress_rules_have_their_own_quota() {
    // outbound + dns + ntp: 5 egress rules per block; 13 blocks = 65.
    let args = FirewallArgs {
        egress_cidr_blocks: v4_blocks(13),
        ingress_cidr_blocks: v4_blocks(15),
        ..args_with(&[
            RuleSetName::External,
            RuleSetName::Outbound,
            RuleSetName::Dns,
            RuleSetName::Ntp,
        ])
    };
    let problems = quota(&args);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_problem(
        &problems[0],
        "rule_sets",
        &["Too many egress rules", "IPv4"],
        &["65 egress rules", "dns: 13", "ntp: 13", "outbound: 39"],
    );
}

#[test]
fn group_rules_count_for_both_families() {
    // internal with 59 node groups: 60 rules each way, in both families.
    let fits = FirewallArgs {
        node_security_group_ids: sg_ids(59),
        ..args_with(&[RuleSetName::Internal])
    };
    assert_eq!(quota(&fits), Vec::new());

    let over = FirewallArgs {
        node_security_group_ids: sg_ids(60),
        ..args_with(&[RuleSetName::Internal])
    };
    let problems = quota(&over);
    let summaries: Vec<&str> = problems.iter().map(|p| p.summary.as_str()).collect();
    assert_eq!(
        summaries,
        [
            "Too many ingress rules for one security group (IPv4)",
            "Too many ingress rules for one security group (IPv6)",
            "Too many egress rules for one security group (IPv4)",
            "Too many egress rules for one security group (IPv6)",
        ]
    );
    for problem in &problems {
        assert!(problem.detail.contains("61"), "{problem:?}");
        assert!(problem.detail.contains("internal: 61"), "{problem:?}");
    }
}

#[test]
fn group_rules_tip_one_family_over_but_not_the_other() {
    // 14 IPv4 blocks × 4 external ports = 56, plus self and 4 node groups
    // (5 internal rules) = 61 IPv4 ingress rules; IPv6 ingress holds only
    // the 5 group rules.
    let args = FirewallArgs {
        ingress_cidr_blocks: v4_blocks(14),
        node_security_group_ids: sg_ids(4),
        ..args_with(&[RuleSetName::External, RuleSetName::Internal])
    };
    let problems = quota(&args);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_problem(
        &problems[0],
        "rule_sets",
        &["ingress", "IPv4"],
        &["61 ingress rules", "external: 56", "internal: 5"],
    );
}

#[test]
fn extra_rules_count_and_are_named_in_the_breakdown() {
    let args = FirewallArgs {
        ingress_cidr_blocks: v4_blocks(15),
        extra_rules: vec![ExtraRule {
            direction: Direction::Ingress,
            protocol: Protocol::Tcp,
            from_port: 9000,
            to_port: 9000,
            cidr_blocks: v4_blocks(1),
            ipv6_cidr_blocks: Vec::new(),
            security_group_ids: Vec::new(),
            prefix_list_ids: Vec::new(),
            self_: false,
            description: None,
        }],
        ..args_with(&[RuleSetName::External])
    };
    let problems = quota(&args);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_problem(
        &problems[0],
        "rule_sets",
        &["ingress", "IPv4"],
        &["61 ingress rules", "extra_rule: 1", "external: 60"],
    );
}

// ---------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------

fn maybe<T: std::fmt::Debug + Clone + 'static>(value: impl Strategy<Value = T> + 'static) -> BoxedStrategy<Maybe<T>> {
    prop_oneof![
        1 => Just(Maybe::Absent),
        1 => Just(Maybe::Unknown),
        6 => value.prop_map(Maybe::Known),
    ]
    .boxed()
}

/// Arbitrary text, biased towards values that get past the first parser.
fn any_text() -> BoxedStrategy<String> {
    prop_oneof![
        any::<String>(),
        prop::sample::select(vec![
            "external",
            "ssh",
            "internal",
            "smartrule_apama",
            "0.0.0.0/0",
            "::/0",
            "10.0.0.0/8",
            "10.1.2.3/16",
            "2001:db8::1",
            "sg-0123456789abcdef0",
            "tcp",
            "udp",
            "icmp",
            "icmpv6",
            "all",
            "ingress",
            "egress",
            "",
        ])
        .prop_map(str::to_string),
    ]
    .boxed()
}

fn any_number() -> BoxedStrategy<f64> {
    prop_oneof![
        any::<f64>(),
        -2.0f64..70000.0,
        (-2i32..70000).prop_map(f64::from),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(-0.0),
    ]
    .boxed()
}

fn any_list() -> BoxedStrategy<MaybeList<String>> {
    maybe(prop::collection::vec(maybe(any_text()), 0..4))
}

fn any_extra_rule() -> impl Strategy<Value = ExtraRuleInput> {
    (
        maybe(any_text()),
        maybe(any_text()),
        maybe(any_number()),
        maybe(any_number()),
        any_list(),
        any_list(),
        any_list(),
        maybe(any::<bool>()),
        maybe(any_text()),
    )
        .prop_map(
            |(direction, protocol, from_port, to_port, cidr, cidr6, groups, self_, description)| ExtraRuleInput {
                direction,
                protocol,
                from_port,
                to_port,
                cidr_blocks: cidr,
                ipv6_cidr_blocks: cidr6,
                security_group_ids: groups,
                prefix_list_ids: Maybe::Absent,
                self_,
                description,
            },
        )
}

fn any_input() -> impl Strategy<Value = FirewallInput> {
    (
        any_list(),
        any_list(),
        any_list(),
        any_list(),
        any_list(),
        any_list(),
        any_list(),
        maybe(prop::collection::vec(any_extra_rule(), 0..3)),
    )
        .prop_map(
            |(rule_sets, in4, in6, out4, out6, ssh, nodes, extra_rules)| FirewallInput {
                rule_sets,
                ingress_cidr_blocks: in4,
                ingress_ipv6_cidr_blocks: in6,
                egress_cidr_blocks: out4,
                egress_ipv6_cidr_blocks: out6,
                ssh_cidr_blocks: ssh,
                node_security_group_ids: nodes,
                extra_rules,
            },
        )
}

fn strings<T: ToString>(items: &[T]) -> MaybeList<String> {
    Maybe::Known(items.iter().map(|i| Maybe::Known(i.to_string())).collect())
}

/// Arguments as a configuration would give them, every list explicit.
fn render(args: &FirewallArgs) -> FirewallInput {
    let port = |protocol: Protocol, n: i32| {
        if protocol == Protocol::All {
            Maybe::Absent
        } else {
            Maybe::Known(f64::from(n))
        }
    };
    FirewallInput {
        rule_sets: strings(&args.rule_sets.iter().collect::<Vec<_>>()),
        ingress_cidr_blocks: strings(&args.ingress_cidr_blocks),
        ingress_ipv6_cidr_blocks: strings(&args.ingress_ipv6_cidr_blocks),
        egress_cidr_blocks: strings(&args.egress_cidr_blocks),
        egress_ipv6_cidr_blocks: strings(&args.egress_ipv6_cidr_blocks),
        ssh_cidr_blocks: strings(&args.ssh_cidr_blocks),
        node_security_group_ids: strings(&args.node_security_group_ids),
        extra_rules: Maybe::Known(
            args.extra_rules
                .iter()
                .map(|e| ExtraRuleInput {
                    direction: Maybe::Known(e.direction.to_string()),
                    protocol: Maybe::Known(e.protocol.to_string()),
                    from_port: port(e.protocol, e.from_port),
                    to_port: port(e.protocol, e.to_port),
                    cidr_blocks: strings(&e.cidr_blocks),
                    ipv6_cidr_blocks: strings(&e.ipv6_cidr_blocks),
                    security_group_ids: strings(&e.security_group_ids),
                    prefix_list_ids: strings(&e.prefix_list_ids),
                    self_: Maybe::Known(e.self_),
                    description: e.description.clone().map_or(Maybe::Absent, Maybe::Known),
                })
                .collect(),
        ),
    }
}

const TOP_LEVEL: &[&str] = &[
    "rule_sets",
    "ingress_cidr_blocks",
    "ingress_ipv6_cidr_blocks",
    "egress_cidr_blocks",
    "egress_ipv6_cidr_blocks",
    "ssh_cidr_blocks",
    "node_security_group_ids",
    "extra_rule",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// `check` is total: any strings and numbers in any field give problems,
    /// never a panic; and its result is consistent.
    #[test]
    fn check_never_panics_and_is_consistent(input in any_input()) {
        let checked = check(&input);
        let has_error = checked.problems.iter().any(|p| p.severity == Severity::Error);
        if has_error {
            prop_assert!(checked.args.is_none());
        }
        for problem in &checked.problems {
            let path = problem.path.to_string();
            prop_assert!(
                TOP_LEVEL.iter().any(|top| path.starts_with(top)),
                "unexpected path {}", path
            );
            prop_assert!(!problem.summary.is_empty());
            prop_assert!(!problem.detail.is_empty());
        }
        if let Some(args) = &checked.args {
            // Nothing known is dropped on the way.
            let len = |l: &MaybeList<String>| l.known().map(Vec::len);
            for (given, kept) in [
                (len(&input.ingress_cidr_blocks), args.ingress_cidr_blocks.len()),
                (len(&input.ingress_ipv6_cidr_blocks), args.ingress_ipv6_cidr_blocks.len()),
                (len(&input.egress_cidr_blocks), args.egress_cidr_blocks.len()),
                (len(&input.egress_ipv6_cidr_blocks), args.egress_ipv6_cidr_blocks.len()),
                (len(&input.ssh_cidr_blocks), args.ssh_cidr_blocks.len()),
                (len(&input.node_security_group_ids), args.node_security_group_ids.len()),
            ] {
                if let Some(given) = given {
                    prop_assert_eq!(given, kept);
                }
            }
            prop_assert_eq!(
                input.extra_rules.known().map_or(0, Vec::len),
                args.extra_rules.len()
            );
            // Accepted arguments expand, and the quota check runs on them.
            let rules = expand(args);
            let _ = check_quota(&rules, DEFAULT_MAX_RULES_PER_DIRECTION);
            // Accepted extra rules never repeat a rule.
            let extra_keys: usize = args
                .extra_rules
                .iter()
                .map(|e| e.cidr_blocks.len() + e.ipv6_cidr_blocks.len()
                    + e.security_group_ids.len() + usize::from(e.self_))
                .sum();
            prop_assert_eq!(rules.iter().filter(|r| r.rule_sets.is_empty()).count(), extra_keys);
        }
    }

    /// Valid arguments written out as configuration come back unchanged
    /// from `check`, unless a cross-argument rule rejects them; values that
    /// are each valid never draw an error about one value.
    #[test]
    fn valid_arguments_round_trip(args in firewall_args()) {
        let checked = check(&render(&args));
        let errors: Vec<&Problem> = checked
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .collect();
        if errors.is_empty() {
            prop_assert_eq!(checked.args.as_ref(), Some(&args));
        } else {
            prop_assert!(checked.args.is_none());
            for error in errors {
                let path = error.path.to_string();
                let cross_argument = matches!(
                    path.as_str(),
                    "rule_sets" | "ssh_cidr_blocks" | "ingress_cidr_blocks" | "egress_cidr_blocks"
                ) || (path.starts_with("extra_rule[") && path.ends_with(']'));
                prop_assert!(cross_argument, "{:?}", error);
            }
        }
    }

    /// Replacing any value with Unknown never adds an error.
    #[test]
    fn unknown_never_adds_errors(input in any_input(), which in 0usize..8) {
        let before = check(&input)
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count();
        let mut unknown = input.clone();
        match which {
            0 => unknown.rule_sets = Maybe::Unknown,
            1 => unknown.ingress_cidr_blocks = Maybe::Unknown,
            2 => unknown.ingress_ipv6_cidr_blocks = Maybe::Unknown,
            3 => unknown.egress_cidr_blocks = Maybe::Unknown,
            4 => unknown.egress_ipv6_cidr_blocks = Maybe::Unknown,
            5 => unknown.ssh_cidr_blocks = Maybe::Unknown,
            6 => unknown.node_security_group_ids = Maybe::Unknown,
            _ => unknown.extra_rules = Maybe::Unknown,
        }
        let checked = check(&unknown);
        let after = checked.problems.iter().filter(|p| p.severity == Severity::Error).count();
        prop_assert!(after <= before, "{} errors became {}", before, after);
        prop_assert!(checked.args.is_none());
    }
}

#[test]
fn an_empty_description_is_no_description() {
    // AWS reads "" back as no description; the two must not differ.
    let checked = check(&extras(vec![ExtraRuleInput {
        description: text(""),
        ..tcp_block(8443.0, 8443.0)
    }]));
    assert_eq!(assert_clean(&checked).extra_rules[0].description, None);
}

#[test]
fn a_peer_listed_twice_in_one_block_is_named_as_such() {
    let checked = check(&extras(vec![ExtraRuleInput {
        cidr_blocks: list(&["10.0.0.0/8", "10.0.0.0/8"]),
        ..tcp_block(8443.0, 8443.0)
    }]));
    assert_single_error(
        &checked,
        "extra_rule[0]",
        &["lists a peer twice"],
        &["appears twice in this block"],
    );
}

#[test]
fn prefix_lists_are_peers_and_their_ids_are_checked() {
    let checked = check(&extras(vec![ExtraRuleInput {
        cidr_blocks: Maybe::Absent,
        prefix_list_ids: list(&["pl-0123456789abcdef0"]),
        ..tcp_block(443.0, 443.0)
    }]));
    assert_eq!(
        assert_clean(&checked).extra_rules[0].prefix_list_ids,
        vec!["pl-0123456789abcdef0"]
    );

    let checked = check(&extras(vec![ExtraRuleInput {
        cidr_blocks: Maybe::Absent,
        prefix_list_ids: list(&["pl-zz"]),
        ..tcp_block(443.0, 443.0)
    }]));
    assert_single_error(
        &checked,
        "extra_rule[0].prefix_list_ids[0]",
        &["Invalid prefix list id"],
        &["pl-0123456789abcdef0"],
    );
}
