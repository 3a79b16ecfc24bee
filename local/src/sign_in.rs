//! A stand-in for the user pool's hosted sign-in (`LOCAL_AUTH=oauth`): the same authorization
//! code flow with PKCE the console runs against Cognito on AWS, on the runner's own address.
//! `/oauth2/authorize` shows a page where you pick the groups (roles) you sign in with;
//! `/oauth2/token` checks the code and its verifier, runs the template's pre-token-generation
//! trigger (`token-scopes`) as Cognito would, and mints an access token with the scopes it
//! added, which the runner then verifies like every other bearer token, and a refresh token
//! that renews it (the trigger runs again) until `/oauth2/revoke` or its twelve hours end.
//!
//! What differs from Cognito, on purpose: no password (anyone who reaches the loopback port may
//! sign in, as anyone reaching it in development mode already may do anything), tokens signed
//! with the local HS256 secret, and only loopback addresses accepted as the console's address.

use crate::Backoffice;
use crate::auth::JwtVerifier;
use crate::console::{FileResponse, respond};
use backoffice::domain::access::Role;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http_body_util::Full;
use hyper::body::Bytes;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The console's app client, as `config.json` names it in this mode.
pub use crate::console::CLIENT_ID;
/// What the console's client may ask for; Cognito's console client allows the same.
const CLIENT_SCOPES: [&str; 2] = ["openid", "email"];
/// Cognito's authorization codes live five minutes; so do these.
const CODE_LIFETIME: Duration = Duration::from_secs(300);
const TOKEN_SECONDS: i64 = 3600;
/// The console client's refresh tokens last a working day (`RefreshTokenValidity` in the template).
const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 3600);

pub struct SignIn {
    verifier: JwtVerifier,
    codes: Mutex<HashMap<String, Pending>>,
    /// Refresh tokens, each with whom it signs in.
    sessions: Mutex<HashMap<String, Session>>,
}

/// Who a refresh token renews tokens for.
#[derive(Clone)]
struct Session {
    groups: Vec<String>,
    scopes: Vec<String>,
    expires: Instant,
}

/// An authorization code not yet traded for a token.
struct Pending {
    redirect_uri: String,
    challenge: String,
    scopes: Vec<String>,
    groups: Vec<String>,
    expires: Instant,
}

/// The authorization request's parameters, checked.
struct Authorization {
    redirect_uri: String,
    challenge: String,
    scopes: Vec<String>,
    state: String,
}

pub fn is_sign_in_path(path: &str) -> bool {
    matches!(path, "/oauth2/authorize" | "/oauth2/token" | "/oauth2/revoke" | "/logout")
}

impl SignIn {
    pub fn new(verifier: JwtVerifier) -> Self {
        Self { verifier, codes: Mutex::default(), sessions: Mutex::default() }
    }

    pub fn answer(&self, app: &Backoffice, method: &str, path_and_query: &str, body: &[u8]) -> FileResponse {
        let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
        let query = params(query.as_bytes());
        match (method, path) {
            ("GET", "/oauth2/authorize") => match authorization(&query) {
                Ok(request) => page(&request),
                Err(why) => text(400, why),
            },
            ("POST", "/oauth2/authorize") => self.authorize(&params(body)),
            ("POST", "/oauth2/token") => self.token(app, &params(body)),
            ("POST", "/oauth2/revoke") => {
                // RFC 7009 §2.2: 200 whether or not the token was known.
                let form = params(body);
                if let (Some(token), Ok(mut sessions)) = (form.get("token"), self.sessions.lock()) {
                    sessions.remove(token);
                }
                json(200, serde_json::json!({}))
            }
            ("GET", "/logout") => match query.get("logout_uri").filter(|u| is_loopback(u)) {
                Some(uri) if query.get("client_id").is_some_and(|c| c == CLIENT_ID) => redirect(uri),
                _ => text(400, "logout needs client_id=local-console and a loopback logout_uri"),
            },
            _ => text(405, "method not allowed"),
        }
    }

    /// The page's form came back: a code for the console, remembered with what it was asked for.
    fn authorize(&self, form: &Params) -> FileResponse {
        let request = match authorization(form) {
            Ok(request) => request,
            Err(why) => return text(400, why),
        };
        let groups: Vec<String> =
            form.all("group").filter(|g| Role::of_group(g).is_some()).map(str::to_owned).collect();
        let code = ulid::Ulid::new().to_string();
        let pending = Pending {
            redirect_uri: request.redirect_uri.clone(),
            challenge: request.challenge,
            scopes: request.scopes,
            groups,
            expires: Instant::now() + CODE_LIFETIME,
        };
        if let Ok(mut codes) = self.codes.lock() {
            codes.retain(|_, p| p.expires > Instant::now());
            codes.insert(code.clone(), pending);
        }
        let separator = if request.redirect_uri.contains('?') { '&' } else { '?' };
        let mut back = url_params();
        back.append_pair("code", &code).append_pair("state", &request.state);
        redirect(&format!("{}{separator}{}", request.redirect_uri, back.finish()))
    }

    /// RFC 6749 §4.1.3 with RFC 7636 §4.6: the code once, from the same client and address, with
    /// the verifier whose S256 is the challenge; or §6, a refresh token still valid.
    fn token(&self, app: &Backoffice, form: &Params) -> FileResponse {
        if form.get("client_id") != Some(CLIENT_ID) {
            return refuse("invalid_client", "unknown client_id");
        }
        match form.get("grant_type") {
            Some("authorization_code") => self.trade_code(app, form),
            Some("refresh_token") => {
                let session = form
                    .get("refresh_token")
                    .and_then(|token| self.sessions.lock().ok()?.get(token).cloned())
                    .filter(|s| s.expires > Instant::now());
                match session {
                    Some(session) => self.issue(app, session, None),
                    None => refuse("invalid_grant", "the refresh token is unknown, revoked or expired"),
                }
            }
            _ => refuse("unsupported_grant_type", "authorization_code or refresh_token"),
        }
    }

    fn trade_code(&self, app: &Backoffice, form: &Params) -> FileResponse {
        let pending = form.get("code").and_then(|code| self.codes.lock().ok()?.remove(code));
        let Some(pending) = pending.filter(|p| p.expires > Instant::now()) else {
            return refuse("invalid_grant", "the code is unknown, used or expired");
        };
        if form.get("redirect_uri") != Some(pending.redirect_uri.as_str()) {
            return refuse("invalid_grant", "redirect_uri differs from the authorization request's");
        }
        let verifier = form.get("code_verifier").unwrap_or_default();
        if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != pending.challenge {
            return refuse("invalid_grant", "code_verifier does not match the code_challenge");
        }
        let session =
            Session { groups: pending.groups, scopes: pending.scopes, expires: Instant::now() + SESSION_LIFETIME };
        let refresh_token = ulid::Ulid::new().to_string();
        if let Ok(mut sessions) = self.sessions.lock() {
            sessions.retain(|_, s| s.expires > Instant::now());
            sessions.insert(refresh_token.clone(), session.clone());
        }
        self.issue(app, session, Some(refresh_token))
    }

    /// An access token for `session` (with `refresh_token` at sign-in), its scopes what the
    /// trigger adds: it runs at each issue, as Cognito runs it at sign-in and at each refresh, so
    /// a changed group counts from the next refresh on.
    fn issue(&self, app: &Backoffice, session: Session, refresh_token: Option<String>) -> FileResponse {
        let user =
            format!("local-{}", if session.groups.is_empty() { "nobody".into() } else { session.groups.join("+") });
        let source =
            if refresh_token.is_some() { "TokenGeneration_HostedAuth" } else { "TokenGeneration_RefreshTokens" };
        let added = match app.run_token_trigger(source, &user, &session.groups, &session.scopes) {
            Ok(added) => added,
            Err(e) => {
                return json(500, serde_json::json!({ "error": "server_error", "error_description": e.to_string() }));
            }
        };
        let mut scopes = session.scopes;
        scopes.extend(added);
        let claims = self.verifier.claims(&user, &scopes, chrono::Utc::now().timestamp(), TOKEN_SECONDS);
        let mut body = serde_json::json!({
            "access_token": self.verifier.mint(&claims),
            "token_type": "Bearer",
            "expires_in": TOKEN_SECONDS,
        });
        if let Some(token) = refresh_token {
            body["refresh_token"] = token.into();
        }
        json(200, body)
    }
}

fn refuse(error: &str, description: &str) -> FileResponse {
    json(400, serde_json::json!({ "error": error, "error_description": description }))
}

fn authorization(p: &Params) -> Result<Authorization, &'static str> {
    if p.get("response_type") != Some("code") {
        return Err("response_type must be code");
    }
    if p.get("client_id") != Some(CLIENT_ID) {
        return Err("client_id must be local-console");
    }
    let redirect_uri =
        p.get("redirect_uri").filter(|u| is_loopback(u)).ok_or("redirect_uri must be a loopback http address")?;
    if p.get("code_challenge_method") != Some("S256") {
        return Err("code_challenge_method must be S256");
    }
    let challenge = p
        .get("code_challenge")
        .filter(|c| (43..=128).contains(&c.len()))
        .ok_or("code_challenge must be 43 to 128 characters")?;
    let scopes: Vec<String> = p.get("scope").unwrap_or_default().split_whitespace().map(str::to_owned).collect();
    if scopes.iter().any(|s| !CLIENT_SCOPES.contains(&s.as_str())) {
        return Err("scope may name only openid and email: API scopes come from the groups");
    }
    Ok(Authorization {
        redirect_uri: redirect_uri.to_owned(),
        challenge: challenge.to_owned(),
        scopes,
        state: p.get("state").unwrap_or_default().to_owned(),
    })
}

fn is_loopback(uri: &str) -> bool {
    ["http://127.0.0.1:", "http://localhost:"].iter().any(|origin| uri.starts_with(origin))
}

/// The sign-in page: the request's parameters carried in hidden fields, and one checkbox per role.
fn page(request: &Authorization) -> FileResponse {
    let hidden = [
        ("response_type", "code"),
        ("client_id", CLIENT_ID),
        ("redirect_uri", request.redirect_uri.as_str()),
        ("code_challenge", request.challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("scope", &request.scopes.join(" ")),
        ("state", request.state.as_str()),
    ]
    .iter()
    .map(|(name, value)| format!(r#"<input type="hidden" name="{name}" value="{}">"#, escape(value)))
    .collect::<String>();
    let roles = Role::ALL
        .iter()
        .map(|role| {
            let group = role.group();
            let checked = if *role == Role::Owner { " checked" } else { "" };
            format!(
                r#"<p><label><input type="checkbox" name="group" value="{group}"{checked}> {group} <small>({})</small></label></p>"#,
                role.scopes().join(", ")
            )
        })
        .collect::<String>();
    let html = format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · backoffice (local)</title><link rel="stylesheet" href="/styles.css"></head>
<body><main id="main" class="sign-in"><h1>Sign in to the backoffice</h1>
<p>The local stand-in for the staff sign-in page: choose the groups to sign in with. On AWS, an administrator puts each user in their groups.</p>
<form method="post" action="/oauth2/authorize">{hidden}<fieldset><legend>Groups</legend>{roles}</fieldset>
<button type="submit">Sign in</button></form></main></body></html>
"#
    );
    respond(200, "text/html; charset=utf-8", html.into_bytes())
}

fn escape(value: &str) -> String {
    value.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

fn text(status: u16, message: &str) -> FileResponse {
    respond(status, "text/plain; charset=utf-8", format!("{message}\n").into_bytes())
}

fn json(status: u16, body: serde_json::Value) -> FileResponse {
    let mut response = respond(status, "application/json", body.to_string().into_bytes());
    // RFC 6749 §5.1: token responses are never cached.
    response.headers_mut().insert(hyper::header::CACHE_CONTROL, hyper::header::HeaderValue::from_static("no-store"));
    response
}

fn redirect(location: &str) -> FileResponse {
    hyper::Response::builder()
        .status(302)
        .header(hyper::header::LOCATION, location)
        .header(hyper::header::CACHE_CONTROL, "no-store")
        .body(Full::new(Bytes::new()))
        .unwrap_or_else(|_| text(400, "cannot redirect there"))
}

fn url_params() -> form_urlencoded::Serializer<'static, String> {
    form_urlencoded::Serializer::new(String::new())
}

/// Form or query parameters, in order (a name may repeat: one `group` per checked box).
struct Params(Vec<(String, String)>);

fn params(raw: &[u8]) -> Params {
    Params(form_urlencoded::parse(raw).into_owned().collect())
}

impl Params {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.0.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}
