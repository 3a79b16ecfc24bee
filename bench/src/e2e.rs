//! End to end: 200 concurrent place-orders through the local runner (release build, its own
//! pollers running) versus 200 bare TransactWriteItems of the same size (the recorded
//! place-order transaction with fresh ids), against the same moto from the same machine.
//! Rounds alternate so both paths see the table at the same sizes; medians are compared. Each
//! timed round starts once the runner's queues have drained the round before's follow-up work.

use crate::{Row, release};
use backoffice_bench::floor::{Call, Clients};
use backoffice_bench::peak_rss_kb;
use backoffice_bench::scenario::{self, SKU_A, SKU_H};
use backoffice_local::capture::Recording;
use backoffice_local::{BoxError, Moto};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::AsyncBufReadExt;

const ORDERS: usize = 200;
const ROUNDS: usize = 5;
/// Units of the contended SKU per round: fewer than the orders, so some must be refused.
const HOT_STOCK: i64 = 150;
const THROUGHPUT_TARGET: f64 = 0.8;

pub(crate) struct Runner {
    child: tokio::process::Child,
    base: String,
    table: String,
    http: Client<HttpConnector, Full<Bytes>>,
}

impl Runner {
    pub(crate) async fn start(moto: &Moto) -> Result<Self, BoxError> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let mut child = tokio::process::Command::new(release("backoffice-local"))
            .env("AWS_ENDPOINT_URL", &moto.endpoint)
            // Its stream checkpoint stays out of the checkout's `.local/` (a `make run` shop's).
            .env("LOCAL_DATA_DIR", std::env::temp_dir().join(format!("backoffice-bench-{port}")))
            .env("PORT", port.to_string())
            .env("DEMO_DATA", "0")
            // BENCH_RUNNER_LOG=debug keeps the runner's log in target/bench/runner.log.
            .env("RUST_LOG", std::env::var("BENCH_RUNNER_LOG").unwrap_or_else(|_| "warn".into()))
            .env("LOCAL_SCHEDULE_SECONDS", "3600")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        let mut lines = tokio::io::BufReader::new(child.stdout.take().ok_or("runner stdout")?).lines();
        let table = loop {
            let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
                .await
                .map_err(|_| "the runner did not start within 60 s")??
                .ok_or("the runner exited during start-up")?;
            if let Some(t) = line.trim().strip_prefix("table: ") {
                break t.to_owned();
            }
        };
        // Keep draining its output so it never blocks on a full pipe.
        let mut log = match std::env::var_os("BENCH_RUNNER_LOG") {
            Some(_) => Some(std::fs::File::create(crate::root().join("target/bench/runner.log"))?),
            None => None,
        };
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(log) = log.as_mut() {
                    let _ = std::io::Write::write_all(log, format!("{line}\n").as_bytes());
                }
            }
        });
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let http = Client::builder(hyper_util::rt::TokioExecutor::new()).build(connector);
        Ok(Self { child, base: format!("http://127.0.0.1:{port}"), table, http })
    }

    /// Waits until the previous round's downstream work (relay, fulfillment, notifications,
    /// reports) has drained: every queue empty, nothing in flight, at two readings more than a
    /// poll interval (2 s) apart. Each timed round then starts from a quiet moto instead of
    /// sharing it with the backlog of the round before.
    pub(crate) async fn quiesce(&self) -> Result<(), BoxError> {
        let start = Instant::now();
        let mut quiet_readings = 0;
        while quiet_readings < 2 {
            if start.elapsed() > Duration::from_secs(180) {
                return Err("the runner's queues did not drain within 180 s".into());
            }
            tokio::time::sleep(Duration::from_millis(2500)).await;
            let (status, depths) = self.call("GET", "/_local/queues", &[], &Value::Null).await?;
            let busy: u64 = depths
                .as_object()
                .map(|q| {
                    q.values().map(|d| d["waiting"].as_u64().unwrap_or(0) + d["in_flight"].as_u64().unwrap_or(0)).sum()
                })
                .unwrap_or(u64::MAX);
            quiet_readings = if status == 200 && busy == 0 { quiet_readings + 1 } else { 0 };
        }
        println!("  (quiet after {:.1} s)", start.elapsed().as_secs_f64());
        Ok(())
    }

    pub(crate) async fn call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &Value,
    ) -> Result<(u16, Value), BoxError> {
        let mut req = hyper::Request::builder().method(method).uri(format!("{}{path}", self.base));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let body = if body.is_null() { Bytes::new() } else { Bytes::from(body.to_string()) };
        let response = self.http.request(req.header("content-type", "application/json").body(Full::new(body))?).await?;
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await?.to_bytes();
        Ok((status, serde_json::from_slice(&bytes).unwrap_or(Value::Null)))
    }

    pub(crate) async fn ok(&self, method: &str, path: &str, body: Value) -> Result<Value, BoxError> {
        let (status, value) = self.call(method, path, &[], &body).await?;
        if !(200..300).contains(&status) {
            return Err(format!("{method} {path}: {status} {value}").into());
        }
        Ok(value)
    }

    pub(crate) async fn stock(&self, sku: &str, units: i64) -> Result<(), BoxError> {
        self.ok("PUT", &format!("/stock/{sku}"), scenario::catalog_body(sku, 5)).await?;
        self.ok("POST", &format!("/stock/{sku}/adjustments"), json!({"delta": units, "reason": "received"})).await?;
        Ok(())
    }
}

/// Statuses of one runner round and its wall time.
async fn runner_round(
    runner: &Runner,
    round: usize,
    customer: &str,
) -> Result<(Duration, BTreeMap<u16, usize>), BoxError> {
    let (a, h) = (format!("LOAD{round}-A"), format!("LOAD{round}-H"));
    runner.stock(&a, 1000).await?;
    runner.stock(&h, HOT_STOCK).await?;
    let body = scenario::order_body(customer, &[(&a, 1), (&h, 1)]);
    let start = Instant::now();
    let replies = futures::future::join_all((0..ORDERS).map(|i| {
        let key = format!("load-{round}-{i}");
        let body = body.clone();
        async move { runner.call("POST", "/orders", &[("idempotency-key", key.as_str())], &body).await }
    }))
    .await;
    let elapsed = start.elapsed();
    let mut statuses = BTreeMap::new();
    for r in replies {
        *statuses.entry(r?.0).or_insert(0) += 1;
    }
    // No oversell: what was accepted is exactly what is reserved, and never more than there was.
    let accepted = statuses.get(&201).copied().unwrap_or(0) as i64;
    let hot = runner.ok("GET", &format!("/stock/{h}"), Value::Null).await?;
    let plenty = runner.ok("GET", &format!("/stock/{a}"), Value::Null).await?;
    if hot["reserved"] != json!(accepted) || plenty["reserved"] != json!(accepted) || accepted > HOT_STOCK {
        return Err(format!("oversell or lost reservation: {accepted} accepted, hot {hot}, other {plenty}").into());
    }
    if hot["available"].as_i64() != Some(HOT_STOCK - accepted) {
        return Err(format!("available does not add up: {hot}").into());
    }
    Ok((elapsed, statuses))
}

/// The recorded place-order transaction, made unique: new ids, this round's SKUs, the
/// runner's table and customer.
fn bare_payload(
    template: &str,
    from_table: &str,
    to_table: &str,
    from_customer: &str,
    to_customer: &str,
    round: usize,
) -> String {
    let mut text = template.replace(from_table, to_table).replace(from_customer, "\u{0}CUSTOMER\u{0}");
    text = text.replace(SKU_A, &format!("BARE{round}-A")).replace(SKU_H, &format!("BARE{round}-H"));
    let mut fresh: BTreeMap<String, String> = BTreeMap::new();
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let token_end = (i..bytes.len()).find(|&j| !bytes[j].is_ascii_alphanumeric()).unwrap_or(bytes.len());
        let token = &text[i..token_end];
        let boundary = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if boundary
            && token.len() == 26
            && token.parse::<ulid::Ulid>().is_ok()
            && token.bytes().all(|b| !b.is_ascii_lowercase())
        {
            out.push_str(fresh.entry(token.to_owned()).or_insert_with(|| ulid::Ulid::new().to_string()));
            i = token_end;
        } else if boundary && token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit()) {
            // The idempotency record's caller and key hashes.
            let hash = fresh.entry(token.to_owned()).or_insert_with(|| format!("{:032x}", ulid::Ulid::new().0));
            out.push_str(hash);
            i = token_end;
        } else {
            let next = if token_end > i { token_end } else { i + text[i..].chars().next().map_or(1, char::len_utf8) };
            out.push_str(&text[i..next]);
            i = next;
        }
    }
    out.replace("\u{0}CUSTOMER\u{0}", to_customer)
}

async fn bare_round(
    runner: &Runner,
    moto: &Moto,
    place: &Recording,
    round: usize,
    customer: &str,
) -> Result<(Duration, usize, usize), BoxError> {
    runner.stock(&format!("BARE{round}-A"), 1000).await?;
    runner.stock(&format!("BARE{round}-H"), HOT_STOCK).await?;
    let transact =
        place.exchanges.iter().find(|x| x.operation() == "TransactWriteItems").ok_or("no recorded transaction")?;
    let recorded: Value = serde_json::from_str(&transact.request)?;
    let from_table = recorded["TransactItems"][0]
        .as_object()
        .and_then(|o| o.values().next())
        .and_then(|v| v["TableName"].as_str())
        .ok_or("recorded table")?
        .to_owned();
    let body: Value = serde_json::from_str(place.event["body"].as_str().unwrap_or("{}"))?;
    let from_customer = body["customer_id"].as_str().ok_or("recorded customer")?.to_owned();
    let sdk = backoffice_local::sdk_for(&moto.endpoint).await;
    let ddb = aws_sdk_dynamodb::Client::new(&sdk);
    let clients = Clients { ddb: Some(&ddb), ..Clients::default() };
    let calls = (0..ORDERS)
        .map(|_| {
            let mut x = transact.clone();
            x.request = bare_payload(&transact.request, &from_table, &runner.table, &from_customer, customer, round);
            Call::from_exchange(&x, &clients)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let start = Instant::now();
    let results = futures::future::join_all(calls.iter().map(Call::send)).await;
    let elapsed = start.elapsed();
    let ok = results.iter().filter(|r| r.is_ok()).count();
    Ok((elapsed, ok, ORDERS - ok))
}

pub async fn throughput(moto: &Moto, recordings: &BTreeMap<String, Recording>) -> Result<Vec<Row>, BoxError> {
    println!(
        "\n== end to end: {ORDERS} concurrent place-orders through the runner vs {ORDERS} bare TransactWriteItems (same moto) =="
    );
    let runner = Runner::start(moto).await?;
    let customer = runner.ok("POST", "/customers", scenario::customer_body("load@example.com")).await?;
    let customer = customer["id"].as_str().ok_or("customer id")?.to_owned();
    let place = &recordings["place-order"];
    let (mut runner_rates, mut bare_rates) = (Vec::new(), Vec::new());
    let mut server_errors = 0;
    for round in 0..ROUNDS {
        runner.quiesce().await?;
        let (t, statuses) = runner_round(&runner, round, &customer).await?;
        server_errors += statuses.iter().filter(|(s, _)| **s >= 500).map(|(_, n)| n).sum::<usize>();
        let rate = ORDERS as f64 / t.as_secs_f64();
        println!("round {round}: runner {rate:>7.1} orders/s ({:.2} s; statuses {statuses:?})", t.as_secs_f64());
        runner_rates.push(rate);
        runner.quiesce().await?;
        let (t, ok, refused) = bare_round(&runner, moto, place, round, &customer).await?;
        let rate = ORDERS as f64 / t.as_secs_f64();
        println!(
            "round {round}: bare   {rate:>7.1} tx/s     ({:.2} s; {ok} committed, {refused} cancelled)",
            t.as_secs_f64()
        );
        bare_rates.push(rate);
    }
    let rss = runner.child.id().and_then(peak_rss_kb).unwrap_or(u64::MAX);
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    // Wall clock on a shared machine swings between rounds: the median decides, the spread says
    // how far to trust it.
    let spread = |v: &[f64]| {
        let (low, high) = v.iter().fold((f64::MAX, f64::MIN), |(l, h), x| (l.min(*x), h.max(*x)));
        format!("{low:.1}–{high:.1}")
    };
    let ratios: Vec<f64> = runner_rates.iter().zip(&bare_rates).map(|(r, b)| r / b).collect();
    println!(
        "spread over {ROUNDS} rounds: runner {} orders/s, bare {} tx/s, round ratios {}",
        spread(&runner_rates),
        spread(&bare_rates),
        spread(&ratios)
    );
    let (r, b) = (median(runner_rates), median(bare_rates));
    let ratio = r / b;
    println!("median: runner {r:.1} orders/s, bare {b:.1} tx/s, ratio {ratio:.2}; runner peak RSS {rss} kB");
    Ok(vec![
        Row {
            section: "end to end",
            name: format!("{ORDERS} concurrent place-orders"),
            figure: format!("{r:.1} /s"),
            floor: format!("{b:.1} /s"),
            ratio: Some(ratio),
            target: format!(">= {THROUGHPUT_TARGET}x, no 5xx"),
            pass: ratio >= THROUGHPUT_TARGET && server_errors == 0,
        },
        Row {
            section: "peak RSS",
            name: "local runner (every function)".into(),
            figure: format!("{rss} kB"),
            floor: "-".into(),
            ratio: None,
            target: "(reported)".into(),
            pass: true,
        },
    ])
}
