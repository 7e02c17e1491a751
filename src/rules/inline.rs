//! Inline rules, as a group resource that lists them in `ingress` and
//! `egress` objects keeps them (hashicorp/aws's `aws_security_group`): one
//! object stands for one AWS rule per peer it names. This turns such objects
//! into the [`Rule`] model, one rule per peer, so that `infer` can find the
//! rule sets they stand for, exactly as for the rules AWS reports.

use ipnet::{Ipv4Net, Ipv6Net};

use super::checked_args::ExtraRule;
use super::expand::extra_peers;
use super::model::{Direction, Peer, Protocol, Rule, RuleShape};

/// One inline rule object, its values parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlineRule {
    /// `ingress` or `egress`: the list it is in.
    pub direction: Direction,
    /// The IP protocol.
    pub protocol: Protocol,
    /// First port, or ICMP type (-1 for any).
    pub from_port: i32,
    /// Last port, or ICMP code (-1 for any).
    pub to_port: i32,
    /// IPv4 peers.
    pub cidr_blocks: Vec<Ipv4Net>,
    /// IPv6 peers.
    pub ipv6_cidr_blocks: Vec<Ipv6Net>,
    /// Managed prefix list peers (`pl-...`).
    pub prefix_list_ids: Vec<String>,
    /// Peer groups (`sg-...`); the group's own id here means `self`.
    pub security_groups: Vec<String>,
    /// Whether the group itself is a peer.
    pub self_: bool,
    /// The description every rule of the object has; `None` for none.
    pub description: Option<String>,
}

impl InlineRule {
    /// The AWS rules the object stands for, one per peer, in the object's
    /// order. Ports mean nothing for protocols other than TCP, UDP and ICMP
    /// (the source writes `0` for `-1`, all traffic): they become -1, as AWS
    /// reports them. An empty description counts as none.
    pub fn rules(&self, own_group_id: &str) -> Vec<Rule> {
        let (from_port, to_port) = if self.protocol.has_ports() || self.protocol.is_icmp() {
            (self.from_port, self.to_port)
        } else {
            (-1, -1)
        };
        let (own, others): (Vec<String>, Vec<String>) =
            self.security_groups.iter().cloned().partition(|id| id == own_group_id);
        let extra = ExtraRule {
            direction: self.direction,
            protocol: self.protocol,
            from_port,
            to_port,
            cidr_blocks: self.cidr_blocks.clone(),
            ipv6_cidr_blocks: self.ipv6_cidr_blocks.clone(),
            security_group_ids: others,
            prefix_list_ids: self.prefix_list_ids.clone(),
            self_: self.self_ || !own.is_empty(),
            description: self.description.clone().filter(|d| !d.is_empty()),
        };
        extra_peers(&extra)
            .into_iter()
            .map(|peer: Peer| Rule {
                key: extra.key(peer),
                description: extra.description.clone(),
                rule_sets: Default::default(),
            })
            .collect()
    }
}

/// Every AWS rule a group's inline objects stand for.
pub fn inline_rules(objects: &[InlineRule], own_group_id: &str) -> Vec<Rule> {
    objects.iter().flat_map(|o| o.rules(own_group_id)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleKey;

    const OWN: &str = "sg-0123456789abcdef0";

    fn object(protocol: Protocol, ports: (i32, i32)) -> InlineRule {
        InlineRule {
            direction: Direction::Ingress,
            protocol,
            from_port: ports.0,
            to_port: ports.1,
            cidr_blocks: Vec::new(),
            ipv6_cidr_blocks: Vec::new(),
            prefix_list_ids: Vec::new(),
            security_groups: Vec::new(),
            self_: false,
            description: None,
        }
    }

    #[test]
    fn one_rule_per_peer_in_the_objects_order() {
        let mut o = object(Protocol::Tcp, (443, 443));
        o.cidr_blocks = vec!["10.0.0.0/8".parse().unwrap()];
        o.ipv6_cidr_blocks = vec!["2001:db8::/32".parse().unwrap()];
        o.prefix_list_ids = vec!["pl-6ea54007".into()];
        o.security_groups = vec!["sg-0fedcba9876543210".into()];
        o.self_ = true;
        o.description = Some("HTTPS".into());
        let rules = o.rules(OWN);
        let peers: Vec<Peer> = rules.iter().map(|r| r.key.peer.clone()).collect();
        assert_eq!(
            peers,
            vec![
                Peer::Ipv4("10.0.0.0/8".parse().unwrap()),
                Peer::Ipv6("2001:db8::/32".parse().unwrap()),
                Peer::PrefixList("pl-6ea54007".into()),
                Peer::SecurityGroup("sg-0fedcba9876543210".into()),
                Peer::SelfGroup,
            ]
        );
        assert!(rules
            .iter()
            .all(|r| r.description.as_deref() == Some("HTTPS") && r.rule_sets.is_empty()));
        assert!(rules
            .iter()
            .all(|r| (r.key.from_port, r.key.to_port) == (443, 443) && r.key.direction == Direction::Ingress));
    }

    #[test]
    fn all_traffic_and_bare_protocols_carry_no_ports() {
        for protocol in [Protocol::All, Protocol::Number(50)] {
            let mut o = object(protocol, (0, 0));
            o.self_ = true;
            let rules = o.rules(OWN);
            assert_eq!(
                rules[0].key,
                RuleKey {
                    direction: Direction::Ingress,
                    protocol,
                    from_port: -1,
                    to_port: -1,
                    peer: Peer::SelfGroup,
                }
            );
        }
        let mut icmp = object(Protocol::Icmp, (8, -1));
        icmp.cidr_blocks = vec!["0.0.0.0/0".parse().unwrap()];
        assert_eq!(
            (icmp.rules(OWN)[0].key.from_port, icmp.rules(OWN)[0].key.to_port),
            (8, -1)
        );
    }

    #[test]
    fn the_groups_own_id_is_self_and_counts_once() {
        let mut o = object(Protocol::All, (0, 0));
        o.security_groups = vec![OWN.into()];
        o.self_ = true;
        let rules = o.rules(OWN);
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].key.peer, Peer::SelfGroup);
    }

    #[test]
    fn empty_descriptions_and_peerless_objects() {
        let mut o = object(Protocol::Udp, (53, 53));
        o.description = Some(String::new());
        assert!(o.rules(OWN).is_empty(), "no peer, no rule");
        o.cidr_blocks = vec!["10.1.0.0/16".parse().unwrap()];
        assert_eq!(o.rules(OWN)[0].description, None);
        let mut egress = o.clone();
        egress.direction = Direction::Egress;
        let all = inline_rules(&[o, egress], OWN);
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].key.direction, Direction::Egress);
    }
}
