//! Per-request instructions (callgrind), cold starts and peak RSS (Runtime API emulator), and
//! deployment zip sizes.

use crate::{Row, release, root, selected};
use backoffice_bench::replay::Replay;
use backoffice_bench::runtime_api::{RuntimeApi, lambda_environment};
use backoffice_bench::{cpu_and_runqueue_wait, minor_faults, peak_rss_kb};
use backoffice_local::BoxError;
use backoffice_local::capture::{Exchange, Recording};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

type Environments = BTreeMap<String, BTreeMap<String, String>>;

const CPU_TARGET: f64 = 1.35;
/// Functions whose floor shrank because they stopped making a round trip (stock-levels writes the
/// overview's counters once per shard per batch, 8 transactions down to 6; update-customer no
/// longer reads the e-mail's holder): the same code over a smaller floor is a larger ratio while
/// the user pays less. Each may instead keep its instructions beyond the floor (its overhead)
/// within what they were before the round trip went, plus 5–7 % for the EMF flush and the
/// run-to-run spread of the replayed answers (BENCHMARKS.md, "With metrics…").
///
/// payment-webhooks makes one cheap call (SendMessage), so its fixed costs decide its ratio: the
/// runtime decoding the API Gateway event (about 95,000) and the HMAC over the body that is the
/// function's reason to exist (about 38,000) are 133,000 of its 214,000 beyond the call
/// (BENCHMARKS.md, "Payment gateways").
const OVERHEAD_BUDGETS: &[(&str, u64)] =
    &[("stock-levels", 1_750_000), ("update-customer", 500_000), ("payment-webhooks", 230_000)];
/// Per request, for a function that makes no AWS call (the user pool's trigger): reading the
/// event, deciding and writing the answer.
const PURE_CPU_BUDGET: u64 = 80_000;
/// A function's cold start (instructions from exec to its first response, under callgrind)
/// against its own first-invocation calls issued bare from `hello` (`sdk-calls`), both over TLS.
const COLD_TARGET: f64 = 1.15;
/// Lambda gives a function CPU in proportion to its memory: one full vCPU at 1,769 MB.
const FULL_VCPU_MB: f64 = 1769.0;
const DEPLOYED_MB: f64 = 128.0;
const RSS_LIMIT_KB: u64 = 48 * 1024;
const ZIP_LIMIT: u64 = 4 * 1024 * 1024;
/// Iterations of the two callgrind runs; per request = difference / (HIGH − LOW).
const LOW: usize = 2;
const HIGH: usize = 12;
const COLD_RUNS: usize = 21;
const RSS_INVOCATIONS: usize = 200;

/// Rounds of cold starts, `COLD_RUNS` unless `BENCH_COLD_RUNS` says (one round while profiling
/// starts with `BENCH_WRAP`).
fn cold_runs() -> usize {
    std::env::var("BENCH_COLD_RUNS").ok().and_then(|n| n.parse().ok()).unwrap_or(COLD_RUNS)
}

/// Invocations served after the last cold start before peak RSS is read; `BENCH_RSS=0` skips
/// peak RSS.
fn rss_invocations() -> usize {
    std::env::var("BENCH_RSS").ok().and_then(|n| n.parse().ok()).unwrap_or(RSS_INVOCATIONS)
}

/// The environment a function gets on Lambda, plus the replay endpoint (HTTPS) and the bench
/// CA that signed its certificate, trusted beside the embedded AWS roots.
fn function_env(
    runtime_api: &str,
    binary: &str,
    env: &BTreeMap<String, String>,
    endpoint: &str,
) -> Vec<(String, String)> {
    let mut all = lambda_environment(runtime_api, binary);
    all.extend(env.iter().map(|(k, v)| (k.clone(), v.clone())));
    all.push(("AWS_ENDPOINT_URL".into(), endpoint.into()));
    if let Ok(ca) = backoffice_bench::tls::ca() {
        all.push(("BACKOFFICE_EXTRA_ROOT".into(), ca.ca_file.to_string_lossy().into_owned()));
    }
    all
}

/// The AWS calls of a recorded invocation: what the replay must serve for each of its runs.
fn aws_calls(recording: &Recording) -> usize {
    recording.exchanges.iter().filter(|x| backoffice_bench::floor::is_aws(&x.target)).count()
}

/// Instructions of one probe run (valgrind's "Collected" total), after checking it did the work.
async fn callgrind(
    binary: &str,
    mode: &str,
    iterations: usize,
    file: &Path,
    env: &[(String, String)],
    replay: &Replay,
    // Calls made once per process (`floor::first_use_only`), and in every iteration.
    (once, each): (usize, usize),
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
        || probe.starts_with("scopes=")
        || probe.starts_with("calls=")
        // The inbox filed the e-mail (a duplicate or a refusal would have written nothing).
        || probe == "filed=new"
        || probe == "filed=answer";
    let expected = once + iterations * each;
    if !output.status.success() || !healthy || unknown > 0 || served != expected {
        return Err(format!(
            "{binary} {mode}: exit {:?}, probe said {probe:?}, replay served {served} (expected {}), {unknown} unrecorded\n{}",
            output.status.code(),
            expected,
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
    for (binary, recording) in recordings.iter().filter(|(b, _)| selected(b)) {
        let replay = Replay::start(&recording.exchanges).await?;
        let env = function_env("127.0.0.1:9", binary, &envs[binary], &replay.endpoint);
        let file = dir.join(format!("{binary}.json"));
        // The replay serves the AWS calls; a provider's are answered live by the fake provider.
        let calls = aws_calls(recording);
        let once = recording.exchanges.iter().filter(|x| backoffice_bench::floor::first_use_only(&x.target)).count();
        let mut per = BTreeMap::new();
        for mode in ["handler", "floor"] {
            let low = callgrind(binary, mode, LOW, &file, &env, &replay, (once, calls - once)).await?;
            let high = callgrind(binary, mode, HIGH, &file, &env, &replay, (once, calls - once)).await?;
            per.insert(mode, high.saturating_sub(low) / (HIGH - LOW) as u64);
        }
        let (handler, floor) = (per["handler"], per["floor"]);
        if calls == 0 {
            // No AWS call (the user pool's trigger): no floor to divide by, a budget instead.
            println!("{binary:<20} handler {handler:>10} instr/request   (no AWS call)");
            rows.push(Row {
                section: "cpu",
                name: binary.clone(),
                figure: format!("{handler} instr"),
                floor: "no AWS call".into(),
                ratio: None,
                target: format!("<= {PURE_CPU_BUDGET} instr"),
                pass: handler <= PURE_CPU_BUDGET,
            });
            continue;
        }
        let ratio = handler as f64 / floor.max(1) as f64;
        println!(
            "{binary:<20} handler {handler:>10} instr/request   floor {floor:>10}   ratio {ratio:.2}   ({calls} AWS calls)"
        );
        let budget = OVERHEAD_BUDGETS.iter().find(|(b, _)| b == binary).map(|(_, budget)| *budget);
        let overhead = handler.saturating_sub(floor);
        rows.push(Row {
            section: "cpu",
            name: binary.clone(),
            figure: format!("{handler} instr"),
            floor: format!("{floor} instr"),
            ratio: Some(ratio),
            target: match budget {
                Some(budget) => format!("<= {CPU_TARGET}x or overhead {overhead} <= {budget}"),
                None => format!("<= {CPU_TARGET}x"),
            },
            pass: ratio <= CPU_TARGET || budget.is_some_and(|budget| overhead <= budget),
        });
    }
    Ok(rows)
}

/// One function to start: its binary, the event it gets first, its environment and the
/// replayed AWS responses it will ask for.
struct Subject<'a> {
    binary: &'a str,
    /// The executable: the release build of `binary` unless another build is compared.
    program: std::path::PathBuf,
    event: &'a [u8],
    env: &'a BTreeMap<String, String>,
    replay: &'a Replay,
    /// The AWS calls its first invocation must make (the recorded ones), checked at each start.
    calls: usize,
}

/// One cold start: exec → first response, the CPU time the process had used by then and how
/// long it had waited for a core (what of the wall time is its own work, and what the rest),
/// and, after `load` more invocations, its peak RSS.
struct Start {
    time: Duration,
    /// Exec → the runtime's first request for an event: Lambda's Init phase.
    init: Duration,
    cpu: Duration,
    runqueue: Duration,
    /// Minor page faults by then.
    faults: u64,
    peak_kb: Option<u64>,
}

/// Starts the subject once and times exec → its first response. With `load`, the process
/// then serves that many more invocations and its peak RSS is returned.
async fn start_once(s: &Subject<'_>, load: usize) -> Result<Start, BoxError> {
    let api = RuntimeApi::start().await?;
    s.replay.reset();
    let response = api.invoke(s.event);
    // `BENCH_WRAP="strace -f -o /tmp/trace"` runs each start under a tracer or profiler
    // (the times are then the tool's, not the function's).
    let wrap = std::env::var("BENCH_WRAP").unwrap_or_default();
    let mut words = wrap.split_whitespace();
    let mut command = match words.next() {
        Some(tool) => {
            let mut c = tokio::process::Command::new(tool);
            c.args(words).arg(&s.program);
            c
        }
        None => tokio::process::Command::new(&s.program),
    };
    let start = Instant::now();
    let mut child = command
        .env_clear()
        .envs(function_env(&api.address, s.binary, s.env, &s.replay.endpoint))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    let outcome = tokio::time::timeout(Duration::from_secs(20), response)
        .await
        .map_err(|_| format!("{}: no response within 20 s", s.binary))??;
    if !outcome.ok {
        return Err(
            format!("{}: the first invocation failed: {}", s.binary, String::from_utf8_lossy(&outcome.body)).into()
        );
    }
    let time = outcome.at - start;
    let init = api.init_done().map_or(time, |at| at - start);
    let (served, unknown) = s.replay.reset();
    if served != s.calls || unknown > 0 {
        return Err(format!(
            "{}: its first invocation made {served} recorded calls and {unknown} unrecorded ones, not {}",
            s.binary, s.calls
        )
        .into());
    }
    // Read at once: the process is idle, waiting for its next event.
    let (cpu, runqueue) = child.id().and_then(cpu_and_runqueue_wait).unwrap_or_default();
    let faults = child.id().and_then(minor_faults).unwrap_or_default();
    let mut peak = None;
    if load > 0 {
        for _ in 0..load {
            s.replay.reset();
            if !api.invoke(s.event).await?.ok {
                return Err(format!("{}: an invocation failed under load", s.binary).into());
            }
        }
        peak = child.id().and_then(peak_rss_kb);
    }
    if wrap.is_empty() {
        child.kill().await?;
    } else {
        // A profiler around the function writes its report on SIGTERM, not on SIGKILL.
        if let Some(pid) = child.id() {
            std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status()?;
        }
        child.wait().await?;
    }
    Ok(Start { time, init, cpu, runqueue, faults, peak_kb: peak })
}

fn median<T: Ord + Copy>(mut v: Vec<T>) -> T {
    v.sort_unstable();
    v[v.len() / 2]
}

/// Medians of one side's cold starts.
#[derive(Clone, Copy)]
struct Medians {
    time: Duration,
    init: Duration,
    cpu: Duration,
    runqueue: Duration,
    faults: u64,
}

fn medians(starts: &[Start]) -> Medians {
    let of = |f: fn(&Start) -> Duration| median(starts.iter().map(f).collect());
    let faults = median(starts.iter().map(|s| s.faults).collect());
    Medians { time: of(|s| s.time), init: of(|s| s.init), cpu: of(|s| s.cpu), runqueue: of(|s| s.runqueue), faults }
}

/// Median cold starts of the floor and of each subject, started in turn `cold_runs()` times.
async fn interleaved(floor: &Subject<'_>, subjects: &[&Subject<'_>]) -> Result<(Medians, Vec<Medians>), BoxError> {
    let mut floor_starts = Vec::new();
    let mut starts: Vec<Vec<Start>> = subjects.iter().map(|_| Vec::new()).collect();
    for _ in 0..cold_runs() {
        floor_starts.push(start_once(floor, 0).await?);
        for (subject, out) in subjects.iter().zip(starts.iter_mut()) {
            out.push(start_once(subject, 0).await?);
        }
    }
    Ok((medians(&floor_starts), starts.iter().map(|s| medians(s)).collect()))
}

/// Prints one wall-clock cold-start line and returns its row, reported beside `floor` without a
/// target (`note` says what it is measured against): wall clock on a shared machine moves too
/// much between days to gate on; the instruction counts are the gate.
fn cold_start_row(label: &str, name: String, own: Medians, floor: Medians, note: &str) -> Row {
    let ratio = own.time.as_secs_f64() / floor.time.as_secs_f64();
    println!(
        "{label:<22} {:>6.2} ms (init {:.2})   floor {:>5.2} ms   ratio {ratio:.2}   cpu {:.2} ms (runqueue {:.2}), floor's {:.2} ms ({:.2})   faults {} (floor {}){note}",
        ms(own.time),
        ms(own.init),
        ms(floor.time),
        ms(own.cpu),
        ms(own.runqueue),
        ms(floor.cpu),
        ms(floor.runqueue),
        own.faults,
        floor.faults
    );
    Row {
        section: "cold start",
        name,
        figure: format!("{:.2} ms", ms(own.time)),
        floor: format!("{:.2} ms", ms(floor.time)),
        ratio: Some(ratio),
        target: "reported, no target".into(),
        pass: true,
    }
}

/// Instructions the subject executes from exec to its first response, under callgrind: the
/// process is stopped with SIGTERM once the response arrives (callgrind writes its profile on
/// a fatal signal), so the count also holds the runtime posting that response and asking for
/// the next event, which a function and its calls bare (`sdk-calls`, a `lambda_http` binary
/// too) both do.
async fn cold_instructions(s: &Subject<'_>) -> Result<u64, BoxError> {
    let api = RuntimeApi::start().await?;
    s.replay.reset();
    let response = api.invoke(s.event);
    let profile = root().join(format!("target/bench/cold-{}.callgrind", s.binary));
    let mut child = tokio::process::Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", profile.display()))
        .arg(&s.program)
        .env_clear()
        .envs(function_env(&api.address, s.binary, s.env, &s.replay.endpoint))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot run valgrind (install it: apt-get install valgrind): {e}"))?;
    let outcome = tokio::time::timeout(Duration::from_secs(180), response)
        .await
        .map_err(|_| format!("{} under callgrind: no response within 180 s", s.binary))??;
    if let Some(pid) = child.id() {
        std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status()?;
    }
    child.wait().await?;
    let (served, unknown) = s.replay.reset();
    if !outcome.ok || served != s.calls || unknown > 0 {
        return Err(format!(
            "{} under callgrind: ok={}, {served} recorded calls (expected {}), {unknown} unrecorded",
            s.binary, outcome.ok, s.calls
        )
        .into());
    }
    let text = std::fs::read_to_string(&profile)?;
    std::fs::remove_file(&profile)?;
    text.lines()
        .find_map(|l| l.strip_prefix("totals:").or_else(|| l.strip_prefix("summary:")))
        .and_then(|n| n.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| format!("no instruction total in {}'s callgrind profile", s.binary).into())
}

/// Lambda's Init Duration for `init` (exec → first request for an event, all CPU: nothing
/// before it waits on the network) at 128 MB on arm64, as a range: if the Init phase runs on a
/// full core, about what it takes here; if it is held to the function's share of a vCPU
/// (128 of 1,769 MB), that much longer. Assumes a Graviton core runs this code about as fast
/// as this machine's (a measured figure from Lambda replaces the assumption).
fn init_estimate(binary: &str, init: Duration) -> Row {
    let throttled = ms(init) * FULL_VCPU_MB / DEPLOYED_MB;
    println!(
        "{binary:<20} init {:.2} ms here; estimated Init Duration on arm64 at 128 MB: {:.1}–{:.1} ms",
        ms(init),
        ms(init),
        throttled
    );
    Row {
        section: "init estimate",
        name: format!("{binary} (arm64, 128 MB)"),
        figure: format!("{:.1}–{:.1} ms", ms(init), throttled),
        floor: "-".into(),
        ratio: None,
        target: "reported, no target".into(),
        pass: true,
    }
}

impl<'a> Subject<'a> {
    fn new(
        binary: &'a str,
        event: &'a [u8],
        env: &'a BTreeMap<String, String>,
        replay: &'a Replay,
        calls: usize,
    ) -> Self {
        Subject { binary, program: release(binary), event, env, replay, calls }
    }
}

/// Cold starts of every function: instructions from exec to the first response against its own
/// calls issued bare (the gate), then wall clock, each interleaved with as many of the floor's
/// and of its calls bare: start floor, function, its calls bare, and again, `cold_runs()` times.
/// This machine's noise (a shared VM) comes in bursts of seconds; interleaving puts every side
/// of a ratio in the same bursts.
pub async fn cold_starts(recordings: &BTreeMap<String, Recording>, envs: &Environments) -> Result<Vec<Row>, BoxError> {
    println!(
        "\n== cold start over TLS: exec -> first response through the Runtime API emulator; instructions under callgrind (the gate), wall clock median of {} interleaved with the floor's; peak RSS after {} more ==",
        cold_runs(),
        rss_invocations()
    );
    let load = rss_invocations();
    let http_event = recordings["query-api"].event.to_string();
    let no_env = BTreeMap::new();
    let floor_replay = Replay::start(&[]).await?;
    let floor = Subject::new("hello", http_event.as_bytes(), &no_env, &floor_replay, 0);
    let mut floor_rss = 0;
    if load > 0 {
        floor_rss = start_once(&floor, load).await?.peak_kb.unwrap_or(0);
        println!("{:<20} peak RSS {floor_rss:>6} kB   (floor)", "hello");
    }
    let mut rows = Vec::new();
    // The SDK's minimum beside the floor: hello plus configuration, a client and one signed
    // Query (answered with query-api's recorded one). Reported, not judged.
    let replay = Replay::start(&recordings["query-api"].exchanges).await?;
    let sdk = Subject::new("hello-dynamodb", http_event.as_bytes(), &no_env, &replay, 1);
    let (floor_medians, own) = interleaved(&floor, &[&sdk]).await?;
    let name = "hello-dynamodb (reference)".to_owned();
    rows.push(cold_start_row("hello-dynamodb", name, own[0], floor_medians, "   (reference)"));
    let calls_dir = root().join("target/bench/calls");
    std::fs::create_dir_all(&calls_dir)?;
    for (binary, recording) in recordings.iter().filter(|(b, _)| selected(b)) {
        let replay = Replay::start(&recording.exchanges).await?;
        let event = recording.event.to_string();
        let calls = aws_calls(recording);
        let subject = Subject::new(binary, event.as_bytes(), &envs[binary], &replay, calls);
        // Beside each function, its own first invocation's calls issued bare (`sdk-calls`),
        // started in the same rounds: what of the function's start is the SDK's for those calls.
        let calls_file = calls_dir.join(format!("{binary}.json"));
        let requests: Vec<_> = recording
            .exchanges
            .iter()
            .map(|x| Exchange { response: String::new(), headers: Vec::new(), ..x.clone() })
            .collect();
        std::fs::write(&calls_file, serde_json::to_string(&requests)?)?;
        let mut bare_env = envs[binary].clone();
        bare_env.insert("BENCH_CALLS".into(), calls_file.to_string_lossy().into_owned());
        let bare = Subject::new("sdk-calls", event.as_bytes(), &bare_env, &replay, calls);
        let (own_instr, bare_instr) = (cold_instructions(&subject).await?, cold_instructions(&bare).await?);
        let versus = own_instr as f64 / bare_instr as f64;
        println!(
            "{binary:<22} {own_instr:>11} instr to its first response   its calls bare {bare_instr:>11}   ratio {versus:.2}"
        );
        rows.push(Row {
            section: "cold start",
            name: format!("{binary} ÷ its calls bare (instr)"),
            figure: format!("{own_instr} instr"),
            floor: format!("{bare_instr} instr"),
            ratio: Some(versus),
            target: format!("<= {COLD_TARGET}x"),
            pass: versus <= COLD_TARGET,
        });
        let (floor_medians, own) = interleaved(&floor, &[&subject, &bare]).await?;
        rows.push(cold_start_row(binary, binary.clone(), own[0], floor_medians, ""));
        let wall = own[0].time.as_secs_f64() / own[1].time.as_secs_f64();
        let note = format!("   ({binary} is {wall:.2}x this in wall clock)");
        let name = format!("{binary}'s calls bare (reference)");
        rows.push(cold_start_row("  its calls, bare", name, own[1], floor_medians, &note));
        rows.push(init_estimate(binary, own[0].init));
        if load == 0 {
            continue;
        }
        let rss = start_once(&subject, load).await?.peak_kb.unwrap_or(u64::MAX);
        println!("{binary:<20} peak RSS {rss:>6} kB after {load} invocations");
        rows.push(Row {
            section: "peak RSS",
            name: format!("{binary} ({load} invocations)"),
            figure: format!("{} kB", rss),
            floor: format!("{floor_rss} kB"),
            ratio: None,
            target: "<= 49152 kB".into(),
            pass: rss <= RSS_LIMIT_KB,
        });
    }
    Ok(rows)
}

/// Wall-clock cold starts of query-api as deployed (aws-lc without CPU-jitter entropy) and built
/// with it (`make bench` builds that copy in `target/jitter`), interleaved. Reported: the
/// decision and its reasoning are in BENCHMARKS.md.
pub async fn jitter_entropy(
    recordings: &BTreeMap<String, Recording>,
    envs: &Environments,
) -> Result<Vec<Row>, BoxError> {
    let binary = "query-api";
    let with_jitter = root().join("target/jitter/release").join(binary);
    if !with_jitter.exists() {
        return Err(format!("{} is missing: `make bench` builds it", with_jitter.display()).into());
    }
    println!(
        "\n== cold start with and without aws-lc's CPU-jitter entropy ({binary}, wall clock, median of {}) ==",
        cold_runs()
    );
    let recording = &recordings[binary];
    let replay = Replay::start(&recording.exchanges).await?;
    let event = recording.event.to_string();
    let calls = aws_calls(recording);
    let deployed = Subject::new(binary, event.as_bytes(), &envs[binary], &replay, calls);
    let jitter =
        Subject { program: with_jitter, ..Subject::new(binary, event.as_bytes(), &envs[binary], &replay, calls) };
    let (without, with) = interleaved(&deployed, &[&jitter]).await?;
    let rows = vec![cold_start_row(
        "  with jitter entropy",
        format!("{binary} with jitter entropy"),
        with[0],
        without,
        "   (floor: as deployed, without it)",
    )];
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
