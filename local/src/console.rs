//! The operator console (`console/`, built into `console/dist`) served beside the API, as
//! CloudFront serves it on AWS: the page, its style sheet and modules, and a `config.json`
//! telling it where the API is and which scopes the local identity holds.

use http_body_util::Full;
use hyper::body::Bytes;
use std::path::PathBuf;

/// The console's OAuth app client in the runner's sign-in stand-in (`LOCAL_AUTH=oauth`), as
/// `config.json` names it.
pub const CLIENT_ID: &str = "local-console";

pub type FileResponse = hyper::Response<Full<Bytes>>;

/// The same security headers `template.yaml` sets on the console's CloudFront responses: no
/// inline script or style, no framing, nothing sniffed, no referrer leaked to the API.
const HEADERS: [(&str, &str); 5] = [
    (
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
         frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("cache-control", "no-cache"),
];

#[derive(Debug, Clone)]
pub struct Console {
    /// The built console (`console/dist`).
    pub dir: PathBuf,
    /// The scopes `config.json` announces (every scope of the template).
    pub scopes: Vec<String>,
    pub auth: ConsoleAuth,
}

/// Who the console is, as its `config.json` tells it.
#[derive(Debug, Clone)]
pub enum ConsoleAuth {
    /// The development identity: the runner serves every request with every scope.
    Development,
    /// `LOCAL_AUTH=jwt`: each `config.json` carries a token minted for the scopes (one hour),
    /// which the console sends as its bearer, so every request it makes goes through the same
    /// verification as API Gateway's authorizer.
    Minted(crate::auth::JwtVerifier),
    /// `LOCAL_AUTH=oauth`: the console signs in on the runner's stand-in for the hosted sign-in
    /// page (`sign_in`), as it does with Cognito on AWS.
    SignIn,
}

/// Whether `path` names a console file: the page, its style sheet, `config.json`, or a module
/// under `app/` (letters, digits and dashes only: nothing outside the folder can be named).
pub fn is_console_path(path: &str) -> bool {
    let module = |p: &str| {
        p.strip_suffix(".js").is_some_and(|name| {
            let name = name.strip_prefix("screens/").unwrap_or(name);
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
    };
    matches!(path, "/" | "/index.html" | "/styles.css" | "/config.json")
        || path.strip_prefix("/app/").is_some_and(module)
}

impl Console {
    /// The file for a GET of `path` (already checked by [`is_console_path`]).
    pub fn answer(&self, path: &str) -> FileResponse {
        if path == "/config.json" {
            let body = match &self.auth {
                ConsoleAuth::Minted(verifier) => {
                    let claims = verifier.claims("local-console", &self.scopes, chrono::Utc::now().timestamp(), 3600);
                    let token = verifier.mint(&claims);
                    serde_json::json!({ "api": "", "auth": "bearer", "token": token, "scopes": self.scopes })
                }
                ConsoleAuth::Development => serde_json::json!({ "api": "", "auth": "local", "scopes": self.scopes }),
                // The sign-in page is the runner's own: `domain` is this origin.
                ConsoleAuth::SignIn => serde_json::json!({
                    "api": "",
                    "auth": "oauth",
                    "scopes": [],
                    "oauth": { "domain": "", "clientId": CLIENT_ID, "scopes": ["openid", "email"] },
                }),
            };
            return respond(200, "application/json", body.to_string().into_bytes());
        }
        let relative = match path {
            "/" => "index.html",
            other => other.trim_start_matches('/'),
        };
        let content_type = match relative.rsplit('.').next() {
            Some("html") => "text/html; charset=utf-8",
            Some("css") => "text/css; charset=utf-8",
            _ => "text/javascript; charset=utf-8",
        };
        match std::fs::read(self.dir.join(relative)) {
            Ok(bytes) => respond(200, content_type, bytes),
            Err(_) if relative == "index.html" => respond(
                404,
                "text/plain; charset=utf-8",
                format!(
                    "The console is not built ({} is missing): run `make console` (needs Node.js), then reload.\n",
                    self.dir.display()
                )
                .into_bytes(),
            ),
            Err(_) => respond(404, "text/plain; charset=utf-8", b"not found\n".to_vec()),
        }
    }
}

pub(crate) fn respond(status: u16, content_type: &str, body: Vec<u8>) -> FileResponse {
    let mut builder = hyper::Response::builder().status(status).header("content-type", content_type);
    for (name, value) in HEADERS {
        builder = builder.header(name, value);
    }
    builder.body(Full::new(Bytes::from(body))).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_consoles_own_files_can_be_named() {
        for ok in ["/", "/index.html", "/styles.css", "/config.json", "/app/main.js", "/app/screens/order.js"] {
            assert!(is_console_path(ok), "{ok}");
        }
        for no in [
            "/app/../Cargo.toml",
            "/app/main.ts",
            "/app/.js",
            "/app/x/y.js",
            "/orders",
            "/app/Main.js",
            "/app/%2e%2e.js",
        ] {
            assert!(!is_console_path(no), "{no}");
        }
    }
}
