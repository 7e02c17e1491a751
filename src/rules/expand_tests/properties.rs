//! expand tests: Property tests.

use super::*;

// ---------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------

/// Which argument supplies a row's peers (transcribed independently of
/// `catalog::PeerSource`).
#[derive(Clone, Copy, Debug)]
enum Src {
    In,
    Out,
    SshBlocks,
    Nodes,
}

/// The rule-set table (the firewall document's, as the README and the
/// provider docs list it), row by row: (set, direction, protocol, from, to, peers,
/// service).
const TABLE: &[(RuleSetName, Direction, Protocol, i32, i32, Src, &str)] = &[
    (External, Ingress, Tcp, 80, 80, Src::In, "HTTP"),
    (External, Ingress, Tcp, 443, 443, Src::In, "HTTPS"),
    (External, Ingress, Tcp, 1883, 1883, Src::In, "MQTT"),
    (External, Ingress, Tcp, 8883, 8883, Src::In, "MQTT/TLS"),
    (Outbound, Egress, Tcp, 80, 80, Src::Out, "HTTP"),
    (Outbound, Egress, Tcp, 443, 443, Src::Out, "HTTPS"),
    (Outbound, Egress, Tcp, 25, 25, Src::Out, "SMTP"),
    (Dns, Egress, Udp, 53, 53, Src::Out, "DNS"),
    (Ntp, Egress, Udp, 123, 123, Src::Out, "NTP"),
    (Opcua, Ingress, Tcp, 6670, 6670, Src::In, "opcua agent"),
    (Opcua, Egress, Tcp, 80, 80, Src::Out, "opcua agent"),
    (
        SmartruleApama,
        Ingress,
        Tcp,
        8334,
        8334,
        Src::In,
        "Smartrule-apama agent",
    ),
    (SmartruleApama, Egress, Tcp, 80, 80, Src::Out, "Smartrule-apama agent"),
    (
        Ssh,
        Ingress,
        Tcp,
        22,
        22,
        Src::SshBlocks,
        "SSH (for management purposes)",
    ),
    (
        Internal,
        Ingress,
        All,
        -1,
        -1,
        Src::Nodes,
        "All traffic in between Cumulocity",
    ),
    (
        Internal,
        Egress,
        All,
        -1,
        -1,
        Src::Nodes,
        "All traffic in between Cumulocity",
    ),
];

fn table_peers(args: &FirewallArgs, src: Src) -> Vec<Peer> {
    match src {
        Src::In => args
            .ingress_cidr_blocks
            .iter()
            .map(|n| Peer::Ipv4(*n))
            .chain(args.ingress_ipv6_cidr_blocks.iter().map(|n| Peer::Ipv6(*n)))
            .collect(),
        Src::Out => args
            .egress_cidr_blocks
            .iter()
            .map(|n| Peer::Ipv4(*n))
            .chain(args.egress_ipv6_cidr_blocks.iter().map(|n| Peer::Ipv6(*n)))
            .collect(),
        Src::SshBlocks => args
            .ssh_cidr_blocks
            .iter()
            .map(|n| match n {
                IpNet::V4(n) => Peer::Ipv4(*n),
                IpNet::V6(n) => Peer::Ipv6(*n),
            })
            .collect(),
        Src::Nodes => args
            .node_security_group_ids
            .iter()
            .map(|id| Peer::SecurityGroup(id.clone()))
            .chain([Peer::SelfGroup])
            .collect(),
    }
}

fn extra_rule_peers(extra: &ExtraRule) -> Vec<Peer> {
    let mut peers: Vec<Peer> = extra.cidr_blocks.iter().map(|n| Peer::Ipv4(*n)).collect();
    peers.extend(extra.ipv6_cidr_blocks.iter().map(|n| Peer::Ipv6(*n)));
    peers.extend(
        extra
            .security_group_ids
            .iter()
            .map(|id| Peer::SecurityGroup(id.clone())),
    );
    if extra.self_ {
        peers.push(Peer::SelfGroup);
    }
    peers
}

fn extra_key(extra: &ExtraRule, peer: Peer) -> RuleKey {
    RuleKey {
        direction: extra.direction,
        protocol: extra.protocol,
        from_port: extra.from_port,
        to_port: extra.to_port,
        peer,
    }
}

/// What the oracle expects of one key.
#[derive(Debug, Default)]
struct Expected {
    sets: BTreeSet<RuleSetName>,
    /// Documented services, in set order then table order, each once.
    services: Vec<&'static str>,
    /// The descriptions of the extra rules that ask for this key.
    extra_descriptions: BTreeSet<Option<String>>,
}

fn oracle(args: &FirewallArgs) -> BTreeMap<RuleKey, Expected> {
    let mut expected: BTreeMap<RuleKey, Expected> = BTreeMap::new();
    for &set in &args.rule_sets {
        for &(row_set, direction, protocol, from, to, src, service) in TABLE {
            if row_set != set {
                continue;
            }
            for peer in table_peers(args, src) {
                let e = expected
                    .entry(RuleKey {
                        direction,
                        protocol,
                        from_port: from,
                        to_port: to,
                        peer,
                    })
                    .or_default();
                e.sets.insert(set);
                if !e.services.contains(&service) {
                    e.services.push(service);
                }
            }
        }
    }
    for extra in &args.extra_rules {
        for peer in extra_rule_peers(extra) {
            expected
                .entry(extra_key(extra, peer))
                .or_default()
                .extra_descriptions
                .insert(extra.description.clone());
        }
    }
    expected
}

/// The same arguments with every list (and every extra rule's lists)
/// shuffled.
fn shuffled(args: FirewallArgs) -> impl Strategy<Value = FirewallArgs> {
    let extras = args
        .extra_rules
        .iter()
        .map(|e| {
            let e = e.clone();
            (
                Just(e.cidr_blocks.clone()).prop_shuffle(),
                Just(e.ipv6_cidr_blocks.clone()).prop_shuffle(),
                Just(e.security_group_ids.clone()).prop_shuffle(),
            )
                .prop_map(move |(cidr_blocks, ipv6_cidr_blocks, security_group_ids)| ExtraRule {
                    cidr_blocks,
                    ipv6_cidr_blocks,
                    security_group_ids,
                    ..e.clone()
                })
        })
        .collect::<Vec<_>>();
    (
        Just(args.ingress_cidr_blocks.clone()).prop_shuffle(),
        Just(args.ingress_ipv6_cidr_blocks.clone()).prop_shuffle(),
        Just(args.egress_cidr_blocks.clone()).prop_shuffle(),
        Just(args.egress_ipv6_cidr_blocks.clone()).prop_shuffle(),
        Just(args.ssh_cidr_blocks.clone()).prop_shuffle(),
        Just(args.node_security_group_ids.clone()).prop_shuffle(),
        extras.prop_shuffle(),
    )
        .prop_map(move |(in4, in6, out4, out6, ssh, nodes, extras)| FirewallArgs {
            rule_sets: args.rule_sets.clone(),
            ingress_cidr_blocks: in4,
            ingress_ipv6_cidr_blocks: in6,
            egress_cidr_blocks: out4,
            egress_ipv6_cidr_blocks: out6,
            ssh_cidr_blocks: ssh,
            node_security_group_ids: nodes,
            extra_rules: extras,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The output is exactly what an independent reading of the table says:
    /// sorted, each key once, every documented rule for each of its peers,
    /// with the right sets and descriptions, and the right count per
    /// direction.
    #[test]
    fn expand_matches_the_table(args in firewall_args()) {
        let rules = expand(&args);
        let expected = oracle(&args);

        for pair in rules.windows(2) {
            prop_assert!(pair[0].key < pair[1].key, "{} then {}", pair[0].key, pair[1].key);
        }
        let distinct: HashSet<&RuleKey> = rules.iter().map(|r| &r.key).collect();
        prop_assert_eq!(distinct.len(), rules.len());

        prop_assert_eq!(
            rules.iter().map(|r| r.key.clone()).collect::<Vec<_>>(),
            expected.keys().cloned().collect::<Vec<_>>()
        );
        for direction in [Ingress, Egress] {
            let n = expected.keys().filter(|k| k.direction == direction).count();
            prop_assert_eq!(count(&rules, direction), n);
        }

        // Every documented rule of every chosen set, for each of its peers.
        let by_key: BTreeMap<&RuleKey, &Rule> = rules.iter().map(|r| (&r.key, r)).collect();
        for &set in &args.rule_sets {
            for &(row_set, direction, protocol, from, to, src, service) in TABLE {
                if row_set != set {
                    continue;
                }
                for peer in table_peers(&args, src) {
                    let key = RuleKey { direction, protocol, from_port: from, to_port: to, peer };
                    let found = by_key.get(&key);
                    prop_assert!(found.is_some(), "missing {} of {}", key, set);
                    let found = found.unwrap();
                    prop_assert!(found.rule_sets.contains(&set));
                    let description = found.description.as_deref().unwrap_or("");
                    prop_assert!(
                        description.split(", ").any(|d| d == service),
                        "{}: {:?} lacks {:?}", key, description, service
                    );
                }
            }
        }

        for rule in &rules {
            let e = &expected[&rule.key];
            prop_assert_eq!(&rule.rule_sets, &e.sets, "{}", rule.key);
            if !e.services.is_empty() {
                // Documented rules win over any extra rule with the same key.
                prop_assert_eq!(rule.description.clone(), Some(e.services.join(", ")));
            } else {
                prop_assert!(
                    e.extra_descriptions.contains(&rule.description),
                    "{}: {:?}", rule.key, rule.description
                );
                if e.extra_descriptions.len() == 1 {
                    prop_assert_eq!(
                        &rule.description,
                        e.extra_descriptions.iter().next().unwrap()
                    );
                }
            }
        }
    }

    /// Shuffling every input list does not change the output. The one
    /// order-dependence allowed is which description wins when two extra
    /// rules with different descriptions repeat a key (`check` rejects that).
    #[test]
    fn expand_ignores_input_order(
        (args, shuffled) in firewall_args().prop_flat_map(|a| (Just(a.clone()), shuffled(a)))
    ) {
        let original = expand(&args);
        let reordered = expand(&shuffled);
        let conflicting = oracle(&args)
            .values()
            .any(|e| e.services.is_empty() && e.extra_descriptions.len() > 1);
        if conflicting {
            let strip = |rules: &[Rule]| -> Vec<(RuleKey, BTreeSet<RuleSetName>)> {
                rules.iter().map(|r| (r.key.clone(), r.rule_sets.clone())).collect()
            };
            prop_assert_eq!(strip(&original), strip(&reordered));
        } else {
            prop_assert_eq!(original, reordered);
        }
    }

    /// Expansion is a function: the same arguments, the same rules.
    #[test]
    fn expand_is_deterministic(args in firewall_args()) {
        prop_assert_eq!(expand(&args), expand(&args.clone()));
    }
}

#[test]
fn prefix_list_peers_sort_between_ipv6_blocks_and_groups() {
    let args = FirewallArgs {
        extra_rules: vec![ExtraRule {
            direction: Direction::Egress,
            protocol: Protocol::Tcp,
            from_port: 443,
            to_port: 443,
            cidr_blocks: Vec::new(),
            ipv6_cidr_blocks: vec!["::/0".parse().unwrap()],
            security_group_ids: vec!["sg-0123456789abcdef0".to_string()],
            prefix_list_ids: vec!["pl-0123456789abcdef0".to_string()],
            self_: false,
            description: None,
        }],
        ..FirewallArgs::default()
    };
    let peers: Vec<Peer> = expand(&args).into_iter().map(|r| r.key.peer).collect();
    assert_eq!(
        peers,
        vec![
            Peer::Ipv6("::/0".parse().unwrap()),
            Peer::PrefixList("pl-0123456789abcdef0".to_string()),
            Peer::SecurityGroup("sg-0123456789abcdef0".to_string()),
        ]
    );
}
