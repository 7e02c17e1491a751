// This file is part of the tf-provider project
//
// Added by terraform-provider-cumulocity. Licensed under the Apache License,
// Version 2.0, like the rest of the crate.

//! [`Dyn`]: any value of the wire format, for code that must look into a
//! value without knowing its Rust type (config generation, identities).

use std::fmt;

use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::raw::RawValue;

/// Any value of the wire format (MessagePack or JSON), kept in order
///
/// Round-trips MessagePack unchanged, including the extension values
/// Terraform uses for unknown values.
#[derive(Clone, PartialEq, Debug)]
pub(crate) enum Dyn {
    Nil,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    Array(Vec<Dyn>),
    Map(Vec<(Dyn, Dyn)>),
    /// MessagePack extension (type, data): an unknown value
    Ext(i8, Vec<u8>),
}

impl Dyn {
    /// Whether the value is or holds an unknown value
    pub(crate) fn has_unknown(&self) -> bool {
        match self {
            Dyn::Ext(..) => true,
            Dyn::Array(elements) => elements.iter().any(Dyn::has_unknown),
            Dyn::Map(entries) => entries.iter().any(|(_, value)| value.has_unknown()),
            _ => false,
        }
    }
}

/// Whether an encoded value is or holds an unknown value (a value that does
/// not decode counts as unknown)
pub(crate) fn has_unknown(value: &RawValue) -> bool {
    let mut diags = Default::default();
    match value.deserialize::<Dyn>(&mut diags) {
        Some(value) => value.has_unknown(),
        None => true,
    }
}

#[derive(Serialize, Deserialize)]
#[serde(rename = "_ExtStruct")]
struct Ext((i8, serde_bytes::ByteBuf));

impl Serialize for Dyn {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Dyn::Nil => serializer.serialize_unit(),
            Dyn::Bool(b) => serializer.serialize_bool(*b),
            Dyn::Int(i) => serializer.serialize_i64(*i),
            Dyn::UInt(u) => serializer.serialize_u64(*u),
            Dyn::Float(f) => serializer.serialize_f64(*f),
            Dyn::Str(s) => serializer.serialize_str(s),
            Dyn::Bytes(b) => serializer.serialize_bytes(b),
            Dyn::Array(elements) => {
                let mut seq = serializer.serialize_seq(Some(elements.len()))?;
                for element in elements {
                    seq.serialize_element(element)?;
                }
                seq.end()
            }
            Dyn::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
            Dyn::Ext(tag, data) => {
                Ext((*tag, serde_bytes::ByteBuf::from(data.clone()))).serialize(serializer)
            }
        }
    }
}

impl<'de> Deserialize<'de> for Dyn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DynVisitor;
        impl<'de> Visitor<'de> for DynVisitor {
            type Value = Dyn;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a Terraform value")
            }
            fn visit_unit<E>(self) -> Result<Dyn, E> {
                Ok(Dyn::Nil)
            }
            fn visit_none<E>(self) -> Result<Dyn, E> {
                Ok(Dyn::Nil)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Dyn, D::Error> {
                Dyn::deserialize(d)
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Dyn, D::Error> {
                // rmp-serde hands MessagePack extensions over this way.
                let (tag, data) = <(i8, serde_bytes::ByteBuf)>::deserialize(d)?;
                Ok(Dyn::Ext(tag, data.into_vec()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Dyn, E> {
                Ok(Dyn::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Dyn, E> {
                Ok(Dyn::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Dyn, E> {
                Ok(Dyn::UInt(v))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Dyn, E> {
                Ok(Dyn::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Dyn, E> {
                Ok(Dyn::Str(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Dyn, E> {
                Ok(Dyn::Str(v))
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Dyn, E> {
                Ok(Dyn::Bytes(v.to_vec()))
            }
            fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Dyn, E> {
                Ok(Dyn::Bytes(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Dyn, A::Error> {
                let mut elements = Vec::new();
                while let Some(element) = seq.next_element()? {
                    elements.push(element);
                }
                Ok(Dyn::Array(elements))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Dyn, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Dyn::Map(entries))
            }
        }
        deserializer.deserialize_any(DynVisitor)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;

    use super::*;
    use crate::diagnostics::Diagnostics;
    use crate::value::Value;

    fn round_trip<T: Serialize>(value: &T) -> (RawValue, RawValue, Dyn) {
        let mut diags = Diagnostics::default();
        let raw = RawValue::serialize(&mut diags, value).unwrap();
        let dyn_value: Dyn = raw.deserialize(&mut diags).unwrap();
        let back = RawValue::serialize(&mut diags, &dyn_value).unwrap();
        assert!(diags.errors.is_empty(), "{diags:?}");
        (raw, back, dyn_value)
    }

    #[test]
    fn keeps_key_order_numbers_and_bytes_of_dynamic_values() {
        // A dynamic attribute travels as [type JSON as bytes, value].
        let mut map = BTreeMap::new();
        map.insert("z", 1);
        map.insert("a", 2);
        let value = (
            serde_bytes::Bytes::new(b"\"number\""),
            -3.5_f64,
            u64::MAX,
            i64::MIN,
            map,
        );
        let (raw, back, _) = round_trip(&value);
        assert_eq!(raw, back);
    }

    #[test]
    fn unknown_values_survive_and_are_found() {
        #[derive(Serialize)]
        struct Identity {
            id: Value<String>,
            region: Value<String>,
        }
        let unknown = Identity {
            id: Value::Unknown,
            region: Value::Value("eu-west-1".into()),
        };
        let (raw, back, dyn_value) = round_trip(&unknown);
        assert_eq!(raw, back);
        assert!(dyn_value.has_unknown());
        assert!(has_unknown(&raw));

        let known = Identity {
            id: Value::Value("sg-1".into()),
            region: Value::Null,
        };
        let (raw, _, _) = round_trip(&known);
        assert!(!has_unknown(&raw));
        assert!(has_unknown(&RawValue::MessagePack(vec![0xc1])));
    }
}
