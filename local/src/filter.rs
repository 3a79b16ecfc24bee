//! Lambda's event filtering (`FilterCriteria`) for stream mappings, as far as the template uses
//! it: a record reaches a function only if it matches one of the mapping's patterns. Lambda drops
//! the others before batching, so a function sees locally the records it would see on AWS (the
//! benchmark records what the runner delivers).
//!
//! A pattern is a JSON object matched against the record's JSON: an object recurses into the
//! field of the same name; an array lists what the field's value may be — a literal, or
//! `{"prefix": "…"}`, or `{"exists": true|false}`. Any other operator is refused when the
//! template is read, rather than silently passing everything.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct Pattern(Value);

#[derive(Debug, Clone, PartialEq)]
enum Rule {
    Equals(Value),
    Prefix(String),
    Exists(bool),
}

impl Pattern {
    /// Parses one `Pattern` string of a `FilterCriteria`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| format!("filter pattern {text:?}: {e}"))?;
        check(&value).map_err(|e| format!("filter pattern {text:?}: {e}"))?;
        Ok(Self(value))
    }

    pub fn matches(&self, record: &Value) -> bool {
        matches_object(&self.0, Some(record))
    }
}

fn check(pattern: &Value) -> Result<(), String> {
    let Value::Object(fields) = pattern else { return Err("a pattern is an object".into()) };
    for (name, p) in fields {
        match p {
            Value::Object(_) => check(p)?,
            Value::Array(rules) if !rules.is_empty() => {
                for r in rules {
                    rule(r).map_err(|e| format!("{name}: {e}"))?;
                }
            }
            _ => return Err(format!("{name}: expected an object or a non-empty array")),
        }
    }
    Ok(())
}

fn rule(value: &Value) -> Result<Rule, String> {
    match value {
        Value::Object(op) if op.len() == 1 => match op.iter().next() {
            Some((k, Value::String(p))) if k == "prefix" => Ok(Rule::Prefix(p.clone())),
            Some((k, Value::Bool(b))) if k == "exists" => Ok(Rule::Exists(*b)),
            Some((k, _)) => Err(format!("operator {k:?} is not supported by the local runner")),
            None => Err("empty operator".into()),
        },
        Value::Object(_) | Value::Array(_) => Err(format!("unsupported rule {value}")),
        literal => Ok(Rule::Equals(literal.clone())),
    }
}

fn matches_object(pattern: &Value, record: Option<&Value>) -> bool {
    let Value::Object(fields) = pattern else { return false };
    fields.iter().all(|(name, p)| {
        let field = record.and_then(|r| r.get(name));
        match p {
            Value::Object(_) => matches_object(p, field),
            Value::Array(rules) => rules.iter().any(|r| match rule(r) {
                // `exists` matches only a value, not an object or array (as Lambda does).
                Ok(Rule::Exists(wanted)) => field.is_some_and(|f| !f.is_object() && !f.is_array()) == wanted,
                Ok(Rule::Prefix(prefix)) => field.and_then(Value::as_str).is_some_and(|s| s.starts_with(&prefix)),
                Ok(Rule::Equals(literal)) => field == Some(&literal),
                Err(_) => false,
            }),
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(sk: &str, name: &str, listed: bool) -> Value {
        let mut image = json!({"sk": {"S": sk}, "available": {"N": "3"}});
        if listed {
            image["gsi1pk"] = json!({"S": "STOCK#LOW"});
        }
        json!({"eventName": name, "dynamodb": {"Keys": {"sk": {"S": sk}}, "NewImage": image}})
    }

    #[test]
    fn the_templates_patterns_pass_what_they_name_and_nothing_else() {
        let relay =
            Pattern::parse(r#"{"eventName": ["INSERT"], "dynamodb": {"Keys": {"sk": {"S": [{"prefix": "EVENT#"}]}}}}"#)
                .unwrap();
        assert!(relay.matches(&record("EVENT#01", "INSERT", false)));
        assert!(!relay.matches(&record("EVENT#01", "MODIFY", false)));
        assert!(!relay.matches(&record("STOCK", "INSERT", false)));

        let levels = Pattern::parse(
            r#"{"eventName": ["INSERT", "MODIFY"], "dynamodb": {"Keys": {"sk": {"S": ["STOCK"]}}, "NewImage": {"gsi1pk": {"S": [{"exists": false}]}}}}"#,
        )
        .unwrap();
        assert!(levels.matches(&record("STOCK", "MODIFY", false)));
        assert!(!levels.matches(&record("STOCK", "MODIFY", true)), "listed: filtered out");
        assert!(!levels.matches(&record("STOCK", "REMOVE", false)));
        assert!(!levels.matches(&record("ORDER", "MODIFY", false)));
        let exists = Pattern::parse(r#"{"dynamodb": {"NewImage": {"gsi1pk": {"S": [{"exists": true}]}}}}"#).unwrap();
        assert!(exists.matches(&record("STOCK", "MODIFY", true)));
        assert!(!exists.matches(&record("STOCK", "MODIFY", false)));
    }

    #[test]
    fn operators_the_runner_does_not_know_are_refused() {
        assert!(Pattern::parse(r#"{"dynamodb": {"NewImage": {"n": {"N": [{"numeric": [">", 1]}]}}}}"#).is_err());
        assert!(Pattern::parse(r#"{"eventName": "INSERT"}"#).is_err());
        assert!(Pattern::parse(r#"{"eventName": []}"#).is_err());
        assert!(Pattern::parse("[1]").is_err());
    }
}
