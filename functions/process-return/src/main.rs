use lambda_http::{Error, run, service_fn};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    backoffice::telemetry::init();
    let ctx = backoffice::AppContext::from_env().await?;
    let ctx = &ctx;
    run(service_fn(move |req| async move { Ok::<_, Error>(process_return::handler(ctx, req).await) })).await
}
