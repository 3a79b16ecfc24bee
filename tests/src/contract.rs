//! The API contract (`openapi.yaml`), checked on every response the integration tests receive:
//! the status must be documented for the operation, the content type must match, and the body
//! must validate against the documented schema.

use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

pub struct Contract {
    doc: Value,
    validators: Mutex<HashMap<String, std::sync::Arc<jsonschema::Validator>>>,
}

pub fn contract() -> &'static Contract {
    static CONTRACT: OnceLock<Contract> = OnceLock::new();
    CONTRACT.get_or_init(|| {
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../openapi.yaml");
        let text = std::fs::read_to_string(path).expect("openapi.yaml");
        let doc: Value = serde_yaml_ng::from_str(&text).expect("openapi.yaml is YAML");
        Contract { doc, validators: Mutex::new(HashMap::new()) }
    })
}

impl Contract {
    pub fn doc(&self) -> &Value {
        &self.doc
    }

    fn resolve<'a>(&'a self, value: &'a Value) -> &'a Value {
        match value.get("$ref").and_then(Value::as_str) {
            Some(pointer) => self.doc.pointer(pointer.trim_start_matches('#')).unwrap_or(&Value::Null),
            None => value,
        }
    }

    fn validator(&self, schema_ref: &str) -> std::sync::Arc<jsonschema::Validator> {
        let mut cache = self.validators.lock().unwrap();
        cache
            .entry(schema_ref.to_owned())
            .or_insert_with(|| {
                // The whole document is the root, so `#/components/...` references resolve.
                let mut root = self.doc.clone();
                root["$schema"] = Value::String("https://json-schema.org/draft/2020-12/schema".into());
                root["$ref"] = Value::String(schema_ref.to_owned());
                std::sync::Arc::new(jsonschema::validator_for(&root).unwrap_or_else(|e| panic!("{schema_ref}: {e}")))
            })
            .clone()
    }

    /// Panics unless the response is one `openapi.yaml` documents for this operation.
    pub fn check(&self, method: &str, route: &str, status: u16, content_type: &str, body: &str) {
        let operation = &self.doc["paths"][route][method.to_ascii_lowercase()];
        assert!(operation.is_object(), "{method} {route} is not in openapi.yaml");
        let responses = &operation["responses"];
        let documented = responses.get(status.to_string()).or_else(|| responses.get("default"));
        let Some(documented) = documented else {
            panic!("{method} {route}: status {status} is not documented ({body})");
        };
        let documented = self.resolve(documented);
        let content = &documented["content"];
        if body.is_empty() {
            return;
        }
        let media = content_type.split(';').next().unwrap_or_default().trim();
        let Some(schema) = content.get(media).map(|c| &c["schema"]) else {
            panic!("{method} {route} {status}: content type {media} is not documented ({body})");
        };
        let schema_ref = schema["$ref"].as_str().unwrap_or_else(|| panic!("{method} {route}: inline schema"));
        let instance: Value =
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{method} {route}: body is not JSON: {e}"));
        let validator = self.validator(schema_ref);
        let errors: Vec<String> =
            validator.iter_errors(&instance).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{method} {route} {status} breaks {schema_ref}: {errors:?}\n{body}");
    }
}
