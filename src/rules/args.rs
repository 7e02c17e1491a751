//! Validated firewall arguments: what `check` produces from raw input and
//! what `expand` consumes. Every value here is known and well-formed.

use std::collections::BTreeSet;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use super::catalog::RuleSetName;
use super::model::{Direction, Peer, Protocol, RuleKey};

/// The rule arguments shared by `data "cumulocity_firewall_rules"` and
/// `resource "cumulocity_firewall"`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FirewallArgs {
    pub rule_sets: BTreeSet<RuleSetName>,
    pub ingress_cidr_blocks: Vec<Ipv4Net>,
    pub ingress_ipv6_cidr_blocks: Vec<Ipv6Net>,
    pub egress_cidr_blocks: Vec<Ipv4Net>,
    pub egress_ipv6_cidr_blocks: Vec<Ipv6Net>,
    pub ssh_cidr_blocks: Vec<IpNet>,
    pub node_security_group_ids: Vec<String>,
    pub extra_rules: Vec<ExtraRule>,
}

/// One `extra_rule` block: a rule the documented sets do not cover.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtraRule {
    pub direction: Direction,
    pub protocol: Protocol,
    /// Port, or ICMP type; -1 for "all" / "any".
    pub from_port: i32,
    /// Port, or ICMP code; -1 for "all" / "any".
    pub to_port: i32,
    pub cidr_blocks: Vec<Ipv4Net>,
    pub ipv6_cidr_blocks: Vec<Ipv6Net>,
    pub security_group_ids: Vec<String>,
    pub prefix_list_ids: Vec<String>,
    pub self_: bool,
    pub description: Option<String>,
}

impl ExtraRule {
    /// This rule's key with `peer` (one of its peers) as its peer.
    pub fn key(&self, peer: Peer) -> RuleKey {
        RuleKey {
            direction: self.direction,
            protocol: self.protocol,
            from_port: self.from_port,
            to_port: self.to_port,
            peer,
        }
    }
}

/// The defaults of the CIDR arguments: the firewall document's "any" for IPv4, nothing
/// for IPv6 (a user opts in to IPv6 explicitly).
pub fn default_ingress_cidr_blocks() -> Vec<Ipv4Net> {
    vec![Ipv4Net::default()]
}

pub fn default_egress_cidr_blocks() -> Vec<Ipv4Net> {
    vec![Ipv4Net::default()]
}
