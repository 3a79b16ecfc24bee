//! The audit trail: every change leaves a record in its own transaction, listed by entity and
//! by actor, and nothing personal in it survives (or is in it to begin with).

use backoffice_local::Identity;
use backoffice_tests::{JSON, TestApp, spawn_app};

fn clerk(name: &str) -> Identity {
    let scopes = ["backoffice:read", "orders:write", "stock:write", "customers:write", "customers:read", "audit:read"];
    Identity::Claims { subject: name.into(), scopes: scopes.iter().map(|s| (*s).to_owned()).collect() }
}

async fn audit(t: &TestApp, query: &str) -> Vec<serde_json::Value> {
    t.all_pages(&format!("/audit?{query}"), 2).await
}

fn commands(records: &[serde_json::Value]) -> Vec<&str> {
    records.iter().map(|r| r["command"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn every_change_is_audited_by_entity_and_actor_and_a_refusal_is_not() {
    let t = spawn_app().await;
    let ana = clerk("clerk-ana");
    let bob = clerk("clerk-bob");
    let body = serde_json::json!({
        "name": "Caneca", "unit_price": {"amount": 3990, "currency": "BRL"}, "reorder_point": 0, "reorder_quantity": 5,
    });
    assert_eq!(t.call_as(&ana, "PUT", "/stock/AUD-1", &[JSON], &body.to_string()).await.status, 201);
    let receipt = r#"{"delta": 10, "reason": "received"}"#;
    let adjusted =
        t.call_as(&ana, "POST", "/stock/AUD-1/adjustments", &[JSON, ("x-correlation-id", "receipt-77")], receipt).await;
    assert_eq!(adjusted.status, 201, "{}", adjusted.text);
    let order_body = serde_json::json!({"customer_id": t.customer, "lines": [{"sku": "AUD-1", "quantity": 2}]});
    let placed = t.call_as(&bob, "POST", "/orders", &[JSON], &order_body.to_string()).await;
    assert_eq!(placed.status, 201, "{}", placed.text);
    let order = placed.body["id"].as_str().unwrap().to_owned();
    let cancel = format!("/orders/{order}/cancel");
    assert_eq!(t.call_as(&ana, "POST", &cancel, &[JSON], r#"{"reason":"asked"}"#).await.status, 200);
    let note = t.call_as(&bob, "POST", &format!("/orders/{order}/notes"), &[JSON], r#"{"text":"x"}"#).await;
    assert_eq!(note.status, 200, "{}", note.text);
    // Refused: nothing changed, so nothing is audited.
    let refused =
        t.call_as(&ana, "POST", "/stock/AUD-1/adjustments", &[JSON], r#"{"delta": -1000, "reason": "damaged"}"#).await;
    assert_eq!(refused.status, 409, "{}", refused.text);

    let of_order = audit(&t, &format!("order={order}")).await;
    assert_eq!(
        commands(&of_order),
        ["POST /orders/{id}/notes", "POST /orders/{id}/cancel", "POST /orders"],
        "newest first"
    );
    assert_eq!(of_order[2]["actor"], "clerk-bob");
    assert_eq!(of_order[1]["actor"], "clerk-ana");
    let placed_entities = of_order[2]["entities"].as_array().unwrap();
    for (kind, id) in [("order", order.as_str()), ("customer", t.customer.as_str()), ("sku", "AUD-1")] {
        assert!(placed_entities.iter().any(|e| e["type"] == kind && e["id"] == id), "{kind} {id}: {placed_entities:?}");
    }
    // The cancellation moved the customer's open-order count, the store's bookkeeping: the
    // cancellation is the order's change, not the customer's.
    let cancelled_entities = of_order[1]["entities"].as_array().unwrap();
    assert!(!cancelled_entities.iter().any(|e| e["type"] == "customer"), "{cancelled_entities:?}");
    let of_customer = audit(&t, &format!("customer={}", t.customer)).await;
    assert!(commands(&of_customer).contains(&"POST /orders"), "placing checks the customer: {of_customer:?}");
    assert!(!commands(&of_customer).contains(&"POST /orders/{id}/cancel"), "{of_customer:?}");
    let of_sku = audit(&t, "sku=AUD-1").await;
    assert_eq!(
        commands(&of_sku),
        ["POST /stock/{sku}/adjustments", "PUT /stock/{sku}"],
        "an order's SKUs are found through it"
    );
    assert_eq!(of_sku[0]["correlation_id"], "receipt-77");
    let by_ana = audit(&t, "actor=clerk-ana").await;
    assert_eq!(
        commands(&by_ana),
        ["POST /orders/{id}/cancel", "POST /stock/{sku}/adjustments", "PUT /stock/{sku}"],
        "merged from the actor's shards newest first, each once"
    );
    assert!(audit(&t, &format!("customer={}", t.customer)).await.iter().any(|r| r["command"] == "POST /orders"));

    // Within UTC days, both included: today's are all of them, a month of 2020 holds none.
    let today = chrono::Utc::now().date_naive();
    assert_eq!(commands(&audit(&t, &format!("actor=clerk-ana&from={today}&to={today}")).await), commands(&by_ana));
    assert_eq!(audit(&t, &format!("order={order}&from={today}")).await.len(), 3);
    assert!(audit(&t, "actor=clerk-ana&to=2020-01-31").await.is_empty());
    assert!(audit(&t, &format!("order={order}&from=2020-01-01&to=2020-01-31")).await.is_empty());

    for (query, field) in [
        ("", "actor"),
        ("actor=a&order=b", "actor"),
        ("order=nope", "order"),
        ("sku=a%23b", "sku"),
        ("actor=a&from=2026-13-01", "from"),
        ("actor=a&from=2026-12-07&to=2026-12-06", "to"),
    ] {
        let r = t.get(&format!("/audit?{query}")).await;
        assert_eq!(r.problem(422)["field"], field, "{query}: {}", r.text);
    }
    let reader = Identity::Claims { subject: "reader".into(), scopes: vec!["backoffice:read".into()] };
    assert_eq!(t.call_as(&reader, "GET", "/audit?actor=clerk-ana", &[], "").await.status, 403);
}

#[tokio::test]
async fn erasure_keeps_the_audit_records_and_none_holds_personal_data() {
    let t = spawn_app().await;
    let body = serde_json::json!({
        "name": "Beatriz Quintanilha", "email": "beatriz.q@example.com", "phone": "+5541999990000",
        "marketing_consent": {"granted": true},
    });
    let created = t.call("POST", "/customers", &[JSON], &body.to_string()).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let erased = t.call("POST", &format!("/customers/{id}/erase"), &[JSON], "{}").await;
    assert_eq!(erased.status, 200, "{}", erased.text);
    let records = audit(&t, &format!("customer={id}")).await;
    assert_eq!(commands(&records), ["POST /customers/{id}/erase", "POST /customers"]);
    let everything = format!("{:?}", t.table_items().await);
    for personal in ["Beatriz", "Quintanilha", "beatriz.q", "99999"] {
        assert!(!everything.contains(personal), "{personal} is still stored somewhere");
    }
}
