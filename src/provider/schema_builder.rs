//! Short constructors for tf-provider schema items, so that schema files
//! read as a list of arguments and their descriptions.
//!
//! Descriptions are Markdown: they are the one source for Terraform's own
//! `providers schema` output and for the generated docs.

use std::collections::HashMap;

use tf_provider::schema::{Attribute, AttributeConstraint, AttributeType, Block, Description, NestedBlock};

pub fn string_list() -> AttributeType {
    AttributeType::List(Box::new(AttributeType::String))
}

pub fn string_map() -> AttributeType {
    AttributeType::Map(Box::new(AttributeType::String))
}

fn attribute(attr_type: AttributeType, constraint: AttributeConstraint, description: &str) -> Attribute {
    Attribute {
        attr_type,
        description: Description::markdown(description),
        constraint,
        sensitive: false,
        deprecated: false,
    }
}

pub fn required(attr_type: AttributeType, description: &str) -> Attribute {
    attribute(attr_type, AttributeConstraint::Required, description)
}

pub fn optional(attr_type: AttributeType, description: &str) -> Attribute {
    attribute(attr_type, AttributeConstraint::Optional, description)
}

/// Optional in configuration; the provider fills in a default when absent.
pub fn optional_with_default(attr_type: AttributeType, description: &str) -> Attribute {
    attribute(attr_type, AttributeConstraint::OptionalComputed, description)
}

pub fn computed(attr_type: AttributeType, description: &str) -> Attribute {
    attribute(attr_type, AttributeConstraint::Computed, description)
}

pub fn sensitive(mut attr: Attribute) -> Attribute {
    attr.sensitive = true;
    attr
}

pub fn block(description: &str, attributes: Vec<(&str, Attribute)>, blocks: Vec<(&str, NestedBlock)>) -> Block {
    Block {
        version: 1,
        attributes: to_map(attributes),
        blocks: to_map(blocks),
        description: Description::markdown(description),
        deprecated: false,
    }
}

fn to_map<T>(items: Vec<(&str, T)>) -> HashMap<String, T> {
    items.into_iter().map(|(name, item)| (name.to_string(), item)).collect()
}
