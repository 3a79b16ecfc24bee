//! Runs under callgrind. `probe <binary> handler|floor <iterations> <recording.json>`:
//! - `handler` builds the function's context as its `main` does (from the environment, logging
//!   on) and invokes its handler with the recorded event, `iterations` times;
//! - `floor` issues the recorded AWS calls bare, with the same payloads, `iterations` times.
//!
//! The AWS endpoint (`AWS_ENDPOINT_URL`) is the bench's replay server, outside valgrind. The
//! bench runs each twice with different counts and divides the difference, so start-up and
//! first-call costs cancel out.

use backoffice::AppContext;
use backoffice_bench::floor::{Call, Clients, first_use_only};
use backoffice_local::capture::Recording;

type Error = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [binary, mode, iterations, file] = args.as_slice() else {
        return Err("usage: probe <binary> handler|floor <iterations> <recording.json>".into());
    };
    let iterations: usize = iterations.parse()?;
    let recording: Recording = serde_json::from_str(&std::fs::read_to_string(file)?)?;
    // One thread, as a Lambda with 128 MB has a fraction of one vCPU.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        match mode.as_str() {
            "handler" => handler(binary, iterations, &recording).await,
            "floor" => floor(iterations, &recording).await,
            other => Err(format!("unknown mode {other}").into()),
        }
    })
}

async fn handler(binary: &str, iterations: usize, recording: &Recording) -> Result<(), Error> {
    backoffice::telemetry::init();
    let ctx = AppContext::from_env().await?;
    let event = recording.event.to_string();
    let mut outcome = String::new();
    for _ in 0..iterations {
        outcome = invoke(binary, &ctx, &event).await?;
    }
    eprintln!("PROBE {outcome}");
    Ok(())
}

/// What `main` would do with one event: deserialise it as the runtime does, call the handler.
async fn invoke(binary: &str, ctx: &AppContext, event: &str) -> Result<String, Error> {
    let http = |r: lambda_http::Response<lambda_http::Body>| format!("status={}", r.status().as_u16());
    let sqs = |e: &str| serde_json::from_str::<backoffice::sqs::Batch>(e);
    let failures = |r: aws_lambda_events::sqs::SqsBatchResponse| format!("failures={}", r.batch_item_failures.len());
    Ok(match binary {
        "adjust-stock" => http(adjust_stock::handler(ctx, lambda_http::request::from_str(event)?).await),
        "query-api" => http(query_api::handler(ctx, lambda_http::request::from_str(event)?).await),
        "place-order" => http(place_order::handler(ctx, lambda_http::request::from_str(event)?).await),
        "order-commands" => http(order_commands::handler(ctx, lambda_http::request::from_str(event)?).await),
        "update-customer" => http(update_customer::handler(ctx, lambda_http::request::from_str(event)?).await),
        "record-payment" => http(record_payment::handler(ctx, lambda_http::request::from_str(event)?).await),
        "update-fulfillment" => http(update_fulfillment::handler(ctx, lambda_http::request::from_str(event)?).await),
        "process-return" => http(process_return::handler(ctx, lambda_http::request::from_str(event)?).await),
        "exports" => http(exports::handler(ctx, lambda_http::request::from_str(event)?).await),
        "payment-webhooks" => http(payment_webhooks::handler(ctx, lambda_http::request::from_str(event)?).await),
        "conversations" => http(conversations::handler(ctx, lambda_http::request::from_str(event)?).await),
        "shipping" => http(shipping::handler(ctx, lambda_http::request::from_str(event)?).await),
        "promotions" => http(promotions::handler(ctx, lambda_http::request::from_str(event)?).await),
        "purchasing" => http(purchasing::handler(ctx, lambda_http::request::from_str(event)?).await),
        "payment-events" => failures(payment_events::handler(ctx, sqs(event)?).await),
        "payment-settlements" => failures(payment_settlements::handler(ctx, sqs(event)?).await),
        "mail-events" => failures(mail_events::handler(ctx, sqs(event)?).await),
        "mail-inbound" => {
            let filed = mail_inbound::handler(ctx, serde_json::from_str(event)?).await?;
            format!("filed={}", filed.iter().map(|f| f.outcome).collect::<Vec<_>>().join(","))
        }
        "export-worker" => failures(export_worker::handler(ctx, sqs(event)?).await),
        "stock-alerts" => failures(stock_alerts::handler(ctx, sqs(event)?).await),
        "fulfillment-worker" => failures(fulfillment_worker::handler(ctx, sqs(event)?).await),
        "notifier" => failures(notifier::handler(ctx, sqs(event)?).await),
        "sales-report" => failures(sales_report::handler(ctx, sqs(event)?).await),
        "event-relay" => {
            let r = event_relay::handler(ctx, serde_json::from_str(event)?).await;
            format!("failures={}", r.batch_item_failures.len())
        }
        "stock-levels" => {
            let r = stock_levels::handler(ctx, serde_json::from_str(event)?).await;
            format!("failures={}", r.batch_item_failures.len())
        }
        "token-scopes" => {
            // Serialised, as the runtime sends it back.
            let r = serde_json::to_value(token_scopes::handler(serde_json::from_str(event)?))?;
            let added = &r["response"]["claimsAndScopeOverrideDetails"]["accessTokenGeneration"]["scopesToAdd"];
            format!("scopes={}", added.as_array().map_or(0, Vec::len))
        }
        "expire-orders" => {
            let r = expire_orders::handler(ctx, serde_json::from_str(event)?).await;
            format!("result={}", serde_json::to_string(&r)?)
        }
        other => return Err(format!("unknown function {other}").into()),
    })
}

async fn floor(iterations: usize, recording: &Recording) -> Result<(), Error> {
    let sdk = backoffice::context::sdk_config().await?;
    let ddb = aws_sdk_dynamodb::Client::new(&sdk);
    let sns = aws_sdk_sns::Client::new(&sdk);
    let s3 = aws_sdk_s3::Client::from_conf(backoffice::files::s3_config(&sdk).build());
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let secrets = aws_sdk_secretsmanager::Client::new(&sdk);
    let provider = backoffice::gateway::http::ProviderApi::from_lookup(&|name| std::env::var(name).ok())?;
    let ses = aws_sdk_sesv2::Client::new(&sdk);
    let clients = Clients {
        ddb: Some(&ddb),
        sns: Some(&sns),
        s3: Some(&s3),
        sqs: Some(&sqs),
        secrets: Some(&secrets),
        provider: Some(&provider),
        ses: Some(&ses),
    };
    let calls = recording
        .exchanges
        .iter()
        .map(|x| Ok((first_use_only(&x.target), Call::from_exchange(x, &clients)?)))
        .collect::<Result<Vec<_>, Error>>()?;
    for i in 0..iterations {
        for (once, call) in &calls {
            if i == 0 || !once {
                call.send().await?;
            }
        }
    }
    eprintln!("PROBE calls={}", calls.len());
    Ok(())
}
