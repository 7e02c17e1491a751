//! Property: any group hashicorp/aws can hold moves to a firewall that
//! plans exactly its rules (`moves_tests.rs` holds the examples).

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;
use crate::rules::{Direction, Peer, Protocol, RuleKey};

const PEERS: [&str; 8] = [
    "0.0.0.0/0",
    "10.0.0.0/16",
    "::/0",
    "2001:db8::/32",
    PL,
    NODE,
    ID,
    "self",
];

/// One inline object as hashicorp/aws writes it: a protocol by name or
/// number, ports as the source writes them (0 for "all"), at least one
/// peer, ICMP only with its own family, a description or "".
fn object() -> impl Strategy<Value = Json> {
    let port = prop_oneof![
        prop::sample::select(vec![22i64, 25, 53, 80, 123, 443, 1883, 6670, 8334, 8883]),
        0i64..=65535
    ];
    let protocol_and_ports = prop_oneof![
        (prop::sample::select(vec!["tcp", "udp", "6", "17"]), port.clone(), port).prop_map(|(p, a, b)| (
            p,
            a.min(b),
            a.max(b)
        )),
        (
            prop::sample::select(vec!["icmp", "1", "icmpv6", "58"]),
            -1i64..=255,
            -1i64..=255
        )
            .prop_map(|(p, t, c)| (p, t, if t == -1 { -1 } else { c })),
        prop::sample::select(vec!["-1", "50"]).prop_map(|p| (p, 0, 0)),
    ];
    (
        protocol_and_ports,
        prop::sample::subsequence(PEERS.to_vec(), 1..=4),
        prop_oneof![Just(String::new()), "[A-Za-z0-9 ._:/-]{1,20}"],
    )
        .prop_filter_map(
            "ICMP with its own family only",
            |((protocol, from, to), peers, description)| {
                let family: fn(&str) -> bool = match protocol {
                    "icmp" | "1" => |p| !p.contains(':'),
                    "icmpv6" | "58" => |p| !p.contains('.'),
                    _ => |_| true,
                };
                let peers: Vec<&str> = peers.into_iter().filter(|p| family(p)).collect();
                (!peers.is_empty()).then(|| rule(protocol, (from, to), &peers, &description))
            },
        )
}

/// The AWS rules an object stands for, worked out here independently
/// of `moves`: one per peer, ports -1 where the protocol has none.
fn rules_of(direction: Direction, object: &Json) -> Vec<RuleKey> {
    let protocol = match object["protocol"].as_str().unwrap() {
        "tcp" | "6" => Protocol::Tcp,
        "udp" | "17" => Protocol::Udp,
        "icmp" | "1" => Protocol::Icmp,
        "icmpv6" | "58" => Protocol::Icmpv6,
        "-1" => Protocol::All,
        number => Protocol::Number(number.parse().unwrap()),
    };
    let (from, to) = match protocol {
        Protocol::Tcp | Protocol::Udp | Protocol::Icmp | Protocol::Icmpv6 => (
            object["from_port"].as_i64().unwrap() as i32,
            object["to_port"].as_i64().unwrap() as i32,
        ),
        _ => (-1, -1),
    };
    let texts = |field: &str| -> Vec<String> {
        object[field]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let mut peers: Vec<Peer> = Vec::new();
    peers.extend(texts("cidr_blocks").iter().map(|t| Peer::Ipv4(t.parse().unwrap())));
    peers.extend(texts("ipv6_cidr_blocks").iter().map(|t| Peer::Ipv6(t.parse().unwrap())));
    peers.extend(texts("prefix_list_ids").into_iter().map(Peer::PrefixList));
    peers.extend(texts("security_groups").into_iter().map(|g| {
        if g == ID {
            Peer::SelfGroup
        } else {
            Peer::SecurityGroup(g)
        }
    }));
    if object["self"].as_bool().unwrap() {
        peers.push(Peer::SelfGroup);
    }
    peers
        .into_iter()
        .map(|peer| RuleKey {
            direction,
            protocol,
            from_port: from,
            to_port: to,
            peer,
        })
        .collect()
}

proptest! {
    /// Random groups of the real shape (both schema versions, 5.x and
    /// 6.x, duplicates within and across objects, empty groups): the
    /// moved state is wholly known, its arguments pass validation, and
    /// both its `rules` and the expansion of its arguments are exactly
    /// the rules the group holds, each once.
    #[test]
    fn any_group_moves_to_a_firewall_of_exactly_its_rules(
        ingress in prop::collection::vec(object(), 0..5),
        egress in prop::collection::vec(object(), 0..5),
        six_x in any::<bool>(),
        version in prop::sample::select(SOURCE_SCHEMA_VERSIONS.to_vec()),
    ) {
        let held: BTreeSet<RuleKey> = ingress
            .iter()
            .flat_map(|o| rules_of(Direction::Ingress, o))
            .chain(egress.iter().flat_map(|o| rules_of(Direction::Egress, o)))
            .collect();
        let group = if six_x { group_6x(ingress, egress) } else { group_5x(ingress, egress) };
        let mut from = source(&group);
        from.schema_version = version;
        let mut diags = Diagnostics::default();
        let state = moved_state(&mut diags, &from);
        prop_assert!(diags.errors.is_empty(), "{:?}", diags.errors);
        let state = state.expect("a state");
        assert_sound(&state, held.len());
        let in_state: BTreeSet<RuleKey> = state
            .rules
            .as_ref_option()
            .unwrap()
            .iter()
            .map(|r| r.rule.to_rule().unwrap().key)
            .collect();
        prop_assert_eq!(&in_state, &held);
        let args = state.args.valid().expect("valid arguments");
        let expanded: BTreeSet<RuleKey> = rules::expand(&args).into_iter().map(|r| r.key).collect();
        prop_assert_eq!(&expanded, &held);
    }
}
