//! Returns: never more than shipped, restock exactly what came back, refunds capped by it.

use backoffice_tests::{JSON, TestApp, spawn_app, spawn_app_with};
use serde_json::json;

/// A paid, shipped (and optionally delivered) order for `quantity` units of a new SKU.
async fn shipped_order(t: &TestApp, sku: &str, quantity: u64, deliver: bool) -> (String, i64) {
    t.stocked(sku, 20, 1000, "BRL", 0).await;
    let r = t.place_order(&[(sku, quantity)], None).await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    let total = r.body["total"]["amount"].as_i64().unwrap();
    assert_eq!(t.pay(&id, total, &format!("gw-{sku}")).await.status, 201);
    t.app.settle().await.unwrap();
    assert_eq!(t.step(&id, "packed", "").await.status, 200);
    assert_eq!(t.step(&id, "shipped", r#"{"carrier":"Correios","tracking_number":"BR1"}"#).await.status, 200);
    if deliver {
        assert_eq!(t.step(&id, "delivered", "").await.status, 200);
    }
    t.app.settle().await.unwrap();
    (id, total)
}

async fn open_return(t: &TestApp, order: &str, sku: &str, quantity: u64) -> backoffice_tests::Reply {
    let body = json!({"lines": [{"sku": sku, "quantity": quantity, "reason": "did not fit"}]});
    t.call("POST", &format!("/orders/{order}/returns"), &[JSON], &body.to_string()).await
}

#[tokio::test]
async fn concurrent_returns_never_request_more_than_shipped() {
    let t = spawn_app().await;
    let (order, _) = shipped_order(&t, "RET-C", 5, true).await;
    let replies = futures::future::join_all((0..6).map(|_| open_return(&t, &order, "RET-C", 2))).await;
    let accepted = replies.iter().filter(|r| r.status == 201).count() as u64;
    for r in replies.iter().filter(|r| r.status != 201) {
        assert_eq!(r.problem(422)["field"], "lines[0].quantity");
    }
    assert_eq!(accepted, 2, "2 + 2 of 5 fit; a third 2 does not");
    let listed = t.get(&format!("/orders/{order}/returns")).await.body;
    let requested: u64 =
        listed["items"].as_array().unwrap().iter().map(|r| r["lines"][0]["quantity"].as_u64().unwrap()).sum();
    assert_eq!(requested, 4);
    assert_eq!(open_return(&t, &order, "RET-C", 1).await.status, 201, "the last unit is still returnable");
}

#[tokio::test]
async fn receiving_3_of_5_with_1_damaged_restocks_2_and_refunds_at_most_3_units() {
    let t = spawn_app().await;
    let (order, _) = shipped_order(&t, "RET-R", 5, true).await;
    let before = t.stock("RET-R").await;
    let opened = open_return(&t, &order, "RET-R", 5).await;
    assert_eq!(opened.status, 201, "{}", opened.text);
    assert_eq!(opened.body["status"], "requested");
    assert_eq!(opened.body["refund_due"]["amount"], 5000, "the estimate");
    let id = opened.body["id"].as_str().unwrap().to_owned();

    let receipt = json!({"lines": [{"sku": "RET-R", "received": 3, "damaged": 1}]}).to_string();
    let got = t.call("POST", &format!("/returns/{id}/receive"), &[JSON], &receipt).await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert_eq!(got.body["status"], "received");
    assert_eq!(got.body["refund_due"]["amount"], 3000, "3 units came back");
    let after = t.stock("RET-R").await;
    assert_eq!(after["on_hand"].as_u64().unwrap(), before["on_hand"].as_u64().unwrap() + 2, "restocked exactly 2");
    assert_eq!(after["available"].as_u64().unwrap(), before["available"].as_u64().unwrap() + 2);
    let ledger = t.ledger("RET-R").await;
    assert_eq!((ledger[0]["kind"].as_str(), ledger[0]["delta"].as_i64()), (Some("damaged"), Some(-1)));
    assert_eq!((ledger[1]["kind"].as_str(), ledger[1]["delta"].as_i64()), (Some("returned"), Some(3)));
    assert_eq!(ledger.iter().map(|m| m["delta"].as_i64().unwrap()).sum::<i64>(), after["on_hand"].as_i64().unwrap());

    // Receiving the same return twice is a replay: nothing counted twice.
    let again = t.call("POST", &format!("/returns/{id}/receive"), &[JSON], &receipt).await;
    assert_eq!(again.status, 200);
    assert_eq!(t.stock("RET-R").await, after);
    // The same return received with other figures is a conflict, not a silent replay.
    let other = json!({"lines": [{"sku": "RET-R", "received": 5, "damaged": 0}]}).to_string();
    let conflict = t.call("POST", &format!("/returns/{id}/receive"), &[JSON], &other).await;
    assert_eq!(conflict.problem(409)["type"], "/problems/already-received");
    assert_eq!(t.stock("RET-R").await, after, "the first receipt stands");

    // Refunds for the return are capped at what is due for it; covering it closes the return.
    let over = json!({"amount": {"amount": 3001, "currency": "BRL"}, "reason": "return", "gateway_reference": "rf-r1", "return_id": id});
    let r = t.call("POST", &format!("/orders/{order}/refunds"), &[JSON], &over.to_string()).await;
    assert_eq!(r.problem(422)["field"], "amount.amount");
    let exact = json!({"amount": {"amount": 3000, "currency": "BRL"}, "reason": "return", "gateway_reference": "rf-r2", "return_id": id});
    assert_eq!(t.call("POST", &format!("/orders/{order}/refunds"), &[JSON], &exact.to_string()).await.status, 201);
    assert_eq!(t.get(&format!("/returns/{id}")).await.body["status"], "refunded");
    t.app.settle().await.unwrap();
    let timeline = t.get(&format!("/orders/{order}")).await.body["timeline"].clone();
    let types: Vec<&str> = timeline.as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert!(
        types.ends_with(&["return.requested", "return.received", "refund.recorded", "return.refunded"]),
        "{types:?}"
    );
    let notes = t.get(&format!("/orders/{order}/notifications")).await.body;
    let kinds: Vec<&str> =
        notes["items"].as_array().unwrap().iter().map(|n| n["event_type"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"return.received") && kinds.contains(&"refund.recorded"), "{kinds:?}");
    t.assert_conserved().await;
}

#[tokio::test]
async fn bad_returns_are_refused_naming_the_reason_and_write_nothing() {
    let t = spawn_app_with(&[("RETURN_WINDOW_DAYS", "0")]).await;
    let (delivered, _) = shipped_order(&t, "RET-W", 2, true).await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    t.stocked("RET-U", 5, 100, "BRL", 0).await;
    let unshipped = t.place_order(&[("RET-U", 1)], None).await.body["id"].as_str().unwrap().to_owned();
    let before = t.table_items().await;
    let late = open_return(&t, &delivered, "RET-W", 1).await;
    assert_eq!(late.problem(422)["type"], "/problems/return-window-closed");
    assert_eq!(open_return(&t, &unshipped, "RET-U", 1).await.problem(422)["type"], "/problems/not-shipped");
    assert_eq!(t.table_items().await, before, "nothing written");

    let t = spawn_app().await;
    let (order, _) = shipped_order(&t, "RET-B", 2, false).await;
    let before = t.table_items().await;
    assert_eq!(open_return(&t, &order, "NOT-IN-ORDER", 1).await.problem(422)["field"], "lines[0].sku");
    assert_eq!(open_return(&t, &order, "RET-B", 0).await.problem(422)["field"], "lines[0].quantity");
    assert_eq!(open_return(&t, &order, "RET-B", 3).await.problem(422)["field"], "lines[0].quantity");
    let no_lines = t.call("POST", &format!("/orders/{order}/returns"), &[JSON], r#"{"lines":[]}"#).await;
    assert_eq!(no_lines.problem(422)["field"], "lines");
    assert_eq!(t.table_items().await, before, "nothing written");

    let id = open_return(&t, &order, "RET-B", 2).await.body["id"].as_str().unwrap().to_owned();
    let bad = json!({"lines": [{"sku": "RET-B", "received": 1, "damaged": 2}]}).to_string();
    assert_eq!(
        t.call("POST", &format!("/returns/{id}/receive"), &[JSON], &bad).await.problem(422)["field"],
        "lines[0].damaged"
    );
    assert_eq!(t.call("POST", &format!("/returns/{id}/reject"), &[], "").await.body["status"], "rejected");
    t.call("POST", &format!("/returns/{id}/cancel"), &[], "").await.problem(409);
    assert_eq!(open_return(&t, &order, "RET-B", 2).await.status, 201, "a rejected return frees its units");
}
