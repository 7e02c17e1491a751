//! Inline rules, as a group resource that lists them in `ingress` and
//! `egress` objects keeps them (hashicorp/aws's `aws_security_group`): one
//! object stands for one AWS rule per peer it names. Such an object is read
//! as an [`ExtraRule`] (its `security_groups` as `security_group_ids`, its
//! ports as the source writes them) and normalised here into the
//! `ExtraRule` it stands for, whose rules `infer` then reads exactly as the
//! rules AWS reports.

use super::checked_args::ExtraRule;
use super::expand::extra_peers;
use super::model::{Peer, Rule, RuleShape};

/// `object` as the `ExtraRule` it stands for: the group's own id among its
/// peer groups is `self`; ports mean nothing for protocols other than TCP,
/// UDP and ICMP (the source writes `0` for `-1`, all traffic), so they
/// become -1, as AWS reports them; an empty description is none.
pub fn normalised_inline(object: &ExtraRule, own_group_id: &str) -> ExtraRule {
    let (from_port, to_port) = if object.protocol.has_ports() || object.protocol.is_icmp() {
        (object.from_port, object.to_port)
    } else {
        (-1, -1)
    };
    let (own, others): (Vec<String>, Vec<String>) = object
        .security_group_ids
        .iter()
        .cloned()
        .partition(|id| id == own_group_id);
    ExtraRule {
        from_port,
        to_port,
        security_group_ids: others,
        self_: object.self_ || !own.is_empty(),
        description: object.description.clone().filter(|d| !d.is_empty()),
        ..object.clone()
    }
}

/// Every AWS rule a group's inline objects stand for, one per peer, in the
/// objects' order.
pub fn inline_rules(objects: &[ExtraRule], own_group_id: &str) -> Vec<Rule> {
    objects
        .iter()
        .map(|object| normalised_inline(object, own_group_id))
        .flat_map(|extra| {
            extra_peers(&extra)
                .into_iter()
                .map(|peer: Peer| Rule {
                    key: extra.key(peer),
                    description: extra.description.clone(),
                    rule_sets: Default::default(),
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Direction, Protocol, RuleKey};

    const OWN: &str = "sg-0123456789abcdef0";

    fn object(protocol: Protocol, ports: (i32, i32)) -> ExtraRule {
        ExtraRule {
            direction: Direction::Ingress,
            protocol,
            from_port: ports.0,
            to_port: ports.1,
            cidr_blocks: Vec::new(),
            ipv6_cidr_blocks: Vec::new(),
            prefix_list_ids: Vec::new(),
            security_group_ids: Vec::new(),
            self_: false,
            description: None,
        }
    }

    /// The rules of one object.
    fn rules_of(object: &ExtraRule) -> Vec<Rule> {
        inline_rules(std::slice::from_ref(object), OWN)
    }

    #[test]
    fn one_rule_per_peer_in_the_objects_order() {
        let mut o = object(Protocol::Tcp, (443, 443));
        o.cidr_blocks = vec!["10.0.0.0/8".parse().unwrap()];
        o.ipv6_cidr_blocks = vec!["2001:db8::/32".parse().unwrap()];
        o.prefix_list_ids = vec!["pl-6ea54007".into()];
        o.security_group_ids = vec!["sg-0fedcba9876543210".into()];
        o.self_ = true;
        o.description = Some("HTTPS".into());
        let rules = rules_of(&o);
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
            let rules = rules_of(&o);
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
            (rules_of(&icmp)[0].key.from_port, rules_of(&icmp)[0].key.to_port),
            (8, -1)
        );
    }

    #[test]
    fn the_groups_own_id_is_self_and_counts_once() {
        let mut o = object(Protocol::All, (0, 0));
        o.security_group_ids = vec![OWN.into()];
        o.self_ = true;
        let rules = rules_of(&o);
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].key.peer, Peer::SelfGroup);
    }

    #[test]
    fn empty_descriptions_and_peerless_objects() {
        let mut o = object(Protocol::Udp, (53, 53));
        o.description = Some(String::new());
        assert!(rules_of(&o).is_empty(), "no peer, no rule");
        o.cidr_blocks = vec!["10.1.0.0/16".parse().unwrap()];
        assert_eq!(rules_of(&o)[0].description, None);
        let mut egress = o.clone();
        egress.direction = Direction::Egress;
        let all = inline_rules(&[o, egress], OWN);
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].key.direction, Direction::Egress);
    }
}
