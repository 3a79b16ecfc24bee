//! Nothing is dropped without a page: every stream mapping names an on-failure destination for
//! the records Lambda gives up on, and every queue that holds given-up work (a dead-letter queue
//! or such a destination) has a CloudWatch alarm on its depth. So does every subscription of the
//! events topic: each names a dead-letter queue for events it could not deliver.

use backoffice_local::template::referenced_id;
use serde_yaml_ng::Value;
use std::collections::BTreeSet;

/// The resources of one type, with their logical ids.
fn of_type<'a>(resources: &'a serde_yaml_ng::Mapping, kind: &str) -> Vec<(&'a str, &'a Value)> {
    resources
        .iter()
        .filter(|(_, r)| r["Type"].as_str() == Some(kind))
        .map(|(id, r)| (id.as_str().unwrap(), r))
        .collect()
}

#[test]
fn every_queue_of_given_up_work_is_alarmed_and_every_stream_mapping_has_one() {
    let doc = backoffice_tests::template_document();
    let resources = doc["Resources"].as_mapping().unwrap();
    let of_type = |t: &str| of_type(resources, t);

    let mut given_up = BTreeSet::new();
    for (id, queue) in of_type("AWS::SQS::Queue") {
        if let Some(target) = queue["Properties"].get("RedrivePolicy").and_then(|r| r.get("deadLetterTargetArn")) {
            given_up.insert(referenced_id(target).unwrap_or_else(|| panic!("{id}: dead-letter target")));
        }
    }
    // Events the topic could not deliver to a queue.
    for (id, subscription) in of_type("AWS::SNS::Subscription") {
        let target = &subscription["Properties"]["RedrivePolicy"]["deadLetterTargetArn"];
        given_up.insert(referenced_id(target).unwrap_or_else(|| panic!("{id}: no dead-letter queue")));
    }
    let mut stream_mappings = 0;
    for (id, function) in of_type("AWS::Serverless::Function") {
        for (name, event) in function["Properties"]["Events"].as_mapping().into_iter().flatten() {
            if event["Type"].as_str() != Some("DynamoDB") {
                continue;
            }
            stream_mappings += 1;
            let on_failure = &event["Properties"]["DestinationConfig"]["OnFailure"];
            assert_eq!(
                on_failure["Type"].as_str(),
                Some("SQS"),
                "{id}.{}: no on-failure destination",
                name.as_str().unwrap_or("?")
            );
            let queue = referenced_id(&on_failure["Destination"]).unwrap();
            assert_eq!(doc["Resources"][queue.as_str()]["Type"].as_str(), Some("AWS::SQS::Queue"), "{queue}");
            given_up.insert(queue);
        }
    }
    assert!(stream_mappings > 0, "the relay reads the table stream");

    let alarmed: BTreeSet<String> = of_type("AWS::CloudWatch::Alarm")
        .into_iter()
        .filter(|(_, a)| a["Properties"]["Namespace"].as_str() == Some("AWS/SQS"))
        .flat_map(|(_, a)| a["Properties"]["Dimensions"].as_sequence().unwrap().iter())
        .filter(|d| d["Name"].as_str() == Some("QueueName"))
        .filter_map(|d| referenced_id(&d["Value"]))
        .collect();
    let missing: Vec<&String> = given_up.difference(&alarmed).collect();
    assert!(missing.is_empty(), "queues of given-up work without an alarm: {missing:?}");
    assert!(given_up.contains("RelayFailuresQueue"), "{given_up:?}");
    assert!(given_up.contains("EventDeliveryFailuresQueue"), "{given_up:?}");
}
