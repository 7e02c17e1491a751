//! Validated firewall arguments: what `check` produces from raw input and
//! what `expand` consumes. Every value here is known and well-formed.

use std::collections::BTreeSet;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use super::model::{Direction, Protocol, RuleShape};
use super::rule_set_name::RuleSetName;

/// The rule arguments shared by `data "cumulocity_firewall_rules"` and
/// `resource "cumulocity_firewall"`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FirewallArgs {
    /// `rule_sets`: the documented rule sets the firewall holds.
    pub rule_sets: BTreeSet<RuleSetName>,
    /// `ingress_cidr_blocks`: IPv4 peers of the inbound documented ports.
    pub ingress_cidr_blocks: Vec<Ipv4Net>,
    /// `ingress_ipv6_cidr_blocks`: IPv6 peers of the inbound documented ports.
    pub ingress_ipv6_cidr_blocks: Vec<Ipv6Net>,
    /// `egress_cidr_blocks`: IPv4 peers of the outbound documented ports.
    pub egress_cidr_blocks: Vec<Ipv4Net>,
    /// `egress_ipv6_cidr_blocks`: IPv6 peers of the outbound documented ports.
    pub egress_ipv6_cidr_blocks: Vec<Ipv6Net>,
    /// `ssh_cidr_blocks`: who may reach TCP/22 (`ssh`), both families in
    /// one list.
    pub ssh_cidr_blocks: Vec<IpNet>,
    /// `node_security_group_ids`: the other Cumulocity nodes' groups, peers
    /// of `internal` besides the group itself.
    pub node_security_group_ids: Vec<String>,
    /// The `extra_rule` blocks, in configuration order.
    pub extra_rules: Vec<ExtraRule>,
}

/// One `extra_rule` block: a rule the documented sets do not cover.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtraRule {
    /// `direction`: whether the rule is inbound or outbound.
    pub direction: Direction,
    /// `protocol`: a named protocol, `all`, or an IP protocol number.
    pub protocol: Protocol,
    /// Port, or ICMP type; -1 for "all" / "any".
    pub from_port: i32,
    /// Port, or ICMP code; -1 for "all" / "any".
    pub to_port: i32,
    /// `cidr_blocks`: IPv4 peers.
    pub cidr_blocks: Vec<Ipv4Net>,
    /// `ipv6_cidr_blocks`: IPv6 peers.
    pub ipv6_cidr_blocks: Vec<Ipv6Net>,
    /// `security_group_ids`: peer security groups.
    pub security_group_ids: Vec<String>,
    /// `prefix_list_ids`: peer managed prefix lists.
    pub prefix_list_ids: Vec<String>,
    /// `self`: whether the firewall's own group is a peer (`self` is a
    /// Rust keyword, hence the underscore).
    pub self_: bool,
    /// `description`: given to every rule the block becomes; `None` for
    /// none.
    pub description: Option<String>,
}

impl RuleShape for ExtraRule {
    fn shape(&self) -> (Direction, Protocol, i32, i32) {
        (self.direction, self.protocol, self.from_port, self.to_port)
    }
}

/// The default of `ingress_cidr_blocks`: `0.0.0.0/0`, the firewall
/// document's "any". The IPv6 lists default to nothing (a user opts in to
/// IPv6 explicitly).
pub fn default_ingress_cidr_blocks() -> Vec<Ipv4Net> {
    vec![Ipv4Net::default()]
}

/// The default of `egress_cidr_blocks`: `0.0.0.0/0`, as for
/// `ingress_cidr_blocks`.
pub fn default_egress_cidr_blocks() -> Vec<Ipv4Net> {
    vec![Ipv4Net::default()]
}
