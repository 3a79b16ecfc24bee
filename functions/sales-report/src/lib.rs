//! `sales-report`: keeps the daily sales report (per UTC day and currency: orders placed, gross
//! ordered, gross sales, discounts, shipping, paid, refunded; and the placed orders' figures per
//! channel and per promotion) from `order.placed`, `payment.recorded` and `refund.recorded`. Each
//! event is applied once — a marker named after the event id is written in the same transaction
//! as the counters — so redeliveries and replays change nothing twice. No order is ever scanned.
//!
//! A batch is applied in one transaction, summed per (day, currency) row: on a busy day every
//! order adds to the same row, and one write per batch instead of one per order keeps that hot
//! item (and the write units) down. A message that is not a reports event fails alone; if the
//! write fails, the whole batch is retried, and the markers keep what was applied from counting
//! twice.

use aws_lambda_events::sqs::SqsBatchResponse;
use backoffice::AppContext;
use backoffice::events::{DomainEvent, Envelope};
use backoffice::sqs::Batch;
use backoffice::store::reports::{SalesDelta, SalesEntry};

pub async fn handler(ctx: &AppContext, event: Batch) -> SqsBatchResponse {
    backoffice::sqs::consume_together(&event, |envelopes| apply(ctx, envelopes)).await
}

async fn apply(ctx: &AppContext, envelopes: Vec<Envelope>) -> Vec<Result<(), String>> {
    let entries: Vec<Result<SalesEntry, String>> = envelopes.iter().map(entry).collect();
    let valid: Vec<SalesEntry> = entries.iter().filter_map(|e| e.as_ref().ok().cloned()).collect();
    let outcome = if valid.is_empty() {
        Ok(Default::default())
    } else {
        ctx.store.apply_to_sales_report(&valid, chrono::Utc::now()).await.map_err(|e| e.to_string())
    };
    match outcome {
        Ok(applied) => {
            for e in &valid {
                let now = applied.contains(&e.event_id);
                tracing::info!(event_id = %e.event_id, day = %e.day, applied = now, "sales report");
            }
            entries.into_iter().map(|e| e.map(drop)).collect()
        }
        Err(reason) => entries.into_iter().map(|e| e.and(Err(reason.clone()))).collect(),
    }
}

fn entry(envelope: &Envelope) -> Result<SalesEntry, String> {
    let (mut channel, mut promotions) = (None, Vec::new());
    let (money, delta) = match envelope.event().map_err(|e| format!("bad payload: {e}"))? {
        DomainEvent::OrderPlaced(p) => {
            let lines = p.lines_total.unwrap_or(p.total).amount();
            let shipping = p.shipping.map_or(0, |s| s.amount());
            let discounts: i64 = p.discounts.iter().map(|d| d.amount.amount()).sum();
            channel = Some(p.channel.clone());
            promotions = p.discounts.iter().map(|d| (d.code.clone(), d.amount.amount())).collect();
            let delta = SalesDelta {
                orders_placed: 1,
                gross_ordered: p.total.amount(),
                gross_sales: lines,
                discounts,
                shipping,
                ..Default::default()
            };
            (p.total, delta)
        }
        DomainEvent::PaymentRecorded(p) => (p.amount, SalesDelta { paid: p.amount.amount(), ..Default::default() }),
        DomainEvent::RefundRecorded(r) => (r.amount, SalesDelta { refunded: r.amount.amount(), ..Default::default() }),
        other => return Err(format!("{} does not belong on the reports queue", other.event_type())),
    };
    Ok(SalesEntry {
        event_id: envelope.id.to_string(),
        day: envelope.occurred_at.date_naive(),
        currency: money.currency().code().to_owned(),
        delta,
        channel,
        promotions,
    })
}
