//! Per-request instructions (callgrind), cold starts and peak RSS (Runtime API emulator), and
//! deployment zip sizes.

use crate::{Row, release, root};
use backoffice_bench::peak_rss_kb;
use backoffice_bench::replay::Replay;
use backoffice_bench::runtime_api::{RuntimeApi, lambda_environment};
use backoffice_local::BoxError;
use backoffice_local::capture::Recording;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

type Environments = BTreeMap<String, BTreeMap<String, String>>;

const CPU_TARGET: f64 = 1.25;
const COLD_TARGET: f64 = 1.5;
const RSS_LIMIT_KB: u64 = 48 * 1024;
const ZIP_LIMIT: u64 = 4 * 1024 * 1024;
/// Iterations of the two callgrind runs; per request = difference / (HIGH − LOW).
const LOW: usize = 2;
const HIGH: usize = 12;
const COLD_RUNS: usize = 11;
const RSS_INVOCATIONS: usize = 200;

/// The environment a function gets on Lambda, plus the replay endpoint.
fn function_env(
    runtime_api: &str,
    binary: &str,
    env: &BTreeMap<String, String>,
    endpoint: &str,
) -> Vec<(String, String)> {
    let mut all = lambda_environment(runtime_api, binary);
    all.extend(env.iter().map(|(k, v)| (k.clone(), v.clone())));
    all.push(("AWS_ENDPOINT_URL".into(), endpoint.into()));
    all
}

/// Instructions of one probe run (valgrind's "Collected" total), after checking it did the work.
async fn callgrind(
    binary: &str,
    mode: &str,
    iterations: usize,
    file: &Path,
    env: &[(String, String)],
    replay: &Replay,
    expected_calls: usize,
) -> Result<u64, BoxError> {
    replay.reset();
    // BENCH_PROFILES=dir keeps each run's profile for callgrind_annotate.
    let out = match std::env::var("BENCH_PROFILES") {
        Ok(dir) => format!("{dir}/{binary}.{mode}.{iterations}.callgrind"),
        Err(_) => "/dev/null".into(),
    };
    let output = tokio::process::Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={out}"))
        .arg(release("probe"))
        .args([binary, mode, &iterations.to_string()])
        .arg(file)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdout(Stdio::null())
        .output()
        .await
        .map_err(|e| format!("cannot run valgrind (install it: apt-get install valgrind): {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let (served, unknown) = replay.reset();
    let probe = stderr.lines().find_map(|l| l.strip_prefix("PROBE ")).unwrap_or("").to_owned();
    let healthy = probe.starts_with("status=2")
        || probe == "failures=0"
        || probe.starts_with("result=")
        || probe.starts_with("calls=");
    if !output.status.success() || !healthy || unknown > 0 || served != iterations * expected_calls {
        return Err(format!(
            "{binary} {mode}: exit {:?}, probe said {probe:?}, replay served {served} (expected {}), {unknown} unrecorded\n{}",
            output.status.code(),
            iterations * expected_calls,
            stderr.lines().rev().take(15).collect::<Vec<_>>().join("\n")
        )
        .into());
    }
    stderr
        .lines()
        .find_map(|l| l.split("Collected :").nth(1))
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| format!("no callgrind total for {binary} {mode}").into())
}

pub async fn instructions(
    recordings: &BTreeMap<String, Recording>,
    envs: &Environments,
    dir: &Path,
) -> Result<Vec<Row>, BoxError> {
    println!("\n== per-request instructions (callgrind; handler vs the same SDK calls bare, replayed responses) ==");
    let mut rows = Vec::new();
    for (binary, recording) in recordings {
        let replay = Replay::start(&recording.exchanges).await?;
        let env = function_env("127.0.0.1:9", binary, &envs[binary], &replay.endpoint);
        let file = dir.join(format!("{binary}.json"));
        let calls = recording.exchanges.len();
        let mut per = BTreeMap::new();
        for mode in ["handler", "floor"] {
            let low = callgrind(binary, mode, LOW, &file, &env, &replay, calls).await?;
            let high = callgrind(binary, mode, HIGH, &file, &env, &replay, calls).await?;
            per.insert(mode, high.saturating_sub(low) / (HIGH - LOW) as u64);
        }
        let (handler, floor) = (per["handler"], per["floor"]);
        let ratio = handler as f64 / floor.max(1) as f64;
        println!(
            "{binary:<20} handler {handler:>10} instr/request   floor {floor:>10}   ratio {ratio:.2}   ({calls} AWS calls)"
        );
        rows.push(Row {
            section: "cpu",
            name: binary.clone(),
            figure: format!("{handler} instr"),
            floor: format!("{floor} instr"),
            ratio: Some(ratio),
            target: format!("<= {CPU_TARGET}x"),
            pass: ratio <= CPU_TARGET,
        });
    }
    Ok(rows)
}

struct ColdStart {
    times: Vec<Duration>,
    peak_rss_kb: Option<u64>,
}

/// Starts `binary` `COLD_RUNS` times and times exec → its first response; the last run then
/// serves `RSS_INVOCATIONS` more events and reports its peak RSS.
async fn cold_start(
    binary: &str,
    event: &[u8],
    env: &BTreeMap<String, String>,
    replay: &Replay,
) -> Result<ColdStart, BoxError> {
    let mut times = Vec::new();
    let mut peak = None;
    for run in 0..COLD_RUNS {
        let api = RuntimeApi::start().await?;
        replay.reset();
        let response = api.invoke(event);
        let start = Instant::now();
        let mut child = tokio::process::Command::new(release(binary))
            .env_clear()
            .envs(function_env(&api.address, binary, env, &replay.endpoint))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        let outcome = tokio::time::timeout(Duration::from_secs(20), response)
            .await
            .map_err(|_| format!("{binary}: no response within 20 s"))??;
        if !outcome.ok {
            return Err(
                format!("{binary}: the first invocation failed: {}", String::from_utf8_lossy(&outcome.body)).into()
            );
        }
        times.push(outcome.at - start);
        if run == COLD_RUNS - 1 {
            for _ in 0..RSS_INVOCATIONS {
                replay.reset();
                let o = api.invoke(event).await?;
                if !o.ok {
                    return Err(format!("{binary}: an invocation failed under load").into());
                }
            }
            peak = child.id().and_then(peak_rss_kb);
        }
        child.kill().await?;
    }
    Ok(ColdStart { times, peak_rss_kb: peak })
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

pub async fn cold_starts(recordings: &BTreeMap<String, Recording>, envs: &Environments) -> Result<Vec<Row>, BoxError> {
    println!(
        "\n== cold start: exec -> first response through the Runtime API emulator (median of {COLD_RUNS}); peak RSS after {RSS_INVOCATIONS} more =="
    );
    let http_event = recordings["query-api"].event.to_string();
    let floor_replay = Replay::start(&[]).await?;
    let floor = cold_start("hello", http_event.as_bytes(), &BTreeMap::new(), &floor_replay).await?;
    let floor_time = median(floor.times);
    println!(
        "{:<20} {:>8.2} ms   peak RSS {:>6} kB   (floor)",
        "hello",
        ms(floor_time),
        floor.peak_rss_kb.unwrap_or(0)
    );
    let mut rows = Vec::new();
    for (binary, recording) in recordings {
        let replay = Replay::start(&recording.exchanges).await?;
        let measured = cold_start(binary, recording.event.to_string().as_bytes(), &envs[binary], &replay).await?;
        let time = median(measured.times);
        let ratio = time.as_secs_f64() / floor_time.as_secs_f64();
        let rss = measured.peak_rss_kb.unwrap_or(u64::MAX);
        println!("{binary:<20} {:>8.2} ms   peak RSS {rss:>6} kB   ratio {ratio:.2}", ms(time));
        rows.push(Row {
            section: "cold start",
            name: binary.clone(),
            figure: format!("{:.2} ms", ms(time)),
            floor: format!("{:.2} ms", ms(floor_time)),
            ratio: Some(ratio),
            target: format!("<= {COLD_TARGET}x"),
            pass: ratio <= COLD_TARGET,
        });
        rows.push(Row {
            section: "peak RSS",
            name: format!("{binary} ({RSS_INVOCATIONS} invocations)"),
            figure: format!("{} kB", rss),
            floor: format!("{} kB", floor.peak_rss_kb.unwrap_or(0)),
            ratio: None,
            target: "<= 49152 kB".into(),
            pass: rss <= RSS_LIMIT_KB,
        });
    }
    Ok(rows)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Builds every function for arm64 as Lambda zips with cargo-lambda and checks their sizes.
pub fn zip_sizes<'a>(binaries: impl Iterator<Item = &'a String>) -> Result<Vec<Row>, BoxError> {
    let binaries: Vec<&String> = binaries.collect();
    println!("\n== deployment zips: cargo lambda build --release --arm64 --output-format zip ==");
    let mut build = std::process::Command::new("cargo");
    build.args(["lambda", "build", "--release", "--arm64", "--output-format", "zip"]);
    for b in &binaries {
        build.args(["--bin", b.as_str()]);
    }
    let status = build.status().map_err(|e| format!("cargo lambda: {e} (pip install cargo-lambda)"))?;
    if !status.success() {
        return Err("cargo lambda build failed".into());
    }
    let mut rows = Vec::new();
    for b in binaries {
        let zip = root().join("target/lambda").join(b.as_str()).join("bootstrap.zip");
        let size = std::fs::metadata(&zip).map_err(|e| format!("{}: {e}", zip.display()))?.len();
        println!("{b:<20} {:>7.2} MB", size as f64 / 1_048_576.0);
        rows.push(Row {
            section: "zip (arm64)",
            name: b.clone(),
            figure: format!("{:.2} MB", size as f64 / 1_048_576.0),
            floor: "-".into(),
            ratio: None,
            target: "<= 4 MB".into(),
            pass: size <= ZIP_LIMIT,
        });
    }
    Ok(rows)
}
