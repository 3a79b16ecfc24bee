//! Orders edited before packing: reservations move by the difference in one transaction and
//! never oversell, totals and discounts are worked out again, the balance shows what is owed
//! either way, and the timeline says who changed what.

use backoffice_tests::{JSON, Reply, TestApp, spawn_app};
use serde_json::{Value, json};

async fn edit(t: &TestApp, order: &str, body: Value) -> Reply {
    t.call("POST", &format!("/orders/{order}/edit"), &[JSON], &body.to_string()).await
}

fn id(r: &Reply) -> String {
    r.body["id"].as_str().unwrap_or_else(|| panic!("{}", r.text)).to_owned()
}

#[tokio::test]
async fn an_edit_racing_twenty_orders_for_the_same_sku_never_oversells() {
    let t = spawn_app().await;
    t.stocked("EDIT-RACE", 20, 1000, "BRL", 0).await;
    let first = t.place_order(&[("EDIT-RACE", 1)], None).await;
    let order = id(&first);
    // Given 19 available, an edit asking for 9 more races 20 orders of one unit each
    let edit_body = json!({"lines": [{"sku": "EDIT-RACE", "quantity": 10}]});
    let path = format!("/orders/{order}/edit");
    let body = edit_body.to_string();
    let (edited, placed) = tokio::join!(
        t.call("POST", &path, &[JSON], &body),
        futures::future::join_all((0..20).map(|_| t.place_order(&[("EDIT-RACE", 1)], None)))
    );
    let won = placed.iter().filter(|p| p.status == 201).count() as u64;
    assert!(placed.iter().all(|p| p.status == 201 || p.status == 409), "only placed or refused");
    let edited_units = match edited.status {
        200 => 10,
        409 => {
            assert_eq!(edited.body["type"], "/problems/insufficient-stock", "{}", edited.text);
            1
        }
        other => panic!("the edit answered {other}: {}", edited.text),
    };
    // Then never more is held than there is, and the edited order holds what it says
    let stock = t.stock("EDIT-RACE").await;
    assert_eq!(stock["reserved"].as_u64(), Some(edited_units + won), "{stock}");
    assert!(edited_units + won <= 20, "oversold: {} + {won}", edited_units);
    let o = t.get(&format!("/orders/{order}")).await.body;
    assert_eq!(o["lines"][0]["quantity"].as_u64(), Some(edited_units));
    t.assert_conserved().await;
}

#[tokio::test]
async fn an_edit_that_asks_for_more_than_is_available_is_refused_and_changes_nothing() {
    let t = spawn_app().await;
    t.stocked("EDIT-SHORT", 5, 1000, "BRL", 0).await;
    let order = id(&t.place_order(&[("EDIT-SHORT", 2)], None).await);
    let before = (t.stock("EDIT-SHORT").await, t.get(&format!("/orders/{order}")).await.body);
    let r = edit(&t, &order, json!({"lines": [{"sku": "EDIT-SHORT", "quantity": 6}]})).await;
    let problem = r.problem(409);
    assert_eq!(problem["shortages"][0]["available"], 3, "{}", r.text);
    let after = (t.stock("EDIT-SHORT").await, t.get(&format!("/orders/{order}")).await.body);
    assert_eq!(after, before, "nothing changed, no event written");
    // An edit that empties the order, or says nothing, is 422 naming the field
    for body in [json!({"lines": []}), json!({})] {
        let r = edit(&t, &order, body.clone()).await;
        assert_eq!(r.problem(422)["field"], "lines", "{body}: {}", r.text);
    }
    assert_eq!(edit(&t, &order, json!({"shipping_charge": -5})).await.problem(422)["field"], "shipping_charge");
    assert_eq!(t.stock("EDIT-SHORT").await, before.0);
}

/// SEDEX anywhere in Brazil: R$12.90 up to 1 kg, R$19.90 up to 5 kg.
async fn sedex(t: &TestApp) {
    let body = json!({"name": "SEDEX", "carrier": "Correios", "currency": "BRL",
        "rates": [{"zone": {"countries": ["BR"]}, "bands": [{"up_to_grams": 1000, "price": 1290}, {"up_to_grams": 5000, "price": 1990}]}]});
    assert_eq!(t.call("PUT", "/shipping/methods/sedex", &[JSON], &body.to_string()).await.status, 201);
}

async fn weighed(t: &TestApp, sku: &str, price: i64, grams: u64) {
    let body = json!({"name": format!("Product {sku}"), "unit_price": {"amount": price, "currency": "BRL"},
                      "reorder_point": 0, "reorder_quantity": 10, "weight_grams": grams});
    assert_eq!(t.call("PUT", &format!("/stock/{sku}"), &[JSON], &body.to_string()).await.status, 201);
    assert_eq!(t.adjust(sku, json!({"delta": 20, "reason": "received"})).await.status, 201);
}

#[tokio::test]
async fn an_edit_moves_reservations_and_works_out_shipping_discounts_and_the_balance_again() {
    let t = spawn_app().await;
    sedex(&t).await;
    weighed(&t, "EDIT-A", 2000, 300).await;
    weighed(&t, "EDIT-B", 3000, 300).await;
    weighed(&t, "EDIT-C", 5000, 1500).await;
    let coupon = json!({"name": "Dez", "benefit": {"kind": "percent_off", "percent": 10}, "currency": "BRL", "min_subtotal": 4000});
    assert_eq!(t.call("PUT", "/promotions/DEZ", &[JSON], &coupon.to_string()).await.status, 201);
    let body = json!({"customer_id": t.customer, "lines": [{"sku": "EDIT-A", "quantity": 1}, {"sku": "EDIT-B", "quantity": 1}],
                      "shipping_method": "sedex", "coupon": "dez"});
    let placed = t.call("POST", "/orders", &[JSON], &body.to_string()).await;
    // 50.00 − 5.00 + 12.90
    assert_eq!(placed.body["total"]["amount"], 5790, "{}", placed.text);
    let order = id(&placed);
    assert_eq!(t.pay(&order, 5790, "gw-edit").await.status, 201);
    t.app.settle().await.unwrap();

    // When staff take B off, make A two and add C (1.5 kg more: the 5 kg band)
    let r =
        edit(&t, &order, json!({"lines": [{"sku": "EDIT-A", "quantity": 2}, {"sku": "EDIT-C", "quantity": 1}]})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // Then lines 90.00, 10 % off 9.00, shipping 19.90: 100.90, of which 57.90 is paid
    let totals = &r.body["totals"];
    assert_eq!(
        [&totals["lines"], &totals["discounts"], &totals["shipping"], &totals["total"]].map(|m| m["amount"].as_i64()),
        [Some(9000), Some(900), Some(1990), Some(10_090)]
    );
    assert_eq!(
        (r.body["status"].as_str(), r.body["payment_status"].as_str()),
        (Some("pending_payment"), Some("partially_paid")),
        "it owes the difference again"
    );
    let mut reserved = Vec::new();
    for sku in ["EDIT-A", "EDIT-B", "EDIT-C"] {
        reserved.push(t.stock(sku).await["reserved"].as_u64().unwrap());
    }
    assert_eq!(reserved, [2, 0, 1]);
    let receivables = t.get("/receivables").await.body;
    assert!(receivables["items"].as_array().unwrap().iter().any(|o| o["order_id"] == order.as_str()), "{receivables}");

    // When it goes down to one A: 20.00 is under the coupon's minimum (dropped, given back),
    // shipping 12.90: 32.90, so 25.00 is owed back
    let r = edit(&t, &order, json!({"lines": [{"sku": "EDIT-A", "quantity": 1}]})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!((r.body["total"]["amount"].as_i64(), r.body["refund_due"]["amount"].as_i64()), (Some(3290), Some(2500)));
    assert_eq!(r.body["discounts"], Value::Null, "{}", r.text);
    assert_eq!(r.body["payment_status"], "paid");
    assert_eq!(t.get("/promotions/DEZ").await.body["redeemed"], 0);
    let owed = t.get("/refunds-owed").await.body;
    assert!(owed["items"].as_array().unwrap().iter().any(|o| o["order_id"] == order.as_str()), "{owed}");

    // The timeline says who changed what
    t.app.settle().await.unwrap();
    let o = t.get(&format!("/orders/{order}")).await.body;
    let edits: Vec<&Value> = o["timeline"].as_array().unwrap().iter().filter(|e| e["type"] == "order.edited").collect();
    assert_eq!(edits.len(), 2, "{o}");
    let last = &edits[1]["payload"];
    assert_eq!(
        last["lines"],
        json!([{"sku": "EDIT-A", "before": 2, "after": 1}, {"sku": "EDIT-C", "before": 1, "after": 0}])
    );
    assert_eq!(last["promotions_dropped"], json!(["DEZ"]));
    assert!(last["by"].as_str().is_some_and(|b| !b.is_empty()), "{last}");
    // The same edit again changes nothing
    let again = edit(&t, &order, json!({"lines": [{"sku": "EDIT-A", "quantity": 1}]})).await;
    assert_eq!((again.status, again.body["version"].clone()), (200, r.body["version"].clone()));
    t.assert_conserved().await;
}

#[tokio::test]
async fn a_packed_shipped_or_cancelled_order_cannot_be_edited() {
    let t = spawn_app().await;
    t.stocked("EDIT-LATE", 20, 1000, "BRL", 0).await;
    let lines = json!({"lines": [{"sku": "EDIT-LATE", "quantity": 2}]});
    let cancelled = id(&t.place_order(&[("EDIT-LATE", 1)], None).await);
    assert_eq!(t.call("POST", &format!("/orders/{cancelled}/cancel"), &[JSON], r#"{"reason":"x"}"#).await.status, 200);
    assert_eq!(edit(&t, &cancelled, lines.clone()).await.problem(409)["type"], "/problems/not-editable");
    let packed = id(&t.place_order(&[("EDIT-LATE", 1)], None).await);
    assert_eq!(t.pay(&packed, 1000, "gw-late").await.status, 201);
    t.app.settle().await.unwrap();
    // Picking: still editable (quantity 1 → 2, paid 10.00 of 20.00)
    let picking = edit(&t, &packed, lines.clone()).await;
    assert_eq!(
        (picking.status, picking.body["fulfillment_status"].as_str()),
        (200, Some("picking")),
        "{}",
        picking.text
    );
    assert_eq!(t.pay(&packed, 1000, "gw-late-2").await.status, 201);
    assert_eq!(t.step(&packed, "packed", "").await.status, 200);
    let before = t.stock("EDIT-LATE").await;
    let r = edit(&t, &packed, json!({"lines": [{"sku": "EDIT-LATE", "quantity": 3}]})).await;
    assert_eq!(r.problem(409)["type"], "/problems/not-editable", "{}", r.text);
    assert_eq!(t.stock("EDIT-LATE").await, before);
    t.assert_conserved().await;
}
