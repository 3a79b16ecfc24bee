//! Catalogue import from a spreadsheet: every row checked first, counts as ledger lines,
//! repeats that change nothing.

use backoffice_tests::{TestApp, spawn_app};

const CSV: (&str, &str) = ("content-type", "text/csv");

async fn import(t: &TestApp, query: &str, file: &str, headers: &[(&str, &str)]) -> backoffice_tests::Reply {
    let mut all = vec![CSV];
    all.extend_from_slice(headers);
    t.call("POST", &format!("/imports/catalog{query}"), &all, file).await
}

#[tokio::test]
async fn a_spreadsheet_registers_skus_and_counts_them_and_a_repeat_changes_nothing() {
    let t = spawn_app().await;
    let file = "\u{feff}sku;name;unit_price;currency;reorder_point;reorder_quantity;on_hand\r\n\
                IMP-1;\"Caneca São Paulo; 300 ml\";39,90;BRL;5;10;12\r\n\
                IMP-2;Camiseta;49.9;BRL;0;0;\r\n";
    let r = import(&t, "", file, &[]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!((r.body["created"].as_u64(), r.body["counted"].as_u64()), (Some(2), Some(1)), "{}", r.text);
    let mug = t.stock("IMP-1").await;
    assert_eq!((mug["name"].as_str(), mug["on_hand"].as_u64()), (Some("Caneca São Paulo; 300 ml"), Some(12)));
    assert_eq!(mug["unit_price"]["amount"], 3990);
    let ledger = t.ledger("IMP-1").await;
    assert_eq!(ledger.len(), 1);
    assert_eq!((ledger[0]["kind"].as_str(), ledger[0]["delta"].as_i64()), (Some("count"), Some(12)), "{ledger:?}");
    assert_eq!(t.get("/stock?q=caneca").await.body["items"][0]["sku"], "IMP-1", "found by its words");

    // The same file again: nothing to write.
    let before = t.table_items().await.len();
    let again = import(&t, "", file, &[]).await;
    assert_eq!(
        (again.body["unchanged"].as_u64(), again.body["counted"].as_u64()),
        (Some(2), Some(0)),
        "{}",
        again.text
    );
    assert_eq!(t.table_items().await.len(), before, "no item written");

    // With a key, a repeat is the first answer, even after the stock moved.
    let key = ("idempotency-key", "import-2026-12-03");
    let keyed = import(&t, "", &file.replace("39,90", "41,00"), &[key]).await;
    assert_eq!(keyed.body["updated"], 1, "{}", keyed.text);
    let r = t.adjust("IMP-1", serde_json::json!({"delta": 3, "reason": "received"})).await;
    assert_eq!(r.status, 201);
    let replay = import(&t, "", &file.replace("39,90", "41,00"), &[key]).await;
    assert_eq!(replay.headers["idempotent-replayed"], "true");
    assert_eq!(replay.body, keyed.body);
    assert_eq!(t.stock("IMP-1").await["on_hand"], 15, "the replay did not count again");
    let other = import(&t, "", file, &[key]).await;
    assert_eq!(other.problem(422)["field"], "idempotency-key");
}

#[tokio::test]
async fn bad_rows_are_listed_by_line_and_field_and_all_or_nothing_writes_none() {
    let t = spawn_app().await;
    let file = "sku,name,unit_price,currency,reorder_point,reorder_quantity,on_hand\n\
                OK-1,Good,10.00,BRL,0,0,5\n\
                bad sku,Bad,10.00,BRL,0,0,\n\
                OK-2,Priced wrong,10.001,BRL,0,0,\n\
                OK-3,Also good,\"1,50\",BRL,0,0,\n";
    let r = import(&t, "", file, &[]).await;
    let problem = r.problem(422);
    assert_eq!(problem["field"], "file");
    let named: Vec<(u64, &str)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_u64().unwrap(), e["field"].as_str().unwrap()))
        .collect();
    assert_eq!(named, [(3, "sku"), (4, "unit_price")]);
    assert_eq!(t.get("/stock/OK-1").await.status, 404, "nothing written");

    let r = import(&t, "?mode=valid-rows", file, &[]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!((r.body["created"].as_u64(), r.body["errors"].as_array().unwrap().len()), (Some(2), 2));
    assert_eq!(t.stock("OK-3").await["unit_price"]["amount"], 150);

    // A count below what open orders hold is that row's error; the others are written.
    let order = t.place_order(&[("OK-1", 4)], None).await;
    assert_eq!(order.status, 201, "{}", order.text);
    let recount = "sku,name,unit_price,currency,reorder_point,reorder_quantity,on_hand\n\
                   OK-1,Good,10.00,BRL,0,0,2\n\
                   OK-3,Also good,1.50,BRL,0,0,7\n";
    let r = import(&t, "?mode=valid-rows", recount, &[]).await;
    assert_eq!(r.body["errors"][0]["line"], 2, "{}", r.text);
    assert_eq!(r.body["errors"][0]["field"], "on_hand");
    assert_eq!(
        (t.stock("OK-1").await["on_hand"].as_u64(), t.stock("OK-3").await["on_hand"].as_u64()),
        (Some(5), Some(7))
    );

    for (query, body, field) in [
        ("?mode=some", file, "mode"),
        ("", "sku,name\nA,B\n", "file"),
        ("", "sku,name,unit_price,currency,reorder_point,reorder_quantity,colour\n", "file"),
        ("", "sku,name,unit_price,currency,reorder_point,reorder_quantity\n", "file"),
    ] {
        let r = import(&t, query, body, &[]).await;
        assert_eq!(r.problem(422)["field"], field, "{query} {body}: {}", r.text);
    }
}
