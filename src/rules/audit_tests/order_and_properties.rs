//! audit tests: Order and names; Properties.

use super::*;

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
