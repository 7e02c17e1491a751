//! Firewall arguments -> the exact set of desired rules.
//!
//! The output is sorted by `RuleKey` and holds each key once: a rule that two
//! rule sets ask for (outbound HTTP and the agents' outbound HTTP, say)
//! appears once and remembers both sets. The same arguments always give the
//! same list, so plans are stable.

use std::collections::{BTreeMap, BTreeSet};

use ipnet::IpNet;

use super::catalog::{CatalogRule, PeerSource};
use super::checked_args::{ExtraRule, FirewallArgs};
use super::model::{Direction, Peer, Rule, RuleKey, RuleShape};
use super::rule_set_name::RuleSetName;

/// Expands arguments into rules, ordered and without duplicates.
pub fn expand(args: &FirewallArgs) -> Vec<Rule> {
    let mut rules = RuleAccumulator::default();
    for &set in &args.rule_sets {
        for catalog_rule in set.rules() {
            for peer in catalog_peers(args, catalog_rule) {
                rules.add_documented(set, catalog_rule, peer);
            }
        }
    }
    for extra in &args.extra_rules {
        for peer in extra_peers(extra) {
            rules.add_extra(extra, peer);
        }
    }
    rules.finish()
}

/// The peers a catalogue rule gets from the arguments.
fn catalog_peers(args: &FirewallArgs, rule: &CatalogRule) -> Vec<Peer> {
    match rule.peers {
        PeerSource::IngressBlocks => cidr_peers(&args.ingress_cidr_blocks, &args.ingress_ipv6_cidr_blocks),
        PeerSource::EgressBlocks => cidr_peers(&args.egress_cidr_blocks, &args.egress_ipv6_cidr_blocks),
        PeerSource::SshBlocks => args
            .ssh_cidr_blocks
            .iter()
            .map(|net| match net {
                IpNet::V4(v4) => Peer::Ipv4(*v4),
                IpNet::V6(v6) => Peer::Ipv6(*v6),
            })
            .collect(),
        PeerSource::Nodes => std::iter::once(Peer::SelfGroup)
            .chain(args.node_security_group_ids.iter().cloned().map(Peer::SecurityGroup))
            .collect(),
    }
}

fn cidr_peers(v4: &[ipnet::Ipv4Net], v6: &[ipnet::Ipv6Net]) -> Vec<Peer> {
    v4.iter()
        .map(|n| Peer::Ipv4(*n))
        .chain(v6.iter().map(|n| Peer::Ipv6(*n)))
        .collect()
}

/// The peers of an `extra_rule` block, in the block's own order.
pub fn extra_peers(extra: &ExtraRule) -> Vec<Peer> {
    let mut peers = cidr_peers(&extra.cidr_blocks, &extra.ipv6_cidr_blocks);
    peers.extend(extra.prefix_list_ids.iter().cloned().map(Peer::PrefixList));
    peers.extend(extra.security_group_ids.iter().cloned().map(Peer::SecurityGroup));
    if extra.self_ {
        peers.push(Peer::SelfGroup);
    }
    peers
}

/// Collects rules by key, merging what several sources ask for.
#[derive(Default)]
struct RuleAccumulator {
    by_key: BTreeMap<RuleKey, Pending>,
}

/// A rule under construction: the sets that want it and the descriptions
/// they give, in the order given (descriptions repeat across sets: "HTTP"
/// from outbound must not appear twice).
#[derive(Default)]
struct Pending {
    rule_sets: BTreeSet<RuleSetName>,
    descriptions: Vec<String>,
}

impl RuleAccumulator {
    fn add_documented(&mut self, set: RuleSetName, rule: &CatalogRule, peer: Peer) {
        let pending = self.by_key.entry(rule.key(peer)).or_default();
        pending.rule_sets.insert(set);
        if !pending.descriptions.iter().any(|d| d == rule.service) {
            pending.descriptions.push(rule.service.to_string());
        }
    }

    /// An extra rule that repeats a key keeps the first description: `check`
    /// reports such repeats as errors, so this only keeps `expand` total.
    fn add_extra(&mut self, extra: &ExtraRule, peer: Peer) {
        let pending = self.by_key.entry(extra.key(peer)).or_default();
        if pending.descriptions.is_empty() {
            pending.descriptions.extend(extra.description.clone());
        }
    }

    fn finish(self) -> Vec<Rule> {
        self.by_key
            .into_iter()
            .map(|(key, pending)| Rule {
                key,
                description: (!pending.descriptions.is_empty()).then(|| pending.descriptions.join(", ")),
                rule_sets: pending.rule_sets,
            })
            .collect()
    }
}

/// How many rules of each direction a rule list holds.
pub fn count(rules: &[Rule], direction: Direction) -> usize {
    rules.iter().filter(|r| r.key.direction == direction).count()
}
