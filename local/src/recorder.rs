//! Records the AWS actions each function performs, as IAM sees them: a `TransactWriteItems`
//! counts as the `PutItem`/`UpdateItem`/`DeleteItem`/`ConditionCheckItem` of its items, a
//! `SendMessageBatch` as `SendMessage`, an SNS `PublishBatch` as `Publish`. Tests compare this with `template.yaml`'s policies.

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_types::config_bag::ConfigBag;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

/// Actions per function logical id, e.g. `"PlaceOrderFunction" → {"dynamodb:BatchGetItem", …}`.
#[derive(Debug, Clone, Default)]
pub struct ActionLog(Arc<Mutex<BTreeMap<String, BTreeSet<String>>>>);

impl ActionLog {
    pub fn snapshot(&self) -> BTreeMap<String, BTreeSet<String>> {
        self.0.lock().map(|m| m.clone()).unwrap_or_default()
    }

    fn add(&self, function: &str, action: String) {
        if let Ok(mut m) = self.0.lock() {
            m.entry(function.to_owned()).or_default().insert(action);
        }
    }

    pub fn interceptor(&self, function: &str) -> Recorder {
        Recorder { log: self.clone(), function: function.to_owned() }
    }
}

#[derive(Debug, Clone)]
pub struct Recorder {
    log: ActionLog,
    function: String,
}

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "ActionRecorder"
    }

    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(meta) = cfg.load::<Metadata>() else { return Ok(()) };
        let service = meta.service().to_ascii_lowercase();
        let service = if service.contains("sqs") {
            "sqs"
        } else if service.contains("sns") {
            "sns"
        } else if service.contains("s3") {
            "s3"
        } else if service.contains("secrets") {
            "secretsmanager"
        } else if service.contains("ses") {
            // SES v2's IAM actions are `ses:` (its API is sesv2).
            "ses"
        } else {
            "dynamodb"
        };
        match meta.name() {
            "TransactWriteItems" => {
                if let Some(input) = context.input().downcast_ref::<TransactWriteItemsInput>() {
                    for item in input.transact_items() {
                        let action = if item.put.is_some() {
                            "PutItem"
                        } else if item.update.is_some() {
                            "UpdateItem"
                        } else if item.delete.is_some() {
                            "DeleteItem"
                        } else {
                            "ConditionCheckItem"
                        };
                        self.log.add(&self.function, format!("dynamodb:{action}"));
                    }
                }
            }
            "SendMessageBatch" => self.log.add(&self.function, "sqs:SendMessage".into()),
            "DeleteMessageBatch" => self.log.add(&self.function, "sqs:DeleteMessage".into()),
            "PublishBatch" => self.log.add(&self.function, "sns:Publish".into()),
            // S3 authorises a multipart upload's steps as s3:PutObject.
            "CreateMultipartUpload" | "UploadPart" | "CompleteMultipartUpload" => {
                self.log.add(&self.function, "s3:PutObject".into())
            }
            name => self.log.add(&self.function, format!("{service}:{name}")),
        }
        Ok(())
    }
}
