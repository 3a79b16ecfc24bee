//! The business metrics a command writes, read back as CloudWatch reads them: Embedded Metric
//! Format lines, each a JSON document whose `_aws` metadata names the namespace, the dimension
//! sets and the metrics, with their values at the top level.
//!
//! Its own test binary: the recorder is process-wide, so no other test's commands add to it.

use backoffice_tests::{JSON, spawn_app};
use serde_json::{Value, json};

/// The EMF documents flushed since the last flush.
fn flushed() -> Vec<Value> {
    let mut out = Vec::new();
    backoffice::metrics::flush(&mut out);
    let text = String::from_utf8(out).expect("EMF lines are UTF-8");
    text.lines().map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))).collect()
}

/// The value of `metric` in the document whose dimensions are exactly `dimensions`, checking the
/// document is well formed as CloudWatch requires (every named dimension and metric present).
fn value(documents: &[Value], metric: &str, dimensions: &[(&str, &str)]) -> Option<i64> {
    documents.iter().find_map(|doc| {
        let directive = &doc["_aws"]["CloudWatchMetrics"][0];
        let names: Vec<&str> = directive["Dimensions"][0].as_array()?.iter().filter_map(Value::as_str).collect();
        let wanted: Vec<&str> = dimensions.iter().map(|(name, _)| *name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        let mut wanted_sorted = wanted.clone();
        wanted_sorted.sort_unstable();
        if sorted != wanted_sorted || dimensions.iter().any(|(name, v)| doc[*name] != *v) {
            return None;
        }
        let listed = directive["Metrics"].as_array()?.iter().any(|m| m["Name"] == metric);
        listed.then(|| doc[metric].as_i64()).flatten()
    })
}

#[tokio::test]
async fn placing_an_order_writes_its_count_and_value_and_a_refusal_its_reason_without_personal_data() {
    assert!(backoffice::metrics::init().is_some(), "the recorder installs");
    let t = spawn_app().await;
    t.stocked("EMF-SKU", 3, 1250, "BRL", 0).await;
    let customer = json!({
        "name": "Iracema Tabajara", "email": "iracema.t@example.org",
        "addresses": [{"kind": "shipping", "default": true, "recipient": "Iracema Tabajara",
                       "line1": "Rua das Jangadas, 9", "city": "Fortaleza", "postal_code": "60165-080", "country": "BR"}],
        "marketing_consent": {"granted": false}
    });
    let created = t.call("POST", "/customers", &[JSON], &customer.to_string()).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let customer_id = created.body["id"].as_str().unwrap().to_owned();
    flushed();

    let order = json!({"customer_id": customer_id, "lines": [{"sku": "EMF-SKU", "quantity": 2}]});
    let placed = t.call("POST", "/orders", &[JSON], &order.to_string()).await;
    assert_eq!(placed.status, 201, "{}", placed.text);
    let too_many = json!({"customer_id": customer_id, "lines": [{"sku": "EMF-SKU", "quantity": 2}]});
    let refused = t.call("POST", "/orders", &[JSON], &too_many.to_string()).await;
    assert_eq!(refused.status, 409, "{}", refused.text);
    let reason = refused.body["type"].as_str().unwrap().trim_start_matches("/problems/").to_owned();

    let documents = flushed();
    for doc in &documents {
        let aws = &doc["_aws"];
        assert!(aws["Timestamp"].as_u64().is_some_and(|t| t > 1_600_000_000_000), "{doc}");
        assert_eq!(aws["CloudWatchMetrics"][0]["Namespace"], backoffice::metrics::DEFAULT_NAMESPACE, "{doc}");
    }
    assert_eq!(value(&documents, "Events", &[("Type", "order.placed")]), Some(1), "{documents:#?}");
    assert_eq!(value(&documents, "Value", &[("Type", "order.placed"), ("Currency", "BRL")]), Some(2500));
    assert_eq!(value(&documents, "Refusals", &[("Reason", &reason)]), Some(1), "{documents:#?}");
    let again = flushed();
    assert_eq!(value(&again, "Events", &[("Type", "order.placed")]), None, "a flush resets what was written");

    let text = serde_json::to_string(&documents).unwrap();
    let order_id = placed.body["id"].as_str().unwrap();
    for personal in ["Iracema", "Tabajara", "iracema.t@example.org", "Jangadas", "60165-080", &customer_id, order_id] {
        assert!(!text.contains(personal), "{personal} in the metrics: {text}");
    }
}
