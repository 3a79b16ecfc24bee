//! Low-stock alerts through the real outbox: table stream → event-relay → SNS → SQS → stock-alerts,
//! and the relay's publishing itself.

use aws_sdk_dynamodb::types::AttributeValue;
use backoffice::store::events::EventRecord;
use backoffice_tests::{TestApp, spawn_app};
use serde_json::json;
use std::time::Duration;

async fn open_suggestions(t: &TestApp) -> Vec<serde_json::Value> {
    let r = t.get("/replenishments?status=open").await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["items"].as_array().cloned().unwrap_or_default()
}

async fn low_skus(t: &TestApp) -> Vec<String> {
    let r = t.get("/stock?low=true").await;
    r.body["items"].as_array().unwrap().iter().map(|i| i["sku"].as_str().unwrap().to_owned()).collect()
}

/// The stored `stock.low` events of a SKU, as the envelopes the relay sends.
async fn stored_low_events(t: &TestApp, sku: &str) -> Vec<backoffice::events::Envelope> {
    t.table_items()
        .await
        .into_iter()
        .filter(|i| i.get("pk").and_then(|v| v.as_s().ok()).map(String::as_str) == Some(&format!("SKU#{sku}")))
        .filter(|i| i.get("type").and_then(|v| v.as_s().ok()).map(String::as_str) == Some("stock.low"))
        .map(|i| EventRecord::from_item(i).unwrap().envelope())
        .collect()
}

#[tokio::test]
async fn low_stock_opens_exactly_one_suggestion_even_when_the_alert_arrives_three_times() {
    let t = spawn_app().await;
    t.register("LOW-1", 10).await;
    t.adjust("LOW-1", json!({"delta": 30, "reason": "received"})).await;
    t.app.settle().await.unwrap();
    assert!(open_suggestions(&t).await.is_empty(), "30 available is above the reorder point");

    // Falls to the reorder point: at or below counts as low.
    t.adjust("LOW-1", json!({"delta": -20, "reason": "damaged"})).await;
    let low = stored_low_events(&t, "LOW-1").await;
    let alert = low.iter().max_by_key(|e| e.id).unwrap().clone();
    // The relay will publish it once; deliver two more copies, as SQS at-least-once may.
    for _ in 0..2 {
        t.sqs()
            .send_message()
            .queue_url(t.queue_url("StockAlertsQueue"))
            .message_body(serde_json::to_string(&alert).unwrap())
            .send()
            .await
            .unwrap();
    }
    t.app.settle().await.unwrap();

    let open = open_suggestions(&t).await;
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["sku"], "LOW-1");
    assert_eq!(open[0]["suggested_quantity"], 25);
    assert_eq!(open[0]["available_at_alert"], 10);
    assert_eq!(open[0]["available_now"], 10);
    assert_eq!(low_skus(&t).await, vec!["LOW-1"]);
    // Later movements show beside the figure at the alert.
    t.adjust("LOW-1", json!({"delta": -3, "reason": "lost"})).await;
    t.app.settle().await.unwrap();
    let open = open_suggestions(&t).await;
    assert_eq!((open[0]["available_at_alert"].as_u64(), open[0]["available_now"].as_u64()), (Some(10), Some(7)));
    assert_eq!(t.queue_depth("StockAlertsQueue").await, 0, "all three deliveries consumed");

    // A receipt that lifts available above the reorder point closes it.
    t.adjust("LOW-1", json!({"delta": 43, "reason": "received"})).await;
    t.app.settle().await.unwrap();
    assert!(open_suggestions(&t).await.is_empty());
    assert!(low_skus(&t).await.is_empty());
    let closed = t.get("/replenishments?status=closed").await;
    assert_eq!(closed.body["items"][0]["sku"], "LOW-1");

    // The old alert redelivered after the close changes nothing.
    t.sqs()
        .send_message()
        .queue_url(t.queue_url("StockAlertsQueue"))
        .message_body(serde_json::to_string(&alert).unwrap())
        .send()
        .await
        .unwrap();
    t.app.settle().await.unwrap();
    assert!(open_suggestions(&t).await.is_empty(), "a stale alert must not reopen");
}

#[tokio::test]
async fn a_malformed_message_goes_to_the_dead_letter_queue_and_the_other_nine_are_processed() {
    let t = spawn_app().await;
    let queue = t.queue_url("StockAlertsQueue");
    let mut entries = Vec::new();
    for i in 0..9 {
        let envelope = json!({
            "id": format!("01KAS00000000000000000000{i}"), "type": "stock.low", "occurred_at": "2026-11-23T10:00:00Z",
            "correlation_id": "batch-test",
            "payload": {"levels": [{"sku": format!("BATCH-{i}"), "on_hand": 1, "reserved": 0, "available": 1,
                        "reorder_point": 5, "reorder_quantity": 10, "stock_version": 3}]},
        });
        entries.push((format!("m{i}"), envelope.to_string()));
    }
    entries.insert(4, ("poison".into(), "{\"id\": 1, this is not an envelope".into()));
    let mut batch = t.sqs().send_message_batch().queue_url(&queue);
    for (id, body) in entries {
        batch = batch.entries(
            aws_sdk_sqs::types::SendMessageBatchRequestEntry::builder().id(id).message_body(body).build().unwrap(),
        );
    }
    batch.send().await.unwrap();

    // Receive until the poison message has used up maxReceiveCount (5) and moved on.
    for _ in 0..30 {
        t.app.pump_queues(0, Duration::ZERO).await.unwrap();
        if t.queue_depth("StockAlertsDeadLetterQueue").await == 1 && t.queue_depth("StockAlertsQueue").await == 0 {
            break;
        }
    }
    assert_eq!(t.queue_depth("StockAlertsDeadLetterQueue").await, 1);
    assert_eq!(t.queue_depth("StockAlertsQueue").await, 0);
    let dead = t.sqs().receive_message().queue_url(t.queue_url("StockAlertsDeadLetterQueue")).send().await.unwrap();
    assert!(dead.messages.unwrap()[0].body.as_deref().unwrap().contains("not an envelope"));
    assert_eq!(open_suggestions(&t).await.len(), 9);
}

/// The stored event item of type `event_type`.
async fn stored_event_item(t: &TestApp, event_type: &str) -> std::collections::HashMap<String, AttributeValue> {
    t.table_items()
        .await
        .into_iter()
        .find(|i| i.get("type").and_then(|v| v.as_s().ok()).is_some_and(|s| s == event_type))
        .expect("the event stored with the item")
}

/// A stream batch of one INSERT record of `event_item`.
fn stream_event_of(
    event_item: std::collections::HashMap<String, AttributeValue>,
    sequence: &str,
) -> aws_lambda_events::dynamodb::Event {
    let mut record = aws_lambda_events::dynamodb::EventRecord::default();
    record.event_name = "INSERT".into();
    record.change.sequence_number = Some(sequence.into());
    record.change.keys = serde_dynamo::Item::from(
        event_item
            .iter()
            .filter(|(k, _)| *k == "pk" || *k == "sk")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<std::collections::HashMap<_, _>>(),
    );
    record.change.new_image = serde_dynamo::Item::from(event_item);
    let mut event = aws_lambda_events::dynamodb::Event::default();
    event.records = vec![record];
    event
}

/// A stream batch of one INSERT record: the stored event item of type `event_type`.
async fn stream_event_of_stored(t: &TestApp, event_type: &str, sequence: &str) -> aws_lambda_events::dynamodb::Event {
    stream_event_of(stored_event_item(t, event_type).await, sequence)
}

/// The messages waiting in a queue, with their attributes.
async fn received(t: &TestApp, queue: &str) -> Vec<aws_sdk_sqs::types::Message> {
    let out = t
        .sqs()
        .receive_message()
        .queue_url(t.queue_url(queue))
        .max_number_of_messages(10)
        .message_attribute_names("All")
        .send()
        .await
        .unwrap();
    out.messages.unwrap_or_default()
}

#[tokio::test]
async fn the_relay_publishes_without_ever_building_a_dynamodb_client() {
    let t = spawn_app().await;
    t.register("RELAY-2", 5).await; // raises stock.low
    // The relay's context as its `main` builds it (the runner swaps in counting clients).
    let runner = &t.app.contexts["EventRelayFunction"];
    let topic = runner.events.as_ref().expect("the relay is given the events topic").arn.clone();
    let env =
        std::collections::HashMap::from([("EVENTS_TOPIC_ARN", topic), ("TABLE_NAME", runner.store.table().into())]);
    let ctx = backoffice::AppContext::from_lookup(&t.app.sdk, &|name| env.get(name).cloned()).unwrap();
    assert!(!ctx.store.is_connected());

    let response = event_relay::handler(&ctx, stream_event_of_stored(&t, "stock.low", "7").await).await;
    assert!(response.batch_item_failures.is_empty(), "{:?}", response.batch_item_failures);
    assert!(!ctx.store.is_connected(), "the relay built a DynamoDB client it never uses");
    assert_eq!(t.queue_depth("StockAlertsQueue").await, 1);
}

#[tokio::test]
async fn one_publish_delivers_each_event_to_exactly_the_queues_its_type_routes_to() {
    let t = spawn_app().await;
    t.register("RELAY-3", 5).await; // stock.low → the stock-alerts queue
    t.stocked("RELAY-4", 10, 1_000, "BRL", 0).await;
    assert_eq!(t.place_order(&[("RELAY-4", 1)], None).await.status, 201); // order.placed → three queues
    let mut event = stream_event_of_stored(&t, "stock.low", "100").await;
    event.records.extend(stream_event_of_stored(&t, "order.placed", "200").await.records);
    // Unrouted: published to no one.
    event.records.extend(stream_event_of_stored(&t, "customer.registered", "300").await.records);

    let (relay, calls) = t.counted_context("EventRelayFunction");
    let response = event_relay::handler(&relay, event).await;
    assert!(response.batch_item_failures.is_empty(), "{:?}", response.batch_item_failures);
    assert_eq!(calls.calls(), vec!["PublishBatch"], "two events for four queues: one call");

    let placed = stored_event_item(&t, "order.placed").await;
    let placed = EventRecord::from_item(placed).unwrap().envelope();
    for (queue, expected) in [
        ("StockAlertsQueue", "stock.low"),
        ("FulfillmentQueue", "order.placed"),
        ("NotificationsQueue", "order.placed"),
        ("ReportsQueue", "order.placed"),
    ] {
        let messages = received(&t, queue).await;
        assert_eq!(messages.len(), 1, "{queue}: {messages:?}");
        let attributes = messages[0].message_attributes.clone().unwrap_or_default();
        assert_eq!(attributes["event_type"].string_value(), Some(expected), "{queue}");
        let body: backoffice::events::Envelope = serde_json::from_str(messages[0].body().unwrap()).unwrap();
        assert_eq!(body.event_type, expected, "{queue}: the envelope itself, not an SNS notification");
        assert_eq!(attributes["correlation_id"].string_value(), Some(body.correlation_id.as_str()));
        if expected == "order.placed" {
            assert_eq!(body, placed, "{queue}");
        }
    }
}

#[tokio::test]
async fn a_message_the_topic_refuses_fails_only_its_record_and_the_others_are_delivered() {
    let t = spawn_app().await;
    t.register("RELAY-5", 5).await; // stock.low
    t.stocked("RELAY-6", 10, 1_000, "BRL", 0).await;
    assert_eq!(t.place_order(&[("RELAY-6", 1)], None).await.status, 201);
    // An order.placed over SNS's 256 KiB: travels in a batch of its own, and is refused.
    let mut huge = stored_event_item(&t, "order.placed").await;
    let padding = json!({"padding": "x".repeat(300 * 1024)}).to_string();
    huge.insert("payload".into(), AttributeValue::S(padding));
    let mut event = stream_event_of_stored(&t, "stock.low", "100").await;
    event.records.extend(stream_event_of(huge, "200").records);

    let (relay, calls) = t.counted_context("EventRelayFunction");
    let response = event_relay::handler(&relay, event).await;
    let failures: Vec<_> = response.batch_item_failures.iter().map(|f| f.item_identifier.clone()).collect();
    assert_eq!(failures, vec![Some("200".to_owned())], "the stream is retried from the refused record");
    assert_eq!(calls.calls(), vec!["PublishBatch", "PublishBatch"]);
    assert_eq!(t.queue_depth("StockAlertsQueue").await, 1, "the record before it was delivered");
    assert_eq!(t.queue_depth("FulfillmentQueue").await, 0);
}

#[tokio::test]
async fn a_failed_relay_is_retried_from_the_stream_and_nothing_is_lost() {
    let t = spawn_app().await;
    // Point the relay at a topic that does not exist: publishing fails, the stream keeps the record.
    let mut broken = t.app.contexts["EventRelayFunction"].clone();
    let topic = broken.events.as_mut().unwrap();
    topic.arn = format!("{}-missing", topic.arn);
    t.register("RELAY-1", 5).await; // registering an empty SKU raises stock.low
    let event = stream_event_of_stored(&t, "stock.low", "42").await;
    let response = event_relay::handler(&broken, event).await;
    assert_eq!(response.batch_item_failures.len(), 1);
    assert_eq!(response.batch_item_failures[0].item_identifier.as_deref(), Some("42"));

    // The real relay, fed from the stream, still delivers it.
    t.app.settle().await.unwrap();
    assert_eq!(open_suggestions(&t).await.len(), 1);
}
