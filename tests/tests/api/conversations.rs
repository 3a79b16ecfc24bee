//! The service inbox through its API: the contact form opens a conversation, linked to an order
//! only when the order's customer holds the address given; staff list, read, note and close it.

use backoffice_tests::{JSON, spawn_app};
use serde_json::json;

#[tokio::test]
async fn the_contact_form_opens_a_conversation_staff_note_and_close() {
    let t = spawn_app().await;
    t.stocked("CONV-1", 5, 1000, "BRL", 0).await;
    let order = t.place_order(&[("CONV-1", 1)], None).await.body["id"].as_str().unwrap().to_owned();
    // Given the storefront's form, from the order's customer, naming the order
    let form = json!({"email": "Buyer@Example.com", "name": "Test Buyer", "subject": "Where is my order?\r\nBcc: x@y",
                      "text": "It has not arrived.", "order_id": order});
    let opened = t.call("POST", "/conversations", &[JSON], &form.to_string()).await;
    assert_eq!(opened.status, 201, "{}", opened.text);
    let c = &opened.body;
    assert_eq!((c["state"].as_str(), c["channel"].as_str()), (Some("open"), Some("contact_form")));
    assert_eq!(c["subject"], "Where is my order?  Bcc: x@y", "one line, whatever was typed");
    assert_eq!((c["order_id"].as_str(), c["customer_id"].as_str()), (Some(order.as_str()), Some(t.customer.as_str())));
    let id = c["id"].as_str().unwrap().to_owned();
    // And a form naming the same order from another address links nothing
    let stranger =
        json!({"email": "stranger@example.com", "subject": "Hi", "text": "About that order", "order_id": order});
    let other = t.call("POST", "/conversations", &[JSON], &stranger.to_string()).await;
    assert_eq!(other.status, 201, "{}", other.text);
    assert!(other.body.get("order_id").is_none() && other.body.get("customer_id").is_none(), "{}", other.text);

    // Then staff see both open, newest first, and the thread
    let open = t.get("/conversations").await.body;
    let ids: Vec<&str> = open["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [other.body["id"].as_str().unwrap(), id.as_str()]);
    // When a note is added and the conversation closed
    let noted =
        t.call("POST", &format!("/conversations/{id}/notes"), &[JSON], r#"{"text":"Called the carrier"}"#).await;
    assert_eq!((noted.status, noted.body["direction"].as_str()), (201, Some("note")), "{}", noted.text);
    let closed = t.call("POST", &format!("/conversations/{id}/close"), &[JSON], "").await;
    assert_eq!((closed.status, closed.body["state"].as_str()), (200, Some("closed")), "{}", closed.text);
    // Then the thread holds the customer's message and the note, and the lists follow the state
    let thread = t.get(&format!("/conversations/{id}")).await.body;
    let directions: Vec<&str> =
        thread["messages"].as_array().unwrap().iter().map(|m| m["direction"].as_str().unwrap()).collect();
    assert_eq!(directions, ["inbound", "note"], "{thread}");
    assert_eq!(thread["messages"][0]["text"], "It has not arrived.");
    assert_eq!(t.get("/conversations?state=closed").await.body["items"][0]["id"], id.as_str());
    assert_eq!(t.get("/conversations").await.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn bad_forms_are_refused_by_field_and_write_nothing() {
    let t = spawn_app().await;
    for (body, field) in [
        (json!({"email": "not-an-address", "subject": "s", "text": "t"}), "email"),
        (json!({"email": "a@example.com", "subject": " ", "text": "t"}), "subject"),
        (json!({"email": "a@example.com", "subject": "s", "text": ""}), "text"),
        (json!({"email": "a@example.com", "subject": "s", "text": "t", "order_id": "nope"}), "order_id"),
        (json!({"email": "a@example.com", "subject": "s", "text": "t", "html": "<b>"}), "html"),
    ] {
        let r = t.call("POST", "/conversations", &[JSON], &body.to_string()).await;
        assert_eq!(r.problem(422)["field"], field, "{body}: {}", r.text);
    }
    assert!(t.get("/conversations").await.body["items"].as_array().unwrap().is_empty());
    assert_eq!(t.get("/conversations?state=later").await.problem(422)["field"], "state");
    let missing = backoffice::domain::ConversationId::new();
    assert_eq!(t.get(&format!("/conversations/{missing}")).await.status, 404);
    let note = t.call("POST", &format!("/conversations/{missing}/notes"), &[JSON], r#"{"text":"x"}"#).await;
    assert_eq!(note.status, 404, "{}", note.text);
}
