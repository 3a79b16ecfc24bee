//! Helpers for the integration tests: one moto_server per test binary, and per test a fresh
//! table and queue set (unique name prefix) wired exactly as `template.yaml` says.

pub mod contract;
pub mod gateway;
pub mod mail;

use backoffice_local::{Backoffice, Identity, Moto, template};
use lambda_http::{Body, Response};
use serde_json::Value;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

static MOTO: OnceLock<Moto> = OnceLock::new();
static NEXT: AtomicUsize = AtomicUsize::new(0);

/// The shared emulator. Panics (the test fails loudly) when moto is not installed.
pub fn moto_endpoint() -> &'static str {
    &MOTO.get_or_init(|| Moto::start().unwrap_or_else(|e| panic!("{e}"))).endpoint
}

pub struct TestApp {
    pub app: std::sync::Arc<Backoffice>,
    /// A customer created through the API, for tests that place orders.
    pub customer: String,
    /// The name prefix of this test's table and queues.
    pub prefix: String,
    /// The payment providers' APIs the functions call (unless the test points them elsewhere).
    pub providers: gateway::FakeProviders,
}

/// A response as tests look at it.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub headers: lambda_http::http::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    pub fn from_response(response: Response<Body>) -> Self {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let text = match response.body() {
            Body::Text(t) => t.clone(),
            Body::Binary(b) => String::from_utf8_lossy(b).into_owned(),
            _ => String::new(),
        };
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Self { status, content_type, headers, body, text }
    }

    /// Asserts this is an RFC 9457 problem with `status`, and returns it.
    pub fn problem(&self, status: u16) -> &Value {
        assert_eq!(self.status, status, "expected a {status} problem, got {}: {}", self.status, self.text);
        assert_eq!(self.content_type, "application/problem+json", "{}", self.text);
        for member in ["type", "title", "status", "detail"] {
            assert!(self.body.get(member).is_some(), "problem without {member}: {}", self.text);
        }
        &self.body
    }
}

/// A name prefix no other test in this process uses.
/// `template.yaml` as a YAML document, for the tests that check the template itself.
pub fn template_document() -> serde_yaml_ng::Value {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../template.yaml");
    serde_yaml_ng::from_str(&std::fs::read_to_string(path).expect("template.yaml")).expect("template.yaml is YAML")
}

pub fn unique_prefix() -> String {
    format!("t{}-{}-", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst))
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

async fn with_customer(app: Backoffice, prefix: String, providers: gateway::FakeProviders) -> TestApp {
    let mut t = TestApp { app: std::sync::Arc::new(app), customer: String::new(), prefix, providers };
    let r = t.create_customer("buyer@example.com").await;
    assert_eq!(r.status, 201, "{}", r.text);
    t.customer = r.body["id"].as_str().unwrap().to_owned();
    t
}

pub const JSON: (&str, &str) = ("content-type", "application/json");

impl TestApp {
    pub async fn call(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        let reply = Reply::from_response(self.app.invoke(method, path, headers, body.as_bytes()).await);
        self.check_contract(method, path, &reply);
        reply
    }

    /// Every response a test receives must be one openapi.yaml documents.
    fn check_contract(&self, method: &str, path: &str, reply: &Reply) {
        if let Some(route) = self.app.route_for(method, path) {
            contract::contract().check(method, &route, reply.status, &reply.content_type, &reply.text);
        }
    }

    pub async fn call_as(
        &self,
        identity: &Identity,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Reply {
        let reply = Reply::from_response(self.app.invoke_as(identity, method, path, headers, body.as_bytes()).await);
        self.check_contract(method, path, &reply);
        reply
    }

    /// Every page of `path` (which has no query or ends with `?…&`), `limit` at a time.
    pub async fn all_pages(&self, path: &str, limit: u32) -> Vec<Value> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        let join = if path.contains('?') { '&' } else { '?' };
        for _ in 0..200 {
            let url = match &cursor {
                Some(c) => format!("{path}{join}limit={limit}&cursor={c}"),
                None => format!("{path}{join}limit={limit}"),
            };
            let r = self.get(&url).await;
            assert_eq!(r.status, 200, "{url}: {}", r.text);
            items.extend(r.body["items"].as_array().unwrap().iter().cloned());
            match r.body["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => return items,
            }
        }
        panic!("{path}: more than 200 pages");
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call("GET", path, &[], "").await
    }

    /// Registers a SKU with a BRL price and the given reorder point.
    pub async fn register(&self, sku: &str, reorder_point: u64) -> Reply {
        let body = serde_json::json!({
            "name": format!("Product {sku}"),
            "unit_price": { "amount": 1990, "currency": "BRL" },
            "reorder_point": reorder_point,
            "reorder_quantity": 25,
        });
        self.call("PUT", &format!("/stock/{sku}"), &[JSON], &body.to_string()).await
    }

    pub async fn adjust(&self, sku: &str, body: Value) -> Reply {
        self.call("POST", &format!("/stock/{sku}/adjustments"), &[JSON], &body.to_string()).await
    }

    pub async fn adjust_with_key(&self, sku: &str, key: &str, body: Value) -> Reply {
        self.call("POST", &format!("/stock/{sku}/adjustments"), &[JSON, ("idempotency-key", key)], &body.to_string())
            .await
    }

    pub async fn stock(&self, sku: &str) -> Value {
        let r = self.get(&format!("/stock/{sku}")).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body
    }

    /// Every ledger line of a SKU, following cursors.
    pub async fn ledger(&self, sku: &str) -> Vec<Value> {
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/stock/{sku}/movements?limit=7&cursor={c}"),
                None => format!("/stock/{sku}/movements?limit=7"),
            };
            let r = self.get(&path).await;
            assert_eq!(r.status, 200, "{}", r.text);
            all.extend(r.body["items"].as_array().cloned().unwrap_or_default());
            match r.body["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => return all,
            }
        }
    }

    /// Every item in the test's table (a Scan: tests only, to prove nothing else was written).
    /// The payloads of the stored `stock.low` events naming `sku`, whichever item raised them
    /// (the SKU's own, or an order's), oldest first.
    pub async fn low_events_for(&self, sku: &str) -> Vec<Value> {
        let mut events: Vec<_> = self
            .table_items()
            .await
            .into_iter()
            .filter(|i| i.get("type").and_then(|v| v.as_s().ok()).map(String::as_str) == Some("stock.low"))
            .map(|i| backoffice::store::events::EventRecord::from_item(i).unwrap().envelope())
            .filter(|e| e.payload["levels"].as_array().unwrap().iter().any(|l| l["sku"] == sku))
            .collect();
        events.sort_by_key(|e| e.id);
        events.into_iter().map(|e| e.payload).collect()
    }

    pub async fn table_items(&self) -> Vec<std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>> {
        let client = aws_sdk_dynamodb::Client::new(&self.app.sdk);
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = client
                .scan()
                .table_name(&self.app.resources.table_name)
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .expect("scan");
            items.extend(out.items.unwrap_or_default());
            start = out.last_evaluated_key;
            if start.is_none() {
                return items;
            }
        }
    }

    pub fn sqs(&self) -> aws_sdk_sqs::Client {
        aws_sdk_sqs::Client::new(&self.app.sdk)
    }

    pub fn queue_url(&self, logical_id: &str) -> String {
        self.app.resources.queue_urls[logical_id].clone()
    }

    /// Messages waiting in a queue (visible or in flight).
    pub async fn queue_depth(&self, logical_id: &str) -> usize {
        let out = self
            .sqs()
            .get_queue_attributes()
            .queue_url(self.queue_url(logical_id))
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
            .send()
            .await
            .expect("queue attributes");
        out.attributes.unwrap_or_default().values().map(|v| v.parse::<usize>().unwrap_or(0)).sum()
    }
}

/// Counts the AWS requests a client sends (every HTTP attempt), by operation name.
#[derive(Debug, Clone, Default)]
pub struct CallCounter(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl CallCounter {
    pub fn calls(&self) -> Vec<String> {
        self.0.lock().map(|c| c.clone()).unwrap_or_default()
    }
}

impl aws_smithy_runtime_api::client::interceptors::Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "CallCounter"
    }

    fn read_before_transmit(
        &self,
        _context: &aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        cfg: &mut aws_smithy_types::config_bag::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        let name = cfg
            .load::<aws_smithy_runtime_api::client::orchestrator::Metadata>()
            .map(|m| m.name().to_owned())
            .unwrap_or_default();
        if let Ok(mut calls) = self.0.lock() {
            calls.push(name);
        }
        Ok(())
    }
}

impl TestApp {
    /// A function's context whose DynamoDB and SNS clients count their requests (in one list).
    pub fn counted_context(&self, function: &str) -> (backoffice::AppContext, CallCounter) {
        let counter = CallCounter::default();
        let config = aws_sdk_dynamodb::config::Builder::from(&self.app.sdk).interceptor(counter.clone()).build();
        let mut ctx = self.app.contexts[function].clone();
        ctx.store = backoffice::store::Store::new(aws_sdk_dynamodb::Client::from_conf(config), ctx.store.table());
        if let Some(topic) = ctx.events.as_mut() {
            let config = aws_sdk_sns::config::Builder::from(&self.app.sdk).interceptor(counter.clone()).build();
            topic.client = aws_sdk_sns::Client::from_conf(config);
        }
        (ctx, counter)
    }

    /// An API Gateway v2 request for `route_key`, as the runner would build it.
    pub fn request(&self, route_key: &str, path: &str, body: &str, headers: &[(&str, &str)]) -> lambda_http::Request {
        self.request_with_params(route_key, path, &[], body, headers)
    }

    /// [`TestApp::request`] for a route with path parameters (`("sku", "MUG-1")`).
    pub fn request_with_params(
        &self,
        route_key: &str,
        path: &str,
        params: &[(&str, &str)],
        body: &str,
        headers: &[(&str, &str)],
    ) -> lambda_http::Request {
        let (method, _) = route_key.split_once(' ').unwrap();
        let event = backoffice_local::apigw::event(backoffice_local::apigw::EventInput {
            method,
            route_key,
            raw_path: path,
            raw_query: "",
            query: Default::default(),
            headers: headers.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            path_parameters: params.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            body: body.as_bytes(),
            identity: &self.app.identity,
        });
        lambda_http::request::from_str(&event.to_string()).unwrap()
    }

    /// A GET request for `route_key` with a query string (each parameter once), as the runner
    /// would build it.
    pub fn get_request(&self, route_key: &str, path: &str, query: &[(&str, &str)]) -> lambda_http::Request {
        let raw_query = query.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
        let event = backoffice_local::apigw::event(backoffice_local::apigw::EventInput {
            method: "GET",
            route_key,
            raw_path: path,
            raw_query: &raw_query,
            query: query.iter().map(|(k, v)| ((*k).to_owned(), Value::String((*v).to_owned()))).collect(),
            headers: Vec::new(),
            path_parameters: Vec::new(),
            body: b"",
            identity: &self.app.identity,
        });
        lambda_http::request::from_str(&event.to_string()).unwrap()
    }

    /// Registers a SKU with `on_hand` units at `price` minor units of `currency`.
    pub async fn stocked(&self, sku: &str, on_hand: i64, price: i64, currency: &str, reorder_point: u64) {
        let body = serde_json::json!({
            "name": format!("Product {sku}"),
            "unit_price": { "amount": price, "currency": currency },
            "reorder_point": reorder_point,
            "reorder_quantity": 10,
        });
        let r = self.call("PUT", &format!("/stock/{sku}"), &[JSON], &body.to_string()).await;
        assert_eq!(r.status, 201, "{}", r.text);
        if on_hand > 0 {
            let r = self.adjust(sku, serde_json::json!({"delta": on_hand, "reason": "received"})).await;
            assert_eq!(r.status, 201, "{}", r.text);
        }
    }

    pub async fn place_order(&self, lines: &[(&str, u64)], key: Option<&str>) -> Reply {
        let lines: Vec<serde_json::Value> =
            lines.iter().map(|(sku, q)| serde_json::json!({"sku": sku, "quantity": q})).collect();
        let body = serde_json::json!({"customer_id": self.customer, "lines": lines}).to_string();
        match key {
            Some(k) => self.call("POST", "/orders", &[JSON, ("idempotency-key", k)], &body).await,
            None => self.call("POST", "/orders", &[JSON], &body).await,
        }
    }

    /// Stock items and orders in the table, for conservation checks.
    pub async fn count_items_with_sk(&self, sk: &str) -> usize {
        self.table_items()
            .await
            .iter()
            .filter(|i| i.get("sk").and_then(|v| v.as_s().ok()).map(String::as_str) == Some(sk))
            .count()
    }
}

/// Spawns an app whose functions get these environment overrides.
/// The payment providers' APIs are the test's fake ones unless `overrides` names others.
pub async fn spawn_app_with(overrides: &[(&str, &str)]) -> TestApp {
    let endpoint = moto_endpoint();
    let prefix = unique_prefix();
    let template = template::load_default().expect("template.yaml");
    let providers = gateway::FakeProviders::start().await;
    let mut all: Vec<(&str, &str)> = vec![("STRIPE_API_URL", &providers.url), ("MERCADOPAGO_API_URL", &providers.url)];
    all.retain(|(name, _)| overrides.iter().all(|(given, _)| given != name));
    all.extend_from_slice(overrides);
    let app = Backoffice::with_overrides(template, endpoint, &prefix, &all).await.expect("provision test resources");
    with_customer(app, prefix, providers).await
}

impl TestApp {
    /// A new runner on the same table and queues, as after the process was killed: nothing of
    /// the old one's memory (stream position, pending records) survives.
    pub async fn restart(&self) -> TestApp {
        let template = template::load_default().expect("template.yaml");
        let providers = [("STRIPE_API_URL", self.providers.url.as_str()), ("MERCADOPAGO_API_URL", &self.providers.url)];
        let app =
            Backoffice::with_overrides(template, moto_endpoint(), &self.prefix, &providers).await.expect("reprovision");
        TestApp {
            app: std::sync::Arc::new(app),
            customer: self.customer.clone(),
            prefix: self.prefix.clone(),
            providers: self.providers.clone(),
        }
    }

    /// The conservation rules and the absence of orphans, over the whole table:
    /// * for every SKU, on_hand equals the sum of its ledger movements;
    /// * reserved equals the units of orders that are neither cancelled nor shipped;
    /// * every ledger line, event, payment, refund, pick list and notification belongs to an
    ///   item that exists.
    pub async fn assert_conserved(&self) {
        use std::collections::{HashMap, HashSet};
        let items = self.table_items().await;
        let s = |i: &std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>, k: &str| {
            i.get(k).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default()
        };
        let keys: HashSet<(String, String)> = items.iter().map(|i| (s(i, "pk"), s(i, "sk"))).collect();
        let mut ledger: HashMap<String, i64> = HashMap::new();
        let mut reserved: HashMap<String, u64> = HashMap::new();
        for item in &items {
            let (pk, sk) = (s(item, "pk"), s(item, "sk"));
            if sk.starts_with("MOVE#") {
                let delta: i64 = item["delta"].as_n().unwrap().parse().unwrap();
                *ledger.entry(pk.clone()).or_default() += delta;
                assert!(keys.contains(&(pk.clone(), "STOCK".into())), "orphan movement {pk} {sk}");
            }
            if sk == "ORDER" {
                let order = backoffice::store::orders::order_from_item(item.clone()).unwrap();
                let holds =
                    order.status() != backoffice::domain::order::OrderStatus::Cancelled && !order.stock_committed();
                for line in order.lines() {
                    *reserved.entry(format!("SKU#{}", line.sku)).or_default() += if holds { line.quantity } else { 0 };
                }
            }
            let needs_parent = sk.starts_with("EVENT#")
                || sk.starts_with("PAYMENT#")
                || sk.starts_with("REFUND#")
                || sk == "PICKLIST"
                || sk.starts_with("NOTIFICATION#");
            if needs_parent {
                let parent = if pk.starts_with("SKU#") {
                    "STOCK"
                } else if pk.starts_with("ORDER#") {
                    "ORDER"
                } else if pk.starts_with("CUSTOMER#") {
                    "CUSTOMER"
                } else {
                    panic!("{sk} under unexpected partition {pk}")
                };
                assert!(keys.contains(&(pk.clone(), parent.into())), "orphan {sk} under {pk}");
            }
        }
        // Every promotion's count is the number of orders that redeemed it and were not cancelled.
        let mut redeemed: HashMap<String, u64> = HashMap::new();
        for item in items.iter().filter(|i| s(i, "sk") == "ORDER") {
            let order = backoffice::store::orders::order_from_item(item.clone()).unwrap();
            if order.status() != backoffice::domain::order::OrderStatus::Cancelled {
                for d in order.discounts() {
                    *redeemed.entry(format!("PROMOTION#{}", d.code)).or_default() += 1;
                }
            }
        }
        for item in items.iter().filter(|i| s(i, "sk") == "REDEEMED") {
            let pk = s(item, "pk");
            let count: u64 = item["redeemed"].as_n().unwrap().parse().unwrap();
            assert_eq!(count, redeemed.remove(&pk).unwrap_or(0), "{pk}: redeemed = orders holding it");
        }
        assert!(redeemed.is_empty(), "orders redeemed promotions no count holds: {redeemed:?}");
        for item in items.iter().filter(|i| s(i, "sk") == "STOCK") {
            let pk = s(item, "pk");
            let on_hand: i64 = item["on_hand"].as_n().unwrap().parse().unwrap();
            let held: u64 = item["reserved"].as_n().unwrap().parse().unwrap();
            assert_eq!(on_hand, ledger.get(&pk).copied().unwrap_or(0), "{pk}: on_hand = sum of the ledger");
            assert_eq!(held, reserved.get(&pk).copied().unwrap_or(0), "{pk}: reserved = units of open orders");
        }
    }
}

impl TestApp {
    /// Creates a customer with this e-mail and a default shipping address.
    pub async fn create_customer(&self, email: &str) -> Reply {
        let body = serde_json::json!({
            "name": "Test Buyer",
            "email": email,
            "addresses": [{"kind": "shipping", "default": true, "recipient": "Test Buyer", "line1": "Rua Teste, 1",
                           "city": "Curitiba", "postal_code": "80000-000", "country": "BR"}],
            "marketing_consent": {"granted": false},
        });
        self.call("POST", "/customers", &[JSON], &body.to_string()).await
    }
}

impl TestApp {
    /// Records a payment of `amount` BRL minor units with a gateway reference.
    pub async fn pay(&self, order: &str, amount: i64, reference: &str) -> Reply {
        let body = serde_json::json!({
            "amount": {"amount": amount, "currency": "BRL"}, "method": "pix", "gateway_reference": reference,
        });
        self.call("POST", &format!("/orders/{order}/payments"), &[JSON], &body.to_string()).await
    }

    pub async fn refund(&self, order: &str, amount: i64, reference: &str) -> Reply {
        let body = serde_json::json!({
            "amount": {"amount": amount, "currency": "BRL"}, "reason": "customer returned goods", "gateway_reference": reference,
        });
        self.call("POST", &format!("/orders/{order}/refunds"), &[JSON], &body.to_string()).await
    }

    pub async fn step(&self, order: &str, step: &str, body: &str) -> Reply {
        self.call("POST", &format!("/orders/{order}/fulfillment/{step}"), &[JSON], body).await
    }

    /// The envelopes of every event stored under a partition, oldest first.
    pub async fn envelopes(&self, pk: &str) -> Vec<backoffice::events::Envelope> {
        let mut events: Vec<backoffice::store::events::EventRecord> = self
            .table_items()
            .await
            .into_iter()
            .filter(|i| i.get("pk").and_then(|v| v.as_s().ok()).map(String::as_str) == Some(pk))
            .filter(|i| i.get("sk").and_then(|v| v.as_s().ok()).is_some_and(|s| s.starts_with("EVENT#")))
            .map(|i| backoffice::store::events::EventRecord::from_item(i).unwrap())
            .collect();
        events.sort_by(|a, b| a.sk.cmp(&b.sk));
        events.iter().map(|e| e.envelope()).collect()
    }
}

/// An SQS event carrying these bodies, as Lambda would deliver it.
pub fn sqs_event(bodies: &[String]) -> backoffice::sqs::Batch {
    let records: Vec<serde_json::Value> = bodies
        .iter()
        .enumerate()
        .map(|(i, b)| {
            serde_json::json!({"messageId": format!("m-{i}"), "receiptHandle": format!("r-{i}"), "body": b,
                                          "attributes": {}, "messageAttributes": {}, "eventSource": "aws:sqs"})
        })
        .collect();
    serde_json::from_value(serde_json::json!({ "Records": records })).unwrap()
}

/// Throttles the first `count` attempts of one DynamoDB operation, as DynamoDB does under load:
/// the request never reaches the operation (it is redirected to an action the emulator refuses
/// without writing anything) and the answer is DynamoDB's `ThrottlingException`. Then requests
/// go through.
#[derive(Debug, Clone)]
pub struct Throttle {
    operation: &'static str,
    left: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Throttle {
    pub fn new(operation: &'static str, count: usize) -> Self {
        Self { operation, left: std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(count)) }
    }

    pub fn remaining(&self) -> usize {
        self.left.load(std::sync::atomic::Ordering::SeqCst)
    }
}

#[derive(Debug, Clone)]
struct ThrottledRequest;

impl aws_smithy_types::config_bag::Storable for ThrottledRequest {
    type Storer = aws_smithy_types::config_bag::StoreReplace<Self>;
}

impl aws_smithy_runtime_api::client::interceptors::Intercept for Throttle {
    fn name(&self) -> &'static str {
        "Throttle"
    }

    fn modify_before_transmit(
        &self,
        context: &mut aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        cfg: &mut aws_smithy_types::config_bag::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        use std::sync::atomic::Ordering::SeqCst;
        let name = cfg.load::<aws_smithy_runtime_api::client::orchestrator::Metadata>().map(|m| m.name().to_owned());
        if name.as_deref() == Some(self.operation)
            && self.left.fetch_update(SeqCst, SeqCst, |n| n.checked_sub(1)).is_ok()
        {
            context.request_mut().headers_mut().insert("x-amz-target", "DynamoDB_20120810.ThrottledByTest");
            // Marks this request (not whichever response comes back next: calls run concurrently).
            cfg.interceptor_state().store_put(ThrottledRequest);
        }
        Ok(())
    }

    fn modify_before_deserialization(
        &self,
        context: &mut aws_smithy_runtime_api::client::interceptors::context::BeforeDeserializationInterceptorContextMut<
            '_,
        >,
        _runtime_components: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        cfg: &mut aws_smithy_types::config_bag::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        if cfg.load::<ThrottledRequest>().is_some() {
            cfg.interceptor_state().unset::<ThrottledRequest>();
            let response = context.response_mut();
            response.headers_mut().remove("x-amzn-errortype");
            *response.status_mut() = aws_smithy_runtime_api::http::StatusCode::try_from(400u16)?;
            response.headers_mut().insert("content-type", "application/x-amz-json-1.0");
            *response.body_mut() = aws_smithy_types::body::SdkBody::from(
                r#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate of requests exceeds the allowed throughput."}"#,
            );
        }
        Ok(())
    }
}

impl TestApp {
    /// A function's context whose DynamoDB client is throttled as `throttle` says.
    pub fn throttled_context(&self, function: &str, throttle: &Throttle) -> backoffice::AppContext {
        let config = aws_sdk_dynamodb::config::Builder::from(&self.app.sdk).interceptor(throttle.clone()).build();
        let mut ctx = self.app.contexts[function].clone();
        ctx.store = backoffice::store::Store::new(aws_sdk_dynamodb::Client::from_conf(config), ctx.store.table());
        ctx
    }
}

/// A plain-HTTP GET of `url` (a link into moto), as a browser would follow it: the status and
/// the body. HTTP/1.1 with `Connection: close`, read to the end.
pub async fn http_get(url: &str) -> (u16, Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").expect("a plain-HTTP link");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = tokio::net::TcpStream::connect(host).await.expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("read");
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").expect("a header block");
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status line");
    let body = response[split + 4..].to_vec();
    assert!(
        !head.to_ascii_lowercase().contains("transfer-encoding: chunked"),
        "chunked bodies are not decoded here: {head}"
    );
    (status, body)
}
