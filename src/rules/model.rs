//! The vocabulary of the domain: directions, protocols, peers and rules.
//!
//! Rules mirror what AWS calls a security group rule (one `sgr-` id each):
//! one direction, one protocol, one port range and exactly one peer. Keeping
//! that shape in the pure core means a desired rule and a rule read back from
//! AWS compare directly, without a translation step that could lose detail.

use std::collections::BTreeSet;
use std::fmt;

use ipnet::{Ipv4Net, Ipv6Net};

use super::rule_set_name::RuleSetName;

/// Which way traffic flows through the group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    /// Into the group: the peer is the source.
    Ingress,
    /// Out of the group: the peer is the destination.
    Egress,
}

impl Direction {
    /// Both directions, ingress first.
    pub const ALL: [Direction; 2] = [Direction::Ingress, Direction::Egress];

    /// The name configuration uses: `ingress` or `egress`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }

    /// The direction [`Direction::as_str`] names; `None` for any other text.
    pub fn parse(text: &str) -> Option<Direction> {
        Direction::ALL.into_iter().find(|d| d.as_str() == text)
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The IP protocols of a rule. `All` is AWS's `-1`. `Number` holds any
/// other IP protocol (ESP is 50, say): configuration names one by its
/// number (`protocol = "50"`), and a rule added outside Terraform may hold
/// one, which must still be seen to be revoked (or imported).
///
/// `Number` never holds 1, 6, 17 or 58: those are `Icmp`, `Tcp`, `Udp` and
/// `Icmpv6` (see [`Protocol::from_number`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    /// TCP (IP protocol 6).
    Tcp,
    /// UDP (IP protocol 17).
    Udp,
    /// ICMP (IP protocol 1): the ports hold its type and code.
    Icmp,
    /// ICMPv6 (IP protocol 58): the ports hold its type and code.
    Icmpv6,
    /// Every protocol, and so every port.
    All,
    /// Any other IP protocol, by its number.
    Number(u8),
}

impl Protocol {
    /// Every protocol with a name, in order: all but [`Protocol::Number`].
    pub const ALL: [Protocol; 5] = [
        Protocol::Tcp,
        Protocol::Udp,
        Protocol::Icmp,
        Protocol::Icmpv6,
        Protocol::All,
    ];

    /// The name configuration uses; `None` for a bare protocol number.
    pub fn name(self) -> Option<&'static str> {
        match self {
            Protocol::Tcp => Some("tcp"),
            Protocol::Udp => Some("udp"),
            Protocol::Icmp => Some("icmp"),
            Protocol::Icmpv6 => Some("icmpv6"),
            Protocol::All => Some("all"),
            Protocol::Number(_) => None,
        }
    }

    /// The protocol with this IANA number, named where it has a name.
    pub fn from_number(number: u8) -> Protocol {
        match number {
            1 => Protocol::Icmp,
            6 => Protocol::Tcp,
            17 => Protocol::Udp,
            58 => Protocol::Icmpv6,
            n => Protocol::Number(n),
        }
    }

    /// Parses what configuration accepts: a name (`"tcp"`, …, `"all"`), or
    /// an IP protocol number written plainly (`"50"`; `"6"` is `tcp`, `"-1"`
    /// is `all`, as in AWS). Numbers with a sign, leading zeros or spaces
    /// are refused, so that each protocol has one spelling per form.
    pub fn parse(text: &str) -> Option<Protocol> {
        if let Some(named) = Protocol::ALL.into_iter().find(|p| p.name() == Some(text)) {
            return Some(named);
        }
        if text == "-1" {
            return Some(Protocol::All);
        }
        let number: u8 = text.parse().ok()?;
        (number.to_string() == text).then(|| Protocol::from_number(number))
    }

    /// TCP and UDP carry port numbers; ICMP carries a type and a code in the
    /// same two fields; `all` carries neither.
    pub fn has_ports(self) -> bool {
        matches!(self, Protocol::Tcp | Protocol::Udp)
    }

    /// ICMP or ICMPv6: the two whose ports hold a type and a code.
    pub fn is_icmp(self) -> bool {
        matches!(self, Protocol::Icmp | Protocol::Icmpv6)
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.name(), self) {
            (Some(name), _) => f.write_str(name),
            (None, Protocol::Number(n)) => write!(f, "{n}"),
            (None, _) => unreachable!("only Protocol::Number has no name"),
        }
    }
}

/// The one source (ingress) or destination (egress) of a rule.
///
/// The variant order is the output order: IPv4 ranges, IPv6 ranges,
/// managed prefix lists, other groups, then the group itself.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Peer {
    /// An IPv4 CIDR block.
    Ipv4(Ipv4Net),
    /// An IPv6 CIDR block.
    Ipv6(Ipv6Net),
    /// A managed prefix list, by id (`pl-...`).
    PrefixList(String),
    /// Another security group, by id (`sg-...`).
    SecurityGroup(String),
    /// The group the rule belongs to (`self` in configuration).
    SelfGroup,
}

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Peer::Ipv4(net) => write!(f, "{net}"),
            Peer::Ipv6(net) => write!(f, "{net}"),
            Peer::PrefixList(id) | Peer::SecurityGroup(id) => f.write_str(id),
            Peer::SelfGroup => f.write_str("self"),
        }
    }
}

/// What makes two rules the same rule for AWS. The description is not part
/// of it: AWS rejects a second rule that differs only in its description.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleKey {
    /// Which way the traffic flows.
    pub direction: Direction,
    /// The IP protocol.
    pub protocol: Protocol,
    /// Port, or ICMP type; -1 where the protocol has none (AWS's convention).
    pub from_port: i32,
    /// Port, or ICMP code; -1 where the protocol has none (AWS's convention).
    pub to_port: i32,
    /// The one source (ingress) or destination (egress).
    pub peer: Peer,
}

/// What a rule is apart from its peer: direction, protocol and ports. A
/// documented rule and an `extra_rule` block both have one shape and many
/// peers; the key of each rule they stand for is built here, once.
pub trait RuleShape {
    /// Direction, protocol, from-port (or ICMP type), to-port (or ICMP code).
    fn shape(&self) -> (Direction, Protocol, i32, i32);

    /// The key of the rule of this shape with `peer` as its peer.
    fn key(&self, peer: Peer) -> RuleKey {
        let (direction, protocol, from_port, to_port) = self.shape();
        RuleKey {
            direction,
            protocol,
            from_port,
            to_port,
            peer,
        }
    }
}

impl fmt::Display for RuleKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let towards = match self.direction {
            Direction::Ingress => "from",
            Direction::Egress => "to",
        };
        let ports = match (self.protocol, self.from_port, self.to_port) {
            (Protocol::All, _, _) => String::new(),
            (p, from, to) if p.is_icmp() => format!(" type {from} code {to}"),
            (_, from, to) if from == to => format!(" {from}"),
            (_, from, to) => format!(" {from}-{to}"),
        };
        write!(
            f,
            "{} {}{} {} {}",
            self.direction, self.protocol, ports, towards, self.peer
        )
    }
}

/// One desired (or actual) rule of a security group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// What makes it this rule for AWS.
    pub key: RuleKey,
    /// The rule's description; `None` for none.
    pub description: Option<String>,
    /// The documented rule sets that ask for this rule; empty for an
    /// `extra_rule`.
    pub rule_sets: BTreeSet<RuleSetName>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_parse_by_name_or_number() {
        for protocol in Protocol::ALL {
            assert_eq!(Protocol::parse(&protocol.to_string()), Some(protocol));
        }
        assert_eq!(Protocol::parse("50"), Some(Protocol::Number(50)));
        assert_eq!(Protocol::parse("0"), Some(Protocol::Number(0)));
        assert_eq!(Protocol::parse("255"), Some(Protocol::Number(255)));
        for (number, named) in [
            ("6", Protocol::Tcp),
            ("17", Protocol::Udp),
            ("1", Protocol::Icmp),
            ("58", Protocol::Icmpv6),
            ("-1", Protocol::All),
        ] {
            assert_eq!(Protocol::parse(number), Some(named), "{number}");
        }
        for bad in ["", "TCP", "256", "-2", "+50", "050", " 50", "50 ", "esp", "1.0"] {
            assert_eq!(Protocol::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn every_number_round_trips_through_its_text() {
        for n in 0..=u8::MAX {
            let protocol = Protocol::from_number(n);
            assert_eq!(Protocol::parse(&protocol.to_string()), Some(protocol), "{n}");
            assert!(protocol != Protocol::Number(1) && protocol != Protocol::Number(6));
        }
    }
}
