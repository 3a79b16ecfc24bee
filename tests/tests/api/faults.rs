//! Faults survived, nothing lost: a crash between commit and relay, contention everywhere at
//! once, and the conservation rules checked over the whole table afterwards.

use backoffice_tests::{JSON, spawn_app};
use serde_json::json;

#[tokio::test]
async fn a_crash_after_commit_before_relay_still_delivers_each_event_once_in_effect() {
    let t = spawn_app().await;
    t.stocked("CRASH-1", 10, 1500, "BRL", 0).await;
    let order = t.place_order(&[("CRASH-1", 2)], None).await.body;
    let id = order["id"].as_str().unwrap().to_owned();
    // The process dies here: the transaction committed, nothing was relayed.
    drop(t.app.clone());
    let restarted = t.restart().await;
    restarted.app.settle().await.unwrap();
    let notes = restarted.get(&format!("/orders/{id}/notifications")).await.body["items"].as_array().unwrap().len();
    assert_eq!(notes, 1, "order.placed reached the notifier");
    assert_eq!(orders_placed_today(&restarted).await, 1);
    // And again: the new runner replays the stream from its start; consumers deduplicate.
    let again = restarted.restart().await;
    again.app.settle().await.unwrap();
    assert_eq!(again.get(&format!("/orders/{id}/notifications")).await.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(orders_placed_today(&again).await, 1, "counted once in effect");
    again.assert_conserved().await;
}

#[tokio::test]
async fn under_contention_every_refusal_is_a_409_and_the_table_stays_consistent() {
    let t = spawn_app().await;
    t.stocked("MIX-1", 30, 1000, "BRL", 0).await;
    t.stocked("MIX-2", 30, 500, "BRL", 0).await;
    // Concurrent orders, adjustments and counts on the same two SKUs.
    let orders = futures::future::join_all((0..20u64).map(|i| {
        let t = &t;
        async move { t.place_order(&[("MIX-1", 1 + i % 3), ("MIX-2", 1)], None).await }
    }));
    let adjustments =
        futures::future::join_all(
            (0..10).map(|i| {
                let t = &t;
                async move {
                    t.adjust(if i % 2 == 0 { "MIX-1" } else { "MIX-2" }, json!({"delta": 2, "reason": "found"})).await
                }
            }),
        );
    let (orders, adjustments) = tokio::join!(orders, adjustments);
    for r in orders.iter().chain(adjustments.iter()) {
        assert!(matches!(r.status, 200 | 201 | 409), "{} {}", r.status, r.text);
        if r.status >= 400 {
            r.problem(r.status);
        }
    }
    // Pay, ship, cancel and return some of them, then check the books.
    let placed: Vec<String> =
        orders.iter().filter(|r| r.status == 201).map(|r| r.body["id"].as_str().unwrap().to_owned()).collect();
    assert!(placed.len() >= 5);
    for (i, id) in placed.iter().enumerate() {
        let total = t.get(&format!("/orders/{id}")).await.body["total"]["amount"].as_i64().unwrap();
        match i % 3 {
            0 => {
                t.pay(id, total, &format!("gw-{i}")).await;
            }
            1 => {
                t.call("POST", &format!("/orders/{id}/cancel"), &[JSON], r#"{"reason":"test"}"#).await;
            }
            _ => {}
        }
    }
    t.app.settle().await.unwrap();
    for id in placed.iter().step_by(3) {
        t.step(id, "packed", "").await;
        t.step(id, "shipped", r#"{"carrier":"C","tracking_number":"T"}"#).await;
    }
    t.app.settle().await.unwrap();
    let first = &placed[0];
    let ret = t
        .call(
            "POST",
            &format!("/orders/{first}/returns"),
            &[JSON],
            r#"{"lines":[{"sku":"MIX-2","quantity":1,"reason":"x"}]}"#,
        )
        .await;
    let rid = ret.body["id"].as_str().unwrap().to_owned();
    t.call(
        "POST",
        &format!("/returns/{rid}/receive"),
        &[JSON],
        r#"{"lines":[{"sku":"MIX-2","received":1,"damaged":1}]}"#,
    )
    .await;
    t.app.settle().await.unwrap();
    t.assert_conserved().await;
}

async fn orders_placed_today(t: &backoffice_tests::TestApp) -> serde_json::Value {
    let today = chrono::Utc::now().date_naive();
    t.get(&format!("/reports/sales?from={today}&to={today}")).await.body["days"][0]["orders_placed"].clone()
}

#[tokio::test]
async fn dynamodb_throttling_is_retried_and_the_command_applies_once() {
    let t = spawn_app().await;
    t.stocked("THR-1", 5, 100, "BRL", 0).await;
    // More throttles than the SDK's own 3 attempts: the command's retry loop takes over.
    let throttle = backoffice_tests::Throttle::new("TransactWriteItems", 5);
    let ctx = t.throttled_context("AdjustStockFunction", &throttle);
    let body = json!({"delta": 4, "reason": "received"}).to_string();
    let req = t.request("POST /stock/{sku}/adjustments", "/stock/THR-1/adjustments", &body, &[JSON]);
    let req = lambda_http::RequestExt::with_path_parameters(
        req,
        std::collections::HashMap::from([("sku".to_owned(), "THR-1".to_owned())]),
    );
    let reply = backoffice_tests::Reply::from_response(adjust_stock::handler(&ctx, req).await);
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(throttle.remaining(), 0, "every throttle was hit");
    assert_eq!(t.stock("THR-1").await["on_hand"], 9, "applied once");
    assert_eq!(t.ledger("THR-1").await.len(), 2);

    // Throttled for longer than any retry budget: a 409 contention problem saying when to
    // retry, and nothing written.
    let endless = backoffice_tests::Throttle::new("TransactWriteItems", 10_000);
    let ctx = t.throttled_context("AdjustStockFunction", &endless);
    let req = t.request("POST /stock/{sku}/adjustments", "/stock/THR-1/adjustments", &body, &[JSON]);
    let req = lambda_http::RequestExt::with_path_parameters(
        req,
        std::collections::HashMap::from([("sku".to_owned(), "THR-1".to_owned())]),
    );
    let reply = backoffice_tests::Reply::from_response(adjust_stock::handler(&ctx, req).await);
    assert_eq!(reply.problem(409)["type"], "/problems/contention");
    assert_eq!(reply.headers["retry-after"], "1");
    assert_eq!(t.stock("THR-1").await["on_hand"], 9);
    t.assert_conserved().await;
}

/// The hot-SKU limit (docs/SCALING.md): one SKU is one DynamoDB item, so its partition's write
/// throughput caps it and DynamoDB answers the excess with throttling and transaction conflicts.
/// Simulated here with 150 throttled transactions spread over 80 concurrent orders for 50 units:
/// every order is either placed or refused with a 409, none is a 5xx, and nothing is lost.
#[tokio::test]
async fn a_hot_sku_under_throttling_refuses_with_409s_and_loses_nothing() {
    let t = spawn_app().await;
    t.stocked("HOT-1", 50, 990, "BRL", 0).await;
    let throttle = backoffice_tests::Throttle::new("TransactWriteItems", 150);
    let ctx = t.throttled_context("PlaceOrderFunction", &throttle);
    let body = json!({"customer_id": t.customer, "lines": [{"sku": "HOT-1", "quantity": 1}]}).to_string();
    let replies = futures::future::join_all((0..80).map(|_| {
        let req = t.request("POST /orders", "/orders", &body, &[JSON]);
        let ctx = &ctx;
        async move { backoffice_tests::Reply::from_response(place_order::handler(ctx, req).await) }
    }))
    .await;
    let placed = replies.iter().filter(|r| r.status == 201).count() as i64;
    for r in replies.iter().filter(|r| r.status != 201) {
        let problem = r.problem(409);
        assert!(
            problem["type"] == "/problems/insufficient-stock" || problem["type"] == "/problems/contention",
            "{}",
            r.text
        );
    }
    assert!(throttle.remaining() < 150, "the throttling was hit");
    let stock = t.stock("HOT-1").await;
    assert!(placed <= 50 && placed > 0, "{placed} placed");
    assert_eq!(stock["reserved"], placed, "every placed order holds its unit, no other does");
    assert_eq!(stock["available"], 50 - placed);
    t.assert_conserved().await;
}

/// An event item the relay cannot publish (it has no payload) is retried as Lambda retries it,
/// `MaximumRetryAttempts` times after the first attempt, then given up into the mapping's
/// on-failure queue; the stream behind it flows again.
#[tokio::test]
async fn a_record_the_relay_keeps_failing_is_given_up_into_the_failure_queue_after_its_retries() {
    use aws_sdk_dynamodb::types::AttributeValue;
    let t = spawn_app().await;
    t.app.settle().await.unwrap();
    let s = |v: &str| AttributeValue::S(v.to_owned());
    aws_sdk_dynamodb::Client::new(&t.app.sdk)
        .put_item()
        .table_name(&t.app.resources.table_name)
        .item("pk", s("ORDER#01JPOISONPOISONPOISONPOIS"))
        .item("sk", s("EVENT#01JPOISONPOISONPOISONPOIS"))
        .item("event_id", s("01JPOISONPOISONPOISONPOIS"))
        .item("type", s("order.placed"))
        .item("occurred_at", s("2026-12-01T12:00:00Z"))
        .item("correlation_id", s("poison"))
        .send()
        .await
        .unwrap();
    let retries = t.app.template.functions["EventRelayFunction"]
        .events
        .iter()
        .find_map(|e| match e {
            backoffice_local::template::EventSpec::Stream { max_retries, .. } => *max_retries,
            _ => None,
        })
        .expect("the relay's stream mapping sets MaximumRetryAttempts");
    // The first attempt and all but the last retry: still waiting on it.
    for _ in 0..retries {
        t.app.pump_stream().await.unwrap();
    }
    assert_eq!(t.queue_depth("RelayFailuresQueue").await, 0, "given up before its last retry");
    t.app.pump_stream().await.unwrap();
    let out = t.sqs().receive_message().queue_url(t.queue_url("RelayFailuresQueue")).send().await.unwrap();
    let messages = out.messages.unwrap_or_default();
    assert_eq!(messages.len(), 1);
    let record: serde_json::Value = serde_json::from_str(messages[0].body().unwrap()).unwrap();
    assert_eq!(record["requestContext"]["condition"], "RetryAttemptsExhausted");
    assert_eq!(record["requestContext"]["approximateInvokeCount"], retries + 1);
    assert!(record["DDBStreamBatchInfo"]["startSequenceNumber"].as_str().is_some_and(|s| !s.is_empty()));

    // What comes after it is relayed again.
    t.stocked("AFTER-POISON", 5, 1000, "BRL", 0).await;
    let order = t.place_order(&[("AFTER-POISON", 1)], None).await.body;
    t.app.settle().await.unwrap();
    let id = order["id"].as_str().unwrap();
    let notes = t.get(&format!("/orders/{id}/notifications")).await.body["items"].as_array().unwrap().len();
    assert_eq!(notes, 1, "order.placed after the given-up record reached the notifier");
}
