//! Payments and refunds: balances that cannot be overpaid or over-refunded, even concurrently.

use backoffice_tests::{TestApp, spawn_app};
use serde_json::json;

async fn order_of(t: &TestApp, sku: &str, quantity: u64) -> (String, i64) {
    let r = t.place_order(&[(sku, quantity)], None).await;
    assert_eq!(r.status, 201, "{}", r.text);
    (r.body["id"].as_str().unwrap().to_owned(), r.body["total"]["amount"].as_i64().unwrap())
}

#[tokio::test]
async fn two_concurrent_payments_that_together_exceed_the_balance_exactly_one_is_accepted() {
    let t = spawn_app().await;
    t.stocked("PAY-1", 10, 1000, "BRL", 0).await;
    let (id, total) = order_of(&t, "PAY-1", 5).await;
    let part = total * 6 / 10;
    let (a, b) = tokio::join!(t.pay(&id, part, "gw-a"), t.pay(&id, part, "gw-b"));
    let mut statuses = vec![a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, vec![201, 422], "a: {} b: {}", a.text, b.text);
    let refused = if a.status == 422 { &a } else { &b };
    assert_eq!(refused.problem(422)["outstanding"]["amount"], total - part);
    let balance = t.get(&format!("/orders/{id}/payments")).await;
    assert_eq!(balance.body["balance"]["paid"]["amount"], part);
    assert_eq!(balance.body["payments"].as_array().unwrap().len(), 1, "nothing recorded for the refused one");
    assert_eq!(balance.body["balance"]["payment_status"], "partially_paid");
}

#[tokio::test]
async fn concurrent_refunds_never_exceed_what_was_paid() {
    let t = spawn_app().await;
    t.stocked("REF-1", 10, 1000, "BRL", 0).await;
    let (id, total) = order_of(&t, "REF-1", 1).await;
    assert_eq!(t.pay(&id, total, "gw-full").await.status, 201);
    let each = total * 3 / 10;
    let replies = futures::future::join_all((0..6).map(|i| {
        let id = id.clone();
        let t = &t;
        async move { t.refund(&id, each, &format!("rf-{i}")).await }
    }))
    .await;
    let accepted = replies.iter().filter(|r| r.status == 201).count() as i64;
    for r in replies.iter().filter(|r| r.status != 201) {
        assert_eq!(r.problem(422)["type"], "/problems/over-refund");
    }
    assert_eq!(accepted, 3, "3 × 30% fit in what was paid");
    let balance = t.get(&format!("/orders/{id}/payments")).await.body;
    assert_eq!(balance["balance"]["refunded"]["amount"].as_i64(), Some(accepted * each));
    assert!(accepted * each <= total);
    assert_eq!(balance["balance"]["payment_status"], "partially_refunded");
}

#[tokio::test]
async fn a_gateway_reference_replays_its_first_result_and_another_amount_is_409() {
    let t = spawn_app().await;
    t.stocked("REPLAY-1", 10, 1000, "BRL", 0).await;
    let (id, total) = order_of(&t, "REPLAY-1", 2).await;
    let first = t.pay(&id, 500, "gw-77").await;
    assert_eq!(first.status, 201, "{}", first.text);
    let again = t.pay(&id, 500, "gw-77").await;
    assert_eq!((again.status, &again.text), (201, &first.text), "replayed");
    let other = t.pay(&id, 700, "gw-77").await;
    assert_eq!(other.problem(409)["field"], "gateway_reference");
    let balance = t.get(&format!("/orders/{id}/payments")).await.body;
    assert_eq!(balance["payments"].as_array().unwrap().len(), 1);
    assert_eq!(balance["balance"]["outstanding"]["amount"], total - 500);

    let over = t.pay(&id, total, "gw-78").await;
    assert_eq!(over.problem(422)["field"], "amount.amount");
    let usd = json!({"amount": {"amount": 1, "currency": "USD"}, "method": "card", "gateway_reference": "gw-79"});
    let r = t.call("POST", &format!("/orders/{id}/payments"), &[backoffice_tests::JSON], &usd.to_string()).await;
    assert_eq!(r.problem(422)["field"], "amount.currency");
    let zero = t.pay(&id, 0, "gw-80").await;
    assert_eq!(zero.problem(422)["field"], "amount.amount");
    let bad_method =
        json!({"amount": {"amount": 1, "currency": "BRL"}, "method": "barter", "gateway_reference": "gw-81"});
    let r = t.call("POST", &format!("/orders/{id}/payments"), &[backoffice_tests::JSON], &bad_method.to_string()).await;
    assert_eq!(r.problem(422)["field"], "method");

    let cancelled =
        t.call("POST", &format!("/orders/{id}/cancel"), &[backoffice_tests::JSON], r#"{"reason":"x"}"#).await;
    assert_eq!(cancelled.body["refund_due"]["amount"], 500, "what was paid is owed back");
    t.pay(&id, 1, "gw-82").await.problem(409);
    let refund = t.refund(&id, 500, "rf-1").await;
    assert_eq!(refund.status, 201, "{}", refund.text);
    assert_eq!(refund.body["balance"]["refund_due"]["amount"], 0);
}

#[tokio::test]
async fn receivables_list_what_is_owed_oldest_first_with_totals() {
    let t = spawn_app().await;
    t.stocked("RCV-1", 20, 1000, "BRL", 0).await;
    let (a, total) = order_of(&t, "RCV-1", 1).await;
    let (b, _) = order_of(&t, "RCV-1", 2).await;
    let (c, _) = order_of(&t, "RCV-1", 3).await;
    t.pay(&b, 500, "gw-b").await;
    t.pay(&c, 3 * total, "gw-c").await;
    let r = t.get("/receivables").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let ids: Vec<&str> = r.body["items"].as_array().unwrap().iter().map(|i| i["order_id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![a.as_str(), b.as_str()], "paid orders leave; oldest first");
    assert_eq!(r.body["outstanding_by_currency"]["BRL"], total + 2 * total - 500);

    // A page at a time: the cursor of the first page reads the second.
    let first = t.get("/receivables?limit=1").await;
    assert_eq!(first.status, 200, "{}", first.text);
    let cursor = first.body["next_cursor"].as_str().expect("a second page").to_owned();
    let second = t.get(&format!("/receivables?limit=1&cursor={cursor}")).await;
    assert_eq!(second.status, 200, "{}", second.text);
    assert_eq!(second.body["items"][0]["order_id"], b.as_str());
}

#[tokio::test]
async fn a_cancelled_order_holding_money_is_listed_as_owed_until_it_is_refunded() {
    let t = spawn_app().await;
    t.stocked("OWED-1", 10, 1000, "BRL", 0).await;
    let (id, _) = order_of(&t, "OWED-1", 2).await;
    let (untouched, _) = order_of(&t, "OWED-1", 1).await;
    // A payment that lands just before a cancellation (the cancellation re-reads the order when
    // they race): the order is cancelled holding money.
    assert_eq!(t.pay(&id, 1500, "gw-race").await.status, 201);
    let cancelled = t
        .call("POST", &format!("/orders/{id}/cancel"), &[backoffice_tests::JSON], r#"{"reason":"changed mind"}"#)
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    let owed = t.get("/refunds-owed").await;
    assert_eq!(owed.status, 200, "{}", owed.text);
    let listed: Vec<&str> =
        owed.body["items"].as_array().unwrap().iter().map(|i| i["order_id"].as_str().unwrap()).collect();
    assert_eq!(listed, [id.as_str()], "{}", owed.text);
    assert_eq!(owed.body["items"][0]["refund_due"]["amount"], 1500);
    assert_eq!(owed.body["refund_due_by_currency"]["BRL"], 1500);
    assert_eq!(t.get(&format!("/orders/{id}")).await.body["refund_due"]["amount"], 1500, "on the order's page");
    assert_eq!(t.refund(&id, 1000, "rf-part").await.status, 201);
    assert_eq!(t.get("/refunds-owed").await.body["refund_due_by_currency"]["BRL"], 500, "until fully refunded");
    assert_eq!(t.refund(&id, 500, "rf-rest").await.status, 201);
    let owed = t.get("/refunds-owed").await.body;
    assert_eq!(owed["items"], json!([]), "nothing is owed once refunded");
    let receivables = t.get("/receivables").await.body;
    let ids: Vec<&str> =
        receivables["items"].as_array().unwrap().iter().map(|i| i["order_id"].as_str().unwrap()).collect();
    assert_eq!(ids, [untouched.as_str()], "a cancelled order is never a receivable");
}
