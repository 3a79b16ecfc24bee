//! The runner's pace: whether follow-up work keeps up while a sale is on. 20 clients order one
//! SKU back to back (about 50 orders/s on two cores) while a packer ships five packed orders;
//! each shipment's lag is the time from its `shipped` answer to its stock commit (the
//! fulfillment worker's, from the `order.shipped` message) showing on the order. Beside it, the
//! stream consumers' iterator age and the work queues' waits, as the runner reports them
//! (`/_local/stream`, `/_local/queues`). Wall-clock figures on a shared machine: reported
//! against their target, not gated.

use crate::Row;
use crate::e2e::Runner;
use backoffice_bench::scenario;
use backoffice_local::{BoxError, Moto};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const CLIENTS: usize = 20;
const SHIPMENTS: usize = 5;
const LAG_TARGET: Duration = Duration::from_secs(5);
const HOT: &str = "PACE-HOT";
const SHIPPED: &str = "PACE-SHIP";

/// The iterator age the relay and the overview's counters report, and how long the oldest message
/// of the fulfillment queue's last batch (the shipment's own path) had waited, in milliseconds.
async fn lags(runner: &Runner) -> Result<(i64, i64, i64), BoxError> {
    let stream = runner.ok("GET", "/_local/stream", Value::Null).await?;
    let age = |function: &str| {
        let consumers = stream["consumers"].as_array().into_iter().flatten();
        consumers.filter(|c| c["function"] == function).find_map(|c| c["iterator_age_ms"].as_i64()).unwrap_or(0)
    };
    let queues = runner.ok("GET", "/_local/queues", Value::Null).await?;
    let waited = queues.as_object().into_iter().flatten().filter_map(|(_, q)| q["last_batch_oldest_ms"].as_i64()).max();
    Ok((age("EventRelayFunction"), age("StockLevelsFunction"), waited.unwrap_or(0)))
}

async fn packed_orders(runner: &Runner, customer: &str) -> Result<Vec<String>, BoxError> {
    runner.stock(SHIPPED, 100).await?;
    let mut ids = Vec::new();
    for i in 0..SHIPMENTS {
        let order = runner.ok("POST", "/orders", scenario::order_body(customer, &[(SHIPPED, 1)])).await?;
        let id = order["id"].as_str().ok_or("order id")?.to_owned();
        let payment = json!({"amount": order["total"], "method": "pix", "gateway_reference": format!("pace-{i}")});
        runner.ok("POST", &format!("/orders/{id}/payments"), payment).await?;
        ids.push(id);
    }
    // The fulfillment worker starts picking each paid order (from its order.paid message).
    runner.quiesce().await?;
    for id in &ids {
        runner.ok("POST", &format!("/orders/{id}/fulfillment/packed"), Value::Null).await?;
    }
    runner.quiesce().await?;
    Ok(ids)
}

pub async fn shipments_during_a_sale(moto: &Moto) -> Result<Vec<Row>, BoxError> {
    println!("\n== pace: {SHIPMENTS} shipments while {CLIENTS} clients order one SKU (runner, release build) ==");
    let runner = Arc::new(Runner::start(moto).await?);
    let customer = runner.ok("POST", "/customers", scenario::customer_body("pace@example.com")).await?;
    let customer = customer["id"].as_str().ok_or("customer id")?.to_owned();
    runner.stock(HOT, 1_000_000).await?;
    let to_ship = packed_orders(&runner, &customer).await?;

    let selling = Arc::new(AtomicBool::new(true));
    let placed = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (runner, selling, placed) = (Arc::clone(&runner), Arc::clone(&selling), Arc::clone(&placed));
            let body = scenario::order_body(&customer, &[(HOT, 1)]);
            tokio::spawn(async move {
                while selling.load(Ordering::Relaxed) {
                    if let Ok((201, _)) = runner.call("POST", "/orders", &[], &body).await {
                        placed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(3)).await;

    let (mut shipment_lags, mut relay_ages, mut levels_ages, mut queue_waits) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for id in &to_ship {
        let body = json!({"carrier": "Correios", "tracking_number": "BR-PACE"});
        runner.ok("POST", &format!("/orders/{id}/fulfillment/shipped"), body).await?;
        let shipped = Instant::now();
        loop {
            let order = runner.ok("GET", &format!("/orders/{id}"), Value::Null).await?;
            if order["stock_committed"] == true {
                break;
            }
            if shipped.elapsed() > Duration::from_secs(180) {
                return Err(format!("order {id}: stock not committed 180 s after shipped").into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let lag = shipped.elapsed();
        let (relay, levels, waited) = lags(&runner).await?;
        println!(
            "shipment {}: committed {:.2} s after shipped; iterator age: relay {relay} ms, stock levels {levels} ms; \
             fulfillment queue wait {waited} ms",
            shipment_lags.len() + 1,
            lag.as_secs_f64()
        );
        shipment_lags.push(lag);
        relay_ages.push(relay);
        levels_ages.push(levels);
        queue_waits.push(waited);
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    selling.store(false, Ordering::Relaxed);
    for client in clients {
        client.await?;
    }
    let rate = placed.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    shipment_lags.sort();
    let (median, worst) = (shipment_lags[shipment_lags.len() / 2], shipment_lags[shipment_lags.len() - 1]);
    let max = |v: &[i64]| v.iter().max().copied().unwrap_or(0);
    let (relay, levels, waited) = (max(&relay_ages), max(&levels_ages), max(&queue_waits));
    println!(
        "{rate:.1} orders/s during the sale; shipment lag median {:.2} s, worst {:.2} s; iterator age up to \
         {relay} ms (relay), {levels} ms (stock levels)",
        median.as_secs_f64(),
        worst.as_secs_f64(),
    );
    Ok(vec![
        Row {
            section: "pace",
            name: format!("shipment commit lag at {rate:.0} orders/s on one SKU (worst of {SHIPMENTS})"),
            figure: format!("{:.2} s", worst.as_secs_f64()),
            floor: format!("median {:.2} s", median.as_secs_f64()),
            ratio: None,
            target: format!("<= {} s (reported)", LAG_TARGET.as_secs()),
            pass: true,
        },
        Row {
            section: "pace",
            name: "iterator age relay / stock levels; fulfillment queue wait (worst at the shipments)".into(),
            figure: format!("{relay} / {levels}; {waited} ms"),
            floor: "-".into(),
            ratio: None,
            target: "(reported)".into(),
            pass: true,
        },
    ])
}
