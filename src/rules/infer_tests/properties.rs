//! infer tests: Properties.

use super::*;

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

const PORTS: [i32; 11] = [22, 25, 53, 80, 123, 443, 1883, 5432, 6670, 8334, 8883];

const PEERS: [&str; 10] = [
    "0.0.0.0/0",
    "10.0.0.0/8",
    "192.168.0.0/16",
    "::/0",
    "2001:db8::/32",
    SG_A,
    SG_B,
    "self",
    PL_A,
    "pl-0123456789abcdef0",
];

fn description() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some(String::new())),
        prop::sample::select(vec![
            "HTTP",
            "HTTPS",
            "MQTT",
            "MQTT/TLS",
            "SMTP",
            "DNS",
            "NTP",
            "opcua agent",
            "HTTP, opcua agent",
            "All traffic in between Cumulocity",
            "SSH (for management purposes)",
            "Allow MQTT from anywhere",
        ])
        .prop_map(|d| Some(d.to_string())),
        "[A-Za-z0-9./:#-][A-Za-z0-9 ./:#-]{0,15}".prop_map(Some),
    ]
}

fn protocol_and_ports() -> impl Strategy<Value = (Protocol, i32, i32)> {
    let port = || prop_oneof![4 => prop::sample::select(PORTS.to_vec()), 1 => 0i32..=65535];
    prop_oneof![
        6 => (prop::sample::select(vec![Tcp, Udp]), port()).prop_map(|(p, n)| (p, n, n)),
        1 => (prop::sample::select(vec![Tcp, Udp]), port(), port()).prop_map(|(p, a, b)| (p, a.min(b), a.max(b))),
        1 => (prop::sample::select(vec![Icmp, Icmpv6]), -1i32..=255, -1i32..=255)
            .prop_map(|(p, t, c)| (p, t, if t == -1 { -1 } else { c })),
        2 => Just((All, -1, -1)),
        1 => prop::sample::select(vec![0u8, 4, 47, 50, 51, 132, 255]).prop_map(|n| (Protocol::Number(n), -1, -1)),
    ]
}

/// A rule AWS could hold: ICMP only with peers of its own family.
fn any_held_rule() -> impl Strategy<Value = Rule> {
    (
        prop::sample::select(vec![Ingress, Egress]),
        protocol_and_ports(),
        prop::sample::select(PEERS.to_vec()),
        description(),
    )
        .prop_map(|(direction, (protocol, from_port, to_port), peer_text, description)| {
            let peer = peer(peer_text);
            let protocol = match (protocol, &peer) {
                (Icmp, Peer::Ipv6(_)) => Icmpv6,
                (Icmpv6, Peer::Ipv4(_)) => Icmp,
                (p, _) => p,
            };
            Rule {
                key: RuleKey {
                    direction,
                    protocol,
                    from_port,
                    to_port,
                    peer,
                },
                description,
                rule_sets: BTreeSet::new(),
            }
        })
}

/// Keeps the first rule of each key, as AWS holds each key once.
fn unique(rules: Vec<Rule>) -> Vec<Rule> {
    let mut seen = BTreeSet::new();
    rules.into_iter().filter(|r| seen.insert(r.key.clone())).collect()
}

/// A group's rules: documented rule sets (some of their rules missing,
/// descriptions changed) mixed with arbitrary rules, in any order.
fn any_group() -> impl Strategy<Value = Vec<Rule>> {
    (
        firewall_args(),
        prop::collection::vec((any::<u8>(), 0u8..4, description()), 128),
        prop::collection::vec(any_held_rule(), 0..24),
    )
        .prop_map(|(args, knobs, extra)| {
            let mut rules = Vec::new();
            for (i, mut rule) in expand(&args).into_iter().enumerate() {
                let (drop, how, other) = &knobs[i % knobs.len()];
                if *drop < 24 {
                    continue;
                }
                rule.rule_sets.clear();
                match how {
                    0 => {}
                    1 => rule.description = None,
                    _ => rule.description = other.clone(),
                }
                rules.push(rule);
            }
            // The arbitrary rules first, so they sometimes win a key.
            unique(extra.into_iter().chain(rules).collect())
        })
        .prop_flat_map(|rules| Just(rules).prop_shuffle())
}

/// The documented rules that the rule sets of `args` create, counting only
/// sets all of whose peer arguments are non-empty (others are refused by
/// `check`, or create part of a set).
fn documented_effective(args: &FirewallArgs) -> Vec<Rule> {
    let has_blocks = |v4: &[Ipv4Net], v6: &[Ipv6Net]| !(v4.is_empty() && v6.is_empty());
    let ingress = has_blocks(&args.ingress_cidr_blocks, &args.ingress_ipv6_cidr_blocks);
    let egress = has_blocks(&args.egress_cidr_blocks, &args.egress_ipv6_cidr_blocks);
    let effective = args
        .rule_sets
        .iter()
        .copied()
        .filter(|set| {
            set.rules().iter().all(|r| match r.peers {
                crate::rules::PeerSource::IngressBlocks => ingress,
                crate::rules::PeerSource::EgressBlocks => egress,
                crate::rules::PeerSource::SshBlocks => !args.ssh_cidr_blocks.is_empty(),
                crate::rules::PeerSource::Nodes => true,
            })
        })
        .collect();
    expand(&FirewallArgs {
        rule_sets: effective,
        extra_rules: Vec::new(),
        ..args.clone()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The core property: whatever a group holds, the inferred arguments
    /// stand for exactly its rules, and the configuration is valid.
    #[test]
    fn inference_is_sound(group in any_group()) {
        let inferred = infer(&group);
        if let Err(message) = soundness(&group, &inferred) {
            prop_assert!(false, "{}", message);
        }
    }

    /// Arbitrary rules alone (few documented sets complete by chance).
    #[test]
    fn inference_is_sound_for_arbitrary_rules(
        group in prop::collection::vec(any_held_rule(), 0..40).prop_map(unique)
    ) {
        let inferred = infer(&group);
        if let Err(message) = soundness(&group, &inferred) {
            prop_assert!(false, "{}", message);
        }
    }

    /// Inference depends on the rules, not on the order they are read in.
    #[test]
    fn inference_ignores_order(
        (group, shuffled) in any_group().prop_flat_map(|g| (Just(g.clone()), Just(g).prop_shuffle()))
    ) {
        prop_assert_eq!(infer(&group), infer(&shuffled));
    }

    /// A group made from arguments is recognised at least as well as those
    /// arguments: as many documented rules claimed, and ssh and internal
    /// with at least their blocks and nodes.
    #[test]
    fn inference_claims_at_least_what_the_arguments_documented(args in firewall_args()) {
        let group: Vec<Rule> = expand(&args)
            .into_iter()
            .map(|r| Rule { rule_sets: BTreeSet::new(), ..r })
            .collect();
        let inferred = infer(&group);
        if let Err(message) = soundness(&group, &inferred) {
            prop_assert!(false, "{}", message);
        }
        let original = documented_effective(&args);
        let claimed: Vec<Rule> = expand(&inferred.args).into_iter().filter(|r| !r.rule_sets.is_empty()).collect();
        prop_assert!(
            claimed.len() >= original.len(),
            "claimed {} rules, the arguments documented {}:\n{:#?}\n{:#?}",
            claimed.len(), original.len(), args, inferred.args
        );
        let claimed_keys: BTreeSet<&RuleKey> = claimed.iter().map(|r| &r.key).collect();
        for rule in &original {
            let by_own_argument = rule.rule_sets.contains(&Ssh) || rule.rule_sets.contains(&Internal);
            if by_own_argument {
                prop_assert!(claimed_keys.contains(&rule.key), "{} not claimed", rule.key);
            }
        }
        // Arguments `check` would accept, without extra rules, come back as
        // they were, descriptions and all.
        let all_effective = original.len() == expand(&FirewallArgs { extra_rules: Vec::new(), ..args.clone() }).len()
            && args.rule_sets.iter().all(|set| original.iter().any(|r| r.rule_sets.contains(set)));
        if args.extra_rules.is_empty() && all_effective {
            prop_assert_eq!(&inferred.args.rule_sets, &args.rule_sets);
            prop_assert!(inferred.catalog_descriptions, "catalogue descriptions not recognised:\n{:#?}", inferred);
        }
    }

    /// Never a panic, whatever the keys (ports AWS would not report, named
    /// protocols by number, repeated keys).
    #[test]
    fn inference_is_total(
        group in prop::collection::vec(
            (
                prop::sample::select(vec![Ingress, Egress]),
                any::<u8>().prop_map(Protocol::Number),
                any::<i32>(),
                any::<i32>(),
                prop::sample::select(PEERS.to_vec()),
                prop::option::of(".{0,8}"),
            ),
            0..30,
        )
    ) {
        let rules: Vec<Rule> = group
            .into_iter()
            .map(|(direction, protocol, from_port, to_port, peer_text, description)| Rule {
                key: RuleKey { direction, protocol, from_port, to_port, peer: peer(peer_text) },
                description,
                rule_sets: BTreeSet::new(),
            })
            .collect();
        let inferred = infer(&rules);
        let expanded: BTreeSet<RuleKey> = expand(&inferred.args).into_iter().map(|r| r.key).collect();
        let held: BTreeSet<RuleKey> = rules.into_iter().map(|r| r.key).collect();
        prop_assert_eq!(expanded, held);
    }
}
