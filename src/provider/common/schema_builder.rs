//! Short constructors for tf-provider schema items, so that schema files
//! read as a list of arguments and their descriptions.
//!
//! Descriptions are Markdown: they are the one source for Terraform's own
//! `providers schema` output and for the generated docs.

use std::collections::HashMap;

use tf_provider::schema::{Attribute, AttributeConstraint, AttributeType, Block, Description, NestedBlock};

/// A list of strings.
pub fn string_list() -> AttributeType {
    AttributeType::List(Box::new(AttributeType::String))
}

/// A map of strings, as for tags.
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

/// An argument configuration must set.
pub fn required(attr_type: AttributeType, description: &str) -> Attribute {
    attribute(attr_type, AttributeConstraint::Required, description)
}

/// An argument configuration may leave out.
pub fn optional(attr_type: AttributeType, description: &str) -> Attribute {
    attribute(attr_type, AttributeConstraint::Optional, description)
}

/// Optional in configuration; the provider fills in a default when absent.
pub fn optional_with_default(attr_type: AttributeType, description: &str) -> Attribute {
    attribute(attr_type, AttributeConstraint::OptionalComputed, description)
}

/// `attr` planned from the configuration alone: an `optional_with_default`
/// argument becomes `optional` (for a resource whose state keeps what the
/// configuration says, while its data sources show the default).
pub fn without_provider_default(mut attr: Attribute) -> Attribute {
    if attr.constraint == AttributeConstraint::OptionalComputed {
        attr.constraint = AttributeConstraint::Optional;
    }
    attr
}

/// An attribute only the provider sets.
pub fn computed(attr_type: AttributeType, description: &str) -> Attribute {
    attribute(attr_type, AttributeConstraint::Computed, description)
}

/// `attr` with its value hidden in Terraform's output.
pub fn sensitive(mut attr: Attribute) -> Attribute {
    attr.sensitive = true;
    attr
}

/// A block with these attributes and nested blocks, by name.
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

/// The names a struct (de)serializes. A field the schema lacks makes every
/// configuration fail to decode, with an unhelpful message: tests compare
/// these with the schema's names.
#[cfg(test)]
pub(crate) fn field_names<T: serde::Serialize>(value: &T) -> std::collections::BTreeSet<String> {
    match serde_json::to_value(value).expect("serializes") {
        serde_json::Value::Object(map) => map.keys().cloned().collect(),
        other => panic!("not an object: {other}"),
    }
}

/// The names of a block's attributes and nested blocks: what its state
/// struct must (de)serialize.
#[cfg(test)]
pub(crate) fn block_names(block: &Block) -> std::collections::BTreeSet<String> {
    block.attributes.keys().chain(block.blocks.keys()).cloned().collect()
}

/// The field names of an object type.
#[cfg(test)]
pub(crate) fn object_field_names(object: &AttributeType) -> std::collections::BTreeSet<String> {
    let AttributeType::Object(fields) = object else {
        panic!("not an object type")
    };
    fields.keys().cloned().collect()
}
