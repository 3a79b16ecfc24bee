#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), backoffice::lambda::Error> {
    backoffice::lambda::serve_events(expire_orders::handler).await
}
