//! Creates the template's table, queues, topics and subscriptions in the emulator and resolves
//! each function's environment (`!Ref Table` → table name, `!Ref Queue` → queue URL,
//! `!Ref Topic` → topic ARN, `!GetAtt X.Arn` → ARN).

use crate::template::{Template, referenced_id};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType, StreamSpecification, StreamViewType, TimeToLiveSpecification,
};
use aws_sdk_sqs::types::QueueAttributeName;
use serde_yaml_ng::Value;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct Provisioned {
    pub table_name: String,
    pub stream_arn: Option<String>,
    /// By logical id.
    pub queue_urls: BTreeMap<String, String>,
    pub queue_arns: BTreeMap<String, String>,
    pub topic_arns: BTreeMap<String, String>,
    /// Bucket names by logical id.
    pub buckets: BTreeMap<String, String>,
    /// Secrets' ARNs by logical id.
    pub secrets: BTreeMap<String, String>,
    /// The values the runner gives the template's parameters ([`local_parameter`]).
    pub parameters: BTreeMap<String, String>,
    /// SES configuration sets' names by logical id.
    pub configuration_sets: BTreeMap<String, String>,
}

/// Where the runner's order e-mails come from (`MAIL_FROM` in its environment overrides it):
/// moto's SES accepts it once the runner has verified it, and keeps what is sent.
pub const LOCAL_MAIL_FROM: &str = "pedidos@loja.localhost";

/// The service inbox's address locally (`SUPPORT_ADDRESS` overrides it).
pub const LOCAL_SUPPORT_ADDRESS: &str = "suporte@loja.localhost";

/// The runner's value for a template parameter: a few have local values (the sender e-mails
/// come from), the others their template default.
pub fn local_parameter(id: &str, default: Option<&str>) -> Option<String> {
    match id {
        "MailFrom" => Some(std::env::var("MAIL_FROM").unwrap_or_else(|_| LOCAL_MAIL_FROM.to_owned())),
        "ShopName" => Some(std::env::var("SHOP_NAME").unwrap_or_else(|_| default.unwrap_or("Shop").to_owned())),
        "SupportAddress" => Some(std::env::var("SUPPORT_ADDRESS").unwrap_or_else(|_| LOCAL_SUPPORT_ADDRESS.to_owned())),
        _ => default.map(str::to_owned),
    }
}

/// What the runner puts in the payment gateways' secret: `STRIPE_WEBHOOK_SECRET` (several,
/// comma-separated, while rotating), `STRIPE_API_KEY`, `MERCADOPAGO_WEBHOOK_SECRET` and
/// `MERCADOPAGO_ACCESS_TOKEN` from the environment, else these development values (README,
/// "Payment gateways").
pub const LOCAL_STRIPE_WEBHOOK_SECRET: &str = "whsec_local_development";
pub const LOCAL_MERCADOPAGO_WEBHOOK_SECRET: &str = "mercadopago-local-development";
pub const LOCAL_MERCADOPAGO_ACCESS_TOKEN: &str = "APP_USR-local-development";
pub const LOCAL_STRIPE_API_KEY: &str = "sk_test_local_development";

fn local_payment_secrets() -> String {
    let var = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    let stripe: Vec<String> = var("STRIPE_WEBHOOK_SECRET", LOCAL_STRIPE_WEBHOOK_SECRET)
        .split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    serde_json::json!({
        "stripe_webhook_secrets": stripe,
        "stripe_api_key": var("STRIPE_API_KEY", LOCAL_STRIPE_API_KEY),
        "mercadopago_webhook_secret": var("MERCADOPAGO_WEBHOOK_SECRET", LOCAL_MERCADOPAGO_WEBHOOK_SECRET),
        "mercadopago_access_token": var("MERCADOPAGO_ACCESS_TOKEN", LOCAL_MERCADOPAGO_ACCESS_TOKEN),
    })
    .to_string()
}

/// Creates the template's secrets (the payment gateways' is the only one) with the local values,
/// or puts them again into one kept from an earlier run.
async fn create_secrets(
    sdk: &aws_config::SdkConfig,
    template: &Template,
    prefix: &str,
) -> Result<BTreeMap<String, String>, BoxError> {
    let client = aws_sdk_secretsmanager::Client::new(sdk);
    let mut arns = BTreeMap::new();
    for id in &template.secrets {
        let name = format!("{prefix}{id}");
        let value = local_payment_secrets();
        let arn = match client.create_secret().name(&name).secret_string(&value).send().await {
            Ok(out) => out.arn,
            Err(e) => {
                let e = e.into_service_error();
                if !e.is_resource_exists_exception() {
                    return Err(format!("creating secret {name}: {e}").into());
                }
                client
                    .put_secret_value()
                    .secret_id(&name)
                    .secret_string(&value)
                    .send()
                    .await
                    .map_err(|e| e.into_service_error())?
                    .arn
            }
        };
        arns.insert(id.clone(), arn.ok_or("no secret arn")?);
    }
    Ok(arns)
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn key_type(t: &str) -> KeyType {
    if t == "HASH" { KeyType::Hash } else { KeyType::Range }
}

fn schema(pairs: &[(String, String)]) -> Result<Vec<KeySchemaElement>, BoxError> {
    pairs
        .iter()
        .map(|(name, t)| Ok(KeySchemaElement::builder().attribute_name(name).key_type(key_type(t)).build()?))
        .collect()
}

fn global_index(index: &crate::template::IndexSpec) -> Result<GlobalSecondaryIndex, BoxError> {
    let projection = Projection::builder()
        .projection_type(ProjectionType::from(index.projection.as_str()))
        .set_non_key_attributes((!index.non_key_attributes.is_empty()).then(|| index.non_key_attributes.clone()))
        .build();
    Ok(GlobalSecondaryIndex::builder()
        .index_name(&index.name)
        .set_key_schema(Some(schema(&index.key_schema)?))
        .projection(projection)
        .build()?)
}

/// A table kept from an earlier run (`make run` keeps the shop) gets the indexes the template
/// added since; DynamoDB fills them from the items that carry their keys.
async fn add_missing_indexes(
    ddb: &aws_sdk_dynamodb::Client,
    table_name: &str,
    spec: &crate::template::TableSpec,
    table: &aws_sdk_dynamodb::types::TableDescription,
) -> Result<(), BoxError> {
    let existing: Vec<&str> = table.global_secondary_indexes().iter().filter_map(|i| i.index_name()).collect();
    for index in spec.indexes.iter().filter(|i| !existing.contains(&i.name.as_str())) {
        let create = aws_sdk_dynamodb::types::CreateGlobalSecondaryIndexAction::builder()
            .index_name(&index.name)
            .set_key_schema(Some(schema(&index.key_schema)?))
            .set_projection(global_index(index)?.projection)
            .build()?;
        let mut update = ddb.update_table().table_name(table_name).global_secondary_index_updates(
            aws_sdk_dynamodb::types::GlobalSecondaryIndexUpdate::builder().create(create).build(),
        );
        for (name, _) in &index.key_schema {
            update = update.attribute_definitions(
                AttributeDefinition::builder().attribute_name(name).attribute_type(ScalarAttributeType::S).build()?,
            );
        }
        update
            .send()
            .await
            .map_err(|e| format!("adding index {} to {table_name}: {}", index.name, e.into_service_error()))?;
    }
    Ok(())
}

/// A table kept from an earlier run whose stream carries other images than the template's gets a
/// new stream (DynamoDB changes a stream's view only by replacing it); its new ARN.
async fn update_stream_view(
    ddb: &aws_sdk_dynamodb::Client,
    table_name: &str,
    spec: &crate::template::TableSpec,
    table: &aws_sdk_dynamodb::types::TableDescription,
) -> Result<Option<String>, BoxError> {
    let Some(wanted) = &spec.stream_view_type else { return Ok(None) };
    let current = table.stream_specification().and_then(|s| s.stream_view_type()).map(|v| v.as_str());
    if current == Some(wanted.as_str()) {
        return Ok(None);
    }
    let spec = |enabled: bool| {
        let builder = StreamSpecification::builder().stream_enabled(enabled);
        if enabled { builder.stream_view_type(StreamViewType::from(wanted.as_str())) } else { builder }.build()
    };
    let failed = |e: String| format!("replacing {table_name}'s stream ({e}); `make reset` starts from an empty shop");
    ddb.update_table()
        .table_name(table_name)
        .stream_specification(spec(false)?)
        .send()
        .await
        .map_err(|e| failed(e.into_service_error().to_string()))?;
    let out = ddb
        .update_table()
        .table_name(table_name)
        .stream_specification(spec(true)?)
        .send()
        .await
        .map_err(|e| failed(e.into_service_error().to_string()))?;
    Ok(out.table_description.and_then(|t| t.latest_stream_arn))
}

/// Creates everything, names prefixed with `prefix` (tests use a unique prefix per test so they
/// can run in parallel against one moto). Existing resources are reused.
pub async fn provision(
    sdk: &aws_config::SdkConfig,
    template: &Template,
    prefix: &str,
) -> Result<Provisioned, BoxError> {
    let ddb = aws_sdk_dynamodb::Client::new(sdk);
    let spec = &template.table;
    let table_name = format!("{prefix}backoffice");
    let mut create = ddb
        .create_table()
        .table_name(&table_name)
        .billing_mode(BillingMode::PayPerRequest)
        .set_key_schema(Some(schema(&spec.key_schema)?));
    for (name, t) in &spec.attributes {
        let t = match t.as_str() {
            "N" => ScalarAttributeType::N,
            "B" => ScalarAttributeType::B,
            _ => ScalarAttributeType::S,
        };
        create = create
            .attribute_definitions(AttributeDefinition::builder().attribute_name(name).attribute_type(t).build()?);
    }
    for index in &spec.indexes {
        create = create.global_secondary_indexes(global_index(index)?);
    }
    if let Some(view) = &spec.stream_view_type {
        create = create.stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::from(view.as_str()))
                .build()?,
        );
    }
    match create.send().await {
        Ok(_) => {}
        Err(e) if aws_sdk_dynamodb::error::ProvideErrorMetadata::code(&e) == Some("ResourceInUseException") => {}
        Err(e) => return Err(Box::new(e.into_service_error())),
    }
    if let Some(attr) = &spec.ttl_attribute {
        let ttl = TimeToLiveSpecification::builder().attribute_name(attr).enabled(true).build()?;
        let _ = ddb.update_time_to_live().table_name(&table_name).time_to_live_specification(ttl).send().await;
    }
    let described = ddb.describe_table().table_name(&table_name).send().await.map_err(|e| e.into_service_error())?;
    let table = described.table.unwrap_or_else(|| aws_sdk_dynamodb::types::TableDescription::builder().build());
    add_missing_indexes(&ddb, &table_name, spec, &table).await?;
    let stream_arn = match update_stream_view(&ddb, &table_name, spec, &table).await? {
        Some(arn) => Some(arn),
        None => table.latest_stream_arn,
    };

    let sqs = aws_sdk_sqs::Client::new(sdk);
    let mut queue_urls = BTreeMap::new();
    let mut queue_arns = BTreeMap::new();
    // Dead-letter queues first: the others' redrive policies name them.
    let mut order: Vec<&String> = template.queues.keys().collect();
    order.sort_by_key(|id| template.queues[*id].dead_letter.is_some());
    for id in order {
        let q = &template.queues[id];
        let mut create = sqs.create_queue().queue_name(format!("{prefix}{id}"));
        if let Some(v) = q.visibility_timeout {
            create = create.attributes(QueueAttributeName::VisibilityTimeout, v.to_string());
        }
        if let Some((dlq, max)) = &q.dead_letter {
            let arn = queue_arns.get(dlq).ok_or_else(|| format!("{id}: dead-letter queue {dlq} unknown"))?;
            let policy = serde_json::json!({ "deadLetterTargetArn": arn, "maxReceiveCount": max }).to_string();
            create = create.attributes(QueueAttributeName::RedrivePolicy, policy);
        }
        let url = create.send().await.map_err(|e| e.into_service_error())?.queue_url.ok_or("no queue url")?;
        let attrs = sqs
            .get_queue_attributes()
            .queue_url(&url)
            .attribute_names(QueueAttributeName::QueueArn)
            .send()
            .await
            .map_err(|e| e.into_service_error())?;
        let arn = attrs.attributes.and_then(|mut a| a.remove(&QueueAttributeName::QueueArn)).ok_or("no queue arn")?;
        queue_urls.insert(id.clone(), url);
        queue_arns.insert(id.clone(), arn);
    }
    let topic_arns = subscribe(sdk, template, prefix, &queue_arns).await?;
    let buckets = create_buckets(sdk, template, prefix).await?;
    let secrets = create_secrets(sdk, template, prefix).await?;
    let parameters: BTreeMap<String, String> = template
        .parameters
        .iter()
        .filter_map(|(id, default)| Some((id.clone(), local_parameter(id, default.as_deref())?)))
        .collect();
    let configuration_sets =
        template.configuration_sets.iter().map(|id| (id.clone(), format!("{prefix}{id}"))).collect();
    if template.mail_identity {
        // The stack verifies the whole domain; here each address mail comes from.
        for sender in ["MailFrom", "SupportAddress"] {
            verify_sender(sdk, parameters.get(sender).map(String::as_str).unwrap_or_default()).await?;
        }
    }
    Ok(Provisioned {
        table_name,
        stream_arn,
        queue_urls,
        queue_arns,
        topic_arns,
        buckets,
        secrets,
        parameters,
        configuration_sets,
    })
}

/// Verifies the address e-mails come from in the emulator's SES, as the shop verifies its
/// domain in SES (an address not verified is refused there as it is in AWS).
async fn verify_sender(sdk: &aws_config::SdkConfig, from: &str) -> Result<(), BoxError> {
    if from.is_empty() {
        return Ok(());
    }
    let ses = aws_sdk_sesv2::Client::new(sdk);
    match ses.create_email_identity().email_identity(from).send().await {
        Ok(_) => Ok(()),
        Err(e) => {
            let e = e.into_service_error();
            if e.is_already_exists_exception() { Ok(()) } else { Err(format!("verifying {from} in SES: {e}").into()) }
        }
    }
}

/// Creates the template's buckets, named as S3 allows (lower case, digits and hyphens).
async fn create_buckets(
    sdk: &aws_config::SdkConfig,
    template: &Template,
    prefix: &str,
) -> Result<BTreeMap<String, String>, BoxError> {
    let s3 = aws_sdk_s3::Client::from_conf(backoffice::files::s3_config(sdk).build());
    let mut names = BTreeMap::new();
    for id in &template.buckets {
        let name: String = format!("{prefix}{id}")
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
            .collect();
        match s3.create_bucket().bucket(&name).send().await {
            Ok(_) => {}
            Err(e) => {
                let e = e.into_service_error();
                if !(e.is_bucket_already_owned_by_you() || e.is_bucket_already_exists()) {
                    return Err(format!("creating bucket {name}: {e}").into());
                }
            }
        }
        names.insert(id.clone(), name);
    }
    Ok(names)
}

/// Creates the topics and their subscriptions (moto delivers from the one to the other as SNS
/// does, filter policies and raw delivery included); returns the topics' ARNs by logical id.
async fn subscribe(
    sdk: &aws_config::SdkConfig,
    template: &Template,
    prefix: &str,
    queue_arns: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, BoxError> {
    let sns = aws_sdk_sns::Client::new(sdk);
    let mut topic_arns = BTreeMap::new();
    for id in &template.topics {
        // Creating a topic that exists returns it.
        let created =
            sns.create_topic().name(format!("{prefix}{id}")).send().await.map_err(|e| e.into_service_error())?;
        topic_arns.insert(id.clone(), created.topic_arn.ok_or("no topic arn")?);
    }
    let existing: Vec<(String, String)> = {
        let mut found = Vec::new();
        for arn in topic_arns.values() {
            let listed =
                sns.list_subscriptions_by_topic().topic_arn(arn).send().await.map_err(|e| e.into_service_error())?;
            found.extend(
                listed.subscriptions().iter().map(|s| {
                    (s.topic_arn().unwrap_or_default().to_owned(), s.endpoint().unwrap_or_default().to_owned())
                }),
            );
        }
        found
    };
    for (id, sub) in &template.subscriptions {
        let topic = &topic_arns[&sub.topic];
        let queue = queue_arns.get(&sub.queue).ok_or_else(|| format!("{id}: unknown queue {}", sub.queue))?;
        if existing.iter().any(|(t, q)| t == topic && q == queue) {
            continue;
        }
        let mut request =
            sns.subscribe().topic_arn(topic).protocol("sqs").endpoint(queue).return_subscription_arn(true);
        // Only ever "true": moto reads any value of the attribute, "false" included, as raw.
        if sub.raw_message_delivery {
            request = request.attributes("RawMessageDelivery", "true");
        }
        if let Some(policy) = &sub.filter_policy {
            request = request.attributes("FilterPolicy", policy);
            let scope = sub.filter_policy_scope.as_deref().unwrap_or("MessageAttributes");
            request = request.attributes("FilterPolicyScope", scope);
        }
        if let Some(dlq) = &sub.dead_letter {
            let arn = queue_arns.get(dlq).ok_or_else(|| format!("{id}: unknown queue {dlq}"))?;
            request =
                request.attributes("RedrivePolicy", serde_json::json!({ "deadLetterTargetArn": arn }).to_string());
        }
        request.send().await.map_err(|e| e.into_service_error())?;
    }
    Ok(topic_arns)
}

/// `!Sub` over pseudo parameters only: the runner stands for one account in the `aws`
/// partition. A reference to a resource in a `!Sub` is refused rather than guessed.
fn substitute(name: &str, value: &Value) -> Result<String, String> {
    let text = value.as_str().ok_or_else(|| format!("{name}: !Sub takes a string here"))?;
    // The local stack's name, as `sam local` calls its stack.
    let out = text.replace("${AWS::Partition}", "aws").replace("${AWS::StackName}", "backoffice-local");
    match out.find("${") {
        Some(at) => Err(format!("{name}: !Sub reference {} is not supported locally", &out[at..])),
        None => Ok(out),
    }
}

impl Provisioned {
    /// Resolves a function's environment the way CloudFormation would for these resources.
    pub fn environment(
        &self,
        template: &Template,
        raw: &BTreeMap<String, Value>,
    ) -> Result<BTreeMap<String, String>, String> {
        raw.iter()
            .map(|(name, value)| {
                let resolved = match value {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    Value::Tagged(t) if t.tag == "!Sub" => substitute(name, &t.value)?,
                    // Every condition the template's environment names holds locally (the runner
                    // sends and receives mail): the first branch.
                    Value::Tagged(t) if t.tag == "!If" => {
                        let first = t
                            .value
                            .as_sequence()
                            .and_then(|s| s.get(1))
                            .ok_or_else(|| format!("{name}: malformed !If"))?;
                        let one: BTreeMap<String, Value> = [(name.clone(), first.clone())].into();
                        return self
                            .environment(template, &one)
                            .map(|mut m| (name.clone(), m.remove(name).unwrap_or_default()));
                    }
                    other => {
                        let id = referenced_id(other).ok_or_else(|| format!("{name}: unsupported value {other:?}"))?;
                        let is_arn = matches!(other, Value::Tagged(t) if t.tag == "!GetAtt");
                        if id == template.table.logical_id {
                            self.table_name.clone()
                        } else if let Some(secret) = self.secrets.get(&id) {
                            // A secret's `Ref` is its ARN.
                            secret.clone()
                        } else if let Some(topic) = self.topic_arns.get(&id) {
                            topic.clone()
                        } else if let Some(value) = self.parameters.get(&id) {
                            value.clone()
                        } else if let Some(set) = self.configuration_sets.get(&id) {
                            set.clone()
                        } else if let Some(bucket) = self.buckets.get(&id).filter(|_| !is_arn) {
                            bucket.clone()
                        } else if is_arn {
                            self.queue_arns.get(&id).cloned().ok_or_else(|| format!("{name}: unknown {id}"))?
                        } else {
                            self.queue_urls.get(&id).cloned().ok_or_else(|| format!("{name}: unknown {id}"))?
                        }
                    }
                };
                Ok((name.clone(), resolved))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::substitute;
    use serde_yaml_ng::Value;

    #[test]
    fn sub_resolves_the_partition_and_refuses_what_it_would_have_to_guess() {
        let partition = Value::String("/opt/partitions/${AWS::Partition}.json".into());
        assert_eq!(substitute("V", &partition).unwrap(), "/opt/partitions/aws.json");
        let resource = Value::String("arn:${AWS::Partition}:sqs:${AWS::Region}:1:q".into());
        let refused = substitute("V", &resource).unwrap_err();
        assert!(refused.contains("${AWS::Region}"), "{refused}");
        assert!(substitute("V", &Value::Null).is_err());
    }
}
