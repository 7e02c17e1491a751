//! audit tests: Missing and unexpected rules, compliance.

use super::*;

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
