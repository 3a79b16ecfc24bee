//! Shipping methods through the API: a carrier's rate table saved and listed, and the
//! checkout's quotes computed from the products' weights and prices, checked against values
//! worked out by hand from the table below.

use backoffice_tests::{JSON, TestApp, spawn_app};
use serde_json::{Value, json};

fn bands(p: [i64; 3]) -> Value {
    json!([{"up_to_grams": 300, "price": p[0]}, {"up_to_grams": 1000, "price": p[1]}, {"up_to_grams": 5000, "price": p[2]}])
}

/// SEDEX: the city of São Paulo by CEP, the Southeast by state, the rest of Brazil; free from
/// R$300.00. PAC: all of Brazil, cheaper, no threshold.
async fn carriers(t: &TestApp) {
    let sedex = json!({"name": "SEDEX", "carrier": "Correios", "service_code": "03220", "currency": "BRL", "free_over": 30000,
    "rates": [
        {"zone": {"countries": ["BR"], "postal_codes": [{"from": "01000-000", "to": "05999-999"}]}, "bands": bands([990, 1290, 1990])},
        {"zone": {"countries": ["BR"], "states": ["SP", "RJ", "MG", "ES"]}, "bands": bands([1490, 1890, 2990])},
        {"zone": {"countries": ["BR"]}, "bands": bands([2190, 2790, 4490])}
    ]});
    let pac = json!({"name": "PAC", "carrier": "Correios", "service_code": "03298", "currency": "BRL",
        "rates": [{"zone": {"countries": ["BR"]}, "bands": bands([1590, 1990, 2890])}]});
    for (code, body) in [("sedex", sedex), ("pac", pac)] {
        let r = t.call("PUT", &format!("/shipping/methods/{code}"), &[JSON], &body.to_string()).await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    // A product of 400 g at R$50.00 and one of 2 kg at R$120.00
    for (sku, grams, price) in [("SHIP-L", 400, 5000), ("SHIP-H", 2000, 12000)] {
        let body = json!({"name": sku, "unit_price": {"amount": price, "currency": "BRL"}, "reorder_point": 0,
                          "reorder_quantity": 1, "weight_grams": grams});
        assert_eq!(t.call("PUT", &format!("/stock/{sku}"), &[JSON], &body.to_string()).await.status, 201);
    }
}

async fn quote(t: &TestApp, query: &str) -> Vec<(String, i64)> {
    let r = t.get(&format!("/shipping/quote?{query}")).await;
    assert_eq!(r.status, 200, "{query}: {}", r.text);
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["code"].as_str().unwrap().to_owned(), o["price"]["amount"].as_i64().unwrap()))
        .collect()
}

#[tokio::test]
async fn quotes_follow_the_rate_table_worked_out_by_hand() {
    let t = spawn_app().await;
    carriers(&t).await;
    let offers = |v: &[(&str, i64)]| v.iter().map(|(c, p)| ((*c).to_owned(), *p)).collect::<Vec<_>>();
    // One light unit (400 g) to Avenida Paulista (CEP in the city's range): SEDEX's city band
    // up to 1 kg, R$12.90; PAC up to 1 kg, R$19.90. Cheapest first.
    assert_eq!(
        quote(&t, "country=BR&state=SP&postal_code=01310-100&lines=SHIP-L:1").await,
        offers(&[("sedex", 1290), ("pac", 1990)])
    );
    // Two light and one heavy (2.8 kg, R$220.00) to Campinas: the Southeast band up to 5 kg,
    // R$29.90; PAC R$28.90.
    assert_eq!(
        quote(&t, "country=BR&state=SP&postal_code=13010-000&lines=SHIP-L:2,SHIP-H:1").await,
        offers(&[("pac", 2890), ("sedex", 2990)])
    );
    // Three heavy (6 kg) to Recife: over SEDEX's and PAC's last band: nothing serves it
    let too_heavy = t.get("/shipping/quote?country=BR&state=PE&postal_code=50000-000&lines=SHIP-H:3").await;
    assert_eq!(too_heavy.problem(422)["field"], "country");
    // R$300.00 and over ships free by SEDEX: 1 heavy + 4 light = R$320.00, 3.6 kg
    assert_eq!(
        quote(&t, "country=BR&state=PE&postal_code=50000-000&lines=SHIP-H:1,SHIP-L:4").await,
        offers(&[("sedex", 0), ("pac", 2890)])
    );
    // A destination outside every zone is refused, naming the field
    let abroad = t.get("/shipping/quote?country=PT&lines=SHIP-L:1").await;
    assert_eq!(abroad.problem(422)["field"], "country", "{}", abroad.text);
    // The methods are listed in code order
    let listed = t.get("/shipping/methods").await.body;
    let codes: Vec<&str> = listed["items"].as_array().unwrap().iter().map(|m| m["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["pac", "sedex"]);
    // A method no longer offered is not quoted; saving it again is 200
    // (what GET shows is what PUT takes, with the code and the version beside it)
    let mut pac = listed["items"][0].clone();
    for field in ["code", "version"] {
        pac.as_object_mut().unwrap().remove(field);
    }
    pac["active"] = false.into();
    let saved = t.call("PUT", "/shipping/methods/pac", &[JSON], &pac.to_string()).await;
    assert_eq!((saved.status, saved.body["version"].as_u64()), (200, Some(2)), "{}", saved.text);
    assert_eq!(quote(&t, "country=BR&state=SP&postal_code=01310-100&lines=SHIP-L:1").await, offers(&[("sedex", 1290)]));
}

#[tokio::test]
async fn bad_tables_and_quotes_are_refused_by_field_and_write_nothing() {
    let t = spawn_app().await;
    carriers(&t).await;
    let method = |rates: Value| json!({"name": "X", "carrier": "Y", "currency": "BRL", "rates": rates});
    for (body, field) in [
        (
            method(json!([{"zone": {"countries": ["BR"]}, "bands": [{"up_to_grams": 100, "price": -1}]}])),
            "rates[0].bands[0].price",
        ),
        (
            method(
                json!([{"zone": {"countries": ["BR"], "states": ["XX"]}, "bands": [{"up_to_grams": 1, "price": 1}]}]),
            ),
            "rates[0].zone.states[0]",
        ),
        (method(json!([])), "rates"),
        (json!({"name": "X", "carrier": "Y", "currency": "XYZ", "rates": []}), "currency"),
    ] {
        let r = t.call("PUT", "/shipping/methods/bad", &[JSON], &body.to_string()).await;
        assert_eq!(r.problem(422)["field"], Value::from(field), "{body}: {}", r.text);
    }
    assert_eq!(
        t.call("PUT", "/shipping/methods/Bad%20Code", &[JSON], &method(json!([])).to_string()).await.problem(422)["field"],
        "code"
    );
    assert_eq!(t.get("/shipping/methods").await.body["items"].as_array().unwrap().len(), 2, "nothing written");
    for (query, field) in [
        ("lines=SHIP-L:1", "country"),
        ("country=BR&lines=SHIP-L:0", "lines"),
        ("country=BR&lines=nope", "lines"),
        ("country=BR&postal_code=123&lines=SHIP-L:1", "postal_code"),
        ("country=BR&lines=UNKNOWN-1:1", "lines"),
        ("country=ZZ&lines=SHIP-L:1", "country"),
    ] {
        let r = t.get(&format!("/shipping/quote?{query}")).await;
        assert_eq!(r.problem(422)["field"], field, "{query}: {}", r.text);
    }
    // A product without a weight cannot be quoted, and says which
    t.register("NO-WEIGHT", 0).await;
    let r = t.get("/shipping/quote?country=BR&lines=NO-WEIGHT:1").await;
    assert!(r.problem(422)["detail"].as_str().unwrap().contains("NO-WEIGHT"), "{}", r.text);
}
