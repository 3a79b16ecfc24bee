//! Bad input: every case is a 4xx problem+json naming the field, and the table is unchanged.

use backoffice_tests::{JSON, spawn_app};

struct Case {
    name: &'static str,
    method: &'static str,
    path: String,
    headers: Vec<(&'static str, &'static str)>,
    body: Vec<u8>,
    status: u16,
    field: &'static str,
}

fn case(name: &'static str, method: &'static str, path: &str, body: &str, status: u16, field: &'static str) -> Case {
    Case { name, method, path: path.to_owned(), headers: vec![JSON], body: body.as_bytes().to_vec(), status, field }
}

const CATALOG: &str = r#""name":"Mug","reorder_point":1,"reorder_quantity":5"#;

#[tokio::test]
async fn bad_input_is_a_problem_naming_the_field_and_writes_nothing() {
    let t = spawn_app().await;
    t.register("BAD-1", 0).await;
    let adj = "/stock/BAD-1/adjustments";
    let put = "/stock/NEW-1";
    let homeless = t
        .call(
            "POST",
            "/customers",
            &[JSON],
            r#"{"name":"No Address","email":"nowhere@example.com","marketing_consent":{"granted":false}}"#,
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let order_without_address = format!(r#"{{"customer_id":"{homeless}","lines":[{{"sku":"BAD-1","quantity":1}}]}}"#);
    let customer = |name: &str, country: &str, tax_id: &str| {
        format!(
            r#"{{"name":"{name}","email":"c{}@example.com","marketing_consent":{{"granted":false}},
                "tax_id":{tax_id},
                "addresses":[{{"kind":"shipping","recipient":"R","line1":"L","city":"C","postal_code":"1","country":"{country}"}}]}}"#,
            name.len()
        )
    };
    let mut cases = vec![
        case("received with a negative delta", "POST", adj, r#"{"delta":-1,"reason":"received"}"#, 422, "delta"),
        case("damaged with a positive delta", "POST", adj, r#"{"delta":5,"reason":"damaged"}"#, 422, "delta"),
        case(
            "zero-width space in a reference",
            "POST",
            adj,
            r#"{"delta":1,"reason":"found","reference":"PO\u200B1"}"#,
            422,
            "reference",
        ),
        case(
            "zero price",
            "PUT",
            put,
            &format!(r#"{{{CATALOG},"unit_price":{{"amount":0,"currency":"BRL"}}}}"#),
            422,
            "unit_price.amount",
        ),
        case(
            "bidi override in a product name",
            "PUT",
            put,
            r#"{"name":"Mug\u202Egpj.exe","reorder_point":1,"reorder_quantity":5,"unit_price":{"amount":1,"currency":"BRL"}}"#,
            422,
            "name",
        ),
        case("unknown country", "POST", "/customers", &customer("Ana", "ZZ", "null"), 422, "addresses[0].country"),
        case(
            "bidi override in a customer name",
            "POST",
            "/customers",
            &customer("Ana\u{202E}Souza", "BR", "null"),
            422,
            "name",
        ),
        case(
            "symbols in a foreign tax id",
            "POST",
            "/customers",
            &customer("Ana Souza", "DE", r#"{"country":"DE","number":"DE<123>"}"#),
            422,
            "tax_id.number",
        ),
        case("an order with nowhere to ship", "POST", "/orders", &order_without_address, 422, "shipping_address"),
        case("malformed json", "POST", adj, r#"{"delta": 1, "reason": "#, 400, "*"),
        case("unknown field", "POST", adj, r#"{"delta":1,"reason":"found","colour":"red"}"#, 422, "colour"),
        case("zero delta", "POST", adj, r#"{"delta":0,"reason":"found"}"#, 422, "delta"),
        case("quantity as string", "POST", adj, r#"{"delta":"3","reason":"found"}"#, 422, "delta"),
        case("unknown reason", "POST", adj, r#"{"delta":1,"reason":"stolen"}"#, 422, "reason"),
        case(
            "negative count",
            "POST",
            adj,
            r#"{"set_on_hand":-1,"expected_on_hand":0,"reason":"count"}"#,
            422,
            "set_on_hand",
        ),
        case("missing body", "POST", adj, "", 400, "body"),
        case("json null", "POST", adj, "null", 422, "body"),
        case("deep nesting", "POST", adj, &format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)), 422, "*"),
        case(
            "fractional price",
            "PUT",
            put,
            &format!(r#"{{{CATALOG},"unit_price":{{"amount":19.9,"currency":"BRL"}}}}"#),
            422,
            "unit_price.amount",
        ),
        case(
            "negative price",
            "PUT",
            put,
            &format!(r#"{{{CATALOG},"unit_price":{{"amount":-1,"currency":"BRL"}}}}"#),
            422,
            "unit_price.amount",
        ),
        case(
            "unknown currency",
            "PUT",
            put,
            &format!(r#"{{{CATALOG},"unit_price":{{"amount":100,"currency":"BRX"}}}}"#),
            422,
            "unit_price.currency",
        ),
        case(
            "lower-case currency",
            "PUT",
            put,
            &format!(r#"{{{CATALOG},"unit_price":{{"amount":100,"currency":"brl"}}}}"#),
            422,
            "unit_price.currency",
        ),
        case(
            "negative reorder point",
            "PUT",
            put,
            r#"{"name":"Mug","reorder_point":-1,"reorder_quantity":5,"unit_price":{"amount":1,"currency":"BRL"}}"#,
            422,
            "reorder_point",
        ),
        case(
            "empty name",
            "PUT",
            put,
            r#"{"name":"  ","reorder_point":1,"reorder_quantity":5,"unit_price":{"amount":1,"currency":"BRL"}}"#,
            422,
            "name",
        ),
        case(
            "control character in sku",
            "PUT",
            "/stock/A%01B",
            &format!(r#"{{{CATALOG},"unit_price":{{"amount":1,"currency":"BRL"}}}}"#),
            422,
            "sku",
        ),
        case(
            "nul in sku",
            "PUT",
            "/stock/A%00B",
            &format!(r#"{{{CATALOG},"unit_price":{{"amount":1,"currency":"BRL"}}}}"#),
            422,
            "sku",
        ),
        case(
            "65-character sku",
            "PUT",
            &format!("/stock/{}", "S".repeat(65)),
            &format!(r#"{{{CATALOG},"unit_price":{{"amount":1,"currency":"BRL"}}}}"#),
            422,
            "sku",
        ),
        case("10 000-character sku", "GET", &format!("/stock/{}", "S".repeat(10_000)), "", 422, "sku"),
        case("bad idempotency key", "POST", adj, r#"{"delta":1,"reason":"found"}"#, 422, "idempotency-key"),
        case("unknown query parameter", "GET", "/stock/BAD-1?expand=all", "", 422, "expand"),
        case("low=maybe", "GET", "/stock?low=maybe", "", 422, "low"),
        case("unknown replenishment status", "GET", "/replenishments?status=maybe", "", 422, "status"),
    ];
    cases.iter_mut().find(|c| c.name == "bad idempotency key").unwrap().headers.push(("idempotency-key", "tab\there"));
    let mut wrong_type =
        case("wrong content type", "POST", adj, r#"{"delta":1,"reason":"found"}"#, 415, "content-type");
    wrong_type.headers = vec![("content-type", "text/plain")];
    cases.push(wrong_type);
    let mut invalid_utf8 = case("invalid utf-8", "POST", adj, "", 400, "*");
    invalid_utf8.body = vec![b'{', 0xff, 0xfe, b'}'];
    cases.push(invalid_utf8);
    let mut six = case("6 MB body", "POST", adj, "", 413, "note");
    six.body = format!(r#"{{"delta":1,"reason":"found","note":"{}"}}"#, "x".repeat(6 * 1024 * 1024)).into_bytes();
    cases.push(six);
    let mut huge = case("10 MB body", "POST", adj, "", 413, "note");
    huge.body =
        format!(r#"{{"delta":1,"reason":"found","note":"{}"}}"#, "x".repeat(10 * 1024 * 1024 - 100)).into_bytes();
    cases.push(huge);

    let before = t.table_items().await;
    for c in &cases {
        let response = t.app.invoke(c.method, &c.path, &c.headers, &c.body).await;
        let reply = backoffice_tests::Reply::from_response(response);
        assert_eq!(reply.status, c.status, "{}: {}", c.name, reply.text);
        let problem = reply.problem(c.status);
        let field = problem["field"].as_str().unwrap_or_else(|| panic!("{}: no field in {}", c.name, reply.text));
        if c.field != "*" {
            assert_eq!(field, c.field, "{}: {}", c.name, reply.text);
        }
    }
    assert_eq!(t.table_items().await, before, "bad input wrote nothing");
}
