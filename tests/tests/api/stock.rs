//! Stock registration, adjustments, counts and the ledger, against moto.

use backoffice_tests::{JSON, spawn_app};
use serde_json::json;

#[tokio::test]
async fn registering_creates_then_updates_and_never_changes_quantities() {
    let t = spawn_app().await;
    let created = t.register("MUG-1", 5).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.headers["location"], "/stock/MUG-1");
    assert_eq!(created.body["on_hand"], 0);
    t.adjust("MUG-1", json!({"delta": 12, "reason": "received"})).await;

    let updated = t.register("MUG-1", 3).await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!((updated.body["on_hand"].as_u64(), updated.body["reorder_point"].as_u64()), (Some(12), Some(3)));

    let read = t.get("/stock/MUG-1").await;
    assert_eq!(read.headers["etag"], format!("\"{}\"", read.body["version"]));
    assert_eq!(read.body["available"], 12);
    assert_eq!(read.body["unit_price"], json!({"amount": 1990, "currency": "BRL"}));
}

#[tokio::test]
async fn concurrent_adjustments_on_one_sku_lose_no_update() {
    let t = spawn_app().await;
    t.register("HOT-1", 0).await;
    let deltas: Vec<i64> = (1..=24).map(|i| if i % 4 == 0 { -1 } else { i }).collect();
    // Start on a stock level that keeps every negative delta legal in any order.
    t.adjust("HOT-1", json!({"delta": 100, "reason": "received"})).await;

    let replies = futures::future::join_all(
        deltas.iter().map(|d| t.adjust("HOT-1", json!({"delta": d, "reason": if *d > 0 { "found" } else { "lost" }}))),
    )
    .await;
    for r in &replies {
        assert_eq!(r.status, 201, "{}", r.text);
    }

    let expected: i64 = 100 + deltas.iter().sum::<i64>();
    let stock = t.stock("HOT-1").await;
    assert_eq!(stock["on_hand"].as_i64(), Some(expected));
    let ledger = t.ledger("HOT-1").await;
    assert_eq!(ledger.len(), deltas.len() + 1, "one ledger line per adjustment");
    let ledger_sum: i64 = ledger.iter().map(|m| m["delta"].as_i64().unwrap()).sum();
    assert_eq!(ledger_sum, expected, "on_hand equals the sum of the ledger");
    let mut ids: Vec<&str> = ledger.iter().map(|m| m["id"].as_str().unwrap()).collect();
    ids.dedup();
    assert_eq!(ids.len(), ledger.len());
    let newest_first = ledger.windows(2).all(|w| w[0]["id"].as_str() > w[1]["id"].as_str());
    assert!(newest_first, "ledger pages are newest first");
}

#[tokio::test]
async fn a_stale_cycle_count_is_refused_and_changes_nothing() {
    let t = spawn_app().await;
    t.register("CNT-1", 0).await;
    t.adjust("CNT-1", json!({"delta": 10, "reason": "received"})).await;
    let before = t.table_items().await.len();

    let r = t.adjust("CNT-1", json!({"set_on_hand": 7, "expected_on_hand": 9, "reason": "count"})).await;
    let problem = r.problem(409);
    assert_eq!(problem["current_on_hand"], 10);
    assert_eq!(problem["field"], "expected_on_hand");
    assert_eq!(t.stock("CNT-1").await["on_hand"], 10);
    assert_eq!(t.table_items().await.len(), before, "nothing written");

    let ok = t.adjust("CNT-1", json!({"set_on_hand": 7, "expected_on_hand": 10, "reason": "count"})).await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    assert_eq!(ok.body["movement"]["delta"], -3);
    assert_eq!(ok.body["movement"]["kind"], "count");
    assert_eq!(t.stock("CNT-1").await["on_hand"], 7);
}

#[tokio::test]
async fn on_hand_may_never_drop_below_reserved() {
    let t = spawn_app().await;
    t.register("RSV-1", 0).await;
    t.adjust("RSV-1", json!({"delta": 10, "reason": "received"})).await;
    // Given 8 units reserved by open orders (written as the place-order transaction would).
    let client = aws_sdk_dynamodb::Client::new(&t.app.sdk);
    client
        .update_item()
        .table_name(&t.app.resources.table_name)
        .key("pk", aws_sdk_dynamodb::types::AttributeValue::S("SKU#RSV-1".into()))
        .key("sk", aws_sdk_dynamodb::types::AttributeValue::S("STOCK".into()))
        .update_expression("SET reserved = :r, available = :a, version = version + :one")
        .expression_attribute_values(":r", aws_sdk_dynamodb::types::AttributeValue::N("8".into()))
        .expression_attribute_values(":a", aws_sdk_dynamodb::types::AttributeValue::N("2".into()))
        .expression_attribute_values(":one", aws_sdk_dynamodb::types::AttributeValue::N("1".into()))
        .send()
        .await
        .unwrap();
    let before = t.table_items().await.len();

    let r = t.adjust("RSV-1", json!({"delta": -3, "reason": "damaged"})).await;
    let p = r.problem(409);
    assert_eq!((p["reserved"].as_u64(), p["on_hand"].as_u64()), (Some(8), Some(10)));
    let r = t.adjust("RSV-1", json!({"set_on_hand": 7, "expected_on_hand": 10, "reason": "count"})).await;
    r.problem(409);
    assert_eq!(t.stock("RSV-1").await["on_hand"], 10);
    assert_eq!(t.table_items().await.len(), before, "nothing written");

    let r = t.adjust("RSV-1", json!({"delta": -2, "reason": "damaged"})).await;
    assert_eq!(r.status, 201, "down to exactly the reserved units is allowed: {}", r.text);
    assert_eq!(t.stock("RSV-1").await["available"], 0);
}

#[tokio::test]
async fn adjusting_an_unregistered_sku_is_404() {
    let t = spawn_app().await;
    let before = t.table_items().await;
    let r = t.call("POST", "/stock/GHOST-1/adjustments", &[JSON], r#"{"delta":1,"reason":"found"}"#).await;
    r.problem(404);
    assert_eq!(t.table_items().await, before);
}

#[tokio::test]
async fn ledger_cursors_are_opaque_and_bound_to_their_sku() {
    let t = spawn_app().await;
    t.register("PAGE-1", 0).await;
    t.register("PAGE-2", 0).await;
    for _ in 0..3 {
        t.adjust("PAGE-1", json!({"delta": 1, "reason": "found"})).await;
    }
    let first = t.get("/stock/PAGE-1/movements?limit=2").await;
    assert_eq!(first.body["items"].as_array().unwrap().len(), 2);
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    let second = t.get(&format!("/stock/PAGE-1/movements?limit=2&cursor={cursor}")).await;
    assert_eq!(second.body["items"].as_array().unwrap().len(), 1);
    let foreign = t.get(&format!("/stock/PAGE-2/movements?cursor={cursor}")).await;
    assert_eq!(foreign.problem(422)["field"], "cursor");
    assert_eq!(t.get("/stock/PAGE-1/movements?limit=0").await.problem(422)["field"], "limit");
}

#[tokio::test]
async fn a_products_weight_and_size_are_kept_for_shipping_and_checked() {
    let t = spawn_app().await;
    let put = |body: serde_json::Value| {
        let t = &t;
        async move { t.call("PUT", "/stock/HEAVY-1", &[JSON], &body.to_string()).await }
    };
    let base = serde_json::json!({"name": "Panela", "unit_price": {"amount": 8990, "currency": "BRL"},
        "reorder_point": 0, "reorder_quantity": 5});
    let mut with_weight = base.clone();
    with_weight["weight_grams"] = 1850.into();
    with_weight["dimensions"] = serde_json::json!({"length_mm": 300, "width_mm": 300, "height_mm": 150});
    let created = put(with_weight).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(
        (created.body["weight_grams"].as_u64(), created.body["dimensions"]["height_mm"].as_u64()),
        (Some(1850), Some(150))
    );
    // A later update that leaves them out (a catalogue import, say) keeps them
    let mut renamed = base.clone();
    renamed["name"] = "Panela de ferro".into();
    assert_eq!(put(renamed).await.status, 200);
    let stock = t.stock("HEAVY-1").await;
    assert_eq!(
        (stock["name"].as_str(), stock["weight_grams"].as_u64()),
        (Some("Panela de ferro"), Some(1850)),
        "{stock}"
    );
    assert_eq!(stock["dimensions"]["length_mm"], 300);
    // Out of range, refused naming the field, nothing changed
    for (field, value, named) in [
        ("weight_grams", serde_json::json!(0), "weight_grams"),
        ("weight_grams", serde_json::json!(2_000_000), "weight_grams"),
        ("dimensions", serde_json::json!({"length_mm": 0, "width_mm": 1, "height_mm": 1}), "dimensions.length_mm"),
    ] {
        let mut body = base.clone();
        body[field] = value;
        assert_eq!(put(body).await.problem(422)["field"], named);
    }
    assert_eq!(t.stock("HEAVY-1").await["weight_grams"], 1850);
}
