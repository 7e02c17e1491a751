//! The rules a group holds, audited against an expected profile (firewall
//! arguments): which rules are missing, which are there unasked, and which
//! are over-permissive. Used by `data "cumulocity_firewall_audit"` for groups
//! that Terraform does not own.
//!
//! Rules are matched by `RuleKey`, as `diff` matches them: a description
//! that differs is no deviation.
//!
//! # Findings
//!
//! Every rule the group holds is checked for these kinds of
//! over-permissiveness (one rule may draw several):
//!
//! | kind | what |
//! | --- | --- |
//! | `ssh_open_to_world` | ingress TCP whose port range covers 22, from `0.0.0.0/0` or `::/0` |
//! | `all_traffic_from_world` | ingress of every protocol from `0.0.0.0/0` or `::/0` |
//! | `egress_to_everything` | egress of every protocol to `0.0.0.0/0` or `::/0` (the allow-all rule AWS adds to every new group) |
//! | `wide_port_range` | TCP or UDP over more than one port: every documented rule opens a single port |
//! | `wider_than_configured` | a rule set's port open to a block that strictly contains a block configured for it (configured `10.0.0.0/16`, open to `10.0.0.0/8` or `0.0.0.0/0`) |
//!
//! `wider_than_configured` is left out for a rule that already draws one of
//! the first three, which say more.
//!
//! # Severity and compliance
//!
//! The Cumulocity firewall document asks for a firewall "as restrictive as it can be", so:
//!
//! - the first three kinds are always errors, even when the profile itself
//!   asks for the rule (`ssh_cidr_blocks = ["0.0.0.0/0"]`, or an
//!   `extra_rule`): no profile makes SSH or every port open to the world, or
//!   unrestricted egress, acceptable;
//! - the last two are errors for a rule the profile does not ask for, and
//!   warnings for one it does (an `extra_rule` with a port range for an
//!   integration, say): the profile chose it, but it deserves a review.
//!
//! A group is compliant when no rule is missing, no rule is unexpected and no
//! finding is an error. Warnings do not affect compliance: by the rules
//! above, a warning is only ever about a rule the profile explicitly asks
//! for and that no error applies to.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::checked_args::FirewallArgs;
use super::expand::expand;
use super::model::{Direction, Peer, Protocol, Rule, RuleKey};
use super::problem::Severity;
use super::RuleSetName;

/// The kinds of over-permissive rule the audit reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingKind {
    /// `ssh_open_to_world`: ingress TCP covering port 22 from `0.0.0.0/0`
    /// or `::/0`.
    SshOpenToWorld,
    /// `all_traffic_from_world`: ingress of every protocol from `0.0.0.0/0`
    /// or `::/0`.
    AllTrafficFromWorld,
    /// `egress_to_everything`: egress of every protocol to `0.0.0.0/0` or
    /// `::/0`.
    EgressToEverything,
    /// `wide_port_range`: TCP or UDP over more than one port.
    WidePortRange,
    /// `wider_than_configured`: a rule set's port open to a block that
    /// strictly contains a block configured for it.
    WiderThanConfigured,
}

impl FindingKind {
    /// Every kind, in the order of the table in the module documentation.
    pub const ALL: [FindingKind; 5] = [
        FindingKind::SshOpenToWorld,
        FindingKind::AllTrafficFromWorld,
        FindingKind::EgressToEverything,
        FindingKind::WidePortRange,
        FindingKind::WiderThanConfigured,
    ];

    /// A stable name, for conditions in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::SshOpenToWorld => "ssh_open_to_world",
            FindingKind::AllTrafficFromWorld => "all_traffic_from_world",
            FindingKind::EgressToEverything => "egress_to_everything",
            FindingKind::WidePortRange => "wide_port_range",
            FindingKind::WiderThanConfigured => "wider_than_configured",
        }
    }

    /// Whether the kind is an error even for a rule the profile asks for.
    pub fn always_an_error(self) -> bool {
        matches!(
            self,
            FindingKind::SshOpenToWorld | FindingKind::AllTrafficFromWorld | FindingKind::EgressToEverything
        )
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One over-permissive rule the group holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// What kind of over-permissiveness it is.
    pub kind: FindingKind,
    /// An error, or a warning for a rule the profile asks for (see the
    /// module documentation).
    pub severity: Severity,
    /// The rule the finding is about, as the group holds it.
    pub rule: RuleKey,
    /// What is wrong and what to do, for a person.
    pub message: String,
}

impl Finding {
    /// `"error"` or `"warning"`.
    pub fn severity_name(&self) -> &'static str {
        severity_name(self.severity)
    }
}

pub(super) fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// What the audit found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Audit {
    /// Rules the profile asks for and the group lacks, as `expand` gives
    /// them (rule sets and catalogue descriptions included), sorted by key.
    pub missing: Vec<Rule>,
    /// Rules the group holds and the profile does not ask for, as the group
    /// holds them, sorted by key, each key once.
    pub unexpected: Vec<Rule>,
    /// Over-permissive rules, sorted by rule key, then kind.
    pub findings: Vec<Finding>,
}

impl Audit {
    /// No rule missing, no rule unexpected, no error finding (see the
    /// module's documentation for why warnings do not count).
    pub fn compliant(&self) -> bool {
        self.missing.is_empty()
            && self.unexpected.is_empty()
            && !self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// Audits the rules a group holds (`actual`, rule sets empty) against the
/// profile `args` (validated by `check`).
pub fn audit(args: &FirewallArgs, actual: &[Rule]) -> Audit {
    let expected = expand(args);
    let expected_keys: BTreeSet<&RuleKey> = expected.iter().map(|r| &r.key).collect();
    // A key given twice counts once, with its first description.
    let mut held: BTreeMap<&RuleKey, &Rule> = BTreeMap::new();
    for rule in actual {
        held.entry(&rule.key).or_insert(rule);
    }

    let missing = expected
        .iter()
        .filter(|r| !held.contains_key(&r.key))
        .cloned()
        .collect();
    let unexpected = held
        .values()
        .filter(|r| !expected_keys.contains(&r.key))
        .map(|r| Rule {
            rule_sets: BTreeSet::new(),
            ..(*r).clone()
        })
        .collect();

    let documented = documented_blocks(&expected);
    let mut findings = Vec::new();
    for key in held.keys() {
        let asked = expected_keys.contains(key);
        let mut world = false;
        for (kind, message) in world_findings(key, asked) {
            world = true;
            findings.push(finding(kind, key, asked, message));
        }
        if let Some(message) = wide_port_range(key, asked) {
            findings.push(finding(FindingKind::WidePortRange, key, asked, message));
        }
        if !world {
            if let Some(message) = wider_than_configured(key, asked, &documented) {
                findings.push(finding(FindingKind::WiderThanConfigured, key, asked, message));
            }
        }
    }
    findings.sort_by(|a, b| (&a.rule, a.kind).cmp(&(&b.rule, b.kind)));
    Audit {
        missing,
        unexpected,
        findings,
    }
}

fn finding(kind: FindingKind, key: &RuleKey, asked: bool, message: String) -> Finding {
    let severity = if kind.always_an_error() || !asked {
        Severity::Error
    } else {
        Severity::Warning
    };
    Finding {
        kind,
        severity,
        rule: key.clone(),
        message,
    }
}

/// Whether a peer is every address of its family.
fn is_world(peer: &Peer) -> bool {
    match peer {
        Peer::Ipv4(net) => net.prefix_len() == 0,
        Peer::Ipv6(net) => net.prefix_len() == 0,
        _ => false,
    }
}

/// What a rule the profile asks for is told besides what is wrong.
fn asked_note(asked: bool) -> &'static str {
    if asked {
        " The profile asks for this rule, but no profile makes it acceptable: change the profile too."
    } else {
        ""
    }
}

/// `ssh_open_to_world`, `all_traffic_from_world`, `egress_to_everything`.
fn world_findings(key: &RuleKey, asked: bool) -> Vec<(FindingKind, String)> {
    if !is_world(&key.peer) {
        return Vec::new();
    }
    let peer = &key.peer;
    let note = asked_note(asked);
    let mut found = Vec::new();
    match (key.direction, key.protocol) {
        (Direction::Ingress, Protocol::All) => found.push((
            FindingKind::AllTrafficFromWorld,
            format!(
                "All traffic (every protocol and port, SSH included) is allowed in from the whole internet \
                 ({peer}). The Cumulocity firewall document opens only TCP 80, 443, 1883 and 8883 (and the agents' ports) to users \
                 and devices: revoke this rule.{note}"
            ),
        )),
        (Direction::Ingress, Protocol::Tcp) if key.from_port <= 22 && 22 <= key.to_port => {
            let ports = if key.from_port == key.to_port {
                "SSH (TCP/22) is".to_string()
            } else {
                format!("TCP ports {}-{}, SSH (22) among them, are", key.from_port, key.to_port)
            };
            found.push((
                FindingKind::SshOpenToWorld,
                format!(
                    "{ports} open to the whole internet ({peer}): anyone can try to log in. The Cumulocity firewall document keeps SSH \
                     for management purposes: allow it only from your management network or a bastion host \
                     (ssh_cidr_blocks).{note}"
                ),
            ));
        }
        (Direction::Egress, Protocol::All) => found.push((
            FindingKind::EgressToEverything,
            format!(
                "All traffic is allowed out to the whole internet ({peer}), on every protocol and port: this \
                 is the allow-all egress rule AWS adds to every new group. The Cumulocity firewall document allows out only HTTP, \
                 HTTPS and SMTP (and DNS and NTP where needed): revoke this rule.{note}"
            ),
        )),
        _ => {}
    }
    found
}

/// `wide_port_range`: TCP or UDP over more than one port.
fn wide_port_range(key: &RuleKey, asked: bool) -> Option<String> {
    if !key.protocol.has_ports() || key.to_port <= key.from_port {
        return None;
    }
    let (from, to, protocol) = (key.from_port, key.to_port, key.protocol);
    let what = if from == 0 && to == 65535 {
        format!("Every {protocol} port (0-65535) is open")
    } else {
        format!("{} {protocol} ports ({from}-{to}) are open", to - from + 1)
    };
    let advice = if asked {
        "An extra_rule asks for this range: make sure the integration needs every port in it."
    } else {
        "No rule set or extra_rule asks for this range: revoke it, or narrow it to the ports an \
         integration needs."
    };
    Some(format!(
        "{what}, where every documented rule opens a single port. {advice}"
    ))
}

/// One port of a documented rule set and the blocks configured for it.
struct DocumentedPort {
    key: RuleKey,
    rule_sets: BTreeSet<RuleSetName>,
    blocks: Vec<Peer>,
}

/// The documented ports with CIDR peers, each with every block configured
/// for it: `(direction, protocol, from, to)` -> port.
fn documented_blocks(expected: &[Rule]) -> Vec<DocumentedPort> {
    let mut ports: BTreeMap<(Direction, Protocol, i32, i32), DocumentedPort> = BTreeMap::new();
    for rule in expected {
        if rule.rule_sets.is_empty() || !matches!(rule.key.peer, Peer::Ipv4(_) | Peer::Ipv6(_)) {
            continue;
        }
        let k = &rule.key;
        let port = ports
            .entry((k.direction, k.protocol, k.from_port, k.to_port))
            .or_insert_with(|| DocumentedPort {
                key: k.clone(),
                rule_sets: BTreeSet::new(),
                blocks: Vec::new(),
            });
        port.rule_sets.extend(rule.rule_sets.iter().copied());
        port.blocks.push(k.peer.clone());
    }
    ports.into_values().collect()
}

/// Whether `rule` lets through the traffic of the documented `port`.
fn covers(rule: &RuleKey, port: &RuleKey) -> bool {
    rule.direction == port.direction
        && match rule.protocol {
            Protocol::All => true,
            protocol => {
                protocol == port.protocol
                    && protocol.has_ports()
                    && rule.from_port <= port.from_port
                    && port.to_port <= rule.to_port
            }
        }
}

/// Whether `wide` is a block of the same family that strictly contains
/// `narrow`.
fn strictly_contains(wide: &Peer, narrow: &Peer) -> bool {
    match (wide, narrow) {
        (Peer::Ipv4(w), Peer::Ipv4(n)) => w.prefix_len() < n.prefix_len() && w.contains(&n.network()),
        (Peer::Ipv6(w), Peer::Ipv6(n)) => w.prefix_len() < n.prefix_len() && w.contains(&n.network()),
        _ => false,
    }
}

/// `wider_than_configured`: the rule opens a documented port to a block
/// that strictly contains one configured for that port, and is not itself
/// configured for it.
fn wider_than_configured(key: &RuleKey, asked: bool, documented: &[DocumentedPort]) -> Option<String> {
    let widened: Vec<String> = documented
        .iter()
        .filter(|port| covers(key, &port.key) && !port.blocks.contains(&key.peer))
        .filter_map(|port| {
            let narrower: Vec<String> = port
                .blocks
                .iter()
                .filter(|block| strictly_contains(&key.peer, block))
                .map(ToString::to_string)
                .collect();
            (!narrower.is_empty()).then(|| {
                let sets: Vec<&str> = port.rule_sets.iter().map(|s| s.as_str()).collect();
                format!(
                    "{} {} ({}) is configured for {}",
                    port.key.protocol,
                    port.key.from_port,
                    sets.join(", "),
                    narrower.join(", ")
                )
            })
        })
        .collect();
    if widened.is_empty() {
        return None;
    }
    let towards = match key.direction {
        Direction::Ingress => "from",
        Direction::Egress => "to",
    };
    let advice = if asked {
        "An extra_rule asks for it, which undoes the narrower blocks the rule set is configured with: \
         narrow the extra_rule, or widen the rule set's blocks on purpose."
    } else {
        "Revoke it: the rule set's ports should be open only to the configured blocks."
    };
    Some(format!(
        "This rule opens a documented port {towards} {}, wider than configured: {}. {advice}",
        key.peer,
        widened.join("; ")
    ))
}
