//! The names of the rule arguments, as a configuration writes them. One
//! spelling, shared by validation (the attribute paths of problems),
//! inference (which arguments import writes out) and the provider's schemas,
//! so that a diagnostic can never name an attribute the schema does not have.

/// `rule_sets`: the documented rule sets a firewall holds.
pub const RULE_SETS: &str = "rule_sets";
/// `ingress_cidr_blocks`: IPv4 peers of the inbound documented ports.
pub const INGRESS_CIDR_BLOCKS: &str = "ingress_cidr_blocks";
/// `ingress_ipv6_cidr_blocks`: IPv6 peers of the inbound documented ports.
pub const INGRESS_IPV6_CIDR_BLOCKS: &str = "ingress_ipv6_cidr_blocks";
/// `egress_cidr_blocks`: IPv4 peers of the outbound documented ports.
pub const EGRESS_CIDR_BLOCKS: &str = "egress_cidr_blocks";
/// `egress_ipv6_cidr_blocks`: IPv6 peers of the outbound documented ports.
pub const EGRESS_IPV6_CIDR_BLOCKS: &str = "egress_ipv6_cidr_blocks";
/// `ssh_cidr_blocks`: who may reach TCP/22 (`ssh`).
pub const SSH_CIDR_BLOCKS: &str = "ssh_cidr_blocks";
/// `node_security_group_ids`: the other nodes' groups (`internal`).
pub const NODE_SECURITY_GROUP_IDS: &str = "node_security_group_ids";
/// `extra_rule`: the block of a rule the documented sets do not cover.
pub const EXTRA_RULE: &str = "extra_rule";

/// The rule arguments, one name each, in the order of `FirewallArgs`'s fields.
pub const RULE_ARGUMENTS: [&str; 8] = [
    RULE_SETS,
    INGRESS_CIDR_BLOCKS,
    INGRESS_IPV6_CIDR_BLOCKS,
    EGRESS_CIDR_BLOCKS,
    EGRESS_IPV6_CIDR_BLOCKS,
    SSH_CIDR_BLOCKS,
    NODE_SECURITY_GROUP_IDS,
    EXTRA_RULE,
];

/// The attributes of an `extra_rule` block.
pub mod extra_rule {
    /// `ingress` or `egress`.
    pub const DIRECTION: &str = "direction";
    /// `tcp`, `udp`, `icmp`, `icmpv6` or `all`.
    pub const PROTOCOL: &str = "protocol";
    /// First port (or ICMP type).
    pub const FROM_PORT: &str = "from_port";
    /// Last port (or ICMP code).
    pub const TO_PORT: &str = "to_port";
    /// IPv4 peers.
    pub const CIDR_BLOCKS: &str = "cidr_blocks";
    /// IPv6 peers.
    pub const IPV6_CIDR_BLOCKS: &str = "ipv6_cidr_blocks";
    /// Peer security groups.
    pub const SECURITY_GROUP_IDS: &str = "security_group_ids";
    /// Peer prefix lists.
    pub const PREFIX_LIST_IDS: &str = "prefix_list_ids";
    /// The firewall's own group as a peer.
    pub const SELF: &str = "self";
    /// The rule's description.
    pub const DESCRIPTION: &str = "description";
}
