//! `AttributeValue` → Rust values, consuming the item (strings move, nothing is copied twice).

use super::{CodecError, Map, kind};
use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::value::StringDeserializer;
use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use std::collections::hash_map;

/// Deserialises an item into a struct or map.
pub fn from_item<T: DeserializeOwned>(item: Map) -> Result<T, CodecError> {
    T::deserialize(ValueDeserializer(AttributeValue::M(item)))
}

fn expected(what: &str, got: &AttributeValue) -> CodecError {
    CodecError::new(format!("expected {what}, found {}", kind(got)))
}

/// Parses an `N` for a typed number.
fn parse<T: std::str::FromStr>(n: &str) -> Result<T, CodecError> {
    n.parse().map_err(|_| CodecError::new(format!("the number {n} does not fit {}", std::any::type_name::<T>())))
}

/// One attribute, deserialised by value.
struct ValueDeserializer(AttributeValue);

macro_rules! typed_number {
    ($($method:ident => $visit:ident: $ty:ty),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CodecError> {
            match &self.0 {
                AttributeValue::N(n) => visitor.$visit(parse::<$ty>(n)?),
                other => Err(expected("a number", other)),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for ValueDeserializer {
    type Error = CodecError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CodecError> {
        match self.0 {
            AttributeValue::S(s) => visitor.visit_string(s),
            // Untyped numbers (a flattened struct's fields, JSON values) try the integer types
            // first, in order, and parse only as far as needed.
            AttributeValue::N(n) => {
                if let Ok(i) = n.parse::<i64>() {
                    visitor.visit_i64(i)
                } else if let Ok(u) = n.parse::<u64>() {
                    visitor.visit_u64(u)
                } else {
                    visitor.visit_f64(parse::<f64>(&n)?)
                }
            }
            AttributeValue::Bool(b) => visitor.visit_bool(b),
            AttributeValue::Null(_) => visitor.visit_unit(),
            AttributeValue::B(b) => visitor.visit_byte_buf(b.into_inner()),
            AttributeValue::M(m) => visitor.visit_map(MapDeserializer::new(m)),
            AttributeValue::L(l) => visitor.visit_seq(SeqDeserializer(l.into_iter())),
            AttributeValue::Ss(ss) => visitor
                .visit_seq(SeqDeserializer(ss.into_iter().map(AttributeValue::S).collect::<Vec<_>>().into_iter())),
            AttributeValue::Ns(ns) => visitor
                .visit_seq(SeqDeserializer(ns.into_iter().map(AttributeValue::N).collect::<Vec<_>>().into_iter())),
            AttributeValue::Bs(bs) => visitor
                .visit_seq(SeqDeserializer(bs.into_iter().map(AttributeValue::B).collect::<Vec<_>>().into_iter())),
            other => Err(expected("a known attribute type", &other)),
        }
    }

    typed_number! {
        deserialize_i8 => visit_i8: i8,
        deserialize_i16 => visit_i16: i16,
        deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64,
        deserialize_i128 => visit_i128: i128,
        deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64,
        deserialize_u128 => visit_u128: u128,
        deserialize_f32 => visit_f32: f32,
        deserialize_f64 => visit_f64: f64,
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CodecError> {
        match self.0 {
            AttributeValue::Bool(b) => visitor.visit_bool(b),
            other => Err(expected("a boolean", &other)),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CodecError> {
        match &self.0 {
            AttributeValue::S(s) => {
                let mut chars = s.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => visitor.visit_char(c),
                    _ => Err(CodecError::new("expected a single character")),
                }
            }
            other => Err(expected("a string", other)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CodecError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CodecError> {
        match self.0 {
            AttributeValue::S(s) => visitor.visit_string(s),
            other => Err(expected("a string", &other)),
        }
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CodecError> {
        self.deserialize_byte_buf(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CodecError> {
        match self.0 {
            AttributeValue::B(b) => visitor.visit_byte_buf(b.into_inner()),
            other => Err(expected("bytes", &other)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CodecError> {
        match self.0 {
            AttributeValue::Null(true) => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CodecError> {
        match self.0 {
            AttributeValue::Null(true) => visitor.visit_unit(),
            other => Err(expected("NULL", &other)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, CodecError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, CodecError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CodecError> {
        match self.0 {
            AttributeValue::L(_) | AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_) => {
                self.deserialize_any(visitor)
            }
            other => Err(expected("a list", &other)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, CodecError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, CodecError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CodecError> {
        match self.0 {
            AttributeValue::M(m) => visitor.visit_map(MapDeserializer::new(m)),
            other => Err(expected("a map", &other)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, CodecError> {
        match self.0 {
            AttributeValue::M(m) => visitor.visit_map(MapDeserializer::new(m)),
            AttributeValue::L(l) => visitor.visit_seq(SeqDeserializer(l.into_iter())),
            other => Err(expected("a map", &other)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, CodecError> {
        match self.0 {
            AttributeValue::S(s) => visitor.visit_enum(IntoDeserializer::<CodecError>::into_deserializer(s)),
            AttributeValue::M(m) => {
                let mut entries = m.into_iter();
                match (entries.next(), entries.next()) {
                    (Some((variant, value)), None) => visitor.visit_enum(EnumDeserializer { variant, value }),
                    _ => Err(CodecError::new("expected a map with exactly one key, the variant's name")),
                }
            }
            other => Err(expected("a string or a one-key map (an enum)", &other)),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CodecError> {
        self.deserialize_string(visitor)
    }

    /// Skipped attributes are dropped without being walked.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CodecError> {
        visitor.visit_unit()
    }
}

struct SeqDeserializer(std::vec::IntoIter<AttributeValue>);

impl<'de> de::SeqAccess<'de> for SeqDeserializer {
    type Error = CodecError;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, CodecError> {
        self.0.next().map(|value| seed.deserialize(ValueDeserializer(value))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct MapDeserializer {
    entries: hash_map::IntoIter<String, AttributeValue>,
    /// The value of the key just handed out.
    value: Option<AttributeValue>,
}

impl MapDeserializer {
    fn new(map: Map) -> Self {
        Self { entries: map.into_iter(), value: None }
    }
}

impl<'de> de::MapAccess<'de> for MapDeserializer {
    type Error = CodecError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, CodecError> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                let key: StringDeserializer<CodecError> = key.into_deserializer();
                seed.deserialize(key).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, CodecError> {
        let value = self.value.take().ok_or_else(|| CodecError::new("a map value was asked for before its key"))?;
        seed.deserialize(ValueDeserializer(value))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A variant with data: the one key of its map names it, the value holds the data.
struct EnumDeserializer {
    variant: String,
    value: AttributeValue,
}

impl<'de> de::EnumAccess<'de> for EnumDeserializer {
    type Error = CodecError;
    type Variant = ValueDeserializer;

    fn variant_seed<V: de::DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, ValueDeserializer), CodecError> {
        let variant: StringDeserializer<CodecError> = self.variant.into_deserializer();
        Ok((seed.deserialize(variant)?, ValueDeserializer(self.value)))
    }
}

impl<'de> de::VariantAccess<'de> for ValueDeserializer {
    type Error = CodecError;

    fn unit_variant(self) -> Result<(), CodecError> {
        Ok(())
    }

    fn newtype_variant_seed<T: de::DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, CodecError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, CodecError> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, CodecError> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}
