//! Helpers the `rules` tests share: values from text, rules as AWS holds
//! them, and the proptest strategies of valid arguments.

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use proptest::prelude::*;

use super::{Checked, Direction, ExtraRule, FirewallArgs, Peer, Protocol, RuleKey, RuleSetName};

use Direction::{Egress, Ingress};
use Protocol::{All, Icmp, Icmpv6, Tcp, Udp};

/// A Network Load Balancer listener's ARN, for tests across the layers.
pub(crate) const NLB_LISTENER_ARN: &str =
    "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/net/c8y/50dc6c495c0c9188/f2f7dc8efc522ab2";
/// An Application Load Balancer listener's ARN, for tests across the layers.
pub(crate) const ALB_LISTENER_ARN: &str =
    "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/app/c8y/50dc6c495c0c9188/f2f7dc8efc522ab2";

/// A peer group id of the long form.
pub(super) const SG_A: &str = "sg-0123456789abcdef0";
/// Another peer group id of the long form.
pub(super) const SG_B: &str = "sg-0fedcba9876543210";
/// A peer group id of the short form.
pub(super) const SG_C: &str = "sg-12345678";
/// A managed prefix list id.
pub(super) const PL_A: &str = "pl-6ea54007";

/// An IPv4 block from its text.
pub(super) fn v4(text: &str) -> Ipv4Net {
    text.parse().expect("test IPv4 block")
}

/// An IPv6 block from its text.
pub(super) fn v6(text: &str) -> Ipv6Net {
    text.parse().expect("test IPv6 block")
}

/// A block of either family from its text.
pub(super) fn net(text: &str) -> IpNet {
    text.parse().expect("test block")
}

/// A peer from its text: a CIDR block, `sg-…`, `pl-…` or `self`.
pub(super) fn peer(text: &str) -> Peer {
    if text == "self" {
        Peer::SelfGroup
    } else if text.starts_with("sg-") {
        Peer::SecurityGroup(text.to_string())
    } else if text.starts_with("pl-") {
        Peer::PrefixList(text.to_string())
    } else {
        match net(text) {
            IpNet::V4(net) => Peer::Ipv4(net),
            IpNet::V6(net) => Peer::Ipv6(net),
        }
    }
}

/// A rule key from its parts, the peer from its text (`peer`).
pub(super) fn key(direction: Direction, protocol: Protocol, ports: (i32, i32), peer_text: &str) -> RuleKey {
    RuleKey {
        direction,
        protocol,
        from_port: ports.0,
        to_port: ports.1,
        peer: peer(peer_text),
    }
}

/// A check's problems, one a line, for assertion messages.
pub(super) fn dump(checked: &Checked) -> String {
    checked
        .problems
        .iter()
        .map(|p| format!("  {:?} at {}: {} / {}", p.severity, p.path, p.summary, p.detail))
        .collect::<Vec<_>>()
        .join("\n")
}

/// An `extra_rule` with no peer and no description yet.
pub(super) fn extra(direction: Direction, protocol: Protocol, ports: (i32, i32)) -> ExtraRule {
    ExtraRule {
        direction,
        protocol,
        from_port: ports.0,
        to_port: ports.1,
        cidr_blocks: Vec::new(),
        ipv6_cidr_blocks: Vec::new(),
        security_group_ids: Vec::new(),
        prefix_list_ids: Vec::new(),
        self_: false,
        description: None,
    }
}

pub(super) fn ipv4_net() -> impl Strategy<Value = Ipv4Net> {
    prop_oneof![
        // A small pool, so that lists repeat blocks and rules collide.
        prop::sample::select(vec!["0.0.0.0/0", "10.0.0.0/8", "192.0.2.0/24"])
            .prop_map(|t| t.parse::<Ipv4Net>().unwrap()),
        (any::<u32>(), 0u8..=32)
            .prop_map(|(addr, len)| { Ipv4Net::new(addr.into(), len).expect("prefix length in range").trunc() }),
    ]
}

pub(super) fn ipv6_net() -> impl Strategy<Value = Ipv6Net> {
    prop_oneof![
        prop::sample::select(vec!["::/0", "2001:db8::/32"]).prop_map(|t| t.parse::<Ipv6Net>().unwrap()),
        (any::<u128>(), 0u8..=128)
            .prop_map(|(addr, len)| { Ipv6Net::new(addr.into(), len).expect("prefix length in range").trunc() }),
    ]
}

pub(super) fn any_net() -> impl Strategy<Value = IpNet> {
    prop_oneof![ipv4_net().prop_map(IpNet::V4), ipv6_net().prop_map(IpNet::V6)]
}

pub(super) fn sg_id() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![SG_A, SG_B]).prop_map(str::to_string),
        "sg-[0-9a-f]{17}",
        "sg-[0-9a-f]{8}",
    ]
}

pub(super) fn port() -> impl Strategy<Value = i32> {
    prop_oneof![prop::sample::select(vec![22, 80, 443, 6670]), 0i32..=65535]
}

pub(super) fn protocol_and_ports() -> impl Strategy<Value = (Protocol, i32, i32)> {
    prop_oneof![
        (prop::sample::select(vec![Tcp, Udp]), port(), port()).prop_map(|(p, a, b)| (p, a.min(b), a.max(b))),
        (prop::sample::select(vec![Icmp, Icmpv6]), -1i32..=255, -1i32..=255).prop_map(|(p, t, c)| (
            p,
            t,
            if t == -1 { -1 } else { c }
        )),
        Just((All, -1, -1)),
    ]
}

/// A valid `extra_rule`: at least one peer, ICMP only with its own family.
pub(super) fn extra_rule() -> impl Strategy<Value = ExtraRule> {
    (
        prop::sample::select(vec![Ingress, Egress]),
        protocol_and_ports(),
        prop::collection::vec(ipv4_net(), 0..3),
        prop::collection::vec(ipv6_net(), 0..3),
        prop::collection::vec(sg_id(), 0..3),
        any::<bool>(),
        // Never Some(""): a validated description is absent or non-empty.
        prop::option::of("[A-Za-z0-9./:#-][A-Za-z0-9 ./:#-]{0,23}"),
    )
        .prop_map(
            |(direction, (protocol, from_port, to_port), mut v4, mut v6, groups, self_, description)| {
                match protocol {
                    Icmp => v6.clear(),
                    Icmpv6 => v4.clear(),
                    _ => {}
                }
                let has_peer = !(v4.is_empty() && v6.is_empty() && groups.is_empty());
                ExtraRule {
                    direction,
                    protocol,
                    from_port,
                    to_port,
                    cidr_blocks: v4,
                    ipv6_cidr_blocks: v6,
                    security_group_ids: groups,
                    prefix_list_ids: Vec::new(),
                    self_: self_ || !has_peer,
                    description,
                }
            },
        )
}

/// Arbitrary valid arguments; `check_tests` renders them back to input.
pub(crate) fn firewall_args() -> impl Strategy<Value = FirewallArgs> {
    (
        prop::sample::subsequence(RuleSetName::ALL.to_vec(), 0..=RuleSetName::ALL.len()),
        prop::collection::vec(ipv4_net(), 0..4),
        prop::collection::vec(ipv6_net(), 0..3),
        prop::collection::vec(ipv4_net(), 0..4),
        prop::collection::vec(ipv6_net(), 0..3),
        prop::collection::vec(any_net(), 0..4),
        prop::collection::vec(sg_id(), 0..4),
        prop::collection::vec(extra_rule(), 0..4),
    )
        .prop_map(|(sets, in4, in6, out4, out6, ssh, nodes, extras)| FirewallArgs {
            rule_sets: sets.into_iter().collect(),
            ingress_cidr_blocks: in4,
            ingress_ipv6_cidr_blocks: in6,
            egress_cidr_blocks: out4,
            egress_ipv6_cidr_blocks: out6,
            ssh_cidr_blocks: ssh,
            node_security_group_ids: nodes,
            extra_rules: extras,
        })
}
