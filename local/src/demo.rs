//! Demo data, loaded through the handlers themselves (so it obeys every rule) and idempotent:
//! catalog PUTs are idempotent, each receipt carries a fixed Idempotency-Key, and the demo
//! customer and their orders are made only when no customer has the demo address yet.

use crate::{Backoffice, BoxError, Identity};
use serde_json::{Value, json};

const CUSTOMER_EMAIL: &str = "ana.demo@example.com";

/// One call as the development identity; the answer's JSON, or an error naming the call.
async fn call(app: &Backoffice, identity: &Identity, method: &str, path: &str, body: Value) -> Result<Value, BoxError> {
    let json = [("content-type", "application/json")];
    let payload = if body.is_null() { Vec::new() } else { body.to_string().into_bytes() };
    let r = app.invoke_as(identity, method, path, &json, &payload).await;
    let status = r.status();
    let answer = serde_json::from_slice(r.body()).unwrap_or(Value::Null);
    if !status.is_success() {
        return Err(format!("demo {method} {path} answered {status}: {answer}").into());
    }
    Ok(answer)
}

/// A customer with a default address and three orders: one awaiting payment, one paid (the
/// fulfillment worker then starts picking it) and one cancelled.
async fn customer_and_orders(app: &Backoffice, identity: &Identity) -> Result<bool, BoxError> {
    let found = call(app, identity, "GET", &format!("/customers?email={CUSTOMER_EMAIL}"), Value::Null).await?;
    if found["items"].as_array().is_some_and(|items| !items.is_empty()) {
        return Ok(false);
    }
    let customer = call(
        app,
        identity,
        "POST",
        "/customers",
        json!({
            "name": "Ana Demo", "email": CUSTOMER_EMAIL, "phone": "+5511990000000",
            "addresses": [{"kind": "shipping", "default": true, "recipient": "Ana Demo", "line1": "Rua Augusta, 1500",
                           "city": "São Paulo", "postal_code": "01304-001", "country": "BR"}],
            "marketing_consent": {"granted": false},
        }),
    )
    .await?;
    let id = customer["id"].as_str().ok_or("demo customer without an id")?;
    let mut orders = Vec::new();
    for lines in [
        json!([{"sku": "MUG-CLASSIC", "quantity": 2}]),
        json!([{"sku": "TEE-LOGO-M", "quantity": 1}]),
        json!([{"sku": "MUG-CLASSIC", "quantity": 1}]),
    ] {
        let order = call(app, identity, "POST", "/orders", json!({"customer_id": id, "lines": lines})).await?;
        orders.push((order["id"].as_str().ok_or("demo order without an id")?.to_owned(), order["total"].clone()));
    }
    let (paid, total) = &orders[1];
    let payment = json!({"amount": total, "method": "pix", "gateway_reference": "DEMO-PIX-1"});
    call(app, identity, "POST", &format!("/orders/{paid}/payments"), payment).await?;
    let cancelled = &orders[2].0;
    call(
        app,
        identity,
        "POST",
        &format!("/orders/{cancelled}/cancel"),
        json!({"reason": "customer changed their mind"}),
    )
    .await?;
    Ok(true)
}

const PRODUCTS: &[(&str, &str, i64, &str, u64, u64, i64)] = &[
    // sku, name, price (minor units), currency, reorder point, reorder quantity, initial receipt
    ("MUG-CLASSIC", "Classic ceramic mug 300 ml", 4990, "BRL", 10, 50, 40),
    ("TEE-LOGO-M", "Logo T-shirt, size M", 7990, "BRL", 5, 30, 12),
    ("CAP-BLACK", "Black cap", 5990, "BRL", 8, 20, 6),
];

pub async fn load(app: &Backoffice) -> Result<(), BoxError> {
    // Loaded as the development identity, whatever the runner's auth mode.
    let identity = app.identity.clone();
    let json = [("content-type", "application/json")];
    for (sku, name, price, currency, reorder_point, reorder_quantity, receipt) in PRODUCTS {
        let body = serde_json::json!({
            "name": name,
            "unit_price": { "amount": price, "currency": currency },
            "reorder_point": reorder_point,
            "reorder_quantity": reorder_quantity,
        });
        let r = app.invoke_as(&identity, "PUT", &format!("/stock/{sku}"), &json, body.to_string().as_bytes()).await;
        if !r.status().is_success() {
            return Err(format!("demo PUT /stock/{sku} answered {}", r.status()).into());
        }
        let key = format!("demo-receipt-{sku}");
        let headers = [("content-type", "application/json"), ("idempotency-key", key.as_str())];
        let body = serde_json::json!({ "delta": receipt, "reason": "received", "reference": "DEMO-PO-1" });
        let r = app
            .invoke_as(&identity, "POST", &format!("/stock/{sku}/adjustments"), &headers, body.to_string().as_bytes())
            .await;
        if !r.status().is_success() {
            return Err(format!("demo receipt for {sku} answered {}", r.status()).into());
        }
    }
    let shop = if customer_and_orders(app, &identity).await? {
        "; a customer with three orders (awaiting payment, paid, cancelled)"
    } else {
        ""
    };
    println!("demo data: {} products (CAP-BLACK starts below its reorder point){shop}", PRODUCTS.len());
    Ok(())
}

/// What the start-up banner suggests trying; the README walks through a whole order.
pub fn examples(base: &str) -> String {
    format!(
        r#"  curl -s {base}/stock/MUG-CLASSIC
  curl -s '{base}/stock?low=true'
  curl -s '{base}/replenishments?status=open'
  curl -s {base}/_local/queues
  The README's Examples place, pay, ship and return an order, step by step."#
    )
}
