//! The caller, as API Gateway's JWT authorizer describes it. The authorizer is the first gate;
//! each route checks its own scope here as the second (defence in depth).

use super::problem::Problem;
use crate::domain::access::api_scope;
use lambda_http::aws_lambda_events::apigw::ApiGatewayRequestAuthorizerJwtDescription;
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};

pub use crate::domain::access::scopes;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub subject: String,
    pub scopes: Vec<String>,
}

impl Caller {
    pub fn has(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// The token the authorizer verified, borrowed from the request: 401 when the request carries
/// none, or one without a subject. Checks borrow it; only [`caller`] copies it out.
struct Token<'a> {
    subject: &'a str,
    jwt: &'a ApiGatewayRequestAuthorizerJwtDescription,
}

impl<'a> Token<'a> {
    fn of(req: &'a Request) -> Result<Self, Problem> {
        let jwt = req
            .request_context_ref()
            .and_then(|ctx| match ctx {
                RequestContext::ApiGatewayV2(ctx) => ctx.authorizer.as_ref(),
                _ => None,
            })
            .and_then(|a| a.jwt.as_ref());
        let Some(jwt) = jwt else {
            return Err(Problem::new(
                401,
                "unauthenticated",
                "Authentication required",
                "no verified identity on the request",
            ));
        };
        match jwt.claims.get("sub").filter(|s| !s.is_empty()) {
            Some(subject) => Ok(Self { subject, jwt }),
            None => Err(Problem::new(401, "unauthenticated", "Authentication required", "the token has no subject")),
        }
    }

    /// HTTP APIs pass `scope` (OAuth 2) or `scp` claims as space-separated strings, and may
    /// also fill `scopes`; the union, a system's `backoffice/` scopes read as the API's own.
    fn scopes(&self) -> impl Iterator<Item = &'a str> {
        let jwt = self.jwt;
        ["scope", "scp"]
            .into_iter()
            .filter_map(move |c| jwt.claims.get(c))
            .flat_map(|s| s.split_whitespace())
            .chain(jwt.scopes.iter().flatten().map(String::as_str))
            .map(api_scope)
    }

    fn holds(&self, scope: &str) -> bool {
        self.scopes().any(|s| s == scope)
    }
}

/// The caller from the authorizer claims, or 401 when the request carries none.
pub fn caller(req: &Request) -> Result<Caller, Problem> {
    let token = Token::of(req)?;
    Ok(Caller { subject: token.subject.to_owned(), scopes: token.scopes().map(str::to_owned).collect() })
}

/// The verified subject, if any.
pub fn subject(req: &Request) -> Option<&str> {
    Token::of(req).ok().map(|t| t.subject)
}

/// Whether the caller holds `scope` (to show or hide part of an answer); 401 without identity.
pub fn holds(req: &Request, scope: &str) -> Result<bool, Problem> {
    Ok(Token::of(req)?.holds(scope))
}

/// 401 without identity, 403 without `scope`: a route's own check, for routes that need no
/// more of the caller.
pub fn check(req: &Request, scope: &str) -> Result<(), Problem> {
    if Token::of(req)?.holds(scope) {
        Ok(())
    } else {
        Err(Problem::new(403, "forbidden", "Missing scope", format!("this operation needs the `{scope}` scope"))
            .with("required_scope", scope))
    }
}

/// The caller, if it holds `scope`: 401 without identity, 403 without the scope.
pub fn require(req: &Request, scope: &str) -> Result<Caller, Problem> {
    check(req, scope)?;
    caller(req)
}
