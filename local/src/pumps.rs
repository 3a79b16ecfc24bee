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

/// Where each stream consumer is, per shard of one stream (its ARN: a new table's stream
/// starts from its beginning), as each of Lambda's event source mappings keeps its own place.
/// Written whole to a temporary file and renamed over the old one, so a runner killed while
/// saving leaves the previous checkpoint, never half of one.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Checkpoint {
    pub stream_arn: String,
    /// Consumer (the function's logical id) → shard id → the sequence number of the last record
    /// it has taken.
    #[serde(default)]
    pub consumers: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
    /// Shard id → where every consumer stood, in a file written before each consumer kept its
    /// own place: read for a consumer the file has no entry for, never written.
    #[serde(default, skip_serializing)]
    pub shards: std::collections::BTreeMap<String, String>,
}

impl Checkpoint {
    pub fn load(path: &std::path::Path, stream_arn: &str) -> Self {
        std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Checkpoint>(&bytes).ok())
            .filter(|c| c.stream_arn == stream_arn)
            .unwrap_or_else(|| Checkpoint { stream_arn: stream_arn.to_owned(), ..Default::default() })
    }

    /// Where `consumer` stood, per shard.
    pub fn of(&self, consumer: &str) -> &std::collections::BTreeMap<String, String> {
        self.consumers.get(consumer).unwrap_or(&self.shards)
    }

    pub fn save(&self, path: &std::path::Path) -> Result<(), BoxError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let partial = path.with_extension("partial");
        std::fs::write(&partial, serde_json::to_vec(self)?)?;
        std::fs::rename(&partial, path)?;
        Ok(())
    }
}

/// One stream consumer's place in the stream and what it has read but not yet taken.
#[derive(Default)]
pub struct StreamPosition {
    /// Per shard: its id, the iterator to read next, and the sequence number of the last record
    /// read from it.
    shards: Vec<(String, Option<String>, Option<String>)>,
    initialised: bool,
    pending: VecDeque<EventRecord>,
    /// The sequence number of the record its last batch failed at, and how many times it has
    /// been retried since.
    failing: (Option<String>, u32),
}

/// Where one stream consumer stands (`GET /_local/stream`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct StreamLag {
    pub function: String,
    /// Records it has read from the stream since the runner started.
    pub records_read: usize,
    /// Records read from the stream that it has not yet taken.
    pub pending: usize,
    /// Lambda's `IteratorAge`: how old the last record of its last batch was when the batch
    /// was done (null before its first batch).
    pub iterator_age_ms: Option<i64>,
}

/// Milliseconds from a record's approximate creation to now.
fn age_ms(record: &EventRecord) -> i64 {
    (chrono::Utc::now() - record.change.approximate_creation_date_time).num_milliseconds().max(0)
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

    /// Reads what the table stream has and hands it to the stream consumers, each from its own
    /// place. Returns how many records were accepted.
    pub async fn pump_stream(&self) -> Result<usize, BoxError> {
        let rounds = self.stream_consumers.iter().map(|consumer| self.pump_stream_for(consumer));
        let mut accepted = 0;
        for result in futures::future::join_all(rounds).await {
            accepted += result?;
        }
        Ok(accepted)
    }

    /// One consumer's round, as one of Lambda's event source mappings polls: when it has taken
    /// everything it read, it reads on from its own place in each shard; then it is handed
    /// batches until it has taken them all or one failed (retried from the failed record next
    /// round). The consumers never wait for each other: the relay keeps pace with the orders
    /// however long the overview's counters take.
    pub async fn pump_stream_for(&self, consumer: &crate::StreamConsumer) -> Result<usize, BoxError> {
        use std::sync::atomic::Ordering::Relaxed;
        let Some(arn) = self.resources.stream_arn.clone() else {
            return Ok(0);
        };
        let client = aws_sdk_dynamodbstreams::Client::new(&self.sdk);
        let mut position = consumer.position.lock().await;
        let position = &mut *position;
        if !position.initialised {
            let described =
                client.describe_stream().stream_arn(&arn).send().await.map_err(|e| e.into_service_error())?;
            let saved = self.stream_checkpoint.as_deref().map(|p| Checkpoint::load(p, &arn)).unwrap_or_default();
            let saved = saved.of(&consumer.function);
            for shard in described.stream_description.map(|d| d.shards.unwrap_or_default()).unwrap_or_default() {
                let Some(id) = shard.shard_id else { continue };
                let after = saved.get(&id).cloned();
                let request = client.get_shard_iterator().stream_arn(&arn).shard_id(&id);
                let request = match &after {
                    Some(sequence) => {
                        request.shard_iterator_type(ShardIteratorType::AfterSequenceNumber).sequence_number(sequence)
                    }
                    None => request.shard_iterator_type(ShardIteratorType::TrimHorizon),
                };
                let iterator = request.send().await.map_err(|e| e.into_service_error())?.shard_iterator;
                position.shards.push((id, iterator, after));
            }
            position.initialised = true;
        }
        let mut read = 0;
        if position.pending.is_empty() {
            for (_, iterator, last) in position.shards.iter_mut() {
                let Some(it) = iterator.clone() else { continue };
                let started = std::time::Instant::now();
                let out = client.get_records().shard_iterator(it).send().await.map_err(|e| e.into_service_error())?;
                *iterator = out.next_shard_iterator;
                let records = out.records.unwrap_or_default();
                tracing::debug!(function = %consumer.function, records = records.len(), ms = started.elapsed().as_millis() as u64, "stream read");
                if let Some(sequence) = records.last().and_then(|r| r.dynamodb.as_ref()?.sequence_number.clone()) {
                    *last = Some(sequence);
                }
                read += records.len();
                for record in records {
                    let record = convert(record, &arn);
                    // The mapping's filters, on the record's JSON (built only when there are some).
                    let passes = consumer.filters.is_empty() || {
                        let json = serde_json::to_value(&record)?;
                        consumer.filters.iter().any(|f| f.matches(&json))
                    };
                    if passes {
                        position.pending.push_back(record);
                    }
                }
            }
            consumer.records_read.fetch_add(read, Relaxed);
        }
        let accepted = self.deliver(consumer, &mut position.pending, &mut position.failing, &arn).await?;
        // It has taken everything it read: the place to resume from after a restart. (Saved only
        // then, so a record it is still retrying is read again; consumers are idempotent, as they
        // must be for Lambda's at-least-once delivery.)
        if read > 0
            && position.pending.is_empty()
            && let Some(path) = &self.stream_checkpoint
        {
            let shards = position.shards.iter().filter_map(|(id, _, last)| Some((id.clone(), last.clone()?))).collect();
            let mut saved = self.saved_checkpoint.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if saved.stream_arn != arn {
                *saved = Checkpoint::load(path, &arn);
                // A file from before each consumer kept its own place: the others keep theirs.
                let legacy = std::mem::take(&mut saved.shards);
                for other in &self.stream_consumers {
                    if !legacy.is_empty() && !saved.consumers.contains_key(&other.function) {
                        saved.consumers.insert(other.function.clone(), legacy.clone());
                    }
                }
            }
            saved.consumers.insert(consumer.function.clone(), shards);
            saved.save(path)?;
        }
        Ok(accepted)
    }

    /// Hands one consumer its pending records, a batch at a time, until it has taken them all or
    /// a batch failed (retried from the failed record next round). Returns how many it took.
    async fn deliver(
        &self,
        consumer: &crate::StreamConsumer,
        pending: &mut VecDeque<EventRecord>,
        failing: &mut (Option<String>, u32),
        arn: &str,
    ) -> Result<usize, BoxError> {
        use std::sync::atomic::Ordering::Relaxed;
        let mut accepted = 0;
        while !pending.is_empty() {
            consumer.pending.store(pending.len(), Relaxed);
            let take = consumer.batch_size.min(pending.len());
            let mut event = StreamEvent::default();
            event.records = pending.iter().take(take).cloned().collect();
            if let Some(capture) = &self.capture {
                capture.invocation(&consumer.function, serde_json::to_value(&event)?);
            }
            let started = std::time::Instant::now();
            let response = (consumer.handler)(event.clone()).await;
            tracing::debug!(function = %consumer.function, records = take, ms = started.elapsed().as_millis() as u64, "stream batch");
            let failed_at = response.batch_item_failures.first().and_then(|f| {
                let seq = f.item_identifier.as_deref()?;
                event.records.iter().position(|r| r.change.sequence_number.as_deref() == Some(seq))
            });
            match failed_at {
                None => {
                    if let Some(last) = event.records.last() {
                        consumer.iterator_age_ms.store(age_ms(last), Relaxed);
                    }
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
                            self.give_up(consumer, &record, arn, retries).await?;
                        }
                        continue;
                    }
                    tracing::warn!(function = %consumer.function, "stream batch failed; will retry");
                    break;
                }
            }
        }
        consumer.pending.store(pending.len(), Relaxed);
        Ok(accepted)
    }

    /// Stream records read since the runner started (by the consumer that read most).
    pub async fn stream_records_read(&self) -> usize {
        let read = self.stream_consumers.iter().map(|c| c.records_read.load(std::sync::atomic::Ordering::Relaxed));
        read.max().unwrap_or(0)
    }

    /// Where each stream consumer stands, without waiting for a round in progress.
    pub fn stream_lag(&self) -> Vec<StreamLag> {
        use std::sync::atomic::Ordering::Relaxed;
        self.stream_consumers
            .iter()
            .map(|consumer| StreamLag {
                function: consumer.function.clone(),
                records_read: consumer.records_read.load(Relaxed),
                pending: consumer.pending.load(Relaxed),
                iterator_age_ms: Some(consumer.iterator_age_ms.load(Relaxed)).filter(|age| *age >= 0),
            })
            .collect()
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
        let now = chrono::Utc::now().timestamp_millis();
        let sent = messages.iter().filter_map(|m| {
            m.attributes.as_ref()?.get(&MessageSystemAttributeName::SentTimestamp)?.parse::<i64>().ok()
        });
        if let Some(oldest) = sent.min() {
            consumer.waited_ms.store((now - oldest).max(0), std::sync::atomic::Ordering::Relaxed);
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

    /// Background pollers for the runner, shaped like Lambda's event source mappings: each stream
    /// consumer reads on its own, again at once while it has records (every 200 ms when idle), and each queue
    /// polled on its own by as many long-polling batches at once as its consumer's concurrency,
    /// so a slow or idle queue never holds another back and a burst is worked off in parallel.
    pub fn spawn_pollers(self: &Arc<Self>, retry_delay: Duration) -> Vec<tokio::task::JoinHandle<()>> {
        let mut tasks = Vec::new();
        for c in 0..self.stream_consumers.len() {
            let me = Arc::clone(self);
            tasks.push(tokio::spawn(async move {
                let consumer = &me.stream_consumers[c];
                loop {
                    match me.pump_stream_for(consumer).await {
                        Ok(n) if n > 0 => continue,
                        Ok(_) => {}
                        Err(e) => tracing::warn!(function = %consumer.function, error = %e, "stream poll failed"),
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }));
        }
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
