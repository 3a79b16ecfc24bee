//! DynamoDB's wire JSON (`{"S": "x"}`, `{"N": "1"}`, …) back into SDK values, so the floor can
//! issue exactly the payloads a handler sent.

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value;
use std::collections::HashMap;

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// An item in DynamoDB's wire JSON, read by `serde_dynamo` (the same reader the stream
/// consumers' images go through) into the SDK's type.
pub fn item(v: &Value) -> Result<HashMap<String, AttributeValue>, Error> {
    Ok(serde_json::from_value::<serde_dynamo::Item>(v.clone())?.into())
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
        assert!(item(&json!({"a": {"X": 1}})).is_err());
    }
}
