//! The overview's counters equal what the lists return, after a shop's worth of changes and
//! after the whole table stream is delivered to its consumer again.

use backoffice_tests::{JSON, TestApp, spawn_app};
use serde_json::{Value, json};

async fn count(t: &TestApp, path: &str) -> i64 {
    let mut total = 0;
    let mut cursor: Option<String> = None;
    let join = if path.contains('?') { '&' } else { '?' };
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}{join}limit=100&cursor={c}"),
            None => format!("{path}{join}limit=100"),
        };
        let r = t.get(&url).await;
        assert_eq!(r.status, 200, "{url}: {}", r.text);
        total += r.body["items"].as_array().unwrap().len() as i64;
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return total,
        }
    }
}

async fn place(t: &TestApp, sku: &str, quantity: u64) -> (String, i64) {
    let r = t.place_order(&[(sku, quantity)], None).await;
    assert_eq!(r.status, 201, "{}", r.text);
    (r.body["id"].as_str().unwrap().to_owned(), r.body["total"]["amount"].as_i64().unwrap())
}

async fn assert_counters_match_lists(t: &TestApp) -> Value {
    let overview = t.get("/overview").await;
    assert_eq!(overview.status, 200, "{}", overview.text);
    let c = &overview.body["counters"];
    let expect = [
        ("awaiting_payment", "/orders?status=pending_payment"),
        ("to_pick", "/orders?status=paid&fulfillment_status=unfulfilled"),
        ("to_pack", "/orders?status=paid&fulfillment_status=picking"),
        ("to_ship", "/orders?status=paid&fulfillment_status=packed"),
        ("returns_awaiting_receipt", "/returns?status=requested"),
        ("skus_low", "/stock?low=true"),
        ("open_replenishments", "/replenishments?status=open"),
    ];
    for (counter, list) in expect {
        assert_eq!(c[counter].as_i64(), Some(count(t, list).await), "{counter} = {list}: {}", overview.text);
    }
    let receivables = t.get("/receivables?limit=100").await.body;
    assert_eq!(overview.body["receivables"], receivables["outstanding_by_currency"], "{}", overview.text);
    overview.body
}

#[tokio::test]
async fn overview_counters_equal_the_lists_even_after_the_stream_is_delivered_again() {
    let t = spawn_app().await;
    t.stocked("OV-1", 30, 1000, "BRL", 20).await;
    let mut orders = Vec::new();
    for quantity in [1, 2, 1, 1, 3, 1, 2] {
        orders.push(place(&t, "OV-1", quantity).await);
    }
    // Paid in full: 0, 1, 2, 3 (they move to picking); partly: 4; cancelled: 5; 6 stays unpaid.
    for (id, total) in &orders[0..4] {
        assert_eq!(t.pay(id, *total, &format!("gw-{id}")).await.status, 201);
    }
    assert_eq!(t.pay(&orders[4].0, 500, "gw-part").await.status, 201);
    let c = t.call("POST", &format!("/orders/{}/cancel", orders[5].0), &[JSON], r#"{"reason":"asked"}"#).await;
    assert_eq!(c.status, 200, "{}", c.text);
    t.app.settle().await.unwrap();
    // 0 packed; 1 shipped and delivered, then a return opened on it; 2 shipped.
    for id in [&orders[0].0, &orders[1].0, &orders[2].0] {
        assert_eq!(t.step(id, "packed", "").await.status, 200);
    }
    for id in [&orders[1].0, &orders[2].0] {
        let shipped = t.step(id, "shipped", r#"{"carrier":"Correios","tracking_number":"BR1"}"#).await;
        assert_eq!(shipped.status, 200, "{}", shipped.text);
    }
    assert_eq!(t.step(&orders[1].0, "delivered", "").await.status, 200);
    let body = json!({"lines": [{"sku": "OV-1", "quantity": 1, "reason": "did not fit"}]});
    let r = t.call("POST", &format!("/orders/{}/returns", orders[1].0), &[JSON], &body.to_string()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    t.app.settle().await.unwrap();

    let first = assert_counters_match_lists(&t).await;
    let c = &first["counters"];
    let figures: Vec<i64> = ["awaiting_payment", "to_pick", "to_pack", "to_ship", "returns_awaiting_receipt"]
        .iter()
        .map(|k| c[*k].as_i64().unwrap())
        .collect();
    assert_eq!(figures, [2, 0, 1, 1, 1], "{first}");
    assert_eq!(c["skus_low"], 1, "30 − 11 units ordered (one order cancelled) is below 20: {first}");
    assert_eq!(first["receivables"]["BRL"], 3000 - 500 + 2000, "{first}");
    let today = &first["sales"]["today"]["BRL"];
    assert_eq!(today["orders_placed"], 7, "{first}");
    assert_eq!(first["sales"]["last_30_days"]["BRL"], *today, "a new shop sold only today");

    // Lambda delivers at least once: the whole stream again changes no counter.
    let records = t.app.stream_history().await.unwrap();
    assert!(records.len() > 20, "{} records", records.len());
    let (ctx, _) = t.counted_context("StockLevelsFunction");
    let mut event = backoffice::stream::Event::default();
    event.records = records;
    let response = stock_levels::handler(&ctx, event).await;
    assert!(response.batch_item_failures.is_empty());
    let again = assert_counters_match_lists(&t).await;
    assert_eq!(again["counters"], first["counters"]);
    assert_eq!(again["receivables"], first["receivables"]);
}

/// A batch in which some records were counted and others not (Lambda redelivers from a failed
/// record, and the records before it may have been counted): each shard's write leaves out the
/// counted ones and adds the rest, once.
#[tokio::test]
async fn a_batch_partly_counted_before_is_counted_once_whole() {
    let t = spawn_app().await;
    t.stocked("OV-P", 50, 700, "BRL", 0).await;
    let mut orders = Vec::new();
    for quantity in [1, 2, 3, 1, 2, 1, 1, 2] {
        orders.push(place(&t, "OV-P", quantity).await);
    }
    for (id, total) in &orders[0..3] {
        assert_eq!(t.pay(id, *total, &format!("gw-{id}")).await.status, 201);
    }
    // Every other record of the stream so far, counted on its own first...
    let records = t.app.stream_history().await.unwrap();
    assert!(records.len() > 20, "{} records", records.len());
    let (ctx, _) = t.counted_context("StockLevelsFunction");
    let mut event = backoffice::stream::Event::default();
    event.records = records.into_iter().step_by(2).collect();
    assert!(stock_levels::handler(&ctx, event).await.batch_item_failures.is_empty());
    // ...then the whole stream, in the pumps' batches.
    t.app.settle().await.unwrap();
    let overview = assert_counters_match_lists(&t).await;
    assert_eq!(overview["counters"]["awaiting_payment"], 5, "{overview}");
    assert_eq!(overview["counters"]["to_pack"], 3, "paid, then picked by the worker: {overview}");
}
