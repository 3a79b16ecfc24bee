//! Which handler each function binary runs. The one place the runner names the function crates;
//! adding a function means one line here and its resource in `template.yaml`.

use aws_lambda_events::cognito::CognitoEventUserPoolsPreTokenGenV2 as PreTokenGeneration;
use aws_lambda_events::dynamodb::Event as StreamEvent;
use aws_lambda_events::sqs::SqsBatchResponse;
use aws_lambda_events::streams::DynamoDbEventResponse;
use backoffice::AppContext;
use backoffice::sqs::Batch;
use futures::future::BoxFuture;
use lambda_http::{Body, Request, Response};
use std::sync::Arc;

pub type HttpFn = Arc<dyn Fn(Request) -> BoxFuture<'static, Response<Body>> + Send + Sync>;
pub type SqsFn = Arc<dyn Fn(Batch) -> BoxFuture<'static, SqsBatchResponse> + Send + Sync>;
pub type ScheduleFn = Arc<dyn Fn(serde_json::Value) -> BoxFuture<'static, serde_json::Value> + Send + Sync>;
/// The trigger's answer serialised, as Cognito reads it off the wire.
pub type TokenFn = Arc<dyn Fn(PreTokenGeneration) -> serde_json::Value + Send + Sync>;
pub type StreamFn = Arc<dyn Fn(StreamEvent) -> BoxFuture<'static, DynamoDbEventResponse> + Send + Sync>;

macro_rules! handler {
    ($ctx:expr, $f:path) => {{
        let ctx: AppContext = $ctx;
        Arc::new(move |input| {
            let ctx = ctx.clone();
            Box::pin(async move { $f(&ctx, input).await }) as BoxFuture<'static, _>
        })
    }};
}

pub fn http(binary: &str, ctx: AppContext) -> Option<HttpFn> {
    Some(match binary {
        "adjust-stock" => handler!(ctx, adjust_stock::handler),
        "query-api" => handler!(ctx, query_api::handler),
        "place-order" => handler!(ctx, place_order::handler),
        "order-commands" => handler!(ctx, order_commands::handler),
        "update-customer" => handler!(ctx, update_customer::handler),
        "record-payment" => handler!(ctx, record_payment::handler),
        "update-fulfillment" => handler!(ctx, update_fulfillment::handler),
        "process-return" => handler!(ctx, process_return::handler),
        "exports" => handler!(ctx, exports::handler),
        "payment-webhooks" => handler!(ctx, payment_webhooks::handler),
        "conversations" => handler!(ctx, conversations::handler),
        "shipping" => handler!(ctx, shipping::handler),
        "promotions" => handler!(ctx, promotions::handler),
        "purchasing" => handler!(ctx, purchasing::handler),
        _ => return None,
    })
}

pub fn sqs(binary: &str, ctx: AppContext) -> Option<SqsFn> {
    Some(match binary {
        "stock-alerts" => handler!(ctx, stock_alerts::handler),
        "fulfillment-worker" => handler!(ctx, fulfillment_worker::handler),
        "notifier" => handler!(ctx, notifier::handler),
        "sales-report" => handler!(ctx, sales_report::handler),
        "export-worker" => handler!(ctx, export_worker::handler),
        "payment-events" => handler!(ctx, payment_events::handler),
        "payment-settlements" => handler!(ctx, payment_settlements::handler),
        "mail-events" => handler!(ctx, mail_events::handler),
        _ => return None,
    })
}

pub fn stream(binary: &str, ctx: AppContext) -> Option<StreamFn> {
    Some(match binary {
        "event-relay" => handler!(ctx, event_relay::handler),
        "stock-levels" => handler!(ctx, stock_levels::handler),
        _ => return None,
    })
}

pub fn schedule(binary: &str, ctx: AppContext) -> Option<ScheduleFn> {
    Some(match binary {
        "expire-orders" => Arc::new(move |event| {
            let ctx = ctx.clone();
            Box::pin(async move { serde_json::to_value(expire_orders::handler(&ctx, event).await).unwrap_or_default() })
                as BoxFuture<'static, _>
        }),
        _ => return None,
    })
}

/// The function SES's receipt rule invokes with each e-mail it stored.
pub type MailFn = Arc<
    dyn Fn(aws_lambda_events::ses::SimpleEmailEvent) -> BoxFuture<'static, Result<serde_json::Value, String>>
        + Send
        + Sync,
>;

pub fn mail(binary: &str, ctx: AppContext) -> Option<MailFn> {
    Some(match binary {
        "mail-inbound" => Arc::new(move |event| {
            let ctx = ctx.clone();
            Box::pin(async move {
                mail_inbound::handler(&ctx, event).await.map(|filed| serde_json::to_value(filed).unwrap_or_default())
            }) as BoxFuture<'static, _>
        }),
        _ => return None,
    })
}

/// The user pool's trigger: a plain function of its event, no context.
pub fn token(binary: &str) -> Option<TokenFn> {
    Some(match binary {
        "token-scopes" => Arc::new(|event| serde_json::to_value(token_scopes::handler(event)).unwrap_or_default()),
        _ => return None,
    })
}
