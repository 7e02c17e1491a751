//! audit tests: wide_port_range; wider_than_configured.

use super::*;

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
