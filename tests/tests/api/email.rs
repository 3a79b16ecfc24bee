//! Order e-mails, read back from the emulator's SES: each kind reaches the customer in their
//! language with money as that language writes it, and an address that bounced receives nothing
//! while its order goes on.

use backoffice::domain::Money;
use backoffice::domain::language::Language;
use backoffice_tests::mail::ses_report;
use backoffice_tests::{JSON, TestApp, spawn_app};
use serde_json::json;

/// Places a paid, shipped and delivered order of one unit of `sku` for `customer`.
async fn delivered_order(t: &TestApp, customer: &str, sku: &str) -> (String, Money) {
    t.stocked(sku, 10, 12_345, "BRL", 0).await;
    let body = json!({"customer_id": customer, "lines": [{"sku": sku, "quantity": 2}]}).to_string();
    let placed = t.call("POST", "/orders", &[JSON], &body).await;
    assert_eq!(placed.status, 201, "{}", placed.text);
    let id = placed.body["id"].as_str().unwrap().to_owned();
    let total = placed.body["total"]["amount"].as_i64().unwrap();
    assert_eq!(t.pay(&id, total, &format!("pix-{sku}")).await.status, 201);
    t.app.settle().await.unwrap();
    t.step(&id, "packed", "").await;
    t.step(&id, "shipped", r#"{"carrier":"Correios","tracking_number":"BR123456789BR"}"#).await;
    t.step(&id, "delivered", "").await;
    t.app.settle().await.unwrap();
    (id, Money::parse_price("total", total, "BRL").unwrap())
}

#[tokio::test]
async fn a_paid_orders_customer_receives_each_email_in_their_language() {
    let t = spawn_app().await;
    // Given the shop's customer who named no language: the shop's (pt-BR)
    let (id, total) = delivered_order(&t, &t.customer, "MAIL-PT").await;
    let emails = t.order_emails(&id).await;
    let kinds: Vec<&str> = emails.iter().map(|(kind, _)| kind.as_str()).collect();
    assert_eq!(kinds, ["order.placed", "order.paid", "order.shipped", "order.delivered"]);
    for (kind, mail) in &emails {
        assert_eq!(mail.to[0], "buyer@example.com", "{kind}: the envelope's recipient");
        assert!(mail.text.starts_with("Olá, Test Buyer."), "{kind}: {}", mail.text);
        assert!(mail.subject.ends_with(&format!("(pedido {id})")), "{kind}: {}", mail.subject);
        assert!(mail.message_id.ends_with("@loja.localhost"), "ours, for threading: {}", mail.message_id);
        let reply_to = mail.raw.lines().find(|l| l.starts_with("Reply-To:")).unwrap_or_default();
        assert!(reply_to.ends_with("<suporte@loja.localhost>"), "answers go to the inbox: {reply_to:?}");
    }
    let (_, paid) = &emails[1];
    let total_pt = Language::PtBr.money(total);
    assert_eq!(total_pt, "R$\u{a0}246,90");
    assert!(paid.text.contains(&format!("Pagamento de {total_pt} confirmado")), "{}", paid.text);
    assert!(paid.html.contains("2 × Product MAIL-PT"), "{}", paid.html);
    let (_, shipped) = &emails[2];
    assert!(shipped.text.contains("BR123456789BR") && shipped.text.contains("Correios"), "{}", shipped.text);
    assert!(shipped.html.contains("https://rastreamento.correios.com.br/app/index.php?objeto=BR123456789BR"));
    // The record says what was sent, in which language; never the address
    let notes = t.get(&format!("/orders/{id}/notifications")).await.body;
    assert_eq!(notes["items"][1]["email"]["status"], "sent");
    assert_eq!(notes["items"][1]["email"]["language"], "pt-BR");
    assert!(!notes.to_string().contains("buyer@example.com"), "{notes}");

    // Given a customer who chose English
    let body = json!({"name": "Jane Roe", "email": "jane@example.com", "language": "en",
        "addresses": [{"kind": "shipping", "default": true, "recipient": "Jane Roe", "line1": "1 Main St",
                       "city": "Curitiba", "postal_code": "80000-000", "country": "BR"}],
        "marketing_consent": {"granted": false}});
    let jane = t.call("POST", "/customers", &[JSON], &body.to_string()).await;
    assert_eq!(jane.status, 201, "{}", jane.text);
    assert_eq!(jane.body["language"], "en");
    let (id, total) = delivered_order(&t, jane.body["id"].as_str().unwrap(), "MAIL-EN").await;
    let emails = t.order_emails(&id).await;
    assert_eq!(emails.len(), 4);
    let (_, paid) = &emails[1];
    assert_eq!(paid.to[0], "jane@example.com");
    assert!(paid.subject.starts_with("Shop: Payment confirmed"), "{}", paid.subject);
    assert!(
        paid.text.contains(&format!("Your payment of {} is confirmed", Language::En.money(total))),
        "{}",
        paid.text
    );
    assert!(paid.text.contains("R$246.90"), "{}", paid.text);
}

#[tokio::test]
async fn a_language_outside_the_list_is_refused_by_name() {
    let t = spawn_app().await;
    let patch = t
        .call("PATCH", &format!("/customers/{}", t.customer), &[JSON, ("if-match", "\"1\"")], r#"{"language":"fr"}"#)
        .await;
    assert_eq!(patch.problem(422)["field"], "language");
    let patch = t
        .call("PATCH", &format!("/customers/{}", t.customer), &[JSON, ("if-match", "\"1\"")], r#"{"language":"en"}"#)
        .await;
    assert_eq!((patch.status, patch.body["language"].as_str()), (200, Some("en")), "{}", patch.text);
}

#[tokio::test]
async fn a_bounced_address_receives_nothing_and_its_order_still_ships() {
    let t = spawn_app().await;
    // Given SES reports a transient bounce (a full mailbox), then nothing changes
    t.ses_reports(ses_report("Transient", "buyer@example.com")).await;
    // And a permanent bounce for an address no customer holds is acknowledged
    t.ses_reports(ses_report("Permanent", "stranger@example.com")).await;
    t.app.settle().await.unwrap();
    let customer = t.get(&format!("/customers/{}", t.customer)).await.body;
    assert!(customer.get("email_suppression").is_none(), "{customer}");
    // When it reports a permanent bounce of the customer's address (twice: SNS redelivers)
    t.ses_reports(ses_report("Permanent", "Buyer@Example.com")).await;
    t.ses_reports(ses_report("Permanent", "buyer@example.com")).await;
    t.app.settle().await.unwrap();
    let customer = t.get(&format!("/customers/{}", t.customer)).await.body;
    assert_eq!(customer["email_suppression"]["reason"], "bounce", "{customer}");
    let audit = t.get(&format!("/audit?customer={}", t.customer)).await.body;
    assert!(audit.to_string().contains("system:ses"), "{audit}");
    // Then the next order e-mails nobody, and still ships and is delivered
    let (id, _) = delivered_order(&t, &t.customer, "MAIL-BOUNCED").await;
    assert!(t.order_emails(&id).await.is_empty());
    let notes = t.get(&format!("/orders/{id}/notifications")).await.body;
    let statuses: Vec<&str> =
        notes["items"].as_array().unwrap().iter().map(|n| n["email"]["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["suppressed"; 4], "{notes}");
    assert_eq!(t.get(&format!("/orders/{id}")).await.body["status"], "completed");
    // When the customer gives a new address, then mail to it is tried again
    let patch = t
        .call(
            "PATCH",
            &format!("/customers/{}", t.customer),
            &[JSON, ("if-match", &format!("\"{}\"", customer["version"]))],
            r#"{"email":"buyer.new@example.com"}"#,
        )
        .await;
    assert_eq!(patch.status, 200, "{}", patch.text);
    assert!(patch.body.get("email_suppression").is_none(), "{}", patch.text);
    // A complaint suppresses as a bounce does
    t.ses_reports(ses_report("complaint", "buyer.new@example.com")).await;
    t.app.settle().await.unwrap();
    assert_eq!(t.get(&format!("/customers/{}", t.customer)).await.body["email_suppression"]["reason"], "complaint");
}
