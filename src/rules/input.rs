//! Raw rule arguments as a configuration gives them, before validation.
//!
//! At validate and plan time any value may still be unknown (it comes from a
//! resource not yet created) or absent, so every field says which. The
//! provider layer fills these from Terraform's values; the core never sees a
//! Terraform type.

/// A configuration value: absent (null), not yet known, or known.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Maybe<T> {
    #[default]
    Absent,
    Unknown,
    Known(T),
}

impl<T> Maybe<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            Maybe::Known(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Maybe::Unknown)
    }

    pub fn is_absent(&self) -> bool {
        matches!(self, Maybe::Absent)
    }
}

/// A list argument whose elements may each be unknown.
pub type MaybeList<T> = Maybe<Vec<Maybe<T>>>;

/// The rule arguments of a firewall, unvalidated.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FirewallInput {
    pub rule_sets: MaybeList<String>,
    pub ingress_cidr_blocks: MaybeList<String>,
    pub ingress_ipv6_cidr_blocks: MaybeList<String>,
    pub egress_cidr_blocks: MaybeList<String>,
    pub egress_ipv6_cidr_blocks: MaybeList<String>,
    pub ssh_cidr_blocks: MaybeList<String>,
    pub node_security_group_ids: MaybeList<String>,
    pub extra_rules: Maybe<Vec<ExtraRuleInput>>,
}

/// One `extra_rule` block, unvalidated. Ports arrive as Terraform numbers,
/// which need not be whole.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExtraRuleInput {
    pub direction: Maybe<String>,
    pub protocol: Maybe<String>,
    pub from_port: Maybe<f64>,
    pub to_port: Maybe<f64>,
    pub cidr_blocks: MaybeList<String>,
    pub ipv6_cidr_blocks: MaybeList<String>,
    pub security_group_ids: MaybeList<String>,
    pub prefix_list_ids: MaybeList<String>,
    pub self_: Maybe<bool>,
    pub description: Maybe<String>,
}
