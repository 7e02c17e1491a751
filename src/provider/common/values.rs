//! Conversions between tf-provider's `Value` and the core's `Maybe`, so
//! that `rules` never sees a Terraform type.

use tf_provider::value::{Value, ValueList};

use crate::rules::{Maybe, MaybeList};

/// A Terraform value as a [`Maybe`]: null is absent.
pub fn maybe<T: Clone>(value: &Value<T>) -> Maybe<T> {
    match value {
        Value::Value(v) => Maybe::Known(v.clone()),
        Value::Null => Maybe::Absent,
        Value::Unknown => Maybe::Unknown,
    }
}

/// A Terraform list as a [`MaybeList`]: the list, and each element, may be
/// null or unknown.
pub fn maybe_list<T: Clone>(value: &ValueList<Value<T>>) -> MaybeList<T> {
    match value {
        Value::Value(items) => Maybe::Known(items.iter().map(maybe).collect()),
        Value::Null => Maybe::Absent,
        Value::Unknown => Maybe::Unknown,
    }
}

/// A known list of known values, for state.
pub fn known_list<T>(items: impl IntoIterator<Item = T>) -> ValueList<Value<T>> {
    Value::Value(items.into_iter().map(Value::Value).collect())
}

/// A list argument, null when it is empty: configuration and state write an
/// empty optional list as absent.
pub fn null_if_empty<T: Clone>(list: &Value<Vec<T>>) -> Value<Vec<T>> {
    match list {
        Value::Value(items) if !items.is_empty() => list.clone(),
        _ => Value::Null,
    }
}

/// `Some` as a value, `None` as null.
pub fn optional<T>(value: Option<T>) -> Value<T> {
    value.map_or(Value::Null, Value::Value)
}

/// Reads values of a configuration that may still be unknown, noting
/// whether every value read so far was known: a check reports problems in
/// what is known and decides only once everything is (`complete`).
#[derive(Debug)]
pub struct Known {
    /// No value read so far was unknown.
    pub complete: bool,
}

impl Default for Known {
    fn default() -> Self {
        Known { complete: true }
    }
}

impl Known {
    /// The value when known; `None` for null and for unknown, which is noted.
    pub fn get<'v, T>(&mut self, value: &'v Value<T>) -> Option<&'v T> {
        match value {
            Value::Value(v) => Some(v),
            Value::Null => None,
            Value::Unknown => {
                self.complete = false;
                None
            }
        }
    }

    /// The first block of a block list (the provider's blocks are single).
    pub fn first<'v, T>(&mut self, blocks: &'v ValueList<T>) -> Option<&'v T> {
        self.get(blocks).and_then(|items| items.first())
    }
}
