//! audit tests: ssh_open_to_world; all_traffic_from_world; egress_to_everything.

use super::*;

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
