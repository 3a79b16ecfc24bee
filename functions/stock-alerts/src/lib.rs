//! `stock-alerts`: consumes `stock.low` and `stock.replenished` from the stock-alerts queue and
//! keeps at most one open replenishment suggestion per SKU. Each write is conditioned on the
//! event being newer than the last one applied, so duplicates and late redeliveries change
//! nothing. Messages that cannot be processed are reported individually; after the queue's
//! `maxReceiveCount` they move to the dead-letter queue without holding the others back.

use aws_lambda_events::sqs::SqsBatchResponse;
use backoffice::AppContext;
use backoffice::domain::replenishment;
use backoffice::events::{DomainEvent, Envelope};
use backoffice::sqs::Batch;

pub async fn handler(ctx: &AppContext, event: Batch) -> SqsBatchResponse {
    backoffice::sqs::consume(&event, |envelope| process(ctx, envelope)).await
}

async fn process(ctx: &AppContext, envelope: Envelope) -> Result<(), String> {
    {
        let now = chrono::Utc::now();
        let (opening, levels) = match envelope.event().map_err(|e| format!("bad payload: {e}"))? {
            DomainEvent::StockLow(l) => (true, l.levels),
            DomainEvent::StockReplenished(l) => (false, l.levels),
            #[allow(unreachable_patterns)]
            other => return Err(format!("{} does not belong on this queue", other.event_type())),
        };
        for level in &levels {
            let applied = if opening {
                ctx.store.save_replenishment(&replenishment::open(level, now)).await
            } else {
                ctx.store.close_replenishment(&level.sku, level.stock_version, now).await
            }
            .map_err(|e| e.to_string())?;
            tracing::info!(sku = %level.sku, applied, "alert processed");
        }
        Ok(())
    }
}
