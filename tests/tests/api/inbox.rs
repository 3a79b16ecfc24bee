//! The service inbox end to end: e-mail arrives as SES's receipt rule delivers it (stored in the
//! mail bucket, then the function invoked with the receipt), is filed into conversations, and
//! staff replies go out through SES threaded under it; hostile mail is refused or neutralised.

use backoffice_local::inbound_mail::Verdicts;
use backoffice_tests::{JSON, TestApp, http_get, spawn_app};
use serde_json::{Value, json};

const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

/// An e-mail as a customer's mail client writes it.
fn email(from: &str, to: &str, subject: &str, message_id: &str, extra_headers: &str, text: &str) -> Vec<u8> {
    format!(
        "From: Test Buyer <{from}>\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{message_id}>\r\n{extra_headers}\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n\
         --b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"caneca.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{PNG}\r\n\
         --b\r\nContent-Type: application/zip\r\nContent-Disposition: attachment; filename=\"bomb.zip\"\r\nContent-Transfer-Encoding: base64\r\n\r\nUEsDBBQAAAAIAAAAIQA=\r\n\
         --b--\r\n"
    )
    .into_bytes()
}

async fn deliver(t: &TestApp, raw: &[u8], verdicts: &Verdicts) -> Value {
    t.app.deliver_mail(raw, verdicts).await.expect("the inbox files or refuses the e-mail")
}

async fn thread(t: &TestApp, id: &str) -> Value {
    let r = t.get(&format!("/conversations/{id}")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}

#[tokio::test]
async fn an_email_opens_a_conversation_with_its_customer_order_and_photo_and_a_reply_threads_back() {
    let t = spawn_app().await;
    t.stocked("MAIL-1", 5, 1000, "BRL", 0).await;
    let order = t.place_order(&[("MAIL-1", 1)], None).await.body["id"].as_str().unwrap().to_owned();
    // Given an e-mail from the customer's address, passing SPF, DKIM and DMARC, naming the order
    let raw = email(
        "Buyer@Example.com",
        "suporte@loja.localhost",
        &format!("Caneca quebrada - pedido {order}"),
        "c1@mail.example.com",
        "",
        "A caneca chegou quebrada.",
    );
    let filed = deliver(&t, &raw, &Verdicts::default()).await;
    assert_eq!(filed[0]["outcome"], "new", "{filed}");
    let id = filed[0]["conversation_id"].as_str().unwrap().to_owned();
    // Then the conversation is linked to the customer and the order, the verdicts shown
    let th = thread(&t, &id).await;
    let c = &th["conversation"];
    assert_eq!((c["customer_id"].as_str(), c["order_id"].as_str()), (Some(t.customer.as_str()), Some(order.as_str())));
    assert_eq!(c["verdicts"], json!({"spf": true, "dkim": true, "dmarc": true}));
    assert_eq!((c["channel"].as_str(), c["overdue"].as_bool()), (Some("email"), Some(false)), "{c}");
    // And the photo is kept, readable through its link; the zip is refused and said so
    let m = &th["messages"][0];
    assert!(m["text"].as_str().unwrap().contains("[attachment not kept: bomb.zip"), "{m}");
    assert_eq!(m["links"].as_array().unwrap().len(), 1, "{m}");
    assert_eq!(
        (m["links"][0]["filename"].as_str(), m["links"][0]["content_type"].as_str()),
        (Some("caneca.png"), Some("image/png"))
    );
    let (status, bytes) = http_get(m["links"][0]["url"].as_str().unwrap()).await;
    assert_eq!((status, bytes.starts_with(b"\x89PNG")), (200, true));

    // When staff reply
    let reply =
        t.call("POST", &format!("/conversations/{id}/replies"), &[JSON], r#"{"text":"Enviamos outra hoje."}"#).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    t.app.settle().await.unwrap();
    // Then SES sent it from the support address, threaded under the customer's e-mail, with the
    // conversation's own reply address
    let th = thread(&t, &id).await;
    assert_eq!(th["conversation"]["state"], "waiting_on_customer");
    let ours = th["messages"].as_array().unwrap().iter().find(|m| m["direction"] == "outbound").unwrap().clone();
    assert_eq!(ours["delivery"]["status"], "sent", "{ours}");
    let sent = t.sent_email(ours["delivery"]["message_id"].as_str().unwrap()).await.expect("SES kept the reply");
    assert!(sent.to.contains(&"buyer@example.com".to_owned()), "{:?}", sent.to);
    assert!(sent.raw.contains("To: \"Test Buyer\" <buyer@example.com>"), "{}", sent.raw);
    assert_eq!(sent.subject, format!("Re: Caneca quebrada - pedido {order}"));
    assert_eq!(sent.message_id, ours["message_id_header"].as_str().unwrap());
    assert!(sent.raw.contains("In-Reply-To: <c1@mail.example.com>"), "{}", sent.raw);
    let token = th["conversation"]["reply_token"].as_str().unwrap();
    assert!(sent.raw.contains(&format!("Reply-To: <suporte+{token}@loja.localhost>")), "{}", sent.raw);
    assert!(
        sent.raw.contains("From: \"Shop\" <suporte@loja.localhost>")
            || sent.raw.contains("From: Shop <suporte@loja.localhost>"),
        "{}",
        sent.raw
    );

    // When the customer answers to the reply address (no References: a client that drops them)
    let answer = email(
        "buyer@example.com",
        &format!("suporte+{token}@loja.localhost"),
        "Re: Caneca",
        "c2@mail.example.com",
        "",
        "Obrigado!",
    );
    let filed = deliver(&t, &answer, &Verdicts::default()).await;
    // Then it is filed into the same conversation, which is open again
    assert_eq!(
        (filed[0]["outcome"].as_str(), filed[0]["conversation_id"].as_str()),
        (Some("answer"), Some(id.as_str()))
    );
    // And an answer found by its References alone lands there too
    let by_refs = email(
        "buyer@example.com",
        "suporte@loja.localhost",
        "Re: Caneca",
        "c3@mail.example.com",
        &format!("In-Reply-To: <{}>\r\nReferences: <c1@mail.example.com> <{}>\r\n", sent.message_id, sent.message_id),
        "Chegou!",
    );
    assert_eq!(deliver(&t, &by_refs, &Verdicts::default()).await[0]["conversation_id"].as_str(), Some(id.as_str()));
    let th = thread(&t, &id).await;
    assert_eq!((th["conversation"]["state"].as_str(), th["messages"].as_array().unwrap().len()), (Some("open"), 4));
    assert_eq!(th["conversation"]["first_response_at"], ours["at"]);
}

#[tokio::test]
async fn mail_that_cannot_be_trusted_is_filed_unlinked_spam_is_tagged_and_a_virus_is_not_filed() {
    let t = spawn_app().await;
    t.stocked("MAIL-2", 5, 1000, "BRL", 0).await;
    let order = t.place_order(&[("MAIL-2", 1)], None).await.body["id"].as_str().unwrap().to_owned();
    let forged = email(
        "buyer@example.com",
        "suporte@loja.localhost",
        &format!("Pedido {order}"),
        "f1@evil.example",
        "",
        "Change my address",
    );
    // A forged From (DMARC fails): filed, but linked to nobody and no order
    let dmarc_fails = Verdicts { dmarc: "FAIL".into(), ..Verdicts::default() };
    let filed = deliver(&t, &forged, &dmarc_fails).await;
    let th = thread(&t, filed[0]["conversation_id"].as_str().unwrap()).await;
    assert!(th["conversation"].get("customer_id").is_none() && th["conversation"].get("order_id").is_none(), "{th}");
    assert_eq!(th["conversation"]["verdicts"]["dmarc"], false);
    // Spam: filed, tagged, never linked
    let spam = Verdicts { spam: "FAIL".into(), ..Verdicts::default() };
    let raw = email("buyer@example.com", "suporte@loja.localhost", "WIN", "s1@x.example", "", "prize");
    let th = thread(&t, deliver(&t, &raw, &spam).await[0]["conversation_id"].as_str().unwrap()).await;
    assert_eq!((th["conversation"]["tags"].clone(), th["conversation"].get("customer_id")), (json!(["spam"]), None));
    // A virus: nothing filed
    let virus = Verdicts { virus: "FAIL".into(), ..Verdicts::default() };
    let raw = email("buyer@example.com", "suporte@loja.localhost", "invoice", "v1@x.example", "", "open me");
    assert_eq!(deliver(&t, &raw, &virus).await[0]["outcome"], "virus");
    // A message past the size limit: refused unread
    let mut huge = email("a@example.com", "suporte@loja.localhost", "big", "h1@x.example", "", "x");
    huge.extend(std::iter::repeat_n(b'a', backoffice::inbox::MAX_MESSAGE_BYTES));
    assert_eq!(deliver(&t, &huge, &Verdicts::default()).await[0]["outcome"], "too_large");
    // Not MIME at all: refused
    assert_eq!(deliver(&t, b"\x00\x01garbage", &Verdicts::default()).await[0]["outcome"], "unreadable");
    let open = t.get("/conversations").await.body;
    assert_eq!(open["items"].as_array().unwrap().len(), 2, "{open}");
}

#[tokio::test]
async fn ses_invoking_twice_with_one_email_files_it_once() {
    let t = spawn_app().await;
    let raw = email("someone@example.com", "suporte@loja.localhost", "Hello", "d1@x.example", "", "Twice?");
    let first = t.app.deliver_mail_as("ses-dup-1", &raw, &Verdicts::default()).await.unwrap();
    let again = t.app.deliver_mail_as("ses-dup-1", &raw, &Verdicts::default()).await.unwrap();
    assert_eq!(again[0]["outcome"], "duplicate");
    assert_eq!(first[0]["conversation_id"], again[0]["conversation_id"]);
    let th = thread(&t, first[0]["conversation_id"].as_str().unwrap()).await;
    assert_eq!(th["messages"].as_array().unwrap().len(), 1);
    // The same e-mail resent by its sender (a new SES id, the same Message-ID) is a new message
    // of the same sender, filed by nothing but a new conversation: its Message-ID stays with
    // the first one.
    let resent = t.app.deliver_mail_as("ses-dup-2", &raw, &Verdicts::default()).await.unwrap();
    assert_eq!(resent[0]["outcome"], "new");
}

#[tokio::test]
async fn two_staff_replying_at_once_both_reach_the_customer_in_one_thread() {
    let t = spawn_app().await;
    let raw =
        email("buyer@example.com", "suporte@loja.localhost", "Onde está?", "q1@mail.example.com", "", "Meu pedido?");
    let id = deliver(&t, &raw, &Verdicts::default()).await[0]["conversation_id"].as_str().unwrap().to_owned();
    let path = format!("/conversations/{id}/replies");
    let (a, b) = tokio::join!(
        t.call("POST", &path, &[JSON], r#"{"text":"Sai hoje."}"#),
        t.call("POST", &path, &[JSON], r#"{"text":"Já saiu, código BR1."}"#)
    );
    assert_eq!((a.status, b.status), (201, 201), "{} / {}", a.text, b.text);
    t.app.settle().await.unwrap();
    let th = thread(&t, &id).await;
    let outbound: Vec<&Value> =
        th["messages"].as_array().unwrap().iter().filter(|m| m["direction"] == "outbound").collect();
    assert_eq!((outbound.len(), th["conversation"]["messages"].as_u64()), (2, Some(3)), "{th}");
    // Both sent, each its own Message-ID: the first answers the customer's e-mail, the second
    // the first (the thread's latest e-mail), and both name the customer's in References
    let mut sent = Vec::new();
    for m in &outbound {
        assert_eq!(m["delivery"]["status"], "sent", "{m}");
        sent.push(t.sent_email(m["delivery"]["message_id"].as_str().unwrap()).await.unwrap());
    }
    assert_ne!(sent[0].message_id, sent[1].message_id);
    assert!(sent[0].raw.contains("In-Reply-To: <q1@mail.example.com>"), "{}", sent[0].raw);
    assert!(sent[1].raw.contains(&format!("In-Reply-To: <{}>", sent[0].message_id)), "{}", sent[1].raw);
    let unfolded = sent[1].raw.replace("\r\n ", " ").replace("\r\n\t", " ");
    assert!(unfolded.contains(&format!("References: <q1@mail.example.com> <{}>", sent[0].message_id)), "{unfolded}");
    // Settling again sends nothing more
    let deliveries = |th: &Value| -> Vec<Value> {
        th["messages"].as_array().unwrap().iter().map(|m| m["delivery"].clone()).collect()
    };
    let before = deliveries(&th);
    t.app.settle().await.unwrap();
    assert_eq!(deliveries(&thread(&t, &id).await), before);
}

#[tokio::test]
async fn staff_assign_tag_and_list_by_assignee_and_age_and_the_overview_counts_overdue() {
    let t = spawn_app().await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let form = json!({"email": format!("c{n}@example.com"), "subject": "Hi", "text": "Question"});
        ids.push(
            t.call("POST", "/conversations", &[JSON], &form.to_string()).await.body["id"].as_str().unwrap().to_owned(),
        );
    }
    let patched = t
        .call("PATCH", &format!("/conversations/{}", ids[0]), &[JSON], r#"{"assignee":"ana","tags":["Refund"]}"#)
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!((patched.body["assignee"].as_str(), patched.body["tags"].clone()), (Some("ana"), json!(["refund"])));
    t.call("PATCH", &format!("/conversations/{}", ids[2]), &[JSON], r#"{"assignee":"ana"}"#).await;
    let anas = t.get("/conversations?assignee=ana").await.body;
    let listed: Vec<&str> = anas["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(listed, [ids[2].as_str(), ids[0].as_str()]);
    let oldest = t.get("/conversations?assignee=ana&order=oldest").await.body;
    assert_eq!(oldest["items"][0]["id"], ids[0].as_str());
    // Unassigning takes it off the list
    let un = t.call("PATCH", &format!("/conversations/{}", ids[2]), &[JSON], r#"{"assignee":null}"#).await;
    assert!(un.body.get("assignee").is_none(), "{}", un.text);
    assert_eq!(t.get("/conversations?assignee=ana").await.body["items"].as_array().unwrap().len(), 1);
    for (body, field) in [(r#"{}"#, "assignee"), (r#"{"tags":["<b>"]}"#, "tags[0]"), (r#"{"assignee":""}"#, "assignee")]
    {
        let r = t.call("PATCH", &format!("/conversations/{}", ids[1]), &[JSON], body).await;
        assert_eq!(r.problem(422)["field"], field, "{body}: {}", r.text);
    }
    assert_eq!(t.get("/conversations?order=sideways").await.problem(422)["field"], "order");
    // The overview counts the open ones
    let overview = t.get("/overview").await.body;
    assert_eq!(overview["conversations"]["open"], 3, "{overview}");
}

#[tokio::test]
async fn the_first_response_target_marks_unanswered_conversations_overdue() {
    use backoffice::domain::conversation::{self, BusinessHours, Channel, Inbound};
    let t = backoffice_tests::spawn_app_with(&[("FIRST_RESPONSE_HOURS", "2"), ("BUSINESS_HOURS", "9-17")]).await;
    // Given a conversation opened a week ago and never answered, and one opened now
    let store = &t.app.contexts["ConversationsFunction"].store;
    let week_ago = chrono::Utc::now() - chrono::Duration::days(7);
    let inbound = Inbound {
        channel: Channel::ContactForm,
        email: "late@example.com".into(),
        name: None,
        subject: "Anyone?".into(),
        text: "Hello?".into(),
        attachments: Vec::new(),
        message_id_header: None,
        raw_key: None,
        verdicts: None,
    };
    let (old, message) = conversation::open(
        backoffice::domain::ConversationId::new(),
        backoffice::domain::MessageId::new(),
        &inbound,
        None,
        None,
        "tokold".into(),
        week_ago,
    );
    let mut changes = store.changes();
    changes.conversation(None, &old).unwrap().message(&message).unwrap();
    store.commit(changes).await.unwrap();
    let form = json!({"email": "new@example.com", "subject": "Hi", "text": "Question"});
    let new = t.call("POST", "/conversations", &[JSON], &form.to_string()).await.body;
    // Then the old one is overdue, due two business hours (09:00-17:00 UTC) after it opened
    let listed = t.get("/conversations?order=oldest").await.body;
    let first = &listed["items"][0];
    assert_eq!((first["id"].as_str(), first["overdue"].as_bool()), (Some(old.id.to_string().as_str()), Some(true)));
    let due = conversation::due(week_ago, 2, BusinessHours { start: 9, end: 17 });
    assert_eq!(first["first_response_due_at"].as_str().unwrap().parse::<chrono::DateTime<chrono::Utc>>().unwrap(), due);
    let second = &listed["items"][1];
    assert_eq!(second["id"], new["id"]);
    let due_new: chrono::DateTime<chrono::Utc> = second["first_response_due_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(second["overdue"], chrono::Utc::now() > due_new);
    // And the overview counts it
    let overview = t.get("/overview").await.body;
    assert_eq!(overview["conversations"]["open"], 2, "{overview}");
    assert!(overview["conversations"]["overdue"].as_u64().unwrap() >= 1, "{overview}");
    // Answered, even late, it is overdue no more
    t.call("POST", &format!("/conversations/{}/close", old.id), &[JSON], "").await;
    assert!(t.get("/conversations?state=closed").await.body["items"][0]["overdue"] == false);
}

#[tokio::test]
async fn erasing_a_customer_erases_their_conversations_and_files_and_the_export_holds_them() {
    let t = spawn_app().await;
    let raw = email("buyer@example.com", "suporte@loja.localhost", "Foto", "e1@mail.example.com", "", "Veja a foto");
    let id = deliver(&t, &raw, &Verdicts::default()).await[0]["conversation_id"].as_str().unwrap().to_owned();
    t.call("POST", &format!("/conversations/{id}/notes"), &[JSON], r#"{"text":"internal"}"#).await;
    // An unlinked conversation from the same address (the contact form, no order) is theirs too
    let form = json!({"email": "buyer@example.com", "subject": "Another", "text": "Hello again"});
    let unlinked =
        t.call("POST", "/conversations", &[JSON], &form.to_string()).await.body["id"].as_str().unwrap().to_owned();
    // The export holds the linked conversation's correspondence, not the internal note
    let export = t.get(&format!("/customers/{}/export", t.customer)).await.body;
    let exported = &export["conversations"];
    assert_eq!(exported.as_array().unwrap().len(), 1, "{export}");
    let directions: Vec<&str> =
        exported[0]["messages"].as_array().unwrap().iter().map(|m| m["direction"].as_str().unwrap()).collect();
    assert_eq!(directions, ["inbound"]);
    let link = thread(&t, &id).await["messages"][0]["links"][0]["url"].as_str().unwrap().to_owned();
    assert_eq!(http_get(&link).await.0, 200);
    // When the customer is erased
    let erased = t.call("POST", &format!("/customers/{}/erase", t.customer), &[JSON], "").await;
    assert_eq!(erased.status, 200, "{}", erased.text);
    assert_eq!(erased.body["conversations_erased"], 2, "{}", erased.text);
    // Then both conversations keep their counts and dates, and nothing they said or sent
    for conversation in [&id, &unlinked] {
        let th = thread(&t, conversation).await;
        assert_eq!(th["conversation"]["erased"], true);
        assert!(th["conversation"].get("email").is_none(), "{th}");
        for m in th["messages"].as_array().unwrap() {
            assert_eq!(m["text"], "", "{m}");
            assert!(m.get("attachments").is_none() && m.get("raw_key").is_none(), "{m}");
        }
    }
    // And the photo is gone from the bucket (the old link finds nothing)
    assert_ne!(http_get(&link).await.0, 200);
    let bucket = backoffice::files::mail_of(&t.app.contexts["MailInboundFunction"]).unwrap();
    let key = link.split('?').next().unwrap().rsplit_once(&format!("{}/", bucket.bucket())).unwrap().1.to_owned();
    assert!(key.starts_with("attachments/"), "{key}");
    assert_eq!(bucket.read(&key, 1 << 20).await.unwrap(), backoffice::files::Stored::Missing, "the photo is deleted");
    // And nobody can reply to an erased conversation
    let r = t.call("POST", &format!("/conversations/{id}/replies"), &[JSON], r#"{"text":"hi"}"#).await;
    assert_eq!(r.status, 409, "{}", r.text);
}

#[tokio::test]
async fn a_customer_answering_an_order_email_reaches_the_inbox_linked_to_the_order() {
    let t = spawn_app().await;
    t.stocked("MAIL-9", 5, 1000, "BRL", 0).await;
    let order = t.place_order(&[("MAIL-9", 1)], None).await.body["id"].as_str().unwrap().to_owned();
    t.app.settle().await.unwrap();
    // Given the order's e-mail, answered from the customer's mail client (Reply-To: the inbox)
    let (_, placed) = t.order_emails(&order).await.into_iter().next().expect("the order e-mail");
    let headers = format!("In-Reply-To: <{}>\r\nReferences: <{}>\r\n", placed.message_id, placed.message_id);
    let answer = email(
        "buyer@example.com",
        "suporte@loja.localhost",
        &format!("Re: {}", placed.subject),
        "a1@mail.example.com",
        &headers,
        "Posso trocar a cor?",
    );
    let filed = deliver(&t, &answer, &Verdicts::default()).await;
    // Then it opens a conversation with the customer and the order the subject names
    assert_eq!(filed[0]["outcome"], "new", "{filed}");
    let th = thread(&t, filed[0]["conversation_id"].as_str().unwrap()).await;
    assert_eq!(
        (th["conversation"]["customer_id"].as_str(), th["conversation"]["order_id"].as_str()),
        (Some(t.customer.as_str()), Some(order.as_str())),
        "{th}"
    );
}
