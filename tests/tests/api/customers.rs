//! Customers: concurrent edits, unique e-mails, erasure and export, validation.

use backoffice_tests::{JSON, Reply, TestApp, spawn_app};
use serde_json::json;

const MERGE: (&str, &str) = ("content-type", "application/merge-patch+json");

async fn patch(t: &TestApp, id: &str, etag: &str, body: serde_json::Value) -> Reply {
    t.call("PATCH", &format!("/customers/{id}"), &[MERGE, ("if-match", etag)], &body.to_string()).await
}

fn full_customer(email: &str) -> serde_json::Value {
    json!({
        "name": "Maria Oliveira Santos",
        "email": email,
        "phone": "+5521987654321",
        "tax_id": {"country": "BR", "number": "529.982.247-25"},
        "addresses": [
            {"kind": "shipping", "default": true, "recipient": "Maria Oliveira Santos", "line1": "Avenida Atlântica, 1702",
             "city": "Rio de Janeiro", "region": "RJ", "postal_code": "22021-001", "country": "BR"},
            {"kind": "billing", "default": true, "recipient": "Maria Oliveira Santos", "line1": "Rua Visconde de Pirajá, 330",
             "city": "Rio de Janeiro", "postal_code": "22410-002", "country": "BR"}
        ],
        "marketing_consent": {"granted": true},
        "notes": "Prefers deliveries after 18h",
        "tags": ["vip"]
    })
}

#[tokio::test]
async fn two_concurrent_patches_with_the_same_etag_one_wins_one_gets_412() {
    let t = spawn_app().await;
    let id = t.customer.clone();
    let etag = t.get(&format!("/customers/{id}")).await.headers["etag"].to_str().unwrap().to_owned();
    let (a, b) = tokio::join!(
        patch(&t, &id, &etag, json!({"name": "Name From A"})),
        patch(&t, &id, &etag, json!({"name": "Name From B"})),
    );
    let mut statuses = vec![a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, vec![200, 412], "a: {} b: {}", a.text, b.text);
    let winner = if a.status == 200 { &a } else { &b };
    let loser = if a.status == 412 { &a } else { &b };
    assert_eq!(loser.problem(412)["field"], "if-match");
    let now = t.get(&format!("/customers/{id}")).await;
    assert_eq!(now.body["name"], winner.body["name"], "the loser changed nothing");
    assert_eq!(now.headers["etag"], "\"2\"");
}

#[tokio::test]
async fn two_concurrent_creates_with_the_same_email_one_201_one_409() {
    let t = spawn_app().await;
    let (a, b) =
        tokio::join!(t.create_customer("Joao.Silva@Example.com"), t.create_customer("  joao.silva@example.COM "));
    let mut statuses = vec![a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, vec![201, 409], "a: {} b: {}", a.text, b.text);
    let loser = if a.status == 409 { &a } else { &b };
    assert_eq!(loser.problem(409)["field"], "email");
    let customers = t.count_items_with_sk("CUSTOMER").await;
    assert_eq!(customers, 2, "the test's buyer and one of the two");
}

#[tokio::test]
async fn patching_applies_merge_patch_rules_and_moves_the_email_guard() {
    let t = spawn_app().await;
    let created = t.call("POST", "/customers", &[JSON], &full_customer("maria@example.com").to_string()).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.headers["etag"], "\"1\"");
    let id = created.body["id"].as_str().unwrap().to_owned();

    let missing = t.call("PATCH", &format!("/customers/{id}"), &[MERGE], r#"{"name":"X"}"#).await;
    assert_eq!(missing.problem(428)["field"], "if-match");

    let r =
        patch(&t, &id, "\"1\"", json!({"phone": null, "email": "maria.santos@example.com", "tags": ["vip", "b2b"]}))
            .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body.get("phone").is_none(), "null removes a member");
    assert_eq!(r.body["email"], "maria.santos@example.com");
    assert_eq!(r.body["addresses"].as_array().unwrap().len(), 2, "untouched members stay");
    assert_eq!(r.headers["etag"], "\"2\"");

    // The old e-mail is free again; the new one is taken.
    assert_eq!(t.create_customer("maria@example.com").await.status, 201);
    assert_eq!(t.create_customer("maria.santos@example.com").await.problem(409)["field"], "email");
    // Taking another customer's e-mail by patch is refused.
    let r = patch(&t, &id, "\"2\"", json!({"email": "buyer@example.com"})).await;
    assert_eq!(r.problem(409)["field"], "email");

    let r = patch(&t, &id, "\"2\"", json!({"shoe_size": 38})).await;
    assert_eq!(r.problem(422)["field"], "shoe_size");
    let r = patch(&t, &id, "\"2\"", json!({"name": null})).await;
    assert_eq!(r.problem(422)["field"], "name");
    let r = patch(&t, &id, "\"1\"", json!({"name": "Stale"})).await;
    assert_eq!(r.problem(412)["current_etag"], "\"2\"");
    assert_eq!(t.get(&format!("/customers/{id}")).await.body["name"], "Maria Oliveira Santos");
}

#[tokio::test]
async fn erasure_removes_every_trace_of_personal_data_and_keeps_the_accounting() {
    let t = spawn_app().await;
    t.stocked("ERASE-SKU", 10, 1990, "BRL", 0).await;
    let created = t
        .call(
            "POST",
            "/customers",
            &[JSON, ("idempotency-key", "crm-1")],
            &full_customer("maria@example.com").to_string(),
        )
        .await;
    let id = created.body["id"].as_str().unwrap().to_owned();
    // An order with the copied default address, placed with an idempotency key (its stored
    // response holds the address too).
    let body = json!({"customer_id": id, "lines": [{"sku": "ERASE-SKU", "quantity": 2}]}).to_string();
    let order = t.call("POST", "/orders", &[JSON, ("idempotency-key", "cart-9")], &body).await;
    assert_eq!(order.status, 201, "{}", order.text);
    assert_eq!(order.body["shipping_address"]["line1"], "Avenida Atlântica, 1702", "default address copied");
    let order_id = order.body["id"].as_str().unwrap().to_owned();
    let export = t.get(&format!("/customers/{id}/export")).await;
    assert!(export.text.contains("Avenida Atlântica"), "export holds the data before erasure");

    // The order is open: its address is needed to deliver it, so erasure is refused and nothing
    // changes. Once the order is closed (here cancelled), erasure goes ahead.
    let before = t.table_items().await.len();
    let refused = t.call("POST", &format!("/customers/{id}/erase"), &[], "").await;
    assert_eq!(refused.problem(409)["type"], "/problems/open-orders");
    assert_eq!(refused.body["open_orders"], json!([order_id]));
    assert!(t.get(&format!("/orders/{order_id}")).await.text.contains("Avenida Atlântica"), "nothing was erased");
    assert_eq!(t.table_items().await.len(), before, "nothing was written");
    let cancelled =
        t.call("POST", &format!("/orders/{order_id}/cancel"), &[JSON], r#"{"reason":"asked to be forgotten"}"#).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);

    let erased = t.call("POST", &format!("/customers/{id}/erase"), &[], "").await;
    assert_eq!(erased.status, 200, "{}", erased.text);
    assert_eq!(erased.body["orders_redacted"], 1);
    assert_eq!(erased.body["stored_responses_deleted"], 2);
    assert_eq!(erased.body["customer"]["name"], "[erased]");

    let personal = [
        "Maria",
        "Oliveira",
        "maria@example.com",
        "+5521987654321",
        "52998224725",
        "Atlântica",
        "Pirajá",
        "22021-001",
        "deliveries after",
    ];
    let export = t.get(&format!("/customers/{id}/export")).await;
    let table = format!("{:?}", t.table_items().await);
    for needle in personal {
        assert!(!export.text.contains(needle), "export still holds {needle}");
        assert!(!table.contains(needle), "the table still holds {needle}");
    }
    let kept = t.get(&format!("/orders/{order_id}")).await;
    assert_eq!(kept.body["total"], json!({"amount": 3980, "currency": "BRL"}));
    assert_eq!(kept.body["lines"][0]["sku"], "ERASE-SKU");
    assert_eq!(kept.body["personal_data_erased"], true);
    assert_eq!(kept.body["customer_id"], id);

    let again = t.call("POST", &format!("/customers/{id}/erase"), &[], "").await;
    assert_eq!((again.status, again.body["orders_redacted"].as_u64()), (200, Some(0)), "idempotent");
    assert_eq!(t.create_customer("maria@example.com").await.status, 201, "the e-mail is free again");
    let refused = t.call("POST", "/orders", &[JSON], &body).await;
    assert_eq!(refused.problem(422)["field"], "customer_id", "an erased customer cannot order");
    let r = patch(&t, &id, "\"2\"", json!({"name": "Back"})).await;
    assert_eq!(r.status, 409, "{}", r.text);
}

#[tokio::test]
async fn a_customers_orders_are_listed_newest_first_through_the_index() {
    let t = spawn_app().await;
    t.stocked("LIST-SKU", 50, 100, "BRL", 0).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(t.place_order(&[("LIST-SKU", 1)], None).await.body["id"].as_str().unwrap().to_owned());
    }
    let page = t.get(&format!("/customers/{}/orders?limit=2", t.customer)).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let listed: Vec<&str> = page.body["items"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(listed, vec![ids[2].as_str(), ids[1].as_str()]);
    let cursor = page.body["next_cursor"].as_str().unwrap();
    let rest = t.get(&format!("/customers/{}/orders?limit=2&cursor={cursor}", t.customer)).await;
    assert_eq!(rest.body["items"][0]["id"], ids[0].as_str());
}

#[tokio::test]
async fn orders_hide_personal_fields_without_customers_read() {
    let t = spawn_app().await;
    t.stocked("PII-SKU", 5, 100, "BRL", 0).await;
    let id = t.place_order(&[("PII-SKU", 1)], None).await.body["id"].as_str().unwrap().to_owned();
    let clerk =
        backoffice_local::Identity::Claims { subject: "warehouse".into(), scopes: vec!["backoffice:read".into()] };
    let limited = t.call_as(&clerk, "GET", &format!("/orders/{id}"), &[], "").await;
    assert_eq!(limited.status, 200);
    assert!(limited.body.get("shipping_address").is_none(), "{}", limited.text);
    let full = t.get(&format!("/orders/{id}")).await;
    assert_eq!(full.body["shipping_address"]["city"], "Curitiba");
    let denied = t.call_as(&clerk, "GET", &format!("/customers/{}", t.customer), &[], "").await;
    denied.problem(403);
}

#[tokio::test]
async fn invalid_customers_are_problems_naming_the_field_and_write_nothing() {
    let t = spawn_app().await;
    let with = |field: &str, value: serde_json::Value| {
        let mut c = full_customer("valid@example.com");
        c[field] = value;
        c.to_string()
    };
    let mut two_defaults = full_customer("valid@example.com");
    two_defaults["addresses"][1]["kind"] = json!("shipping");
    let cases = vec![
        ("invalid email", with("email", json!("not-an-email")), 422, "email"),
        ("invalid phone", with("phone", json!("21 98765-4321")), 422, "phone"),
        ("bad CPF", with("tax_id", json!({"country": "BR", "number": "529.982.247-26"})), 422, "tax_id.number"),
        ("two default shipping", two_defaults.to_string(), 422, "addresses[1].default"),
        ("unknown field", with("shoe_size", json!(38)), 422, "shoe_size"),
        (
            "unknown address field",
            {
                let mut c = full_customer("valid@example.com");
                c["addresses"][0]["floor"] = json!(3);
                c.to_string()
            },
            422,
            "addresses[0].floor",
        ),
        ("2 MB notes", with("notes", json!("n".repeat(2 * 1024 * 1024))), 413, "notes"),
        ("3000-character notes", with("notes", json!("n".repeat(3000))), 422, "notes"),
        ("bad consent", with("marketing_consent", json!({"granted": "yes"})), 422, "marketing_consent.granted"),
    ];
    let before = t.table_items().await;
    for (name, body, status, field) in cases {
        let r = t.call("POST", "/customers", &[JSON], &body).await;
        assert_eq!(r.problem(status)["field"], field, "{name}: {}", r.text);
    }
    assert_eq!(t.table_items().await, before, "nothing written");
}

#[tokio::test]
async fn the_export_is_a_document_for_the_person_not_the_tables_items() {
    let t = spawn_app().await;
    t.stocked("EXPORT-1", 10, 1990, "BRL", 0).await;
    let created = t.call("POST", "/customers", &[JSON], &full_customer("export@example.com").to_string()).await;
    let id = created.body["id"].as_str().unwrap().to_owned();
    let withdrawn = t
        .call(
            "PATCH",
            &format!("/customers/{id}"),
            &[JSON, ("if-match", "\"1\"")],
            r#"{"marketing_consent":{"granted":false}}"#,
        )
        .await;
    assert_eq!(withdrawn.status, 200, "{}", withdrawn.text);
    let body = json!({"customer_id": id, "lines": [{"sku": "EXPORT-1", "quantity": 2}]}).to_string();
    let order = t.call("POST", "/orders", &[JSON, ("idempotency-key", "export-cart")], &body).await;
    let order_id = order.body["id"].as_str().unwrap().to_owned();
    assert_eq!(t.pay(&order_id, 3980, "gw-export").await.status, 201);
    t.app.settle().await.unwrap();

    let export = t.get(&format!("/customers/{id}/export")).await;
    assert_eq!(export.status, 200, "{}", export.text);
    let doc = &export.body;
    assert_eq!(doc["format"], "backoffice.customer-export/1");
    assert_eq!(doc["customer"]["email"], "export@example.com");
    assert_eq!(doc["customer"]["addresses"][0]["line1"], "Avenida Atlântica, 1702");
    let consent: Vec<bool> =
        doc["consent_history"].as_array().unwrap().iter().map(|c| c["granted"].as_bool().unwrap()).collect();
    assert_eq!(consent, [true, false], "given, then withdrawn");
    assert_eq!(doc["orders"][0]["order"]["id"], order_id.as_str());
    assert_eq!(doc["orders"][0]["order"]["lines"][0]["sku"], "EXPORT-1");
    assert_eq!(doc["orders"][0]["payments"][0]["amount"]["amount"], 3980);
    let told: Vec<&str> = doc["orders"][0]["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["event_type"].as_str().unwrap())
        .collect();
    assert!(told.contains(&"order.placed") && told.contains(&"order.paid"), "{told:?}");
    assert_eq!(doc["returns"], json!([]));
    for internal in ["\"pk\"", "\"sk\"", "gsi2pk", "IDEMPOTENCY", "\"payload\""] {
        assert!(!export.text.contains(internal), "the export shows the table's {internal}: {}", export.text);
    }
}

/// Erasing a customer while one of their orders is being placed: each checks the other's rule
/// (no open orders; not erased), so run side by side both could pass, leaving an order with
/// nowhere to ship. Both transactions touch the customer's open-order count, so one of them is
/// refused every time: 40 pairs raced, never both.
#[tokio::test]
async fn an_order_and_its_customers_erasure_raced_never_both_succeed() {
    let t = spawn_app().await;
    t.stocked("RACE-ERASE", 100, 500, "BRL", 0).await;
    let (mut placed, mut erased) = (0, 0);
    for i in 0..40 {
        let created = t.create_customer(&format!("race-{i}@example.org")).await;
        assert_eq!(created.status, 201, "{}", created.text);
        let id = created.body["id"].as_str().unwrap().to_owned();
        let order = json!({"customer_id": id, "lines": [{"sku": "RACE-ERASE", "quantity": 1}]}).to_string();
        let erase = format!("/customers/{id}/erase");
        let (o, e) = tokio::join!(t.call("POST", "/orders", &[JSON], &order), t.call("POST", &erase, &[], ""));
        match (o.status, e.status) {
            (201, 409) => {
                assert_eq!(e.body["type"], "/problems/open-orders", "{}", e.text);
                let shown = t.get(&format!("/orders/{}", o.body["id"].as_str().unwrap())).await;
                assert_eq!(shown.body["shipping_address"]["line1"], "Rua Teste, 1", "the order keeps its address");
                placed += 1;
            }
            (422, 200) => {
                assert_eq!(o.body["field"], "customer_id", "{}", o.text);
                erased += 1;
            }
            other => panic!("pair {i}: order {} / erasure {}: {other:?}", o.text, e.text),
        }
    }
    assert_eq!(placed + erased, 40);
    t.assert_conserved().await;
}

#[tokio::test]
async fn without_a_search_the_newest_customers_come_first_and_the_erased_are_not_listed() {
    let t = backoffice_tests::spawn_app().await;
    let mut ids = Vec::new();
    for email in ["first@example.com", "second@example.com", "third@example.com"] {
        let r = t.create_customer(email).await;
        assert_eq!(r.status, 201, "{}", r.text);
        ids.push(r.body["id"].as_str().unwrap().to_owned());
    }
    let page = t.get("/customers?limit=2").await;
    assert_eq!(page.status, 200, "{}", page.text);
    let listed: Vec<&str> = page.body["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(listed, [ids[2].as_str(), ids[1].as_str()], "newest first");
    let cursor = page.body["next_cursor"].as_str().expect("a next page");
    let rest = t.get(&format!("/customers?limit=2&cursor={cursor}")).await.body;
    let rest: Vec<&str> = rest["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(rest, [ids[0].as_str(), t.customer.as_str()], "then the older ones, the test's own buyer last");
    assert_eq!(t.call("POST", &format!("/customers/{}/erase", ids[1]), &[], "").await.status, 200);
    let all = t.get("/customers").await.body;
    assert!(!all.to_string().contains(&ids[1]), "an erased customer is not listed: {all}");
    assert_eq!(all["items"].as_array().unwrap().len(), 3);
}
