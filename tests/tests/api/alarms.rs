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

/// The alarms of one metric, by the resource their dimension names.
fn alarmed_by(resources: &serde_yaml_ng::Mapping, namespace: &str, metric: &str) -> BTreeSet<String> {
    of_type(resources, "AWS::CloudWatch::Alarm")
        .into_iter()
        .filter(|(_, a)| {
            a["Properties"]["Namespace"].as_str() == Some(namespace)
                && a["Properties"]["MetricName"].as_str() == Some(metric)
        })
        .flat_map(|(_, a)| a["Properties"]["Dimensions"].as_sequence().unwrap().iter())
        .filter_map(|d| referenced_id(&d["Value"]))
        .collect()
}

/// Someone hears every alarm: each notifies the alarm topic when it fires and when it clears, and
/// every function, stream mapping, work queue and the HTTP API has the alarms an operator pages
/// on (dead-letter queues are checked above).
#[test]
fn every_alarm_notifies_and_everything_that_can_stall_has_its_alarm() {
    let doc = backoffice_tests::template_document();
    let resources = doc["Resources"].as_mapping().unwrap();
    assert_eq!(doc["Resources"]["AlarmTopic"]["Type"].as_str(), Some("AWS::SNS::Topic"));
    let alarms = of_type(resources, "AWS::CloudWatch::Alarm");
    assert!(alarms.len() > 26, "{} alarms", alarms.len());
    for (id, alarm) in &alarms {
        for actions in ["AlarmActions", "OKActions"] {
            let targets: Vec<Option<String>> = alarm["Properties"][actions]
                .as_sequence()
                .unwrap_or_else(|| panic!("{id} has no {actions}"))
                .iter()
                .map(referenced_id)
                .collect();
            assert_eq!(targets, [Some("AlarmTopic".to_owned())], "{id}.{actions}");
        }
    }

    let functions: BTreeSet<String> =
        of_type(resources, "AWS::Serverless::Function").into_iter().map(|(id, _)| id.to_owned()).collect();
    for metric in ["Errors", "Throttles"] {
        let alarmed = alarmed_by(resources, "AWS/Lambda", metric);
        let missing: Vec<&String> = functions.difference(&alarmed).collect();
        assert!(missing.is_empty(), "functions without a {metric} alarm: {missing:?}");
    }
    let mut streamed = BTreeSet::new();
    let mut work_queues = BTreeSet::new();
    for (id, function) in of_type(resources, "AWS::Serverless::Function") {
        for (_, event) in function["Properties"]["Events"].as_mapping().into_iter().flatten() {
            match event["Type"].as_str() {
                Some("DynamoDB") => drop(streamed.insert(id.to_owned())),
                Some("SQS") => drop(work_queues.insert(referenced_id(&event["Properties"]["Queue"]).unwrap())),
                _ => {}
            }
        }
    }
    assert!(!streamed.is_empty() && !work_queues.is_empty());
    let lagging = alarmed_by(resources, "AWS/Lambda", "IteratorAge");
    assert!(
        streamed.is_subset(&lagging),
        "stream mappings without an IteratorAge alarm: {:?}",
        streamed.difference(&lagging)
    );
    let aged = alarmed_by(resources, "AWS/SQS", "ApproximateAgeOfOldestMessage");
    assert!(work_queues.is_subset(&aged), "work queues without an age alarm: {:?}", work_queues.difference(&aged));

    let api_metrics: BTreeSet<String> = alarms
        .iter()
        .flat_map(|(_, a)| {
            let direct = a["Properties"]["MetricName"].as_str().map(str::to_owned);
            let queried = a["Properties"]["Metrics"]
                .as_sequence()
                .into_iter()
                .flatten()
                .filter_map(|m| m["MetricStat"]["Metric"]["MetricName"].as_str().map(str::to_owned));
            direct.into_iter().chain(queried).collect::<Vec<_>>()
        })
        .collect();
    assert!(api_metrics.contains("5xx") && api_metrics.contains("Latency"), "the HTTP API's 5xx rate and latency");
}

/// A reservation on a queue consumer makes Lambda's pollers take messages it then throttles,
/// which sends them to the dead-letter queue unprocessed, and deploying one needs an account
/// limit above a new account's. Queue consumers are capped where the pollers stop fetching.
#[test]
fn queue_consumers_are_capped_by_their_event_source_and_nothing_reserves_concurrency() {
    let doc = backoffice_tests::template_document();
    let resources = doc["Resources"].as_mapping().unwrap();
    let mut consumers = 0;
    for (id, function) in of_type(resources, "AWS::Serverless::Function") {
        assert!(
            function["Properties"].get("ReservedConcurrentExecutions").is_none(),
            "{id} reserves concurrency: cap its event source instead"
        );
        for (name, event) in function["Properties"]["Events"].as_mapping().into_iter().flatten() {
            if event["Type"].as_str() != Some("SQS") {
                continue;
            }
            consumers += 1;
            let cap = event["Properties"]["ScalingConfig"]["MaximumConcurrency"].as_u64();
            assert!(
                cap.is_some_and(|n| (2..=1000).contains(&n)),
                "{id}.{}: ScalingConfig.MaximumConcurrency must be 2 to 1000, is {cap:?}",
                name.as_str().unwrap_or("?")
            );
        }
    }
    assert!(consumers >= 5, "the work queues have consumers ({consumers})");
}

/// The text of a `!Sub "…"` value.
fn sub_text(value: &Value) -> &str {
    match value {
        Value::Tagged(t) if t.tag == "!Sub" => t.value.as_str().expect("a !Sub of a string"),
        other => panic!("not a !Sub: {other:?}"),
    }
}

/// The dashboard shows what the alarms watch, and the shop's own metrics under the namespace the
/// functions write them to; every queue of given-up work is a stack output, to inspect and redrive.
#[test]
fn the_dashboard_shows_every_queue_the_stream_and_the_shops_metrics() {
    let doc = backoffice_tests::template_document();
    let resources = doc["Resources"].as_mapping().unwrap();
    let body = sub_text(&doc["Resources"]["Dashboard"]["Properties"]["DashboardBody"]);
    let dashboard: serde_json::Value = serde_json::from_str(body).expect("the dashboard body is JSON");
    let widgets = dashboard["widgets"].as_array().unwrap();
    let shown: Vec<String> = widgets
        .iter()
        .flat_map(|w| w["properties"]["metrics"].as_array().unwrap().iter())
        .map(|m| m.to_string())
        .collect();
    let shows = |needle: &str| shown.iter().any(|m| m.contains(needle));

    for (id, _) in of_type(resources, "AWS::SQS::Queue") {
        assert!(shows(&format!("${{{id}.QueueName}}")), "the dashboard does not show {id}");
        if id.ends_with("DeadLetterQueue") || id.ends_with("FailuresQueue") {
            assert!(referenced_id(&doc["Outputs"][format!("{id}Url").as_str()]["Value"]).as_deref() == Some(id));
        }
    }
    for (id, function) in of_type(resources, "AWS::Serverless::Function") {
        let streamed =
            function["Properties"]["Events"].as_mapping().into_iter().flatten().any(|(_, e)| e["Type"] == "DynamoDB");
        if streamed {
            assert!(shown.iter().any(|m| m.contains("IteratorAge") && m.contains(&format!("${{{id}}}"))), "{id}");
        }
    }
    let namespace = sub_text(&doc["Globals"]["Function"]["Environment"]["Variables"]["METRICS_NAMESPACE"]);
    for metric in ["\"Events\"", "\\\"Value\\\"", "\\\"Refusals\\\""] {
        assert!(shown.iter().any(|m| m.contains(namespace) && m.contains(metric)), "{metric} under {namespace}");
    }
    assert!(shows("\"Errors\\\"") && shows("\"Duration\\\"") && shows("\"5xx\""), "{shown:#?}");
    for output in ["ApiUrl", "ConsoleUrl", "TableName", "EventsTopic", "AlarmTopic", "DashboardUrl"] {
        assert!(doc["Outputs"].get(output).is_some(), "no {output} output");
    }
}
