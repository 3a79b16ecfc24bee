//! Reading request bodies: JSON only, bounded size, unknown fields rejected by the target
//! types (`deny_unknown_fields`), and every failure naming the field at fault.

use super::problem::Problem;
use lambda_http::{Body, Request};
use serde::de::DeserializeOwned;

/// Largest accepted request body. Far above any legitimate command; keeps memory bounded.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub fn body_bytes(req: &Request) -> &[u8] {
    match req.body() {
        Body::Empty => &[],
        Body::Text(t) => t.as_bytes(),
        Body::Binary(b) => b,
        _ => &[],
    }
}

/// Parses a JSON body into `T`, which is expected to `deny_unknown_fields`.
pub fn json_body<T: DeserializeOwned>(req: &Request) -> Result<T, Problem> {
    json_body_as(req, &["application/json"])
}

pub fn json_body_as<T: DeserializeOwned>(req: &Request, media_types: &[&str]) -> Result<T, Problem> {
    let content_type = req
        .headers()
        .get(lambda_http::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase());
    match content_type {
        Some(ct) if media_types.contains(&ct.as_str()) => {}
        _ => {
            return Err(Problem::new(
                415,
                "unsupported-media-type",
                "Unsupported media type",
                format!("send the body as {}", media_types.join(" or ")),
            )
            .with_field("content-type"));
        }
    }
    parse_json(body_bytes(req))
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    if bytes.len() > MAX_BODY_BYTES {
        // Name the member that makes it too large when the body is an object: the members are
        // borrowed slices of the body, so this costs no copy of the data.
        let field = serde_json::from_slice::<std::collections::BTreeMap<String, &serde_json::value::RawValue>>(bytes)
            .ok()
            .and_then(|members| members.into_iter().max_by_key(|(_, v)| v.get().len()).map(|(k, _)| k))
            .unwrap_or_else(|| "body".to_owned());
        return Err(Problem::new(
            413,
            "payload-too-large",
            "Request body too large",
            format!("the body has {} bytes; at most {MAX_BODY_BYTES} are accepted", bytes.len()),
        )
        .with_field(field)
        .with("max_bytes", MAX_BODY_BYTES));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Problem::malformed("body", "a JSON body is required"));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let message = inner.to_string();
        let field = field_name(&path, &message);
        if inner.is_syntax() || inner.is_eof() {
            // Cut off mid-value, the path ends in segments the parser never reached (`?`): name
            // the last complete field, or the body as a whole.
            Problem::malformed(complete_prefix(&field), format!("the body is not valid JSON: {message}"))
        } else {
            Problem::invalid(field, in_api_words(&strip_position(&message)))
        }
    })?;
    de.end().map_err(|e| Problem::malformed("body", format!("unexpected data after the JSON value: {e}")))?;
    Ok(value)
}

/// `serde_path_to_error` gives `.` for errors about the object itself (a missing or unknown
/// field); the field's name is then in the message, between backticks.
fn field_name(path: &str, message: &str) -> String {
    let from_message = || message.split('`').nth(1).map(str::to_owned);
    if path == "." || path.is_empty() {
        return from_message().unwrap_or_else(|| "body".to_owned());
    }
    // An unknown field's path already ends in its name; a missing one's path is its parent's.
    if message.starts_with("missing field")
        && let Some(name) = from_message()
    {
        return format!("{path}.{name}");
    }
    path.to_owned()
}

/// The part of a path before its first unknown segment (`unit_price.?` → `unit_price`,
/// `lines[?]` → `lines`, `?` → `body`).
fn complete_prefix(path: &str) -> String {
    let cut = path.find('?').map_or(path, |i| &path[..i]);
    let cut = cut.trim_end_matches(['.', '[']);
    if cut.is_empty() { "body".to_owned() } else { cut.to_owned() }
}

/// serde's messages name Rust types (`expected i64`, `expected struct LineBody`); a client sees
/// JSON, so say it in JSON's words.
fn in_api_words(message: &str) -> String {
    const WORDS: &[(&str, &str)] = &[
        ("expected i64", "expected an integer"),
        ("expected i32", "expected an integer"),
        ("expected u64", "expected a whole number, 0 or more"),
        ("expected u32", "expected a whole number, 0 or more"),
        ("expected usize", "expected a whole number, 0 or more"),
        ("expected a sequence", "expected an array"),
        ("expected a map", "expected an object"),
        ("invalid type: map", "invalid type: object"),
        ("invalid type: sequence", "invalid type: array"),
        ("floating point `", "number `"),
        ("integer `", "number `"),
    ];
    let mut out = message.to_owned();
    for (rust, json) in WORDS {
        out = out.replace(rust, json);
    }
    // `expected struct LineBody` names a Rust type: the field wants a JSON object.
    if let Some(i) = out.find("expected struct ") {
        let name = i + "expected struct ".len();
        let end = out[name..].find([',', ' ']).map_or(out.len(), |n| name + n);
        out.replace_range(i..end, "expected an object");
    }
    out
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Line {
        sku: String,
        quantity: u32,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Order {
        lines: Vec<Line>,
    }

    fn problem(json: &str) -> Problem {
        parse_json::<Order>(json.as_bytes()).unwrap_err()
    }

    #[test]
    fn names_the_field_of_a_type_error() {
        let p = problem(r#"{"lines":[{"sku":"A","quantity":"3"}]}"#);
        assert_eq!((p.status, p.field.as_deref()), (422, Some("lines[0].quantity")));
    }

    #[test]
    fn type_errors_are_in_json_words_not_rust_types() {
        let p = problem(r#"{"lines":[{"sku":"A","quantity":1.5}]}"#);
        assert_eq!(p.detail, "invalid type: number `1.5`, expected a whole number, 0 or more");
        let p = problem(r#"{"lines":[7]}"#);
        assert_eq!(p.detail, "invalid type: number `7`, expected an object");
        let p = problem(r#"{"lines":{}}"#);
        assert_eq!(p.detail, "invalid type: object, expected an array");
    }

    #[test]
    fn names_unknown_and_missing_fields() {
        let p = problem(r#"{"lines":[],"coupon":"X"}"#);
        assert_eq!((p.status, p.field.as_deref()), (422, Some("coupon")));
        let p = problem(r#"{}"#);
        assert_eq!(p.field.as_deref(), Some("lines"));
        let p = problem(r#"{"lines":[{"sku":"A"}]}"#);
        assert_eq!(p.field.as_deref(), Some("lines[0].quantity"));
    }

    #[test]
    fn syntax_depth_and_size_are_client_errors() {
        assert_eq!(problem("{").status, 400);
        assert_eq!(problem("").status, 400);
        assert_eq!(problem(r#"{"lines":[]} trailing"#).status, 400);
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(matches!(problem(&deep).status, 400 | 422));
        let big = format!(r#"{{"lines":[],"x":"{}"}}"#, "a".repeat(MAX_BODY_BYTES));
        let p = problem(&big);
        assert_eq!((p.status, p.field.as_deref()), (413, Some("x")), "names the oversized member");
        assert_eq!(problem(&format!("[\"{}\"]", "a".repeat(MAX_BODY_BYTES))).field.as_deref(), Some("body"));
        assert!(parse_json::<Order>(&[0xff, 0xfe]).is_err());
    }

    #[test]
    fn truncated_json_names_the_last_complete_field_or_the_body() {
        for (json, field) in [
            (r#"{"lines":[{"sku":"A","quantity":"#, Some("lines[0].quantity")),
            (r#"{"lines":[{"sku":"A","#, Some("lines[0]")),
            (r#"{"lines":["#, Some("lines")),
            (r#"{"li"#, Some("body")),
            (r#"{"#, Some("body")),
        ] {
            let p = problem(json);
            assert_eq!(p.status, 400, "{json}");
            assert_eq!(p.field.as_deref(), field, "{json}");
            assert!(!p.field.as_deref().unwrap_or_default().contains('?'), "{json}");
        }
    }
}
