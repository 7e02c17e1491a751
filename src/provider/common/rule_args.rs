//! The rule arguments shared by `data "cumulocity_firewall_rules"` and
//! `resource "cumulocity_firewall"`: their schema, their decoding into the
//! core's `FirewallInput`, and the `rules` output objects.
//!
//! One definition serves both, so the two can never drift apart.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tf_provider::schema::{Attribute, AttributeType, NestedBlock};
use tf_provider::value::{Value, ValueList};
use tf_provider::{AttributePath, Diagnostics};

use crate::provider::common::diagnostics::{report, Report};
use crate::provider::common::schema_builder::{
    block, computed, optional, optional_with_default, required, string_list,
};
use crate::provider::common::values::{known_list, maybe, maybe_list, optional as optional_value};
use crate::rules::arg_names::{self, extra_rule as extra};
use crate::rules::{
    self, default_egress_cidr_blocks, default_ingress_cidr_blocks, Direction, ExtraRuleInput, FirewallArgs,
    FirewallInput, Maybe, Peer, Protocol, Rule, RuleKey, RuleSetName,
};

/// The rule arguments as Terraform sends them.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RuleArgsConfig {
    /// `rule_sets`: names of documented rule sets.
    pub rule_sets: ValueList<Value<String>>,
    /// `ingress_cidr_blocks`: IPv4 peers of the inbound documented ports.
    pub ingress_cidr_blocks: ValueList<Value<String>>,
    /// `ingress_ipv6_cidr_blocks`: IPv6 peers of the inbound documented ports.
    pub ingress_ipv6_cidr_blocks: ValueList<Value<String>>,
    /// `egress_cidr_blocks`: IPv4 peers of the outbound documented ports.
    pub egress_cidr_blocks: ValueList<Value<String>>,
    /// `egress_ipv6_cidr_blocks`: IPv6 peers of the outbound documented ports.
    pub egress_ipv6_cidr_blocks: ValueList<Value<String>>,
    /// `ssh_cidr_blocks`: who may reach TCP/22, either family.
    pub ssh_cidr_blocks: ValueList<Value<String>>,
    /// `node_security_group_ids`: the other Cumulocity nodes' groups.
    pub node_security_group_ids: ValueList<Value<String>>,
    /// The `extra_rule` blocks.
    pub extra_rule: ValueList<ExtraRuleConfig>,
}

/// One `extra_rule` block as Terraform sends it. Ports are Terraform
/// numbers, which need not be whole: the core says so with the attribute.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ExtraRuleConfig {
    /// `direction`: `ingress` or `egress`.
    pub direction: Value<String>,
    /// `protocol`: a name or an IP protocol number.
    pub protocol: Value<String>,
    /// `from_port`: first port, or ICMP type.
    pub from_port: Value<f64>,
    /// `to_port`: last port, or ICMP code.
    pub to_port: Value<f64>,
    /// `cidr_blocks`: IPv4 peers.
    pub cidr_blocks: ValueList<Value<String>>,
    /// `ipv6_cidr_blocks`: IPv6 peers.
    pub ipv6_cidr_blocks: ValueList<Value<String>>,
    /// `security_group_ids`: peer security groups.
    pub security_group_ids: ValueList<Value<String>>,
    /// `prefix_list_ids`: peer managed prefix lists.
    pub prefix_list_ids: ValueList<Value<String>>,
    /// `self`: whether the firewall's own group is a peer.
    #[serde(rename = "self")]
    pub self_: Value<bool>,
    /// `description`: given to every rule the block becomes.
    pub description: Value<String>,
}

impl RuleArgsConfig {
    /// The arguments as the core's raw input, for `rules::check`.
    pub fn to_input(&self) -> FirewallInput {
        FirewallInput {
            rule_sets: maybe_list(&self.rule_sets),
            ingress_cidr_blocks: maybe_list(&self.ingress_cidr_blocks),
            ingress_ipv6_cidr_blocks: maybe_list(&self.ingress_ipv6_cidr_blocks),
            egress_cidr_blocks: maybe_list(&self.egress_cidr_blocks),
            egress_ipv6_cidr_blocks: maybe_list(&self.egress_ipv6_cidr_blocks),
            ssh_cidr_blocks: maybe_list(&self.ssh_cidr_blocks),
            node_security_group_ids: maybe_list(&self.node_security_group_ids),
            extra_rules: match &self.extra_rule {
                Value::Value(blocks) => Maybe::Known(blocks.iter().map(ExtraRuleConfig::to_input).collect()),
                Value::Null => Maybe::Absent,
                Value::Unknown => Maybe::Unknown,
            },
        }
    }

    /// The checked arguments, with their problems reported as `which` says;
    /// `None` while a value is unknown or any problem is an error.
    pub fn checked(&self, diags: &mut Diagnostics, which: Report) -> Option<FirewallArgs> {
        let checked = rules::check(&self.to_input());
        report(diags, &checked.problems, which);
        checked.args
    }

    /// The checked arguments, reporting nothing; `None` as for `checked`.
    pub fn valid(&self) -> Option<FirewallArgs> {
        rules::check(&self.to_input()).args
    }

    /// Fills the defaults of the optional CIDR arguments, as the schema
    /// documents them, where the configuration leaves them out.
    pub fn fill_defaults(&mut self) {
        let strings = |blocks: Vec<ipnet::Ipv4Net>| known_list(blocks.iter().map(|n| n.to_string()));
        if self.ingress_cidr_blocks.is_null() {
            self.ingress_cidr_blocks = strings(default_ingress_cidr_blocks());
        }
        if self.egress_cidr_blocks.is_null() {
            self.egress_cidr_blocks = strings(default_egress_cidr_blocks());
        }
        for list in [&mut self.ingress_ipv6_cidr_blocks, &mut self.egress_ipv6_cidr_blocks] {
            if list.is_null() {
                *list = Value::Value(Vec::new());
            }
        }
    }

    /// The path of the element that is `id`: in `node_security_group_ids`,
    /// else in an `extra_rule`'s `security_group_ids` or `prefix_list_ids`;
    /// where a failure about a missing peer group or prefix list is shown
    /// (`diagnostics::aws_error_in_rules`).
    pub fn element_naming(&self, id: &str) -> Option<AttributePath> {
        let position = |list: &ValueList<Value<String>>| {
            list.as_ref_option()?
                .iter()
                .position(|item| item.as_ref_option().map(String::as_str) == Some(id))
                .map(|i| i64::try_from(i).unwrap_or(i64::MAX))
        };
        if let Some(i) = position(&self.node_security_group_ids) {
            return Some(AttributePath::new("node_security_group_ids").index(i));
        }
        for (b, block) in self.extra_rule.as_ref_option()?.iter().enumerate() {
            let block_path = || AttributePath::new("extra_rule").index(i64::try_from(b).unwrap_or(i64::MAX));
            if let Some(i) = position(&block.security_group_ids) {
                return Some(block_path().attribute("security_group_ids").index(i));
            }
            if let Some(i) = position(&block.prefix_list_ids) {
                return Some(block_path().attribute("prefix_list_ids").index(i));
            }
        }
        None
    }
}

impl ExtraRuleConfig {
    fn to_input(&self) -> ExtraRuleInput {
        ExtraRuleInput {
            direction: maybe(&self.direction),
            protocol: maybe(&self.protocol),
            from_port: maybe(&self.from_port),
            to_port: maybe(&self.to_port),
            cidr_blocks: maybe_list(&self.cidr_blocks),
            ipv6_cidr_blocks: maybe_list(&self.ipv6_cidr_blocks),
            security_group_ids: maybe_list(&self.security_group_ids),
            prefix_list_ids: maybe_list(&self.prefix_list_ids),
            self_: maybe(&self.self_),
            description: maybe(&self.description),
        }
    }
}

/// Schema of the rule arguments.
pub fn argument_attributes() -> Vec<(&'static str, Attribute)> {
    let sets = RuleSetName::valid_names().replace('"', "`");
    vec![
        (
            arg_names::RULE_SETS,
            required(
                string_list(),
                &format!(
                    "The documented Cumulocity rule sets this firewall holds: any of {sets}. See the \
                     rule-set table in the provider documentation for the ports of each. `[]` with no \
                     `extra_rule` is an empty firewall: a group with no rules at all (its default allow-all \
                     egress revoked), as an import of such a group writes."
                ),
            ),
        ),
        (
            arg_names::INGRESS_CIDR_BLOCKS,
            optional_with_default(
                string_list(),
                "IPv4 CIDR blocks that may reach the inbound ports of `external`, `opcua` and \
                 `smartrule-apama`. Defaults to `[\"0.0.0.0/0\"]`, \"any\" in the Cumulocity firewall document.",
            ),
        ),
        (
            arg_names::INGRESS_IPV6_CIDR_BLOCKS,
            optional_with_default(
                string_list(),
                "IPv6 CIDR blocks that may reach the same inbound ports. Defaults to `[]`.",
            ),
        ),
        (
            arg_names::EGRESS_CIDR_BLOCKS,
            optional_with_default(
                string_list(),
                "IPv4 CIDR blocks the outbound ports of `outbound`, `dns`, `ntp`, `opcua` and \
                 `smartrule-apama` may reach. Defaults to `[\"0.0.0.0/0\"]`.",
            ),
        ),
        (
            arg_names::EGRESS_IPV6_CIDR_BLOCKS,
            optional_with_default(
                string_list(),
                "IPv6 CIDR blocks the same outbound ports may reach. Defaults to `[]`.",
            ),
        ),
        (
            arg_names::SSH_CIDR_BLOCKS,
            optional(
                string_list(),
                "IPv4 or IPv6 CIDR blocks allowed to reach TCP/22. Required when `rule_sets` includes \
                 `ssh`, with no default, so that SSH is never opened to the world by accident; \
                 `0.0.0.0/0` or `::/0` draws a warning.",
            ),
        ),
        (
            arg_names::NODE_SECURITY_GROUP_IDS,
            optional(
                string_list(),
                "Security groups of other Cumulocity nodes. With `internal`, all traffic to and from \
                 these groups (and the firewall's own group) is allowed: the Cumulocity firewall document's any-to-any between \
                 nodes.",
            ),
        ),
    ]
}

/// Schema of the repeatable `extra_rule` block.
pub fn extra_rule_block() -> NestedBlock {
    NestedBlock::List(block(
        "A rule the documented rule sets do not cover, for integrations that need more ports. \
         Each peer (CIDR block, group or `self`) becomes one rule.",
        vec![
            (
                extra::DIRECTION,
                required(AttributeType::String, "`ingress` or `egress`."),
            ),
            (
                extra::PROTOCOL,
                required(
                    AttributeType::String,
                    "`tcp`, `udp`, `icmp`, `icmpv6`, `all`, or an IP protocol number (`\"50\"` for ESP).",
                ),
            ),
            (
                extra::FROM_PORT,
                optional(
                    AttributeType::Number,
                    "First port (0–65535) for `tcp` and `udp`; the ICMP type (-1 for any) for `icmp` \
                     and `icmpv6`; must be omitted for `all`.",
                ),
            ),
            (
                extra::TO_PORT,
                optional(
                    AttributeType::Number,
                    "Last port (0–65535, at least `from_port`) for `tcp` and `udp`; the ICMP code \
                     (-1 for any) for `icmp` and `icmpv6`; must be omitted for `all`.",
                ),
            ),
            (extra::CIDR_BLOCKS, optional(string_list(), "IPv4 CIDR blocks.")),
            (extra::IPV6_CIDR_BLOCKS, optional(string_list(), "IPv6 CIDR blocks.")),
            (
                extra::SECURITY_GROUP_IDS,
                optional(string_list(), "Ids of peer security groups."),
            ),
            (
                extra::PREFIX_LIST_IDS,
                optional(
                    string_list(),
                    "Ids of managed prefix lists (`pl-...`): one rule stands for all of a list's \
                     blocks, which keeps large sets of blocks under the rule quota.",
                ),
            ),
            (
                extra::SELF,
                optional(AttributeType::Bool, "Whether the firewall's own group is a peer."),
            ),
            (
                extra::DESCRIPTION,
                optional(
                    AttributeType::String,
                    "Rule description: up to 255 characters from letters, digits, spaces and \
                     `._-:/()#,@[]+=&;{}!$*`.",
                ),
            ),
        ],
        vec![],
    ))
}

/// One element of the computed `rules` list.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RuleObject {
    /// `rule_sets`: the documented sets that ask for the rule; empty for an
    /// `extra_rule`.
    pub rule_sets: Vec<String>,
    /// `direction`: `ingress` or `egress`.
    pub direction: String,
    /// `protocol`: a name, or an IP protocol number.
    pub protocol: String,
    /// `from_port`: first port, or ICMP type; -1 where the protocol has
    /// none.
    pub from_port: i64,
    /// `to_port`: last port, or ICMP code; -1 where the protocol has none.
    pub to_port: i64,
    /// `cidr_ipv4`: the peer when it is an IPv4 block, else null.
    pub cidr_ipv4: Value<String>,
    /// `cidr_ipv6`: the peer when it is an IPv6 block, else null.
    pub cidr_ipv6: Value<String>,
    /// `referenced_security_group_id`: the peer when it is another group,
    /// else null.
    pub referenced_security_group_id: Value<String>,
    /// `prefix_list_id`: the peer when it is a managed prefix list, else
    /// null.
    pub prefix_list_id: Value<String>,
    /// `self`: whether the peer is the group itself.
    #[serde(rename = "self")]
    pub self_: bool,
    /// `description`: null for none.
    pub description: Value<String>,
}

impl RuleObject {
    /// The object that shows `rule` in a `rules` list.
    pub fn from_rule(rule: &Rule) -> RuleObject {
        let key = &rule.key;
        let (mut v4, mut v6, mut group, mut prefix_list, mut self_) = (None, None, None, None, false);
        match &key.peer {
            Peer::Ipv4(net) => v4 = Some(net.to_string()),
            Peer::Ipv6(net) => v6 = Some(net.to_string()),
            Peer::SecurityGroup(id) => group = Some(id.clone()),
            Peer::PrefixList(id) => prefix_list = Some(id.clone()),
            Peer::SelfGroup => self_ = true,
        }
        RuleObject {
            rule_sets: rule.rule_sets.iter().map(|s| s.to_string()).collect(),
            direction: key.direction.to_string(),
            protocol: key.protocol.to_string(),
            from_port: i64::from(key.from_port),
            to_port: i64::from(key.to_port),
            cidr_ipv4: optional_value(v4),
            cidr_ipv6: optional_value(v6),
            referenced_security_group_id: optional_value(group),
            prefix_list_id: optional_value(prefix_list),
            self_,
            description: optional_value(rule.description.clone()),
        }
    }
}

impl RuleObject {
    /// The rule this object describes; `None` if it was not written by
    /// `from_rule` (a hand-edited state, say).
    pub fn to_rule(&self) -> Option<Rule> {
        let protocol = Protocol::parse(&self.protocol)?;
        let peer = if let Some(net) = self.cidr_ipv4.as_ref_option() {
            Peer::Ipv4(net.parse().ok()?)
        } else if let Some(net) = self.cidr_ipv6.as_ref_option() {
            Peer::Ipv6(net.parse().ok()?)
        } else if let Some(id) = self.prefix_list_id.as_ref_option() {
            Peer::PrefixList(id.clone())
        } else if let Some(id) = self.referenced_security_group_id.as_ref_option() {
            Peer::SecurityGroup(id.clone())
        } else if self.self_ {
            Peer::SelfGroup
        } else {
            return None;
        };
        Some(Rule {
            key: RuleKey {
                direction: Direction::parse(&self.direction)?,
                protocol,
                from_port: i32::try_from(self.from_port).ok()?,
                to_port: i32::try_from(self.to_port).ok()?,
                peer,
            },
            description: self.description.as_ref_option().cloned(),
            rule_sets: self.rule_sets.iter().filter_map(|s| RuleSetName::parse(s)).collect(),
        })
    }
}

/// The object type of one `rules` element.
pub fn rule_object_type() -> AttributeType {
    let fields: HashMap<String, AttributeType> = [
        ("rule_sets", string_list()),
        ("direction", AttributeType::String),
        ("protocol", AttributeType::String),
        ("from_port", AttributeType::Number),
        ("to_port", AttributeType::Number),
        ("cidr_ipv4", AttributeType::String),
        ("cidr_ipv6", AttributeType::String),
        ("referenced_security_group_id", AttributeType::String),
        ("prefix_list_id", AttributeType::String),
        ("self", AttributeType::Bool),
        ("description", AttributeType::String),
    ]
    .into_iter()
    .map(|(name, t)| (name.to_string(), t))
    .collect();
    AttributeType::Object(fields)
}

/// The fields of a rule object after `rule_sets`, for the descriptions of
/// every list of rule objects.
pub const RULE_FIELDS_AFTER_RULE_SETS: &str = "`direction`, `protocol`, `from_port` and `to_port` (-1 where the \
     protocol has no ports), exactly one of `cidr_ipv4`, `cidr_ipv6`, `referenced_security_group_id`, \
     `prefix_list_id` or `self`, and `description`";

/// A computed list of rule objects; `what` opens its description ("The
/// rules these arguments expand to").
pub fn rules_attribute(what: &str) -> Attribute {
    computed(
        AttributeType::List(Box::new(rule_object_type())),
        &format!(
            "{what}, one per AWS security group rule, in a stable order (ingress first, then by \
             protocol, ports and peer). Each has `rule_sets` (the documented sets that ask for it; \
             empty for an `extra_rule`), {RULE_FIELDS_AFTER_RULE_SETS}."
        ),
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use tf_provider::schema::NestedBlock;

    use super::*;
    use crate::provider::common::schema_builder::{block_names, field_names, object_field_names};

    #[test]
    fn extra_rule_struct_and_schema_name_the_same_attributes() {
        let NestedBlock::List(block) = extra_rule_block() else {
            panic!("extra_rule is a list block")
        };
        assert_eq!(field_names(&ExtraRuleConfig::default()), block_names(&block));
    }

    #[test]
    fn rule_object_struct_and_type_name_the_same_fields() {
        let rule = crate::rules::expand(&crate::rules::FirewallArgs {
            rule_sets: [RuleSetName::Dns].into(),
            egress_cidr_blocks: default_egress_cidr_blocks(),
            ..Default::default()
        });
        let object = RuleObject::from_rule(&rule[0]);
        assert_eq!(field_names(&object), object_field_names(&rule_object_type()));
    }

    #[test]
    fn rule_objects_convert_back_to_the_same_rule() {
        let rules = crate::rules::expand(&crate::rules::FirewallArgs {
            rule_sets: RuleSetName::ALL.into_iter().collect(),
            ingress_cidr_blocks: default_ingress_cidr_blocks(),
            ingress_ipv6_cidr_blocks: vec!["2001:db8::/32".parse().unwrap()],
            egress_cidr_blocks: default_egress_cidr_blocks(),
            ssh_cidr_blocks: vec!["10.0.0.0/8".parse().unwrap()],
            node_security_group_ids: vec!["sg-0123456789abcdef0".into()],
            extra_rules: vec![crate::rules::ExtraRule {
                direction: Direction::Egress,
                protocol: Protocol::Icmp,
                from_port: 8,
                to_port: 0,
                cidr_blocks: vec![],
                ipv6_cidr_blocks: vec![],
                security_group_ids: vec![],
                prefix_list_ids: vec!["pl-0123456789abcdef0".into()],
                self_: false,
                description: None,
            }],
            ..Default::default()
        });
        for rule in rules {
            assert_eq!(RuleObject::from_rule(&rule).to_rule().as_ref(), Some(&rule));
        }
        let number = Rule {
            key: RuleKey {
                direction: Direction::Ingress,
                protocol: Protocol::Number(50),
                from_port: -1,
                to_port: -1,
                peer: Peer::SelfGroup,
            },
            description: None,
            rule_sets: Default::default(),
        };
        assert_eq!(RuleObject::from_rule(&number).to_rule(), Some(number));
    }

    #[test]
    fn argument_struct_and_schema_name_the_same_attributes() {
        let mut schema: BTreeSet<String> = argument_attributes().into_iter().map(|(n, _)| n.to_string()).collect();
        schema.insert("extra_rule".to_string());
        assert_eq!(field_names(&RuleArgsConfig::default()), schema);
    }

    #[test]
    fn a_missing_peer_group_or_prefix_list_points_at_the_element_that_names_it() {
        use crate::aws::{AwsError, ErrorKind};
        use crate::provider::common::diagnostics::aws_error_in_rules;
        let strings = |items: &[&str]| Value::Value(items.iter().map(|s| Value::Value(s.to_string())).collect());
        let args = RuleArgsConfig {
            node_security_group_ids: strings(&["sg-11111111"]),
            extra_rule: Value::Value(vec![
                ExtraRuleConfig::default(),
                ExtraRuleConfig {
                    security_group_ids: strings(&["sg-22222222", "sg-0fedcba9876543210"]),
                    prefix_list_ids: strings(&["pl-6ea54007"]),
                    ..ExtraRuleConfig::default()
                },
            ]),
            ..RuleArgsConfig::default()
        };
        for (kind, code, message, path, remedy) in [
            (
                ErrorKind::MissingPeerGroup,
                "InvalidGroup.NotFound",
                "The security group 'sg-0fedcba9876543210' does not exist",
                AttributePath::new("extra_rule")
                    .index(1)
                    .attribute("security_group_ids")
                    .index(1),
                "remove the id of a group that was deleted",
            ),
            (
                ErrorKind::MissingPeerGroup,
                "InvalidGroup.NotFound",
                "The security group 'sg-11111111' does not exist",
                AttributePath::new("node_security_group_ids").index(0),
                "node_security_group_ids",
            ),
            (
                ErrorKind::MissingPrefixList,
                "InvalidPrefixListID.NotFound",
                "The prefix list ID 'pl-6ea54007' does not exist",
                AttributePath::new("extra_rule")
                    .index(1)
                    .attribute("prefix_list_ids")
                    .index(0),
                "shared with this account",
            ),
            (
                ErrorKind::MissingPeerGroup,
                "InvalidGroup.NotFound",
                "The security group 'sg-99999999' does not exist",
                AttributePath::root(),
                "Check the group ids",
            ),
        ] {
            let err = AwsError {
                action: "AuthorizeSecurityGroupIngress",
                kind,
                code: Some(code.to_string()),
                message: message.to_string(),
            };
            let mut diags = Diagnostics::default();
            aws_error_in_rules(&mut diags, &err, |id| args.element_naming(id));
            let diagnostic = &diags.errors[0];
            assert_eq!(diagnostic.attribute, path, "{message}");
            assert!(diagnostic.detail.contains(remedy), "{}", diagnostic.detail);
            assert!(diagnostic.detail.contains(message), "AWS's words stay");
        }
    }
}
