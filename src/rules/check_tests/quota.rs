//! check tests: check_quota.

use super::*;

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
