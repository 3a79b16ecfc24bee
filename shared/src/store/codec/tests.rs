use super::{CodecError, Map, from_item, to_item};
use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Status {
    Open,
    Held(u32),
    Moved { from: String, to: String },
    Pair(i64, bool),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "payload")]
enum Tagged {
    #[serde(rename = "a.b")]
    Ab { n: u64 },
    #[serde(rename = "c")]
    C,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Inner {
    sku: String,
    qty: u32,
    cents: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Record {
    pk: String,
    version: u64,
    negative: i32,
    ok: bool,
    note: Option<String>,
    missing: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    skipped: Option<String>,
    lines: Vec<Inner>,
    status: Vec<Status>,
    tagged: Vec<Tagged>,
    counts: BTreeMap<String, u32>,
    unit: (),
    #[serde(flatten)]
    flat: Inner,
}

fn record() -> Record {
    Record {
        pk: "ORDER#01J".into(),
        version: u64::MAX,
        negative: -42,
        ok: true,
        note: Some("gift — wrap it".into()),
        missing: None,
        skipped: None,
        lines: vec![Inner { sku: "TSHIRT-M".into(), qty: 2, cents: 1999 }],
        status: vec![
            Status::Open,
            Status::Held(3),
            Status::Moved { from: "a".into(), to: "b".into() },
            Status::Pair(-1, false),
        ],
        tagged: vec![Tagged::Ab { n: 7 }, Tagged::C],
        counts: BTreeMap::from([("x".to_owned(), 1), ("y".to_owned(), 2)]),
        unit: (),
        flat: Inner { sku: "MUG".into(), qty: 1, cents: -5 },
    }
}

type Outcome = Result<(), Box<dyn std::error::Error>>;

#[test]
fn a_record_round_trips() -> Outcome {
    let item = to_item(&record())?;
    assert_eq!(from_item::<Record>(item)?, record());
    Ok(())
}

#[test]
fn the_layout_is_serde_dynamos() -> Outcome {
    let ours = to_item(&record())?;
    let theirs: Map = serde_dynamo::to_item(record())?;
    assert_eq!(ours, theirs);
    assert_eq!(ours["version"], AttributeValue::N(u64::MAX.to_string()));
    assert_eq!(ours["missing"], AttributeValue::Null(true));
    assert!(!ours.contains_key("skipped"));
    assert_eq!(ours["sku"], AttributeValue::S("MUG".into()), "flattened fields sit at the top");
    let open = AttributeValue::S("open".into());
    assert!(matches!(ours.get("status"), Some(AttributeValue::L(status)) if status.first() == Some(&open)));
    Ok(())
}

#[test]
fn items_written_by_serde_dynamo_read_the_same() -> Outcome {
    let theirs: Map = serde_dynamo::to_item(record())?;
    assert_eq!(from_item::<Record>(theirs)?, record());
    Ok(())
}

#[test]
fn an_item_reads_as_json_with_integer_numbers() -> Outcome {
    let value: serde_json::Value = from_item(to_item(&record())?)?;
    assert_eq!(value["negative"], serde_json::json!(-42));
    assert_eq!(value["version"], serde_json::json!(u64::MAX));
    assert_eq!(value["lines"][0]["qty"], serde_json::json!(2));
    assert_eq!(value["missing"], serde_json::Value::Null);
    let mut fraction = Map::new();
    fraction.insert("f".into(), AttributeValue::N("1.5".into()));
    assert_eq!(from_item::<serde_json::Value>(fraction)?["f"], serde_json::json!(1.5));
    Ok(())
}

#[test]
fn mismatches_are_errors_not_panics() -> Outcome {
    let mut item = to_item(&record())?;
    item.insert("negative".into(), AttributeValue::N("99999999999".into()));
    let err = from_item::<Record>(item).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("99999999999"), "{err}");

    let mut item = to_item(&record())?;
    item.insert("ok".into(), AttributeValue::S("yes".into()));
    assert_eq!(from_item::<Record>(item).err(), Some(CodecError::new("expected a boolean, found S")));

    let mut item = to_item(&record())?;
    item.remove("pk");
    let err = from_item::<Record>(item).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("pk"), "{err}");

    assert!(to_item(&5u32).is_err(), "an item is a map");
    let nan = BTreeMap::from([("f".to_owned(), f64::NAN)]);
    assert_eq!(to_item(&nan).err(), Some(CodecError::new("DynamoDB numbers are finite")));
    let not_string_keys = BTreeMap::from([(1u32, 2u32)]);
    assert!(to_item(&not_string_keys).is_err());
    Ok(())
}
