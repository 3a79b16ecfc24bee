//! Liveness under a flash sale: while 20 clients order one SKU as fast as they can, shipments of
//! that SKU commit and operators adjust it without ever going round again behind the orders.
//!
//! What the test asserts is deterministic: each shipment's stock commit is one read and one
//! transaction, each adjustment one read and one transaction, whatever the orders do (counted
//! at the SDK). Before the counter moves were commutative, every reservation bumped the version
//! those writes were conditioned on, so they retried until their budget ran out. Latencies are
//! printed beside the counts, not asserted (wall-clock time depends on the machine); the
//! liveness bound follows from the counts: one round trip each, not one per order in flight.

use backoffice_tests::{TestApp, spawn_app};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const SKU: &str = "FLASH-1";
const CLIENTS: usize = 20;
const ADJUSTERS: usize = 4;

/// How long the sale runs (`FLASH_SALE_SECONDS`, 30 by default).
fn sale_length() -> Duration {
    let seconds = std::env::var("FLASH_SALE_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(30);
    Duration::from_secs(seconds)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted.get(((sorted.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or_default()
}

/// Five paid and packed orders of two units each, ready to ship.
async fn packed_orders(t: &TestApp) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..5 {
        let r = t.place_order(&[(SKU, 2)], None).await;
        let id = r.body["id"].as_str().unwrap().to_owned();
        assert_eq!(t.pay(&id, r.body["total"]["amount"].as_i64().unwrap(), &format!("gw-flash-{i}")).await.status, 201);
        ids.push(id);
    }
    t.app.settle().await.unwrap();
    for id in &ids {
        assert_eq!(t.step(id, "packed", "").await.status, 200);
    }
    t.app.settle().await.unwrap();
    ids
}

#[tokio::test]
async fn shipments_and_adjustments_never_wait_behind_a_flash_sale() {
    let t = Arc::new(spawn_app().await);
    t.stocked(SKU, 100_000, 100, "BRL", 0).await;
    let to_ship = packed_orders(&t).await;
    let (adjust_ctx, adjust_calls) = t.counted_context("AdjustStockFunction");
    let (worker_ctx, worker_calls) = t.counted_context("FulfillmentWorkerFunction");

    // The sale: 20 clients ordering one unit each, back to back, until it ends.
    let selling = Arc::new(AtomicBool::new(true));
    let placed = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (t, selling, placed) = (Arc::clone(&t), Arc::clone(&selling), Arc::clone(&placed));
            tokio::spawn(async move {
                while selling.load(Ordering::Relaxed) {
                    let r = t.place_order(&[(SKU, 1)], None).await;
                    assert_eq!(r.status, 201, "{}", r.text);
                    placed.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(1)).await;

    // Meanwhile, operators receive and write off the SKU...
    let adjusting = Arc::new(AtomicBool::new(true));
    let adjusters: Vec<_> = (0..ADJUSTERS)
        .map(|a| {
            let (t, adjusting, ctx) = (Arc::clone(&t), Arc::clone(&adjusting), adjust_ctx.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut n = 0;
                while adjusting.load(Ordering::Relaxed) {
                    let body = if n % 2 == 0 {
                        json!({"delta": 3, "reason": "received", "reference": format!("PO-{a}-{n}")})
                    } else {
                        json!({"delta": -1, "reason": "damaged"})
                    };
                    let path = format!("/stock/{SKU}/adjustments");
                    let req = t.request_with_params(
                        "POST /stock/{sku}/adjustments",
                        &path,
                        &[("sku", SKU)],
                        &body.to_string(),
                        &[("content-type", "application/json")],
                    );
                    let asked = Instant::now();
                    let response = adjust_stock::handler(&ctx, req).await;
                    latencies.push(asked.elapsed());
                    assert_eq!(response.status(), 201, "{:?}", response.body());
                    n += 1;
                }
                latencies
            })
        })
        .collect();

    // ...and the packer ships the five orders; the worker commits each shipment from its
    // `order.shipped` message.
    let mut commit_latencies = Vec::new();
    for id in &to_ship {
        let shipped = t.step(id, "shipped", r#"{"carrier":"Correios","tracking_number":"BR-FLASH"}"#).await;
        assert_eq!(shipped.status, 200, "{}", shipped.text);
        let message = t
            .envelopes(&format!("ORDER#{id}"))
            .await
            .into_iter()
            .find(|e| e.event_type == "order.shipped")
            .expect("the order.shipped event");
        let batch = backoffice_tests::sqs_event(&[serde_json::to_string(&message).unwrap()]);
        let asked = Instant::now();
        let outcome = fulfillment_worker::handler(&worker_ctx, batch).await;
        commit_latencies.push(asked.elapsed());
        assert!(outcome.batch_item_failures.is_empty(), "the commit failed under load");
        assert_eq!(t.get(&format!("/orders/{id}")).await.body["stock_committed"], true);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    let remaining = sale_length().saturating_sub(started.elapsed());
    tokio::time::sleep(remaining).await;
    adjusting.store(false, Ordering::Relaxed);
    let mut adjust_latencies: Vec<Duration> = Vec::new();
    for a in adjusters {
        adjust_latencies.extend(a.await.unwrap());
    }
    selling.store(false, Ordering::Relaxed);
    for c in clients {
        c.await.unwrap();
    }
    let sold = placed.load(Ordering::Relaxed);

    // One read and one transaction per shipment and per adjustment: none went round again.
    let worker = worker_calls.calls();
    let count = |calls: &[String], op: &str| calls.iter().filter(|c| *c == op).count();
    assert_eq!((count(&worker, "GetItem"), count(&worker, "TransactWriteItems")), (5, 5), "{worker:?}");
    let adjust = adjust_calls.calls();
    let adjustments = adjust_latencies.len();
    assert!(adjustments >= ADJUSTERS, "adjustments ran during the sale");
    assert_eq!(
        (count(&adjust, "BatchGetItem"), count(&adjust, "TransactWriteItems")),
        (adjustments, adjustments),
        "each adjustment wrote once"
    );
    adjust_latencies.sort();
    commit_latencies.sort();
    eprintln!(
        "flash sale: {sold} orders in {:.1} s by {CLIENTS} clients; {adjustments} adjustments (p50 {:?}, p99 {:?}); \
         5 shipment commits (max {:?})",
        started.elapsed().as_secs_f64(),
        percentile(&adjust_latencies, 0.5),
        percentile(&adjust_latencies, 0.99),
        commit_latencies.last().unwrap(),
    );

    // Afterwards everything adds up, and nothing was given up on.
    t.app.settle().await.unwrap();
    t.assert_conserved().await;
    for dlq in [
        "FulfillmentDeadLetterQueue",
        "StockAlertsDeadLetterQueue",
        "NotificationsDeadLetterQueue",
        "ReportsDeadLetterQueue",
    ] {
        assert_eq!(t.queue_depth(dlq).await, 0, "{dlq} is empty");
    }
    let ledger = t.ledger(SKU).await;
    assert_eq!(ledger.iter().filter(|m| m["kind"] == "shipped").count(), 5, "one shipped line per order");
    let stock = t.stock(SKU).await;
    assert_eq!(stock["reserved"].as_u64().unwrap(), sold as u64, "the sale's orders hold their units");
}
