// This file is part of the tf-provider project
//
// Added by terraform-provider-cumulocity (GenerateResourceConfig, Terraform
// 1.14+). Licensed under the Apache License, Version 2.0, like the rest of
// the crate.

//! Configuration written from state, for `-generate-config-out`.
//!
//! Terraform 1.14+ asks the provider for the configuration of an object
//! (the GenerateResourceConfig call) when the provider announces the
//! `generate_resource_config` server capability; otherwise it filters the
//! state itself. The capability is one flag for the whole provider, so the
//! server announces it as soon as one resource
//! [generates its configuration](crate::Resource::generates_config), and
//! answers for the other resources with [`config_from_state`], which
//! filters the state the way Terraform 1.15 does for providers without the
//! capability: the same output as before for them.

use std::collections::HashMap;

use crate::diagnostics::Diagnostics;
use crate::dyn_value::Dyn;
use crate::raw::RawValue;
use crate::schema::{Attribute, AttributeConstraint, AttributeType, Block, NestedBlock, Schema};
use crate::server::Server;
use crate::tfplugin6 as tf;
use crate::utils::CollectDiagnostics;

/// Filters a resource state down to a configuration value, as Terraform
/// does for providers that do not generate configuration themselves
///
/// Every attribute the configuration cannot set is null: computed-only and
/// deprecated attributes, deprecated blocks, an optional and computed `id`
/// at the top level, and empty strings in optional attributes. Everything
/// else is kept as it is in the state. Terraform then writes every attribute
/// in alphabetical order, then every block, and leaves out null computed
/// attributes only (a null optional attribute is written `name = null`).
///
/// A null state gives a null configuration.
///
/// # Remarks
///
/// Returns [`None`] iff there is an error reported in diagnostics
pub fn config_from_state(
    diags: &mut Diagnostics,
    schema: &Schema,
    state: &RawValue,
) -> Option<RawValue> {
    if state.is_null() {
        return Some(RawValue::default());
    }
    let state: Dyn = state.deserialize(diags)?;
    let config = filter_block(&schema.block, state, true);
    RawValue::serialize(diags, &config)
}

fn filter_block(block: &Block, value: Dyn, top_level: bool) -> Dyn {
    let Dyn::Map(entries) = value else {
        return value;
    };
    Dyn::Map(
        entries
            .into_iter()
            .map(|(key, value)| {
                let value = match &key {
                    Dyn::Str(name) => {
                        if let Some(attribute) = block.attributes.get(name) {
                            filter_attribute(attribute, name, value, top_level)
                        } else if let Some(nested) = block.blocks.get(name) {
                            filter_nested_block(nested, value)
                        } else {
                            value
                        }
                    }
                    _ => value,
                };
                (key, value)
            })
            .collect(),
    )
}

fn filter_attribute(attribute: &Attribute, name: &str, value: Dyn, top_level: bool) -> Dyn {
    if value == Dyn::Nil {
        return value;
    }
    let optional = matches!(
        attribute.constraint,
        AttributeConstraint::Optional
            | AttributeConstraint::OptionalComputed
            | AttributeConstraint::WriteOnlyOptional
    );
    let computed_only = attribute.constraint == AttributeConstraint::Computed;
    let legacy_id =
        top_level && name == "id" && attribute.constraint == AttributeConstraint::OptionalComputed;
    let empty_string = optional
        && attribute.attr_type == AttributeType::String
        && value == Dyn::Str(String::new());
    if attribute.deprecated || computed_only || legacy_id || empty_string {
        return Dyn::Nil;
    }
    match &attribute.attr_type {
        AttributeType::AttributeSingle(attributes) => filter_object(attributes, value),
        AttributeType::AttributeList(attributes) | AttributeType::AttributeSet(attributes) => {
            map_elements(value, |element| filter_object(attributes, element))
        }
        AttributeType::AttributeMap(attributes) => {
            map_values(value, |element| filter_object(attributes, element))
        }
        _ => value,
    }
}

fn filter_object(attributes: &HashMap<String, Attribute>, value: Dyn) -> Dyn {
    let block = Block {
        attributes: attributes.clone(),
        ..Default::default()
    };
    filter_block(&block, value, false)
}

fn filter_nested_block(nested: &NestedBlock, value: Dyn) -> Dyn {
    match nested {
        NestedBlock::Single(block) | NestedBlock::Group(block) => {
            if block.deprecated {
                Dyn::Nil
            } else {
                filter_block(block, value, false)
            }
        }
        NestedBlock::List(block) | NestedBlock::Set(block) | NestedBlock::Optional(block) => {
            if block.deprecated {
                Dyn::Nil
            } else {
                map_elements(value, |element| filter_block(block, element, false))
            }
        }
        NestedBlock::Map(block) => {
            if block.deprecated {
                Dyn::Nil
            } else {
                map_values(value, |element| filter_block(block, element, false))
            }
        }
    }
}

fn map_elements(value: Dyn, f: impl Fn(Dyn) -> Dyn) -> Dyn {
    match value {
        Dyn::Array(elements) => Dyn::Array(elements.into_iter().map(f).collect()),
        other => other,
    }
}

fn map_values(value: Dyn, f: impl Fn(Dyn) -> Dyn) -> Dyn {
    match value {
        Dyn::Map(entries) => Dyn::Map(entries.into_iter().map(|(k, v)| (k, f(v))).collect()),
        other => other,
    }
}

impl Server {
    /// GenerateResourceConfig
    pub(crate) async fn generate_config(
        &self,
        request: tf::generate_resource_config::Request,
    ) -> tf::generate_resource_config::Response {
        let mut diags = Diagnostics::default();
        let config = match self.get_resource(&mut diags, &request.type_name) {
            Some(resource) => {
                let state = request.state.map(RawValue::from).unwrap_or_default();
                if state.is_null() {
                    // A `terraform query` result without resource object:
                    // nothing to write from.
                    Some(RawValue::default())
                } else {
                    resource.generate_config(&mut diags, state).await
                }
            }
            None => None,
        }
        .collect_diagnostics(&mut diags);
        tf::generate_resource_config::Response {
            config: config.map(Into::into),
            diagnostics: diags.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::schema::Description;

    fn attribute(attr_type: AttributeType, constraint: AttributeConstraint) -> Attribute {
        Attribute {
            attr_type,
            description: Description::plain("test"),
            constraint,
            sensitive: false,
            deprecated: false,
        }
    }

    fn schema() -> Schema {
        let mut inner = Block::default();
        inner.attributes.insert(
            "port".into(),
            attribute(AttributeType::Number, AttributeConstraint::Required),
        );
        inner.attributes.insert(
            "rule_id".into(),
            attribute(AttributeType::String, AttributeConstraint::Computed),
        );
        let old = Block {
            deprecated: true,
            ..Default::default()
        };
        let mut nested_attrs = HashMap::new();
        nested_attrs.insert(
            "arn".to_string(),
            attribute(AttributeType::String, AttributeConstraint::Computed),
        );
        nested_attrs.insert(
            "name".to_string(),
            attribute(AttributeType::String, AttributeConstraint::Optional),
        );
        let mut block = Block::default();
        for (name, attr) in [
            (
                "id",
                attribute(AttributeType::String, AttributeConstraint::OptionalComputed),
            ),
            (
                "name",
                attribute(AttributeType::String, AttributeConstraint::Required),
            ),
            (
                "description",
                attribute(AttributeType::String, AttributeConstraint::Optional),
            ),
            (
                "arn",
                attribute(AttributeType::String, AttributeConstraint::Computed),
            ),
            (
                "region",
                attribute(AttributeType::String, AttributeConstraint::OptionalComputed),
            ),
            (
                "legacy",
                Attribute {
                    deprecated: true,
                    ..attribute(AttributeType::String, AttributeConstraint::Optional)
                },
            ),
            (
                "targets",
                attribute(
                    AttributeType::AttributeList(nested_attrs),
                    AttributeConstraint::Optional,
                ),
            ),
            (
                "tags",
                attribute(
                    AttributeType::Map(Box::new(AttributeType::String)),
                    AttributeConstraint::Optional,
                ),
            ),
        ] {
            block.attributes.insert(name.into(), attr);
        }
        block.blocks.insert("rule".into(), NestedBlock::List(inner));
        block
            .blocks
            .insert("old".into(), NestedBlock::Optional(old));
        Schema { version: 1, block }
    }

    fn state() -> serde_json::Value {
        json!({
            "id": "sg-1",
            "name": "edge",
            "description": "",
            "arn": "arn:aws:ec2:eu-west-1:1:security-group/sg-1",
            "region": "eu-west-1",
            "legacy": "x",
            "targets": [{"arn": "arn:1", "name": "a"}, {"arn": "arn:2", "name": ""}],
            "tags": {"env": "", "team": "iot"},
            "rule": [{"port": 443, "rule_id": "sgr-1"}],
            "old": [{}],
        })
    }

    fn filter(value: serde_json::Value) -> serde_json::Value {
        let mut diags = Diagnostics::default();
        let state = RawValue::serialize(&mut diags, &value).unwrap();
        let config = config_from_state(&mut diags, &schema(), &state).unwrap();
        assert!(diags.errors.is_empty(), "{diags:?}");
        config.deserialize(&mut diags).unwrap()
    }

    #[test]
    fn keeps_what_configuration_sets_and_nulls_the_rest() {
        assert_eq!(
            filter(state()),
            json!({
                "id": null,
                "name": "edge",
                "description": null,
                "arn": null,
                "region": "eu-west-1",
                "legacy": null,
                "targets": [{"arn": null, "name": "a"}, {"arn": null, "name": null}],
                "tags": {"env": "", "team": "iot"},
                "rule": [{"port": 443, "rule_id": null}],
                "old": null,
            })
        );
    }

    #[test]
    fn an_id_below_the_top_level_is_kept() {
        let mut schema = schema();
        let NestedBlock::List(rule) = schema.block.blocks.get_mut("rule").unwrap() else {
            unreachable!()
        };
        rule.attributes.insert(
            "id".into(),
            attribute(AttributeType::String, AttributeConstraint::OptionalComputed),
        );
        let mut diags = Diagnostics::default();
        let state =
            RawValue::serialize(&mut diags, &json!({"rule": [{"id": "r-1", "port": 1}]})).unwrap();
        let config = config_from_state(&mut diags, &schema, &state).unwrap();
        let config: serde_json::Value = config.deserialize(&mut diags).unwrap();
        assert_eq!(config, json!({"rule": [{"id": "r-1", "port": 1}]}));
    }

    #[test]
    fn a_null_state_gives_a_null_config() {
        let mut diags = Diagnostics::default();
        let config = config_from_state(&mut diags, &schema(), &RawValue::default()).unwrap();
        assert!(config.is_null());
    }

    #[test]
    fn json_states_are_filtered_too() {
        let mut diags = Diagnostics::default();
        let state = RawValue::Json(serde_json::to_vec(&state()).unwrap());
        let config = config_from_state(&mut diags, &schema(), &state).unwrap();
        let config: serde_json::Value = config.deserialize(&mut diags).unwrap();
        assert_eq!(config["arn"], json!(null));
        assert_eq!(config["name"], json!("edge"));
    }
}
