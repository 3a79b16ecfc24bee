//! Reads `template.yaml`: the table, the queues, the topics with their subscriptions and the
//! functions with their events and environment. The runner and the tests provision and wire exactly what AWS would get.

use serde_yaml_ng::Value;
use std::collections::BTreeMap;

#[derive(Debug)]
pub struct Template {
    pub table: TableSpec,
    /// Queues by logical id, with the logical id of their dead-letter queue and receive limit.
    pub queues: BTreeMap<String, QueueSpec>,
    /// SNS topics' logical ids.
    pub topics: Vec<String>,
    /// S3 buckets' logical ids.
    pub buckets: Vec<String>,
    /// Secrets Manager secrets' logical ids.
    pub secrets: Vec<String>,
    /// Parameters by logical id, with their defaults.
    pub parameters: BTreeMap<String, Option<String>>,
    /// SES: whether the template creates a sending identity, and its configuration sets'
    /// logical ids.
    pub mail_identity: bool,
    pub configuration_sets: Vec<String>,
    /// Subscriptions of queues to topics, by logical id.
    pub subscriptions: BTreeMap<String, SubscriptionSpec>,
    pub functions: BTreeMap<String, FunctionSpec>,
    /// SES's receipt rule: where it stores inbound e-mail and the function it then invokes.
    pub receipt_rule: Option<ReceiptRuleSpec>,
    /// The function the user pool runs before it issues tokens (`LambdaConfig.
    /// PreTokenGenerationConfig`): the runner's sign-in (`LOCAL_AUTH=oauth`) runs it as Cognito would.
    pub token_trigger: Option<String>,
}

/// An SES receipt rule of the shape the backoffice uses: store in S3, then invoke a function.
#[derive(Debug, Clone)]
pub struct ReceiptRuleSpec {
    pub bucket: String,
    pub prefix: String,
    pub function: String,
}

/// An SQS subscription to a topic (the only protocol the backoffice uses).
#[derive(Debug, Clone)]
pub struct SubscriptionSpec {
    /// Logical ids of the topic and of the queue delivered to.
    pub topic: String,
    pub queue: String,
    pub raw_message_delivery: bool,
    /// The filter policy as JSON text, and its scope (`MessageAttributes` unless given).
    pub filter_policy: Option<String>,
    pub filter_policy_scope: Option<String>,
    /// The queue undeliverable messages go to.
    pub dead_letter: Option<String>,
}

/// A global secondary index: its key schema and what it projects.
#[derive(Debug, Clone)]
pub struct IndexSpec {
    pub name: String,
    pub key_schema: Vec<(String, String)>,
    /// `ALL`, `KEYS_ONLY` or `INCLUDE` (with `non_key_attributes`).
    pub projection: String,
    pub non_key_attributes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct TableSpec {
    pub logical_id: String,
    pub key_schema: Vec<(String, String)>,
    pub attributes: Vec<(String, String)>,
    pub indexes: Vec<IndexSpec>,
    pub stream_view_type: Option<String>,
    pub ttl_attribute: Option<String>,
}

#[derive(Debug, Clone)]
pub struct QueueSpec {
    pub visibility_timeout: Option<u64>,
    pub dead_letter: Option<(String, u32)>,
}

#[derive(Debug, Clone)]
pub struct FunctionSpec {
    /// The cargo binary (`Metadata.BuildProperties.Binary`), which names the handler.
    pub binary: String,
    /// Globals merged with the function's own variables, values still unresolved.
    pub environment: BTreeMap<String, Value>,
    pub events: Vec<EventSpec>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EventSpec {
    Http {
        method: String,
        path: String,
        scopes: Vec<String>,
        /// `Auth.Authorizer: NONE`: the route is outside the JWT authorizer (a provider's
        /// webhook, authenticated by its own signature).
        public: bool,
    },
    Sqs {
        queue: String,
        batch_size: usize,
        /// `ScalingConfig.MaximumConcurrency`: how many batches Lambda's pollers hand over at once.
        max_concurrency: Option<usize>,
    },
    Stream {
        batch_size: usize,
        /// `MaximumRetryAttempts` (-1 or absent: until the record expires, i.e. for ever here).
        max_retries: Option<u32>,
        /// The queue `DestinationConfig.OnFailure` names, where given-up records are recorded.
        on_failure: Option<String>,
        /// `FilterCriteria.Filters[].Pattern`, parsed.
        filters: Vec<crate::filter::Pattern>,
    },
    /// An EventBridge schedule (`rate(...)` or `cron(...)`); the runner fires it on its own period.
    Schedule { expression: String },
}

#[derive(Debug)]
pub struct TemplateError(pub String);

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "template.yaml: {}", self.0)
    }
}

impl std::error::Error for TemplateError {}

fn err<T>(msg: impl Into<String>) -> Result<T, TemplateError> {
    Err(TemplateError(msg.into()))
}

/// `!GetAtt X.Arn` / `{"Fn::GetAtt": ...}` / `!Ref X` → the logical id X.
pub fn referenced_id(value: &Value) -> Option<String> {
    match value {
        Value::Tagged(t) if t.tag == "!GetAtt" || t.tag == "!Ref" => {
            t.value.as_str().map(|s| s.split('.').next().unwrap_or(s).to_owned())
        }
        Value::Mapping(m) => m
            .get("Ref")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| m.get("Fn::GetAtt").and_then(|v| v.as_sequence()?.first()?.as_str().map(str::to_owned))),
        _ => None,
    }
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(v, |v, k| v.get(*k)).and_then(Value::as_str)
}

fn key_pairs(v: Option<&Value>, a: &str, b: &str) -> Vec<(String, String)> {
    v.and_then(Value::as_sequence)
        .map(|seq| {
            seq.iter().filter_map(|e| Some((e.get(a)?.as_str()?.to_owned(), e.get(b)?.as_str()?.to_owned()))).collect()
        })
        .unwrap_or_default()
}

impl Template {
    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        let doc: Value = serde_yaml_ng::from_str(text).map_err(|e| TemplateError(e.to_string()))?;
        let resources = doc.get("Resources").and_then(Value::as_mapping).ok_or(TemplateError("no Resources".into()))?;
        let global_env = doc
            .get("Globals")
            .and_then(|g| g.get("Function"))
            .and_then(|f| f.get("Environment"))
            .and_then(|e| e.get("Variables"))
            .and_then(Value::as_mapping)
            .cloned()
            .unwrap_or_default();

        let mut table = None;
        let mut queues = BTreeMap::new();
        let mut topics = Vec::new();
        let mut buckets = Vec::new();
        let mut secrets = Vec::new();
        let mut mail_identity = false;
        let mut configuration_sets = Vec::new();
        let parameters = doc
            .get("Parameters")
            .and_then(Value::as_mapping)
            .into_iter()
            .flatten()
            .filter_map(|(id, p)| {
                let default = match p.get("Default") {
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                };
                Some((id.as_str()?.to_owned(), default))
            })
            .collect();
        let mut subscriptions = BTreeMap::new();
        let mut functions = BTreeMap::new();
        let mut token_trigger = None;
        let mut receipt_rule = None;
        for (id, resource) in resources {
            let id = id.as_str().unwrap_or_default().to_owned();
            let props = resource.get("Properties").cloned().unwrap_or(Value::Null);
            match str_at(resource, &["Type"]) {
                Some("AWS::DynamoDB::Table") => {
                    if table.is_some() {
                        return err("more than one table; the backoffice is single-table");
                    }
                    let indexes = props
                        .get("GlobalSecondaryIndexes")
                        .and_then(Value::as_sequence)
                        .map(|seq| {
                            seq.iter()
                                .filter_map(|i| {
                                    let projection = i.get("Projection");
                                    Some(IndexSpec {
                                        name: i.get("IndexName")?.as_str()?.to_owned(),
                                        key_schema: key_pairs(i.get("KeySchema"), "AttributeName", "KeyType"),
                                        projection: projection
                                            .and_then(|p| p.get("ProjectionType")?.as_str())
                                            .unwrap_or("ALL")
                                            .to_owned(),
                                        non_key_attributes: projection
                                            .and_then(|p| p.get("NonKeyAttributes")?.as_sequence())
                                            .map(|a| a.iter().filter_map(|v| Some(v.as_str()?.to_owned())).collect())
                                            .unwrap_or_default(),
                                    })
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    table = Some(TableSpec {
                        logical_id: id,
                        key_schema: key_pairs(props.get("KeySchema"), "AttributeName", "KeyType"),
                        attributes: key_pairs(props.get("AttributeDefinitions"), "AttributeName", "AttributeType"),
                        indexes,
                        stream_view_type: str_at(&props, &["StreamSpecification", "StreamViewType"]).map(str::to_owned),
                        ttl_attribute: str_at(&props, &["TimeToLiveSpecification", "AttributeName"]).map(str::to_owned),
                    });
                }
                Some("AWS::SQS::Queue") => {
                    let dead_letter = props.get("RedrivePolicy").and_then(|r| {
                        let target = referenced_id(r.get("deadLetterTargetArn")?)?;
                        let max = r.get("maxReceiveCount")?.as_u64()? as u32;
                        Some((target, max))
                    });
                    let visibility_timeout = props.get("VisibilityTimeout").and_then(Value::as_u64);
                    queues.insert(id, QueueSpec { visibility_timeout, dead_letter });
                }
                Some("AWS::SNS::Topic") => topics.push(id),
                Some("AWS::Cognito::UserPool") => {
                    token_trigger = props
                        .get("LambdaConfig")
                        .and_then(|c| c.get("PreTokenGenerationConfig"))
                        .and_then(|c| c.get("LambdaArn"))
                        .and_then(referenced_id);
                }
                Some("AWS::S3::Bucket") => buckets.push(id),
                Some("AWS::SecretsManager::Secret") => secrets.push(id),
                Some("AWS::SES::EmailIdentity") => mail_identity = true,
                Some("AWS::SES::ConfigurationSet") => configuration_sets.push(id),
                Some("AWS::SES::ReceiptRule") => {
                    let actions = props.get("Rule").and_then(|r| r.get("Actions")).and_then(Value::as_sequence);
                    let action = |kind: &str| actions.into_iter().flatten().find_map(|a| a.get(kind));
                    let s3 = action("S3Action").ok_or_else(|| TemplateError(format!("{id}: no S3Action")))?;
                    let lambda =
                        action("LambdaAction").ok_or_else(|| TemplateError(format!("{id}: no LambdaAction")))?;
                    receipt_rule = Some(ReceiptRuleSpec {
                        bucket: s3
                            .get("BucketName")
                            .and_then(referenced_id)
                            .ok_or_else(|| TemplateError(format!("{id}: S3Action without a bucket")))?,
                        prefix: str_at(s3, &["ObjectKeyPrefix"]).unwrap_or_default().to_owned(),
                        function: lambda
                            .get("FunctionArn")
                            .and_then(referenced_id)
                            .ok_or_else(|| TemplateError(format!("{id}: LambdaAction without a function")))?,
                    });
                }
                Some("AWS::SNS::Subscription") => {
                    let reference = |key: &str| {
                        props.get(key).and_then(referenced_id).ok_or_else(|| TemplateError(format!("{id}: no {key}")))
                    };
                    if str_at(&props, &["Protocol"]) != Some("sqs") {
                        return err(format!("{id}: only sqs subscriptions are supported locally"));
                    }
                    let filter_policy = match props.get("FilterPolicy") {
                        None => None,
                        Some(Value::String(text)) => Some(text.clone()),
                        Some(policy) => Some(
                            serde_json::to_string(policy)
                                .map_err(|e| TemplateError(format!("{id}: FilterPolicy: {e}")))?,
                        ),
                    };
                    subscriptions.insert(
                        id.clone(),
                        SubscriptionSpec {
                            topic: reference("TopicArn")?,
                            queue: reference("Endpoint")?,
                            raw_message_delivery: props.get("RawMessageDelivery").and_then(Value::as_bool)
                                == Some(true),
                            filter_policy,
                            filter_policy_scope: str_at(&props, &["FilterPolicyScope"]).map(str::to_owned),
                            dead_letter: props
                                .get("RedrivePolicy")
                                .and_then(|r| r.get("deadLetterTargetArn"))
                                .and_then(referenced_id),
                        },
                    );
                }
                Some("AWS::Serverless::Function") => {
                    let binary = str_at(resource, &["Metadata", "BuildProperties", "Binary"])
                        .ok_or_else(|| TemplateError(format!("{id}: no Metadata.BuildProperties.Binary")))?
                        .to_owned();
                    let mut environment: BTreeMap<String, Value> =
                        global_env.iter().filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v.clone()))).collect();
                    if let Some(vars) =
                        props.get("Environment").and_then(|e| e.get("Variables")).and_then(Value::as_mapping)
                    {
                        for (k, v) in vars {
                            if let Some(k) = k.as_str() {
                                environment.insert(k.to_owned(), v.clone());
                            }
                        }
                    }
                    let mut events = Vec::new();
                    for (name, event) in props.get("Events").and_then(Value::as_mapping).into_iter().flatten() {
                        let p = event.get("Properties").cloned().unwrap_or(Value::Null);
                        let batch = |d: usize| p.get("BatchSize").and_then(Value::as_u64).map_or(d, |b| b as usize);
                        events.push(match str_at(event, &["Type"]) {
                            Some("HttpApi") => EventSpec::Http {
                                method: str_at(&p, &["Method"]).unwrap_or("ANY").to_ascii_uppercase(),
                                path: str_at(&p, &["Path"]).unwrap_or("/").to_owned(),
                                scopes: p
                                    .get("Auth")
                                    .and_then(|a| a.get("AuthorizationScopes"))
                                    .and_then(Value::as_sequence)
                                    .map(|s| s.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
                                    .unwrap_or_default(),
                                public: p
                                    .get("Auth")
                                    .and_then(|a| a.get("Authorizer"))
                                    .and_then(Value::as_str)
                                    .is_some_and(|a| a == "NONE"),
                            },
                            Some("SQS") => EventSpec::Sqs {
                                queue: p
                                    .get("Queue")
                                    .and_then(referenced_id)
                                    .ok_or_else(|| TemplateError(format!("{id}.{name:?}: SQS event without queue")))?,
                                batch_size: batch(10),
                                max_concurrency: p
                                    .get("ScalingConfig")
                                    .and_then(|c| c.get("MaximumConcurrency"))
                                    .and_then(Value::as_u64)
                                    .map(|n| n as usize),
                            },
                            Some("DynamoDB") => EventSpec::Stream {
                                batch_size: batch(100),
                                max_retries: p
                                    .get("MaximumRetryAttempts")
                                    .and_then(Value::as_i64)
                                    .and_then(|n| u32::try_from(n).ok()),
                                on_failure: p
                                    .get("DestinationConfig")
                                    .and_then(|d| d.get("OnFailure"))
                                    .and_then(|o| o.get("Destination"))
                                    .and_then(referenced_id),
                                filters: p
                                    .get("FilterCriteria")
                                    .and_then(|c| c.get("Filters"))
                                    .and_then(Value::as_sequence)
                                    .into_iter()
                                    .flatten()
                                    .map(|f| {
                                        let text = f.get("Pattern").and_then(Value::as_str).unwrap_or_default();
                                        crate::filter::Pattern::parse(text)
                                            .map_err(|e| TemplateError(format!("{id}.{name:?}: {e}")))
                                    })
                                    .collect::<Result<_, _>>()?,
                            },
                            Some("Schedule") | Some("ScheduleV2") => EventSpec::Schedule {
                                expression: str_at(&p, &["Schedule"]).unwrap_or_default().to_owned(),
                            },
                            other => return err(format!("{id}: event type {other:?} is not supported locally")),
                        });
                    }
                    functions.insert(id, FunctionSpec { binary, environment, events });
                }
                _ => {}
            }
        }
        let table = table.ok_or(TemplateError("no AWS::DynamoDB::Table".into()))?;
        for (id, sub) in &subscriptions {
            if !topics.contains(&sub.topic) {
                return err(format!("{id}: unknown topic {}", sub.topic));
            }
            for queue in std::iter::once(&sub.queue).chain(&sub.dead_letter) {
                if !queues.contains_key(queue) {
                    return err(format!("{id}: unknown queue {queue}"));
                }
            }
        }
        if let Some(trigger) = token_trigger.as_ref().filter(|t| !functions.contains_key(*t)) {
            return err(format!("the user pool's pre-token-generation trigger {trigger} is not a function"));
        }
        Ok(Self {
            table,
            queues,
            topics,
            buckets,
            secrets,
            parameters,
            mail_identity,
            configuration_sets,
            subscriptions,
            functions,
            receipt_rule,
            token_trigger,
        })
    }

    /// Every scope any route asks for, in the API's words (a route's `backoffice/x` is `x`): what
    /// the local development identity holds.
    pub fn all_scopes(&self) -> Vec<String> {
        let mut scopes: Vec<String> = self
            .functions
            .values()
            .flat_map(|f| f.events.iter())
            .filter_map(|e| match e {
                EventSpec::Http { scopes, .. } => Some(scopes),
                _ => None,
            })
            .flatten()
            .map(|s| backoffice::domain::access::api_scope(s).to_owned())
            .collect();
        scopes.sort();
        scopes.dedup();
        scopes
    }
}

/// The project's `template.yaml`, found from the crate or the working directory.
pub fn load_default() -> Result<Template, TemplateError> {
    let candidates = [
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../template.yaml"),
        std::path::PathBuf::from("template.yaml"),
    ];
    let path = candidates.iter().find(|p| p.exists()).ok_or(TemplateError("template.yaml not found".into()))?;
    Template::parse(&std::fs::read_to_string(path).map_err(|e| TemplateError(e.to_string()))?)
}
