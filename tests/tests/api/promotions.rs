//! Promotions and shipping on the order: coupons never redeemed past their limit under any
//! concurrency and given back once by a cancellation, discounts spread over the lines so a
//! return refunds what the customer paid, and the shipping charge computed or given.

use backoffice_tests::{JSON, Reply, TestApp, spawn_app};
use serde_json::{Value, json};

async fn promotion(t: &TestApp, code: &str, body: Value) -> Reply {
    t.call("PUT", &format!("/promotions/{code}"), &[JSON], &body.to_string()).await
}

fn order_body(t: &TestApp, lines: &[(&str, u64)], extra: Value) -> String {
    let lines: Vec<Value> = lines.iter().map(|(sku, q)| json!({"sku": sku, "quantity": q})).collect();
    let mut body = json!({"customer_id": t.customer, "lines": lines});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body.to_string()
}

async fn order_with(t: &TestApp, lines: &[(&str, u64)], extra: Value) -> Reply {
    t.call("POST", "/orders", &[JSON], &order_body(t, lines, extra)).await
}

fn codes(order: &Value) -> Vec<String> {
    order["discounts"].as_array().map_or(vec![], |d| d.iter().map(|d| d["code"].as_str().unwrap().to_owned()).collect())
}

#[tokio::test]
async fn two_hundred_orders_race_for_a_coupon_of_fifty_uses_and_ten_cancellations_give_ten_back() {
    let t = spawn_app().await;
    t.stocked("PROMO-RACE", 1000, 2000, "BRL", 0).await;
    let made = promotion(
        &t,
        "natal50",
        json!({"name": "Natal", "benefit": {"kind": "percent_off", "percent": 10}, "currency": "BRL", "limit": 50}),
    )
    .await;
    assert_eq!((made.status, made.body["code"].as_str()), (201, Some("NATAL50")), "{}", made.text);
    // Given 200 orders at once, half refusing to go without the coupon and half placed without it
    let bodies: Vec<String> = (0..200)
        .map(|i| {
            let policy = if i % 2 == 0 { "refuse" } else { "place_without" };
            // The code as customers type it: any case.
            let coupon = if i % 3 == 0 { "Natal50" } else { "NATAL50" };
            order_body(&t, &[("PROMO-RACE", 1)], json!({"coupon": coupon, "if_coupon_refused": policy}))
        })
        .collect();
    let answers = futures::future::join_all(bodies.iter().map(|b| t.call("POST", "/orders", &[JSON], b))).await;
    // Then exactly 50 redeemed it
    let with: Vec<&Reply> = answers.iter().filter(|a| a.status == 201 && codes(&a.body) == ["NATAL50"]).collect();
    assert_eq!(with.len(), 50);
    assert!(with.iter().all(|a| a.body["total"]["amount"] == 1800), "10 % off R$20.00");
    // and every other one was refused or placed without it, as its request said
    for (i, a) in answers.iter().enumerate() {
        if a.status == 201 && !codes(&a.body).is_empty() {
            continue;
        }
        if i % 2 == 0 {
            assert_eq!(a.problem(409)["field"], "coupon", "request {i}: {}", a.text);
        } else {
            assert_eq!((a.status, a.body["total"]["amount"].as_i64()), (201, Some(2000)), "request {i}: {}", a.text);
        }
    }
    let placed = answers.iter().filter(|a| a.status == 201).count() as u64;
    assert_eq!(t.stock("PROMO-RACE").await["reserved"].as_u64(), Some(placed), "refused orders reserved nothing");
    let shown = t.get("/promotions/natal50").await.body;
    assert_eq!((shown["redeemed"].as_u64(), shown["remaining"].as_u64()), (Some(50), Some(0)), "{shown}");

    // When 10 of the redeeming orders are cancelled (one of them twice)
    for a in with.iter().take(10) {
        let id = a.body["id"].as_str().unwrap();
        let r = t.call("POST", &format!("/orders/{id}/cancel"), &[JSON], r#"{"reason":"changed mind"}"#).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let first = with[0].body["id"].as_str().unwrap();
    let again = t.call("POST", &format!("/orders/{first}/cancel"), &[JSON], r#"{"reason":"changed mind"}"#).await;
    assert_eq!(again.status, 200);
    // Then 10 redemptions are back, and exactly 10 more orders get the coupon
    let shown = t.get("/promotions/NATAL50").await.body;
    assert_eq!((shown["redeemed"].as_u64(), shown["remaining"].as_u64()), (Some(40), Some(10)), "{shown}");
    let more =
        futures::future::join_all((0..15).map(|_| order_with(&t, &[("PROMO-RACE", 1)], json!({"coupon": "natal50"}))))
            .await;
    assert_eq!(more.iter().filter(|a| a.status == 201).count(), 10);
    assert_eq!(more.iter().filter(|a| a.status == 409).count(), 5);
    t.assert_conserved().await;
}

/// SEDEX to São Paulo state: R$12.90 up to 1 kg.
async fn sedex(t: &TestApp) {
    let body = json!({"name": "SEDEX", "carrier": "Correios", "service_code": "03220", "currency": "BRL",
        "rates": [{"zone": {"countries": ["BR"], "states": ["SP"]}, "bands": [{"up_to_grams": 1000, "price": 1290}]}]});
    assert_eq!(t.call("PUT", "/shipping/methods/sedex", &[JSON], &body.to_string()).await.status, 201);
}

async fn weighed(t: &TestApp, sku: &str, price: i64, grams: u64) {
    t.stocked(sku, 20, price, "BRL", 0).await;
    let body = json!({"name": format!("Product {sku}"), "unit_price": {"amount": price, "currency": "BRL"},
                      "reorder_point": 0, "reorder_quantity": 10, "weight_grams": grams});
    assert_eq!(t.call("PUT", &format!("/stock/{sku}"), &[JSON], &body.to_string()).await.status, 200);
}

fn to_sao_paulo() -> Value {
    json!({"recipient": "Ana", "line1": "Av. Paulista, 1000", "city": "São Paulo", "region": "SP",
           "postal_code": "01310-100", "country": "BR"})
}

#[tokio::test]
async fn a_real_off_three_lines_is_34_33_33_and_returning_one_line_refunds_what_was_paid_for_it() {
    let t = spawn_app().await;
    sedex(&t).await;
    for sku in ["THIRD-A", "THIRD-B", "THIRD-C"] {
        weighed(&t, sku, 333, 100).await;
    }
    assert_eq!(
        promotion(
            &t,
            "UMREAL",
            json!({"name": "Um real", "benefit": {"kind": "amount_off", "amount": 100}, "currency": "BRL"})
        )
        .await
        .status,
        201
    );
    // Given three lines of R$3.33 with the R$1.00 coupon, shipped by SEDEX to São Paulo
    let placed = order_with(
        &t,
        &[("THIRD-A", 1), ("THIRD-B", 1), ("THIRD-C", 1)],
        json!({"coupon": "umreal", "shipping_method": "sedex", "shipping_address": to_sao_paulo()}),
    )
    .await;
    assert_eq!(placed.status, 201, "{}", placed.text);
    let o = &placed.body;
    // Then the totals read lines, discounts, shipping and total, and the discount is 34/33/33
    let totals = &o["totals"];
    assert_eq!(
        [&totals["lines"], &totals["discounts"], &totals["shipping"], &totals["total"]].map(|m| m["amount"].as_i64()),
        [Some(999), Some(100), Some(1290), Some(2189)]
    );
    assert_eq!(o["total"]["amount"], 2189);
    let shares: Vec<i64> =
        o["lines"].as_array().unwrap().iter().map(|l| l["discount"]["amount"].as_i64().unwrap()).collect();
    assert_eq!(shares, [34, 33, 33]);
    assert_eq!(
        (o["shipping"]["method"].as_str(), o["shipping"]["amount"]["amount"].as_i64(), o["shipping"]["basis"].as_str()),
        (Some("sedex"), Some(1290), Some("computed"))
    );
    // When it is paid, shipped, and the first line comes back
    let id = o["id"].as_str().unwrap();
    assert_eq!(t.pay(id, 2189, "gw-third").await.status, 201);
    t.app.settle().await.unwrap();
    assert_eq!(t.step(id, "packed", "").await.status, 200);
    assert_eq!(t.step(id, "shipped", r#"{"carrier":"Correios","tracking_number":"BR9"}"#).await.status, 200);
    let body = json!({"lines": [{"sku": "THIRD-A", "quantity": 1, "reason": "did not fit"}]});
    let opened = t.call("POST", &format!("/orders/{id}/returns"), &[JSON], &body.to_string()).await;
    assert_eq!(opened.status, 201, "{}", opened.text);
    let ret = opened.body["id"].as_str().unwrap();
    let receipt = json!({"lines": [{"sku": "THIRD-A", "received": 1, "damaged": 0}]}).to_string();
    let received = t.call("POST", &format!("/returns/{ret}/receive"), &[JSON], &receipt).await;
    // Then it refunds its price less its share: 333 − 34 = 299 centavos
    assert_eq!(received.body["refund_due"]["amount"], 299, "{}", received.text);
    t.assert_conserved().await;
}

#[tokio::test]
async fn the_shipping_charge_is_computed_or_given_and_refused_where_the_method_does_not_ship() {
    let t = spawn_app().await;
    sedex(&t).await;
    weighed(&t, "SHIP-O", 5000, 400).await;
    t.stocked("SHIP-NOW", 20, 5000, "BRL", 0).await;
    let before = t.stock("SHIP-O").await;
    // A destination outside every zone is refused, naming the method, and reserves nothing
    let curitiba = json!({"recipient": "Ana", "line1": "Rua XV, 1", "city": "Curitiba", "region": "PR",
                          "postal_code": "80000-000", "country": "BR"});
    let r = order_with(&t, &[("SHIP-O", 1)], json!({"shipping_method": "sedex", "shipping_address": curitiba})).await;
    assert_eq!(r.problem(422)["field"], "shipping_method", "{}", r.text);
    // So is a given charge there: the method must still serve the destination
    let r = order_with(
        &t,
        &[("SHIP-O", 1)],
        json!({"shipping_method": "sedex", "shipping_charge": 990, "shipping_address": curitiba}),
    )
    .await;
    assert_eq!(r.problem(422)["field"], "shipping_method");
    // An unknown method, a charge without a method, a negative charge, an unweighed product
    for (lines, extra, field) in [
        (vec![("SHIP-O", 1)], json!({"shipping_method": "drone"}), "shipping_method"),
        (vec![("SHIP-O", 1)], json!({"shipping_charge": 990}), "shipping_charge"),
        (vec![("SHIP-O", 1)], json!({"shipping_method": "sedex", "shipping_charge": -1}), "shipping_charge"),
        (vec![("SHIP-NOW", 1)], json!({"shipping_method": "sedex", "shipping_address": to_sao_paulo()}), "lines"),
    ] {
        let r = order_with(&t, &lines, extra).await;
        assert_eq!(r.problem(422)["field"], field, "{}", r.text);
    }
    assert_eq!(t.stock("SHIP-O").await, before, "nothing reserved");
    // Given by the storefront: recorded as given
    let r = order_with(
        &t,
        &[("SHIP-O", 1)],
        json!({"shipping_method": "sedex", "shipping_charge": 990, "shipping_address": to_sao_paulo()}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        (r.body["shipping"]["basis"].as_str(), r.body["total"]["amount"].as_i64()),
        (Some("given"), Some(5000 + 990))
    );
    // An order without a method charges no shipping, as before
    let r = order_with(&t, &[("SHIP-NOW", 1)], json!({})).await;
    assert_eq!((r.status, r.body["totals"]["shipping"]["amount"].as_i64()), (201, Some(0)));
    t.assert_conserved().await;
}

#[tokio::test]
async fn automatic_promotions_apply_without_a_code_until_paused_or_used_up() {
    let t = spawn_app().await;
    sedex(&t).await;
    weighed(&t, "AUTO-P", 10_000, 400).await;
    // Given free shipping for everyone (one use per customer) and 5 % off, combinable
    let frete = json!({"name": "Frete grátis", "automatic": true, "combinable": true, "benefit": {"kind": "free_shipping"},
                       "currency": "BRL", "per_customer_limit": 1});
    assert_eq!(promotion(&t, "FRETEGRATIS", frete.clone()).await.status, 201);
    let five = json!({"name": "Cinco", "automatic": true, "combinable": true,
                      "benefit": {"kind": "percent_off", "percent": 5}, "currency": "BRL"});
    assert_eq!(promotion(&t, "CINCO", five.clone()).await.status, 201);
    let ship = json!({"shipping_method": "sedex", "shipping_address": to_sao_paulo()});
    // The first order gets both
    let first = order_with(&t, &[("AUTO-P", 1)], ship.clone()).await;
    assert_eq!(codes(&first.body), ["CINCO", "FRETEGRATIS"], "{}", first.text);
    assert_eq!(first.body["total"]["amount"], 9500);
    // The second, by the same customer, no longer ships free (its per-customer limit)
    let second = order_with(&t, &[("AUTO-P", 1)], ship.clone()).await;
    assert_eq!(
        (codes(&second.body), second.body["total"]["amount"].as_i64()),
        (vec!["CINCO".to_owned()], Some(9500 + 1290))
    );
    // Cancelling the first gives the customer's use back
    let id = first.body["id"].as_str().unwrap();
    assert_eq!(t.call("POST", &format!("/orders/{id}/cancel"), &[JSON], r#"{"reason":"x"}"#).await.status, 200);
    let third = order_with(&t, &[("AUTO-P", 1)], ship.clone()).await;
    assert_eq!(codes(&third.body), ["CINCO", "FRETEGRATIS"]);
    // Paused, it no longer applies; the list shows both with their redemptions
    let mut paused = five;
    paused["active"] = json!(false);
    assert_eq!(promotion(&t, "cinco", paused).await.status, 200);
    let fourth = order_with(&t, &[("AUTO-P", 1)], ship).await;
    assert_eq!(codes(&fourth.body), Vec::<String>::new(), "{}", fourth.text);
    let listed = t.get("/promotions").await.body;
    let rows: Vec<(String, u64, bool)> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (p["code"].as_str().unwrap().to_owned(), p["redeemed"].as_u64().unwrap(), p["active"].as_bool().unwrap())
        })
        .collect();
    assert_eq!(rows, [("CINCO".to_owned(), 2, false), ("FRETEGRATIS".to_owned(), 1, true)]);
    t.assert_conserved().await;
}

#[tokio::test]
async fn bad_promotions_and_coupons_are_refused_naming_the_field_and_write_nothing() {
    let t = spawn_app().await;
    t.stocked("PROMO-BAD", 20, 1000, "BRL", 0).await;
    let good = json!({"name": "Dez", "benefit": {"kind": "percent_off", "percent": 10}, "currency": "BRL"});
    for (code, patch, field) in [
        ("DEZ", json!({"benefit": {"kind": "percent_off", "percent": 101}}), "benefit.percent"),
        ("DEZ", json!({"benefit": {"kind": "amount_off", "amount": -100}}), "benefit.amount"),
        ("DEZ", json!({"limit": 0}), "limit"),
        ("DEZ", json!({"currency": "REAL"}), "currency"),
        ("DEZ", json!({"starts_at": "2026-12-31T00:00:00Z", "ends_at": "2026-12-01T00:00:00Z"}), "ends_at"),
        ("DE%20Z", json!({}), "code"),
        ("D%07Z", json!({}), "code"),
    ] {
        let mut body = good.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = promotion(&t, code, body).await;
        assert_eq!(r.problem(422)["field"], field, "{code} {patch}: {}", r.text);
    }
    assert_eq!(t.get("/promotions").await.body["items"], json!([]), "nothing written");
    let before = t.stock("PROMO-BAD").await;
    for (coupon, field, status) in
        [("DEZ\u{0}", "coupon", 422), ("DE\nZ", "coupon", 422), ("NOPE", "coupon", 422), ("D", "coupon", 422)]
    {
        let r = order_with(&t, &[("PROMO-BAD", 1)], json!({"coupon": coupon})).await;
        assert_eq!(r.problem(status)["field"], field, "{coupon:?}: {}", r.text);
    }
    let r = order_with(&t, &[("PROMO-BAD", 1)], json!({"coupon": "DEZ", "if_coupon_refused": "maybe"})).await;
    assert_eq!(r.problem(422)["field"], "if_coupon_refused");
    assert_eq!(t.stock("PROMO-BAD").await, before, "nothing reserved");
    // A negative shipping rate is refused naming the band
    let negative = json!({"name": "X", "carrier": "Y", "currency": "BRL",
        "rates": [{"zone": {"countries": ["BR"]}, "bands": [{"up_to_grams": 1000, "price": -1}]}]});
    let r = t.call("PUT", "/shipping/methods/neg", &[JSON], &negative.to_string()).await;
    assert_eq!(r.problem(422)["field"], "rates[0].bands[0].price");
    assert_eq!(t.get("/shipping/methods").await.body["items"], json!([]));
}

#[tokio::test]
async fn reports_show_gross_sales_discounts_shipping_and_net_per_day_promotion_and_channel() {
    let t = spawn_app().await;
    sedex(&t).await;
    weighed(&t, "REP-P", 10_000, 400).await;
    let coupon = json!({"name": "Um real", "benefit": {"kind": "amount_off", "amount": 100}, "currency": "BRL", "combinable": true});
    assert_eq!(promotion(&t, "UMREAL", coupon).await.status, 201);
    let frete = json!({"name": "Frete", "automatic": true, "combinable": true, "benefit": {"kind": "free_shipping"}, "currency": "BRL"});
    assert_eq!(promotion(&t, "FRETE", frete).await.status, 201);
    // Given a web order with the coupon and a manual one without: both ship free
    let ship = |extra: Value| {
        let mut body = json!({"shipping_method": "sedex", "shipping_address": to_sao_paulo()});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let web = order_with(&t, &[("REP-P", 1)], ship(json!({"coupon": "umreal"}))).await;
    assert_eq!((web.status, web.body["total"]["amount"].as_i64()), (201, Some(9900)), "{}", web.text);
    let manual = order_with(&t, &[("REP-P", 1)], ship(json!({"channel": "manual"}))).await;
    assert_eq!((manual.status, manual.body["total"]["amount"].as_i64()), (201, Some(10_000)), "{}", manual.text);
    t.app.settle().await.unwrap();
    let today = chrono::Utc::now().date_naive();
    let t = &t;
    let report = |group: &str| {
        let path = format!("/reports/sales?from={today}&to={today}{group}");
        async move { t.get(&path).await.body }
    };
    // Then the day reads gross sales 200.00, discounts 26.80 (1.00 + two free shippings), shipping
    // 25.80, net sales 173.20, and the orders' totals 199.00
    let day = &report("").await["days"][0];
    let figures = |r: &Value| {
        ["orders_placed", "gross_sales", "discounts", "shipping", "net_sales", "gross_ordered"]
            .map(|k| r[k].as_i64().unwrap())
    };
    assert_eq!(figures(day), [2, 20_000, 2680, 2580, 17_320, 19_900], "{day}");
    // Per promotion: the orders that redeemed each, with that promotion's discount alone
    let keyed = |report: Value| -> Vec<(String, [i64; 6])> {
        report["rows"].as_array().unwrap().iter().map(|r| (r["key"].as_str().unwrap().to_owned(), figures(r))).collect()
    };
    assert_eq!(
        keyed(report("&group_by=promotion").await),
        [
            ("FRETE".to_owned(), [2, 20_000, 2580, 2580, 17_420, 19_900]),
            ("UMREAL".to_owned(), [1, 10_000, 100, 1290, 9900, 9900])
        ]
    );
    // Per channel
    assert_eq!(
        keyed(report("&group_by=channel").await),
        [
            ("manual".to_owned(), [1, 10_000, 1290, 1290, 8710, 10_000]),
            ("web".to_owned(), [1, 10_000, 1390, 1290, 8610, 9900])
        ]
    );
    let bad = t.get(&format!("/reports/sales?from={today}&to={today}&group_by=sku")).await;
    assert_eq!(bad.problem(422)["field"], "group_by");
}

#[tokio::test]
async fn an_order_that_expires_unpaid_gives_its_coupon_back_once() {
    let t = backoffice_tests::spawn_app_with(&[("PAYMENT_HOLD_SECONDS", "2")]).await;
    t.stocked("PROMO-EXP", 10, 1000, "BRL", 0).await;
    let coupon = json!({"name": "Um", "benefit": {"kind": "amount_off", "amount": 100}, "currency": "BRL", "limit": 1, "per_customer_limit": 1});
    assert_eq!(promotion(&t, "UMUSO", coupon).await.status, 201);
    // Given the coupon's one use taken by an order left unpaid
    let placed = order_with(&t, &[("PROMO-EXP", 1)], json!({"coupon": "umuso"})).await;
    assert_eq!((placed.status, codes(&placed.body)), (201, vec!["UMUSO".to_owned()]), "{}", placed.text);
    assert_eq!(order_with(&t, &[("PROMO-EXP", 1)], json!({"coupon": "umuso"})).await.problem(409)["field"], "coupon");
    // When its hold runs out and expiry runs twice
    let due: chrono::DateTime<chrono::Utc> = placed.body["payment_due_at"].as_str().unwrap().parse().unwrap();
    tokio::time::sleep((due - chrono::Utc::now()).to_std().unwrap_or_default() + std::time::Duration::from_millis(300))
        .await;
    let run = t.app.run_schedules().await;
    assert_eq!(run[0].1["expired"], 1, "{run:?}");
    assert_eq!(t.app.run_schedules().await[0].1["expired"], 0);
    // Then the use is back once: everyone's and the customer's
    assert_eq!(t.get("/promotions/UMUSO").await.body["redeemed"], 0);
    let again = order_with(&t, &[("PROMO-EXP", 1)], json!({"coupon": "umuso"})).await;
    assert_eq!((again.status, codes(&again.body)), (201, vec!["UMUSO".to_owned()]), "{}", again.text);
    t.assert_conserved().await;
}
