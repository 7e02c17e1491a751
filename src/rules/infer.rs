//! The rules a security group holds -> the firewall arguments that stand for
//! them: used when a user imports a hand-made group, so that the generated
//! configuration names rule sets rather than listing every rule.
//!
//! Inference is sound before it is clever: `expand` of the inferred
//! arguments gives back exactly the keys of the rules the group holds, no
//! more and no fewer, and the `extra_rule` blocks keep the descriptions the
//! group's rules have. A documented rule set is claimed only when all of its
//! rules are there for every peer it would be given; what no set claims
//! becomes an `extra_rule`.
//!
//! The rule sets that take their peers from the shared CIDR arguments
//! (`external`, `outbound`, `dns`, `ntp`, `opcua`, `smartrule-apama`) are
//! chosen together: `opcua` and `smartrule-apama` use both the ingress and
//! the egress blocks, and `outbound`, `opcua` and `smartrule-apama` share
//! egress TCP/80, so choosing one set changes which blocks the others may
//! use. Every combination (64) is tried, each with the largest blocks it can
//! claim, and the one covering the most rules wins. `ssh` and `internal` use
//! arguments of their own and peers no other set uses, so they are decided
//! on their own.

use std::collections::{BTreeMap, BTreeSet};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use super::arg_names;
use super::catalog::PeerSource;
use super::checked_args::{self, ExtraRule, FirewallArgs};
use super::expand::expand;
use super::model::{Direction, Peer, Protocol, Rule, RuleKey, RuleShape};
use super::rule_set_name::RuleSetName;

/// What `infer` found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inferred {
    /// Arguments whose expansion is exactly the group's rules.
    ///
    /// `FirewallArgs` cannot say "absent", so every list holds a value; which
    /// of them configuration should write out is told by `explicit`.
    pub args: FirewallArgs,
    /// True when every rule the inferred rule sets claim already has the
    /// catalogue's description (so the resource can manage descriptions);
    /// false when hand-made descriptions differ (the resource will then be
    /// told to leave existing rules' descriptions alone). True when no rule
    /// set is claimed at all.
    pub catalog_descriptions: bool,
    /// The optional list arguments configuration must write out, by name:
    /// `ingress_cidr_blocks`, `ingress_ipv6_cidr_blocks`,
    /// `egress_cidr_blocks`, `egress_ipv6_cidr_blocks`, `ssh_cidr_blocks`,
    /// `node_security_group_ids`.
    ///
    /// A list not named here is to be left out of configuration, and its
    /// value in `args` is then the one `check` assumes when it is absent.
    /// That is so in two cases:
    /// - the list holds its default: `["0.0.0.0/0"]` for the IPv4 ingress
    ///   and egress blocks, empty for every other list;
    /// - no chosen rule set uses the list (no set takes ingress blocks, say):
    ///   `args` then holds the default, and writing the list would draw
    ///   `check`'s "… is not used" warning.
    ///
    /// `rule_sets` (required) and the `extra_rule` blocks are always written
    /// and never named here.
    pub explicit: BTreeSet<&'static str>,
}

/// The rule sets whose peers come from the shared ingress and egress CIDR
/// arguments; they are chosen together.
fn block_sets() -> Vec<RuleSetName> {
    RuleSetName::ALL
        .into_iter()
        .filter(|s| s.uses(PeerSource::IngressBlocks) || s.uses(PeerSource::EgressBlocks))
        .collect()
}

/// Infers firewall arguments from the rules a group holds (`rule_sets`
/// empty, descriptions as AWS holds them; an empty description counts as
/// none). A key given twice counts once, with its first description.
///
/// Rules that configuration cannot express are still reproduced by
/// `expand`, but `check` will object to them: ports on a protocol other
/// than TCP, UDP and ICMP, ICMP with a peer of the other address family,
/// a protocol number that has a name (`Number(6)`, which AWS reports as
/// `tcp`), ids or descriptions AWS would not accept. AWS never holds such
/// rules. An empty group gives empty arguments (no rule set, no extra
/// rule): an empty firewall, which `check` accepts.
pub fn infer(actual: &[Rule]) -> Inferred {
    let mut held: BTreeMap<&RuleKey, Option<&str>> = BTreeMap::new();
    for rule in actual {
        held.entry(&rule.key)
            .or_insert_with(|| rule.description.as_deref().filter(|d| !d.is_empty()));
    }

    let mut args = best_block_sets(&held);
    infer_ssh(&held, &mut args);
    infer_internal(&held, &mut args);

    let documented = expand(&args);
    let claimed: BTreeSet<&RuleKey> = documented.iter().map(|r| &r.key).collect();
    let catalog_descriptions = documented
        .iter()
        .all(|r| held.get(&r.key).copied().flatten() == r.description.as_deref());

    args.extra_rules = extra_rules(
        held.iter()
            .filter(|(key, _)| !claimed.contains(*key))
            .map(|(&key, &description)| (key, description)),
    );
    let explicit = explicit_lists(&args);
    Inferred {
        args,
        catalog_descriptions,
        explicit,
    }
}

/// How good one choice of block sets is; greater is better: the rules it
/// covers, then the sets it names, then the covered rules whose description
/// is already the catalogue's.
type Score = (usize, usize, usize);

/// Tries every combination of the block sets, each with the largest blocks
/// it may claim, and keeps the first best (combinations are tried in a fixed
/// order, so the choice is deterministic). The result holds no `ssh`,
/// `internal` or extra rules yet.
fn best_block_sets(held: &BTreeMap<&RuleKey, Option<&str>>) -> FirewallArgs {
    let mut best: Option<(Score, FirewallArgs)> = None;
    let block_sets = block_sets();
    for mask in 0u32..(1 << block_sets.len()) {
        let sets: BTreeSet<RuleSetName> = block_sets
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, &set)| set)
            .collect();
        let Some(candidate) = with_blocks(held, sets) else {
            continue;
        };
        let rules = expand(&candidate);
        let matching = rules
            .iter()
            .filter(|r| held.get(&r.key).copied().flatten() == r.description.as_deref())
            .count();
        let score = (rules.len(), candidate.rule_sets.len(), matching);
        if best.as_ref().is_none_or(|(best_score, _)| score > *best_score) {
            best = Some((score, candidate));
        }
    }
    // The empty combination always qualifies, so `best` is set; the default
    // keeps this total all the same.
    best.map(|(_, args)| args).unwrap_or_default()
}

/// The arguments for `sets` with the largest blocks they may claim: the
/// CIDR peers for which every rule of `sets` on that side is held. `None`
/// when a side the sets use has no such peer (the sets are not there).
fn with_blocks(held: &BTreeMap<&RuleKey, Option<&str>>, sets: BTreeSet<RuleSetName>) -> Option<FirewallArgs> {
    let (ingress_v4, ingress_v6) = match blocks(held, &sets, PeerSource::IngressBlocks, Direction::Ingress) {
        Some((v4, v6)) if v4.is_empty() && v6.is_empty() => return None,
        Some(blocks) => blocks,
        None => (checked_args::default_ingress_cidr_blocks(), Vec::new()),
    };
    let (egress_v4, egress_v6) = match blocks(held, &sets, PeerSource::EgressBlocks, Direction::Egress) {
        Some((v4, v6)) if v4.is_empty() && v6.is_empty() => return None,
        Some(blocks) => blocks,
        None => (checked_args::default_egress_cidr_blocks(), Vec::new()),
    };
    Some(FirewallArgs {
        rule_sets: sets,
        ingress_cidr_blocks: ingress_v4,
        ingress_ipv6_cidr_blocks: ingress_v6,
        egress_cidr_blocks: egress_v4,
        egress_ipv6_cidr_blocks: egress_v6,
        ..FirewallArgs::default()
    })
}

/// The IPv4 and IPv6 blocks on which every rule of `sets` with peers from
/// `source` is held, in order; `None` when no rule of `sets` uses `source`.
fn blocks(
    held: &BTreeMap<&RuleKey, Option<&str>>,
    sets: &BTreeSet<RuleSetName>,
    source: PeerSource,
    direction: Direction,
) -> Option<(Vec<Ipv4Net>, Vec<Ipv6Net>)> {
    let rules: Vec<_> = sets
        .iter()
        .flat_map(|s| s.rules())
        .filter(|r| r.peers == source)
        .collect();
    if rules.is_empty() {
        return None;
    }
    let candidates: BTreeSet<&Peer> = held
        .keys()
        .filter(|k| k.direction == direction && matches!(k.peer, Peer::Ipv4(_) | Peer::Ipv6(_)))
        .map(|k| &k.peer)
        .collect();
    let (mut v4, mut v6) = (Vec::new(), Vec::new());
    for peer in candidates {
        let complete = rules.iter().all(|r| held.contains_key(&r.key(peer.clone())));
        match peer {
            Peer::Ipv4(net) if complete => v4.push(*net),
            Peer::Ipv6(net) if complete => v6.push(*net),
            _ => {}
        }
    }
    Some((v4, v6))
}

/// `ssh` with every CIDR block (either family) that ingress TCP/22 is
/// open to, if any is.
fn infer_ssh(held: &BTreeMap<&RuleKey, Option<&str>>, args: &mut FirewallArgs) {
    let documented = RuleSetName::Ssh.rules();
    let ssh: Vec<IpNet> = held
        .keys()
        .filter(|k| documented.iter().any(|r| r.key(k.peer.clone()) == ***k))
        .filter_map(|k| match &k.peer {
            Peer::Ipv4(net) => Some(IpNet::V4(*net)),
            Peer::Ipv6(net) => Some(IpNet::V6(*net)),
            _ => None,
        })
        .collect();
    if !ssh.is_empty() {
        args.rule_sets.insert(RuleSetName::Ssh);
        args.ssh_cidr_blocks = ssh;
    }
}

/// `internal` when all traffic is allowed both from and to the group
/// itself; its nodes are the other groups all traffic is allowed both from
/// and to. A group allowed one way only stays an extra rule.
fn infer_internal(held: &BTreeMap<&RuleKey, Option<&str>>, args: &mut FirewallArgs) {
    // The documented rules (all traffic in and out), each held for `peer`.
    let documented = RuleSetName::Internal.rules();
    let held_for = |peer: &Peer| documented.iter().all(|r| held.contains_key(&r.key(peer.clone())));
    if !held_for(&Peer::SelfGroup) {
        return;
    }
    args.rule_sets.insert(RuleSetName::Internal);
    // Each node once: from the rules of the first documented direction.
    let first = &documented[0];
    args.node_security_group_ids = held
        .keys()
        .filter(|k| first.key(k.peer.clone()) == ***k)
        .filter_map(|k| match &k.peer {
            Peer::SecurityGroup(id) if held_for(&k.peer) => Some(id.clone()),
            _ => None,
        })
        .collect();
}

/// What makes rules share one `extra_rule` block: everything but the peer.
type BlockKey = (Direction, Protocol, i32, i32, Option<String>);

/// The rules no set claims as `extra_rule` blocks: one per direction,
/// protocol, port range and description, holding all of its peers, in the
/// order of those fields.
fn extra_rules<'a>(left: impl Iterator<Item = (&'a RuleKey, Option<&'a str>)>) -> Vec<ExtraRule> {
    let mut blocks: BTreeMap<BlockKey, ExtraRule> = BTreeMap::new();
    for (key, description) in left {
        let description = description.map(str::to_string);
        let block = blocks
            .entry((
                key.direction,
                key.protocol,
                key.from_port,
                key.to_port,
                description.clone(),
            ))
            .or_insert_with(|| ExtraRule {
                direction: key.direction,
                protocol: key.protocol,
                from_port: key.from_port,
                to_port: key.to_port,
                cidr_blocks: Vec::new(),
                ipv6_cidr_blocks: Vec::new(),
                security_group_ids: Vec::new(),
                prefix_list_ids: Vec::new(),
                self_: false,
                description,
            });
        match &key.peer {
            Peer::Ipv4(net) => block.cidr_blocks.push(*net),
            Peer::Ipv6(net) => block.ipv6_cidr_blocks.push(*net),
            Peer::PrefixList(id) => block.prefix_list_ids.push(id.clone()),
            Peer::SecurityGroup(id) => block.security_group_ids.push(id.clone()),
            Peer::SelfGroup => block.self_ = true,
        }
    }
    blocks.into_values().collect()
}

/// See [`Inferred::explicit`].
fn explicit_lists(args: &FirewallArgs) -> BTreeSet<&'static str> {
    let uses = |source: PeerSource| args.rule_sets.iter().any(|s| s.uses(source));
    let mut explicit = BTreeSet::new();
    if uses(PeerSource::IngressBlocks) {
        if args.ingress_cidr_blocks != checked_args::default_ingress_cidr_blocks() {
            explicit.insert(arg_names::INGRESS_CIDR_BLOCKS);
        }
        if !args.ingress_ipv6_cidr_blocks.is_empty() {
            explicit.insert(arg_names::INGRESS_IPV6_CIDR_BLOCKS);
        }
    }
    if uses(PeerSource::EgressBlocks) {
        if args.egress_cidr_blocks != checked_args::default_egress_cidr_blocks() {
            explicit.insert(arg_names::EGRESS_CIDR_BLOCKS);
        }
        if !args.egress_ipv6_cidr_blocks.is_empty() {
            explicit.insert(arg_names::EGRESS_IPV6_CIDR_BLOCKS);
        }
    }
    if !args.ssh_cidr_blocks.is_empty() {
        explicit.insert(arg_names::SSH_CIDR_BLOCKS);
    }
    if !args.node_security_group_ids.is_empty() {
        explicit.insert(arg_names::NODE_SECURITY_GROUP_IDS);
    }
    explicit
}
