//! The events topic's subscriptions are the routing table: each queue's filter policy names
//! exactly the event types `backoffice::events::routes` sends it, delivery is raw (the envelope,
//! not an SNS notification), and only the topic may send to the queues.

use backoffice::events::{Queue, ROUTES};
use backoffice_local::template::referenced_id;
use serde_yaml_ng::Value;
use std::collections::{BTreeMap, BTreeSet};

fn resources() -> serde_yaml_ng::Mapping {
    backoffice_tests::template_document()["Resources"].as_mapping().unwrap().clone()
}

/// The subscriptions to the events topic (SES's mail events have a topic of their own).
fn event_subscriptions(resources: &serde_yaml_ng::Mapping) -> impl Iterator<Item = (&Value, &Value)> {
    resources.iter().filter(|(_, r)| {
        r["Type"].as_str() == Some("AWS::SNS::Subscription")
            && referenced_id(&r["Properties"]["TopicArn"]).as_deref() == Some("EventsTopic")
    })
}

/// Each subscribed queue's logical id → the event types its filter policy names.
fn filter_policies(resources: &serde_yaml_ng::Mapping) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for (id, r) in event_subscriptions(resources) {
        let p = &r["Properties"];
        assert_eq!(p["Protocol"].as_str(), Some("sqs"), "{id:?}");
        assert_eq!(p["RawMessageDelivery"].as_bool(), Some(true), "{id:?}: consumers read the envelope itself");
        assert_eq!(p["FilterPolicyScope"].as_str(), Some("MessageAttributes"), "{id:?}");
        assert!(
            referenced_id(&p["RedrivePolicy"]["deadLetterTargetArn"]).is_some(),
            "{id:?}: undeliverable events are kept"
        );
        let types =
            p["FilterPolicy"]["event_type"].as_sequence().unwrap_or_else(|| panic!("{id:?}: event_type filter"));
        let queue = referenced_id(&p["Endpoint"]).unwrap();
        let previous = out.insert(queue.clone(), types.iter().map(|t| t.as_str().unwrap().to_owned()).collect());
        assert!(previous.is_none(), "{queue} subscribed twice");
    }
    out
}

#[test]
fn each_queue_is_subscribed_to_exactly_the_event_types_routed_to_it() {
    let policies = filter_policies(&resources());
    for queue in Queue::ALL {
        let routed: BTreeSet<String> =
            ROUTES.iter().filter(|(_, queues)| queues.contains(&queue)).map(|(t, _)| (*t).to_owned()).collect();
        assert_eq!(policies.get(queue.logical_id()), Some(&routed), "{queue:?}");
    }
    assert_eq!(policies.len(), Queue::ALL.len(), "no queue outside the routing table is subscribed");
}

#[test]
fn only_the_events_topic_may_send_to_the_queues_it_delivers_to() {
    let resources = resources();
    let mut delivered_to: BTreeSet<String> = filter_policies(&resources).into_keys().collect();
    for (_, r) in event_subscriptions(&resources) {
        delivered_to.insert(referenced_id(&r["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]).unwrap());
    }
    let policies: Vec<&Value> = resources
        .values()
        .filter(|r| r["Type"].as_str() == Some("AWS::SQS::QueuePolicy"))
        .filter(|r| {
            let statements = r["Properties"]["PolicyDocument"]["Statement"].as_sequence().unwrap();
            statements.iter().any(|st| {
                referenced_id(&st["Condition"]["ArnEquals"]["aws:SourceArn"]).as_deref() == Some("EventsTopic")
            })
        })
        .collect();
    assert_eq!(policies.len(), 1, "one policy lets the events topic send");
    let p = &policies[0]["Properties"];
    let queues: BTreeSet<String> = p["Queues"].as_sequence().unwrap().iter().filter_map(referenced_id).collect();
    assert_eq!(queues, delivered_to);
    let statements = p["PolicyDocument"]["Statement"].as_sequence().unwrap();
    assert_eq!(statements.len(), 1);
    let st = &statements[0];
    assert_eq!(st["Principal"]["Service"].as_str(), Some("sns.amazonaws.com"));
    assert_eq!(st["Action"].as_str(), Some("sqs:SendMessage"));
    let arns: BTreeSet<String> = st["Resource"].as_sequence().unwrap().iter().filter_map(referenced_id).collect();
    assert_eq!(arns, delivered_to);
    assert_eq!(referenced_id(&st["Condition"]["ArnEquals"]["aws:SourceArn"]).as_deref(), Some("EventsTopic"));
}

#[test]
fn only_ses_publishes_mail_events_and_only_their_topic_delivers_them() {
    let resources = resources();
    let topic_policy = resources.values().find(|r| r["Type"].as_str() == Some("AWS::SNS::TopicPolicy")).unwrap();
    let st = &topic_policy["Properties"]["PolicyDocument"]["Statement"][0];
    assert_eq!(st["Principal"]["Service"].as_str(), Some("ses.amazonaws.com"));
    assert!(
        matches!(st["Condition"]["StringEquals"]["aws:SourceAccount"], Value::Tagged(_)),
        "this account only: {st:?}"
    );
    let queue_policy = resources
        .values()
        .filter(|r| r["Type"].as_str() == Some("AWS::SQS::QueuePolicy"))
        .find(|r| referenced_id(&r["Properties"]["Queues"][0]).as_deref() == Some("MailEventsQueue"))
        .expect("the mail events queue's policy");
    let st = &queue_policy["Properties"]["PolicyDocument"]["Statement"][0];
    assert_eq!(referenced_id(&st["Condition"]["ArnEquals"]["aws:SourceArn"]).as_deref(), Some("MailEventsTopic"));
}
