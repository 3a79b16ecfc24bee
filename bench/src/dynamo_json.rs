//! DynamoDB's wire JSON (`{"S": "x"}`, `{"N": "1"}`, …) back into SDK values, so the floor can
//! issue exactly the payloads a handler sent.

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value;
use std::collections::HashMap;

pub type Error = Box<dyn std::error::Error + Send + Sync>;

pub fn attr(v: &Value) -> Result<AttributeValue, Error> {
    let (kind, inner) = v.as_object().and_then(|o| o.iter().next()).ok_or("attribute value is not an object")?;
    let strings = |inner: &Value| -> Result<Vec<String>, Error> {
        inner
            .as_array()
            .ok_or("set is not a list")?
            .iter()
            .map(|s| s.as_str().map(str::to_owned).ok_or_else(|| "set member is not a string".into()))
            .collect()
    };
    Ok(match kind.as_str() {
        "S" => AttributeValue::S(inner.as_str().ok_or("S")?.to_owned()),
        "N" => AttributeValue::N(inner.as_str().ok_or("N")?.to_owned()),
        "B" => AttributeValue::B(Blob::new(inner.as_str().ok_or("B")?.as_bytes())),
        "BOOL" => AttributeValue::Bool(inner.as_bool().ok_or("BOOL")?),
        "NULL" => AttributeValue::Null(true),
        "SS" => AttributeValue::Ss(strings(inner)?),
        "NS" => AttributeValue::Ns(strings(inner)?),
        "L" => AttributeValue::L(inner.as_array().ok_or("L")?.iter().map(attr).collect::<Result<_, _>>()?),
        "M" => AttributeValue::M(item(inner)?),
        other => return Err(format!("unsupported attribute type {other}").into()),
    })
}

pub fn item(v: &Value) -> Result<HashMap<String, AttributeValue>, Error> {
    v.as_object().ok_or("item is not an object")?.iter().map(|(k, v)| Ok((k.clone(), attr(v)?))).collect()
}

pub fn opt_item(v: &Value, field: &str) -> Result<Option<HashMap<String, AttributeValue>>, Error> {
    v.get(field).map(item).transpose()
}

pub fn names(v: &Value) -> Option<HashMap<String, String>> {
    v.get("ExpressionAttributeNames")
        .and_then(Value::as_object)
        .map(|o| o.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
}

pub fn values(v: &Value) -> Result<Option<HashMap<String, AttributeValue>>, Error> {
    opt_item(v, "ExpressionAttributeValues")
}

pub fn string(v: &Value, field: &str) -> Option<String> {
    v.get(field).and_then(Value::as_str).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_values_round_trip_into_sdk_types() {
        let v = item(
            &json!({"a": {"S": "x"}, "n": {"N": "12"}, "m": {"M": {"l": {"L": [{"BOOL": true}, {"NULL": true}]}}}}),
        )
        .unwrap();
        assert_eq!(v["a"], AttributeValue::S("x".into()));
        assert_eq!(v["n"], AttributeValue::N("12".into()));
        let AttributeValue::M(m) = &v["m"] else { panic!("not a map") };
        assert_eq!(m["l"], AttributeValue::L(vec![AttributeValue::Bool(true), AttributeValue::Null(true)]));
        assert!(attr(&json!({"X": 1})).is_err());
    }
}
