//! `make bench`: every figure beside its floor, in one run; exits non-zero when a ratio misses
//! its target. Method and results: `BENCHMARKS.md`.
//!
//! 1. Record a scenario through every function against moto (capture on).
//! 2. Round trips and capacity units per operation, from the recording.
//! 3. Per-request instructions under callgrind: handler vs the same SDK calls bare, both
//!    against the replayed responses.
//! 4. Cold start (exec → first response, over TLS) of every function through the Runtime API
//!    emulator: instructions under callgrind against its own first calls issued bare (the
//!    gate), wall clock beside a hello-world `lambda_http` binary, an Init Duration estimate
//!    for arm64 at 128 MB, and peak RSS after 200 invocations; wall clock with and without
//!    aws-lc's CPU-jitter entropy.
//! 5. 200 concurrent place-orders through the local runner vs 200 bare TransactWriteItems of
//!    the same size, against one moto; no oversell; the runner's peak RSS.
//! 6. Deployment zip sizes (arm64, cargo lambda).

mod e2e;
mod measure;
mod pace;

use backoffice_bench::capacity;
use backoffice_local::capture::Recording;
use backoffice_local::{Backoffice, BoxError, Moto, template};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub struct Row {
    pub section: &'static str,
    pub name: String,
    pub figure: String,
    pub floor: String,
    pub ratio: Option<f64>,
    /// The target the ratio (or figure) must meet, and whether it did.
    pub target: String,
    pub pass: bool,
}

/// `BENCH_FUNCTIONS=place-order,query-api` measures some functions (while working on them);
/// all by default.
pub fn selected(binary: &str) -> bool {
    std::env::var("BENCH_FUNCTIONS").map_or(true, |only| only.split(',').any(|b| b == binary))
}

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

/// A binary of the release build (`BENCH_PROFILE=debug` only to debug the bench itself: the
/// figures then mean nothing).
pub fn release(binary: &str) -> PathBuf {
    let profile = std::env::var("BENCH_PROFILE").unwrap_or_else(|_| "release".into());
    root().join("target").join(profile).join(binary)
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    std::env::set_current_dir(root())?;
    for binary in ["probe", "hello", "hello-dynamodb", "sdk-calls", "backoffice-local"] {
        if !release(binary).exists() {
            return Err(format!("{} is missing: run `make bench` (it builds the release binaries)", binary).into());
        }
    }
    let out_dir = root().join("target/bench");
    std::fs::create_dir_all(&out_dir)?;
    let moto = Moto::start()?;
    // Stripe's API for the captures, faked: plain HTTP for the scenario, HTTPS for the measures.
    let stripe = backoffice_bench::provider::FakeStripe::start().await?;
    let overrides = [("STRIPE_API_URL", stripe.url.as_str())];
    let app = Backoffice::capturing(template::load_default()?, &moto.endpoint, "bench-", &overrides).await?;
    println!("recording the scenario against moto at {} ...", moto.endpoint);
    let recordings = backoffice_bench::scenario::record(&app, &stripe).await?;
    for (binary, recording) in &recordings {
        std::fs::write(out_dir.join(format!("{binary}.json")), serde_json::to_string_pretty(recording)?)?;
    }
    let environments = environments(&app, &stripe.tls_url)?;

    round_trips(&recordings);
    // `BENCH_ONLY=cpu,cold,jitter,e2e,pace,zip` runs some sections (while working on one); all by default.
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let run = |section: &str| only.is_empty() || only.split(',').any(|s| s == section);
    let mut rows = Vec::new();
    if run("cpu") {
        rows.extend(measure::instructions(&recordings, &environments, &out_dir).await?);
    }
    if run("cold") {
        rows.extend(measure::cold_starts(&recordings, &environments).await?);
    }
    if run("jitter") {
        rows.extend(measure::jitter_entropy(&recordings, &environments).await?);
    }
    if run("e2e") {
        rows.extend(e2e::throughput(&moto, &recordings).await?);
    }
    if run("pace") {
        rows.extend(pace::shipments_during_a_sale(&moto).await?);
    }
    if run("zip") {
        rows.extend(measure::zip_sizes(recordings.keys().filter(|b| selected(b)))?);
    }
    let failed = report(&rows);
    std::fs::write(
        out_dir.join("results.tsv"),
        rows.iter()
            .map(|r| {
                format!(
                    "{}\t{}\t{}\t{}\t{:?}\t{}\t{}\n",
                    r.section, r.name, r.figure, r.floor, r.ratio, r.target, r.pass
                )
            })
            .collect::<String>(),
    )?;
    drop(app);
    drop(moto);
    if failed > 0 {
        eprintln!("\n{failed} figure(s) missed their target");
        std::process::exit(1);
    }
    println!("\nevery figure met its target");
    Ok(())
}

/// Each function binary's resolved environment (table name, queue URLs, settings).
fn environments(app: &Backoffice, stripe: &str) -> Result<BTreeMap<String, BTreeMap<String, String>>, BoxError> {
    app.template
        .functions
        .values()
        .map(|f| {
            let mut env = app.resources.environment(&app.template, &f.environment)?;
            // The recorded delivery is signed when the scenario runs; the measurements replay it
            // for up to an hour after, so the webhook is measured with a day's window.
            if let Some(tolerance) = env.get_mut("WEBHOOK_TOLERANCE_SECONDS") {
                *tolerance = "86400".into();
            }
            // Captures go to the fake Stripe over HTTPS (its certificate from the bench CA).
            if let Some(url) = env.get_mut("STRIPE_API_URL") {
                *url = stripe.into();
            }
            Ok((f.binary.clone(), env))
        })
        .collect()
}

fn round_trips(recordings: &BTreeMap<String, Recording>) {
    println!("\n== AWS round trips and DynamoDB capacity per operation (recorded against moto) ==");
    println!("{:<20} {:<44} {:>3} {:>6} {:>6}", "function", "operation measured", "rt", "RCU", "WCU");
    for (binary, r) in recordings {
        let units = capacity::of_invocation(&r.exchanges);
        let calls: Vec<&str> = r.exchanges.iter().map(|x| x.operation()).collect();
        let what = r.event["routeKey"].as_str().map(str::to_owned).unwrap_or_else(|| describe_event(&r.event));
        println!(
            "{:<20} {:<44} {:>3} {:>6.1} {:>6.1}  {}",
            binary,
            what,
            calls.len(),
            units.read,
            units.write,
            calls.join(" + ")
        );
    }
}

fn describe_event(event: &serde_json::Value) -> String {
    match event["Records"].as_array() {
        Some(records) => {
            let source = records.first().and_then(|r| r["eventSource"].as_str()).unwrap_or("?");
            format!("{} record(s) from {source}", records.len())
        }
        None => match event["triggerSource"].as_str() {
            Some(trigger) => format!("Cognito {trigger}"),
            None => "scheduled event".into(),
        },
    }
}

fn report(rows: &[Row]) -> usize {
    println!("\n== summary ==");
    println!("{:<14} {:<34} {:>16} {:>16} {:>8}  target", "measure", "subject", "figure", "floor", "ratio");
    let mut failed = 0;
    for r in rows {
        let ratio = r.ratio.map(|x| format!("{x:.2}")).unwrap_or_else(|| "-".into());
        let mark = if r.pass { "ok" } else { "MISSED" };
        println!(
            "{:<14} {:<34} {:>16} {:>16} {:>8}  {} {}",
            r.section, r.name, r.figure, r.floor, ratio, r.target, mark
        );
        if !r.pass {
            failed += 1;
        }
    }
    failed
}
