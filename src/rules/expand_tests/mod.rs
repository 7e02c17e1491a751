//! Unit and property tests of `expand`.
//!
//! The expected rules here are written out by hand, and the property tests
//! use their own transcription of the rule-set table (`TABLE`), not the
//! catalogue, so that a mistake in either shows up as a disagreement.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use ipnet::IpNet;
use proptest::prelude::*;

use super::checked_args::{default_egress_cidr_blocks, default_ingress_cidr_blocks};
use super::expand::count;
use super::test_support::*;
use super::{
    check, expand, Direction, ExtraRule, FirewallArgs, FirewallInput, Maybe, Peer, Protocol, Rule, RuleKey, RuleSetName,
};

use Direction::{Egress, Ingress};
use Protocol::{All, Icmp, Icmpv6, Tcp, Udp};
use RuleSetName::{Dns, External, Internal, Ntp, Opcua, Outbound, SmartruleApama, Ssh};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn p4(text: &str) -> Peer {
    Peer::Ipv4(v4(text))
}

fn p6(text: &str) -> Peer {
    Peer::Ipv6(v6(text))
}

fn sg(id: &str) -> Peer {
    Peer::SecurityGroup(id.to_string())
}

/// The arguments `check` produces for the given sets when every CIDR list is
/// absent: IPv4 "any" on both sides, nothing else.
fn with_defaults(sets: &[RuleSetName]) -> FirewallArgs {
    FirewallArgs {
        rule_sets: sets.iter().copied().collect(),
        ingress_cidr_blocks: default_ingress_cidr_blocks(),
        egress_cidr_blocks: default_egress_cidr_blocks(),
        ..FirewallArgs::default()
    }
}

fn rule(
    direction: Direction,
    protocol: Protocol,
    ports: (i32, i32),
    peer: Peer,
    description: &str,
    sets: &[RuleSetName],
) -> Rule {
    Rule {
        key: RuleKey {
            direction,
            protocol,
            from_port: ports.0,
            to_port: ports.1,
            peer,
        },
        description: Some(description.to_string()),
        rule_sets: sets.iter().copied().collect(),
    }
}

fn extra_rule_of(
    direction: Direction,
    protocol: Protocol,
    ports: (i32, i32),
    peer: Peer,
    description: Option<&str>,
) -> Rule {
    Rule {
        description: description.map(str::to_string),
        ..rule(direction, protocol, ports, peer, "", &[])
    }
}

/// Compares rule lists one by one, so a failure names the first difference.
fn assert_rules(actual: &[Rule], expected: &[Rule]) {
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert_eq!(a, e, "rule {i} differs");
    }
    assert_eq!(actual.len(), expected.len(), "rule count differs: actual {actual:#?}");
}

fn keys(rules: &[Rule]) -> Vec<RuleKey> {
    rules.iter().map(|r| r.key.clone()).collect()
}

fn assert_sorted_and_unique(rules: &[Rule]) {
    for pair in rules.windows(2) {
        assert!(
            pair[0].key < pair[1].key,
            "not strictly ascending: {} then {}",
            pair[0].key,
            pair[1].key
        );
    }
    let distinct: HashSet<&RuleKey> = rules.iter().map(|r| &r.key).collect();
    assert_eq!(distinct.len(), rules.len(), "duplicate keys");
}

mod extra_rules;
mod properties;
mod rule_sets;
