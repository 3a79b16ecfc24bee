//! What an operator does by hand to a deployed stack, done to the local one: invoke one function
//! with an event (`backoffice-local invoke`, as `sam local invoke`), move a dead-letter queue's
//! messages back to the queue that gave up on them (`POST /_local/redrive/{queue}`, as SQS's
//! message move task), and run a scheduled function now (`POST /_local/run/{function}`).

use crate::{Backoffice, BoxError, registry};
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use serde_json::{Value, json};

impl Backoffice {
    /// Runs `function` (a logical id) with `event` (its JSON, as Lambda would receive it) and
    /// returns its answer as Lambda would send it back: an HTTP function's as API Gateway's
    /// payload 2.0 response, a queue or stream consumer's batch response, a schedule's result.
    pub async fn invoke_event(&self, function: &str, event: &str) -> Result<Value, BoxError> {
        let spec =
            self.template.functions.get(function).ok_or_else(|| format!("no function {function} in template.yaml"))?;
        let ctx = self.contexts.get(function).cloned().ok_or_else(|| format!("{function} has no context"))?;
        let binary = &spec.binary;
        if let Some(handler) = registry::http(binary, ctx.clone()) {
            let response = handler(lambda_http::request::from_str(event)?).await;
            let headers: serde_json::Map<String, Value> = response
                .headers()
                .iter()
                .map(|(k, v)| (k.as_str().to_owned(), Value::String(v.to_str().unwrap_or_default().to_owned())))
                .collect();
            let body = String::from_utf8_lossy(response.body()).into_owned();
            return Ok(json!({"statusCode": response.status().as_u16(), "headers": headers, "body": body}));
        }
        if let Some(handler) = registry::sqs(binary, ctx.clone()) {
            return Ok(serde_json::to_value(handler(serde_json::from_str(event)?).await)?);
        }
        if let Some(handler) = registry::stream(binary, ctx.clone()) {
            return Ok(serde_json::to_value(handler(serde_json::from_str(event)?).await)?);
        }
        if let Some(handler) = registry::schedule(binary, ctx.clone()) {
            return Ok(handler(serde_json::from_str(event)?).await);
        }
        if let Some(handler) = registry::mail(binary, ctx.clone()) {
            // A failed asynchronous invocation, as Lambda records it.
            return Ok(handler(serde_json::from_str(event)?)
                .await
                .unwrap_or_else(|e| json!({"errorType": "Error", "errorMessage": e})));
        }
        if let Some(handler) = registry::token(binary) {
            return Ok(handler(serde_json::from_str(event)?));
        }
        Err(format!("{function} ({binary}) has no handler in the runner's registry").into())
    }

    /// Moves every message of the dead-letter queue `dead_letter` (a logical id) back to the
    /// queue whose redrive policy names it, keeping each message's body and attributes.
    /// Returns the source queue and how many messages moved.
    pub async fn redrive(&self, dead_letter: &str) -> Result<(String, usize), RedriveError> {
        let source = self
            .template
            .queues
            .iter()
            .find(|(_, q)| q.dead_letter.as_ref().is_some_and(|(dlq, _)| dlq == dead_letter))
            .map(|(id, _)| id.clone())
            .ok_or(RedriveError::NotADeadLetterQueue)?;
        let url = |id: &str| self.resources.queue_urls.get(id).cloned().ok_or(RedriveError::NotADeadLetterQueue);
        let (from, to) = (url(dead_letter)?, url(&source)?);
        let sqs = aws_sdk_sqs::Client::new(&self.sdk);
        let failed = |e: String| RedriveError::Emulator(e);
        let mut moved = 0;
        loop {
            let out = sqs
                .receive_message()
                .queue_url(&from)
                .max_number_of_messages(10)
                .message_attribute_names("All")
                .visibility_timeout(30)
                .send()
                .await
                .map_err(|e| failed(e.into_service_error().to_string()))?;
            let messages = out.messages.unwrap_or_default();
            if messages.is_empty() {
                return Ok((source, moved));
            }
            let entries = messages
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    SendMessageBatchRequestEntry::builder()
                        .id(i.to_string())
                        .message_body(m.body.clone().unwrap_or_default())
                        .set_message_attributes(m.message_attributes.clone())
                        .build()
                        .map_err(|e| failed(e.to_string()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let sent = sqs
                .send_message_batch()
                .queue_url(&to)
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(|e| failed(e.into_service_error().to_string()))?;
            // Only what arrived leaves the dead-letter queue; the rest stays there to try again.
            for entry in sent.successful() {
                let Some(message) = entry.id().parse::<usize>().ok().and_then(|i| messages.get(i)) else { continue };
                sqs.delete_message()
                    .queue_url(&from)
                    .receipt_handle(message.receipt_handle.clone().unwrap_or_default())
                    .send()
                    .await
                    .map_err(|e| failed(e.into_service_error().to_string()))?;
                moved += 1;
            }
            if !sent.failed().is_empty() {
                return Err(failed(format!("{} message(s) could not be sent back to {source}", sent.failed().len())));
            }
        }
    }

    /// Runs the scheduled function `function` (a logical id) now; its result.
    pub async fn run_schedule(&self, function: &str) -> Option<Value> {
        self.run_schedules_where(|s| s == function).await.into_iter().next().map(|(_, result)| result)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RedriveError {
    #[error("not the dead-letter queue of a queue in template.yaml")]
    NotADeadLetterQueue,
    #[error("the emulator refused: {0}")]
    Emulator(String),
}
