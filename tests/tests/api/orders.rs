//! Placing, cancelling and expiring orders: no oversell, all-or-nothing, idempotent.

use backoffice_tests::{JSON, TestApp, spawn_app, spawn_app_with};
use serde_json::json;

async fn reserved(t: &TestApp, sku: &str) -> (u64, u64, u64) {
    let s = t.stock(sku).await;
    (s["on_hand"].as_u64().unwrap(), s["reserved"].as_u64().unwrap(), s["available"].as_u64().unwrap())
}

#[tokio::test]
async fn fifty_concurrent_orders_never_oversell() {
    let t = spawn_app().await;
    t.stocked("HOT-SKU", 40, 1990, "BRL", 0).await;
    let quantities: Vec<u64> = (0..50).map(|i| i % 3 + 1).collect();
    let replies =
        futures::future::join_all(quantities.iter().map(|q| async { t.place_order(&[("HOT-SKU", *q)], None).await }))
            .await;

    let mut accepted = 0;
    for (reply, q) in replies.iter().zip(&quantities) {
        match reply.status {
            201 => accepted += q,
            _ => {
                let p = reply.problem(409);
                assert_eq!(p["type"], "/problems/insufficient-stock");
                assert_eq!(p["shortages"][0]["requested"].as_u64(), Some(*q));
            }
        }
    }
    let (on_hand, reserved, available) = reserved(&t, "HOT-SKU").await;
    assert!(accepted <= 40, "accepted {accepted} of 40");
    assert_eq!(on_hand, 40);
    assert_eq!(reserved, accepted, "reserved equals the sum of accepted quantities");
    assert_eq!(available, 40 - accepted);
    assert!(accepted >= 38, "with 1–3 unit orders nearly everything sells: {accepted}");
    let orders = replies.iter().filter(|r| r.status == 201).count();
    assert_eq!(t.count_items_with_sk("ORDER").await, orders);
    t.assert_conserved().await;
}

#[tokio::test]
async fn an_order_with_one_short_sku_reserves_nothing() {
    let t = spawn_app().await;
    t.stocked("PLENTY", 100, 500, "BRL", 0).await;
    t.stocked("SCARCE", 10, 700, "BRL", 0).await;
    let t = &t;
    let replies = futures::future::join_all(
        (0..20u64)
            .map(|i| async move { (i % 2 + 1, t.place_order(&[("PLENTY", 1), ("SCARCE", i % 2 + 1)], None).await) }),
    )
    .await;
    let accepted: Vec<u64> = replies.iter().filter(|(_, r)| r.status == 201).map(|(q, _)| *q).collect();
    for (_, r) in replies.iter().filter(|(_, r)| r.status != 201) {
        let p = r.problem(409);
        let short: Vec<&str> = p["shortages"].as_array().unwrap().iter().map(|s| s["sku"].as_str().unwrap()).collect();
        assert_eq!(short, vec!["SCARCE"], "only the short SKU is named");
    }
    assert_eq!(reserved(t, "PLENTY").await.1, accepted.len() as u64, "refused orders left nothing reserved");
    assert_eq!(reserved(t, "SCARCE").await.1, accepted.iter().sum::<u64>());
    assert!(reserved(t, "SCARCE").await.1 <= 10);
}

#[tokio::test]
async fn ten_concurrent_replays_create_one_order() {
    let t = spawn_app().await;
    t.stocked("IDEM-SKU", 20, 1000, "BRL", 0).await;
    let replies =
        futures::future::join_all((0..10).map(|_| async { t.place_order(&[("IDEM-SKU", 3)], Some("cart-77")).await }))
            .await;
    assert!(replies.iter().all(|r| r.status == 201), "{:?}", replies.iter().map(|r| &r.text).collect::<Vec<_>>());
    let bodies: std::collections::HashSet<&str> = replies.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(bodies.len(), 1, "every replay gets the same body");
    assert_eq!(t.count_items_with_sk("ORDER").await, 1);
    assert_eq!(reserved(&t, "IDEM-SKU").await.1, 3, "one reservation");

    let other = t.place_order(&[("IDEM-SKU", 4)], Some("cart-77")).await;
    assert_eq!(other.problem(422)["field"], "idempotency-key");
    assert_eq!(t.count_items_with_sk("ORDER").await, 1);
}

#[tokio::test]
async fn a_placed_order_is_priced_from_stock_and_merges_duplicate_skus() {
    let t = spawn_app().await;
    t.stocked("A-1", 10, 1990, "BRL", 0).await;
    t.stocked("B-1", 10, 250, "BRL", 0).await;
    let r = t.place_order(&[("A-1", 2), ("B-1", 3), ("A-1", 1)], None).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_str().unwrap();
    assert_eq!(r.headers["location"], format!("/orders/{id}"));
    assert_eq!(r.body["status"], "pending_payment");
    assert_eq!(r.body["lines"].as_array().unwrap().len(), 2);
    assert_eq!(r.body["lines"][0]["quantity"], 3);
    assert_eq!(r.body["lines"][0]["unit_price"], json!({"amount": 1990, "currency": "BRL"}));
    assert_eq!(r.body["lines"][0]["line_total"]["amount"], 5970);
    assert_eq!(r.body["total"], json!({"amount": 5970 + 750, "currency": "BRL"}));
    assert_eq!(reserved(&t, "A-1").await, (10, 3, 7));
}

#[tokio::test]
async fn cancel_releases_exactly_what_was_reserved_and_a_second_cancel_changes_nothing() {
    let t = spawn_app().await;
    t.stocked("C-1", 10, 100, "BRL", 0).await;
    t.stocked("C-2", 10, 100, "BRL", 0).await;
    let other = t.place_order(&[("C-1", 1)], None).await;
    assert_eq!(other.status, 201);
    let r = t.place_order(&[("C-1", 3), ("C-2", 2)], None).await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!((reserved(&t, "C-1").await.1, reserved(&t, "C-2").await.1), (4, 2));

    let path = format!("/orders/{id}/cancel");
    let c = t.call("POST", &path, &[JSON], r#"{"reason":"customer changed their mind"}"#).await;
    assert_eq!(c.status, 200, "{}", c.text);
    assert_eq!(c.body["status"], "cancelled");
    assert_eq!(c.body["cancellation"]["reason"], "customer changed their mind");
    assert_eq!(c.body["refund_due"]["amount"], 0);
    assert_eq!((reserved(&t, "C-1").await.1, reserved(&t, "C-2").await.1), (1, 0), "the other order keeps its unit");

    let before = t.table_items().await;
    let again = t.call("POST", &path, &[JSON], r#"{"reason":"again"}"#).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body["version"], c.body["version"]);
    assert_eq!(t.table_items().await, before, "a second cancel writes nothing");

    let timeline = t.get(&format!("/orders/{id}")).await;
    let types: Vec<&str> =
        timeline.body["timeline"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, vec!["order.placed", "order.cancelled"]);
    assert_eq!(timeline.body["payment_status"], "unpaid");
    assert_eq!(timeline.body["fulfillment_status"], "unfulfilled");
}

#[tokio::test]
async fn cancellations_racing_orders_for_one_sku_never_conflict() {
    let t = spawn_app().await;
    t.stocked("HOT-C", 100, 100, "BRL", 0).await;
    let mut ids = Vec::new();
    for _ in 0..10 {
        let r = t.place_order(&[("HOT-C", 2)], None).await;
        assert_eq!(r.status, 201, "{}", r.text);
        ids.push(r.body["id"].as_str().unwrap().to_owned());
    }
    // Ten cancellations (through one counted order-commands) while twenty orders reserve the SKU.
    let (ctx, counter) = t.counted_context("OrderCommandsFunction");
    let binary = &t.app.template.functions["OrderCommandsFunction"].binary;
    let cancels = futures::future::join_all(ids.iter().map(|id| {
        let path = format!("/orders/{id}/cancel");
        let req = t.request("POST /orders/{id}/cancel", &path, r#"{"reason":"sale ended"}"#, &[JSON]);
        let params = std::collections::HashMap::from([("id".to_owned(), id.clone())]);
        let req = lambda_http::RequestExt::with_path_parameters(req, params);
        let handler = backoffice_local::registry::http(binary, ctx.clone()).unwrap();
        async move { handler(req).await.status().as_u16() }
    }));
    let orders = futures::future::join_all((0..20).map(|_| t.place_order(&[("HOT-C", 1)], None)));
    let (cancels, orders) = tokio::join!(cancels, orders);
    assert!(cancels.iter().all(|s| *s == 200), "{cancels:?}");
    assert!(orders.iter().all(|r| r.status == 201), "{:?}", orders.iter().map(|r| r.status).collect::<Vec<_>>());
    let calls = counter.calls();
    let count = |name: &str| calls.iter().filter(|c| *c == name).count();
    assert_eq!(
        (count("BatchGetItem"), count("TransactWriteItems"), calls.len()),
        (10, 10, 20),
        "each cancellation one read, one write, however many reservations ran beside it"
    );
    assert_eq!(reserved(&t, "HOT-C").await, (100, 20, 80), "only the twenty new orders hold stock");
    t.assert_conserved().await;
}

#[tokio::test]
async fn unpaid_orders_expire_after_the_hold_and_paid_ones_never_do() {
    // A hold long enough that a busy machine still runs the first expiry inside it.
    let t = spawn_app_with(&[("PAYMENT_HOLD_SECONDS", "4")]).await;
    t.stocked("EXP-1", 10, 100, "BRL", 0).await;
    let placed = t.place_order(&[("EXP-1", 2)], None).await;
    let unpaid = placed.body["id"].as_str().unwrap().to_owned();
    let due: chrono::DateTime<chrono::Utc> = placed.body["payment_due_at"].as_str().unwrap().parse().unwrap();
    let paid = t.place_order(&[("EXP-1", 3)], None).await.body["id"].as_str().unwrap().to_owned();
    // Given the second order was paid (as record-payment will write it; its index entry is left
    // in place on purpose, so the expiry's own rule is what protects it).
    let client = aws_sdk_dynamodb::Client::new(&t.app.sdk);
    client
        .update_item()
        .table_name(&t.app.resources.table_name)
        .key("pk", aws_sdk_dynamodb::types::AttributeValue::S(format!("ORDER#{paid}")))
        .key("sk", aws_sdk_dynamodb::types::AttributeValue::S("ORDER".into()))
        .update_expression("SET payment_status = :p, #s = :p, version = version + :one")
        .expression_attribute_names("#s", "status")
        .expression_attribute_values(":p", aws_sdk_dynamodb::types::AttributeValue::S("paid".into()))
        .expression_attribute_values(":one", aws_sdk_dynamodb::types::AttributeValue::N("1".into()))
        .send()
        .await
        .unwrap();

    let early = t.app.run_schedules().await;
    assert_eq!(early[0].1["expired"], 0, "nothing is due yet: {early:?}");
    let until_due = (due - chrono::Utc::now()).to_std().unwrap_or_default();
    tokio::time::sleep(until_due + std::time::Duration::from_millis(200)).await;
    let run = t.app.run_schedules().await;
    assert_eq!(run[0].0, "ExpireOrdersFunction");
    assert_eq!(run[0].1["expired"], 1, "{run:?}");

    let o = t.get(&format!("/orders/{unpaid}")).await;
    assert_eq!(o.body["status"], "cancelled");
    assert_eq!(o.body["cancellation"]["reason"], "payment_timeout");
    assert_eq!(t.get(&format!("/orders/{paid}")).await.body["status"], "paid");
    assert_eq!(reserved(&t, "EXP-1").await.1, 3, "only the paid order still holds stock");

    let again = t.app.run_schedules().await;
    assert_eq!(again[0].1["expired"], 0, "expiry is idempotent");
    assert_eq!(reserved(&t, "EXP-1").await.1, 3);
}

#[tokio::test]
async fn place_order_costs_two_dynamodb_round_trips() {
    let t = spawn_app().await;
    t.stocked("RT-1", 10, 100, "BRL", 0).await;
    t.stocked("RT-2", 10, 100, "BRL", 0).await;
    let (ctx, counter) = t.counted_context("PlaceOrderFunction");
    let body =
        json!({"customer_id": t.customer, "lines": [{"sku": "RT-1", "quantity": 1}, {"sku": "RT-2", "quantity": 2}]})
            .to_string();
    let req = t.request("POST /orders", "/orders", &body, &[JSON, ("idempotency-key", "rt")]);
    let response = place_order::handler(&ctx, req).await;
    assert_eq!(response.status(), 201);
    assert_eq!(counter.calls(), vec!["BatchGetItem", "TransactWriteItems"]);
}

/// Orders racing for the last units of a SKU that is already at or below its reorder point do
/// not conflict: each costs one read and at most one transaction, and every unit sells. (With a
/// version-checked write here, all but one of them would go round again per unit sold, and on
/// a hot SKU the last units went unsold when their orders ran out of retry time.) The orders
/// the stock cannot cover are refused without reading again.
#[tokio::test]
async fn orders_for_the_last_units_of_a_low_sku_do_not_conflict_and_all_sell() {
    let t = spawn_app().await;
    t.stocked("LAST-1", 12, 100, "BRL", 20).await;
    assert_eq!(t.low_events_for("LAST-1").await.len(), 1, "low from the start: raised when registered");
    let (ctx, counter) = t.counted_context("PlaceOrderFunction");
    let body = json!({"customer_id": t.customer, "lines": [{"sku": "LAST-1", "quantity": 1}]}).to_string();
    // Three more orders than units: those three are refused.
    let statuses = futures::future::join_all((0..15).map(|i| {
        let key = format!("last-{i}");
        let req = t.request("POST /orders", "/orders", &body, &[JSON, ("idempotency-key", key.as_str())]);
        let ctx = &ctx;
        async move { place_order::handler(ctx, req).await.status().as_u16() }
    }))
    .await;
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 12, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 3, "{statuses:?}");
    let calls = counter.calls();
    let count = |name: &str| calls.iter().filter(|c| *c == name).count();
    assert_eq!(
        count("BatchGetItem"),
        15,
        "one read per order: a refused one decides again from the item its condition returned: {calls:?}"
    );
    assert!(count("TransactWriteItems") <= 15, "no sold order went round again: {calls:?}");
    assert_eq!(reserved(&t, "LAST-1").await, (12, 12, 0));
    assert_eq!(t.low_events_for("LAST-1").await.len(), 1, "no second alert while it stays low");

    let more = t.place_order(&[("LAST-1", 1)], None).await;
    assert_eq!(more.problem(409)["type"], "/problems/insufficient-stock");
}

/// Concurrent orders that take a SKU across its reorder point do not conflict (none is refused
/// or goes round again: each reserves commutatively); none raises `stock.low` or lists the item
/// itself, and once the stream is processed exactly one `stock.low` has been raised, with levels
/// the item really had at the version it names, and the item is listed as low.
#[tokio::test]
async fn concurrent_orders_crossing_the_reorder_point_raise_one_exact_alert() {
    let t = spawn_app().await;
    t.stocked("CROSS-1", 30, 100, "BRL", 20).await;
    t.app.settle().await.unwrap();
    // Registered empty (low), then received above the reorder point.
    let before = t.low_events_for("CROSS-1").await.len();
    let (ctx, counter) = t.counted_context("PlaceOrderFunction");
    let body = json!({"customer_id": t.customer, "lines": [{"sku": "CROSS-1", "quantity": 1}]}).to_string();
    let statuses = futures::future::join_all((0..15).map(|_| {
        let req = t.request("POST /orders", "/orders", &body, &[JSON]);
        let ctx = &ctx;
        async move { place_order::handler(ctx, req).await.status().as_u16() }
    }))
    .await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    let calls = counter.calls();
    assert_eq!(calls.iter().filter(|c| *c == "TransactWriteItems").count(), 15, "none went round again: {calls:?}");
    assert_eq!(reserved(&t, "CROSS-1").await, (30, 15, 15));
    assert_eq!(t.low_events_for("CROSS-1").await.len(), before, "no order raised the alert itself");
    let unlisted = t.get("/stock?low=true").await;
    assert!(!unlisted.text.contains("CROSS-1"), "the orders leave the listing: {}", unlisted.text);

    t.app.settle().await.unwrap();
    let low = t.low_events_for("CROSS-1").await;
    assert_eq!(low.len(), before + 1, "{low:?}");
    let level = &low[before]["levels"][0];
    let (available, reserved_then, version) =
        (level["available"].as_u64().unwrap(), level["reserved"].as_u64().unwrap(), level["stock_version"].as_u64());
    assert!(available <= 20 && available + reserved_then == 30, "levels the item had: {level}");
    // The item's version counts its writes: registration, the receipt, stock-levels unlisting
    // it (the receipt lifted it out of the band), then one per order.
    let unlisted_version = version.unwrap() - reserved_then;
    assert_eq!(unlisted_version, 3, "the levels are those of the version named: {level}");
    let listed = t.get("/stock?low=true").await;
    assert!(listed.body["items"].as_array().unwrap().iter().any(|i| i["sku"] == "CROSS-1"), "{}", listed.text);
    // Listed once: more orders and more stream records raise nothing more.
    assert_eq!(t.place_order(&[("CROSS-1", 1)], None).await.status, 201);
    t.app.settle().await.unwrap();
    assert_eq!(t.low_events_for("CROSS-1").await.len(), before + 1);
}

#[tokio::test]
async fn order_placed_reaches_the_fulfillment_queue_and_low_stock_is_raised() {
    let t = spawn_app().await;
    t.stocked("FUL-1", 6, 100, "BRL", 3).await;
    let r = t.place_order(&[("FUL-1", 3)], None).await;
    assert_eq!(r.status, 201);
    // Relay only: the outbox hands order.placed to the fulfillment queue...
    t.app.pump_stream().await.unwrap();
    assert_eq!(t.queue_depth("FulfillmentQueue").await, 1, "order.placed reached the fulfillment queue");
    // ...where the worker acknowledges it (nothing to do before payment).
    t.app.settle().await.unwrap();
    assert_eq!(t.queue_depth("FulfillmentQueue").await, 0);
    let open = t.get("/replenishments?status=open").await;
    assert_eq!(open.body["items"][0]["sku"], "FUL-1", "available 3 = reorder point 3: low");
}

#[tokio::test]
async fn bad_orders_are_problems_naming_the_field_and_write_nothing() {
    let t = spawn_app().await;
    t.stocked("OK-1", 10, 100, "BRL", 0).await;
    t.stocked("USD-1", 10, 100, "USD", 0).await;
    t.stocked("HUGE-1", 10, i64::MAX / 2, "BRL", 0).await;
    let c = t.customer.as_str();
    let fifty_one: Vec<serde_json::Value> = (0..51).map(|i| json!({"sku": format!("S-{i}"), "quantity": 1})).collect();
    let line = |q: serde_json::Value| json!({"customer_id": c, "lines": [{"sku": "OK-1", "quantity": q}]}).to_string();
    let cases: Vec<(&str, String, u16, &str)> = vec![
        ("empty lines", json!({"customer_id": c, "lines": []}).to_string(), 422, "lines"),
        ("51 lines", json!({"customer_id": c, "lines": fifty_one}).to_string(), 422, "lines"),
        ("quantity 0", line(json!(0)), 422, "lines[0].quantity"),
        ("quantity 1001", line(json!(1001)), 422, "lines[0].quantity"),
        ("quantity \"3\"", line(json!("3")), 422, "lines[0].quantity"),
        ("negative quantity", line(json!(-1)), 422, "lines[0].quantity"),
        ("unknown field", json!({"customer_id": c, "lines": [], "voucher": "X"}).to_string(), 422, "voucher"),
        ("client-sent price", json!({"customer_id": c, "lines": [{"sku": "OK-1", "quantity": 1, "unit_price": 1}]}).to_string(), 422, "lines[0].unit_price"),
        ("missing customer", json!({"lines": [{"sku": "OK-1", "quantity": 1}]}).to_string(), 422, "customer_id"),
        ("unknown customer", json!({"customer_id": "nobody", "lines": [{"sku": "OK-1", "quantity": 1}]}).to_string(), 422, "customer_id"),
        ("missing body", String::new(), 400, "body"),
        ("bad sku", json!({"customer_id": c, "lines": [{"sku": "a b", "quantity": 1}]}).to_string(), 422, "lines[0].sku"),
        ("unknown sku", json!({"customer_id": c, "lines": [{"sku": "NOPE", "quantity": 1}]}).to_string(), 422, "lines"),
        ("two currencies", json!({"customer_id": c, "lines": [{"sku": "OK-1", "quantity": 1}, {"sku": "USD-1", "quantity": 1}]}).to_string(), 422, "lines"),
        ("total overflows i64", json!({"customer_id": c, "lines": [{"sku": "HUGE-1", "quantity": 3}]}).to_string(), 422, "lines"),
        ("bad country", json!({"customer_id": c, "lines": [{"sku": "OK-1", "quantity": 1}], "shipping_address": {"recipient": "A", "line1": "B", "city": "C", "postal_code": "1", "country": "Brazil"}}).to_string(), 422, "shipping_address.country"),
    ];
    let before = t.table_items().await;
    for (name, body, status, field) in &cases {
        let r = t.call("POST", "/orders", &[JSON], body).await;
        let p = r.problem(*status);
        assert_eq!(p["field"], *field, "{name}: {}", r.text);
    }
    let unknown = t.call("POST", "/orders", &[JSON], &cases[12].1).await;
    assert_eq!(unknown.body["unknown_skus"], json!(["NOPE"]));
    let mixed = t.call("POST", "/orders", &[JSON], &cases[13].1).await;
    assert_eq!(mixed.body["skus"], json!(["USD-1"]));
    let wrong_type = t.call("POST", "/orders", &[("content-type", "text/plain")], &line(json!(1))).await;
    assert_eq!(wrong_type.problem(415)["field"], "content-type");
    assert_eq!(
        t.call("POST", "/orders/not-an-id/cancel", &[JSON], r#"{"reason":"x"}"#).await.problem(422)["field"],
        "id"
    );
    let missing = format!("/orders/{}/cancel", backoffice::domain::OrderId::new());
    t.call("POST", &missing, &[JSON], r#"{"reason":"x"}"#).await.problem(404);
    assert_eq!(t.table_items().await, before, "bad orders wrote nothing");
}

/// AWS round trips per command (each HTTP attempt counted by an SDK interceptor), uncontended.
#[tokio::test]
async fn each_command_costs_the_documented_round_trips() {
    let t = spawn_app().await;
    t.stocked("RT-A", 10, 100, "BRL", 0).await;
    let order = t.place_order(&[("RT-A", 2)], None).await.body;
    let id = order["id"].as_str().unwrap().to_owned();
    let total = order["total"]["amount"].as_i64().unwrap();
    let run = |function: &'static str,
               route: &'static str,
               path: String,
               body: String,
               params: Vec<(&'static str, String)>| {
        let t = &t;
        async move {
            let (ctx, counter) = t.counted_context(function);
            let req = t.request(route, &path, &body, &[JSON]);
            let params: std::collections::HashMap<String, String> =
                params.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            let req = lambda_http::RequestExt::with_path_parameters(req, params);
            let binary = &t.app.template.functions[function].binary;
            let handler = backoffice_local::registry::http(binary, ctx).unwrap();
            let status = handler(req).await.status().as_u16();
            assert!(status < 300, "{route}: {status}");
            counter.calls()
        }
    };
    let adjust = run(
        "AdjustStockFunction",
        "POST /stock/{sku}/adjustments",
        "/stock/RT-A/adjustments".into(),
        json!({"delta": 1, "reason": "found"}).to_string(),
        vec![("sku", "RT-A".into())],
    )
    .await;
    assert_eq!(adjust, vec!["BatchGetItem", "TransactWriteItems"]);
    let pay = run(
        "RecordPaymentFunction",
        "POST /orders/{id}/payments",
        format!("/orders/{id}/payments"),
        json!({"amount": {"amount": total, "currency": "BRL"}, "method": "pix", "gateway_reference": "rt"}).to_string(),
        vec![("id", id.clone())],
    )
    .await;
    assert_eq!(pay, vec!["BatchGetItem", "TransactWriteItems"]);
    let read =
        run("QueryApiFunction", "GET /orders/{id}", format!("/orders/{id}"), String::new(), vec![("id", id.clone())])
            .await;
    assert_eq!(read, vec!["Query"], "an order and its timeline: one Query");
    let other = t.place_order(&[("RT-A", 1)], None).await.body["id"].as_str().unwrap().to_owned();
    let cancel = run(
        "OrderCommandsFunction",
        "POST /orders/{id}/cancel",
        format!("/orders/{other}/cancel"),
        json!({"reason": "x"}).to_string(),
        vec![("id", other.clone())],
    )
    .await;
    assert_eq!(cancel, vec!["BatchGetItem", "TransactWriteItems"], "the order alone: stock goes back commutatively");
    let customer = json!({"name": "Round Trip", "email": format!("rt-{}@example.com", t.prefix),
                          "addresses": [], "marketing_consent": {"granted": false}});
    let create =
        run("UpdateCustomerFunction", "POST /customers", "/customers".into(), customer.to_string(), vec![]).await;
    assert_eq!(create, vec!["TransactWriteItems"], "customer and e-mail guard: one write (a taken address refuses it)");
    t.app.settle().await.unwrap();
    let packed = run(
        "UpdateFulfillmentFunction",
        "POST /orders/{id}/fulfillment/packed",
        format!("/orders/{id}/fulfillment/packed"),
        String::new(),
        vec![("id", id.clone())],
    )
    .await;
    assert_eq!(packed, vec!["BatchGetItem", "TransactWriteItems"]);
    for step in ["shipped", "delivered"] {
        let body = if step == "shipped" { r#"{"carrier":"C","tracking_number":"T1"}"# } else { "" };
        assert_eq!(t.step(&id, step, body).await.status, 200);
    }
    let ret = run(
        "ProcessReturnFunction",
        "POST /orders/{id}/returns",
        format!("/orders/{id}/returns"),
        json!({"lines": [{"sku": "RT-A", "quantity": 1, "reason": "x"}]}).to_string(),
        vec![("id", id.clone())],
    )
    .await;
    assert_eq!(ret, vec!["BatchGetItem", "TransactWriteItems"]);
}

#[tokio::test]
async fn staff_notes_join_the_order_and_its_timeline_and_go_with_the_customers_data() {
    let t = spawn_app().await;
    t.stocked("NOTE-SKU", 5, 1000, "BRL", 0).await;
    let order = t.place_order(&[("NOTE-SKU", 1)], None).await;
    let id = order.body["id"].as_str().unwrap().to_owned();
    let path = format!("/orders/{id}/notes");
    let note = r#"{"text":"Customer asked to leave it with the doorman"}"#;

    let added = t.call("POST", &path, &[JSON, ("idempotency-key", "note-1")], note).await;
    assert_eq!(added.status, 200, "{}", added.text);
    assert_eq!(added.body["notes"][0]["text"], "Customer asked to leave it with the doorman");
    let again = t.call("POST", &path, &[JSON, ("idempotency-key", "note-1")], note).await;
    assert_eq!((again.status, again.body["notes"].as_array().map(Vec::len)), (200, Some(1)), "replayed, not added");
    let shown = t.get(&format!("/orders/{id}")).await;
    assert_eq!(shown.body["notes"].as_array().map(Vec::len), Some(1));
    let timeline: Vec<&str> =
        shown.body["timeline"].as_array().unwrap().iter().filter_map(|e| e["type"].as_str()).collect();
    assert!(timeline.contains(&"order.note_added"), "{timeline:?}");
    assert_eq!(t.call("POST", &path, &[JSON], r#"{"text":" "}"#).await.problem(422)["field"], "text");
    let missing = t.call("POST", "/orders/01JBX0000000000000000000ZZ/notes", &[JSON], note).await;
    assert_eq!(missing.status, 404, "{}", missing.text);

    let export = t.get(&format!("/customers/{}/export", t.customer)).await;
    assert!(export.text.contains("doorman"), "the export includes the note");
    let cancelled = t.call("POST", &format!("/orders/{id}/cancel"), &[JSON], r#"{"reason":"asked"}"#).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    let erased = t.call("POST", &format!("/customers/{}/erase", t.customer), &[], "").await;
    assert_eq!(erased.status, 200, "{}", erased.text);
    assert!(!t.get(&format!("/orders/{id}")).await.text.contains("doorman"), "erasure removes the note");
    assert!(!t.table_items().await.iter().any(|i| format!("{i:?}").contains("doorman")), "nowhere in the table");
    assert_eq!(t.call("POST", &path, &[JSON], note).await.problem(409)["type"], "/problems/notes-closed");
}
