//! DynamoDB capacity units of one recorded invocation, from the items that crossed the wire and
//! AWS's published sizing rules: a write unit per started KB written (two in a transaction), a
//! read unit per started 4 KB read strongly (half eventually, two in a transaction).
//! Item sizes follow AWS's rule (names plus values; numbers about half their digits; 3 bytes per
//! list or map plus one per element), so figures are estimates within a unit or two.

use backoffice_local::capture::Exchange;
use serde_json::Value;
use std::collections::HashMap;

#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Units {
    pub read: f64,
    pub write: f64,
}

pub fn value_size(v: &Value) -> usize {
    let Some((kind, inner)) = v.as_object().and_then(|o| o.iter().next()) else { return 0 };
    match kind.as_str() {
        "S" | "B" => inner.as_str().map_or(0, str::len),
        "N" => inner.as_str().map_or(1, |n| n.trim_start_matches('-').len().div_ceil(2) + 1),
        "BOOL" | "NULL" => 1,
        "SS" | "NS" => inner.as_array().map_or(0, |a| a.iter().map(|s| s.as_str().map_or(0, str::len)).sum()),
        "L" => 3 + inner.as_array().map_or(0, |a| a.iter().map(|e| value_size(e) + 1).sum()),
        "M" => 3 + inner.as_object().map_or(0, |m| m.iter().map(|(k, e)| k.len() + value_size(e) + 1).sum()),
        _ => 0,
    }
}

pub fn item_size(item: &Value) -> usize {
    item.as_object().map_or(0, |m| m.iter().map(|(k, v)| k.len() + value_size(v)).sum())
}

fn key_of(item: &Value) -> Option<(String, String)> {
    Some((item["pk"]["S"].as_str()?.to_owned(), item["sk"]["S"].as_str()?.to_owned()))
}

fn kb(size: usize) -> f64 {
    size.div_ceil(1024).max(1) as f64
}

fn four_kb(size: usize) -> f64 {
    size.div_ceil(4096).max(1) as f64
}

/// Capacity of every exchange of one invocation. Updated items are sized from what the same
/// invocation read of them (the read-decide-write shape means it usually did); otherwise 1 KB.
pub fn of_invocation(exchanges: &[Exchange]) -> Units {
    let mut known: HashMap<(String, String), usize> = HashMap::new();
    let mut units = Units::default();
    let sized = |known: &HashMap<(String, String), usize>, key: &Value| {
        key_of(key).and_then(|k| known.get(&k).copied()).unwrap_or(1024)
    };
    for x in exchanges {
        let (Ok(req), Ok(resp)) =
            (serde_json::from_str::<Value>(&x.request), serde_json::from_str::<Value>(&x.response))
        else {
            continue;
        };
        match x.operation() {
            "BatchGetItem" => {
                let consistent = req["RequestItems"]
                    .as_object()
                    .and_then(|o| o.values().next())
                    .and_then(|t| t["ConsistentRead"].as_bool())
                    .unwrap_or(false);
                let factor = if consistent { 1.0 } else { 0.5 };
                let requested: usize = req["RequestItems"]
                    .as_object()
                    .map_or(0, |o| o.values().map(|t| t["Keys"].as_array().map_or(0, Vec::len)).sum());
                let mut found = 0;
                for items in resp["Responses"].as_object().into_iter().flat_map(|o| o.values()) {
                    for item in items.as_array().into_iter().flatten() {
                        let size = item_size(item);
                        if let Some(k) = key_of(item) {
                            known.insert(k, size);
                        }
                        units.read += factor * four_kb(size);
                        found += 1;
                    }
                }
                // A key that is not there still costs the minimum read.
                units.read += factor * requested.saturating_sub(found) as f64;
            }
            "GetItem" | "Query" => {
                let factor = if req["ConsistentRead"].as_bool().unwrap_or(false) { 1.0 } else { 0.5 };
                let items: Vec<&Value> = match resp.get("Item") {
                    Some(item) => vec![item],
                    None => resp["Items"].as_array().map(|a| a.iter().collect()).unwrap_or_default(),
                };
                let mut total = 0;
                for item in items {
                    let size = item_size(item);
                    if let Some(k) = key_of(item) {
                        known.insert(k, size);
                    }
                    total += size;
                }
                units.read += factor * four_kb(total);
            }
            "TransactWriteItems" => {
                for t in req["TransactItems"].as_array().into_iter().flatten() {
                    let size = if let Some(p) = t.get("Put") {
                        item_size(&p["Item"])
                    } else {
                        let inner =
                            t.get("Update").or(t.get("Delete")).or(t.get("ConditionCheck")).unwrap_or(&Value::Null);
                        sized(&known, &inner["Key"])
                    };
                    units.write += 2.0 * kb(size);
                }
            }
            "PutItem" => units.write += kb(item_size(&req["Item"])),
            "UpdateItem" | "DeleteItem" => units.write += kb(sized(&known, &req["Key"])),
            _ => {}
        }
    }
    units
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn exchange(target: &str, request: Value, response: Value) -> Exchange {
        Exchange {
            target: format!("DynamoDB_20120810.{target}"),
            path: "/".into(),
            request: request.to_string(),
            status: 200,
            headers: vec![],
            response: response.to_string(),
        }
    }

    #[test]
    fn a_read_then_a_transaction_costs_what_aws_publishes() {
        let item = json!({"pk": {"S": "STOCK#A"}, "sk": {"S": "STOCK"}, "on_hand": {"N": "10"}});
        let read = exchange(
            "BatchGetItem",
            json!({"RequestItems": {"t": {"Keys": [{"pk": {"S": "STOCK#A"}, "sk": {"S": "STOCK"}}, {"pk": {"S": "X"}, "sk": {"S": "Y"}}], "ConsistentRead": true}}}),
            json!({"Responses": {"t": [item]}}),
        );
        let write = exchange(
            "TransactWriteItems",
            json!({"TransactItems": [
                {"Update": {"Key": {"pk": {"S": "STOCK#A"}, "sk": {"S": "STOCK"}}}},
                {"Put": {"Item": {"pk": {"S": "ORDER#1"}, "big": {"S": "x".repeat(1500)}}}},
            ]}),
            json!({}),
        );
        let units = of_invocation(&[read, write]);
        // Two consistent reads (one found, one missing) and a 2 KB put plus a small update, doubled.
        assert_eq!(units, Units { read: 2.0, write: 2.0 * 1.0 + 2.0 * 2.0 });
        assert_eq!(item_size(&item), 2 + 7 + 2 + 5 + 7 + 2);
    }
}
