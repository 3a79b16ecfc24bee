//! Orders carry their channel, and a channel's reference names one order: an order a
//! marketplace sends twice, even at the same moment, is placed once.

use backoffice_tests::{JSON, TestApp, spawn_app};
use serde_json::{Value, json};

fn import(t: &TestApp, reference: &str, quantity: u64) -> String {
    json!({"customer_id": t.customer, "lines": [{"sku": "CH-1", "quantity": quantity}],
           "channel": "mercadolivre", "external_reference": reference})
    .to_string()
}

#[tokio::test]
async fn an_order_imported_twice_at_once_is_one_order_and_other_lines_are_refused_naming_it() {
    let t = spawn_app().await;
    t.stocked("CH-1", 50, 1000, "BRL", 0).await;
    // Given ten imports of one marketplace order at the same moment
    let body = import(&t, "MLB-2000012345", 2);
    let answers = futures::future::join_all((0..10).map(|_| t.call("POST", "/orders", &[JSON], &body))).await;
    // Then one placed it and the others were answered with it
    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 201 || *s == 200), "{statuses:?}: {}", answers[0].text);
    let ids: std::collections::BTreeSet<&str> = answers.iter().map(|a| a.body["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 1, "one order: {ids:?}");
    let id = ids.into_iter().next().unwrap().to_owned();
    assert_eq!(
        (answers[0].body["channel"].as_str(), answers[0].body["external_reference"].as_str()),
        (Some("mercadolivre"), Some("MLB-2000012345"))
    );
    // And its units were reserved once
    assert_eq!(t.stock("CH-1").await["reserved"], 2);
    // When the same reference comes with other lines, it is refused naming the order
    let other = t.call("POST", "/orders", &[JSON], &import(&t, "MLB-2000012345", 3)).await;
    let problem = other.problem(409);
    assert_eq!(
        (problem["field"].as_str(), problem["order_id"].as_str()),
        (Some("external_reference"), Some(id.as_str())),
        "{}",
        other.text
    );
    // The same reference on another channel is another order
    let web = json!({"customer_id": t.customer, "lines": [{"sku": "CH-1", "quantity": 2}], "external_reference": "MLB-2000012345"});
    let placed = t.call("POST", "/orders", &[JSON], &web.to_string()).await;
    assert_eq!((placed.status, placed.body["channel"].as_str()), (201, Some("web")), "{}", placed.text);
    assert_eq!(t.stock("CH-1").await["reserved"], 4);
    t.assert_conserved().await;
}

#[tokio::test]
async fn a_bad_channel_or_reference_is_refused_by_field_and_writes_nothing() {
    let t = spawn_app().await;
    t.stocked("CH-1", 5, 1000, "BRL", 0).await;
    for (extra, field) in [
        (json!({"channel": "Mercado Livre"}), "channel"),
        (json!({"channel": ""}), "channel"),
        (json!({"external_reference": "a\r\nb"}), "external_reference"),
        (json!({"external_reference": "x".repeat(101)}), "external_reference"),
    ] {
        let mut body = json!({"customer_id": t.customer, "lines": [{"sku": "CH-1", "quantity": 1}]});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = t.call("POST", "/orders", &[JSON], &body.to_string()).await;
        assert_eq!(r.problem(422)["field"], Value::from(field), "{body}: {}", r.text);
    }
    assert_eq!(t.stock("CH-1").await["reserved"], 0);
    // Staff take an order by telephone: channel manual
    let body = json!({"customer_id": t.customer, "lines": [{"sku": "CH-1", "quantity": 1}], "channel": "manual"});
    let r = t.call("POST", "/orders", &[JSON], &body.to_string()).await;
    assert_eq!((r.status, r.body["channel"].as_str()), (201, Some("manual")), "{}", r.text);
}

#[tokio::test]
async fn the_orders_list_filters_by_channel_from_its_own_index() {
    let t = spawn_app().await;
    t.stocked("CH-L", 50, 1000, "BRL", 0).await;
    let mut placed = std::collections::BTreeMap::<&str, Vec<String>>::new();
    for channel in ["web", "manual", "manual", "mercadolivre", "web", "manual"] {
        let body = json!({"customer_id": t.customer, "lines": [{"sku": "CH-L", "quantity": 1}], "channel": channel});
        let r = t.call("POST", "/orders", &[JSON], &body.to_string()).await;
        assert_eq!(r.status, 201, "{}", r.text);
        placed.entry(channel).or_default().push(r.body["id"].as_str().unwrap().to_owned());
    }
    for (channel, mut ids) in placed {
        // Newest first, one page of two at a time
        let listed: Vec<String> = t
            .all_pages(&format!("/orders?channel={channel}"), 2)
            .await
            .iter()
            .map(|o| o["id"].as_str().unwrap().to_owned())
            .collect();
        ids.reverse();
        assert_eq!(listed, ids, "{channel}");
    }
    let today = chrono::Utc::now().date_naive();
    assert_eq!(
        t.get(&format!("/orders?channel=manual&from={today}&to={today}")).await.body["items"].as_array().unwrap().len(),
        3
    );
    let mixed = t.get("/orders?channel=manual&status=pending_payment").await;
    assert_eq!(mixed.problem(422)["field"], "channel");
    assert_eq!(t.get("/orders?channel=Not%20One").await.problem(422)["field"], "channel");
}
