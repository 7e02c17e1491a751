//! check tests: Property tests.

use super::*;

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
                crate::rules::arg_names::RULE_ARGUMENTS.iter().any(|top| path.starts_with(top)),
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
