//! Moves events the way Lambda's event source mappings do: stream records to the stream
//! consumers (retrying from the first reported failure) and SQS batches to the queue consumers
//! (deleting what succeeded; what failed becomes visible again after a delay, and moto moves it
//! to the dead-letter queue after `maxReceiveCount` receives).

use crate::{Backoffice, BoxError};
use aws_lambda_events::dynamodb::{Event as StreamEvent, EventRecord, StreamRecord};
use aws_sdk_dynamodbstreams::types::ShardIteratorType;
use aws_sdk_sqs::types::{DeleteMessageBatchRequestEntry, MessageSystemAttributeName};
use serde_json::{Map, Value, json};
use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

/// Where the stream consumers are, per shard of one stream (its ARN: a new table's stream
/// starts from its beginning). Written whole to a temporary file and renamed over the old one,
/// so a runner killed while saving leaves the previous checkpoint, never half of one.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Checkpoint {
    pub stream_arn: String,
    /// Shard id → the sequence number of the last record every consumer has taken.
    pub shards: std::collections::BTreeMap<String, String>,
}

impl Checkpoint {
    pub fn load(path: &std::path::Path, stream_arn: &str) -> Self {
        std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Checkpoint>(&bytes).ok())
            .filter(|c| c.stream_arn == stream_arn)
            .unwrap_or_default()
    }

    pub fn save(&self, path: &std::path::Path) -> Result<(), BoxError> {
        let partial = path.with_extension("partial");
        std::fs::write(&partial, serde_json::to_vec(self)?)?;
        std::fs::rename(&partial, path)?;
        Ok(())
    }
}

#[derive(Default)]
pub struct StreamState {
    /// Per shard: its id, the iterator to read next, and the sequence number of the last record
    /// read from it.
    shards: Vec<(String, Option<String>, Option<String>)>,
    /// Records read since the runner started (`/_local/stream`).
    pub records_read: usize,
    initialised: bool,
    /// Records not yet accepted, per stream consumer.
    pending: Vec<VecDeque<EventRecord>>,
    /// Per stream consumer: the sequence number of the record its last batch failed at, and how
    /// many times it has been retried since.
    failing: Vec<(Option<String>, u32)>,
}

fn convert(record: aws_sdk_dynamodbstreams::types::Record, arn: &str) -> EventRecord {
    let mut out = EventRecord::default();
    out.aws_region = "us-east-1".into();
    out.event_id = record.event_id.unwrap_or_default();
    out.event_name = record.event_name.map(|n| n.as_str().to_owned()).unwrap_or_default();
    out.event_source = Some("aws:dynamodb".into());
    out.event_version = record.event_version;
    out.event_source_arn = Some(arn.to_owned());
    let mut change = StreamRecord::default();
    if let Some(s) = record.dynamodb {
        change.keys = serde_dynamo::Item::from(s.keys.unwrap_or_default());
        change.new_image = serde_dynamo::Item::from(s.new_image.unwrap_or_default());
        change.old_image = serde_dynamo::Item::from(s.old_image.unwrap_or_default());
        change.sequence_number = s.sequence_number;
        change.size_bytes = s.size_bytes.unwrap_or_default();
        if let Some(t) = s.approximate_creation_date_time {
            change.approximate_creation_date_time =
                chrono::DateTime::from_timestamp(t.secs(), t.subsec_nanos()).unwrap_or_default();
        }
    }
    out.change = change;
    out
}

impl Backoffice {
    /// Every record the table's stream still holds, from its oldest, as Lambda delivers them:
    /// what a test redelivers to show a consumer counts nothing twice.
    pub async fn stream_history(&self) -> Result<Vec<EventRecord>, BoxError> {
        let Some(arn) = self.resources.stream_arn.clone() else { return Ok(Vec::new()) };
        let client = aws_sdk_dynamodbstreams::Client::new(&self.sdk);
        let described = client.describe_stream().stream_arn(&arn).send().await.map_err(|e| e.into_service_error())?;
        let mut records = Vec::new();
        for shard in described.stream_description.map(|d| d.shards.unwrap_or_default()).unwrap_or_default() {
            let Some(id) = shard.shard_id else { continue };
            let request = client.get_shard_iterator().stream_arn(&arn).shard_id(&id);
            let mut iterator = request
                .shard_iterator_type(ShardIteratorType::TrimHorizon)
                .send()
                .await
                .map_err(|e| e.into_service_error())?
                .shard_iterator;
            while let Some(it) = iterator {
                let out = client.get_records().shard_iterator(it).send().await.map_err(|e| e.into_service_error())?;
                let batch = out.records.unwrap_or_default();
                if batch.is_empty() {
                    break;
                }
                records.extend(batch.into_iter().map(|r| convert(r, &arn)));
                iterator = out.next_shard_iterator;
            }
        }
        Ok(records)
    }

    /// Reads what the table stream has and hands it to the stream consumers. Returns how many
    /// records were accepted.
    pub async fn pump_stream(&self) -> Result<usize, BoxError> {
        let Some(arn) = self.resources.stream_arn.clone() else {
            return Ok(0);
        };
        if self.stream_consumers.is_empty() {
            return Ok(0);
        }
        let client = aws_sdk_dynamodbstreams::Client::new(&self.sdk);
        let mut state = self.stream_state.lock().await;
        if !state.initialised {
            let described =
                client.describe_stream().stream_arn(&arn).send().await.map_err(|e| e.into_service_error())?;
            let saved = self.stream_checkpoint.as_deref().map(|p| Checkpoint::load(p, &arn)).unwrap_or_default();
            for shard in described.stream_description.map(|d| d.shards.unwrap_or_default()).unwrap_or_default() {
                let Some(id) = shard.shard_id else { continue };
                let after = saved.shards.get(&id).cloned();
                let request = client.get_shard_iterator().stream_arn(&arn).shard_id(&id);
                let request = match &after {
                    Some(sequence) => {
                        request.shard_iterator_type(ShardIteratorType::AfterSequenceNumber).sequence_number(sequence)
                    }
                    None => request.shard_iterator_type(ShardIteratorType::TrimHorizon),
                };
                let iterator = request.send().await.map_err(|e| e.into_service_error())?.shard_iterator;
                state.shards.push((id, iterator, after));
            }
            state.pending = self.stream_consumers.iter().map(|_| VecDeque::new()).collect();
            state.failing = self.stream_consumers.iter().map(|_| (None, 0)).collect();
            state.initialised = true;
        }
        let mut fresh = Vec::new();
        for (_, iterator, last) in state.shards.iter_mut() {
            let Some(it) = iterator.clone() else { continue };
            let out = client.get_records().shard_iterator(it).send().await.map_err(|e| e.into_service_error())?;
            *iterator = out.next_shard_iterator;
            let records = out.records.unwrap_or_default();
            if let Some(sequence) = records.last().and_then(|r| r.dynamodb.as_ref()?.sequence_number.clone()) {
                *last = Some(sequence);
            }
            fresh.extend(records.into_iter().map(|r| convert(r, &arn)));
        }
        state.records_read += fresh.len();
        // Which consumers each record passes the filters of (its JSON built once, then dropped).
        let consumers = &self.stream_consumers;
        let passes: Vec<Vec<bool>> = if consumers.iter().any(|c| !c.filters.is_empty()) {
            fresh
                .iter()
                .map(|r| {
                    let json = serde_json::to_value(r)?;
                    Ok(consumers
                        .iter()
                        .map(|c| c.filters.is_empty() || c.filters.iter().any(|f| f.matches(&json)))
                        .collect())
                })
                .collect::<Result<_, serde_json::Error>>()?
        } else {
            fresh.iter().map(|_| vec![true; consumers.len()]).collect()
        };
        let mut accepted = 0;
        let StreamState { pending, failing, .. } = &mut *state;
        for (c, ((consumer, pending), failing)) in consumers.iter().zip(pending.iter_mut()).zip(failing).enumerate() {
            pending.extend(fresh.iter().zip(&passes).filter(|(_, p)| p[c]).map(|(r, _)| r.clone()));
            while !pending.is_empty() {
                let take = consumer.batch_size.min(pending.len());
                let mut event = StreamEvent::default();
                event.records = pending.iter().take(take).cloned().collect();
                if let Some(capture) = &self.capture {
                    capture.invocation(&consumer.function, serde_json::to_value(&event)?);
                }
                let response = (consumer.handler)(event.clone()).await;
                let failed_at = response.batch_item_failures.first().and_then(|f| {
                    let seq = f.item_identifier.as_deref()?;
                    event.records.iter().position(|r| r.change.sequence_number.as_deref() == Some(seq))
                });
                match failed_at {
                    None => {
                        pending.drain(..take);
                        accepted += take;
                    }
                    Some(index) => {
                        // Lambda retries from the failed record on; so do we, next round.
                        pending.drain(..index);
                        accepted += index;
                        let sequence = pending.front().and_then(|r| r.change.sequence_number.clone());
                        *failing = if failing.0 == sequence { (sequence, failing.1 + 1) } else { (sequence, 0) };
                        if consumer.max_retries.is_some_and(|max| failing.1 >= max) {
                            // Retries exhausted: Lambda records the record in the on-failure
                            // destination and goes on with the next one.
                            let retries = failing.1;
                            *failing = (None, 0);
                            if let Some(record) = pending.pop_front() {
                                self.give_up(consumer, &record, &arn, retries).await?;
                            }
                            continue;
                        }
                        tracing::warn!(function = %consumer.function, "stream batch failed; will retry");
                        break;
                    }
                }
            }
        }
        // Every consumer has taken everything read: the place to resume from after a restart.
        // (Saved only then, so a record a consumer is still retrying is read again; consumers
        // are idempotent, as they must be for Lambda's at-least-once delivery.)
        if !fresh.is_empty()
            && state.pending.iter().all(VecDeque::is_empty)
            && let Some(path) = &self.stream_checkpoint
        {
            let shards = state.shards.iter().filter_map(|(id, _, last)| Some((id.clone(), last.clone()?))).collect();
            Checkpoint { stream_arn: arn.clone(), shards }.save(path)?;
        }
        Ok(accepted)
    }

    /// Stream records read since the runner started.
    pub async fn stream_records_read(&self) -> usize {
        self.stream_state.lock().await.records_read
    }

    /// A stream record given up after its retries, written to the mapping's on-failure
    /// destination in the shape Lambda uses (the batch's place in the stream, not its data).
    async fn give_up(
        &self,
        consumer: &crate::StreamConsumer,
        record: &EventRecord,
        stream_arn: &str,
        retries: u32,
    ) -> Result<(), BoxError> {
        let sequence = record.change.sequence_number.clone().unwrap_or_default();
        tracing::error!(function = %consumer.function, %sequence, retries, "stream record given up after its retries");
        let Some(url) = &consumer.on_failure_url else { return Ok(()) };
        let body = json!({
            "version": "1.0",
            "timestamp": chrono::Utc::now().to_rfc3339(),
            "requestContext": {
                "condition": "RetryAttemptsExhausted",
                "functionArn": consumer.function,
                "approximateInvokeCount": retries + 1,
            },
            "DDBStreamBatchInfo": {
                "streamArn": stream_arn,
                "startSequenceNumber": sequence,
                "endSequenceNumber": sequence,
                "batchSize": 1,
            },
        });
        let sqs = aws_sdk_sqs::Client::new(&self.sdk);
        sqs.send_message()
            .queue_url(url)
            .message_body(body.to_string())
            .send()
            .await
            .map_err(|e| e.into_service_error())?;
        Ok(())
    }

    /// Receives one batch from every consumed queue and invokes its consumer (for tests and
    /// `settle`; the runner's pollers poll each queue on its own). Returns how many messages were
    /// delivered. Failed messages become visible again after `retry_delay`.
    pub async fn pump_queues(&self, wait_seconds: i32, retry_delay: Duration) -> Result<usize, BoxError> {
        let futures = self.sqs_consumers.iter().map(|c| self.pump_queue(c, wait_seconds, retry_delay));
        let mut total = 0;
        for result in futures::future::join_all(futures).await {
            total += result?;
        }
        Ok(total)
    }

    pub async fn pump_queue(
        &self,
        consumer: &crate::SqsConsumer,
        wait_seconds: i32,
        retry_delay: Duration,
    ) -> Result<usize, BoxError> {
        let sqs = aws_sdk_sqs::Client::new(&self.sdk);
        let out = sqs
            .receive_message()
            .queue_url(&consumer.queue_url)
            .max_number_of_messages(consumer.batch_size as i32)
            .wait_time_seconds(wait_seconds)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .message_attribute_names("All")
            .send()
            .await
            .map_err(|e| e.into_service_error())?;
        let messages = out.messages.unwrap_or_default();
        if messages.is_empty() {
            return Ok(0);
        }
        let records: Vec<Value> = messages
            .iter()
            .map(|m| {
                let attributes: Map<String, Value> = m
                    .attributes
                    .iter()
                    .flatten()
                    .map(|(k, v)| (k.as_str().to_owned(), Value::String(v.clone())))
                    .collect();
                let message_attributes: Map<String, Value> = m
                    .message_attributes
                    .iter()
                    .flatten()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            json!({
                                "stringValue": v.string_value,
                                "dataType": v.data_type,
                                "stringListValues": [],
                                "binaryListValues": [],
                            }),
                        )
                    })
                    .collect();
                json!({
                    "messageId": m.message_id,
                    "receiptHandle": m.receipt_handle,
                    "body": m.body,
                    "attributes": attributes,
                    "messageAttributes": message_attributes,
                    "md5OfBody": m.md5_of_body,
                    "eventSource": "aws:sqs",
                    "eventSourceARN": consumer.queue_arn,
                    "awsRegion": "us-east-1",
                })
            })
            .collect();
        let event = json!({ "Records": records });
        if let Some(capture) = &self.capture {
            capture.invocation(&consumer.function, event.clone());
        }
        let event: backoffice::sqs::Batch = serde_json::from_value(event)?;
        let response = (consumer.handler)(event).await;
        let failed: HashSet<String> = response.batch_item_failures.into_iter().map(|f| f.item_identifier).collect();
        let mut deletes = Vec::new();
        for (i, m) in messages.iter().enumerate() {
            let id = m.message_id.clone().unwrap_or_default();
            let handle = m.receipt_handle.clone().unwrap_or_default();
            if failed.contains(&id) {
                let _ = sqs
                    .change_message_visibility()
                    .queue_url(&consumer.queue_url)
                    .receipt_handle(handle)
                    .visibility_timeout(retry_delay.as_secs() as i32)
                    .send()
                    .await;
            } else {
                deletes
                    .push(DeleteMessageBatchRequestEntry::builder().id(i.to_string()).receipt_handle(handle).build()?);
            }
        }
        if !deletes.is_empty() {
            sqs.delete_message_batch()
                .queue_url(&consumer.queue_url)
                .set_entries(Some(deletes))
                .send()
                .await
                .map_err(|e| e.into_service_error())?;
        }
        Ok(messages.len())
    }

    /// Pumps the stream and the queues until two rounds in a row find nothing to do: every
    /// event raised so far has been relayed and consumed (failed messages wait for their retry).
    /// Rounds are as many as the work needs, however slow a busy machine makes each; the
    /// deadline only stops a flow that never ends, and the error says what was still moving.
    pub async fn settle(&self) -> Result<(), BoxError> {
        const DEADLINE: Duration = Duration::from_secs(300);
        let started = std::time::Instant::now();
        let (mut idle, mut rounds) = (0, 0u32);
        loop {
            let records = self.pump_stream().await?;
            let messages = self.pump_queues(0, Duration::from_secs(1)).await?;
            rounds += 1;
            idle = if records + messages == 0 { idle + 1 } else { 0 };
            if idle >= 2 {
                return Ok(());
            }
            if started.elapsed() > DEADLINE {
                return Err(format!(
                    "events still flowing after {rounds} rounds in {} s: the last round relayed \
                     {records} stream record(s) and delivered {messages} queue message(s)",
                    DEADLINE.as_secs()
                )
                .into());
            }
        }
    }

    /// Background pollers for the runner, shaped like Lambda's event source mappings: the
    /// stream read again at once while it has records (every 200 ms when idle), and each queue
    /// polled on its own by as many long-polling batches at once as its consumer's concurrency,
    /// so a slow or idle queue never holds another back and a burst is worked off in parallel.
    pub fn spawn_pollers(self: &Arc<Self>, retry_delay: Duration) -> Vec<tokio::task::JoinHandle<()>> {
        let mut tasks = Vec::new();
        let me = Arc::clone(self);
        tasks.push(tokio::spawn(async move {
            loop {
                match me.pump_stream().await {
                    Ok(n) if n > 0 => continue,
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "stream poll failed"),
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }));
        for (c, consumer) in self.sqs_consumers.iter().enumerate() {
            for _ in 0..consumer.concurrency {
                let me = Arc::clone(self);
                tasks.push(tokio::spawn(async move {
                    let consumer = &me.sqs_consumers[c];
                    loop {
                        if let Err(e) = me.pump_queue(consumer, 1, retry_delay).await {
                            tracing::warn!(queue = %consumer.queue_logical_id, error = %e, "queue poll failed");
                            tokio::time::sleep(Duration::from_millis(500)).await;
                        }
                    }
                }));
            }
        }
        tasks
    }

    /// Fires the scheduled functions every `period` (locally much more often than their rate, so
    /// a short payment hold is seen to expire promptly).
    pub fn spawn_scheduler(self: &Arc<Self>, period: Duration) -> tokio::task::JoinHandle<()> {
        let me = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(period).await;
                for (function, result) in me.run_schedules().await {
                    tracing::debug!(%function, %result, "scheduled run");
                }
            }
        })
    }
}
