//! The whole path through the real queues, and consumers that change nothing twice.

use backoffice_tests::{JSON, TestApp, spawn_app, sqs_event};
use serde_json::json;

/// Places, pays in two parts and takes an order through every step, settling the queues.
async fn deliver_an_order(t: &TestApp) -> (String, i64) {
    t.stocked("SHIP-1", 10, 2500, "BRL", 0).await;
    t.stocked("SHIP-2", 10, 1000, "BRL", 0).await;
    let other = t.place_order(&[("SHIP-1", 2)], None).await; // holds 2 units throughout
    assert_eq!(other.status, 201);
    let r = t.place_order(&[("SHIP-1", 3), ("SHIP-2", 1)], None).await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    let total = r.body["total"]["amount"].as_i64().unwrap();

    assert_eq!(t.pay(&id, 3000, "gw-1").await.status, 201);
    t.app.settle().await.unwrap();
    assert_eq!(t.get(&format!("/orders/{id}")).await.body["fulfillment_status"], "unfulfilled", "not paid in full yet");
    // What is missing is money, and the answer says how much in the API's words.
    let early = t.step(&id, "packed", "").await;
    assert_eq!(early.problem(409)["type"], "/problems/not-paid");
    let detail = early.body["detail"].as_str().unwrap();
    assert!(detail.contains("not paid in full: BRL 30.00 of BRL") && !detail.contains("Unfulfilled"), "{detail}");
    assert_eq!(early.body["amount_paid"]["amount"], 3000);
    assert_eq!(t.pay(&id, total - 3000, "gw-2").await.body["balance"]["payment_status"], "paid");
    t.app.settle().await.unwrap();
    assert_eq!(
        t.get(&format!("/orders/{id}")).await.body["fulfillment_status"],
        "picking",
        "order.paid started picking"
    );

    let early = t.step(&id, "shipped", r#"{"carrier":"Correios","tracking_number":"BR123"}"#).await;
    assert_eq!(early.problem(409)["fulfillment_status"], "picking");
    assert_eq!(t.step(&id, "packed", "").await.status, 200);
    assert_eq!(t.step(&id, "packed", "").await.status, 200, "repeating a step is a replay");
    let shipped = t.step(&id, "shipped", r#"{"carrier":"Correios","tracking_number":"BR123456789"}"#).await;
    assert_eq!(shipped.body["shipment"]["tracking_number"], "BR123456789");
    t.app.settle().await.unwrap();
    assert_eq!(t.step(&id, "delivered", "").await.body["status"], "completed");
    t.app.settle().await.unwrap();
    (id, total)
}

#[tokio::test]
async fn place_pay_pick_pack_ship_deliver_through_the_real_queues() {
    let t = spawn_app().await;
    let (id, total) = deliver_an_order(&t).await;

    let order = t.get(&format!("/orders/{id}")).await.body;
    let types: Vec<&str> = order["timeline"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        vec![
            "order.placed",
            "payment.recorded",
            "payment.recorded",
            "order.paid",
            "order.picking",
            "order.packed",
            "order.shipped",
            "order.delivered"
        ]
    );
    let s1 = t.stock("SHIP-1").await;
    assert_eq!(
        (s1["on_hand"].as_u64(), s1["reserved"].as_u64()),
        (Some(7), Some(2)),
        "shipped 3; the other order still holds 2"
    );
    let s2 = t.stock("SHIP-2").await;
    assert_eq!((s2["on_hand"].as_u64(), s2["reserved"].as_u64()), (Some(9), Some(0)));
    let ledger = t.ledger("SHIP-1").await;
    assert_eq!(ledger[0]["kind"], "shipped");
    assert_eq!(ledger[0]["delta"], -3);
    assert_eq!(ledger.iter().map(|m| m["delta"].as_i64().unwrap()).sum::<i64>(), 7, "on_hand = sum of the ledger");

    let notes = t.get(&format!("/orders/{id}/notifications")).await.body;
    let kinds: Vec<&str> =
        notes["items"].as_array().unwrap().iter().map(|n| n["event_type"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["order.placed", "order.paid", "order.shipped", "order.delivered"]);
    assert!(notes["items"][2]["text"].as_str().unwrap().contains("BR123456789"));

    let today = chrono::Utc::now().date_naive();
    let report = t.get(&format!("/reports/sales?from={today}&to={today}")).await.body;
    let day = &report["days"][0];
    assert_eq!((day["orders_placed"].as_i64(), day["currency"].as_str()), (Some(2), Some("BRL")));
    assert_eq!(day["paid"].as_i64(), Some(total));
    assert_eq!(day["net"].as_i64(), Some(total));
    assert_eq!(day["gross_ordered"].as_i64(), Some(total + 2 * 2500));
    let receivables = t.get("/receivables").await.body;
    assert_eq!(receivables["items"].as_array().unwrap().len(), 1, "only the unpaid other order owes");
    t.assert_conserved().await;
}

#[tokio::test]
async fn every_message_delivered_twice_and_out_of_order_changes_nothing() {
    let t = spawn_app().await;
    let (id, _) = deliver_an_order(&t).await;
    let before = snapshot(&t, &id).await;

    // Every event of the order again, twice, newest first, to every consumer it routes to.
    let mut envelopes = t.envelopes(&format!("ORDER#{id}")).await;
    envelopes.reverse();
    let bodies: Vec<String> = envelopes.iter().map(|e| serde_json::to_string(e).unwrap()).collect();
    let twice: Vec<String> = bodies.iter().chain(bodies.iter()).cloned().collect();
    let for_queue = |queue: backoffice::events::Queue| -> Vec<String> {
        twice
            .iter()
            .zip(envelopes.iter().chain(envelopes.iter()))
            .filter(|(_, e)| backoffice::events::routes(&e.event_type).contains(&queue))
            .map(|(b, _)| b.clone())
            .collect()
    };
    use backoffice::events::Queue;
    for chunk in for_queue(Queue::Fulfillment).chunks(10) {
        let r = fulfillment_worker::handler(&t.app.contexts["FulfillmentWorkerFunction"], sqs_event(chunk)).await;
        assert!(r.batch_item_failures.is_empty());
    }
    for chunk in for_queue(Queue::Notifications).chunks(10) {
        let r = notifier::handler(&t.app.contexts["NotifierFunction"], sqs_event(chunk)).await;
        assert!(r.batch_item_failures.is_empty());
    }
    for chunk in for_queue(Queue::Reports).chunks(10) {
        let r = sales_report::handler(&t.app.contexts["SalesReportFunction"], sqs_event(chunk)).await;
        assert!(r.batch_item_failures.is_empty());
    }
    assert_eq!(snapshot(&t, &id).await, before, "the same final state as delivering each once");
}

#[tokio::test]
async fn a_reports_batch_counts_each_event_once_when_part_of_it_was_applied_before() {
    let t = spawn_app().await;
    t.stocked("REP-1", 10, 700, "BRL", 0).await;
    let mut placed = Vec::new();
    for quantity in 1..=3 {
        let r = t.place_order(&[("REP-1", quantity)], None).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let id = r.body["id"].as_str().unwrap().to_owned();
        let envelope = t.envelopes(&format!("ORDER#{id}")).await.remove(0);
        assert_eq!(envelope.event_type, "order.placed");
        placed.push(serde_json::to_string(&envelope).unwrap());
    }
    let ctx = &t.app.contexts["SalesReportFunction"];
    let first = sales_report::handler(ctx, sqs_event(&placed[..1])).await;
    assert!(first.batch_item_failures.is_empty());

    // The first again (a redelivery), the other two, the second twice more in the same batch,
    // and one message that is not an event at all.
    let mut batch = vec![placed[0].clone(), placed[1].clone(), placed[2].clone(), placed[1].clone()];
    batch.push("{\"type\": \"order.placed\", oops".into());
    let r = sales_report::handler(ctx, sqs_event(&batch)).await;
    let failed: Vec<&str> = r.batch_item_failures.iter().map(|f| f.item_identifier.as_str()).collect();
    assert_eq!(failed, vec!["m-4"], "only the message that is not an event fails");

    let today = chrono::Utc::now().date_naive();
    let day = t.get(&format!("/reports/sales?from={today}&to={today}")).await.body["days"][0].clone();
    assert_eq!(day["orders_placed"], 3, "{day}");
    assert_eq!(day["gross_ordered"], (1 + 2 + 3) * 700, "{day}");

    // Delivered once more, whole: nothing changes.
    let again = sales_report::handler(ctx, sqs_event(&placed)).await;
    assert!(again.batch_item_failures.is_empty());
    let after = t.get(&format!("/reports/sales?from={today}&to={today}")).await.body["days"][0].clone();
    assert_eq!(after, day);
}

#[tokio::test]
async fn a_malformed_fulfillment_message_reaches_the_dead_letter_queue_and_nine_are_processed() {
    let t = spawn_app().await;
    t.stocked("DLQ-1", 50, 100, "BRL", 0).await;
    let mut orders = Vec::new();
    for i in 0..9 {
        let r = t.place_order(&[("DLQ-1", 1)], None).await;
        let id = r.body["id"].as_str().unwrap().to_owned();
        let total = r.body["total"]["amount"].as_i64().unwrap();
        assert_eq!(t.pay(&id, total, &format!("gw-{i}")).await.status, 201);
        orders.push(id);
    }
    // Relay everything, then put a poison message among the nine order.paid messages.
    t.app.pump_stream().await.unwrap();
    let sqs = t.sqs();
    sqs.send_message()
        .queue_url(t.queue_url("FulfillmentQueue"))
        .message_body("{\"type\": \"order.paid\", oops")
        .send()
        .await
        .unwrap();
    for _ in 0..40 {
        t.app.pump_queues(0, std::time::Duration::ZERO).await.unwrap();
        if t.queue_depth("FulfillmentDeadLetterQueue").await == 1 && t.queue_depth("FulfillmentQueue").await == 0 {
            break;
        }
    }
    assert_eq!(t.queue_depth("FulfillmentDeadLetterQueue").await, 1);
    for id in &orders {
        assert_eq!(t.get(&format!("/orders/{id}")).await.body["fulfillment_status"], "picking", "{id}");
    }
}

#[tokio::test]
async fn fulfillment_steps_need_their_scope_and_a_real_order() {
    let t = spawn_app().await;
    let missing = backoffice::domain::OrderId::new();
    t.step(&missing.to_string(), "packed", "").await.problem(404);
    let clerk = backoffice_local::Identity::Claims { subject: "x".into(), scopes: vec!["backoffice:read".into()] };
    let r = t.call_as(&clerk, "POST", &format!("/orders/{missing}/fulfillment/packed"), &[JSON], "").await;
    r.problem(403);
    let r = t.step(&missing.to_string(), "shipped", &json!({"carrier": "", "tracking_number": "x"}).to_string()).await;
    assert_eq!(r.problem(422)["field"], "carrier");
}

type Snapshot =
    (serde_json::Value, serde_json::Value, serde_json::Value, serde_json::Value, usize, serde_json::Value, usize);

/// What a duplicate delivery could disturb: the order, both stock items, notifications, the
/// day's report and the ledger.
async fn snapshot(t: &TestApp, id: &str) -> Snapshot {
    let order = t.get(&format!("/orders/{id}")).await.body;
    let notes = t.get(&format!("/orders/{id}/notifications")).await.body["items"].as_array().unwrap().len();
    let today = chrono::Utc::now().date_naive();
    let report = t.get(&format!("/reports/sales?from={today}&to={today}")).await.body["days"].clone();
    let ledger = t.ledger("SHIP-1").await.len();
    (
        order["version"].clone(),
        order["fulfillment_status"].clone(),
        t.stock("SHIP-1").await,
        t.stock("SHIP-2").await,
        notes,
        report,
        ledger,
    )
}

#[tokio::test]
async fn an_order_whose_address_was_erased_never_ships() {
    let t = spawn_app().await;
    t.stocked("NOADDR-1", 5, 1000, "BRL", 0).await;
    let r = t.place_order(&[("NOADDR-1", 1)], None).await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(t.pay(&id, 1000, "gw-noaddr").await.status, 201);
    t.app.settle().await.unwrap();
    assert_eq!(t.step(&id, "packed", "").await.status, 200);
    // What erasure's sweep does to an order it finds (one placed while the erasure ran).
    let store = &t.app.contexts["UpdateCustomerFunction"].store;
    assert!(store.redact_order(&format!("ORDER#{id}")).await.unwrap());
    let shipped = t.step(&id, "shipped", r#"{"carrier":"Correios","tracking_number":"BR9"}"#).await;
    assert_eq!(shipped.problem(409)["type"], "/problems/no-shipping-address");
    let order = t.get(&format!("/orders/{id}")).await.body;
    assert_eq!(
        (order["fulfillment_status"].as_str(), order["personal_data_erased"].as_bool()),
        (Some("packed"), Some(true))
    );
}
