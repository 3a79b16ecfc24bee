//! The runner as people run it: `kill -9` in the middle of a burst of orders, then start it
//! again. Nothing acknowledged is lost or doubled, paid orders are picked promptly, and the
//! restarted runner resumes the table's stream where it stood instead of replaying it.
//!
//! The real binary, a real kept moto (started by the runner, outliving it) and plain HTTP.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const RUNNER: &str = env!("CARGO_BIN_EXE_backoffice-local");

/// One HTTP/1.1 exchange; `None` when the connection fails (the runner is down).
fn http(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Option<(u16, serde_json::Value)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split(' ').nth(1)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    Some((status, serde_json::from_str(body).unwrap_or_default()))
}

struct Runner {
    child: Child,
}

impl Runner {
    fn start(data_dir: &std::path::Path, port: u16) -> Self {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(data_dir.with_extension("log")).unwrap();
        let mut child = Command::new(RUNNER)
            .env("PORT", port.to_string())
            .env("LOCAL_DATA_DIR", data_dir)
            .env("DEMO_DATA", "0")
            .env("RUST_LOG", "warn")
            .env("LOCAL_SCHEDULE_SECONDS", "3600")
            .env_remove("AWS_ENDPOINT_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("the runner binary");
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let (up, ready) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                if line.contains("backoffice is up") {
                    let _ = up.send(());
                }
            }
        });
        ready.recv_timeout(Duration::from_secs(120)).expect("the runner came up");
        Self { child }
    }

    fn kill_9(mut self) {
        self.child.kill().unwrap(); // SIGKILL: no shutdown code runs
        self.child.wait().unwrap();
    }
}

/// Stops the kept moto and removes its folder however the test ends.
struct Cleanup(std::path::PathBuf);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = Command::new(RUNNER).arg("reset").env("LOCAL_DATA_DIR", &self.0).stdout(Stdio::null()).status();
        let _ = std::fs::remove_file(self.0.with_extension("log"));
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_for(deadline: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < deadline, "{what} within {deadline:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn status_of(port: u16, id: &str) -> serde_json::Value {
    http(port, "GET", &format!("/orders/{id}"), &[], "").expect("the runner answers").1
}

fn records_read(port: u16) -> u64 {
    http(port, "GET", "/_local/stream", &[], "").unwrap().1["records_read_since_start"].as_u64().unwrap()
}

#[test]
fn a_runner_killed_mid_burst_loses_nothing_acknowledged_and_resumes_its_stream() {
    let data_dir = std::env::temp_dir().join(format!("backoffice-restart-{}", std::process::id()));
    let _cleanup = Cleanup(data_dir.clone());
    let port = free_port();
    let runner = Runner::start(&data_dir, port);

    let catalog =
        r#"{"name":"Burst","unit_price":{"amount":500,"currency":"BRL"},"reorder_point":0,"reorder_quantity":0}"#;
    assert_eq!(http(port, "PUT", "/stock/BURST-1", &[], catalog).unwrap().0, 201);
    let receipt = r#"{"delta":100000,"reason":"received"}"#;
    assert_eq!(http(port, "POST", "/stock/BURST-1/adjustments", &[], receipt).unwrap().0, 201);
    let customer = r#"{"name":"Bia","email":"bia@example.com","marketing_consent":{"granted":false},
        "addresses":[{"kind":"shipping","default":true,"recipient":"Bia","line1":"Rua 1","city":"Recife","postal_code":"50000-000","country":"BR"}]}"#;
    let (status, body) = http(port, "POST", "/customers", &[], customer).unwrap();
    assert_eq!(status, 201, "{body}");
    let customer_id = body["id"].as_str().unwrap().to_owned();
    let order_body = format!(r#"{{"customer_id":"{customer_id}","lines":[{{"sku":"BURST-1","quantity":1}}]}}"#);
    let pay = |port: u16, id: &str, key: &str| {
        let body =
            format!(r#"{{"amount":{{"amount":500,"currency":"BRL"}},"method":"pix","gateway_reference":"{key}"}}"#);
        http(port, "POST", &format!("/orders/{id}/payments"), &[], &body).map(|(s, _)| s)
    };

    // Before the burst: thirty orders, paid and picked (the stream has carried all of it).
    let mut settled = Vec::new();
    for n in 0..30 {
        let key = format!("before-{n}");
        let (status, body) = http(port, "POST", "/orders", &[("idempotency-key", &key)], &order_body).unwrap();
        assert_eq!(status, 201, "{body}");
        let id = body["id"].as_str().unwrap().to_owned();
        assert_eq!(pay(port, &id, &key), Some(201));
        settled.push(id);
    }
    wait_for(Duration::from_secs(30), "the first thirty orders picked", || {
        settled.iter().all(|id| status_of(port, id)["fulfillment_status"] == "picking")
    });
    let read_before = records_read(port);

    // The burst: eight clients ordering with idempotency keys; the runner is killed mid-way.
    let acknowledged: Arc<Mutex<BTreeMap<String, String>>> = Arc::default();
    let attempted: Arc<Mutex<BTreeSet<String>>> = Arc::default();
    let running = Arc::new(AtomicBool::new(true));
    let clients: Vec<_> = (0..8)
        .map(|c| {
            let (acknowledged, attempted, running, body) =
                (Arc::clone(&acknowledged), Arc::clone(&attempted), Arc::clone(&running), order_body.clone());
            std::thread::spawn(move || {
                for n in 0.. {
                    if !running.load(Ordering::Relaxed) {
                        break;
                    }
                    let key = format!("burst-{c}-{n}");
                    attempted.lock().unwrap().insert(key.clone());
                    match http(port, "POST", "/orders", &[("idempotency-key", &key)], &body) {
                        Some((201, answer)) => {
                            acknowledged.lock().unwrap().insert(key, answer["id"].as_str().unwrap().to_owned());
                        }
                        _ => break, // the runner went away mid-request: not acknowledged
                    }
                }
            })
        })
        .collect();
    wait_for(Duration::from_secs(30), "twenty orders of the burst acknowledged", || {
        acknowledged.lock().unwrap().len() >= 20
    });
    runner.kill_9();
    running.store(false, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let attempted = attempted.lock().unwrap().clone();

    // Started again: the same shop.
    let runner = Runner::start(&data_dir, port);
    std::thread::sleep(Duration::from_secs(2));
    let read_after = records_read(port);
    assert!(
        read_after < read_before,
        "the restarted runner resumed the stream ({read_after} records read) instead of replaying it \
         ({read_before} records before the burst)"
    );
    for id in acknowledged.values() {
        assert_eq!(status_of(port, id)["id"], id.as_str(), "acknowledged order {id} is there");
    }
    // Every request retried with its key: an acknowledged one replays its order; one cut off by
    // the kill either committed (and replays) or did not (and is placed now): never twice.
    let mut by_key = BTreeMap::new();
    for key in &attempted {
        let (status, body) = http(port, "POST", "/orders", &[("idempotency-key", key)], &order_body).unwrap();
        assert_eq!(status, 201, "{key}: {body}");
        let id = body["id"].as_str().unwrap().to_owned();
        if let Some(first) = acknowledged.get(key) {
            assert_eq!(&id, first, "{key} replays the order it acknowledged");
        }
        by_key.insert(key.clone(), id);
    }
    let mut listed = BTreeSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/customers/{customer_id}/orders?limit=100&cursor={c}"),
            None => format!("/customers/{customer_id}/orders?limit=100"),
        };
        let (status, page) = http(port, "GET", &path, &[], "").unwrap();
        assert_eq!(status, 200, "{page}");
        listed.extend(page["items"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let expected: BTreeSet<String> = settled.iter().cloned().chain(by_key.values().cloned()).collect();
    assert_eq!(listed, expected, "one order per idempotency key, none lost, none doubled");

    // Paid now, each is picked within ten seconds of its payment.
    for (key, id) in &by_key {
        assert_eq!(pay(port, id, key), Some(201));
    }
    let paid_at = Instant::now();
    wait_for(Duration::from_secs(10), "every order paid after the restart picked", || {
        by_key.values().all(|id| status_of(port, id)["fulfillment_status"] == "picking")
    });
    eprintln!(
        "restart: {} acknowledged of {} attempted before the kill; {} records read before the burst, {} after \
         the restart; picked {:?} after payment",
        acknowledged.len(),
        attempted.len(),
        read_before,
        read_after,
        paid_at.elapsed()
    );
    runner.kill_9();
}
