//! Conversions between tf-provider's `Value` and the core's `Maybe`.

use tf_provider::value::{Value, ValueList};

use crate::rules::{Maybe, MaybeList};

pub fn maybe<T: Clone>(value: &Value<T>) -> Maybe<T> {
    match value {
        Value::Value(v) => Maybe::Known(v.clone()),
        Value::Null => Maybe::Absent,
        Value::Unknown => Maybe::Unknown,
    }
}

pub fn maybe_list<T: Clone>(value: &ValueList<Value<T>>) -> MaybeList<T> {
    match value {
        Value::Value(items) => Maybe::Known(items.iter().map(maybe).collect()),
        Value::Null => Maybe::Absent,
        Value::Unknown => Maybe::Unknown,
    }
}

pub fn known_list<T>(items: impl IntoIterator<Item = T>) -> ValueList<Value<T>> {
    Value::Value(items.into_iter().map(Value::Value).collect())
}

pub fn optional<T>(value: Option<T>) -> Value<T> {
    value.map_or(Value::Null, Value::Value)
}
