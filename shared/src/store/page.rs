//! Opaque pagination cursors: DynamoDB's `LastEvaluatedKey`, hex-encoded JSON. Decoding checks
//! the cursor belongs to the query it is replayed on, so a cursor can't reach another partition.

use super::{Item, Store, StoreError, s};
use std::collections::{BTreeMap, HashMap};

pub const DEFAULT_LIMIT: i32 = 20;
pub const MAX_LIMIT: i32 = 100;

/// A page of results and the cursor for the next one (absent on the last page).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

pub fn encode_cursor(last_key: &Item) -> String {
    let map: BTreeMap<&str, &str> =
        last_key.iter().filter_map(|(k, v)| v.as_s().ok().map(|v| (k.as_str(), v.as_str()))).collect();
    let json = serde_json::to_string(&map).unwrap_or_default();
    super::keys::hex(json.as_bytes())
}

/// One partition of the table or of an index, read a page at a time in sort-key order.
pub(crate) struct PageQuery<'a> {
    /// `None`: the table itself.
    pub index: Option<&'a str>,
    /// The partition attribute and its value (`("gsi1pk", "STOCK#LOW")`).
    pub partition: (&'a str, &'a str),
    /// Only sort keys starting with this: the attribute and the prefix.
    pub sort_prefix: Option<(&'a str, &'a str)>,
    /// Only sort keys between these two, both included: the attribute, the lowest, the highest.
    pub sort_between: Option<(&'a str, &'a str, &'a str)>,
    pub newest_first: bool,
}

impl Store {
    /// A page of `query`'s partition from `cursor` (which must be one this partition issued),
    /// each item read by `read`.
    pub(crate) async fn page<T>(
        &self,
        query: PageQuery<'_>,
        limit: i32,
        cursor: Option<&str>,
        read: impl Fn(Item) -> Result<T, StoreError>,
    ) -> Result<Page<T>, CursorOrStore> {
        let (attribute, value) = query.partition;
        let start =
            cursor.map(|c| decode_cursor(c, &[(attribute, value)])).transpose().map_err(|_| CursorOrStore::Cursor)?;
        let mut request = self
            .client()
            .query()
            .table_name(self.table())
            .set_index_name(query.index.map(str::to_owned))
            .expression_attribute_names("#p", attribute)
            .expression_attribute_values(":p", s(value))
            .scan_index_forward(!query.newest_first)
            .limit(limit)
            .set_exclusive_start_key(start);
        request = match (query.sort_prefix, query.sort_between) {
            (Some((sort, prefix)), _) => request
                .key_condition_expression("#p = :p AND begins_with(#s, :s)")
                .expression_attribute_names("#s", sort)
                .expression_attribute_values(":s", s(prefix)),
            (None, Some((sort, lowest, highest))) => request
                .key_condition_expression("#p = :p AND #s BETWEEN :lo AND :hi")
                .expression_attribute_names("#s", sort)
                .expression_attribute_values(":lo", s(lowest))
                .expression_attribute_values(":hi", s(highest)),
            (None, None) => request.key_condition_expression("#p = :p"),
        };
        let out = request.send().await.map_err(|e| CursorOrStore::Store(super::sdk_error(&e)))?;
        let items = out.items.unwrap_or_default().into_iter().map(read).collect::<Result<Vec<_>, _>>()?;
        Ok(Page { items, next_cursor: out.last_evaluated_key.as_ref().map(encode_cursor) })
    }
}

#[derive(Debug, thiserror::Error)]
#[error("cursor is not one this query issued")]
pub struct BadCursor;

/// Decodes a cursor and checks that `fixed` attributes (the query's partition) match.
pub fn decode_cursor(raw: &str, fixed: &[(&str, &str)]) -> Result<Item, BadCursor> {
    if raw.len() > 2048 || !raw.len().is_multiple_of(2) {
        return Err(BadCursor);
    }
    let bytes = (0..raw.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(raw.get(i..i + 2).ok_or(BadCursor)?, 16).map_err(|_| BadCursor))
        .collect::<Result<Vec<u8>, _>>()?;
    let map: HashMap<String, String> = serde_json::from_slice(&bytes).map_err(|_| BadCursor)?;
    const ALLOWED: [&str; 12] = [
        "pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk", "gsi4pk", "gsi4sk", "gsi5pk", "gsi5sk",
    ];
    if map.keys().any(|k| !ALLOWED.contains(&k.as_str())) {
        return Err(BadCursor);
    }
    for (name, value) in fixed {
        if map.get(*name).map(String::as_str) != Some(*value) {
            return Err(BadCursor);
        }
    }
    Ok(map.into_iter().map(|(k, v)| (k, s(v))).collect())
}

/// Parses a `limit` query parameter (1..=100, default 20).
pub fn parse_limit(raw: Option<&str>) -> Result<i32, crate::domain::FieldError> {
    match raw {
        None => Ok(DEFAULT_LIMIT),
        Some(v) => v.parse::<i32>().ok().filter(|n| (1..=MAX_LIMIT).contains(n)).ok_or_else(|| {
            crate::domain::FieldError::new("limit", format!("must be an integer from 1 to {MAX_LIMIT}"))
        }),
    }
}

/// A paginated read fails either because the cursor is not ours (400) or the store failed.
#[derive(Debug, thiserror::Error)]
pub enum CursorOrStore {
    #[error("invalid cursor")]
    Cursor,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_are_bound_to_their_partition() {
        let key: Item = [("pk".to_owned(), s("SKU#A")), ("sk".to_owned(), s("MOVE#01"))].into();
        let cursor = encode_cursor(&key);
        assert_eq!(decode_cursor(&cursor, &[("pk", "SKU#A")]).unwrap(), key);
        assert!(decode_cursor(&cursor, &[("pk", "SKU#B")]).is_err());
        assert!(decode_cursor("zz", &[]).is_err());
        assert!(decode_cursor(&"ab".repeat(2000), &[]).is_err());
    }

    #[test]
    fn limits_are_bounded() {
        assert_eq!(parse_limit(None).unwrap(), 20);
        assert_eq!(parse_limit(Some("100")).unwrap(), 100);
        for bad in ["0", "101", "-1", "ten"] {
            assert_eq!(parse_limit(Some(bad)).unwrap_err().field, "limit");
        }
    }
}
