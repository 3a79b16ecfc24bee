//! Rust values → `AttributeValue`, built in place (no intermediate item).

use super::{CodecError, Map};
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::ser::{self, Serialize};

/// Serialises a struct or map into an item.
pub fn to_item<T: Serialize + ?Sized>(value: &T) -> Result<Map, CodecError> {
    match value.serialize(ValueSerializer)? {
        AttributeValue::M(item) => Ok(item),
        other => Err(CodecError::new(format!("an item must be a struct or a map, not {}", super::kind(&other)))),
    }
}

fn number(n: impl itoa::Integer) -> AttributeValue {
    AttributeValue::N(itoa::Buffer::new().format(n).to_owned())
}

/// Serialises one value into one attribute.
struct ValueSerializer;

impl ser::Serializer for ValueSerializer {
    type Ok = AttributeValue;
    type Error = CodecError;
    type SerializeSeq = SeqSerializer;
    type SerializeTuple = SeqSerializer;
    type SerializeTupleStruct = SeqSerializer;
    type SerializeTupleVariant = VariantSerializer<SeqSerializer>;
    type SerializeMap = MapSerializer;
    type SerializeStruct = MapSerializer;
    type SerializeStructVariant = VariantSerializer<MapSerializer>;

    fn serialize_bool(self, v: bool) -> Result<AttributeValue, CodecError> {
        Ok(AttributeValue::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<AttributeValue, CodecError> {
        Ok(number(v))
    }
    fn serialize_i16(self, v: i16) -> Result<AttributeValue, CodecError> {
        Ok(number(v))
    }
    fn serialize_i32(self, v: i32) -> Result<AttributeValue, CodecError> {
        Ok(number(v))
    }
    fn serialize_i64(self, v: i64) -> Result<AttributeValue, CodecError> {
        Ok(number(v))
    }
    fn serialize_i128(self, v: i128) -> Result<AttributeValue, CodecError> {
        Ok(number(v))
    }
    fn serialize_u8(self, v: u8) -> Result<AttributeValue, CodecError> {
        Ok(number(v))
    }
    fn serialize_u16(self, v: u16) -> Result<AttributeValue, CodecError> {
        Ok(number(v))
    }
    fn serialize_u32(self, v: u32) -> Result<AttributeValue, CodecError> {
        Ok(number(v))
    }
    fn serialize_u64(self, v: u64) -> Result<AttributeValue, CodecError> {
        Ok(number(v))
    }
    fn serialize_u128(self, v: u128) -> Result<AttributeValue, CodecError> {
        Ok(number(v))
    }
    fn serialize_f32(self, v: f32) -> Result<AttributeValue, CodecError> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<AttributeValue, CodecError> {
        if v.is_finite() {
            Ok(AttributeValue::N(v.to_string()))
        } else {
            Err(CodecError::new("DynamoDB numbers are finite"))
        }
    }
    fn serialize_char(self, v: char) -> Result<AttributeValue, CodecError> {
        Ok(AttributeValue::S(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<AttributeValue, CodecError> {
        Ok(AttributeValue::S(v.to_owned()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<AttributeValue, CodecError> {
        Ok(AttributeValue::B(Blob::new(v)))
    }
    fn serialize_none(self) -> Result<AttributeValue, CodecError> {
        Ok(AttributeValue::Null(true))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<AttributeValue, CodecError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<AttributeValue, CodecError> {
        Ok(AttributeValue::Null(true))
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<AttributeValue, CodecError> {
        Ok(AttributeValue::Null(true))
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<AttributeValue, CodecError> {
        Ok(AttributeValue::S(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<AttributeValue, CodecError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<AttributeValue, CodecError> {
        Ok(tagged(variant, value.serialize(self)?))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSerializer, CodecError> {
        Ok(SeqSerializer(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqSerializer, CodecError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqSerializer, CodecError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantSerializer<SeqSerializer>, CodecError> {
        Ok(VariantSerializer { variant, inner: self.serialize_seq(Some(len))? })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<MapSerializer, CodecError> {
        Ok(MapSerializer { map: Map::with_capacity(len.unwrap_or(0)), key: None })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<MapSerializer, CodecError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantSerializer<MapSerializer>, CodecError> {
        Ok(VariantSerializer { variant, inner: self.serialize_map(Some(len))? })
    }
}

/// A variant with data: a map whose only key is the variant's name.
fn tagged(variant: &str, value: AttributeValue) -> AttributeValue {
    let mut map = Map::with_capacity(1);
    map.insert(variant.to_owned(), value);
    AttributeValue::M(map)
}

struct SeqSerializer(Vec<AttributeValue>);

impl ser::SerializeSeq for SeqSerializer {
    type Ok = AttributeValue;
    type Error = CodecError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CodecError> {
        self.0.push(value.serialize(ValueSerializer)?);
        Ok(())
    }
    fn end(self) -> Result<AttributeValue, CodecError> {
        Ok(AttributeValue::L(self.0))
    }
}

impl ser::SerializeTuple for SeqSerializer {
    type Ok = AttributeValue;
    type Error = CodecError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CodecError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<AttributeValue, CodecError> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for SeqSerializer {
    type Ok = AttributeValue;
    type Error = CodecError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CodecError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<AttributeValue, CodecError> {
        ser::SerializeSeq::end(self)
    }
}

struct MapSerializer {
    map: Map,
    /// The key of the entry whose value comes next (`serialize_key`, then `serialize_value`).
    key: Option<String>,
}

impl ser::SerializeMap for MapSerializer {
    type Ok = AttributeValue;
    type Error = CodecError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), CodecError> {
        self.key = Some(key.serialize(KeySerializer)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CodecError> {
        let key = self.key.take().ok_or_else(|| CodecError::new("a map value came without its key"))?;
        self.map.insert(key, value.serialize(ValueSerializer)?);
        Ok(())
    }
    fn serialize_entry<K: Serialize + ?Sized, V: Serialize + ?Sized>(
        &mut self,
        key: &K,
        value: &V,
    ) -> Result<(), CodecError> {
        let key = key.serialize(KeySerializer)?;
        self.map.insert(key, value.serialize(ValueSerializer)?);
        Ok(())
    }
    fn end(self) -> Result<AttributeValue, CodecError> {
        Ok(AttributeValue::M(self.map))
    }
}

impl ser::SerializeStruct for MapSerializer {
    type Ok = AttributeValue;
    type Error = CodecError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), CodecError> {
        self.map.insert(key.to_owned(), value.serialize(ValueSerializer)?);
        Ok(())
    }
    fn end(self) -> Result<AttributeValue, CodecError> {
        Ok(AttributeValue::M(self.map))
    }
}

/// A tuple or struct variant being built; `end` wraps it in its one-key map.
struct VariantSerializer<S> {
    variant: &'static str,
    inner: S,
}

impl ser::SerializeTupleVariant for VariantSerializer<SeqSerializer> {
    type Ok = AttributeValue;
    type Error = CodecError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CodecError> {
        ser::SerializeSeq::serialize_element(&mut self.inner, value)
    }
    fn end(self) -> Result<AttributeValue, CodecError> {
        Ok(tagged(self.variant, ser::SerializeSeq::end(self.inner)?))
    }
}

impl ser::SerializeStructVariant for VariantSerializer<MapSerializer> {
    type Ok = AttributeValue;
    type Error = CodecError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), CodecError> {
        ser::SerializeStruct::serialize_field(&mut self.inner, key, value)
    }
    fn end(self) -> Result<AttributeValue, CodecError> {
        Ok(tagged(self.variant, ser::SerializeStruct::end(self.inner)?))
    }
}

/// Map keys are attribute names: strings only (unit variants count, as their names).
struct KeySerializer;

fn key_error() -> CodecError {
    CodecError::new("map keys must be strings")
}

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = CodecError;
    type SerializeSeq = ser::Impossible<String, CodecError>;
    type SerializeTuple = ser::Impossible<String, CodecError>;
    type SerializeTupleStruct = ser::Impossible<String, CodecError>;
    type SerializeTupleVariant = ser::Impossible<String, CodecError>;
    type SerializeMap = ser::Impossible<String, CodecError>;
    type SerializeStruct = ser::Impossible<String, CodecError>;
    type SerializeStructVariant = ser::Impossible<String, CodecError>;

    fn serialize_str(self, v: &str) -> Result<String, CodecError> {
        Ok(v.to_owned())
    }
    fn serialize_char(self, v: char) -> Result<String, CodecError> {
        Ok(v.to_string())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, CodecError> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String, CodecError> {
        value.serialize(self)
    }
    fn serialize_bool(self, _v: bool) -> Result<String, CodecError> {
        Err(key_error())
    }
    fn serialize_i8(self, _v: i8) -> Result<String, CodecError> {
        Err(key_error())
    }
    fn serialize_i16(self, _v: i16) -> Result<String, CodecError> {
        Err(key_error())
    }
    fn serialize_i32(self, _v: i32) -> Result<String, CodecError> {
        Err(key_error())
    }
    fn serialize_i64(self, _v: i64) -> Result<String, CodecError> {
        Err(key_error())
    }
    fn serialize_u8(self, _v: u8) -> Result<String, CodecError> {
        Err(key_error())
    }
    fn serialize_u16(self, _v: u16) -> Result<String, CodecError> {
        Err(key_error())
    }
    fn serialize_u32(self, _v: u32) -> Result<String, CodecError> {
        Err(key_error())
    }
    fn serialize_u64(self, _v: u64) -> Result<String, CodecError> {
        Err(key_error())
    }
    fn serialize_f32(self, _v: f32) -> Result<String, CodecError> {
        Err(key_error())
    }
    fn serialize_f64(self, _v: f64) -> Result<String, CodecError> {
        Err(key_error())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<String, CodecError> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<String, CodecError> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<String, CodecError> {
        Err(key_error())
    }
    fn serialize_unit(self) -> Result<String, CodecError> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<String, CodecError> {
        Err(key_error())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<String, CodecError> {
        Err(key_error())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, CodecError> {
        Err(key_error())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, CodecError> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, CodecError> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, CodecError> {
        Err(key_error())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, CodecError> {
        Err(key_error())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct, CodecError> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, CodecError> {
        Err(key_error())
    }
}
