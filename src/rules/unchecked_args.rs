//! Raw rule arguments as a configuration gives them, before validation.
//!
//! At validate and plan time any value may still be unknown (it comes from a
//! resource not yet created) or absent, so every field says which. The
//! provider layer fills these from Terraform's values; the core never sees a
//! Terraform type.

/// A configuration value: absent (null), not yet known, or known.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Maybe<T> {
    /// Null or left out: the argument's default applies, if it has one.
    #[default]
    Absent,
    /// Not known until apply: it comes from a resource not yet created.
    Unknown,
    /// The value the configuration gives.
    Known(T),
}

impl<T> Maybe<T> {
    /// The value, if it is known.
    pub fn known(&self) -> Option<&T> {
        match self {
            Maybe::Known(v) => Some(v),
            _ => None,
        }
    }

    /// Whether the value is not known yet.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Maybe::Unknown)
    }

    /// Whether the configuration leaves the value out (or sets it to null).
    pub fn is_absent(&self) -> bool {
        matches!(self, Maybe::Absent)
    }
}

/// A list argument whose elements may each be unknown.
pub type MaybeList<T> = Maybe<Vec<Maybe<T>>>;

/// The rule arguments of a firewall, unvalidated.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FirewallInput {
    /// `rule_sets`: names, not yet known to be documented rule sets.
    pub rule_sets: MaybeList<String>,
    /// `ingress_cidr_blocks`, unparsed.
    pub ingress_cidr_blocks: MaybeList<String>,
    /// `ingress_ipv6_cidr_blocks`, unparsed.
    pub ingress_ipv6_cidr_blocks: MaybeList<String>,
    /// `egress_cidr_blocks`, unparsed.
    pub egress_cidr_blocks: MaybeList<String>,
    /// `egress_ipv6_cidr_blocks`, unparsed.
    pub egress_ipv6_cidr_blocks: MaybeList<String>,
    /// `ssh_cidr_blocks`, unparsed; either family.
    pub ssh_cidr_blocks: MaybeList<String>,
    /// `node_security_group_ids`, unparsed.
    pub node_security_group_ids: MaybeList<String>,
    /// The `extra_rule` blocks; the list as a whole may be unknown (a
    /// `dynamic` block over a value not yet known).
    pub extra_rules: Maybe<Vec<ExtraRuleInput>>,
}

/// One `extra_rule` block, unvalidated. Ports arrive as Terraform numbers,
/// which need not be whole.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExtraRuleInput {
    /// `direction`, unparsed.
    pub direction: Maybe<String>,
    /// `protocol`: a name or a number, unparsed.
    pub protocol: Maybe<String>,
    /// `from_port`, as a Terraform number.
    pub from_port: Maybe<f64>,
    /// `to_port`, as a Terraform number.
    pub to_port: Maybe<f64>,
    /// `cidr_blocks`, unparsed.
    pub cidr_blocks: MaybeList<String>,
    /// `ipv6_cidr_blocks`, unparsed.
    pub ipv6_cidr_blocks: MaybeList<String>,
    /// `security_group_ids`, unparsed.
    pub security_group_ids: MaybeList<String>,
    /// `prefix_list_ids`, unparsed.
    pub prefix_list_ids: MaybeList<String>,
    /// `self` (a Rust keyword, hence the underscore).
    pub self_: Maybe<bool>,
    /// `description`, not yet checked against what AWS takes.
    pub description: Maybe<String>,
}
