//! The local runner, as a library: the `backoffice-local` binary and the integration tests both
//! use it. It provisions the template's resources in moto, builds one context per function (as
//! Lambda gives each function its own process and environment), and invokes the handlers
//! in-process with the events Lambda would send.

pub mod apigw;
pub mod auth;
pub mod capture;
pub mod console;
pub mod demo;
pub mod filter;
pub mod inbound_mail;
pub mod moto;
pub mod operations;
pub mod provision;
pub mod pumps;
pub mod recorder;
pub mod registry;
pub mod server;
pub mod sign_in;
pub mod template;

pub use apigw::Identity;
pub use moto::{KeptMoto, Moto};

use apigw::{EventInput, PathTemplate};
use backoffice::AppContext;
use backoffice::http::Problem;
use lambda_http::{Body, Response};
use provision::Provisioned;
use registry::{HttpFn, ScheduleFn, SqsFn, StreamFn};
use std::collections::BTreeMap;
use template::{EventSpec, Template};

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// API Gateway's own payload limit for HTTP APIs; bigger bodies never reach a function.
pub const GATEWAY_MAX_BODY: usize = 10 * 1024 * 1024;

/// API Gateway's refusal of a body over its limit, in the form the functions' own size check
/// uses (the field, the limit in bytes), so a client handles both alike.
pub fn body_too_large() -> Response<Body> {
    Problem::new(
        413,
        "payload-too-large",
        "Request body too large",
        format!("API Gateway accepts at most {GATEWAY_MAX_BODY} bytes"),
    )
    .with_field("body")
    .with("max_bytes", GATEWAY_MAX_BODY)
    .into_response()
}

pub struct Route {
    pub method: String,
    pub path: PathTemplate,
    pub function: String,
    /// The scopes the JWT authorizer demands for this route (`AuthorizationScopes`).
    pub scopes: Vec<String>,
    /// Outside the authorizer (`Authorizer: NONE`): called with no identity, whatever is sent.
    pub public: bool,
    handler: HttpFn,
}

/// How requests that arrive over HTTP are authenticated.
#[derive(Debug, Clone)]
pub enum Auth {
    /// Every request is the development identity with every scope (`make run`'s default).
    Development,
    /// Bearer JWTs are verified as API Gateway's authorizer would (`LOCAL_AUTH=jwt`).
    Jwt(auth::JwtVerifier),
}

pub struct SqsConsumer {
    pub function: String,
    pub queue_logical_id: String,
    pub queue_url: String,
    pub queue_arn: String,
    pub batch_size: usize,
    /// Batches in flight at once, as Lambda scales a queue's pollers up to the event source's
    /// `ScalingConfig.MaximumConcurrency` (5 without one: Lambda's starting point for a queue).
    pub concurrency: usize,
    /// How long the oldest message of the last batch received had waited, in milliseconds
    /// (-1 before the first): what `ApproximateAgeOfOldestMessage` shows on AWS.
    pub(crate) waited_ms: std::sync::atomic::AtomicI64,
    handler: SqsFn,
}

pub struct StreamConsumer {
    pub function: String,
    pub batch_size: usize,
    /// Retries of a failing record before it is given up, as Lambda's `MaximumRetryAttempts`.
    pub max_retries: Option<u32>,
    /// The URL of the on-failure destination queue, if the mapping names one.
    pub on_failure_url: Option<String>,
    /// The mapping's `FilterCriteria`: a record is delivered if it matches one (none: all are).
    pub filters: Vec<filter::Pattern>,
    /// Records read for it and not yet taken, and its `IteratorAge` in milliseconds (-1 before
    /// its first batch): kept outside the stream's lock, so reading them never waits for a round.
    pub(crate) pending: std::sync::atomic::AtomicUsize,
    pub(crate) iterator_age_ms: std::sync::atomic::AtomicI64,
    pub(crate) records_read: std::sync::atomic::AtomicUsize,
    /// Its own place in the stream, as each event source mapping keeps one.
    pub(crate) position: tokio::sync::Mutex<pumps::StreamPosition>,
    handler: StreamFn,
}

pub struct ScheduledFunction {
    pub function: String,
    pub expression: String,
    handler: ScheduleFn,
}

/// SES's receipt rule, run by [`Backoffice::deliver_mail`].
pub struct MailReceiver {
    pub function: String,
    pub bucket: String,
    pub prefix: String,
    pub(crate) handler: registry::MailFn,
}

pub struct Backoffice {
    pub template: Template,
    /// The inbox's door, when the template has a receipt rule.
    pub mail_receiver: Option<MailReceiver>,
    pub sdk: aws_config::SdkConfig,
    pub resources: Provisioned,
    pub routes: Vec<Route>,
    pub sqs_consumers: Vec<SqsConsumer>,
    pub stream_consumers: Vec<StreamConsumer>,
    pub schedules: Vec<ScheduledFunction>,
    /// Each function's context, by logical id, built from its resolved environment.
    pub contexts: BTreeMap<String, AppContext>,
    /// The identity requests carry when the caller does not say otherwise.
    pub identity: Identity,
    /// How `invoke` authenticates (tests call `invoke_as` with an explicit identity).
    pub auth: Auth,
    /// The AWS actions each function has performed (for the least-privilege test).
    pub actions: recorder::ActionLog,
    /// Every invocation and AWS exchange per function, when built with [`Backoffice::capturing`].
    pub capture: Option<capture::Capture>,
    /// Where the stream pollers keep their place (the last record each stream consumer has
    /// taken, per shard), as Lambda's event source mappings do: a restarted runner resumes
    /// after it instead of replaying the stream. `None` (tests): from the stream's start.
    pub stream_checkpoint: Option<std::path::PathBuf>,
    /// The operator console, served at `/` when set (`make run` sets it).
    pub console: Option<console::Console>,
    /// The stand-in for the user pool's sign-in page, with `LOCAL_AUTH=oauth`.
    pub sign_in: Option<sign_in::SignIn>,
    /// The checkpoint as last saved, which each consumer updates with its own place.
    saved_checkpoint: std::sync::Mutex<pumps::Checkpoint>,
}

/// SDK configuration for the emulator at `endpoint`, with throwaway credentials.
pub async fn sdk_for(endpoint: &str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new("local", "local", None, None, "local"))
        .load()
        .await
}

impl Backoffice {
    /// Provisions the template in the emulator at `endpoint` (names prefixed with `prefix`) and
    /// wires every function.
    pub async fn new(template: Template, endpoint: &str, prefix: &str) -> Result<Self, BoxError> {
        Self::with_overrides(template, endpoint, prefix, &[]).await
    }

    /// Like [`Backoffice::new`], with environment variables that replace the template's values
    /// in every function that has them (e.g. a short `PAYMENT_HOLD_SECONDS`).
    pub async fn with_overrides(
        template: Template,
        endpoint: &str,
        prefix: &str,
        overrides: &[(&str, &str)],
    ) -> Result<Self, BoxError> {
        Self::build(template, endpoint, prefix, overrides, None).await
    }

    /// Like [`Backoffice::with_overrides`], capturing every invocation and AWS exchange (for
    /// benchmarks).
    pub async fn capturing(
        template: Template,
        endpoint: &str,
        prefix: &str,
        overrides: &[(&str, &str)],
    ) -> Result<Self, BoxError> {
        Self::build(template, endpoint, prefix, overrides, Some(capture::Capture::default())).await
    }

    async fn build(
        template: Template,
        endpoint: &str,
        prefix: &str,
        overrides: &[(&str, &str)],
        capture: Option<capture::Capture>,
    ) -> Result<Self, BoxError> {
        let sdk = sdk_for(endpoint).await;
        let resources = provision::provision(&sdk, &template, prefix).await?;
        let mut routes = Vec::new();
        let mut sqs_consumers = Vec::new();
        let mut stream_consumers = Vec::new();
        let mut schedules = Vec::new();
        let mut contexts = BTreeMap::new();
        let actions = recorder::ActionLog::default();
        for (id, f) in &template.functions {
            let mut env = resources.environment(&template, &f.environment).map_err(|e| format!("{id}: {e}"))?;
            for (name, value) in overrides {
                if let Some(v) = env.get_mut(*name) {
                    *v = (*value).to_owned();
                }
            }
            let mut ctx = AppContext::from_lookup(&sdk, &|name| env.get(name).cloned())?;
            // Each function's clients record what they call, as IAM would see it.
            let mut ddb = aws_sdk_dynamodb::config::Builder::from(&sdk).interceptor(actions.interceptor(id));
            let mut sns = aws_sdk_sns::config::Builder::from(&sdk).interceptor(actions.interceptor(id));
            if let Some(capture) = &capture {
                ddb = ddb.interceptor(capture.interceptor(id));
                sns = sns.interceptor(capture.interceptor(id));
            }
            ctx.store =
                backoffice::store::Store::new(aws_sdk_dynamodb::Client::from_conf(ddb.build()), ctx.store.table());
            if let Some(topic) = ctx.events.as_mut() {
                topic.client = aws_sdk_sns::Client::from_conf(sns.build());
            }
            if let Some(payments) = ctx.payments.as_mut() {
                let mut secrets =
                    aws_sdk_secretsmanager::config::Builder::from(&sdk).interceptor(actions.interceptor(id));
                let mut sqs = aws_sdk_sqs::config::Builder::from(&sdk).interceptor(actions.interceptor(id));
                if let Some(capture) = &capture {
                    secrets = secrets.interceptor(capture.interceptor(id));
                    sqs = sqs.interceptor(capture.interceptor(id));
                }
                let client = aws_sdk_secretsmanager::Client::from_conf(secrets.build());
                let source =
                    backoffice::gateway::secrets::SecretSource::from_client(client, payments.secrets.id().to_owned());
                payments.secrets = std::sync::Arc::new(source);
                payments.sqs = std::sync::OnceLock::from(aws_sdk_sqs::Client::from_conf(sqs.build()));
            }
            if let Some(mail) = ctx.mail.as_mut() {
                let mut ses = aws_sdk_sesv2::config::Builder::from(&sdk).interceptor(actions.interceptor(id));
                if let Some(capture) = &capture {
                    ses = ses.interceptor(capture.interceptor(id));
                }
                mail.set_client(aws_sdk_sesv2::Client::from_conf(ses.build()));
            }
            if let Some(bucket) = ctx.mail_bucket.clone() {
                let mut s3 = backoffice::files::s3_config(&sdk).interceptor(actions.interceptor(id));
                if let Some(capture) = &capture {
                    s3 = s3.interceptor(capture.interceptor(id));
                }
                let client = aws_sdk_s3::Client::from_conf(s3.build());
                ctx.mailbox = Some(backoffice::files::Bucket::from_client(client, bucket));
            }
            if let Some(bucket) = ctx.exports_bucket.clone() {
                let mut s3 = backoffice::files::s3_config(&sdk).interceptor(actions.interceptor(id));
                if let Some(capture) = &capture {
                    s3 = s3.interceptor(capture.interceptor(id));
                }
                let client = aws_sdk_s3::Client::from_conf(s3.build());
                ctx.files = Some(backoffice::files::Bucket::from_client(client, bucket));
            }
            for event in &f.events {
                let missing = || format!("{id}: no {} handler for binary {}", kind(event), f.binary);
                match event {
                    EventSpec::Http { method, path, scopes, public } => routes.push(Route {
                        method: method.clone(),
                        path: PathTemplate::parse(path),
                        function: id.clone(),
                        scopes: scopes.clone(),
                        public: *public,
                        handler: registry::http(&f.binary, ctx.clone()).ok_or_else(missing)?,
                    }),
                    EventSpec::Sqs { queue, batch_size, max_concurrency } => sqs_consumers.push(SqsConsumer {
                        function: id.clone(),
                        queue_logical_id: queue.clone(),
                        queue_url: resources
                            .queue_urls
                            .get(queue)
                            .cloned()
                            .ok_or_else(|| format!("{id}: unknown queue {queue}"))?,
                        queue_arn: resources.queue_arns.get(queue).cloned().unwrap_or_default(),
                        batch_size: (*batch_size).clamp(1, 10),
                        concurrency: max_concurrency.unwrap_or(5).max(1),
                        waited_ms: (-1).into(),
                        handler: registry::sqs(&f.binary, ctx.clone()).ok_or_else(missing)?,
                    }),
                    EventSpec::Stream { batch_size, max_retries, on_failure, filters } => {
                        stream_consumers.push(StreamConsumer {
                            function: id.clone(),
                            batch_size: *batch_size,
                            max_retries: *max_retries,
                            filters: filters.clone(),
                            pending: 0.into(),
                            iterator_age_ms: (-1).into(),
                            records_read: 0.into(),
                            position: Default::default(),
                            on_failure_url: on_failure
                                .as_ref()
                                .map(|queue| {
                                    resources
                                        .queue_urls
                                        .get(queue)
                                        .cloned()
                                        .ok_or_else(|| format!("{id}: on-failure destination {queue} is not a queue"))
                                })
                                .transpose()?,
                            handler: registry::stream(&f.binary, ctx.clone()).ok_or_else(missing)?,
                        })
                    }
                    EventSpec::Schedule { expression } => schedules.push(ScheduledFunction {
                        function: id.clone(),
                        expression: expression.clone(),
                        handler: registry::schedule(&f.binary, ctx.clone()).ok_or_else(missing)?,
                    }),
                }
            }
            contexts.insert(id.clone(), ctx);
        }
        let mail_receiver = match &template.receipt_rule {
            Some(rule) => {
                let f = template
                    .functions
                    .get(&rule.function)
                    .ok_or_else(|| format!("{}: not a function", rule.function))?;
                let ctx =
                    contexts.get(&rule.function).cloned().ok_or_else(|| format!("{}: no context", rule.function))?;
                Some(MailReceiver {
                    function: rule.function.clone(),
                    bucket: resources
                        .buckets
                        .get(&rule.bucket)
                        .cloned()
                        .ok_or_else(|| format!("{}: unknown bucket", rule.bucket))?,
                    prefix: rule.prefix.clone(),
                    handler: registry::mail(&f.binary, ctx)
                        .ok_or_else(|| format!("{}: no mail handler", rule.function))?,
                })
            }
            None => None,
        };
        routes.sort_by_key(|r| std::cmp::Reverse(r.path.specificity()));
        let identity = Identity::Claims { subject: "local-developer".into(), scopes: template.all_scopes() };
        Ok(Self {
            template,
            mail_receiver,
            sdk,
            resources,
            routes,
            sqs_consumers,
            stream_consumers,
            schedules,
            contexts,
            identity,
            auth: Auth::Development,
            actions,
            capture,
            stream_checkpoint: None,
            console: None,
            sign_in: None,
            saved_checkpoint: Default::default(),
        })
    }

    /// Runs the user pool's pre-token-generation trigger for `user` in `groups`, with the event
    /// Cognito sends it when it issues tokens (`source`: `TokenGeneration_HostedAuth` at
    /// sign-in, `TokenGeneration_RefreshTokens` at a refresh), and returns the scopes it adds to
    /// the access token.
    pub fn run_token_trigger(
        &self,
        source: &str,
        user: &str,
        groups: &[String],
        requested: &[String],
    ) -> Result<Vec<String>, BoxError> {
        let id = self.template.token_trigger.as_ref().ok_or("template.yaml names no pre-token-generation trigger")?;
        let binary = &self.template.functions[id].binary;
        let handler = registry::token(binary).ok_or_else(|| format!("{id}: no trigger handler for binary {binary}"))?;
        let event = serde_json::json!({
            "version": "2",
            "triggerSource": source,
            "region": self.sdk.region().map(|r| r.to_string()).unwrap_or_default(),
            "userPoolId": "local",
            "userName": user,
            "callerContext": { "awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": sign_in::CLIENT_ID },
            "request": {
                "userAttributes": { "sub": user },
                "groupConfiguration": { "groupsToOverride": groups, "iamRolesToOverride": [], "preferredRole": null },
                "scopes": requested,
            },
            "response": { "claimsAndScopeOverrideDetails": null },
        });
        if let Some(capture) = &self.capture {
            capture.invocation(id, event.clone());
        }
        let answer = handler(serde_json::from_value(event)?);
        let added = &answer["response"]["claimsAndScopeOverrideDetails"]["accessTokenGeneration"]["scopesToAdd"];
        Ok(serde_json::from_value(added.clone()).unwrap_or_default())
    }

    /// The template path of the route `method path` would reach, e.g. `/orders/{id}`.
    pub fn route_for(&self, method: &str, path: &str) -> Option<String> {
        let path = path.split('?').next().unwrap_or(path);
        self.routes
            .iter()
            .find(|r| (r.method == method || r.method == "ANY") && r.path.matches(path).is_some())
            .map(|r| r.path.raw.clone())
    }

    /// Invokes the route for `method path?query` in-process: with the development identity, or
    /// — with `Auth::Jwt` — as the JWT authorizer would, 401 without a valid bearer token and 403
    /// when the token lacks the route's scope, before any function runs.
    pub async fn invoke(
        &self,
        method: &str,
        path_and_query: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response<Body> {
        let path = path_and_query.split('?').next().unwrap_or(path_and_query);
        let route = self.routes.iter().find(|r| r.method == method && r.path.matches(path).is_some());
        if route.is_some_and(|r| r.public) {
            return self.invoke_as(&Identity::Anonymous, method, path_and_query, headers, body).await;
        }
        let Auth::Jwt(verifier) = &self.auth else {
            return self.invoke_as(&self.identity, method, path_and_query, headers, body).await;
        };
        let bearer = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            .and_then(|(_, v)| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")));
        let unauthorized =
            || Problem::new(401, "unauthenticated", "Authentication required", "send a valid bearer token");
        let Some(token) = bearer else { return unauthorized().into_response() };
        let claims = match verifier.verify(token.trim(), chrono::Utc::now().timestamp()) {
            Ok(claims) => claims,
            Err(why) => return unauthorized().with("reason", why.to_string()).into_response(),
        };
        let scopes: Vec<String> = claims.scope.split_whitespace().map(str::to_owned).collect();
        if let Some(route) = route
            && !route.scopes.is_empty()
            && !route.scopes.iter().any(|s| scopes.contains(s))
        {
            return Problem::new(
                403,
                "forbidden",
                "Missing scope",
                format!("this route needs one of these scopes: {}", route.scopes.join(", ")),
            )
            .into_response();
        }
        let identity = Identity::Claims { subject: claims.sub, scopes };
        self.invoke_as(&identity, method, path_and_query, headers, body).await
    }

    /// 405 with `Allow` when the path is known under other methods, else 404.
    fn no_route(&self, method: &str, raw_path: &str) -> Response<Body> {
        let mut allowed: Vec<&str> =
            self.routes.iter().filter(|r| r.path.matches(raw_path).is_some()).map(|r| r.method.as_str()).collect();
        allowed.sort_unstable();
        allowed.dedup();
        if allowed.is_empty() {
            return Problem::not_found(format!("no route for {method} {raw_path}")).into_response();
        }
        let allow = allowed.join(", ");
        let mut response = Problem::new(
            405,
            "method-not-allowed",
            "Method not allowed",
            format!("{raw_path} answers {allow}, not {method}"),
        )
        .with("allow", &allowed)
        .into_response();
        if let Ok(value) = lambda_http::http::HeaderValue::from_str(&allow) {
            response.headers_mut().insert(lambda_http::http::header::ALLOW, value);
        }
        response
    }

    /// Invokes a route as `identity`, through the same API Gateway v2 event Lambda would get.
    pub async fn invoke_as(
        &self,
        identity: &Identity,
        method: &str,
        path_and_query: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response<Body> {
        let (raw_path, raw_query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
        if body.len() > GATEWAY_MAX_BODY {
            return body_too_large();
        }
        let mut matched = None;
        for route in &self.routes {
            if (route.method == method || route.method == "ANY")
                && let Some(params) = route.path.matches(raw_path)
            {
                matched = Some((route, params));
                break;
            }
        }
        let Some((route, params)) = matched else {
            return self.no_route(method, raw_path);
        };
        let Ok(path_parameters) = params else {
            return Problem::malformed("path", "the path is not valid percent-encoded UTF-8").into_response();
        };
        let Some(query) = apigw::query_parameters(raw_query) else {
            return Problem::malformed("query", "the query string is not valid percent-encoded UTF-8").into_response();
        };
        let route_key = format!("{} {}", route.method, route.path.raw);
        let event = apigw::event(EventInput {
            method,
            route_key: &route_key,
            raw_path,
            raw_query,
            query,
            headers: headers.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            path_parameters,
            body,
            identity,
        });
        if let Some(capture) = &self.capture {
            capture.invocation(&route.function, event.clone());
        }
        match lambda_http::request::from_str(&event.to_string()) {
            Ok(request) => (route.handler)(request).await,
            Err(e) => {
                tracing::error!(error = %e, "could not build the API Gateway event");
                Problem::internal().into_response()
            }
        }
    }
}

impl Backoffice {
    /// Fires every scheduled function once, with the EventBridge "Scheduled Event" Lambda gets.
    /// Returns each function's result.
    pub async fn run_schedules(&self) -> Vec<(String, serde_json::Value)> {
        self.run_schedules_where(|_| true).await
    }

    /// Fires the scheduled functions whose logical id `which` accepts, once each.
    pub async fn run_schedules_where(&self, which: impl Fn(&str) -> bool) -> Vec<(String, serde_json::Value)> {
        let mut results = Vec::new();
        for s in self.schedules.iter().filter(|s| which(&s.function)) {
            let event = serde_json::json!({
                "version": "0",
                "id": ulid::Ulid::new().to_string(),
                "detail-type": "Scheduled Event",
                "source": "aws.events",
                "account": "000000000000",
                "time": chrono::Utc::now().to_rfc3339(),
                "region": "us-east-1",
                "resources": [format!("arn:aws:events:us-east-1:000000000000:rule/{}", s.function)],
                "detail": {},
            });
            if let Some(capture) = &self.capture {
                capture.invocation(&s.function, event.clone());
            }
            results.push((s.function.clone(), (s.handler)(event).await));
        }
        results
    }

    /// Messages waiting in every queue of the template (visible, in flight), by logical id.
    pub async fn queue_depths(&self) -> Result<BTreeMap<String, (u64, u64)>, BoxError> {
        use aws_sdk_sqs::types::QueueAttributeName as A;
        let sqs = aws_sdk_sqs::Client::new(&self.sdk);
        let mut depths = BTreeMap::new();
        for (id, url) in &self.resources.queue_urls {
            let out = sqs
                .get_queue_attributes()
                .queue_url(url)
                .attribute_names(A::ApproximateNumberOfMessages)
                .attribute_names(A::ApproximateNumberOfMessagesNotVisible)
                .send()
                .await
                .map_err(|e| e.into_service_error())?;
            let attrs = out.attributes.unwrap_or_default();
            let get = |a: &A| attrs.get(a).and_then(|v| v.parse().ok()).unwrap_or(0);
            depths.insert(
                id.clone(),
                (get(&A::ApproximateNumberOfMessages), get(&A::ApproximateNumberOfMessagesNotVisible)),
            );
        }
        Ok(depths)
    }

    /// Per consumed queue: how long the oldest message of the last batch its consumer received
    /// had waited, in milliseconds (None before the first batch).
    pub fn queue_waits(&self) -> BTreeMap<String, Option<i64>> {
        self.sqs_consumers
            .iter()
            .map(|c| {
                let waited = c.waited_ms.load(std::sync::atomic::Ordering::Relaxed);
                (c.queue_logical_id.clone(), Some(waited).filter(|w| *w >= 0))
            })
            .collect()
    }
}

fn kind(event: &EventSpec) -> &'static str {
    match event {
        EventSpec::Http { .. } => "HTTP",
        EventSpec::Sqs { .. } => "SQS",
        EventSpec::Stream { .. } => "stream",
        EventSpec::Schedule { .. } => "schedule",
    }
}
