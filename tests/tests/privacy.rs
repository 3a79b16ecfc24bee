//! What the logs say, captured with the production JSON subscriber at the production level
//! (`info`, as template.yaml sets RUST_LOG): personal data never reaches them, a success is
//! logged once however often its write was retried, and the scheduled expiry stays quiet when
//! it has nothing to do.
//!
//! Its own test binary: the capturing subscriber is the process-wide default, so no other
//! test binary's threads share (or disable) its log call sites. The tests here run side by side
//! and each looks only at lines naming its own records, or at what was logged after a mark.

use backoffice_tests::{JSON, spawn_app};
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn since(&self, mark: usize) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()[mark..]).into_owned()
    }

    fn mark(&self) -> usize {
        self.0.lock().unwrap().len()
    }
}

/// The process-wide capture, installed once: the subscriber the functions use on Lambda, at the
/// level template.yaml sets.
fn capture() -> &'static Captured {
    static CAPTURED: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    CAPTURED.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber =
            backoffice::telemetry::json_subscriber(tracing_subscriber::EnvFilter::new("info"), move || writer.clone());
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber in this binary");
        captured
    })
}

#[tokio::test]
async fn personal_data_never_appears_in_logs() {
    let captured = capture();
    let start = captured.mark();

    let t = spawn_app().await;
    t.stocked("LOG-SKU", 5, 990, "BRL", 0).await;
    let body = json!({
        "name": "Beatriz Quintanilha", "email": "beatriz.q@example.org", "phone": "+5531999887766",
        "tax_id": {"country": "BR", "number": "111.444.777-35"},
        "addresses": [{"kind": "shipping", "default": true, "recipient": "Beatriz Quintanilha",
                       "line1": "Rua Sapucaí, 383", "city": "Belo Horizonte", "postal_code": "30150-050", "country": "BR"}],
        "marketing_consent": {"granted": true}
    });
    let created = t.call("POST", "/customers", &[JSON], &body.to_string()).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let patched = t
        .call(
            "PATCH",
            &format!("/customers/{id}"),
            &[JSON, ("if-match", "\"1\"")],
            r#"{"phone":"+5531911112222","notes":"Portão azul"}"#,
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    let order = json!({"customer_id": id, "lines": [{"sku": "LOG-SKU", "quantity": 1}],
                       "shipping_address": {"recipient": "Beatriz Quintanilha", "line1": "Avenida Afonso Pena, 1212",
                                            "city": "Belo Horizonte", "postal_code": "30130-005", "country": "BR"}});
    assert_eq!(t.call("POST", "/orders", &[JSON], &order.to_string()).await.status, 201);

    let logs = captured.since(start);
    for expected in ["customer created", "customer updated", "order placed"] {
        assert!(logs.contains(expected), "the capture works: {expected} missing from\n{logs}");
    }
    for personal in [
        "Beatriz",
        "Quintanilha",
        "beatriz.q",
        "+5531999887766",
        "+5531911112222",
        "11144477735",
        "111.444.777-35",
        "Sapucaí",
        "Afonso Pena",
        "30150-050",
        "Portão",
    ] {
        assert!(!logs.contains(personal), "{personal} leaked into the logs:\n{logs}");
    }

    // The scheduled expiry says nothing at info level when it had nothing to do (locally it runs
    // every few seconds and would push everything else off the screen), and speaks when it acts.
    let mark = captured.mark();
    t.app.run_schedules().await;
    let quiet = captured.since(mark);
    assert!(!quiet.contains("payment expiry run"), "an idle expiry run logged:\n{quiet}");
    let expiring = backoffice_tests::spawn_app_with(&[("PAYMENT_HOLD_SECONDS", "0")]).await;
    expiring.stocked("LOG-EXP", 5, 990, "BRL", 0).await;
    assert_eq!(expiring.place_order(&[("LOG-EXP", 1)], None).await.status, 201);
    let mark = captured.mark();
    expiring.app.run_schedules().await;
    let acted = captured.since(mark);
    assert!(acted.contains("payment expiry run") && acted.contains("\"expired\":1"), "{acted}");
}

#[tokio::test]
async fn a_success_is_logged_once_however_often_its_write_was_retried() {
    let captured = capture();
    let t = spawn_app().await;
    t.stocked("LOG-RETRY", 5, 990, "BRL", 0).await;
    // More throttles than the SDK's own attempts: the command goes round again, deciding anew.
    let throttle = backoffice_tests::Throttle::new("TransactWriteItems", 5);
    let ctx = t.throttled_context("PlaceOrderFunction", &throttle);
    let body = json!({"customer_id": t.customer, "lines": [{"sku": "LOG-RETRY", "quantity": 1}]}).to_string();
    let req = t.request("POST /orders", "/orders", &body, &[JSON]);
    let reply = backoffice_tests::Reply::from_response(place_order::handler(&ctx, req).await);
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(throttle.remaining(), 0, "the write was refused and retried");
    let id = reply.body["id"].as_str().unwrap();
    let logs = captured.since(0);
    let placed = logs.lines().filter(|l| l.contains("order placed") && l.contains(id)).count();
    assert_eq!(placed, 1, "one success line for one order:\n{logs}");
}
