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

mod compliance;
mod order_and_properties;
mod wide;
mod world_open;
