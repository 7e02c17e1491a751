//! expand tests: extra_rule blocks.

use super::*;

// ---------------------------------------------------------------------------
// extra_rule blocks
// ---------------------------------------------------------------------------

#[test]
fn extra_rule_gives_one_rule_per_peer_of_every_kind() {
    let args = FirewallArgs {
        extra_rules: vec![ExtraRule {
            cidr_blocks: vec![v4("203.0.113.0/24")],
            ipv6_cidr_blocks: vec![v6("2001:db8:1::/48")],
            security_group_ids: vec![SG_A.to_string()],
            self_: true,
            description: Some("LwM2M".to_string()),
            ..extra(Ingress, Udp, (5683, 5684))
        }],
        ..with_defaults(&[])
    };
    let desc = Some("LwM2M");
    assert_rules(
        &expand(&args),
        &[
            extra_rule_of(Ingress, Udp, (5683, 5684), p4("203.0.113.0/24"), desc),
            extra_rule_of(Ingress, Udp, (5683, 5684), p6("2001:db8:1::/48"), desc),
            extra_rule_of(Ingress, Udp, (5683, 5684), sg(SG_A), desc),
            extra_rule_of(Ingress, Udp, (5683, 5684), Peer::SelfGroup, desc),
        ],
    );
}

#[test]
fn extra_rules_without_description_have_none() {
    let args = FirewallArgs {
        extra_rules: vec![
            ExtraRule {
                security_group_ids: vec![SG_B.to_string()],
                ..extra(Egress, Icmp, (8, 0))
            },
            ExtraRule {
                ipv6_cidr_blocks: vec![v6("::/0")],
                ..extra(Egress, Icmpv6, (-1, -1))
            },
        ],
        ..with_defaults(&[])
    };
    assert_rules(
        &expand(&args),
        &[
            extra_rule_of(Egress, Icmp, (8, 0), sg(SG_B), None),
            extra_rule_of(Egress, Icmpv6, (-1, -1), p6("::/0"), None),
        ],
    );
}

#[test]
fn extra_rules_merge_into_the_sorted_documented_rules() {
    let args = FirewallArgs {
        extra_rules: vec![
            ExtraRule {
                self_: true,
                description: Some("health checks".to_string()),
                ..extra(Ingress, Tcp, (8080, 8080))
            },
            ExtraRule {
                cidr_blocks: vec![v4("10.0.0.0/8")],
                description: Some("syslog".to_string()),
                ..extra(Egress, Udp, (514, 514))
            },
        ],
        ..with_defaults(&[External, Ntp])
    };
    let any = "0.0.0.0/0";
    assert_rules(
        &expand(&args),
        &[
            rule(Ingress, Tcp, (80, 80), p4(any), "HTTP", &[External]),
            rule(Ingress, Tcp, (443, 443), p4(any), "HTTPS", &[External]),
            rule(Ingress, Tcp, (1883, 1883), p4(any), "MQTT", &[External]),
            rule(Ingress, Tcp, (8080, 8080), Peer::SelfGroup, "health checks", &[]),
            rule(Ingress, Tcp, (8883, 8883), p4(any), "MQTT/TLS", &[External]),
            rule(Egress, Udp, (123, 123), p4(any), "NTP", &[Ntp]),
            rule(Egress, Udp, (514, 514), p4("10.0.0.0/8"), "syslog", &[]),
        ],
    );
}

#[test]
fn extra_rule_repeating_a_documented_rule_keeps_the_documented_one() {
    // `check` rejects this; `expand` must still stay total and stable.
    let args = FirewallArgs {
        extra_rules: vec![ExtraRule {
            cidr_blocks: vec![v4("0.0.0.0/0")],
            description: Some("web".to_string()),
            ..extra(Ingress, Tcp, (443, 443))
        }],
        ..with_defaults(&[External])
    };
    let rules = expand(&args);
    assert_eq!(rules.len(), 4);
    assert_eq!(
        rules[1],
        rule(Ingress, Tcp, (443, 443), p4("0.0.0.0/0"), "HTTPS", &[External])
    );
}

#[test]
fn repeated_extra_rules_give_one_rule() {
    let one = ExtraRule {
        cidr_blocks: vec![v4("10.0.0.0/8"), v4("10.0.0.0/8")],
        description: Some("first".to_string()),
        ..extra(Ingress, Tcp, (9000, 9100))
    };
    let args = FirewallArgs {
        extra_rules: vec![one.clone(), one],
        ..with_defaults(&[])
    };
    assert_rules(
        &expand(&args),
        &[extra_rule_of(
            Ingress,
            Tcp,
            (9000, 9100),
            p4("10.0.0.0/8"),
            Some("first"),
        )],
    );
}

#[test]
fn protocol_order_is_tcp_udp_icmp_icmpv6_all() {
    let peer = || vec![v4("10.0.0.0/8")];
    let args = FirewallArgs {
        extra_rules: vec![
            ExtraRule {
                self_: true,
                ..extra(Ingress, All, (-1, -1))
            },
            ExtraRule {
                ipv6_cidr_blocks: vec![v6("::/0")],
                ..extra(Ingress, Icmpv6, (-1, -1))
            },
            ExtraRule {
                cidr_blocks: peer(),
                ..extra(Ingress, Icmp, (-1, -1))
            },
            ExtraRule {
                cidr_blocks: peer(),
                ..extra(Ingress, Udp, (1, 1))
            },
            ExtraRule {
                cidr_blocks: peer(),
                ..extra(Ingress, Tcp, (1, 1))
            },
        ],
        ..with_defaults(&[])
    };
    let protocols: Vec<Protocol> = expand(&args).iter().map(|r| r.key.protocol).collect();
    assert_eq!(protocols, vec![Tcp, Udp, Icmp, Icmpv6, All]);
}
