//! Payments that arrive from the gateways: signed webhooks verified before anything is queued,
//! each provider event applied once whatever the deliveries, out-of-order events settled, and
//! what cannot be applied set aside for a person, never put in the ledger.

use backoffice_local::provision::LOCAL_STRIPE_WEBHOOK_SECRET;
use backoffice_tests::gateway::{Served, intent, stripe_event, stripe_signature};
use backoffice_tests::{JSON, TestApp, spawn_app, spawn_app_with};
use serde_json::{Value, json};

async fn order_of(t: &TestApp, sku: &str, price: i64) -> String {
    t.stocked(sku, 10, price, "BRL", 0).await;
    let placed = t.place_order(&[(sku, 1)], None).await;
    assert_eq!(placed.status, 201, "{}", placed.text);
    placed.body["id"].as_str().unwrap().to_owned()
}

async fn order(t: &TestApp, id: &str) -> Value {
    t.get(&format!("/orders/{id}")).await.body
}

fn timeline_count(order: &Value, event_type: &str) -> usize {
    order["timeline"].as_array().unwrap().iter().filter(|e| e["type"] == event_type).count()
}

#[tokio::test]
async fn every_signature_failure_is_a_4xx_problem_that_queues_nothing() {
    let t = spawn_app().await;
    let id = order_of(&t, "GW-SIG", 2500).await;
    let body = stripe_event("evt_sig", "payment_intent.succeeded", intent("pi_sig", &id, 2500, 0, 2500));
    let now = chrono::Utc::now().timestamp();
    let mut altered = body.clone().into_bytes();
    altered[10] ^= 1;
    let altered = String::from_utf8(altered).unwrap();
    let cases = [
        ("wrong secret", stripe_signature("whsec_not_ours", now, &body), body.clone(), 401, "signature-mismatch"),
        (
            "stale",
            stripe_signature(LOCAL_STRIPE_WEBHOOK_SECRET, now - 301, &body),
            body.clone(),
            401,
            "signature-stale",
        ),
        ("altered body", stripe_signature(LOCAL_STRIPE_WEBHOOK_SECRET, now, &body), altered, 401, "signature-mismatch"),
        ("malformed", "t=abc,v1=zz".to_owned(), body.clone(), 400, "signature-malformed"),
        ("no v1", format!("t={now}"), body.clone(), 400, "signature-malformed"),
    ];
    for (case, signature, sent, status, slug) in cases {
        let r = t.call("POST", "/webhooks/payments/stripe", &[JSON, ("stripe-signature", &signature)], &sent).await;
        let problem = r.problem(status);
        assert_eq!(problem["type"], format!("/problems/{slug}"), "{case}");
        assert_eq!(problem["field"], "stripe-signature", "{case}");
    }
    let missing = t.call("POST", "/webhooks/payments/stripe", &[JSON], &body).await;
    assert_eq!(missing.problem(400)["type"], "/problems/signature-missing");
    let unsigned_mp =
        t.call("POST", "/webhooks/payments/mercadopago?data.id=1", &[JSON, ("x-request-id", "r")], "{}").await;
    assert_eq!(unsigned_mp.problem(400)["field"], "x-signature");
    let unknown = t.call("POST", "/webhooks/payments/paypal", &[JSON], "{}").await;
    unknown.problem(404);
    let huge = format!("{{\"pad\":\"{}\"}}", "x".repeat(70 * 1024));
    let signature = stripe_signature(LOCAL_STRIPE_WEBHOOK_SECRET, now, &huge);
    let too_large = t.call("POST", "/webhooks/payments/stripe", &[JSON, ("stripe-signature", &signature)], &huge).await;
    too_large.problem(413);
    assert_eq!(t.queue_depth("PaymentEventsQueue").await, 0, "nothing was queued");
    t.app.settle().await.unwrap();
    let o = order(&t, &id).await;
    assert_eq!(o["payment_status"], "unpaid");
    assert!(o.get("gateway_payments").is_none(), "{o}");
}

#[tokio::test]
async fn the_same_capture_delivered_ten_times_at_once_makes_one_payment() {
    let t = spawn_app().await;
    let id = order_of(&t, "GW-DUP", 2500).await;
    let body = stripe_event("evt_dup", "payment_intent.succeeded", intent("pi_dup", &id, 2500, 0, 2500));
    let deliveries = futures::future::join_all((0..10).map(|_| t.stripe(&body))).await;
    for d in &deliveries {
        assert_eq!(d.status, 200, "{}", d.text);
        assert_eq!(d.body["queued"], true);
    }
    t.app.settle().await.unwrap();
    let o = order(&t, &id).await;
    assert_eq!(o["payment_status"], "paid", "{o}");
    assert_eq!(o["amount_paid"]["amount"], 2500);
    assert_eq!(timeline_count(&o, "payment.recorded"), 1, "one payment: {}", o["timeline"]);
    assert_eq!(o["gateway_payments"].as_array().unwrap().len(), 1);
    assert_eq!(o["gateway_payments"][0]["state"], "captured");
    assert_eq!(o["gateway_payments"][0]["reference"], "pi_dup");
    // Redelivered a day later (Stripe retries for three days): still one.
    assert_eq!(t.stripe(&body).await.status, 200);
    t.app.settle().await.unwrap();
    assert_eq!(timeline_count(&order(&t, &id).await, "payment.recorded"), 1);
    assert_eq!(order(&t, &id).await["fulfillment_status"], "picking", "order.paid started picking");
}

#[tokio::test]
async fn a_refund_before_its_payment_ends_with_both_applied() {
    let t = spawn_app().await;
    let id = order_of(&t, "GW-REF", 2500).await;
    let charge = json!({"id": "ch_ref", "object": "charge", "amount": 2500, "amount_refunded": 1000,
        "currency": "brl", "payment_intent": "pi_ref", "metadata": {"order_id": id},
        "payment_method_details": {"type": "card"}});
    assert_eq!(t.stripe(&stripe_event("evt_ref_1", "charge.refunded", charge)).await.status, 200);
    t.app.settle().await.unwrap();
    assert_eq!(order(&t, &id).await["amount_refunded"]["amount"], 0, "nothing to refund yet");
    let paid = stripe_event("evt_ref_2", "payment_intent.succeeded", intent("pi_ref", &id, 2500, 0, 2500));
    assert_eq!(t.stripe(&paid).await.status, 200);
    t.app.settle().await.unwrap();
    let o = order(&t, &id).await;
    assert_eq!(o["amount_paid"]["amount"], 2500, "{o}");
    assert_eq!(o["amount_refunded"]["amount"], 1000);
    assert_eq!(o["payment_status"], "partially_refunded");
    assert_eq!(timeline_count(&o, "refund.recorded"), 1);
}

#[tokio::test]
async fn mercadopago_notifications_fetch_the_payment_and_a_late_pending_changes_nothing() {
    let t = spawn_app().await;
    let mp = &t.providers;
    let id = order_of(&t, "GW-MP", 4990).await;
    mp.set("1234567", "approved", &id, "49.9", "0");
    assert_eq!(t.mercadopago_notify("1234567", "req-1").await.status, 200);
    t.app.settle().await.unwrap();
    let o = order(&t, &id).await;
    assert_eq!(o["payment_status"], "paid", "{o}");
    assert_eq!(o["gateway_payments"][0]["provider"], "mercadopago");
    assert_eq!(o["gateway_payments"][0]["method"], "pix");
    // A "pending" that arrives late (the provider's first notification, retried) changes nothing.
    mp.set("1234567", "pending", &id, "49.9", "0");
    assert_eq!(t.mercadopago_notify("1234567", "req-2").await.status, 200);
    t.app.settle().await.unwrap();
    let after = order(&t, &id).await;
    assert_eq!(after["payment_status"], "paid");
    assert_eq!(after["gateway_payments"][0]["state"], "captured");
    assert_eq!(timeline_count(&after, "payment.recorded"), 1);
    assert_eq!(
        mp.paths(),
        ["GET /v1/payments/1234567", "GET /v1/payments/1234567"],
        "each notification fetched it once"
    );
}

/// An order paid by card (captured at shipment, as the template's `PAYMENT_CAPTURE` says).
async fn card_order_of(t: &TestApp, sku: &str, price: i64) -> String {
    t.stocked(sku, 10, price, "BRL", 0).await;
    let body = json!({"customer_id": t.customer, "lines": [{"sku": sku, "quantity": 1}], "payment_method": "card"});
    let placed = t.call("POST", "/orders", &[JSON], &body.to_string()).await;
    assert_eq!(placed.status, 201, "{}", placed.text);
    placed.body["id"].as_str().unwrap().to_owned()
}

/// Authorises `amount` on `intent_id` for the order: Stripe holds it, then tells the webhook.
async fn authorise(t: &TestApp, event: &str, intent_id: &str, order: &str, amount: i64) {
    let held = intent(intent_id, order, amount, amount, 0);
    t.providers.set_intent(held.clone());
    let delivery = stripe_event(event, "payment_intent.amount_capturable_updated", held);
    assert_eq!(t.stripe(&delivery).await.status, 200);
    t.app.settle().await.unwrap();
}

fn calls(t: &TestApp) -> Vec<(String, Option<String>)> {
    t.providers
        .served()
        .into_iter()
        .map(|Served { method, path, idempotency_key }| (format!("{method} {path}"), idempotency_key))
        .collect()
}

#[tokio::test]
async fn authorise_then_ship_captures_once_at_the_provider() {
    let t = spawn_app().await;
    let id = card_order_of(&t, "GW-CAP", 2500).await;
    // Given a card payment authorised at Stripe: held, not taken, and the order is picked
    authorise(&t, "evt_cap_1", "pi_cap", &id, 2500).await;
    let o = order(&t, &id).await;
    assert_eq!(
        (o["gateway_payments"][0]["state"].as_str(), o["status"].as_str()),
        (Some("authorized"), Some("pending_payment")),
        "{o}"
    );
    assert_eq!(o["fulfillment_status"], "picking", "an order authorised in full is picked");
    assert!(calls(&t).is_empty(), "a card waits for its shipment: {:?}", calls(&t));
    // When it ships
    t.step(&id, "packed", "").await;
    t.step(&id, "shipped", r#"{"carrier":"Correios","tracking_number":"BR1"}"#).await;
    t.app.settle().await.unwrap();
    // Then the authorisation is captured once, with its idempotency key, and the order is paid
    assert_eq!(calls(&t), [("POST /v1/payment_intents/pi_cap/capture".to_owned(), Some("capture-pi_cap".to_owned()))]);
    let o = order(&t, &id).await;
    assert_eq!(o["gateway_payments"][0]["state"], "captured", "{o}");
    assert_eq!((o["payment_status"].as_str(), o["status"].as_str()), (Some("paid"), Some("paid")));
    assert_eq!(timeline_count(&o, "payment.recorded"), 1);
    // And Stripe's own webhook for the capture, arriving after, changes nothing
    let succeeded = stripe_event("evt_cap_2", "payment_intent.succeeded", t.providers.intent("pi_cap").unwrap());
    assert_eq!(t.stripe(&succeeded).await.status, 200);
    t.step(&id, "delivered", "").await;
    t.app.settle().await.unwrap();
    let o = order(&t, &id).await;
    assert_eq!(timeline_count(&o, "payment.recorded"), 1, "{o}");
    assert_eq!(o["status"], "completed");
    assert_eq!(calls(&t).len(), 1, "the shipment's redelivery and the delivery ask for nothing more");
    t.assert_conserved().await;
}

#[tokio::test]
async fn authorise_then_cancel_releases_the_hold_and_takes_nothing() {
    let t = spawn_app().await;
    let id = card_order_of(&t, "GW-VOID", 2500).await;
    authorise(&t, "evt_void_1", "pi_void", &id, 2500).await;
    let cancelled =
        t.call("POST", &format!("/orders/{id}/cancel"), &[JSON], r#"{"reason":"customer changed mind"}"#).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    t.app.settle().await.unwrap();
    assert_eq!(calls(&t), [("POST /v1/payment_intents/pi_void/cancel".to_owned(), Some("void-pi_void".to_owned()))]);
    let o = order(&t, &id).await;
    assert_eq!(o["gateway_payments"][0]["state"], "voided", "{o}");
    assert_eq!((o["amount_paid"]["amount"].as_i64(), o["refund_due"]["amount"].as_i64()), (Some(0), Some(0)));
    assert_eq!(timeline_count(&o, "payment.voided"), 1);
    // Stripe's webhook for the cancellation, and the cancellation redelivered, change nothing
    let canceled = stripe_event("evt_void_2", "payment_intent.canceled", t.providers.intent("pi_void").unwrap());
    assert_eq!(t.stripe(&canceled).await.status, 200);
    t.app.settle().await.unwrap();
    assert_eq!(timeline_count(&order(&t, &id).await, "payment.voided"), 1);
    assert_eq!(calls(&t).len(), 1);
}

#[tokio::test]
async fn a_method_captured_at_authorisation_is_taken_at_once_and_a_moved_payment_is_read_back() {
    let t = spawn_app().await;
    // Given a Mercado Pago payment authorised for an order that names no method
    let id = order_of(&t, "GW-NOW", 4990).await;
    t.providers.set("555", "authorized", &id, "49.9", "0");
    assert_eq!(t.mercadopago_notify("555", "req-now").await.status, 200);
    t.app.settle().await.unwrap();
    // Then it is captured at once (PUT {"capture": true}), and the order is paid and picked
    let puts: Vec<_> = calls(&t).into_iter().filter(|(call, _)| call.starts_with("PUT")).collect();
    assert_eq!(puts, [("PUT /v1/payments/555".to_owned(), Some("capture-555".to_owned()))]);
    let o = order(&t, &id).await;
    assert_eq!(
        (o["payment_status"].as_str(), o["fulfillment_status"].as_str()),
        (Some("paid"), Some("picking")),
        "{o}"
    );

    // Given a card authorisation that expired at Stripe before the shipment
    let late = card_order_of(&t, "GW-LATE", 2500).await;
    authorise(&t, "evt_late_1", "pi_late", &late, 2500).await;
    let mut expired = t.providers.intent("pi_late").unwrap();
    expired["status"] = json!("canceled");
    t.providers.set_intent(expired);
    t.step(&late, "packed", "").await;
    t.step(&late, "shipped", r#"{"carrier":"Correios","tracking_number":"BR2"}"#).await;
    t.app.settle().await.unwrap();
    // Then the refused capture is followed by a read, and the order shows what happened
    let stripe: Vec<String> = calls(&t).into_iter().map(|(c, _)| c).filter(|c| c.contains("pi_late")).collect();
    assert_eq!(stripe, ["POST /v1/payment_intents/pi_late/capture", "GET /v1/payment_intents/pi_late"]);
    let o = order(&t, &late).await;
    assert_eq!(
        (o["gateway_payments"][0]["state"].as_str(), o["payment_status"].as_str()),
        (Some("voided"), Some("unpaid")),
        "{o}"
    );
    let receivables = t.get("/receivables").await.body;
    assert!(receivables["items"].as_array().unwrap().iter().any(|r| r["order_id"] == late.as_str()), "{receivables}");
}

/// Settles, then redelivers failed settlement messages at once (SQS would after their visibility
/// timeout) until none is left: taken, or moved to the dead-letter queue after maxReceiveCount.
async fn retry_settlements(t: &TestApp) {
    t.app.settle().await.unwrap();
    for _ in 0..40 {
        if t.queue_depth("PaymentSettlementsQueue").await == 0 {
            break;
        }
        if t.app.pump_queues(0, std::time::Duration::ZERO).await.unwrap() == 0 {
            // The last failure's message is still invisible (settle's retry delay).
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
    }
    t.app.settle().await.unwrap();
}

#[tokio::test]
async fn a_provider_outage_retries_the_capture_and_ends_in_the_dead_letter_queue() {
    let t = spawn_app().await;
    let id = card_order_of(&t, "GW-DOWN", 2500).await;
    authorise(&t, "evt_down_1", "pi_down", &id, 2500).await;
    // Given Stripe down for two calls: the capture is retried and succeeds, once
    t.providers.fail_next(2);
    t.step(&id, "packed", "").await;
    t.step(&id, "shipped", r#"{"carrier":"Correios","tracking_number":"BR3"}"#).await;
    retry_settlements(&t).await;
    let captures = calls(&t).into_iter().filter(|(c, _)| c.ends_with("/capture")).collect::<Vec<_>>();
    assert_eq!(captures.len(), 3, "two failures, then the capture: {captures:?}");
    assert!(captures.iter().all(|(_, key)| key.as_deref() == Some("capture-pi_down")), "one key: {captures:?}");
    assert_eq!(order(&t, &id).await["payment_status"], "paid");
    assert_eq!(t.providers.intent("pi_down").unwrap()["amount_received"], 2500);

    // Given Stripe down for good: after maxReceiveCount the message waits in the dead-letter queue
    let other = card_order_of(&t, "GW-DEAD", 2500).await;
    authorise(&t, "evt_dead_1", "pi_dead", &other, 2500).await;
    t.providers.fail_next(usize::MAX);
    t.step(&other, "packed", "").await;
    t.step(&other, "shipped", r#"{"carrier":"Correios","tracking_number":"BR4"}"#).await;
    retry_settlements(&t).await;
    assert_eq!(t.queue_depth("PaymentSettlementsDeadLetterQueue").await, 1);
    assert_eq!(t.queue_depth("PaymentSettlementsQueue").await, 0);
    let o = order(&t, &other).await;
    assert_eq!(o["gateway_payments"][0]["state"], "authorized", "nothing applied that did not happen: {o}");
}

#[tokio::test]
async fn an_authorised_order_outlives_its_unpaid_hold_and_a_void_releases_it() {
    let t = spawn_app_with(&[("PAYMENT_HOLDS", "card=2")]).await;
    let id = card_order_of(&t, "GW-AUTH", 2500).await;
    let held =
        stripe_event("evt_auth_1", "payment_intent.amount_capturable_updated", intent("pi_auth", &id, 2500, 2500, 0));
    assert_eq!(t.stripe(&held).await.status, 200);
    t.app.settle().await.unwrap();
    let o = order(&t, &id).await;
    assert_eq!(o["gateway_payments"][0]["state"], "authorized", "{o}");
    let due: chrono::DateTime<chrono::Utc> = o["payment_due_at"].as_str().unwrap().parse().unwrap();
    tokio::time::sleep((due - chrono::Utc::now()).to_std().unwrap_or_default() + std::time::Duration::from_millis(300))
        .await;
    let run = t.app.run_schedules().await;
    assert_eq!(run[0].1["expired"], 0, "an authorised order is not expired as unpaid: {run:?}");
    assert_eq!(order(&t, &id).await["status"], "pending_payment");
    // Captured when the shop takes it.
    let captured = stripe_event("evt_auth_2", "payment_intent.succeeded", intent("pi_auth", &id, 2500, 0, 2500));
    assert_eq!(t.stripe(&captured).await.status, 200);
    t.app.settle().await.unwrap();
    assert_eq!(order(&t, &id).await["payment_status"], "paid");
}

#[tokio::test]
async fn a_lost_dispute_puts_the_amount_back_among_receivables() {
    let t = spawn_app().await;
    let id = order_of(&t, "GW-DSP", 2500).await;
    let paid = stripe_event("evt_dsp_1", "payment_intent.succeeded", intent("pi_dsp", &id, 2500, 0, 2500));
    assert_eq!(t.stripe(&paid).await.status, 200);
    let dispute = |status: &str| {
        json!({"id": "dp_1", "object": "dispute", "amount": 2500, "currency": "brl", "charge": "ch_1",
               "payment_intent": "pi_dsp", "reason": "fraudulent", "status": status})
    };
    t.app.settle().await.unwrap();
    assert_eq!(
        t.stripe(&stripe_event("evt_dsp_2", "charge.dispute.created", dispute("needs_response"))).await.status,
        200
    );
    t.app.settle().await.unwrap();
    let o = order(&t, &id).await;
    assert_eq!(o["gateway_payments"][0]["disputes"][0]["status"], "open", "{o}");
    assert_eq!(timeline_count(&o, "payment.disputed"), 1);
    assert_eq!(t.get("/overview").await.body["payments"]["disputes_open"], 1);
    assert_eq!(t.stripe(&stripe_event("evt_dsp_3", "charge.dispute.closed", dispute("lost"))).await.status, 200);
    t.app.settle().await.unwrap();
    let o = order(&t, &id).await;
    assert_eq!(o["amount_paid"]["amount"], 0, "{o}");
    assert_eq!(o["payment_status"], "unpaid");
    assert_eq!(t.get("/overview").await.body["payments"]["disputes_open"], 0);
    let receivables = t.get("/receivables").await.body;
    assert!(receivables["items"].as_array().unwrap().iter().any(|r| r["order_id"] == id.as_str()), "{receivables}");
}

#[tokio::test]
async fn an_event_for_an_unknown_order_or_the_wrong_amount_is_reviewed_never_ledgered() {
    let t = spawn_app().await;
    let id = order_of(&t, "GW-REV", 2500).await;
    let unknown = backoffice::domain::OrderId::new().to_string();
    for (event, pi, order, amount) in
        [("evt_rev_1", "pi_rev_1", unknown.as_str(), 2500), ("evt_rev_2", "pi_rev_2", &id, 9999)]
    {
        let body = stripe_event(event, "payment_intent.succeeded", intent(pi, order, amount, 0, amount));
        assert_eq!(t.stripe(&body).await.status, 200);
        assert_eq!(t.stripe(&body).await.status, 200, "a redelivery is set aside once");
    }
    t.app.settle().await.unwrap();
    assert_eq!(t.count_items_with_sk("REVIEW").await, 2);
    let o = order(&t, &id).await;
    assert_eq!(o["amount_paid"]["amount"], 0);
    assert_eq!(timeline_count(&o, "payment.recorded"), 0);

    let listed = t.get("/payments/review").await.body;
    let items = listed["items"].as_array().unwrap();
    let reasons: Vec<&str> = items.iter().map(|r| r["reason"]["reason"].as_str().unwrap()).collect();
    assert_eq!(reasons, ["unknown_order", "amount_mismatch"], "oldest first: {listed}");
    assert_eq!(items[1]["reason"]["expected"]["amount"], 2500);
    assert_eq!(items[1]["event"]["change"]["amount"]["amount"], 9999);
    assert_eq!(t.get("/overview").await.body["payments"]["reviews_open"], 2);

    let first = items[0]["id"].as_str().unwrap();
    let path = format!("/payments/review/{first}/resolve");
    let resolved = t.call("POST", &path, &[JSON], r#"{"note":"refunded at Stripe: no such order"}"#).await;
    assert_eq!(resolved.status, 200, "{}", resolved.text);
    assert_eq!(resolved.body["resolution"]["note"], "refunded at Stripe: no such order");
    let again = t.call("POST", &path, &[JSON], r#"{"note":"twice"}"#).await;
    assert_eq!(again.problem(409)["type"], "/problems/review-resolved");
    let empty = t.call("POST", &path, &[JSON], r#"{"note":""}"#).await;
    assert_eq!(empty.problem(422)["field"], "note");
    assert_eq!(t.get("/payments/review").await.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(t.get("/overview").await.body["payments"]["reviews_open"], 1);
}

#[tokio::test]
async fn the_unpaid_hold_follows_the_payment_method_the_order_names() {
    let t = spawn_app().await;
    t.stocked("GW-HOLD", 10, 1000, "BRL", 0).await;
    let mut held = Vec::new();
    for method in [Some("pix"), Some("card"), Some("boleto"), None] {
        let mut body = json!({"customer_id": t.customer, "lines": [{"sku": "GW-HOLD", "quantity": 1}]});
        if let Some(m) = method {
            body["payment_method"] = json!(m);
        }
        let r = t.call("POST", "/orders", &[JSON], &body.to_string()).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(r.body.get("payment_method").and_then(Value::as_str), method);
        let placed: chrono::DateTime<chrono::Utc> = r.body["placed_at"].as_str().unwrap().parse().unwrap();
        let due: chrono::DateTime<chrono::Utc> = r.body["payment_due_at"].as_str().unwrap().parse().unwrap();
        held.push((due - placed).num_seconds());
    }
    assert_eq!(held[0], 1800, "Pix: 30 minutes");
    assert_eq!(held[1], 3600, "card: an hour");
    assert!((3 * 86_400..=5 * 86_400).contains(&held[2]), "boleto: three business days, {}", held[2]);
    assert_eq!(held[3], 3600, "no method: PAYMENT_HOLD_SECONDS");
    let bad =
        json!({"customer_id": t.customer, "lines": [{"sku": "GW-HOLD", "quantity": 1}], "payment_method": "crypto"});
    let refused = t.call("POST", "/orders", &[JSON], &bad.to_string()).await;
    assert_eq!(refused.problem(422)["field"], "payment_method");
}
