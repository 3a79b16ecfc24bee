use lambda_runtime::{Error, LambdaEvent, run, service_fn};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    backoffice::telemetry::init();
    let ctx = backoffice::AppContext::from_env().await?;
    let ctx = &ctx;
    run(service_fn(move |event: LambdaEvent<stock_levels::StreamBatch>| async move {
        Ok::<_, Error>(stock_levels::handler(ctx, event.payload).await)
    }))
    .await
}
