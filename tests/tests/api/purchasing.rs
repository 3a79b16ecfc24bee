//! Purchasing: suppliers and what each charges for a SKU, one of them preferred.

use backoffice_tests::{JSON, Reply, TestApp, spawn_app};
use serde_json::{Value, json};

fn supplier_body(name: &str) -> Value {
    json!({"name": name, "email": "vendas@fornecedor.example", "currency": "BRL", "lead_time_days": 10,
           "tax_id": {"country": "BR", "number": "11.222.333/0001-81"}})
}

async fn put(t: &TestApp, path: &str, body: Value) -> Reply {
    t.call("PUT", path, &[JSON], &body.to_string()).await
}

#[tokio::test]
async fn suppliers_and_their_terms_per_sku_with_one_preferred() {
    let t = spawn_app().await;
    t.stocked("BUY-1", 5, 2000, "BRL", 2).await;
    // Given two suppliers
    let made = put(&t, "/suppliers/ceramica-sul", supplier_body("Cerâmica Sul")).await;
    assert_eq!((made.status, made.body["version"].as_u64()), (201, Some(1)), "{}", made.text);
    assert_eq!(made.body["tax_id"]["number"], "11222333000181", "stored as digits");
    assert_eq!(put(&t, "/suppliers/barro-norte", supplier_body("Barro Norte")).await.status, 201);
    let again = put(&t, "/suppliers/ceramica-sul", supplier_body("Cerâmica do Sul")).await;
    assert_eq!((again.status, again.body["version"].as_u64()), (200, Some(2)));
    let listed = t.get("/suppliers").await.body;
    let ids: Vec<&str> = listed["items"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["barro-norte", "ceramica-sul"]);
    assert_eq!(t.get("/suppliers/ceramica-sul").await.body["name"], "Cerâmica do Sul");
    // When each quotes its terms for BUY-1: the first is preferred, the second only when asked
    let first = put(&t, "/stock/BUY-1/suppliers/barro-norte", json!({"unit_cost": 900, "pack_size": 6})).await;
    assert_eq!((first.status, first.body["preferred"].as_bool()), (201, Some(true)), "{}", first.text);
    assert_eq!(first.body["lead_time_days"], 10, "the supplier's own lead time");
    let second = put(&t, "/stock/BUY-1/suppliers/ceramica-sul", json!({"unit_cost": 850, "lead_time_days": 20})).await;
    assert_eq!((second.status, second.body["preferred"].as_bool()), (201, Some(false)));
    let chosen = put(
        &t,
        "/stock/BUY-1/suppliers/ceramica-sul",
        json!({"unit_cost": 840, "lead_time_days": 20, "preferred": true}),
    )
    .await;
    assert_eq!((chosen.status, chosen.body["version"].as_u64()), (200, Some(2)));
    // Then the SKU lists both, the preferred first
    let terms = t.get("/stock/BUY-1/suppliers").await.body;
    let rows: Vec<(&str, i64, bool)> = terms["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["supplier_id"].as_str().unwrap(),
                r["unit_cost"]["amount"].as_i64().unwrap(),
                r["preferred"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows, [("ceramica-sul", 840, true), ("barro-norte", 900, false)]);
}

#[tokio::test]
async fn bad_suppliers_and_terms_are_refused_naming_the_field_and_write_nothing() {
    let t = spawn_app().await;
    t.stocked("BUY-2", 5, 2000, "BRL", 2).await;
    for (patch, field) in [
        (json!({"email": "nobody"}), "email"),
        (json!({"currency": "REAL"}), "currency"),
        (json!({"lead_time_days": 400}), "lead_time_days"),
        (json!({"tax_id": {"country": "BR", "number": "11.222.333/0001-80"}}), "tax_id.number"),
        (json!({"name": " "}), "name"),
    ] {
        let mut body = supplier_body("X");
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = put(&t, "/suppliers/bad", body).await;
        assert_eq!(r.problem(422)["field"], field, "{patch}: {}", r.text);
    }
    assert_eq!(put(&t, "/suppliers/Bad%20Id", supplier_body("X")).await.problem(422)["field"], "id");
    assert_eq!(t.get("/suppliers").await.body["items"], json!([]), "nothing written");
    assert_eq!(t.get("/suppliers/bad").await.status, 404);
    // Terms: an unknown supplier, a negative cost, an unknown SKU
    let unknown = put(&t, "/stock/BUY-2/suppliers/nobody", json!({"unit_cost": 100})).await;
    assert_eq!(unknown.problem(422)["field"], "supplier_id");
    assert_eq!(put(&t, "/suppliers/ok", supplier_body("Ok")).await.status, 201);
    let negative = put(&t, "/stock/BUY-2/suppliers/ok", json!({"unit_cost": -5})).await;
    assert_eq!(negative.problem(422)["field"], "unit_cost");
    let zero_pack = put(&t, "/stock/BUY-2/suppliers/ok", json!({"unit_cost": 5, "pack_size": 0})).await;
    assert_eq!(zero_pack.problem(422)["field"], "pack_size");
    assert_eq!(put(&t, "/stock/NOPE/suppliers/ok", json!({"unit_cost": 5})).await.status, 404);
    assert_eq!(t.get("/stock/BUY-2/suppliers").await.body["items"], json!([]), "nothing written");
}
