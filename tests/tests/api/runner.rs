//! The local runner's HTTP server, over a real loopback socket.

use backoffice_tests::spawn_app;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A minimal HTTP/1.1 exchange: status code and body.
async fn http(addr: std::net::SocketAddr, method: &str, path: &str, body: &[u8]) -> (u16, String) {
    http_with(addr, method, path, body, "").await
}

async fn http_with(addr: std::net::SocketAddr, method: &str, path: &str, body: &[u8], extra: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\ncontent-type: application/json\r\n{extra}content-length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // The server may answer (413) before it has read the whole body; that is fine.
    let _ = stream.write_all(body).await;
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn the_runner_serves_the_template_routes_over_http() {
    let t = spawn_app().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(backoffice_local::server::serve(Arc::clone(&t.app), listener));

    let catalog =
        br#"{"name":"Mug","unit_price":{"amount":4990,"currency":"BRL"},"reorder_point":2,"reorder_quantity":10}"#;
    assert_eq!(http(addr, "PUT", "/stock/HTTP-1", catalog).await.0, 201);
    let (status, body) = http(addr, "POST", "/stock/HTTP-1/adjustments", br#"{"delta":9,"reason":"received"}"#).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = http(addr, "GET", "/stock/HTTP-1", b"").await;
    assert_eq!(status, 200);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&body).unwrap()["available"], 9);

    let (status, body) = http(addr, "GET", "/nowhere", b"").await;
    assert_eq!(status, 404);
    assert!(body.contains("/problems/not-found"), "{body}");
    let (status, _) = http(addr, "POST", "/stock/HTTP-1/adjustments", &vec![b' '; 11 * 1024 * 1024]).await;
    assert_eq!(status, 413, "bodies over API Gateway's 10 MB never reach a function");
    server.abort();
}

#[tokio::test]
async fn with_local_auth_jwt_the_runner_verifies_tokens_as_the_authorizer_would() {
    use backoffice_local::auth::JwtVerifier;
    let template = backoffice_local::template::load_default().unwrap();
    let mut app = backoffice_local::Backoffice::new(
        template,
        backoffice_tests::moto_endpoint(),
        &backoffice_tests::unique_prefix(),
    )
    .await
    .unwrap();
    let verifier = JwtVerifier::new("test-secret", "https://issuer.test", "backoffice");
    app.auth = backoffice_local::Auth::Jwt(verifier.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(backoffice_local::server::serve(Arc::new(app), listener));
    let now = chrono::Utc::now().timestamp();
    let bearer = |claims: &backoffice_local::auth::Claims, v: &JwtVerifier| {
        format!("authorization: Bearer {}\r\n", v.mint(claims))
    };
    let writer = verifier.claims("operator-7", &["stock:write".into()], now, 300);
    let catalog =
        br#"{"name":"Mug","unit_price":{"amount":100,"currency":"BRL"},"reorder_point":0,"reorder_quantity":1}"#;

    assert_eq!(http(addr, "PUT", "/stock/JWT-1", catalog).await.0, 401, "no token");
    assert_eq!(http_with(addr, "PUT", "/stock/JWT-1", catalog, "authorization: Bearer nonsense\r\n").await.0, 401);
    let expired = verifier.claims("operator-7", &["stock:write".into()], now - 600, 300);
    assert_eq!(http_with(addr, "PUT", "/stock/JWT-1", catalog, &bearer(&expired, &verifier)).await.0, 401, "expired");
    let other_issuer = JwtVerifier::new("test-secret", "https://elsewhere", "backoffice");
    let foreign = other_issuer.claims("operator-7", &["stock:write".into()], now, 300);
    assert_eq!(
        http_with(addr, "PUT", "/stock/JWT-1", catalog, &bearer(&foreign, &other_issuer)).await.0,
        401,
        "issuer"
    );
    let forger = JwtVerifier::new("guessed", "https://issuer.test", "backoffice");
    assert_eq!(http_with(addr, "PUT", "/stock/JWT-1", catalog, &bearer(&writer, &forger)).await.0, 401, "signature");
    let reader = verifier.claims("clerk", &["backoffice:read".into()], now, 300);
    assert_eq!(http_with(addr, "PUT", "/stock/JWT-1", catalog, &bearer(&reader, &verifier)).await.0, 403, "scope");

    assert_eq!(http_with(addr, "PUT", "/stock/JWT-1", catalog, &bearer(&writer, &verifier)).await.0, 201);
    let (status, _) = http_with(
        addr,
        "POST",
        "/stock/JWT-1/adjustments",
        br#"{"delta":3,"reason":"received"}"#,
        &bearer(&writer, &verifier),
    )
    .await;
    assert_eq!(status, 201);
    let (status, body) = http_with(addr, "GET", "/stock/JWT-1/movements", b"", &bearer(&reader, &verifier)).await;
    assert_eq!(status, 200);
    let page: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(page["items"][0]["actor"], "operator-7", "the handler saw the token's subject");
    server.abort();
}

/// Sends raw bytes and reads until the server answers or closes; `None` when nothing came back
/// within `wait`.
async fn raw_exchange(addr: std::net::SocketAddr, request: &[u8], wait: std::time::Duration) -> Option<String> {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut response = Vec::new();
    let read = tokio::time::timeout(wait, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    response.extend_from_slice(&buf[..n]);
                    // One answer is enough: stop at the end of its body.
                    let text = String::from_utf8_lossy(&response);
                    if let Some((head, body)) = text.split_once("\r\n\r\n") {
                        let length = head
                            .lines()
                            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length: ").map(str::to_owned))
                            .and_then(|v| v.trim().parse::<usize>().ok());
                        if length.is_some_and(|n| body.len() >= n) {
                            break;
                        }
                    }
                }
            }
        }
    })
    .await;
    (read.is_ok() || !response.is_empty()).then(|| String::from_utf8_lossy(&response).into_owned())
}

fn status_of(response: &str) -> u16 {
    response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

fn problem_of(response: &str) -> serde_json::Value {
    assert!(response.to_ascii_lowercase().contains("content-type: application/problem+json"), "{response}");
    serde_json::from_str(response.split_once("\r\n\r\n").map_or("", |(_, b)| b)).unwrap()
}

#[tokio::test]
async fn the_runner_edge_behaves_like_api_gateway() {
    let t = spawn_app().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let timeouts = backoffice_local::server::Timeouts {
        header: std::time::Duration::from_secs(1),
        body: std::time::Duration::from_secs(1),
    };
    let server = tokio::spawn(backoffice_local::server::serve_with(Arc::clone(&t.app), listener, timeouts));
    let catalog =
        br#"{"name":"Mug","unit_price":{"amount":4990,"currency":"BRL"},"reorder_point":2,"reorder_quantity":10}"#;
    assert_eq!(http(addr, "PUT", "/stock/EDGE-1", catalog).await.0, 201);

    // A non-ASCII Idempotency-Key reaches the function (as API Gateway passes it) and is refused
    // there, twice: nothing is counted.
    let receipt = br#"{"delta":5,"reason":"received"}"#;
    for _ in 0..2 {
        let (status, body) =
            http_with(addr, "POST", "/stock/EDGE-1/adjustments", receipt, "idempotency-key: po-a\u{e7}\u{e3}o-1\r\n")
                .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&body).unwrap()["field"], "idempotency-key");
    }
    assert_eq!(t.stock("EDGE-1").await["on_hand"], 0, "no receipt was counted");

    // A known path under another method: 405 naming the methods it answers.
    let wrong = raw_exchange(
        addr,
        b"DELETE /stock/EDGE-1 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
        std::time::Duration::from_secs(5),
    )
    .await
    .unwrap();
    assert_eq!(status_of(&wrong), 405, "{wrong}");
    assert!(wrong.to_ascii_lowercase().contains("\r\nallow: get, put\r\n"), "{wrong}");
    assert_eq!(problem_of(&wrong)["type"], "/problems/method-not-allowed");

    // Over API Gateway's 10 MB: refused like the functions' own size check, naming the body.
    let (status, body) = http(addr, "POST", "/stock/EDGE-1/adjustments", &vec![b' '; 11 * 1024 * 1024]).await;
    assert_eq!(status, 413);
    let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!((problem["field"].as_str(), problem["max_bytes"].as_u64()), (Some("body"), Some(10 * 1024 * 1024)));

    // Both framings at once: 400, as API Gateway answers (proxies disagree on which wins).
    let smuggled = raw_exchange(
        addr,
        b"POST /stock/EDGE-1/adjustments HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 4\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n",
        std::time::Duration::from_secs(5),
    )
    .await
    .unwrap();
    assert_eq!(status_of(&smuggled), 400, "{smuggled}");
    assert_eq!(problem_of(&smuggled)["type"], "/problems/malformed-request");

    // A malformed chunk size is a malformed request (400 with a problem), not a size refusal.
    let bad_chunk = raw_exchange(
        addr,
        b"POST /stock/EDGE-1/adjustments HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
        std::time::Duration::from_secs(5),
    )
    .await
    .unwrap();
    assert_eq!(status_of(&bad_chunk), 400, "{bad_chunk}");
    assert_eq!(problem_of(&bad_chunk)["type"], "/problems/malformed-request");

    // A body shorter than its Content-Length does not hold the connection for ever.
    let started = std::time::Instant::now();
    let short = raw_exchange(
        addr,
        b"POST /stock/EDGE-1/adjustments HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"delta\":",
        std::time::Duration::from_secs(10),
    )
    .await;
    let short = short.expect("the server answered or closed the connection");
    assert_eq!(status_of(&short), 408, "{short}");
    assert!(started.elapsed() < std::time::Duration::from_secs(9));
    // A request head that never ends is dropped too.
    let slow_head =
        raw_exchange(addr, b"GET /stock/EDGE-1 HTTP/1.1\r\nhost: x\r\n", std::time::Duration::from_secs(10)).await;
    assert!(slow_head.is_some(), "the connection was closed after the header timeout");
    assert_eq!(t.stock("EDGE-1").await["on_hand"], 0, "none of this wrote anything");
    server.abort();
}

/// The runner's own routes: a dead-letter queue moved back to the queue that gave up on it
/// (bodies and attributes kept), a schedule run now, and where each consumer stands.
#[tokio::test]
async fn the_runner_redrives_a_dead_letter_queue_runs_a_schedule_and_shows_its_lag() {
    let t = spawn_app().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(backoffice_local::server::serve(Arc::clone(&t.app), listener));

    let dlq = t.queue_url("FulfillmentDeadLetterQueue");
    for n in 0..3 {
        let attribute = aws_sdk_sqs::types::MessageAttributeValue::builder()
            .data_type("String")
            .string_value("order.shipped")
            .build()
            .unwrap();
        t.sqs()
            .send_message()
            .queue_url(&dlq)
            .message_body(format!("{{\"given-up\":{n}}}"))
            .message_attributes("event_type", attribute)
            .send()
            .await
            .unwrap();
    }
    let (status, body) = http(addr, "POST", "/_local/redrive/FulfillmentDeadLetterQueue", b"").await;
    assert_eq!(status, 200, "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!((answer["to"].as_str(), answer["moved"].as_u64()), (Some("FulfillmentQueue"), Some(3)), "{body}");
    assert_eq!(t.queue_depth("FulfillmentDeadLetterQueue").await, 0);
    let back = t
        .sqs()
        .receive_message()
        .queue_url(t.queue_url("FulfillmentQueue"))
        .max_number_of_messages(10)
        .message_attribute_names("All")
        .send()
        .await
        .unwrap()
        .messages
        .unwrap_or_default();
    let mut bodies: Vec<String> = back.iter().filter_map(|m| m.body.clone()).collect();
    bodies.sort();
    assert_eq!(bodies, ["{\"given-up\":0}", "{\"given-up\":1}", "{\"given-up\":2}"]);
    for m in &back {
        let kind = m.message_attributes.as_ref().and_then(|a| a.get("event_type")?.string_value.clone());
        assert_eq!(kind.as_deref(), Some("order.shipped"), "attributes travel back with the message");
    }
    for (path, why) in [
        ("/_local/redrive/EventDeliveryFailuresQueue", "a subscription's, not a queue's"),
        ("/_local/redrive/NoSuchQueue", "no such queue"),
        ("/_local/run/QueryApiFunction", "not scheduled"),
    ] {
        assert_eq!(http(addr, "POST", path, b"").await.0, 404, "{path}: {why}");
    }
    let (status, body) = http(addr, "POST", "/_local/run/ExpireOrdersFunction", b"").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&body).unwrap()["function"], "ExpireOrdersFunction");

    t.stocked("LAG-1", 5, 990, "BRL", 0).await;
    assert_eq!(t.place_order(&[("LAG-1", 1)], None).await.status, 201);
    t.app.settle().await.unwrap();
    let (_, body) = http(addr, "GET", "/_local/stream", b"").await;
    let stream: serde_json::Value = serde_json::from_str(&body).unwrap();
    let consumers = stream["consumers"].as_array().unwrap();
    for function in ["EventRelayFunction", "StockLevelsFunction"] {
        let c = consumers.iter().find(|c| c["function"] == function).unwrap_or_else(|| panic!("{function}: {body}"));
        assert!(c["records_read"].as_u64().unwrap() > 0 && c["pending"] == 0, "{body}");
        assert!(c["iterator_age_ms"].as_i64().is_some_and(|age| age >= 0), "{body}");
    }
    let (_, body) = http(addr, "GET", "/_local/queues", b"").await;
    let queues: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(queues["FulfillmentQueue"]["last_batch_oldest_ms"].as_i64().is_some(), "{body}");
    server.abort();
}

/// `make run`'s demo data is a shop to look at: a customer with a default address and orders in
/// several states, made once however often the runner starts.
#[tokio::test]
async fn the_demo_data_is_a_working_shop_loaded_once() {
    let t = spawn_app().await;
    backoffice_local::demo::load(&t.app).await.unwrap();
    backoffice_local::demo::load(&t.app).await.unwrap();
    let found = t.get("/customers?email=ana.demo@example.com").await;
    let customers = found.body["items"].as_array().unwrap();
    assert_eq!(customers.len(), 1, "{}", found.text);
    assert_eq!(customers[0]["addresses"][0]["default"], true);
    let id = customers[0]["id"].as_str().unwrap();
    let orders = t.get(&format!("/customers/{id}/orders")).await;
    let mut statuses: Vec<&str> =
        orders.body["items"].as_array().unwrap().iter().filter_map(|o| o["status"].as_str()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, ["cancelled", "paid", "pending_payment"], "{}", orders.text);
}
