//! The configuration `cumulocity_firewall` writes for itself when Terraform
//! asks (GenerateResourceConfig, Terraform 1.14+: `terraform plan
//! -generate-config-out` after an `import` block, `terraform query
//! -generate-config-out`): only the arguments that carry meaning.
//!
//! Terraform renders the value itself: attributes in alphabetical order,
//! then blocks, strings escaped as HCL needs (`$${`, `%%{`, quotes). The
//! provider cannot choose that order. Terraform leaves out the attributes
//! that are null *and* computed in the schema, which is why every optional
//! argument of the resource is also computed
//! (`schema::computed_when_absent`). Older Terraform never asks
//! and writes its own dump of the state.

use tf_provider::value::Value;

use crate::provider::common::rule_args::{ExtraRuleConfig, RuleArgsConfig};
use crate::provider::common::values::null_if_empty;
use crate::provider::firewall::group_values::default_description;
use crate::provider::firewall::schema::FirewallState;

/// The configuration of the firewall `state` describes: `name`, `vpc_id`,
/// `region` when it is not `provider_region`, `description` when it is not
/// the one the provider would give, the rule arguments as the state holds
/// them (an import's are inferred, defaults left out), `extra_rule` blocks
/// with only their set arguments, and `tags`, `manage_rule_descriptions =
/// false`, `revoke_rules_on_delete = true` and the session arguments only
/// when set. Everything else is null, so Terraform writes nothing for it.
pub fn generated_config(state: &FirewallState, provider_region: Option<&str>) -> FirewallState {
    let region = match (&state.region, provider_region) {
        (Value::Value(region), Some(provider)) if region == provider => Value::Null,
        (region, _) => region.clone(),
    };
    let description = match &state.description {
        Value::Value(text) if text.is_empty() || *text == default_description(&state.args) => Value::Null,
        other => other.clone(),
    };
    FirewallState {
        args: RuleArgsConfig {
            rule_sets: state.args.rule_sets.clone(),
            ingress_cidr_blocks: state.args.ingress_cidr_blocks.clone(),
            ingress_ipv6_cidr_blocks: state.args.ingress_ipv6_cidr_blocks.clone(),
            egress_cidr_blocks: state.args.egress_cidr_blocks.clone(),
            egress_ipv6_cidr_blocks: state.args.egress_ipv6_cidr_blocks.clone(),
            ssh_cidr_blocks: null_if_empty(&state.args.ssh_cidr_blocks),
            node_security_group_ids: null_if_empty(&state.args.node_security_group_ids),
            extra_rule: match &state.args.extra_rule {
                Value::Value(blocks) => Value::Value(blocks.iter().map(extra_rule).collect()),
                _ => Value::Value(Vec::new()),
            },
        },
        name: state.name.clone(),
        description,
        vpc_id: state.vpc_id.clone(),
        region,
        tags: match &state.tags {
            Value::Value(tags) if !tags.is_empty() => state.tags.clone(),
            _ => Value::Null,
        },
        manage_rule_descriptions: only(state.manage_rule_descriptions, false),
        revoke_rules_on_delete: only(state.revoke_rules_on_delete, true),
        session_timeout_seconds: state.session_timeout_seconds,
        session_timeout_policy: state.session_timeout_policy.clone(),
        load_balancer_listener_arns: null_if_empty(&state.load_balancer_listener_arns),
        target_network_interface_ids: null_if_empty(&state.target_network_interface_ids),
        timeouts: Value::Value(Vec::new()),
        ..FirewallState::default()
    }
}

/// One `extra_rule` block with only the arguments it sets.
fn extra_rule(block: &ExtraRuleConfig) -> ExtraRuleConfig {
    ExtraRuleConfig {
        direction: block.direction.clone(),
        protocol: block.protocol.clone(),
        from_port: block.from_port,
        to_port: block.to_port,
        cidr_blocks: null_if_empty(&block.cidr_blocks),
        ipv6_cidr_blocks: null_if_empty(&block.ipv6_cidr_blocks),
        security_group_ids: null_if_empty(&block.security_group_ids),
        prefix_list_ids: null_if_empty(&block.prefix_list_ids),
        self_: only(block.self_, true),
        description: match &block.description {
            Value::Value(text) if text.is_empty() => Value::Null,
            other => other.clone(),
        },
    }
}

/// A boolean argument, null unless it is `meaningful` (the other value is
/// the default).
fn only(value: Value<bool>, meaningful: bool) -> Value<bool> {
    match value {
        Value::Value(v) if v == meaningful => value,
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::{json, Value as Json};
    use tf_provider::schema::{AttributeConstraint, Block, NestedBlock};

    use super::*;
    use crate::provider::common::values::known_list;
    use crate::provider::firewall::schema::firewall_schema;
    use crate::rules::naming;
    use crate::rules::RuleSetName;

    fn strings(items: &[&str]) -> Value<Vec<Value<String>>> {
        known_list(items.iter().map(|s| s.to_string()))
    }

    fn text(s: &str) -> Value<String> {
        Value::Value(s.to_string())
    }

    /// A state as an import leaves it: inferred arguments, and everything
    /// AWS knows.
    fn imported() -> FirewallState {
        FirewallState {
            args: RuleArgsConfig {
                rule_sets: strings(&["external", "ssh"]),
                ssh_cidr_blocks: strings(&["10.0.100.0/24", "2001:db8::/64"]),
                extra_rule: Value::Value(Vec::new()),
                ..RuleArgsConfig::default()
            },
            id: text("sg-0123456789abcdef0"),
            arn: text("arn:aws:ec2:eu-central-1:123456789012:security-group/sg-0123456789abcdef0"),
            owner_id: text("123456789012"),
            name: text("c8y-edge"),
            description: text("made by hand"),
            vpc_id: text("vpc-0123456789abcdef0"),
            region: text("eu-central-1"),
            tags_all: Value::Value(BTreeMap::from([("team".to_string(), text("iot"))])),
            timeouts: Value::Value(Vec::new()),
            rules: Value::Value(Vec::new()),
            listener_timeouts: Value::Value(BTreeMap::new()),
            target_network_interface_timeouts: Value::Value(BTreeMap::new()),
            ..FirewallState::default()
        }
    }

    fn json_of(state: &FirewallState) -> Json {
        serde_json::to_value(state).expect("serializes")
    }

    /// The attributes Terraform writes: every non-null one (it leaves out
    /// only null computed attributes; `every_null_attribute_is_computed`
    /// checks that there are no others).
    fn written(value: &Json) -> BTreeMap<String, Json> {
        value
            .as_object()
            .expect("an object")
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    #[test]
    fn an_import_writes_only_what_carries_meaning() {
        let config = generated_config(&imported(), Some("eu-central-1"));
        let expected = json!({
            "name": "c8y-edge",
            "description": "made by hand",
            "vpc_id": "vpc-0123456789abcdef0",
            "rule_sets": ["external", "ssh"],
            "ssh_cidr_blocks": ["10.0.100.0/24", "2001:db8::/64"],
            "extra_rule": [],
            "timeouts": [],
        });
        assert_eq!(
            written(&json_of(&config)),
            written(&expected),
            "id, arn, owner_id, tags_all, rules, the provider's Region and the defaults are left out"
        );
    }

    #[test]
    fn region_only_when_it_is_not_the_providers() {
        let state = imported();
        assert!(generated_config(&state, Some("eu-central-1")).region.is_null());
        assert_eq!(generated_config(&state, Some("eu-west-1")).region, text("eu-central-1"));
        assert_eq!(
            generated_config(&state, None).region,
            text("eu-central-1"),
            "without a provider Region the firewall's is spelt out"
        );
    }

    #[test]
    fn the_providers_own_description_is_left_out() {
        let mut state = imported();
        state.description = text(&naming::default_description(&[RuleSetName::External, RuleSetName::Ssh]));
        assert!(generated_config(&state, None).description.is_null());
        state.description = text("");
        assert!(generated_config(&state, None).description.is_null());
        state.description = text("Cumulocity firewall: external. Managed by Terraform.");
        assert_eq!(
            generated_config(&state, None).description,
            state.description,
            "another rule set's sentence is this group's own description"
        );
    }

    #[test]
    fn every_argument_kind_is_written_when_set() {
        let mut state = imported();
        state.args.ingress_cidr_blocks = strings(&["10.0.0.0/8"]);
        state.args.ingress_ipv6_cidr_blocks = strings(&["2001:db8::/32"]);
        state.args.egress_cidr_blocks = strings(&[]);
        state.args.egress_ipv6_cidr_blocks = strings(&["::/0"]);
        state.args.node_security_group_ids = strings(&["sg-12345678"]);
        state.tags = Value::Value(BTreeMap::from([("team".to_string(), text("iot"))]));
        state.manage_rule_descriptions = Value::Value(false);
        state.revoke_rules_on_delete = Value::Value(true);
        state.session_timeout_seconds = Value::Value(6000.0);
        state.session_timeout_policy = text("strict");
        state.load_balancer_listener_arns =
            strings(&["arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/net/a/1/2"]);
        state.target_network_interface_ids = strings(&["eni-0123456789abcdef0"]);
        let config = json_of(&generated_config(&state, Some("eu-central-1")));
        assert_eq!(config["ingress_cidr_blocks"], json!(["10.0.0.0/8"]));
        assert_eq!(config["ingress_ipv6_cidr_blocks"], json!(["2001:db8::/32"]));
        assert_eq!(
            config["egress_cidr_blocks"],
            json!([]),
            "an explicit empty list is not the default (0.0.0.0/0): it stays"
        );
        assert_eq!(config["egress_ipv6_cidr_blocks"], json!(["::/0"]));
        assert_eq!(config["node_security_group_ids"], json!(["sg-12345678"]));
        assert_eq!(config["tags"], json!({"team": "iot"}));
        assert_eq!(config["manage_rule_descriptions"], json!(false));
        assert_eq!(config["revoke_rules_on_delete"], json!(true));
        assert_eq!(config["session_timeout_seconds"], json!(6000.0));
        assert_eq!(config["session_timeout_policy"], json!("strict"));
        assert_eq!(config["load_balancer_listener_arns"].as_array().map(Vec::len), Some(1));
        assert_eq!(config["target_network_interface_ids"], json!(["eni-0123456789abcdef0"]));
        for computed_only in [
            "id",
            "arn",
            "owner_id",
            "tags_all",
            "rules",
            "listener_timeouts",
            "target_network_interface_timeouts",
            "name_prefix",
        ] {
            assert!(config[computed_only].is_null(), "{computed_only}: {config}");
        }
    }

    #[test]
    fn defaults_and_empty_lists_are_left_out() {
        let mut state = imported();
        state.args.ssh_cidr_blocks = strings(&[]);
        state.args.rule_sets = strings(&["outbound"]);
        state.tags = Value::Value(BTreeMap::new());
        state.manage_rule_descriptions = Value::Value(true);
        state.revoke_rules_on_delete = Value::Value(false);
        state.load_balancer_listener_arns = strings(&[]);
        let config = json_of(&generated_config(&state, Some("eu-central-1")));
        for absent in [
            "ssh_cidr_blocks",
            "tags",
            "manage_rule_descriptions",
            "revoke_rules_on_delete",
            "load_balancer_listener_arns",
            "ingress_cidr_blocks",
            "session_timeout_seconds",
        ] {
            assert!(config[absent].is_null(), "{absent}: {config}");
        }
    }

    fn extra(direction: &str, protocol: &str) -> ExtraRuleConfig {
        ExtraRuleConfig {
            direction: text(direction),
            protocol: text(protocol),
            ..ExtraRuleConfig::default()
        }
    }

    #[test]
    fn extra_rules_keep_only_what_they_set() {
        let mut state = imported();
        let postgres = ExtraRuleConfig {
            from_port: Value::Value(5432.0),
            to_port: Value::Value(5432.0),
            ipv6_cidr_blocks: strings(&["2001:db8:1::/48"]),
            description: text("postgres"),
            ..extra("ingress", "tcp")
        };
        let own = ExtraRuleConfig {
            self_: Value::Value(true),
            cidr_blocks: strings(&[]),
            ..extra("egress", "all")
        };
        let not_self = ExtraRuleConfig {
            self_: Value::Value(false),
            security_group_ids: strings(&["sg-12345678"]),
            prefix_list_ids: strings(&["pl-12345678"]),
            description: text(""),
            ..extra("ingress", "icmpv6")
        };
        state.args.extra_rule = Value::Value(vec![postgres, own, not_self]);
        let config = json_of(&generated_config(&state, None));
        let written_blocks: Vec<BTreeMap<String, Json>> = config["extra_rule"]
            .as_array()
            .expect("blocks")
            .iter()
            .map(written)
            .collect();
        let expected: Vec<BTreeMap<String, Json>> = [
            json!({"direction": "ingress", "protocol": "tcp", "from_port": 5432.0, "to_port": 5432.0,
                   "ipv6_cidr_blocks": ["2001:db8:1::/48"], "description": "postgres"}),
            json!({"direction": "egress", "protocol": "all", "self": true}),
            json!({"direction": "ingress", "protocol": "icmpv6", "security_group_ids": ["sg-12345678"],
                   "prefix_list_ids": ["pl-12345678"]}),
        ]
        .iter()
        .map(written)
        .collect();
        assert_eq!(written_blocks, expected, "in the state's order");
    }

    #[test]
    fn strings_go_to_terraform_as_they_are_for_it_to_escape() {
        let mut state = imported();
        let tricky = "c8y \"edge\" ${var.x} %{if} \\ back";
        state.description = text(tricky);
        state.tags = Value::Value(BTreeMap::from([("a\"b".to_string(), text("${x}"))]));
        state.args.extra_rule = Value::Value(vec![ExtraRuleConfig {
            description: text("$${literal} {braces}"),
            ..extra("ingress", "all")
        }]);
        let config = json_of(&generated_config(&state, None));
        assert_eq!(config["description"], json!(tricky));
        assert_eq!(config["tags"], json!({"a\"b": "${x}"}));
        assert_eq!(config["extra_rule"][0]["description"], json!("$${literal} {braces}"));
    }

    fn constraint_check(block: &Block, value: &Json, at: &str) {
        let object = value.as_object().expect("an object");
        for (name, attribute) in &block.attributes {
            let v = object.get(name).unwrap_or(&Json::Null);
            if v.is_null() {
                assert!(
                    matches!(
                        attribute.constraint,
                        AttributeConstraint::Computed | AttributeConstraint::OptionalComputed
                    ),
                    "{at}{name} is null in the generated configuration but not computed: Terraform would \
                     write `{name} = null`"
                );
            }
        }
        for (name, nested) in &block.blocks {
            let elements = object.get(name).and_then(Json::as_array).cloned().unwrap_or_default();
            let NestedBlock::List(inner) = nested else {
                assert!(elements.is_empty(), "{name} is written");
                continue;
            };
            for element in &elements {
                constraint_check(inner, element, &format!("{at}{name}."));
            }
        }
    }

    #[test]
    fn every_null_attribute_is_computed_so_terraform_writes_no_null_line() {
        let mut state = imported();
        state.args.extra_rule = Value::Value(vec![extra("egress", "all"), extra("ingress", "tcp")]);
        state.description = Value::Null;
        let schema = firewall_schema();
        for provider_region in [Some("eu-central-1"), Some("eu-west-1"), None] {
            let config = json_of(&generated_config(&state, provider_region));
            constraint_check(&schema.block, &config, "");
        }
    }
}
