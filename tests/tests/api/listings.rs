//! The lists an operator works from: every filter, paging across pages while orders are placed,
//! cursors and limits refused when tampered or out of range.

use backoffice_local::Identity;
use backoffice_tests::{JSON, TestApp, spawn_app};
use std::collections::BTreeSet;

fn ids(items: &[serde_json::Value]) -> Vec<String> {
    items.iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect()
}

/// Places an order of one unit and returns its id.
async fn order(t: &TestApp, sku: &str) -> String {
    let r = t.place_order(&[(sku, 1)], None).await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn orders_list_newest_first_with_each_filter_the_indexes_serve() {
    let t = spawn_app().await;
    t.stocked("LIST-1", 100, 1000, "BRL", 0).await;
    let mut placed = Vec::new();
    for _ in 0..7 {
        placed.push(order(&t, "LIST-1").await);
    }
    // Two paid in full (picking once order.paid is handled), one partly, one cancelled, one packed.
    for id in &placed[0..3] {
        assert_eq!(t.pay(id, 1000, &format!("gw-{id}")).await.status, 201);
    }
    assert_eq!(t.pay(&placed[3], 400, "gw-part").await.status, 201);
    let c = t.call("POST", &format!("/orders/{}/cancel", placed[4]), &[JSON], r#"{"reason":"asked"}"#).await;
    assert_eq!(c.status, 200, "{}", c.text);
    t.app.settle().await.unwrap();
    assert_eq!(t.step(&placed[0], "packed", "").await.status, 200);

    let all = t.all_pages("/orders", 3).await;
    let mut newest_first = placed.clone();
    newest_first.reverse();
    assert_eq!(ids(&all), newest_first, "every order once, newest first, across pages of 3");
    let first = &all[6];
    assert_eq!(first["line_count"], 1);
    assert_eq!(first["total"]["amount"], 1000);
    assert_eq!(first["amount_paid"]["amount"], 1000);
    assert_eq!(first["customer_name"], "Test Buyer");
    assert_eq!((first["status"].as_str(), first["fulfillment_status"].as_str()), (Some("paid"), Some("packed")));

    let listed = |path: &'static str| {
        let t = &t;
        async move {
            let mut got = ids(&t.all_pages(path, 2).await);
            got.sort();
            got
        }
    };
    let sorted = |v: &[&String]| {
        let mut v: Vec<String> = v.iter().map(|s| (*s).clone()).collect();
        v.sort();
        v
    };
    assert_eq!(listed("/orders?status=paid").await, sorted(&[&placed[0], &placed[1], &placed[2]]));
    assert_eq!(listed("/orders?status=paid&fulfillment_status=picking").await, sorted(&[&placed[1], &placed[2]]));
    assert_eq!(listed("/orders?fulfillment_status=packed").await, sorted(&[&placed[0]]));
    assert_eq!(listed("/orders?status=cancelled").await, sorted(&[&placed[4]]));
    assert_eq!(
        listed("/orders?status=pending_payment").await,
        sorted(&[&placed[3], &placed[5], &placed[6]]),
        "a partial payment still awaits the rest"
    );
    assert_eq!(listed("/orders?status=pending_payment&payment_status=partially_paid").await, sorted(&[&placed[3]]));
    let path = format!("/orders?customer_id={}&status=paid", t.customer);
    let mut mine = ids(&t.all_pages(&path, 2).await);
    mine.sort();
    assert_eq!(mine, sorted(&[&placed[0], &placed[1], &placed[2]]));

    let today = chrono::Utc::now().date_naive();
    let in_range = t.all_pages(&format!("/orders?from={today}&to={today}"), 4).await;
    assert_eq!(in_range.len(), 7);
    let yesterday = today.pred_opt().unwrap();
    assert!(t.all_pages(&format!("/orders?to={yesterday}"), 4).await.is_empty());
    let later = chrono::Utc::now() + chrono::Duration::hours(1);
    let path = format!("/orders?from={}", later.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    assert!(t.all_pages(&path.replace('+', "%2B"), 4).await.is_empty());
}

#[tokio::test]
async fn order_pages_list_each_order_once_while_orders_are_placed() {
    let t = spawn_app().await;
    t.stocked("LIST-2", 500, 1000, "BRL", 0).await;
    let mut before = Vec::new();
    for _ in 0..12 {
        before.push(order(&t, "LIST-2").await);
    }
    // Page through while other orders are placed between pages.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut during = Vec::new();
    loop {
        during.push(order(&t, "LIST-2").await);
        let url = match &cursor {
            Some(c) => format!("/orders?limit=5&cursor={c}"),
            None => "/orders?limit=5".to_owned(),
        };
        let r = t.get(&url).await;
        assert_eq!(r.status, 200, "{}", r.text);
        seen.extend(ids(r.body["items"].as_array().unwrap()));
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no order twice: {seen:?}");
    for id in &before {
        assert!(unique.contains(id), "{id} placed before paging is listed");
    }
    assert!(!unique.contains(during.last().unwrap()), "an order placed after the first page comes before it");
}

#[tokio::test]
async fn order_listing_refuses_what_it_cannot_serve_tampered_cursors_and_limits() {
    let t = spawn_app().await;
    t.stocked("LIST-3", 10, 1000, "BRL", 0).await;
    for _ in 0..3 {
        order(&t, "LIST-3").await;
    }
    let problem = |path: &'static str, field: &'static str| {
        let t = &t;
        async move {
            let r = t.get(path).await;
            assert_eq!(r.problem(422)["field"], field, "{path}: {}", r.text);
        }
    };
    problem("/orders?payment_status=refunded", "payment_status").await;
    problem("/orders?status=completed&payment_status=paid", "payment_status").await;
    problem("/orders?status=shipped", "status").await;
    problem("/orders?from=yesterday", "from").await;
    problem("/orders?from=2026-12-02&to=2026-12-01", "to").await;
    problem("/orders?limit=0", "limit").await;
    problem("/orders?limit=101", "limit").await;
    problem("/orders?colour=red", "colour").await;
    let first = t.get("/orders?limit=1").await;
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    let mut tampered = cursor.clone();
    tampered.replace_range(4..6, "00");
    for bad in [tampered, "zz".to_owned(), format!("{cursor}00")] {
        let r = t.get(&format!("/orders?limit=1&cursor={bad}")).await;
        assert_eq!(r.problem(422)["field"], "cursor", "{}", r.text);
    }
    let other_filter = t.get(&format!("/orders?status=paid&limit=1&cursor={cursor}")).await;
    assert_eq!(other_filter.problem(422)["field"], "cursor", "a cursor continues only its own filter");
}

#[tokio::test]
async fn customer_names_in_the_order_list_need_customers_read() {
    let t = spawn_app().await;
    t.stocked("LIST-4", 10, 1000, "BRL", 0).await;
    order(&t, "LIST-4").await;
    let reader = Identity::Claims { subject: "clerk".into(), scopes: vec!["backoffice:read".into()] };
    let r = t.call_as(&reader, "GET", "/orders", &[], "").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let item = &r.body["items"][0];
    assert!(item.get("customer_name").is_none(), "{item}");
    assert_eq!(item["customer_id"], t.customer.as_str());
}

#[tokio::test]
async fn the_catalogue_lists_every_sku_and_finds_them_by_sku_or_word_prefix_ignoring_case_and_accents() {
    let t = spawn_app().await;
    let register = |sku: &'static str, name: &'static str| {
        let t = &t;
        async move {
            let body = serde_json::json!({
                "name": name, "unit_price": {"amount": 3990, "currency": "BRL"}, "reorder_point": 0, "reorder_quantity": 5,
            });
            let r = t.call("PUT", &format!("/stock/{sku}"), &[JSON], &body.to_string()).await;
            assert!(r.status == 201 || r.status == 200, "{}", r.text);
        }
    };
    register("MUG-SP", "Caneca São Paulo — Santos").await;
    register("MUG-RJ", "Caneca Rio de Janeiro").await;
    register("TEE-SAO", "Camiseta Sampa").await;
    register("CAP-01", "Boné Ação").await;
    let skus = |items: Vec<serde_json::Value>| -> Vec<String> {
        items.iter().map(|i| i["sku"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(skus(t.all_pages("/stock", 2).await), ["CAP-01", "MUG-RJ", "MUG-SP", "TEE-SAO"]);
    // "sa" begins "são" and "santos" (both MUG-SP's) and "sampa" (TEE-SAO's); a SKU's own prefix
    // is "tee", not "sao".
    let mut found = skus(t.all_pages("/stock?q=sa", 1).await);
    found.sort();
    assert_eq!(found, ["MUG-SP", "TEE-SAO"], "each SKU once, however many of its terms match");
    assert_eq!(skus(t.all_pages("/stock?q=S%C3%83O", 5).await), ["MUG-SP"], "SÃO folds to sao");
    assert_eq!(skus(t.all_pages("/stock?q=tee", 5).await), ["TEE-SAO"]);
    assert_eq!(skus(t.all_pages("/stock?q=acao", 5).await), ["CAP-01"]);
    assert_eq!(skus(t.all_pages("/stock?q=mug-", 5).await), ["MUG-RJ", "MUG-SP"]);
    assert!(t.all_pages("/stock?q=paris", 5).await.is_empty());
    let item = &t.all_pages("/stock?q=caneca", 5).await[0];
    assert_eq!((item["on_hand"].as_u64(), item["available"].as_u64()), (Some(0), Some(0)), "{item}");

    // A rename moves its terms: the old words no longer find it, the new ones do.
    register("MUG-RJ", "Caneca Niterói").await;
    assert_eq!(skus(t.all_pages("/stock?q=rio", 5).await), Vec::<String>::new());
    assert_eq!(skus(t.all_pages("/stock?q=niteroi", 5).await), ["MUG-RJ"]);

    for (path, field) in [("/stock?q=", "q"), ("/stock?q=a%23b", "q"), ("/stock?q=mug&low=true", "q")] {
        let r = t.get(path).await;
        assert_eq!(r.problem(422)["field"], field, "{path}: {}", r.text);
    }
    let r = t.get("/stock?limit=1&cursor=00").await;
    assert_eq!(r.problem(422)["field"], "cursor");
}

#[tokio::test]
async fn customers_are_found_by_email_or_name_word_prefix_and_never_once_erased() {
    let t = spawn_app().await;
    let create = |name: &'static str, email: &'static str| {
        let t = &t;
        async move {
            let body = serde_json::json!({"name": name, "email": email, "marketing_consent": {"granted": false}});
            let r = t.call("POST", "/customers", &[JSON], &body.to_string()).await;
            assert_eq!(r.status, 201, "{}", r.text);
            r.body["id"].as_str().unwrap().to_owned()
        }
    };
    let ana = create("Ana Souza", "ana@example.com").await;
    let joao = create("João Souza Brandão", "joao@example.com").await;
    create("Mariana Lima", "mariana@example.com").await;
    let names = |items: Vec<serde_json::Value>| -> Vec<String> {
        let mut v: Vec<String> = items.iter().map(|i| i["name"].as_str().unwrap().to_owned()).collect();
        v.sort();
        v
    };
    assert_eq!(names(t.all_pages("/customers?q=souz", 1).await), ["Ana Souza", "João Souza Brandão"]);
    assert_eq!(names(t.all_pages("/customers?q=JOAO", 5).await), ["João Souza Brandão"], "case and accents");
    assert_eq!(names(t.all_pages("/customers?q=brandao", 5).await), ["João Souza Brandão"]);
    assert_eq!(names(t.all_pages("/customers?q=an", 5).await), ["Ana Souza"], "a word's start, not inside");
    assert_eq!(names(t.all_pages("/customers?q=marianas", 5).await), Vec::<String>::new());
    let by_email = t.get("/customers?email=%20ANA@Example.com").await;
    assert_eq!(by_email.body["items"][0]["id"], ana.as_str(), "{}", by_email.text);
    assert!(t.get("/customers?email=nobody@example.com").await.body["items"].as_array().unwrap().is_empty());

    // A rename moves the name search; erasure forgets it and the e-mail address.
    let current = t.get(&format!("/customers/{joao}")).await;
    let etag = current.headers["etag"].to_str().unwrap().to_owned();
    let patch = t
        .call(
            "PATCH",
            &format!("/customers/{joao}"),
            &[("content-type", "application/merge-patch+json"), ("if-match", &etag)],
            r#"{"name": "João Pereira"}"#,
        )
        .await;
    assert_eq!(patch.status, 200, "{}", patch.text);
    assert_eq!(names(t.all_pages("/customers?q=souza", 5).await), ["Ana Souza"]);
    assert_eq!(names(t.all_pages("/customers?q=pereira", 5).await), ["João Pereira"]);
    let erased = t.call("POST", &format!("/customers/{ana}/erase"), &[JSON], "{}").await;
    assert_eq!(erased.status, 200, "{}", erased.text);
    assert!(t.all_pages("/customers?q=ana", 5).await.is_empty());
    assert!(t.get("/customers?email=ana@example.com").await.body["items"].as_array().unwrap().is_empty());
    let left: Vec<String> = t
        .table_items()
        .await
        .iter()
        .filter(|i| i.get("sk").and_then(|v| v.as_s().ok()) == Some(&ana))
        .map(|i| i["pk"].as_s().unwrap().clone())
        .collect();
    assert!(left.is_empty(), "no name prefix of the erased customer is kept: {left:?}");

    // Without a search, the newest first; the erased customer is not among them.
    let newest = t.get("/customers").await.body;
    let emails: Vec<&str> = newest["items"].as_array().unwrap().iter().filter_map(|c| c["email"].as_str()).collect();
    assert_eq!(emails, ["mariana@example.com", "joao@example.com", "buyer@example.com"], "{newest}");
    for (path, field) in [
        ("/customers?q=a", "q"),
        ("/customers?q=ana&email=ana@example.com", "q"),
        ("/customers?email=not-an-address", "email"),
    ] {
        let r = t.get(path).await;
        assert_eq!(r.problem(422)["field"], field, "{path}: {}", r.text);
    }
}

#[tokio::test]
async fn each_list_costs_the_documented_round_trips() {
    let t = spawn_app().await;
    t.stocked("RT-L", 10, 1000, "BRL", 0).await;
    let id = order(&t, "RT-L").await;
    let calls = |route: &'static str, path: &'static str, query: Vec<(&'static str, String)>| {
        let t = &t;
        async move {
            let (ctx, counter) = t.counted_context("QueryApiFunction");
            let query: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let handler = backoffice_local::registry::http("query-api", ctx).unwrap();
            let response = handler(t.get_request(route, path, &query)).await;
            assert_eq!(response.status().as_u16(), 200, "{route} {query:?}");
            counter.calls()
        }
    };
    let q = |v: &[(&'static str, &str)]| v.iter().map(|(k, v)| (*k, (*v).to_owned())).collect::<Vec<_>>();
    // Every write shard of the all-orders index, read at once; then the page's customer names.
    let mut expected = vec!["Query"; 4];
    expected.push("BatchGetItem");
    assert_eq!(calls("GET /orders", "/orders", vec![]).await, expected);
    let state = q(&[("status", "paid"), ("fulfillment_status", "packed")]);
    assert_eq!(calls("GET /orders", "/orders", state).await, ["Query", "Query"], "one pair, its two shards");
    let customer = q(&[("customer_id", t.customer.as_str())]);
    assert_eq!(calls("GET /orders", "/orders", customer).await, ["Query", "BatchGetItem"]);
    // The catalogue's keys, then the page's figures (not projected: reservations would write them).
    assert_eq!(calls("GET /stock", "/stock", vec![]).await, ["Query", "BatchGetItem"]);
    assert_eq!(calls("GET /stock", "/stock", q(&[("q", "product")])).await, ["Query", "BatchGetItem"]);
    assert_eq!(calls("GET /stock", "/stock", q(&[("low", "true")])).await, ["Query"]);
    assert_eq!(calls("GET /returns", "/returns", vec![]).await, ["Query"]);
    assert_eq!(calls("GET /customers", "/customers", q(&[("q", "test")])).await, ["Query", "BatchGetItem"]);
    assert_eq!(
        calls("GET /customers", "/customers", q(&[("email", "buyer@example.com")])).await,
        ["GetItem", "GetItem"]
    );
    // The counters and the sales window (O(1) in the shop's size), then the open disputes,
    // reviews and conversations read on their own index partitions (each as long as what waits
    // for a person).
    assert_eq!(
        calls("GET /overview", "/overview", vec![]).await,
        ["BatchGetItem", "Query", "Query", "Query", "Query"],
        "O(1) in the shop's size"
    );
    assert_eq!(calls("GET /audit", "/audit", q(&[("order", &id)])).await, ["Query"]);
    assert_eq!(calls("GET /audit", "/audit", q(&[("actor", "local-developer")])).await, ["Query"; 4]);
}
