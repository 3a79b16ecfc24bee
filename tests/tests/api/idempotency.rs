//! `Idempotency-Key` on POST: replay, reuse with another body, concurrent duplicates.

use backoffice_tests::spawn_app;
use serde_json::json;

#[tokio::test]
async fn the_same_key_and_body_replays_the_stored_response() {
    let t = spawn_app().await;
    t.register("IDEM-1", 0).await;
    let body = json!({"delta": 5, "reason": "received", "reference": "PO-1"});
    let first = t.adjust_with_key("IDEM-1", "po-1", body.clone()).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let again = t.adjust_with_key("IDEM-1", "po-1", body).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.text, first.text, "byte-identical replay");
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(t.stock("IDEM-1").await["on_hand"], 5);
    assert_eq!(t.ledger("IDEM-1").await.len(), 1);
}

#[tokio::test]
async fn the_same_key_with_another_body_is_422_and_changes_nothing() {
    let t = spawn_app().await;
    t.register("IDEM-2", 0).await;
    t.adjust_with_key("IDEM-2", "k", json!({"delta": 5, "reason": "received"})).await;
    let r = t.adjust_with_key("IDEM-2", "k", json!({"delta": 6, "reason": "received"})).await;
    assert_eq!(r.problem(422)["field"], "idempotency-key");
    assert_eq!(t.stock("IDEM-2").await["on_hand"], 5);
}

#[tokio::test]
async fn ten_concurrent_duplicates_apply_once_and_answer_the_same() {
    let t = spawn_app().await;
    t.register("IDEM-3", 0).await;
    let body = json!({"delta": 7, "reason": "received"});
    let replies =
        futures::future::join_all((0..10).map(|_| t.adjust_with_key("IDEM-3", "dup-key", body.clone()))).await;
    let bodies: std::collections::HashSet<&str> = replies.iter().map(|r| r.text.as_str()).collect();
    assert!(replies.iter().all(|r| r.status == 201), "{:?}", replies.iter().map(|r| r.status).collect::<Vec<_>>());
    assert_eq!(bodies.len(), 1, "every duplicate gets the same body");
    assert_eq!(t.stock("IDEM-3").await["on_hand"], 7);
    assert_eq!(t.ledger("IDEM-3").await.len(), 1);
}

#[tokio::test]
async fn keys_are_scoped_per_caller() {
    let t = spawn_app().await;
    t.register("IDEM-4", 0).await;
    let other =
        backoffice_local::Identity::Claims { subject: "someone-else".into(), scopes: vec!["stock:write".into()] };
    let body = json!({"delta": 1, "reason": "found"}).to_string();
    let headers = [backoffice_tests::JSON, ("idempotency-key", "shared")];
    assert_eq!(t.call("POST", "/stock/IDEM-4/adjustments", &headers, &body).await.status, 201);
    assert_eq!(t.call_as(&other, "POST", "/stock/IDEM-4/adjustments", &headers, &body).await.status, 201);
    assert_eq!(t.stock("IDEM-4").await["on_hand"], 2);
}
