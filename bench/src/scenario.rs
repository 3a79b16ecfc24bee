//! The recorded scenario: one shop day through every function, driven in-process against moto
//! with capture on, one invocation at a time. From it each function gets one representative
//! invocation (its event and the AWS exchanges it made) for the replay-based measurements.

use backoffice_local::capture::Recording;
use backoffice_local::{Backoffice, BoxError};
use serde_json::{Value, json};
use std::collections::BTreeMap;

const JSON: (&str, &str) = ("content-type", "application/json");

/// SKUs of the recorded place-order (two lines, like the end-to-end load).
pub const SKU_A: &str = "BENCH-A";
pub const SKU_H: &str = "BENCH-H";

async fn call(
    app: &Backoffice,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Value,
) -> Result<Value, BoxError> {
    let body = if body.is_null() { String::new() } else { body.to_string() };
    let response = app.invoke(method, path, headers, body.as_bytes()).await;
    let status = response.status();
    let bytes = response.body().to_vec();
    let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if !status.is_success() {
        return Err(format!("{method} {path} answered {status}: {value}").into());
    }
    Ok(value)
}

pub async fn stock(app: &Backoffice, sku: &str, reorder_point: u64, units: i64) -> Result<(), BoxError> {
    call(app, "PUT", &format!("/stock/{sku}"), &[JSON], catalog_body(sku, reorder_point)).await?;
    let receipt = json!({"delta": units, "reason": "received", "reference": "PO-BENCH"});
    call(app, "POST", &format!("/stock/{sku}/adjustments"), &[JSON], receipt).await?;
    Ok(())
}

/// A catalog entry (`PUT /stock/{sku}`) at 19.90 BRL, weighing 300 g.
pub fn catalog_body(sku: &str, reorder_point: u64) -> Value {
    json!({"name": format!("Benchmark item {sku}"), "unit_price": {"amount": 1990, "currency": "BRL"},
           "reorder_point": reorder_point, "reorder_quantity": 50, "weight_grams": 300})
}

/// Free shipping from R$30.00 for everyone, added to other promotions.
pub fn automatic_promotion_body() -> Value {
    json!({"name": "Frete grátis", "automatic": true, "combinable": true, "benefit": {"kind": "free_shipping"},
           "currency": "BRL", "min_subtotal": 3000})
}

/// 10 % off, 1,000 uses, 5 per customer, with the automatic ones.
pub fn coupon_body() -> Value {
    json!({"name": "Dez por cento", "benefit": {"kind": "percent_off", "percent": 10}, "currency": "BRL",
           "limit": 1000, "per_customer_limit": 5, "combinable": true})
}

/// A carrier's table: the city of São Paulo by CEP, the South and Southeast by state, the rest
/// of Brazil; free over R$300.00.
pub fn shipping_method_body() -> Value {
    let bands = |p: [i64; 3]| json!([{"up_to_grams": 300, "price": p[0]}, {"up_to_grams": 1000, "price": p[1]}, {"up_to_grams": 5000, "price": p[2]}]);
    json!({"name": "SEDEX", "carrier": "Correios", "service_code": "03220", "currency": "BRL", "free_over": 30000,
    "rates": [
        {"zone": {"countries": ["BR"], "postal_codes": [{"from": "01000-000", "to": "05999-999"}]}, "bands": bands([990, 1290, 1990])},
        {"zone": {"countries": ["BR"], "states": ["SP", "RJ", "MG", "ES", "PR", "SC", "RS"]}, "bands": bands([1490, 1890, 2990])},
        {"zone": {"countries": ["BR"]}, "bands": bands([2190, 2790, 4490])}
    ]})
}

pub fn customer_body(email: &str) -> Value {
    json!({
        "name": "Benchmark Buyer", "email": email,
        "addresses": [{"kind": "shipping", "default": true, "recipient": "Benchmark Buyer", "line1": "Rua Teste, 1",
                       "city": "Curitiba", "postal_code": "80000-000", "country": "BR"}],
        "marketing_consent": {"granted": false},
    })
}

pub fn order_body(customer: &str, lines: &[(&str, u64)]) -> Value {
    let lines: Vec<Value> = lines.iter().map(|(sku, q)| json!({"sku": sku, "quantity": q})).collect();
    json!({"customer_id": customer, "lines": lines})
}

/// Runs the scenario and returns, per function binary, the invocation to measure: the first
/// (or, for [`measured_last`], the last) of its preferred route (HTTP) or that called AWS (the
/// others).
pub async fn record(
    app: &Backoffice,
    stripe: &crate::provider::FakeStripe,
) -> Result<BTreeMap<String, Recording>, BoxError> {
    stock(app, SKU_A, 5, 500).await?;
    stock(app, SKU_H, 5, 500).await?;
    stock(app, "BENCH-L", 5, 6).await?;
    let customer = call(app, "POST", "/customers", &[JSON], customer_body("bench@example.com")).await?;
    let customer = customer["id"].as_str().ok_or("customer id")?.to_owned();
    // The order measured ships by a carrier's table, with a coupon and an automatic promotion.
    call(app, "PUT", "/shipping/methods/sedex", &[JSON], shipping_method_body()).await?;
    call(app, "PUT", "/promotions/fretegratis", &[JSON], automatic_promotion_body()).await?;
    call(app, "PUT", "/promotions/bench10", &[JSON], coupon_body()).await?;
    call(app, "GET", "/promotions", &[], Value::Null).await?;
    let mut promoted = order_body(&customer, &[(SKU_A, 1), (SKU_H, 1)]);
    promoted["shipping_method"] = "sedex".into();
    promoted["coupon"] = "bench10".into();
    let order = call(app, "POST", "/orders", &[JSON, ("idempotency-key", "bench-order-1")], promoted).await?;
    if order["discounts"].as_array().map(Vec::len) != Some(2) {
        return Err(format!("the measured order did not get its promotions: {order}").into());
    }
    let id = order["id"].as_str().ok_or("order id")?.to_owned();
    let total = order["total"].clone();
    call(app, "GET", &format!("/orders/{id}"), &[], Value::Null).await?;
    let payment = json!({"amount": total, "method": "pix", "gateway_reference": "gw-bench-1"});
    call(app, "POST", &format!("/orders/{id}/payments"), &[JSON], payment).await?;
    app.settle().await?;
    call(app, "POST", &format!("/orders/{id}/fulfillment/packed"), &[], Value::Null).await?;
    let shipped = json!({"carrier": "Correios", "tracking_number": "BR123456789"});
    call(app, "POST", &format!("/orders/{id}/fulfillment/shipped"), &[JSON], shipped).await?;
    call(app, "POST", &format!("/orders/{id}/fulfillment/delivered"), &[], Value::Null).await?;
    app.settle().await?;
    let ret = json!({"lines": [{"sku": SKU_A, "quantity": 1, "reason": "did not fit"}]});
    call(app, "POST", &format!("/orders/{id}/returns"), &[JSON], ret).await?;
    // An order paid through Stripe: a signed delivery, queued, then applied by payment-events.
    let by_card = call(app, "POST", "/orders", &[JSON], order_body(&customer, &[(SKU_H, 1)])).await?;
    let by_card_id = by_card["id"].as_str().ok_or("order id")?;
    let amount = by_card["total"]["amount"].as_i64().ok_or("total")?;
    let event = json!({"id": "evt_bench_1", "object": "event", "type": "payment_intent.succeeded",
        "created": chrono::Utc::now().timestamp(), "data": {"object": {"id": "pi_bench_1", "object": "payment_intent",
        "amount": amount, "amount_received": amount, "currency": "brl", "metadata": {"order_id": by_card_id},
        "payment_method_types": ["card"], "status": "succeeded"}}})
    .to_string();
    deliver_to_stripe_webhook(app, &event).await?;
    app.settle().await?;
    // A second order, cancelled; a third takes BENCH-L to its reorder point (stock.low).
    let second = call(app, "POST", "/orders", &[JSON], order_body(&customer, &[(SKU_A, 2)])).await?;
    let second = second["id"].as_str().ok_or("order id")?.to_owned();
    call(app, "POST", &format!("/orders/{second}/cancel"), &[JSON], json!({"reason": "customer changed their mind"}))
        .await?;
    call(app, "POST", "/orders", &[JSON], order_body(&customer, &[("BENCH-L", 2)])).await?;
    app.settle().await?;
    app.run_schedules().await;
    // The adjustment measured is a plain receipt on a SKU with history.
    let receipt = json!({"delta": 10, "reason": "received", "reference": "PO-BENCH-2"});
    call(app, "POST", &format!("/stock/{SKU_A}/adjustments"), &[JSON], receipt).await?;
    app.settle().await?;
    // The alert measured: with nothing else in flight, one SKU registered empty raises one
    // stock.low, which stock-alerts receives alone. The scenario's earlier alerts reach it in
    // batches that moto forms differently from run to run (one to six records), which made
    // its figures depend on the run.
    call(app, "PUT", "/stock/BENCH-Z", &[JSON], catalog_body("BENCH-Z", 5)).await?;
    app.settle().await?;
    // The catalogue as a spreadsheet: a job, then the worker writing one small file.
    call(app, "POST", "/exports", &[JSON], json!({"kind": "catalog"})).await?;
    app.settle().await?;

    // An order authorised by card at Stripe, for a method captured at once: payment-settlements
    // captures it (the call measured, with its HTTPS round trip to the fake Stripe).
    let held = call(app, "POST", "/orders", &[JSON], order_body(&customer, &[(SKU_H, 1)])).await?;
    let held_id = held["id"].as_str().ok_or("order id")?;
    let amount = held["total"]["amount"].as_i64().ok_or("total")?;
    let intent = stripe.authorise("pi_bench_2", held_id, amount);
    let event = json!({"id": "evt_bench_2", "object": "event", "type": "payment_intent.amount_capturable_updated",
        "created": chrono::Utc::now().timestamp(), "data": {"object": intent}})
    .to_string();
    deliver_to_stripe_webhook(app, &event).await?;
    app.settle().await?;
    let captured = call(app, "GET", &format!("/orders/{held_id}"), &[], Value::Null).await?;
    if captured["payment_status"] != "paid" {
        return Err(format!("the authorised order was not captured: {captured}").into());
    }

    // A supplier, and what it charges for a SKU.
    let supplier = json!({"name": "Cerâmica Sul", "email": "vendas@ceramica.example", "currency": "BRL",
        "lead_time_days": 10, "tax_id": {"country": "BR", "number": "11.222.333/0001-81"}});
    call(app, "PUT", "/suppliers/ceramica-sul", &[JSON], supplier).await?;
    let terms = json!({"unit_cost": 850, "minimum_order_quantity": 24, "pack_size": 12});
    call(app, "PUT", &format!("/stock/{SKU_A}/suppliers/ceramica-sul"), &[JSON], terms).await?;
    call(app, "GET", &format!("/stock/{SKU_A}/suppliers"), &[], Value::Null).await?;

    // A weighed product, then the checkout's quote for two units of it (the rate table saved above).
    let mut weighed = catalog_body("BENCH-W", 0);
    weighed["weight_grams"] = 850.into();
    call(app, "PUT", "/stock/BENCH-W", &[JSON], weighed).await?;
    call(app, "GET", "/shipping/quote?country=BR&state=PR&postal_code=80000-000&lines=BENCH-W:2", &[], Value::Null)
        .await?;

    // The storefront's contact form, from the customer, about their order.
    let form = json!({"email": "bench@example.com", "name": "Benchmark Buyer", "subject": "Where is my order?",
        "text": "It has not arrived yet.", "order_id": id});
    call(app, "POST", "/conversations", &[JSON], form).await?;

    // The customer e-mails a photo of the parcel (mail-inbound files it, its attachment stored),
    // and staff answer (the notifier sends the reply).
    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    let raw = format!(
        "From: Benchmark Buyer <bench@example.com>\r\nTo: suporte@loja.localhost\r\nSubject: Pedido {id}\r\n\
         Message-ID: <bench-q1@mail.example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
         --b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nA caixa chegou amassada.\r\n\
         --b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=caixa.png\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{png}\r\n--b--\r\n"
    );
    let filed = app.deliver_mail(raw.as_bytes(), &Default::default()).await?;
    let conversation = filed[0]["conversation_id"].as_str().ok_or("the e-mail was not filed")?.to_owned();
    call(app, "POST", &format!("/conversations/{conversation}/replies"), &[JSON], json!({"text": "Enviamos outra."}))
        .await?;
    app.settle().await?;

    // SES reports a customer's address bouncing: mail-events suppresses it.
    call(app, "POST", "/customers", &[JSON], customer_body("bounced@example.com")).await?;
    let report = json!({"eventType": "Bounce", "mail": {"messageId": "bench-1", "source": "pedidos@loja.localhost",
        "destination": ["bounced@example.com"]}, "bounce": {"bounceType": "Permanent", "bounceSubType": "General",
        "bouncedRecipients": [{"emailAddress": "bounced@example.com", "status": "5.1.1"}]}});
    let topic = app.resources.topic_arns.get("MailEventsTopic").ok_or("no MailEventsTopic")?;
    aws_sdk_sns::Client::new(&app.sdk).publish().topic_arn(topic).message(report.to_string()).send().await?;
    app.settle().await?;

    // A member of staff signs in: the user pool's trigger turns a packer's group into scopes.
    app.run_token_trigger(
        "TokenGeneration_HostedAuth",
        "bench-packer",
        &["packer".into()],
        &["openid".into(), "email".into()],
    )?;

    let capture = app.capture.as_ref().ok_or("the runner was not built with capture")?;
    let mut chosen = BTreeMap::new();
    for (id, f) in &app.template.functions {
        let recordings = capture.recordings(id);
        let wanted = preferred_route(&f.binary);
        let mut candidates = recordings
            .iter()
            .filter(|r| r.exchanges.iter().all(|x| x.status == 200))
            .filter(|r| match wanted {
                Some(route) => r.event["routeKey"] == route,
                None => !r.exchanges.is_empty(),
            })
            .filter(|r| !one_record(&f.binary) || r.event["Records"].as_array().is_some_and(|a| a.len() == 1));
        let pick = if measured_last(&f.binary) { candidates.next_back() } else { candidates.next() }
            .or_else(|| recordings.first())
            .ok_or_else(|| format!("{id} was never invoked by the scenario"))?;
        chosen.insert(f.binary.clone(), pick.clone());
    }
    // S3 streams an object's body, which the capture cannot read without taking it from the
    // function: the e-mail's recorded read gets the bytes S3 held, the message stored above.
    let inbound = chosen.get_mut("mail-inbound").ok_or("mail-inbound was not recorded")?;
    let read = inbound.exchanges.iter_mut().find(|x| x.target == "S3.GetObject").ok_or("no read of the e-mail")?;
    read.response = raw.clone();
    for (name, value) in read.headers.iter_mut() {
        if name.eq_ignore_ascii_case("content-length") {
            *value = raw.len().to_string();
        }
    }
    // The capture's call to Stripe belongs to the settlement measured (its last invocation):
    // recorded beside its AWS calls, before the answer is queued.
    let settlement = chosen.get_mut("payment-settlements").ok_or("payment-settlements was not recorded")?;
    let at = settlement.exchanges.iter().position(|x| x.operation() == "SendMessage").ok_or("no queued answer")?;
    for (i, x) in stripe.served().into_iter().enumerate() {
        settlement.exchanges.insert(at + i, x);
    }
    Ok(chosen)
}

/// Delivers a Stripe event to the webhook, signed now with the runner's development secret.
async fn deliver_to_stripe_webhook(app: &Backoffice, event: &str) -> Result<(), BoxError> {
    let t = chrono::Utc::now().timestamp();
    let secret = backoffice_local::provision::LOCAL_STRIPE_WEBHOOK_SECRET;
    let signature =
        format!("t={t},v1={}", backoffice::gateway::signature::sign(secret, format!("{t}.{event}").as_bytes()));
    let delivered = app
        .invoke("POST", "/webhooks/payments/stripe", &[JSON, ("stripe-signature", &signature)], event.as_bytes())
        .await;
    if delivered.status() != 200 {
        return Err(format!("the Stripe delivery was refused: {}", delivered.status()).into());
    }
    Ok(())
}

/// Functions measured on their last invocation rather than their first: the scenario ends
/// with the one it wants measured (a receipt on a SKU with history, a lone alert, a capture).
fn measured_last(binary: &str) -> bool {
    matches!(binary, "adjust-stock" | "stock-alerts" | "payment-settlements")
}

/// Functions measured on an invocation of one record: they handle a batch's records at once,
/// each with reads of its own, and the replay answers each operation in recorded order, which
/// two records at once would interleave differently from run to run.
fn one_record(binary: &str) -> bool {
    binary == "notifier"
}

/// The route measured for each HTTP function: its busiest or most characteristic one.
fn preferred_route(binary: &str) -> Option<&'static str> {
    Some(match binary {
        "adjust-stock" => "POST /stock/{sku}/adjustments",
        "query-api" => "GET /orders/{id}",
        "place-order" => "POST /orders",
        "order-commands" => "POST /orders/{id}/cancel",
        "update-customer" => "POST /customers",
        "record-payment" => "POST /orders/{id}/payments",
        "update-fulfillment" => "POST /orders/{id}/fulfillment/shipped",
        "process-return" => "POST /orders/{id}/returns",
        "exports" => "POST /exports",
        "payment-webhooks" => "POST /webhooks/payments/{provider}",
        "conversations" => "POST /conversations",
        "shipping" => "GET /shipping/quote",
        "promotions" => "PUT /promotions/{code}",
        "purchasing" => "PUT /stock/{sku}/suppliers/{supplier_id}",
        _ => return None,
    })
}
