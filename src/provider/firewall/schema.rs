//! `resource "cumulocity_firewall"`: its state as Terraform sends it, its
//! schema, and how a plan carries the configuration's arguments over (the
//! checks of the arguments it adds to the rule arguments are in
//! `argument_checks`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use tf_provider::schema::{Attribute, AttributeConstraint, AttributeType, Block, NestedBlock, Schema};
use tf_provider::value::{Value, ValueList};

use crate::provider::common::rule_args::{
    argument_attributes, extra_rule_block, rule_object_type, RuleArgsConfig, RuleObject,
};
use crate::provider::common::schema_builder::{
    block, computed, optional, optional_with_default, string_map, without_provider_default,
};
use crate::provider::firewall::operation_timeouts::{timeouts_block, TimeoutsConfig};
use crate::rules::arg_names;

/// A map of tags as Terraform sends it.
pub type TagMap = Value<BTreeMap<String, Value<String>>>;

/// One value of `listener_timeouts`: the idle timeout a listener has, and
/// why it is less than requested.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListenerTimeoutObject {
    /// The listener's idle timeout, in seconds.
    pub seconds: Value<i64>,
    /// Why it differs from `session_timeout_seconds`; null when it does not.
    pub reason: Value<String>,
}

/// `listener_timeouts`: by listener ARN.
pub type ListenerTimeouts = Value<BTreeMap<String, Value<ListenerTimeoutObject>>>;
/// `target_network_interface_timeouts`: by interface id, in seconds.
pub type InterfaceTimeouts = Value<BTreeMap<String, Value<i64>>>;

/// `cumulocity_firewall`'s configuration, plan and state as Terraform sends
/// them: one field per attribute of `firewall_schema` (a test checks that
/// they match), described there.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FirewallState {
    /// The rule arguments it shares with `data.cumulocity_firewall_rules`.
    #[serde(flatten)]
    pub args: RuleArgsConfig,
    /// `id`.
    pub id: Value<String>,
    /// `arn`.
    pub arn: Value<String>,
    /// `owner_id`.
    pub owner_id: Value<String>,
    /// `name`.
    pub name: Value<String>,
    /// `name_prefix`.
    pub name_prefix: Value<String>,
    /// `description`.
    pub description: Value<String>,
    /// `vpc_id`.
    pub vpc_id: Value<String>,
    /// `region`.
    pub region: Value<String>,
    /// `tags`.
    pub tags: TagMap,
    /// `tags_all`.
    pub tags_all: TagMap,
    /// `revoke_rules_on_delete`.
    pub revoke_rules_on_delete: Value<bool>,
    /// `manage_rule_descriptions`.
    pub manage_rule_descriptions: Value<bool>,
    /// The `timeouts` block (see `operation_timeouts`).
    pub timeouts: ValueList<TimeoutsConfig>,
    /// `rules`.
    pub rules: ValueList<ManagedRuleObject>,
    /// `session_timeout_seconds`.
    pub session_timeout_seconds: Value<f64>,
    /// `session_timeout_policy`.
    pub session_timeout_policy: Value<String>,
    /// `load_balancer_listener_arns`.
    pub load_balancer_listener_arns: ValueList<Value<String>>,
    /// `target_network_interface_ids`.
    pub target_network_interface_ids: ValueList<Value<String>>,
    /// `listener_timeouts`.
    pub listener_timeouts: ListenerTimeouts,
    /// `target_network_interface_timeouts`.
    pub target_network_interface_timeouts: InterfaceTimeouts,
}

/// One element of the resource's `rules`: the data source's rule object
/// plus the `sgr-` id AWS gave the rule.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ManagedRuleObject {
    /// `sgr-...`; unknown in a plan for a rule not created yet.
    pub id: Value<String>,
    /// The rule's fields.
    #[serde(flatten)]
    pub rule: RuleObject,
}

/// The resource's schema: the rule arguments, the group's own attributes,
/// the session-timeout attributes, `extra_rule` and `timeouts`.
pub fn firewall_schema() -> Schema {
    let mut schema = declared_schema();
    computed_when_absent(&mut schema.block);
    schema
}

/// The schema as declared, before `computed_when_absent`: an argument
/// declared `optional` is planned from the configuration, one declared
/// `optional_with_default` (name, description, VPC, Region) is filled by the
/// provider when absent and then kept.
///
/// The rule arguments the resource shares with the data sources are all
/// planned from the configuration here: their defaults (`0.0.0.0/0`, `[]`)
/// apply in the expansion, so the state says what the configuration says.
fn declared_schema() -> Schema {
    let mut attributes: Vec<(&str, Attribute)> = argument_attributes()
        .into_iter()
        .map(|(name, attribute)| (name, without_provider_default(attribute)))
        .collect();
    attributes.extend(group_attributes());
    attributes.extend(session_attributes());
    attributes.extend(rules_attributes());
    Schema {
        version: 1,
        block: block(
            "An AWS security group holding exactly the rules of the documented Cumulocity rule sets \
             you choose, plus any `extra_rule`, and the idle timeouts of the load balancer listeners in front \
             of it.\n\n\
             Plans show every rule before apply (only the ids of new rules are unknown); apply changes only \
             what differs, by rule id; rules added or removed outside Terraform show in the next plan and \
             apply puts them back. The resource owns every rule of its group, like the inline rules of \
             `aws_security_group`: do not manage its rules elsewhere.",
            attributes,
            vec![
                (arg_names::EXTRA_RULE, extra_rule_block()),
                ("timeouts", timeouts_block()),
            ],
        ),
    }
}

/// The group's own attributes: id, ARN, owner, name, description, VPC,
/// Region, tags, and how rules and descriptions are handled.
fn group_attributes() -> Vec<(&'static str, Attribute)> {
    vec![
        (
            "id",
            computed(AttributeType::String, "The security group's id, `sg-...`."),
        ),
        ("arn", computed(AttributeType::String, "The security group's ARN.")),
        (
            "owner_id",
            computed(AttributeType::String, "The AWS account that owns the group."),
        ),
        (
            "name",
            optional_with_default(
                AttributeType::String,
                "The group's name, unique in its VPC; changing it creates a new group. Conflicts with \
                 `name_prefix`; when both are absent a unique name starting with `terraform-` is chosen.",
            ),
        ),
        (
            "name_prefix",
            optional(
                AttributeType::String,
                "A prefix for a unique name the provider chooses. Changing it creates a new group.",
            ),
        ),
        (
            "description",
            optional_with_default(
                AttributeType::String,
                "The group's description. AWS cannot change it, so changing it creates a new group. \
                 Defaults to a sentence naming the rule sets at creation, and keeps that sentence when \
                 the rule sets change later.",
            ),
        ),
        (
            "vpc_id",
            optional_with_default(
                AttributeType::String,
                "The VPC of the group; the Region's default VPC when absent. Changing it creates a new group.",
            ),
        ),
        (
            "region",
            optional_with_default(
                AttributeType::String,
                "The AWS Region of the group, such as `eu-west-1`; the provider's Region when absent, so that \
                 one provider block manages firewalls in several Regions. Changing it creates a new group in \
                 the new Region.",
            ),
        ),
        ("tags", optional(string_map(), "Tags of the group.")),
        (
            "tags_all",
            computed(
                string_map(),
                "The group's tags: the provider's `default_tags` merged with `tags`.",
            ),
        ),
        (
            "revoke_rules_on_delete",
            optional(
                AttributeType::Bool,
                "Revoke the group's rules before deleting it, which breaks reference cycles between \
                 groups (each referencing the other). Default `false`.",
            ),
        ),
        (
            "manage_rule_descriptions",
            optional(
                AttributeType::Bool,
                "Whether the provider sets the descriptions of rules that already exist (default `true`). \
                 `false` leaves the descriptions someone gave them by hand, as after importing a hand-made \
                 group; new rules still get theirs.",
            ),
        ),
    ]
}

/// The session-timeout arguments and what AWS holds for them.
fn session_attributes() -> Vec<(&'static str, Attribute)> {
    vec![
        (
            "session_timeout_seconds",
            optional(
                AttributeType::Number,
                "The TCP session timeout to aim for, 60 to 432000 s. Defaults to 14400, the firewall document's \
                 figure. Listeners get as much of it as AWS allows (an NLB TCP listener at most 6000 s, an NLB \
                 TLS listener a fixed 350 s, an ALB at most 4000 s); target interfaces get all of it.",
            ),
        ),
        (
            "session_timeout_policy",
            optional(
                AttributeType::String,
                "What to do when a listener cannot take `session_timeout_seconds`: `clamp` (default) sets the \
                 most AWS allows and warns at plan time, one warning per listener, naming the value it really \
                 gets; `strict` fails the plan instead.",
            ),
        ),
        (
            "load_balancer_listener_arns",
            optional(
                AttributeType::Set(Box::new(AttributeType::String)),
                "Listeners whose idle timeout this firewall manages, as far as AWS allows: an NLB TCP listener \
                 gets at most 6000 s (`tcp.idle_timeout.seconds`); an NLB TLS listener keeps its fixed 350 s and \
                 UDP and TCP_UDP listeners keep theirs (never modified); an ALB listener gets at most 4000 s \
                 (`idle_timeout.timeout_seconds`, the load balancer's, shared by all its listeners). Listener \
                 ARNs tell NLB (`listener/net/...`) from ALB (`listener/app/...`), so the plan already knows. \
                 Destroy, or removing a listener from the set, gives back the value it had before this \
                 firewall first changed it (kept in the private state), else AWS's default (350 s on an NLB \
                 TCP listener, 60 s on an ALB). Manage these timeouts in one place: where hashicorp/aws manages the \
                 same listener or load balancer, leave `aws_lb_listener.tcp_idle_timeout_seconds` and \
                 `aws_lb.idle_timeout` unset there (or put them in `lifecycle { ignore_changes = [...] }`), or \
                 each provider's apply undoes the other's.",
            ),
        ),
        (
            "target_network_interface_ids",
            optional(
                AttributeType::Set(Box::new(AttributeType::String)),
                "Network interfaces of the load balancer's targets whose connection tracking \
                 (`TcpEstablishedTimeout`) this firewall sets to `session_timeout_seconds`, so that the \
                 targets never drop a connection the load balancer still keeps. Destroy, or removing an \
                 interface from the set, gives back the value it had before, else AWS's default (432000 s). \
                 Without them, a plan warns when an NLB listener keeps connections longer \
                 than 350 s (the default on Nitro v6 instances), since a target that forgets a connection first \
                 drops it silently.",
            ),
        ),
        (
            "listener_timeouts",
            computed(
                AttributeType::Map(Box::new(AttributeType::Object(
                    [
                        ("seconds".to_string(), AttributeType::Number),
                        ("reason".to_string(), AttributeType::String),
                    ]
                    .into_iter()
                    .collect(),
                ))),
                "By listener ARN: the idle timeout the listener has (`seconds`) and, when it is less than \
                 requested, why (`reason`).",
            ),
        ),
        (
            "target_network_interface_timeouts",
            computed(
                AttributeType::Map(Box::new(AttributeType::Number)),
                "By network interface id: its connection tracking timeout for established TCP connections.",
            ),
        ),
    ]
}

/// The rules the group holds.
fn rules_attributes() -> Vec<(&'static str, Attribute)> {
    vec![(
        "rules",
        computed(
            AttributeType::Set(Box::new(rule_object_with_id())),
            "The rules the group holds, one per AWS security group rule (a set, so a plan shows \
                 each rule added or revoked as such): each with its `id` (`sgr-...`) and the fields of \
                 `data.cumulocity_firewall_rules`'s `rules`. \
                 The resource owns every rule of its group: a rule added outside Terraform shows as a \
                 change in the next plan and is revoked by apply.",
        ),
    )]
}

/// Makes every optional argument of the resource, and of its `extra_rule`
/// blocks, optional *and computed*, without changing what a plan holds: the
/// plan sets each of them from the configuration (`plan_arguments`), as
/// Terraform does for an argument that is only optional.
///
/// Why: Terraform 1.14+ writes the configuration the provider generates
/// (`-generate-config-out`) leaving out only the null attributes that are
/// computed; a null attribute that is only optional is written `name = null`.
/// Older Terraform's own generator leaves them out for the same reason.
fn computed_when_absent(block: &mut Block) {
    for attribute in block.attributes.values_mut() {
        if attribute.constraint == AttributeConstraint::Optional {
            attribute.constraint = AttributeConstraint::OptionalComputed;
        }
    }
    if let Some(NestedBlock::List(extra)) = block.blocks.get_mut(arg_names::EXTRA_RULE) {
        computed_when_absent(extra);
    }
}

/// The names of the arguments whose planned value is the configuration's:
/// every attribute `declared_schema` declares `optional` (made computed only
/// by `computed_when_absent`) and every block. Derived from the schema, so a
/// new argument cannot be missed.
pub fn config_driven_arguments() -> &'static BTreeSet<String> {
    static NAMES: OnceLock<BTreeSet<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let block = declared_schema().block;
        block
            .attributes
            .iter()
            .filter(|(_, attribute)| attribute.constraint == AttributeConstraint::Optional)
            .map(|(name, _)| name.clone())
            .chain(block.blocks.keys().cloned())
            .collect()
    })
}

/// Sets the planned values of the `config_driven_arguments` to the
/// configuration's, as Terraform does for an argument that is only optional
/// (for a computed one it proposes the prior state's value when the
/// configuration leaves it out; the plan must not keep it, or removing an
/// argument would never reach the state).
///
/// The copy goes through each state's serialized form, field by schema
/// name; `Err` only if that form does not read back, which a unit test
/// rules out for every kind of value.
pub fn plan_arguments(state: &mut FirewallState, config: &FirewallState) -> Result<(), String> {
    let serialized = |s: &FirewallState| serde_json::to_value(s).map_err(|e| e.to_string());
    let (mut planned, configured) = (serialized(state)?, serialized(config)?);
    let (Some(planned_fields), Some(configured_fields)) = (planned.as_object_mut(), configured.as_object()) else {
        return Err("a firewall state is not an object".to_string());
    };
    for name in config_driven_arguments() {
        let value = configured_fields.get(name).cloned().unwrap_or(serde_json::Value::Null);
        planned_fields.insert(name.clone(), value);
    }
    *state = serde_json::from_value(planned).map_err(|e| e.to_string())?;
    Ok(())
}

fn rule_object_with_id() -> AttributeType {
    match rule_object_type() {
        AttributeType::Object(mut fields) => {
            fields.insert("id".to_string(), AttributeType::String);
            AttributeType::Object(fields)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::common::schema_builder::{block_names, field_names};

    #[test]
    fn state_struct_and_schema_name_the_same_attributes() {
        assert_eq!(
            field_names(&FirewallState::default()),
            block_names(&firewall_schema().block)
        );
    }

    #[test]
    fn the_configuration_plans_every_optional_argument_and_the_provider_fills_four() {
        let names = config_driven_arguments();
        for expected in [
            "ingress_cidr_blocks",
            "ingress_ipv6_cidr_blocks",
            "egress_cidr_blocks",
            "egress_ipv6_cidr_blocks",
            "ssh_cidr_blocks",
            "node_security_group_ids",
            "extra_rule",
            "name_prefix",
            "tags",
            "revoke_rules_on_delete",
            "manage_rule_descriptions",
            "session_timeout_seconds",
            "session_timeout_policy",
            "load_balancer_listener_arns",
            "target_network_interface_ids",
            "timeouts",
        ] {
            assert!(names.contains(expected), "{expected} is planned from the configuration");
        }
        let schema = firewall_schema();
        let filled: BTreeSet<&str> = schema
            .block
            .attributes
            .iter()
            .filter(|(name, a)| a.constraint != AttributeConstraint::Computed && !names.contains(*name))
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(
            filled,
            BTreeSet::from(["description", "name", "region", "rule_sets", "vpc_id"]),
            "filled by the provider when absent (or required)"
        );
    }

    fn strings(items: &[&str]) -> ValueList<Value<String>> {
        Value::Value(items.iter().map(|s| Value::Value(s.to_string())).collect())
    }

    #[test]
    fn an_argument_removed_from_the_configuration_is_removed_from_the_plan() {
        // Terraform proposes the prior state's value for an optional and
        // computed argument the configuration leaves out.
        let mut proposed = FirewallState::default();
        proposed.args.ingress_cidr_blocks = strings(&["10.0.0.0/8"]);
        proposed.args.egress_ipv6_cidr_blocks = strings(&["2001:db8::/32"]);
        proposed.tags = Value::Value(BTreeMap::from([("team".to_string(), Value::Value("a".to_string()))]));
        proposed.description = Value::Value("kept".into());
        proposed.id = Value::Unknown;
        let config = FirewallState::default();
        plan_arguments(&mut proposed, &config).unwrap();
        assert!(proposed.args.ingress_cidr_blocks.is_null());
        assert!(proposed.args.egress_ipv6_cidr_blocks.is_null());
        assert!(proposed.tags.is_null());
        assert_eq!(
            proposed.description,
            Value::Value("kept".into()),
            "the provider's default stays"
        );
        assert!(proposed.id.is_unknown());
    }

    #[test]
    fn unknown_values_of_every_kind_survive_the_carry_over() {
        let mut config = FirewallState::default();
        config.args.node_security_group_ids = Value::Value(vec![Value::Unknown, Value::Value("sg-1".into())]);
        config.args.ssh_cidr_blocks = Value::Unknown;
        config.tags = Value::Value(BTreeMap::from([("a".to_string(), Value::Unknown)]));
        config.session_timeout_seconds = Value::Unknown;
        config.revoke_rules_on_delete = Value::Unknown;
        config.args.extra_rule = Value::Value(vec![crate::provider::common::rule_args::ExtraRuleConfig {
            from_port: Value::Unknown,
            security_group_ids: Value::Value(vec![Value::Unknown]),
            self_: Value::Unknown,
            ..Default::default()
        }]);
        let mut planned = FirewallState {
            id: Value::Unknown,
            rules: Value::Unknown,
            listener_timeouts: Value::Unknown,
            tags_all: Value::Value(BTreeMap::from([("a".to_string(), Value::Unknown)])),
            ..Default::default()
        };
        plan_arguments(&mut planned, &config).unwrap();
        assert_eq!(
            serde_json::to_value(&planned.args).unwrap(),
            serde_json::to_value(&config.args).unwrap()
        );
        assert_eq!(planned.tags, config.tags);
        assert!(planned.session_timeout_seconds.is_unknown() && planned.revoke_rules_on_delete.is_unknown());
        assert!(planned.id.is_unknown() && planned.rules.is_unknown() && planned.listener_timeouts.is_unknown());
        assert_eq!(
            planned.tags_all,
            Value::Value(BTreeMap::from([("a".to_string(), Value::Unknown)]))
        );
    }
}
