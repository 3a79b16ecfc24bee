#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), backoffice::lambda::Error> {
    backoffice::lambda::serve_http(purchasing::handler).await
}
