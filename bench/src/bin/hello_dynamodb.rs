//! A reference beside the cold-start floor: `hello` plus what any function that touches
//! DynamoDB must do before its first response: load the AWS configuration (as the functions
//! do, `backoffice::context::sdk_config`), build a client and make one signed call. It shows
//! how much of a function's cold start is the SDK's minimum rather than the function's own.

use aws_sdk_dynamodb::types::AttributeValue;
use lambda_http::{Body, Error, Request, Response, run, service_fn};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let client = aws_sdk_dynamodb::Client::new(&backoffice::context::sdk_config().await?);
    let client = &client;
    run(service_fn(move |_: Request| async move {
        let out = client
            .query()
            .table_name("hello")
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", AttributeValue::S("hello".into()))
            .send()
            .await?;
        Ok::<_, Error>(
            Response::builder()
                .status(200)
                .header("content-type", "text/plain")
                .body(Body::from(format!("{} items", out.count())))?,
        )
    }))
    .await
}
