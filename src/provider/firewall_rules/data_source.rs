//! `data "cumulocity_firewall_rules"`: expands the rule arguments into the
//! exact list of rules, with no network call and no credentials.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::{Value, ValueEmpty, ValueList};
use tf_provider::{DataSource, Diagnostics};

use crate::provider::common::diagnostics::{not_known_at_read, report, Report};
use crate::provider::common::rule_args::{
    argument_attributes, extra_rule_block, rules_attribute, RuleArgsConfig, RuleObject,
};
use crate::provider::common::schema_builder::{block, computed};
use crate::provider::configure::state::Shared;
use crate::rules::arg_names;
use crate::rules::{self, count, Direction};

/// The configuration and state of `data "cumulocity_firewall_rules"`: the
/// rule arguments and what they expand to.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FirewallRulesState {
    /// The rule arguments, at the top level of the block.
    #[serde(flatten)]
    pub args: RuleArgsConfig,
    /// `rules`: the rules the arguments expand to, in order.
    pub rules: ValueList<RuleObject>,
    /// `ingress_rule_count`: how many of `rules` are ingress rules.
    pub ingress_rule_count: Value<i64>,
    /// `egress_rule_count`: how many of `rules` are egress rules.
    pub egress_rule_count: Value<i64>,
}

/// `data "cumulocity_firewall_rules"`: the rules that arguments expand to,
/// without an AWS call.
pub struct FirewallRulesDataSource {
    /// The provider's shared state; only `max_rules_per_direction` is read
    /// from it.
    pub state: Shared,
}

#[async_trait]
impl DataSource for FirewallRulesDataSource {
    type State<'a> = FirewallRulesState;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        let mut attributes = argument_attributes();
        attributes.push(("rules", rules_attribute("The rules these arguments expand to")));
        attributes.push((
            "ingress_rule_count",
            computed(AttributeType::Number, "How many of `rules` are ingress rules."),
        ));
        attributes.push((
            "egress_rule_count",
            computed(AttributeType::Number, "How many of `rules` are egress rules."),
        ));
        Some(Schema {
            version: 1,
            block: block(
                "Expands the documented Cumulocity firewall rule sets into the exact list of security \
                 group rules, as `cumulocity_firewall` would create them. Makes no AWS call and needs no \
                 credentials: use it to review a rule set, or to feed other tools. It has no `region`: the \
                 rules are the same in every Region.",
                attributes,
                vec![(arg_names::EXTRA_RULE, extra_rule_block())],
            ),
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        config.args.checked(diags, Report::ErrorsOnly);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        config: Self::State<'a>,
        _provider_meta_state: Self::ProviderMetaState<'a>,
    ) -> Option<Self::State<'a>> {
        let Some(args) = config.args.checked(diags, Report::Everything) else {
            not_known_at_read(diags, "The rule arguments");
            return None;
        };
        let expanded = rules::expand(&args);
        let max = self.state.settings().max_rules_per_direction;
        report(diags, &rules::check_quota(&expanded, max), Report::Everything);
        if !diags.errors.is_empty() {
            return None;
        }

        let mut state = config;
        state.args.fill_defaults();
        state.ingress_rule_count = Value::Value(count(&expanded, Direction::Ingress) as i64);
        state.egress_rule_count = Value::Value(count(&expanded, Direction::Egress) as i64);
        state.rules = Value::Value(expanded.iter().map(RuleObject::from_rule).collect());
        Some(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::common::schema_builder::{block_names, field_names};

    #[test]
    fn state_struct_and_schema_name_the_same_attributes() {
        let source = FirewallRulesDataSource {
            state: Shared::default(),
        };
        let schema = source.schema(&mut Diagnostics::default()).expect("a schema");
        assert_eq!(field_names(&FirewallRulesState::default()), block_names(&schema.block));
    }
}
