//! Turns an HTTP request into the API Gateway v2 (HTTP API, payload 2.0) event Lambda would
//! receive, and matches paths against the template's routes.

use serde_json::{Map, Value, json};

/// Who the request is from, as the JWT authorizer would report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// The local development identity: every scope the template's routes ask for.
    Claims { subject: String, scopes: Vec<String> },
    /// No verified token: handlers answer 401.
    Anonymous,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param(String),
}

#[derive(Debug, Clone)]
pub struct PathTemplate {
    pub raw: String,
    segments: Vec<Segment>,
}

impl PathTemplate {
    pub fn parse(raw: &str) -> Self {
        let segments = raw
            .trim_matches('/')
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Segment::Param(name.to_owned()),
                None => Segment::Literal(s.to_owned()),
            })
            .collect();
        Self { raw: raw.to_owned(), segments }
    }

    /// Path parameters (percent-decoded) if `path` matches. `Err` if a value is not valid UTF-8.
    pub fn matches(&self, path: &str) -> Option<Result<Vec<(String, String)>, ()>> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').filter(|s| !s.is_empty()).collect();
        if parts.len() != self.segments.len() {
            return None;
        }
        let mut params = Vec::new();
        for (segment, part) in self.segments.iter().zip(parts) {
            match segment {
                Segment::Literal(lit) if lit == part => {}
                Segment::Literal(_) => return None,
                Segment::Param(name) => match percent_decode(part, false) {
                    Some(v) => params.push((name.clone(), v)),
                    None => return Some(Err(())),
                },
            }
        }
        Some(Ok(params))
    }

    /// Literal segments first: `/stock/low` would win over `/stock/{sku}`, as in API Gateway.
    pub fn specificity(&self) -> usize {
        self.segments.iter().filter(|s| matches!(s, Segment::Literal(_))).count()
    }
}

/// Decodes `%XX` escapes (and `+` as space in query strings). `None` for bad escapes or UTF-8.
pub fn percent_decode(s: &str, plus_as_space: bool) -> Option<String> {
    // percent-encoding passes a malformed escape through as it is; API Gateway refuses it.
    let well_formed = s
        .split('%')
        .skip(1)
        .all(|rest| rest.as_bytes().get(..2).is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)));
    if !well_formed {
        return None;
    }
    let s = if plus_as_space { std::borrow::Cow::Owned(s.replace('+', " ")) } else { std::borrow::Cow::Borrowed(s) };
    percent_encoding::percent_decode_str(&s).decode_utf8().ok().map(std::borrow::Cow::into_owned)
}

/// Query parameters as API Gateway v2 presents them: repeated keys joined with commas.
pub fn query_parameters(raw: &str) -> Option<Map<String, Value>> {
    let mut map: Map<String, Value> = Map::new();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (k, v) = (percent_decode(k, true)?, percent_decode(v, true)?);
        match map.get_mut(&k) {
            Some(Value::String(existing)) => {
                existing.push(',');
                existing.push_str(&v);
            }
            _ => {
                map.insert(k, Value::String(v));
            }
        }
    }
    Some(map)
}

pub struct EventInput<'a> {
    pub method: &'a str,
    pub route_key: &'a str,
    pub raw_path: &'a str,
    pub raw_query: &'a str,
    pub query: Map<String, Value>,
    pub headers: Vec<(String, String)>,
    pub path_parameters: Vec<(String, String)>,
    pub body: &'a [u8],
    pub identity: &'a Identity,
}

pub fn event(input: EventInput<'_>) -> Value {
    let mut headers = Map::new();
    for (k, v) in &input.headers {
        let k = k.to_ascii_lowercase();
        match headers.get_mut(&k) {
            Some(Value::String(existing)) => {
                existing.push(',');
                existing.push_str(v);
            }
            _ => {
                headers.insert(k, Value::String(v.clone()));
            }
        }
    }
    let now = chrono::Utc::now();
    let (body, base64) = match std::str::from_utf8(input.body) {
        _ if input.body.is_empty() => (Value::Null, false),
        Ok(text) => (Value::String(text.to_owned()), false),
        Err(_) => (Value::String(aws_smithy_types::base64::encode(input.body)), true),
    };
    let authorizer = match input.identity {
        Identity::Claims { subject, scopes } => json!({
            "jwt": { "claims": { "sub": subject, "scope": scopes.join(" "), "iss": "local" }, "scopes": null }
        }),
        Identity::Anonymous => Value::Null,
    };
    let mut context = json!({
        "accountId": "000000000000",
        "apiId": "local",
        "domainName": "127.0.0.1",
        "domainPrefix": "local",
        "http": {
            "method": input.method,
            "path": input.raw_path,
            "protocol": "HTTP/1.1",
            "sourceIp": "127.0.0.1",
            "userAgent": headers.get("user-agent").cloned().unwrap_or(Value::Null),
        },
        "requestId": ulid::Ulid::new().to_string(),
        "routeKey": input.route_key,
        "stage": "$default",
        "time": now.format("%d/%b/%Y:%H:%M:%S %z").to_string(),
        "timeEpoch": now.timestamp_millis(),
    });
    if !authorizer.is_null() {
        context["authorizer"] = authorizer;
    }
    let path_parameters: Map<String, Value> =
        input.path_parameters.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
    let mut event = json!({
        "version": "2.0",
        "routeKey": input.route_key,
        "rawPath": input.raw_path,
        "rawQueryString": input.raw_query,
        "headers": headers,
        "requestContext": context,
        "isBase64Encoded": base64,
    });
    if !input.query.is_empty() {
        event["queryStringParameters"] = Value::Object(input.query);
    }
    if !path_parameters.is_empty() {
        event["pathParameters"] = Value::Object(path_parameters);
    }
    if !body.is_null() {
        event["body"] = body;
    }
    event
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_templates_and_decodes_parameters() {
        let t = PathTemplate::parse("/stock/{sku}/movements");
        assert_eq!(t.matches("/stock/A%2DB/movements"), Some(Ok(vec![("sku".into(), "A-B".into())])));
        assert_eq!(t.matches("/stock/A"), None);
        assert_eq!(t.matches("/stock/%FF/movements"), Some(Err(())));
        assert_eq!(t.matches("/stock/%00/movements"), Some(Ok(vec![("sku".into(), "\0".into())])));
    }

    #[test]
    fn joins_repeated_query_keys() {
        let q = query_parameters("a=1&a=2&b=x+y").unwrap();
        assert_eq!(q["a"], "1,2");
        assert_eq!(q["b"], "x y");
    }
}
