//! A reference beside each function's cold start: `hello` plus the AWS calls (and payment
//! provider calls) that function makes
//! at its first invocation, issued bare, with the payloads it sent (recorded). It loads the
//! configuration as the functions do, builds only the clients its calls need, decodes the event
//! as a JSON value and sends the calls one after another. What a function's start costs beyond
//! this is the function's own (its event type, logging, domain, requests built from items); what
//! this costs beyond `hello` is the SDK's, for those calls.
//!
//! `BENCH_CALLS` names a JSON file of the recorded exchanges (the bench writes it).

use backoffice_bench::floor::{Call, Clients};
use backoffice_local::capture::Exchange;
use lambda_http::Error;
use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let path = std::env::var("BENCH_CALLS").map_err(|_| "BENCH_CALLS names the recorded calls")?;
    let exchanges: Vec<Exchange> = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let sdk = backoffice::context::sdk_config().await?;
    let uses = |prefix: &str| exchanges.iter().any(|x| x.target.starts_with(prefix));
    let ddb = uses("DynamoDB").then(|| aws_sdk_dynamodb::Client::new(&sdk));
    // SNS is the one query-protocol service the functions call (`capture::target_of`).
    let sns = uses("Query.").then(|| aws_sdk_sns::Client::new(&sdk));
    // S3 is named by its REST operation (`capture::target_of`); buckets are addressed as the
    // functions address them.
    let s3 = uses("S3.").then(|| aws_sdk_s3::Client::from_conf(backoffice::files::s3_config(&sdk).build()));
    let sqs = uses("AmazonSQS.").then(|| aws_sdk_sqs::Client::new(&sdk));
    let secrets = uses("secretsmanager.").then(|| aws_sdk_secretsmanager::Client::new(&sdk));
    let ses = uses("SESv2.").then(|| aws_sdk_sesv2::Client::new(&sdk));
    // A payment provider's API, through the adapter the functions use.
    let provider = uses("Provider.")
        .then(|| backoffice::gateway::http::ProviderApi::from_lookup(&|name| std::env::var(name).ok()))
        .transpose()?;
    let clients = Clients {
        ddb: ddb.as_ref(),
        sns: sns.as_ref(),
        s3: s3.as_ref(),
        sqs: sqs.as_ref(),
        secrets: secrets.as_ref(),
        provider: provider.as_ref(),
        ses: ses.as_ref(),
    };
    let calls = exchanges.iter().map(|x| Call::from_exchange(x, &clients)).collect::<Result<Vec<_>, _>>()?;
    let calls = &calls;
    lambda_runtime::run(service_fn(move |_: LambdaEvent<serde_json::Value>| async move {
        for call in calls {
            call.send().await?;
        }
        Ok::<_, Error>(serde_json::json!({ "statusCode": 200, "body": format!("{} calls", calls.len()) }))
    }))
    .await
}
