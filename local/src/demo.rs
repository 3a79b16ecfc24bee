//! Demo data, loaded through the handlers themselves (so it obeys every rule) and idempotent:
//! catalog PUTs are idempotent and each receipt carries a fixed Idempotency-Key.

use crate::{Backoffice, BoxError};

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
    println!("demo data: {} products (CAP-BLACK starts below its reorder point)", PRODUCTS.len());
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
