//! The floor for per-request CPU: the same AWS SDK calls, with the payloads a handler sent
//! (recorded), issued bare. Each call is built once; an iteration clones and sends it.

use crate::dynamo_json::{Error, item, names, opt_item, string, values};
use aws_sdk_dynamodb::operation::batch_get_item::builders::BatchGetItemFluentBuilder;
use aws_sdk_dynamodb::operation::delete_item::builders::DeleteItemFluentBuilder;
use aws_sdk_dynamodb::operation::get_item::builders::GetItemFluentBuilder;
use aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::operation::transact_write_items::builders::TransactWriteItemsFluentBuilder;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::{
    ConditionCheck, Delete, KeysAndAttributes, Put, ReturnValue, Select, TransactWriteItem, Update,
};
use aws_sdk_sns::operation::publish_batch::builders::PublishBatchFluentBuilder;
use backoffice_local::capture::Exchange;
use serde_json::Value;
use std::collections::HashMap;

#[derive(Clone, Debug)]
pub enum Call {
    BatchGet(BatchGetItemFluentBuilder),
    Transact(TransactWriteItemsFluentBuilder),
    Get(GetItemFluentBuilder),
    Query(QueryFluentBuilder),
    Put(PutItemFluentBuilder),
    Update(UpdateItemFluentBuilder),
    Delete(DeleteItemFluentBuilder),
    PublishBatch(PublishBatchFluentBuilder),
    SendMessage(aws_sdk_sqs::operation::send_message::builders::SendMessageFluentBuilder),
    GetSecretValue(aws_sdk_secretsmanager::operation::get_secret_value::builders::GetSecretValueFluentBuilder),
    /// Boxed: SES's builder holds the whole raw message, several times the others' size.
    SendEmail(Box<aws_sdk_sesv2::operation::send_email::builders::SendEmailFluentBuilder>),
    /// A capture at Stripe, through the provider adapter the function uses (same client, same
    /// TLS configuration, same request): what a capture costs, bare.
    StripeCapture {
        api: backoffice::gateway::http::ProviderApi,
        intent: String,
    },
    /// S3's request builder holds a one-shot body stream, so the call keeps its parts.
    PutObject {
        s3: aws_sdk_s3::Client,
        bucket: String,
        key: String,
        body: Vec<u8>,
    },
    /// A read of one object, its body read to the end (as the inbox reads an e-mail).
    GetObject {
        s3: aws_sdk_s3::Client,
        bucket: String,
        key: String,
    },
}

/// The clients calls can be built on; a caller that makes calls of some services only need not
/// build the others'.
#[derive(Default)]
pub struct Clients<'a> {
    pub ddb: Option<&'a aws_sdk_dynamodb::Client>,
    pub sns: Option<&'a aws_sdk_sns::Client>,
    pub s3: Option<&'a aws_sdk_s3::Client>,
    pub sqs: Option<&'a aws_sdk_sqs::Client>,
    pub secrets: Option<&'a aws_sdk_secretsmanager::Client>,
    pub provider: Option<&'a backoffice::gateway::http::ProviderApi>,
    pub ses: Option<&'a aws_sdk_sesv2::Client>,
}

/// Whether an exchange is an AWS call (the replay serves those); the others are a payment
/// provider's (`provider::FakeStripe` answers them live).
pub fn is_aws(target: &str) -> bool {
    !target.starts_with("Provider.")
}

/// A read a function makes once per execution environment and keeps (the payment gateways'
/// secrets): every invocation after the first does without it, so the per-request figures
/// count it once, in the handler as in the bare run.
pub fn first_use_only(target: &str) -> bool {
    target == "secretsmanager.GetSecretValue"
}

impl Call {
    /// Builds the call the exchange recorded, on the given clients.
    pub fn from_exchange(x: &Exchange, clients: &Clients) -> Result<Self, Error> {
        if x.target == crate::provider::STRIPE_CAPTURE {
            let api = clients.provider.ok_or("a Stripe capture needs the provider adapter")?;
            let intent = x.path.strip_prefix("/v1/payment_intents/").and_then(|p| p.strip_suffix("/capture"));
            let intent = intent.ok_or("a Stripe capture names its intent")?.to_owned();
            return Ok(Call::StripeCapture { api: api.clone(), intent });
        }
        if x.operation() == "PublishBatch" {
            let sns = clients.sns.ok_or("PublishBatch needs an SNS client")?;
            return publish_batch(sns, &x.request);
        }
        if x.target == "S3.PutObject" {
            let s3 = clients.s3.ok_or("PutObject needs an S3 client")?;
            let path = x.path.split('?').next().unwrap_or_default().trim_start_matches('/');
            let (bucket, key) = path.split_once('/').ok_or("PutObject: no bucket and key in the path")?;
            let (bucket, key, body) = (bucket.to_owned(), key.to_owned(), x.request.clone().into_bytes());
            return Ok(Call::PutObject { s3: s3.clone(), bucket, key, body });
        }
        if x.target == "S3.GetObject" {
            let s3 = clients.s3.ok_or("GetObject needs an S3 client")?;
            let path = x.path.split('?').next().unwrap_or_default().trim_start_matches('/');
            let (bucket, key) = path.split_once('/').ok_or("GetObject: no bucket and key in the path")?;
            return Ok(Call::GetObject { s3: s3.clone(), bucket: bucket.to_owned(), key: key.to_owned() });
        }
        let r: Value = serde_json::from_str(&x.request)?;
        if x.target == "AmazonSQS.SendMessage" {
            let sqs = clients.sqs.ok_or("SendMessage needs an SQS client")?;
            return Ok(Call::SendMessage(
                sqs.send_message().set_queue_url(string(&r, "QueueUrl")).set_message_body(string(&r, "MessageBody")),
            ));
        }
        if x.target == "SESv2.SendEmail" {
            use aws_sdk_sesv2::types::{Destination, EmailContent, RawMessage};
            let ses = clients.ses.ok_or("SendEmail needs an SES client")?;
            let data = r["Content"]["Raw"]["Data"].as_str().ok_or("SendEmail: no raw message")?;
            let raw = aws_smithy_types::base64::decode(data).map_err(|e| format!("SendEmail: {e}"))?;
            let to: Vec<String> = r["Destination"]["ToAddresses"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a.as_str().map(str::to_owned))
                .collect();
            let raw = RawMessage::builder().data(aws_sdk_sesv2::primitives::Blob::new(raw)).build()?;
            return Ok(Call::SendEmail(Box::new(
                ses.send_email()
                    .set_from_email_address(string(&r, "FromEmailAddress"))
                    .destination(Destination::builder().set_to_addresses(Some(to)).build())
                    .content(EmailContent::builder().raw(raw).build())
                    .set_configuration_set_name(string(&r, "ConfigurationSetName")),
            )));
        }
        if x.target == "secretsmanager.GetSecretValue" {
            let secrets = clients.secrets.ok_or("GetSecretValue needs a Secrets Manager client")?;
            return Ok(Call::GetSecretValue(secrets.get_secret_value().set_secret_id(string(&r, "SecretId"))));
        }
        let ddb = || clients.ddb.ok_or_else(|| Error::from(format!("{} needs a DynamoDB client", x.operation())));
        Ok(match x.operation() {
            "BatchGetItem" => {
                let mut b = ddb()?.batch_get_item();
                for (table, ka) in r["RequestItems"].as_object().ok_or("RequestItems")? {
                    let keys = ka["Keys"].as_array().ok_or("Keys")?.iter().map(item).collect::<Result<Vec<_>, _>>()?;
                    let ka = KeysAndAttributes::builder()
                        .set_keys(Some(keys))
                        .set_consistent_read(ka.get("ConsistentRead").and_then(Value::as_bool))
                        .set_projection_expression(string(ka, "ProjectionExpression"))
                        .set_expression_attribute_names(names(ka))
                        .build()?;
                    b = b.request_items(table, ka);
                }
                Call::BatchGet(b)
            }
            "TransactWriteItems" => {
                let items = r["TransactItems"]
                    .as_array()
                    .ok_or("TransactItems")?
                    .iter()
                    .map(transact_item)
                    .collect::<Result<Vec<_>, _>>()?;
                Call::Transact(
                    ddb()?
                        .transact_write_items()
                        .set_transact_items(Some(items))
                        .set_client_request_token(string(&r, "ClientRequestToken")),
                )
            }
            "GetItem" => Call::Get(
                ddb()?
                    .get_item()
                    .set_table_name(string(&r, "TableName"))
                    .set_key(opt_item(&r, "Key")?)
                    .set_consistent_read(r.get("ConsistentRead").and_then(Value::as_bool))
                    .set_projection_expression(string(&r, "ProjectionExpression"))
                    .set_expression_attribute_names(names(&r)),
            ),
            "Query" => Call::Query(
                ddb()?
                    .query()
                    .set_table_name(string(&r, "TableName"))
                    .set_index_name(string(&r, "IndexName"))
                    .set_key_condition_expression(string(&r, "KeyConditionExpression"))
                    .set_filter_expression(string(&r, "FilterExpression"))
                    .set_projection_expression(string(&r, "ProjectionExpression"))
                    .set_expression_attribute_names(names(&r))
                    .set_expression_attribute_values(values(&r)?)
                    .set_scan_index_forward(r.get("ScanIndexForward").and_then(Value::as_bool))
                    .set_consistent_read(r.get("ConsistentRead").and_then(Value::as_bool))
                    .set_limit(r.get("Limit").and_then(Value::as_i64).map(|l| l as i32))
                    .set_exclusive_start_key(opt_item(&r, "ExclusiveStartKey")?)
                    .set_select(string(&r, "Select").map(|s| Select::from(s.as_str()))),
            ),
            "PutItem" => Call::Put(
                ddb()?
                    .put_item()
                    .set_table_name(string(&r, "TableName"))
                    .set_item(opt_item(&r, "Item")?)
                    .set_condition_expression(string(&r, "ConditionExpression"))
                    .set_expression_attribute_names(names(&r))
                    .set_expression_attribute_values(values(&r)?)
                    .set_return_values(string(&r, "ReturnValues").map(|s| ReturnValue::from(s.as_str()))),
            ),
            "UpdateItem" => Call::Update(
                ddb()?
                    .update_item()
                    .set_table_name(string(&r, "TableName"))
                    .set_key(opt_item(&r, "Key")?)
                    .set_update_expression(string(&r, "UpdateExpression"))
                    .set_condition_expression(string(&r, "ConditionExpression"))
                    .set_expression_attribute_names(names(&r))
                    .set_expression_attribute_values(values(&r)?)
                    .set_return_values(string(&r, "ReturnValues").map(|s| ReturnValue::from(s.as_str()))),
            ),
            "DeleteItem" => Call::Delete(
                ddb()?
                    .delete_item()
                    .set_table_name(string(&r, "TableName"))
                    .set_key(opt_item(&r, "Key")?)
                    .set_condition_expression(string(&r, "ConditionExpression"))
                    .set_expression_attribute_names(names(&r))
                    .set_expression_attribute_values(values(&r)?),
            ),
            other => return Err(format!("the floor does not know {other}").into()),
        })
    }

    /// Sends a copy of the call; an error response is a failed floor.
    pub async fn send(&self) -> Result<(), Error> {
        match self.clone() {
            Call::BatchGet(b) => drop(b.send().await?),
            Call::Transact(b) => drop(b.send().await?),
            Call::Get(b) => drop(b.send().await?),
            Call::Query(b) => drop(b.send().await?),
            Call::Put(b) => drop(b.send().await?),
            Call::Update(b) => drop(b.send().await?),
            Call::Delete(b) => drop(b.send().await?),
            Call::PublishBatch(b) => drop(b.send().await?),
            Call::SendMessage(b) => drop(b.send().await?),
            Call::GetSecretValue(b) => drop(b.send().await?),
            Call::SendEmail(b) => drop((*b).send().await?),
            Call::StripeCapture { api, intent } => {
                use backoffice::gateway::http::Call as Asked;
                let key = format!("capture-{intent}");
                let api_key = backoffice_local::provision::LOCAL_STRIPE_API_KEY;
                drop(api.stripe_settle(&intent, Asked::Capture, api_key, &key).await?)
            }
            Call::PutObject { s3, bucket, key, body } => {
                let body = aws_sdk_s3::primitives::ByteStream::from(body);
                drop(s3.put_object().bucket(bucket).key(key).content_type("text/csv").body(body).send().await?)
            }
            Call::GetObject { s3, bucket, key } => {
                let object = s3.get_object().bucket(bucket).key(key).send().await?;
                drop(object.body.collect().await?)
            }
        }
        Ok(())
    }
}

/// An SNS `PublishBatch` from its query-protocol form body:
/// `PublishBatchRequestEntries.member.N.{Id,Message,MessageAttributes.entry.M.{Name,Value.…}}`.
fn publish_batch(sns: &aws_sdk_sns::Client, body: &str) -> Result<Call, Error> {
    use aws_sdk_sns::types::{MessageAttributeValue, PublishBatchRequestEntry};
    let form: HashMap<String, String> = form_urlencoded::parse(body.as_bytes()).into_owned().collect();
    let field = |key: String| form.get(&key).cloned();
    let mut b = sns.publish_batch().set_topic_arn(field("TopicArn".into()));
    for n in 1.. {
        let entry = format!("PublishBatchRequestEntries.member.{n}");
        let Some(id) = field(format!("{entry}.Id")) else { break };
        let mut e = PublishBatchRequestEntry::builder().id(id).set_message(field(format!("{entry}.Message")));
        for m in 1.. {
            let attribute = format!("{entry}.MessageAttributes.entry.{m}");
            let Some(name) = field(format!("{attribute}.Name")) else { break };
            let value = MessageAttributeValue::builder()
                .set_data_type(field(format!("{attribute}.Value.DataType")))
                .set_string_value(field(format!("{attribute}.Value.StringValue")))
                .build()?;
            e = e.message_attributes(name, value);
        }
        b = b.publish_batch_request_entries(e.build()?);
    }
    Ok(Call::PublishBatch(b))
}

fn transact_item(t: &Value) -> Result<TransactWriteItem, Error> {
    let b = TransactWriteItem::builder();
    Ok(if let Some(p) = t.get("Put") {
        b.put(
            Put::builder()
                .set_table_name(string(p, "TableName"))
                .set_item(opt_item(p, "Item")?)
                .set_condition_expression(string(p, "ConditionExpression"))
                .set_expression_attribute_names(names(p))
                .set_expression_attribute_values(values(p)?)
                .build()?,
        )
        .build()
    } else if let Some(u) = t.get("Update") {
        b.update(
            Update::builder()
                .set_table_name(string(u, "TableName"))
                .set_key(opt_item(u, "Key")?)
                .set_update_expression(string(u, "UpdateExpression"))
                .set_condition_expression(string(u, "ConditionExpression"))
                .set_expression_attribute_names(names(u))
                .set_expression_attribute_values(values(u)?)
                .build()?,
        )
        .build()
    } else if let Some(c) = t.get("ConditionCheck") {
        b.condition_check(
            ConditionCheck::builder()
                .set_table_name(string(c, "TableName"))
                .set_key(opt_item(c, "Key")?)
                .set_condition_expression(string(c, "ConditionExpression"))
                .set_expression_attribute_names(names(c))
                .set_expression_attribute_values(values(c)?)
                .build()?,
        )
        .build()
    } else if let Some(d) = t.get("Delete") {
        b.delete(
            Delete::builder()
                .set_table_name(string(d, "TableName"))
                .set_key(opt_item(d, "Key")?)
                .set_condition_expression(string(d, "ConditionExpression"))
                .set_expression_attribute_names(names(d))
                .set_expression_attribute_values(values(d)?)
                .build()?,
        )
        .build()
    } else {
        return Err("unknown transact item".into());
    })
}
