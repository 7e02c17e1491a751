//! Rules in EC2's own shapes, and back: `IpPermission` to authorize a rule,
//! `SecurityGroupRule` for the rules a group holds.

use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range, PrefixListId, SecurityGroupRule, UserIdGroupPair};

use crate::rules::{AppliedRule, Direction, Peer, Protocol, Rule, RuleKey};

/// EC2's name for a protocol.
pub fn ip_protocol(protocol: Protocol) -> String {
    match protocol {
        Protocol::All => "-1".to_string(),
        Protocol::Number(n) => n.to_string(),
        named => named.to_string(),
    }
}

fn parse_ip_protocol(text: &str) -> Option<Protocol> {
    // EC2 answers with the names configuration uses or with plain numbers.
    Protocol::parse(text).or_else(|| text.parse::<u8>().ok().map(Protocol::from_number))
}

/// One rule as the `IpPermission` that authorizes it. `own_group_id`
/// resolves `self`.
pub fn ip_permission(rule: &Rule, own_group_id: &str) -> IpPermission {
    let key = &rule.key;
    let description = rule.description.clone();
    let mut permission = IpPermission::builder().ip_protocol(ip_protocol(key.protocol));
    // A protocol given by number carries -1/-1, which AWS ignores ("all
    // ports") and emulators need (moto fails on a number without ports).
    if key.protocol != Protocol::All {
        permission = permission.from_port(key.from_port).to_port(key.to_port);
    }
    permission = match &key.peer {
        Peer::Ipv4(net) => permission.ip_ranges(
            IpRange::builder()
                .cidr_ip(net.to_string())
                .set_description(description)
                .build(),
        ),
        Peer::Ipv6(net) => permission.ipv6_ranges(
            Ipv6Range::builder()
                .cidr_ipv6(net.to_string())
                .set_description(description)
                .build(),
        ),
        Peer::PrefixList(id) => permission.prefix_list_ids(
            PrefixListId::builder()
                .prefix_list_id(id)
                .set_description(description)
                .build(),
        ),
        Peer::SecurityGroup(id) => permission.user_id_group_pairs(
            UserIdGroupPair::builder()
                .group_id(id)
                .set_description(description)
                .build(),
        ),
        Peer::SelfGroup => permission.user_id_group_pairs(
            UserIdGroupPair::builder()
                .group_id(own_group_id)
                .set_description(description)
                .build(),
        ),
    };
    permission.build()
}

/// A rule as DescribeSecurityGroupRules reports it. An error names what
/// could not be understood: a rule is never silently dropped, since a
/// dropped rule could never be revoked.
pub fn applied_rule(rule: &SecurityGroupRule, own_group_id: &str) -> Result<AppliedRule, String> {
    let listed = listed_rule(rule, own_group_id)?;
    let (from_port, to_port) = if listed.protocol.has_ports() || listed.protocol.is_icmp() {
        (listed.from_port.unwrap_or(-1), listed.to_port.unwrap_or(-1))
    } else {
        (-1, -1)
    };
    Ok(AppliedRule {
        id: listed.id,
        rule: Rule {
            key: RuleKey {
                direction: listed.direction,
                protocol: listed.protocol,
                from_port,
                to_port,
                peer: listed.peer,
            },
            description: listed.description,
            rule_sets: Default::default(),
        },
    })
}

/// A rule an Authorize answer lists, paired with the rule that was asked
/// for: the id is the one AWS gave, the rule (ports, peer, description) the
/// one asked for, which is what AWS now holds.
///
/// AWS documents every field of the listed rule, but answers do not always
/// carry them all: an emulator leaves out `FromPort`/`ToPort` and the
/// description of a rule that references a group. So the listed rule pairs
/// with the asked rule that agrees with every field it does give. `None`
/// when it cannot be understood, or no asked rule or more than one agrees:
/// the caller then reads the group (see `rules::after_changes`).
pub fn answered_rule(rule: &SecurityGroupRule, own_group_id: &str, asked: &[Rule]) -> Option<AppliedRule> {
    let listed = listed_rule(rule, own_group_id).ok()?;
    let portless = |key: &RuleKey| !(key.protocol.has_ports() || key.protocol.is_icmp());
    let agrees = |candidate: &&Rule| {
        let key = &candidate.key;
        key.direction == listed.direction
            && key.protocol == listed.protocol
            && key.peer == listed.peer
            && (portless(key)
                || (listed.from_port.is_none_or(|p| p == key.from_port)
                    && listed.to_port.is_none_or(|p| p == key.to_port)))
            && listed
                .description
                .as_ref()
                .is_none_or(|d| candidate.description.as_ref() == Some(d))
    };
    let mut candidates = asked.iter().filter(agrees);
    match (candidates.next(), candidates.next()) {
        // Labels (`rule_sets`) are the provider's to give, as for a read.
        (Some(only), None) => Some(AppliedRule {
            id: listed.id,
            rule: Rule {
                rule_sets: Default::default(),
                ..only.clone()
            },
        }),
        _ => None,
    }
}

/// The fields of a `SecurityGroupRule`, each as far as EC2 gave it.
struct ListedRule {
    id: String,
    direction: Direction,
    protocol: Protocol,
    from_port: Option<i32>,
    to_port: Option<i32>,
    peer: Peer,
    description: Option<String>,
}

/// The one reading of EC2's rule objects, for every answer that lists
/// rules (DescribeSecurityGroupRules, Authorize answers).
fn listed_rule(rule: &SecurityGroupRule, own_group_id: &str) -> Result<ListedRule, String> {
    let id = rule.security_group_rule_id().ok_or("a rule without an id")?.to_string();
    let direction = if rule.is_egress().unwrap_or(false) {
        Direction::Egress
    } else {
        Direction::Ingress
    };
    let protocol_text = rule.ip_protocol().unwrap_or("-1");
    let protocol = parse_ip_protocol(protocol_text).ok_or_else(|| format!("rule {id}: protocol {protocol_text:?}"))?;
    let peer = if let Some(cidr) = rule.cidr_ipv4() {
        Peer::Ipv4(cidr.parse().map_err(|_| format!("rule {id}: IPv4 block {cidr:?}"))?)
    } else if let Some(cidr) = rule.cidr_ipv6() {
        Peer::Ipv6(cidr.parse().map_err(|_| format!("rule {id}: IPv6 block {cidr:?}"))?)
    } else if let Some(list) = rule.prefix_list_id() {
        Peer::PrefixList(list.to_string())
    } else if let Some(group) = rule.referenced_group_info().and_then(|g| g.group_id()) {
        if group == own_group_id {
            Peer::SelfGroup
        } else {
            Peer::SecurityGroup(group.to_string())
        }
    } else {
        return Err(format!("rule {id}: no peer"));
    };
    Ok(ListedRule {
        id,
        direction,
        protocol,
        from_port: rule.from_port(),
        to_port: rule.to_port(),
        peer,
        description: rule.description().filter(|d| !d.is_empty()).map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use aws_sdk_ec2::types::ReferencedSecurityGroup;

    use super::*;

    fn described(
        build: impl FnOnce(
            aws_sdk_ec2::types::builders::SecurityGroupRuleBuilder,
        ) -> aws_sdk_ec2::types::builders::SecurityGroupRuleBuilder,
    ) -> SecurityGroupRule {
        build(
            SecurityGroupRule::builder()
                .security_group_rule_id("sgr-1")
                .group_id("sg-own"),
        )
        .build()
    }

    #[test]
    fn protocols_by_name_and_number() {
        for (text, protocol) in [
            ("-1", Protocol::All),
            ("tcp", Protocol::Tcp),
            ("6", Protocol::Tcp),
            ("udp", Protocol::Udp),
            ("icmp", Protocol::Icmp),
            ("58", Protocol::Icmpv6),
            ("icmpv6", Protocol::Icmpv6),
            ("50", Protocol::Number(50)),
        ] {
            assert_eq!(parse_ip_protocol(text), Some(protocol), "{text}");
        }
        assert_eq!(parse_ip_protocol("esp"), None);
        assert_eq!(ip_protocol(Protocol::All), "-1");
        assert_eq!(ip_protocol(Protocol::Number(50)), "50");
        assert_eq!(ip_protocol(Protocol::Icmpv6), "icmpv6");
    }

    #[test]
    fn self_reference_and_other_groups() {
        let own = described(|b| {
            b.ip_protocol("-1")
                .from_port(-1)
                .to_port(-1)
                .referenced_group_info(ReferencedSecurityGroup::builder().group_id("sg-own").build())
        });
        assert_eq!(applied_rule(&own, "sg-own").unwrap().rule.key.peer, Peer::SelfGroup);
        let other = described(|b| {
            b.ip_protocol("tcp")
                .from_port(22)
                .to_port(22)
                .is_egress(true)
                .referenced_group_info(ReferencedSecurityGroup::builder().group_id("sg-other").build())
        });
        let rule = applied_rule(&other, "sg-own").unwrap().rule;
        assert_eq!(rule.key.peer, Peer::SecurityGroup("sg-other".into()));
        assert_eq!(rule.key.direction, Direction::Egress);
    }

    #[test]
    fn round_trip_through_ip_permission_keeps_the_peer_and_ports() {
        let rule = Rule {
            key: RuleKey {
                direction: Direction::Ingress,
                protocol: Protocol::Tcp,
                from_port: 8883,
                to_port: 8883,
                peer: Peer::Ipv6("2001:db8::/32".parse().unwrap()),
            },
            description: Some("MQTT/TLS".into()),
            rule_sets: Default::default(),
        };
        let permission = ip_permission(&rule, "sg-own");
        assert_eq!(permission.ip_protocol(), Some("tcp"));
        assert_eq!((permission.from_port(), permission.to_port()), (Some(8883), Some(8883)));
        assert_eq!(permission.ipv6_ranges()[0].cidr_ipv6(), Some("2001:db8::/32"));
        assert_eq!(permission.ipv6_ranges()[0].description(), Some("MQTT/TLS"));

        let all = Rule {
            key: RuleKey {
                protocol: Protocol::All,
                from_port: -1,
                to_port: -1,
                peer: Peer::SelfGroup,
                ..rule.key.clone()
            },
            ..rule
        };
        let permission = ip_permission(&all, "sg-own");
        assert_eq!(permission.ip_protocol(), Some("-1"));
        assert_eq!(permission.user_id_group_pairs()[0].group_id(), Some("sg-own"));
        assert_eq!(permission.from_port(), None);

        let esp = Rule {
            key: RuleKey {
                protocol: Protocol::Number(50),
                ..all.key.clone()
            },
            ..all
        };
        let permission = ip_permission(&esp, "sg-own");
        assert_eq!(permission.ip_protocol(), Some("50"));
        assert_eq!((permission.from_port(), permission.to_port()), (Some(-1), Some(-1)));
    }

    fn asked(protocol: Protocol, from_port: i32, to_port: i32, peer: Peer, description: &str) -> Rule {
        Rule {
            key: RuleKey {
                direction: Direction::Ingress,
                protocol,
                from_port,
                to_port,
                peer,
            },
            description: Some(description.to_string()),
            rule_sets: Default::default(),
        }
    }

    fn self_reference() -> ReferencedSecurityGroup {
        ReferencedSecurityGroup::builder().group_id("sg-own").build()
    }

    #[test]
    fn an_answer_without_ports_or_description_pairs_with_the_rule_asked_for() {
        // As the emulator answers AuthorizeSecurityGroupIngress for a self
        // reference: no FromPort/ToPort, no description.
        let internal = asked(Protocol::All, -1, -1, Peer::SelfGroup, "Cumulocity internal");
        let listed = described(|b| b.ip_protocol("-1").referenced_group_info(self_reference()));
        let paired = answered_rule(&listed, "sg-own", std::slice::from_ref(&internal)).expect("paired");
        assert_eq!(paired.id, "sgr-1");
        assert_eq!(paired.rule, internal, "the description is the one asked for");
        assert!(paired.rule.rule_sets.is_empty(), "labels are the provider's to give");

        let ping = asked(Protocol::Icmp, 8, 0, Peer::SelfGroup, "ping");
        let listed = described(|b| b.ip_protocol("icmp").referenced_group_info(self_reference()));
        assert_eq!(
            answered_rule(&listed, "sg-own", std::slice::from_ref(&ping))
                .unwrap()
                .rule,
            ping
        );
    }

    #[test]
    fn an_answer_of_the_shape_aws_documents_pairs_field_by_field() {
        let ssh = asked(Protocol::Tcp, 22, 22, Peer::SelfGroup, "SSH");
        let web = asked(Protocol::Tcp, 80, 80, Peer::SelfGroup, "HTTP");
        let rules = [ssh.clone(), web.clone()];
        let listed = described(|b| {
            b.ip_protocol("tcp")
                .from_port(80)
                .to_port(80)
                .description("HTTP")
                .referenced_group_info(self_reference())
        });
        assert_eq!(answered_rule(&listed, "sg-own", &rules).unwrap().rule, web);
        // Without ports, either could be meant: the caller reads the group.
        let portless = described(|b| b.ip_protocol("tcp").referenced_group_info(self_reference()));
        assert_eq!(answered_rule(&portless, "sg-own", &rules), None);
        // A listed field that contradicts every asked rule pairs with none.
        let other = described(|b| {
            b.ip_protocol("tcp")
                .from_port(80)
                .to_port(80)
                .description("not asked")
                .referenced_group_info(self_reference())
        });
        assert_eq!(answered_rule(&other, "sg-own", &rules), None);
        let elsewhere = described(|b| b.ip_protocol("tcp").from_port(22).to_port(22).cidr_ipv4("10.0.0.0/8"));
        assert_eq!(answered_rule(&elsewhere, "sg-own", &rules), None);
    }

    #[test]
    fn a_rule_without_a_peer_is_an_error_not_a_silent_drop() {
        let rule = described(|b| b.ip_protocol("tcp").from_port(1).to_port(1));
        assert!(applied_rule(&rule, "sg-own").unwrap_err().contains("no peer"));
    }

    #[test]
    fn empty_descriptions_read_as_none() {
        let rule = described(|b| {
            b.ip_protocol("tcp")
                .from_port(1)
                .to_port(1)
                .cidr_ipv4("10.0.0.0/8")
                .description("")
        });
        assert_eq!(applied_rule(&rule, "sg-own").unwrap().rule.description, None);
    }
}
