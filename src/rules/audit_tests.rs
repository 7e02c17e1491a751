//! Unit and property tests of `audit`: the rules a group holds against an
//! expected profile -> missing rules, unexpected rules and findings.
//!
//! Each finding kind is tested on both sides of its boundary (a port range
//! that just covers 22 and one that just misses it, `/0` and `/1`, a block
//! that strictly contains the configured one and the configured one
//! itself), for a rule the profile does not ask for (an error) and for one
//! it does (an error for the world-open kinds, a warning for the others).

use std::collections::BTreeSet;

use ipnet::IpNet;
use proptest::prelude::*;

use super::audit::severity_name;
use super::checked_args::{default_egress_cidr_blocks, default_ingress_cidr_blocks};
use super::test_support::*;
use super::{
    audit, expand, Audit, Direction, ExtraRule, FindingKind, FirewallArgs, Protocol, Rule, RuleKey, RuleSetName,
    Severity,
};

use Direction::{Egress, Ingress};
use FindingKind::{AllTrafficFromWorld, EgressToEverything, SshOpenToWorld, WidePortRange, WiderThanConfigured};
use Protocol::{All, Icmp, Tcp, Udp};
use RuleSetName::{Dns, External, Internal, Ntp, Opcua, Outbound, SmartruleApama, Ssh};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A rule as AWS holds it: no rule sets.
fn held(direction: Direction, protocol: Protocol, ports: (i32, i32), peer_text: &str) -> Rule {
    Rule {
        key: key(direction, protocol, ports, peer_text),
        description: Some("by hand".to_string()),
        rule_sets: BTreeSet::new(),
    }
}

fn tcp_in(port: i32, peer_text: &str) -> Rule {
    held(Ingress, Tcp, (port, port), peer_text)
}

fn all_in(peer_text: &str) -> Rule {
    held(Ingress, All, (-1, -1), peer_text)
}

fn all_out(peer_text: &str) -> Rule {
    held(Egress, All, (-1, -1), peer_text)
}

/// The profile's own rules, as a group built exactly to it holds them.
fn built_to(args: &FirewallArgs) -> Vec<Rule> {
    expand(args)
        .into_iter()
        .map(|r| Rule {
            rule_sets: BTreeSet::new(),
            description: Some("described by hand".to_string()),
            ..r
        })
        .collect()
}

/// Arguments with the given rule sets and the defaults `check` fills in.
fn profile(sets: &[RuleSetName]) -> FirewallArgs {
    FirewallArgs {
        rule_sets: sets.iter().copied().collect(),
        ingress_cidr_blocks: default_ingress_cidr_blocks(),
        egress_cidr_blocks: default_egress_cidr_blocks(),
        ..FirewallArgs::default()
    }
}

/// The firewall document's edge profile: external from anywhere, outbound, DNS and NTP,
/// SSH from the management network.
fn edge() -> FirewallArgs {
    FirewallArgs {
        ssh_cidr_blocks: vec![IpNet::V4(v4("10.0.100.0/24"))],
        ..profile(&[External, Outbound, Dns, Ntp, Ssh])
    }
}

/// The findings as (kind, severity, rendered rule).
fn findings(audit: &Audit) -> Vec<(FindingKind, Severity, String)> {
    audit
        .findings
        .iter()
        .map(|f| (f.kind, f.severity, f.rule.to_string()))
        .collect()
}

/// The single finding of an audit; panics unless there is exactly one.
fn only_finding(audit: &Audit) -> &super::Finding {
    assert_eq!(audit.findings.len(), 1, "{:#?}", audit.findings);
    &audit.findings[0]
}

/// Audits the edge profile against the group built to it plus `more`.
fn edge_with(more: Vec<Rule>) -> Audit {
    let mut actual = built_to(&edge());
    actual.extend(more);
    audit(&edge(), &actual)
}

fn keys(rules: &[Rule]) -> Vec<String> {
    rules.iter().map(|r| r.key.to_string()).collect()
}

// ---------------------------------------------------------------------------
// Missing and unexpected rules, compliance
// ---------------------------------------------------------------------------

#[test]
fn a_group_built_exactly_to_the_profile_is_compliant_whatever_its_descriptions() {
    let args = FirewallArgs {
        ssh_cidr_blocks: vec![IpNet::V4(v4("10.0.0.0/16"))],
        node_security_group_ids: vec!["sg-0123456789abcdef0".to_string()],
        ingress_ipv6_cidr_blocks: vec![v6("2001:db8::/32")],
        ..profile(&RuleSetName::ALL)
    };
    let result = audit(&args, &built_to(&args));
    assert_eq!(result, Audit::default());
    assert!(result.compliant());
}

#[test]
fn a_group_without_mqtt_tls_misses_exactly_that_rule() {
    let mut actual = built_to(&edge());
    actual.retain(|r| !(r.key.direction == Ingress && r.key.from_port == 8883));
    let result = audit(&edge(), &actual);
    assert_eq!(keys(&result.missing), ["ingress tcp 8883 from 0.0.0.0/0"]);
    let missing = &result.missing[0];
    assert_eq!(
        missing.rule_sets,
        [External].into(),
        "missing rules say which set wants them"
    );
    assert_eq!(missing.description.as_deref(), Some("MQTT/TLS"));
    assert!(result.unexpected.is_empty() && result.findings.is_empty());
    assert!(!result.compliant());
}

#[test]
fn an_empty_group_misses_everything() {
    let result = audit(&edge(), &[]);
    assert_eq!(result.missing, expand(&edge()));
    assert!(!result.compliant());
}

#[test]
fn a_harmless_rule_nobody_asked_for_is_unexpected_without_a_finding() {
    let result = edge_with(vec![tcp_in(8443, "192.0.2.0/24")]);
    assert_eq!(keys(&result.unexpected), ["ingress tcp 8443 from 192.0.2.0/24"]);
    assert_eq!(result.unexpected[0].description.as_deref(), Some("by hand"));
    assert!(result.missing.is_empty() && result.findings.is_empty());
    assert!(!result.compliant());
}

#[test]
fn unexpected_rules_are_sorted_once_each_with_no_rule_sets() {
    let mut stray = tcp_in(9000, "192.0.2.0/24");
    stray.rule_sets = [External].into();
    let result = audit(
        &edge(),
        &[
            tcp_in(9001, "192.0.2.0/24"),
            stray.clone(),
            stray.clone(),
            held(Egress, Udp, (514, 514), "self"),
        ],
    );
    assert_eq!(
        keys(&result.unexpected),
        [
            "ingress tcp 9000 from 192.0.2.0/24",
            "ingress tcp 9001 from 192.0.2.0/24",
            "egress udp 514 to self",
        ]
    );
    assert!(result.unexpected.iter().all(|r| r.rule_sets.is_empty()));
}

#[test]
fn rules_match_by_key_not_description() {
    let mut actual = built_to(&edge());
    for rule in &mut actual {
        rule.description = None;
    }
    assert!(audit(&edge(), &actual).compliant());
}

#[test]
fn self_and_node_groups_of_internal_are_no_finding() {
    let args = FirewallArgs {
        node_security_group_ids: vec!["sg-0123456789abcdef0".to_string()],
        ..profile(&[Internal])
    };
    let result = audit(&args, &built_to(&args));
    assert!(result.compliant() && result.findings.is_empty(), "{result:#?}");
    // All traffic from another group nobody named: unexpected, not world-open.
    let result = audit(&args, &[built_to(&args), vec![all_in("sg-0fedcba9876543210")]].concat());
    assert_eq!(keys(&result.unexpected), ["ingress all from sg-0fedcba9876543210"]);
    assert!(result.findings.is_empty());
}

// ---------------------------------------------------------------------------
// ssh_open_to_world
// ---------------------------------------------------------------------------

#[test]
fn ssh_open_to_the_world_is_an_error() {
    for world in ["0.0.0.0/0", "::/0"] {
        let result = edge_with(vec![tcp_in(22, world)]);
        let finding = only_finding(&result);
        assert_eq!(finding.kind, SshOpenToWorld);
        assert_eq!(finding.severity, Severity::Error);
        assert_eq!(finding.severity_name(), "error");
        assert_eq!(finding.rule.to_string(), format!("ingress tcp 22 from {world}"));
        assert!(finding.message.contains("SSH (TCP/22)"), "{}", finding.message);
        assert!(finding.message.contains(world), "{}", finding.message);
        assert!(!finding.message.contains("profile asks"), "{}", finding.message);
        assert_eq!(keys(&result.unexpected), [format!("ingress tcp 22 from {world}")]);
        assert!(!result.compliant());
    }
}

#[test]
fn ssh_is_found_in_any_tcp_range_covering_22_and_only_there() {
    for (from, to, found) in [
        (22, 22, true),
        (21, 22, true),
        (22, 23, true),
        (0, 65535, true),
        (0, 21, false),
        (23, 25, false),
    ] {
        let result = edge_with(vec![held(Ingress, Tcp, (from, to), "0.0.0.0/0")]);
        let ssh = result.findings.iter().find(|f| f.kind == SshOpenToWorld);
        assert_eq!(ssh.is_some(), found, "{from}-{to}: {:#?}", result.findings);
        if let Some(ssh) = ssh.filter(|_| from != to) {
            assert!(
                ssh.message
                    .contains(&format!("TCP ports {from}-{to}, SSH (22) among them")),
                "{}",
                ssh.message
            );
        }
    }
}

#[test]
fn port_22_that_is_not_ssh_from_the_world_is_no_ssh_finding() {
    for rule in [
        held(Ingress, Udp, (22, 22), "0.0.0.0/0"),
        held(Egress, Tcp, (22, 22), "0.0.0.0/0"),
        tcp_in(22, "0.0.0.0/1"),
        tcp_in(22, "::/1"),
        tcp_in(22, "pl-6ea54007"),
        tcp_in(22, "sg-0123456789abcdef0"),
    ] {
        let result = edge_with(vec![rule.clone()]);
        assert!(
            result.findings.iter().all(|f| f.kind != SshOpenToWorld),
            "{}: {:#?}",
            rule.key,
            result.findings
        );
    }
}

#[test]
fn ssh_to_the_world_asked_for_by_the_profile_is_still_an_error() {
    let args = FirewallArgs {
        ssh_cidr_blocks: vec![IpNet::V4(v4("0.0.0.0/0"))],
        ..edge()
    };
    let result = audit(&args, &built_to(&args));
    assert!(result.missing.is_empty() && result.unexpected.is_empty());
    let finding = only_finding(&result);
    assert_eq!((finding.kind, finding.severity), (SshOpenToWorld, Severity::Error));
    assert!(finding.message.contains("profile asks"), "{}", finding.message);
    assert!(!result.compliant(), "no profile makes SSH from anywhere compliant");
}

#[test]
fn ssh_wider_than_the_management_network_but_not_the_world() {
    let result = edge_with(vec![tcp_in(22, "10.0.0.0/16")]);
    let finding = only_finding(&result);
    assert_eq!((finding.kind, finding.severity), (WiderThanConfigured, Severity::Error));
    assert!(
        finding.message.contains("tcp 22 (ssh) is configured for 10.0.100.0/24"),
        "{}",
        finding.message
    );
}

// ---------------------------------------------------------------------------
// all_traffic_from_world
// ---------------------------------------------------------------------------

#[test]
fn all_traffic_from_the_world_is_one_error_not_also_ssh() {
    for world in ["0.0.0.0/0", "::/0"] {
        let result = edge_with(vec![all_in(world)]);
        let finding = only_finding(&result);
        assert_eq!(finding.kind, AllTrafficFromWorld);
        assert_eq!(finding.severity, Severity::Error);
        assert_eq!(finding.rule.to_string(), format!("ingress all from {world}"));
        assert!(finding.message.contains("SSH included"), "{}", finding.message);
        assert!(!result.compliant());
    }
}

#[test]
fn all_traffic_from_less_than_the_world_is_no_world_finding() {
    for peer_text in ["0.0.0.0/1", "::/1", "self", "sg-0123456789abcdef0", "pl-6ea54007"] {
        let result = edge_with(vec![all_in(peer_text)]);
        assert!(
            result.findings.iter().all(|f| !f.kind.always_an_error()),
            "{peer_text}: {:#?}",
            result.findings
        );
    }
}

#[test]
fn all_traffic_from_the_world_asked_for_by_an_extra_rule_is_still_an_error() {
    let args = FirewallArgs {
        extra_rules: vec![ExtraRule {
            cidr_blocks: vec![v4("0.0.0.0/0")],
            ..extra(Ingress, All, (-1, -1))
        }],
        ..edge()
    };
    let result = audit(&args, &built_to(&args));
    assert!(result.missing.is_empty() && result.unexpected.is_empty());
    assert_eq!(
        findings(&result),
        [(
            AllTrafficFromWorld,
            Severity::Error,
            "ingress all from 0.0.0.0/0".to_string()
        )]
    );
    assert!(!result.compliant());
}

// ---------------------------------------------------------------------------
// egress_to_everything
// ---------------------------------------------------------------------------

#[test]
fn the_default_allow_all_egress_is_an_error() {
    for world in ["0.0.0.0/0", "::/0"] {
        let result = edge_with(vec![all_out(world)]);
        let finding = only_finding(&result);
        assert_eq!(finding.kind, EgressToEverything);
        assert_eq!(finding.severity, Severity::Error);
        assert_eq!(finding.rule.to_string(), format!("egress all to {world}"));
        assert!(finding.message.contains("allow-all egress rule"), "{}", finding.message);
        assert_eq!(keys(&result.unexpected), [format!("egress all to {world}")]);
        assert!(!result.compliant());
    }
}

#[test]
fn egress_to_everything_asked_for_by_an_extra_rule_is_still_an_error() {
    let args = FirewallArgs {
        extra_rules: vec![ExtraRule {
            cidr_blocks: vec![v4("0.0.0.0/0")],
            ..extra(Egress, All, (-1, -1))
        }],
        ..profile(&[External])
    };
    let result = audit(&args, &built_to(&args));
    assert_eq!(
        findings(&result),
        [(
            EgressToEverything,
            Severity::Error,
            "egress all to 0.0.0.0/0".to_string()
        )]
    );
    assert!(result.findings[0].message.contains("profile asks"));
    assert!(!result.compliant());
}

#[test]
fn egress_of_all_traffic_to_less_than_everything_is_no_world_finding() {
    for peer_text in ["0.0.0.0/1", "::/1", "self", "sg-0123456789abcdef0"] {
        let result = audit(
            &profile(&[External]),
            &[built_to(&profile(&[External])), vec![all_out(peer_text)]].concat(),
        );
        assert!(result.findings.is_empty(), "{peer_text}: {:#?}", result.findings);
        assert_eq!(result.unexpected.len(), 1);
    }
}

// ---------------------------------------------------------------------------
// wide_port_range
// ---------------------------------------------------------------------------

#[test]
fn every_port_open_is_a_wide_range() {
    let result = edge_with(vec![held(Egress, Tcp, (0, 65535), "192.0.2.0/24")]);
    let finding = only_finding(&result);
    assert_eq!((finding.kind, finding.severity), (WidePortRange, Severity::Error));
    assert!(
        finding.message.starts_with("Every tcp port (0-65535) is open"),
        "{}",
        finding.message
    );
    assert!(
        finding.message.contains("No rule set or extra_rule asks"),
        "{}",
        finding.message
    );
}

#[test]
fn two_ports_are_already_a_wide_range_and_one_is_not() {
    let result = edge_with(vec![held(Ingress, Udp, (5683, 5684), "192.0.2.0/24")]);
    let finding = only_finding(&result);
    assert_eq!((finding.kind, finding.severity), (WidePortRange, Severity::Error));
    assert!(
        finding.message.starts_with("2 udp ports (5683-5684) are open"),
        "{}",
        finding.message
    );

    let result = edge_with(vec![held(Ingress, Udp, (5683, 5683), "192.0.2.0/24")]);
    assert!(result.findings.is_empty(), "{:#?}", result.findings);
}

#[test]
fn protocols_without_ports_have_no_range() {
    for rule in [
        held(Ingress, Icmp, (-1, -1), "192.0.2.0/24"),
        held(Ingress, Icmp, (3, 4), "192.0.2.0/24"),
        held(Ingress, Protocol::Number(50), (-1, -1), "192.0.2.0/24"),
        all_in("192.0.2.0/24"),
    ] {
        let result = edge_with(vec![rule.clone()]);
        assert!(result.findings.is_empty(), "{}: {:#?}", rule.key, result.findings);
    }
}

#[test]
fn a_range_the_profile_asks_for_is_a_warning_and_stays_compliant() {
    let args = FirewallArgs {
        extra_rules: vec![ExtraRule {
            cidr_blocks: vec![v4("192.0.2.0/24")],
            description: Some("integration".to_string()),
            ..extra(Ingress, Tcp, (10000, 10010))
        }],
        ..edge()
    };
    let result = audit(&args, &built_to(&args));
    let finding = only_finding(&result);
    assert_eq!((finding.kind, finding.severity), (WidePortRange, Severity::Warning));
    assert_eq!(finding.severity_name(), "warning");
    assert!(
        finding.message.starts_with("11 tcp ports (10000-10010)"),
        "{}",
        finding.message
    );
    assert!(finding.message.contains("An extra_rule asks"), "{}", finding.message);
    assert!(result.compliant(), "warnings do not affect compliance");
}

#[test]
fn every_port_from_the_world_is_both_ssh_and_a_wide_range() {
    let result = edge_with(vec![held(Ingress, Tcp, (0, 65535), "0.0.0.0/0")]);
    assert_eq!(
        findings(&result),
        [
            (
                SshOpenToWorld,
                Severity::Error,
                "ingress tcp 0-65535 from 0.0.0.0/0".to_string()
            ),
            (
                WidePortRange,
                Severity::Error,
                "ingress tcp 0-65535 from 0.0.0.0/0".to_string()
            ),
        ],
        "wider_than_configured adds nothing to a world-open finding"
    );
}

// ---------------------------------------------------------------------------
// wider_than_configured
// ---------------------------------------------------------------------------

/// External from the corporate network only, outbound to a proxy range.
fn corporate() -> FirewallArgs {
    FirewallArgs {
        ingress_cidr_blocks: vec![v4("10.0.0.0/16")],
        ingress_ipv6_cidr_blocks: vec![v6("2001:db8::/32")],
        egress_cidr_blocks: vec![v4("10.50.0.0/24")],
        ..profile(&[External, Outbound, Opcua])
    }
}

fn corporate_with(more: Vec<Rule>) -> Audit {
    let args = corporate();
    audit(&args, &[built_to(&args), more].concat())
}

#[test]
fn a_rule_sets_port_open_to_a_wider_block_is_an_error() {
    for wider in ["10.0.0.0/15", "10.0.0.0/8", "0.0.0.0/0"] {
        let result = corporate_with(vec![tcp_in(443, wider)]);
        let finding = only_finding(&result);
        assert_eq!(
            (finding.kind, finding.severity),
            (WiderThanConfigured, Severity::Error),
            "{wider}"
        );
        assert!(
            finding
                .message
                .contains(&format!("opens a documented port from {wider}")),
            "{}",
            finding.message
        );
        assert!(
            finding
                .message
                .contains("tcp 443 (external) is configured for 10.0.0.0/16"),
            "{}",
            finding.message
        );
        assert!(!result.compliant());
    }
}

#[test]
fn the_configured_block_a_narrower_one_or_a_disjoint_one_is_no_widening() {
    for (peer_text, unexpected) in [
        ("10.0.0.0/16", false),
        ("10.0.0.0/17", true),
        ("10.0.128.0/24", true),
        ("10.1.0.0/16", true),
        ("192.168.0.0/16", true),
    ] {
        let result = corporate_with(vec![tcp_in(443, peer_text)]);
        assert!(result.findings.is_empty(), "{peer_text}: {:#?}", result.findings);
        assert_eq!(result.unexpected.len(), usize::from(unexpected), "{peer_text}");
    }
}

#[test]
fn widening_is_per_family() {
    let result = corporate_with(vec![tcp_in(8883, "::/0")]);
    let finding = only_finding(&result);
    assert_eq!(finding.kind, WiderThanConfigured);
    assert!(
        finding.message.contains("is configured for 2001:db8::/32"),
        "{}",
        finding.message
    );
    assert!(!finding.message.contains("10.0.0.0/16"), "{}", finding.message);
    // An IPv6 port with no IPv6 block configured has nothing to widen.
    let result = corporate_with(vec![held(Egress, Tcp, (443, 443), "::/0")]);
    assert!(result.findings.is_empty(), "{:#?}", result.findings);
}

#[test]
fn a_range_or_all_traffic_covering_documented_ports_widens_them_all() {
    let result = corporate_with(vec![held(Ingress, Tcp, (80, 443), "10.0.0.0/8")]);
    assert_eq!(
        findings(&result).into_iter().map(|f| f.0).collect::<Vec<_>>(),
        [WidePortRange, WiderThanConfigured]
    );
    let wider = &result.findings[1].message;
    assert!(
        wider.contains("tcp 80 (external) is configured for 10.0.0.0/16; tcp 443 (external)"),
        "{wider}"
    );
    assert!(!wider.contains("1883"), "1883 is outside 80-443: {wider}");

    let result = corporate_with(vec![all_in("10.0.0.0/8")]);
    let finding = only_finding(&result);
    assert_eq!(finding.kind, WiderThanConfigured);
    for port in ["tcp 80 ", "tcp 443 ", "tcp 1883 ", "tcp 8883 ", "tcp 6670 (opcua)"] {
        assert!(finding.message.contains(port), "{port}: {}", finding.message);
    }
}

#[test]
fn egress_ports_shared_by_several_sets_name_them_all() {
    let result = corporate_with(vec![held(Egress, Tcp, (80, 80), "0.0.0.0/0")]);
    let finding = only_finding(&result);
    assert_eq!(finding.kind, WiderThanConfigured);
    assert!(
        finding
            .message
            .contains("opens a documented port to 0.0.0.0/0, wider than configured: tcp 80 (outbound, opcua) is configured for 10.50.0.0/24"),
        "{}",
        finding.message
    );
}

#[test]
fn a_port_of_another_protocol_is_not_widened() {
    // UDP 443 from anywhere, where external is TCP 443 from 10.0.0.0/16.
    let result = corporate_with(vec![held(Ingress, Udp, (443, 443), "0.0.0.0/0")]);
    assert!(result.findings.is_empty(), "{:#?}", result.findings);
}

#[test]
fn overlapping_configured_blocks_are_not_a_widening() {
    let args = FirewallArgs {
        ingress_cidr_blocks: vec![v4("10.0.0.0/8"), v4("10.1.0.0/16")],
        ..profile(&[External])
    };
    let result = audit(&args, &built_to(&args));
    assert_eq!(result, Audit::default());
}

#[test]
fn an_extra_rule_that_widens_a_rule_set_is_a_warning() {
    let args = FirewallArgs {
        extra_rules: vec![ExtraRule {
            cidr_blocks: vec![v4("10.0.0.0/8")],
            ..extra(Ingress, Tcp, (443, 443))
        }],
        ..corporate()
    };
    let result = audit(&args, &built_to(&args));
    let finding = only_finding(&result);
    assert_eq!(
        (finding.kind, finding.severity),
        (WiderThanConfigured, Severity::Warning)
    );
    assert!(
        finding.message.contains("An extra_rule asks for it"),
        "{}",
        finding.message
    );
    assert!(result.compliant());
}

// ---------------------------------------------------------------------------
// Order and names
// ---------------------------------------------------------------------------

#[test]
fn findings_are_sorted_by_rule_then_kind() {
    let result = edge_with(vec![
        all_out("0.0.0.0/0"),
        held(Ingress, Tcp, (0, 65535), "0.0.0.0/0"),
        all_in("::/0"),
        held(Ingress, Udp, (1, 2), "192.0.2.0/24"),
    ]);
    let rendered: Vec<(FindingKind, String)> = result.findings.iter().map(|f| (f.kind, f.rule.to_string())).collect();
    assert_eq!(
        rendered,
        [
            (SshOpenToWorld, "ingress tcp 0-65535 from 0.0.0.0/0".to_string()),
            (WidePortRange, "ingress tcp 0-65535 from 0.0.0.0/0".to_string()),
            (WidePortRange, "ingress udp 1-2 from 192.0.2.0/24".to_string()),
            (AllTrafficFromWorld, "ingress all from ::/0".to_string()),
            (EgressToEverything, "egress all to 0.0.0.0/0".to_string()),
        ]
    );
}

#[test]
fn kind_and_severity_names_are_stable() {
    let names: Vec<&str> = FindingKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "ssh_open_to_world",
            "all_traffic_from_world",
            "egress_to_everything",
            "wide_port_range",
            "wider_than_configured",
        ]
    );
    assert_eq!(FindingKind::SshOpenToWorld.to_string(), "ssh_open_to_world");
    assert_eq!(severity_name(Severity::Error), "error");
    assert_eq!(severity_name(Severity::Warning), "warning");
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

/// The arguments' rules as a group holds them.
fn as_held(args: &FirewallArgs) -> Vec<Rule> {
    built_to(args)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A group built exactly to any profile misses nothing and holds nothing
    /// unexpected; it is compliant unless a world-open finding says why
    /// not, and every other finding is a warning.
    #[test]
    fn a_group_built_to_its_profile_only_fails_on_world_open_rules(args in firewall_args()) {
        let result = audit(&args, &as_held(&args));
        prop_assert!(result.missing.is_empty());
        prop_assert!(result.unexpected.is_empty());
        for finding in &result.findings {
            prop_assert_eq!(
                finding.severity == Severity::Error,
                finding.kind.always_an_error(),
                "{:?}", finding
            );
        }
        prop_assert_eq!(result.compliant(), result.findings.iter().all(|f| !f.kind.always_an_error()));
    }

    /// For any profile and any group: missing and unexpected partition the
    /// difference of the key sets; every finding is about a rule the group
    /// holds; a warning is only ever about a rule the profile asks for.
    #[test]
    fn missing_and_unexpected_are_the_key_differences(
        args in firewall_args(),
        other in firewall_args(),
        keep in prop::collection::vec(any::<bool>(), 0..64),
    ) {
        let expected = expand(&args);
        let mut actual: Vec<Rule> = as_held(&args)
            .into_iter()
            .enumerate()
            .filter(|(i, _)| keep.get(*i).copied().unwrap_or(true))
            .map(|(_, r)| r)
            .collect();
        actual.extend(as_held(&other));
        let result = audit(&args, &actual);

        let expected_keys: BTreeSet<&RuleKey> = expected.iter().map(|r| &r.key).collect();
        let actual_keys: BTreeSet<&RuleKey> = actual.iter().map(|r| &r.key).collect();
        let missing: BTreeSet<&RuleKey> = result.missing.iter().map(|r| &r.key).collect();
        let unexpected: BTreeSet<&RuleKey> = result.unexpected.iter().map(|r| &r.key).collect();
        prop_assert_eq!(missing.len(), result.missing.len());
        prop_assert_eq!(unexpected.len(), result.unexpected.len());
        prop_assert_eq!(missing, expected_keys.difference(&actual_keys).copied().collect::<BTreeSet<_>>());
        prop_assert_eq!(unexpected, actual_keys.difference(&expected_keys).copied().collect::<BTreeSet<_>>());
        for finding in &result.findings {
            prop_assert!(actual_keys.contains(&finding.rule));
            if finding.severity == Severity::Warning {
                prop_assert!(expected_keys.contains(&finding.rule), "{:?}", finding);
            }
        }
        prop_assert_eq!(
            result.compliant(),
            result.missing.is_empty()
                && result.unexpected.is_empty()
                && result.findings.iter().all(|f| f.severity == Severity::Warning)
        );
    }
}

#[test]
fn every_documented_rule_set_from_anywhere_draws_no_finding() {
    // The firewall document's own tables with its "any": nothing over-permissive
    // by the audit's measure (SSH aside, which needs its own blocks).
    let args = FirewallArgs {
        ssh_cidr_blocks: vec![IpNet::V4(v4("10.0.0.0/16"))],
        ..profile(&[External, Outbound, Dns, Ntp, Opcua, SmartruleApama, Ssh, Internal])
    };
    let result = audit(&args, &built_to(&args));
    assert!(result.findings.is_empty() && result.compliant(), "{result:#?}");
}
