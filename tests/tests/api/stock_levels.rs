//! `stock-levels` against the races it exists for: stream records delivered again, stale
//! records, and other writes (here an adjustment; shipments and returns move the counters the
//! same commutative way) reaching an item a reservation took into the low band before
//! stock-levels does. Whatever the order, each entry into the low band raises exactly one
//! `stock.low`, and the listing ends up matching the level. Cancellations give stock back
//! commutatively too: an item one lifts out of the band is unlisted once, with
//! `stock.replenished`.

use aws_lambda_events::dynamodb::{Event, EventRecord};
use backoffice_tests::{TestApp, spawn_app};
use serde_json::json;

/// A stream event of `copies` records, each carrying the SKU's stock item as it is stored now
/// (what the table's stream would hold for its last write), as both images: a write that left
/// the listing as it was, so the overview's counters do not move.
async fn stream_event(t: &TestApp, sku: &str, copies: usize) -> Event {
    let item = t
        .table_items()
        .await
        .into_iter()
        .find(|i| {
            i.get("pk").and_then(|v| v.as_s().ok()) == Some(&format!("SKU#{sku}"))
                && i.get("sk").and_then(|v| v.as_s().ok()).map(String::as_str) == Some("STOCK")
        })
        .expect("the stock item");
    let keys: std::collections::HashMap<_, _> =
        item.iter().filter(|(k, _)| *k == "pk" || *k == "sk").map(|(k, v)| (k.clone(), v.clone())).collect();
    let mut event = Event::default();
    for n in 0..copies {
        let mut record = EventRecord::default();
        record.event_id = format!("test-{n}");
        record.event_name = "MODIFY".into();
        record.change.keys = serde_dynamo::Item::from(keys.clone());
        record.change.new_image = serde_dynamo::Item::from(item.clone());
        record.change.old_image = serde_dynamo::Item::from(item.clone());
        record.change.sequence_number = Some(format!("{:021}", n + 1));
        event.records.push(record);
    }
    event
}

async fn listed(t: &TestApp, sku: &str) -> bool {
    let r = t.get("/stock?low=true").await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["items"].as_array().unwrap().iter().any(|i| i["sku"] == sku)
}

/// Runs stock-levels on the event; returns the AWS calls it made.
async fn run(t: &TestApp, event: Event) -> Vec<String> {
    let (ctx, counter) = t.counted_context("StockLevelsFunction");
    let response = stock_levels::handler(&ctx, event).await;
    assert!(response.batch_item_failures.is_empty(), "{:?}", response.batch_item_failures);
    counter.calls()
}

/// Stocked above its reorder point (the registration's alert is already answered by the
/// receipt), then an order takes it to `available` units: low, not listed.
async fn reserved_into_the_band(t: &TestApp, sku: &str) -> usize {
    t.stocked(sku, 12, 100, "BRL", 10).await;
    t.app.settle().await.unwrap();
    assert_eq!(t.place_order(&[(sku, 3)], None).await.status, 201);
    assert!(!listed(t, sku).await, "the order leaves the listing to stock-levels");
    t.low_events_for(sku).await.len()
}

#[tokio::test]
async fn a_record_delivered_again_lists_the_item_once() {
    let t = spawn_app().await;
    let before = reserved_into_the_band(&t, "LVL-1").await;
    // One batch holding the item three times, then the same batch again (a retry).
    let event = stream_event(&t, "LVL-1", 3).await;
    assert_eq!(run(&t, event.clone()).await, ["TransactWriteItems"], "one write for the item's last record");
    assert_eq!(run(&t, event).await, ["TransactWriteItems"], "refused: already listed");
    let now_listed = stream_event(&t, "LVL-1", 1).await;
    assert!(run(&t, now_listed).await.is_empty(), "a listed item costs no call");
    let low = t.low_events_for("LVL-1").await;
    assert_eq!(low.len(), before + 1, "{low:?}");
    assert_eq!(low[before]["levels"][0]["available"], json!(9));
    assert!(listed(&t, "LVL-1").await);
    // The alert reaches stock-alerts like any other: one open suggestion.
    t.app.settle().await.unwrap();
    let open = t.get("/replenishments?status=open").await;
    let skus: Vec<&serde_json::Value> = open.body["items"].as_array().unwrap().iter().map(|i| &i["sku"]).collect();
    assert_eq!(skus, [&json!("LVL-1")], "{}", open.text);
}

#[tokio::test]
async fn an_adjustment_leaves_the_listing_and_the_stream_lists_the_item_once() {
    let t = spawn_app().await;
    let before = reserved_into_the_band(&t, "LVL-2").await;
    let stale = stream_event(&t, "LVL-2", 1).await;
    // An adjustment reaches the unlisted low item first: commutative, it leaves the listing.
    let r = t.adjust("LVL-2", json!({"delta": -1, "reason": "damaged"})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(t.low_events_for("LVL-2").await.len(), before);
    assert!(!listed(&t, "LVL-2").await);
    // The record from before the adjustment lists it (tested on the item as stored), then
    // everything the stream holds: nothing more.
    assert_eq!(run(&t, stale).await, ["TransactWriteItems"]);
    t.app.settle().await.unwrap();
    assert_eq!(t.low_events_for("LVL-2").await.len(), before + 1);
    assert!(listed(&t, "LVL-2").await);
}

#[tokio::test]
async fn an_item_lifted_out_of_the_band_first_is_neither_listed_nor_alerted() {
    let t = spawn_app().await;
    let before = reserved_into_the_band(&t, "LVL-3").await;
    let stale = stream_event(&t, "LVL-3", 1).await;
    let r = t.adjust("LVL-3", json!({"delta": 5, "reason": "received"})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    run(&t, stale).await;
    t.app.settle().await.unwrap();
    assert_eq!(t.low_events_for("LVL-3").await.len(), before, "never listed, so never alerted");
    assert!(!listed(&t, "LVL-3").await);
    let replenished = t
        .table_items()
        .await
        .into_iter()
        .filter(|i| i.get("type").and_then(|v| v.as_s().ok()).map(String::as_str) == Some("stock.replenished"))
        .filter(|i| i.get("payload").and_then(|v| v.as_s().ok()).is_some_and(|p| p.contains("LVL-3")))
        .count();
    assert_eq!(replenished, 1, "only the receipt's of the set-up: none for an alert never raised");
}

fn replenished_for(
    items: &[std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>],
    sku: &str,
) -> usize {
    items
        .iter()
        .filter(|i| i.get("type").and_then(|v| v.as_s().ok()).map(String::as_str) == Some("stock.replenished"))
        .filter(|i| i.get("payload").and_then(|v| v.as_s().ok()).is_some_and(|p| p.contains(sku)))
        .count()
}

#[tokio::test]
async fn a_cancellation_that_lifts_a_listed_item_out_of_the_band_unlists_it_once() {
    let t = spawn_app().await;
    t.stocked("LVL-4", 12, 100, "BRL", 10).await;
    t.app.settle().await.unwrap();
    let order = t.place_order(&[("LVL-4", 3)], None).await;
    assert_eq!(order.status, 201, "{}", order.text);
    t.app.settle().await.unwrap();
    assert!(listed(&t, "LVL-4").await, "stock-levels listed the reservation's entry into the band");
    let before = replenished_for(&t.table_items().await, "LVL-4");

    let id = order.body["id"].as_str().unwrap();
    let c = t.call("POST", &format!("/orders/{id}/cancel"), &[backoffice_tests::JSON], r#"{"reason":"x"}"#).await;
    assert_eq!(c.status, 200, "{}", c.text);
    assert!(listed(&t, "LVL-4").await, "the release is commutative: it leaves the listing to stock-levels");
    // The release's record, twice in one batch and then again (a retry): one unlisting.
    let event = stream_event(&t, "LVL-4", 2).await;
    assert_eq!(run(&t, event.clone()).await, ["TransactWriteItems"], "one write for the item's last record");
    assert_eq!(run(&t, event).await, ["TransactWriteItems"], "refused: already unlisted");
    t.app.settle().await.unwrap();
    assert!(!listed(&t, "LVL-4").await);
    let items = t.table_items().await;
    assert_eq!(replenished_for(&items, "LVL-4"), before + 1, "one stock.replenished closes the one alert");
    let stock = t.stock("LVL-4").await;
    assert_eq!((&stock["reserved"], &stock["available"]), (&json!(0), &json!(12)), "{stock}");
}
