#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), backoffice::lambda::Error> {
    backoffice::lambda::serve_events(stock_alerts::handler).await
}
