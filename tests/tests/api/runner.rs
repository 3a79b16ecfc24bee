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
