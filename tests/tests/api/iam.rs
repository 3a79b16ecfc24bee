//! Least privilege: each function's IAM statements in template.yaml against the AWS actions its
//! code performs. `REQUIRED` is the one table of them; the test checks the template grants
//! exactly that, and — after driving every operation — that each function called nothing else.

use backoffice_tests::gateway::{intent, stripe_event};
use backoffice_tests::{JSON, spawn_app_with};
use serde_json::json;
use serde_yaml_ng::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The AWS actions each function's code calls (store methods → DynamoDB actions; transactions
/// count as the actions of their items).
const REQUIRED: &[(&str, &[&str])] = &[
    (
        "AdjustStockFunction",
        &["dynamodb:BatchGetItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
    ),
    ("ExportsFunction", &["dynamodb:BatchGetItem", "dynamodb:PutItem", "s3:GetObject"]),
    (
        "ExportWorkerFunction",
        &[
            "dynamodb:BatchGetItem",
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:Query",
            "s3:AbortMultipartUpload",
            "s3:PutObject",
        ],
    ),
    ("QueryApiFunction", &["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:Query"]),
    ("EventRelayFunction", &["sns:Publish"]),
    ("StockAlertsFunction", &["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]),
    ("StockLevelsFunction", &["dynamodb:PutItem", "dynamodb:UpdateItem"]),
    (
        "PlaceOrderFunction",
        &["dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
    ),
    (
        "OrderCommandsFunction",
        &["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
    ),
    ("ExpireOrdersFunction", &["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"]),
    // The user pool's trigger decides from its event alone.
    ("TokenScopesFunction", &[]),
    (
        "UpdateCustomerFunction",
        &[
            "dynamodb:BatchGetItem",
            "dynamodb:ConditionCheckItem",
            "dynamodb:DeleteItem",
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:Query",
            "dynamodb:UpdateItem",
            "s3:DeleteObject",
        ],
    ),
    ("RecordPaymentFunction", &["dynamodb:BatchGetItem", "dynamodb:PutItem"]),
    ("PaymentWebhooksFunction", &["secretsmanager:GetSecretValue", "sqs:SendMessage"]),
    (
        "PaymentEventsFunction",
        &["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem", "secretsmanager:GetSecretValue"],
    ),
    ("PaymentSettlementsFunction", &["dynamodb:GetItem", "secretsmanager:GetSecretValue", "sqs:SendMessage"]),
    ("UpdateFulfillmentFunction", &["dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]),
    ("FulfillmentWorkerFunction", &["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]),
    ("NotifierFunction", &["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "ses:SendEmail"]),
    ("MailEventsFunction", &["dynamodb:GetItem", "dynamodb:PutItem"]),
    (
        "MailInboundFunction",
        &["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "s3:GetObject", "s3:PutObject", "sqs:SendMessage"],
    ),
    // s3:GetObject: the attachments' links are signed with its role (signing itself calls nothing).
    (
        "ConversationsFunction",
        &["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "s3:GetObject"],
    ),
    ("ShippingFunction", &["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]),
    ("PromotionsFunction", &["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]),
    ("PurchasingFunction", &["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]),
    ("SalesReportFunction", &["dynamodb:PutItem", "dynamodb:UpdateItem"]),
    (
        "ProcessReturnFunction",
        &["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
    ),
];

/// Actions and resources granted to each function by its inline policy statements.
fn granted() -> BTreeMap<String, (BTreeSet<String>, Vec<Value>)> {
    let doc = backoffice_tests::template_document();
    let mut out = BTreeMap::new();
    for (id, resource) in doc["Resources"].as_mapping().unwrap() {
        if resource["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let mut actions = BTreeSet::new();
        let mut resources = Vec::new();
        for policy in resource["Properties"]["Policies"].as_sequence().into_iter().flatten() {
            assert!(policy.get("Statement").is_some(), "{id:?}: only inline statements, no managed policies");
            for st in policy["Statement"].as_sequence().unwrap() {
                assert_eq!(st["Effect"].as_str(), Some("Allow"));
                for a in st["Action"].as_sequence().unwrap() {
                    actions.insert(a.as_str().unwrap().to_owned());
                }
                match &st["Resource"] {
                    Value::Sequence(list) => resources.extend(list.iter().cloned()),
                    other => resources.push(other.clone()),
                }
            }
        }
        out.insert(id.as_str().unwrap().to_owned(), (actions, resources));
    }
    out
}

#[test]
fn the_template_grants_exactly_the_actions_the_code_needs() {
    let granted = granted();
    let required: BTreeMap<String, BTreeSet<String>> =
        REQUIRED.iter().map(|(f, a)| ((*f).to_owned(), a.iter().map(|s| (*s).to_owned()).collect())).collect();
    assert_eq!(
        granted.keys().collect::<Vec<_>>(),
        required.keys().collect::<Vec<_>>(),
        "every function is in the table"
    );
    for (function, (actions, resources)) in &granted {
        assert_eq!(actions, &required[function], "{function}");
        assert!(actions.iter().all(|a| !a.contains('*')), "{function}: wildcard action");
        for r in resources {
            assert_ne!(r.as_str(), Some("*"), "{function}: `*` resource");
            assert!(
                matches!(r, Value::Tagged(_)),
                "{function}: resources reference the template's own table or topic: {r:?}"
            );
        }
    }
    let read_only: BTreeSet<String> =
        ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"].iter().map(|s| (*s).to_owned()).collect();
    assert!(granted["QueryApiFunction"].0.is_subset(&read_only), "the query function is read-only");

    // Workers (queue, stream and schedule consumers) have no HTTP routes.
    let doc = backoffice_tests::template_document();
    for (id, resource) in doc["Resources"].as_mapping().unwrap() {
        let events: Vec<&str> = resource["Properties"]["Events"]
            .as_mapping()
            .map(|m| m.values().filter_map(|e| e["Type"].as_str()).collect())
            .unwrap_or_default();
        if events.iter().any(|t| *t != "HttpApi") {
            assert!(events.iter().all(|t| *t != "HttpApi"), "{id:?} mixes HTTP with worker events");
        }
    }
}

#[tokio::test]
async fn every_function_calls_only_what_its_policy_grants() {
    let t = spawn_app_with(&[("PAYMENT_HOLD_SECONDS", "0")]).await;
    // Drive every operation once.
    t.stocked("IAM-1", 12, 1000, "BRL", 10).await;
    t.adjust("IAM-1", json!({"set_on_hand": 11, "expected_on_hand": 12, "reason": "count"})).await;
    t.app.settle().await.unwrap();
    t.adjust("IAM-1", json!({"delta": 20, "reason": "received"})).await; // closes the suggestion
    let customer = t.create_customer("iam@example.com").await.body["id"].as_str().unwrap().to_owned();
    let patch =
        t.call("PATCH", &format!("/customers/{customer}"), &[JSON, ("if-match", "\"1\"")], r#"{"name":"New"}"#).await;
    assert_eq!(patch.status, 200, "{}", patch.text);
    let body = json!({"customer_id": customer, "lines": [{"sku": "IAM-1", "quantity": 2}]}).to_string();
    let order = t.call("POST", "/orders", &[JSON, ("idempotency-key", "iam")], &body).await.body;
    let id = order["id"].as_str().unwrap().to_owned();
    let to_expire = t.call("POST", "/orders", &[JSON], &body).await.body["id"].as_str().unwrap().to_owned();
    let to_cancel = t.call("POST", "/orders", &[JSON], &body).await.body["id"].as_str().unwrap().to_owned();
    t.call("POST", &format!("/orders/{to_cancel}/cancel"), &[JSON], r#"{"reason":"x"}"#).await;
    // An order that takes a SKU into the low band, for stock-levels to list.
    t.stocked("IAM-2", 11, 1000, "BRL", 10).await;
    let crossing = json!({"customer_id": customer, "lines": [{"sku": "IAM-2", "quantity": 2}]}).to_string();
    assert_eq!(t.call("POST", "/orders", &[JSON], &crossing).await.status, 201);
    t.pay(&id, order["total"]["amount"].as_i64().unwrap(), "gw").await;
    t.app.settle().await.unwrap();
    // A payment from a gateway, a dispute that names only the payment, then the order cancelled
    // (so the customer has no open order when erased below).
    let by_gateway = t.call("POST", "/orders", &[JSON], &body).await.body["id"].as_str().unwrap().to_owned();
    let total = order["total"]["amount"].as_i64().unwrap();
    let captured =
        stripe_event("evt_iam_1", "payment_intent.succeeded", intent("pi_iam", &by_gateway, total, 0, total));
    assert_eq!(t.stripe(&captured).await.status, 200);
    t.app.settle().await.unwrap();
    let dispute = json!({"id": "dp_iam", "amount": total, "currency": "brl", "payment_intent": "pi_iam", "status": "needs_response"});
    assert_eq!(t.stripe(&stripe_event("evt_iam_2", "charge.dispute.created", dispute)).await.status, 200);
    t.app.settle().await.unwrap();
    assert_eq!(
        t.get(&format!("/orders/{by_gateway}")).await.body["gateway_payments"][0]["disputes"][0]["status"],
        "open"
    );
    t.call("POST", &format!("/orders/{by_gateway}/cancel"), &[JSON], r#"{"reason":"x"}"#).await;
    // An authorisation captured at once at the (fake) provider, then that order cancelled too.
    let held_order = t.call("POST", "/orders", &[JSON], &body).await.body["id"].as_str().unwrap().to_owned();
    let held = intent("pi_iam_held", &held_order, total, total, 0);
    t.providers.set_intent(held.clone());
    let authorised = stripe_event("evt_iam_3", "payment_intent.amount_capturable_updated", held);
    assert_eq!(t.stripe(&authorised).await.status, 200);
    t.app.settle().await.unwrap();
    assert_eq!(t.get(&format!("/orders/{held_order}")).await.body["payment_status"], "paid");
    t.call("POST", &format!("/orders/{held_order}/cancel"), &[JSON], r#"{"reason":"x"}"#).await;
    // The contact form about an order, then staff read and note it.
    let form = json!({"email": "iam@example.com", "subject": "s", "text": "t", "order_id": id}).to_string();
    let conversation = t.call("POST", "/conversations", &[JSON], &form).await;
    assert_eq!(conversation.status, 201, "{}", conversation.text);
    let cid = conversation.body["id"].as_str().unwrap().to_owned();
    assert_eq!(t.get("/conversations").await.status, 200);
    assert_eq!(t.get(&format!("/conversations/{cid}")).await.status, 200);
    let noted = t.call("POST", &format!("/conversations/{cid}/notes"), &[JSON], r#"{"text":"n"}"#).await;
    assert_eq!(noted.status, 201, "{}", noted.text);
    // A shipping method, and a quote for a weighed product.
    let weighed = json!({"name": "W", "unit_price": {"amount": 100, "currency": "BRL"}, "reorder_point": 0,
        "reorder_quantity": 1, "weight_grams": 500});
    assert_eq!(t.call("PUT", "/stock/IAM-W", &[JSON], &weighed.to_string()).await.status, 201);
    let method = json!({"name": "PAC", "carrier": "Correios", "currency": "BRL",
        "rates": [{"zone": {"countries": ["BR"]}, "bands": [{"up_to_grams": 1000, "price": 1990}]}]});
    assert_eq!(t.call("PUT", "/shipping/methods/pac", &[JSON], &method.to_string()).await.status, 201);
    assert_eq!(t.get("/shipping/methods").await.status, 200);
    assert_eq!(t.get("/shipping/quote?country=BR&lines=IAM-W:1").await.status, 200);
    // A supplier, its terms for the weighed product, and the lists.
    let supplier =
        json!({"name": "Fornecedor", "email": "compras@fornecedor.example", "currency": "BRL", "lead_time_days": 7});
    assert_eq!(t.call("PUT", "/suppliers/forn-1", &[JSON], &supplier.to_string()).await.status, 201);
    assert_eq!(t.get("/suppliers").await.status, 200);
    assert_eq!(t.get("/suppliers/forn-1").await.status, 200);
    let terms = json!({"unit_cost": 450, "minimum_order_quantity": 10, "pack_size": 5});
    assert_eq!(t.call("PUT", "/stock/IAM-W/suppliers/forn-1", &[JSON], &terms.to_string()).await.status, 201);
    assert_eq!(t.get("/stock/IAM-W/suppliers").await.status, 200);
    // A coupon and an automatic promotion, listed, and an order shipped by the method with both.
    let coupon = json!({"name": "C", "benefit": {"kind": "amount_off", "amount": 10}, "currency": "BRL", "limit": 5,
        "per_customer_limit": 1, "combinable": true});
    assert_eq!(t.call("PUT", "/promotions/iam10", &[JSON], &coupon.to_string()).await.status, 201);
    let auto = json!({"name": "A", "automatic": true, "combinable": true, "benefit": {"kind": "free_shipping"}, "currency": "BRL"});
    assert_eq!(t.call("PUT", "/promotions/iamfrete", &[JSON], &auto.to_string()).await.status, 201);
    assert_eq!(t.get("/promotions").await.status, 200);
    assert_eq!(t.get("/promotions/IAM10").await.status, 200);
    t.adjust("IAM-W", json!({"delta": 5, "reason": "received"})).await;
    let promoted = json!({"customer_id": t.customer, "lines": [{"sku": "IAM-W", "quantity": 1}], "coupon": "iam10",
        "shipping_method": "pac"});
    let promoted = t.call("POST", "/orders", &[JSON], &promoted.to_string()).await;
    assert_eq!(promoted.body["discounts"].as_array().map(Vec::len), Some(2), "{}", promoted.text);
    let pid = promoted.body["id"].as_str().unwrap();
    let edit = json!({"lines": [{"sku": "IAM-W", "quantity": 2}]});
    let edited = t.call("POST", &format!("/orders/{pid}/edit"), &[JSON], &edit.to_string()).await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    assert_eq!(t.call("POST", &format!("/orders/{pid}/cancel"), &[JSON], r#"{"reason":"x"}"#).await.status, 200);
    // The customer e-mails a photo; staff assign, reply, and read the thread with its link.
    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    let raw = format!(
        "From: iam@example.com\r\nTo: suporte@loja.localhost\r\nSubject: Foto\r\nMessage-ID: <iam-1@x>\r\n\
         Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nveja\r\n\
         --b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=f.png\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{png}\r\n--b--\r\n"
    );
    let filed = t.app.deliver_mail(raw.as_bytes(), &Default::default()).await.unwrap();
    let mid = filed[0]["conversation_id"].as_str().unwrap().to_owned();
    let patched = t.call("PATCH", &format!("/conversations/{mid}"), &[JSON], r#"{"assignee":"ana"}"#).await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    let replied = t.call("POST", &format!("/conversations/{mid}/replies"), &[JSON], r#"{"text":"ok"}"#).await;
    assert_eq!(replied.status, 201, "{}", replied.text);
    t.app.settle().await.unwrap();
    let thread = t.get(&format!("/conversations/{mid}")).await.body;
    assert!(thread["messages"][0]["links"][0]["url"].is_string(), "{thread}");
    assert_eq!(thread["messages"][1]["delivery"]["status"], "sent", "{thread}");
    // SES reports the customer's address bouncing.
    t.ses_reports(backoffice_tests::mail::ses_report("Permanent", "iam@example.com")).await;
    t.app.settle().await.unwrap();
    assert_eq!(t.get(&format!("/customers/{customer}")).await.body["email_suppression"]["reason"], "bounce");
    t.app.run_schedules().await;
    assert_eq!(t.get(&format!("/orders/{to_expire}")).await.body["status"], "cancelled");
    t.step(&id, "packed", "").await;
    t.step(&id, "shipped", r#"{"carrier":"C","tracking_number":"T"}"#).await;
    t.step(&id, "delivered", "").await;
    t.app.settle().await.unwrap();
    let ret = t
        .call(
            "POST",
            &format!("/orders/{id}/returns"),
            &[JSON],
            r#"{"lines":[{"sku":"IAM-1","quantity":1,"reason":"x"}]}"#,
        )
        .await;
    let rid = ret.body["id"].as_str().unwrap().to_owned();
    t.call(
        "POST",
        &format!("/returns/{rid}/receive"),
        &[JSON],
        r#"{"lines":[{"sku":"IAM-1","received":1,"damaged":0}]}"#,
    )
    .await;
    let refund = json!({"amount": {"amount": 1000, "currency": "BRL"}, "reason": "r", "gateway_reference": "rf", "return_id": rid});
    assert_eq!(t.call("POST", &format!("/orders/{id}/refunds"), &[JSON], &refund.to_string()).await.status, 201);
    t.app.settle().await.unwrap();
    for path in [
        "/stock/IAM-1".to_owned(),
        "/stock/IAM-1/movements".into(),
        "/stock?low=true".into(),
        "/replenishments".into(),
        format!("/orders/{id}"),
        format!("/orders/{id}/payments"),
        format!("/orders/{id}/notifications"),
        format!("/orders/{id}/returns"),
        format!("/returns/{rid}"),
        "/receivables".into(),
        "/refunds-owed".into(),
        "/reports/sales?from=2026-01-01&to=2026-12-31".into(),
        format!("/customers/{customer}"),
        format!("/customers/{customer}/orders"),
        format!("/customers/{customer}/export"),
    ] {
        assert_eq!(t.get(&path).await.status, 200, "{path}");
    }
    assert_eq!(t.call("POST", &format!("/customers/{customer}/erase"), &[], "").await.status, 200);
    let export = t.call("POST", "/exports", &[JSON], r#"{"kind":"catalog"}"#).await;
    assert_eq!(export.status, 202, "{}", export.text);
    t.app.settle().await.unwrap();
    let export = t.get(&format!("/exports/{}", export.body["id"].as_str().unwrap())).await;
    assert_eq!(export.body["status"], "done", "{}", export.text);

    let called = t.app.actions.snapshot();
    let required: BTreeMap<&str, BTreeSet<&str>> =
        REQUIRED.iter().map(|(f, a)| (*f, a.iter().copied().collect())).collect();
    // Every function that needs AWS ran (the user pool's trigger has no client to call with).
    let needing = REQUIRED.iter().filter(|(_, actions)| !actions.is_empty()).count();
    assert_eq!(called.len(), needing, "every function ran: {:?}", called.keys().collect::<Vec<_>>());
    for (function, actions) in &called {
        let allowed = &required[function.as_str()];
        let extra: Vec<&String> = actions.iter().filter(|a| !allowed.contains(a.as_str())).collect();
        assert!(extra.is_empty(), "{function} called {extra:?}, which its policy does not grant");
    }
}
