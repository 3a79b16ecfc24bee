//! The caller, as API Gateway's JWT authorizer describes it. The authorizer is the first gate;
//! each route checks its own scope here as the second (defence in depth).

use super::problem::Problem;
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};

/// Scopes the backoffice's routes require.
pub mod scopes {
    pub const READ: &str = "backoffice:read";
    pub const STOCK_WRITE: &str = "stock:write";
    pub const ORDERS_WRITE: &str = "orders:write";
    pub const CUSTOMERS_READ: &str = "customers:read";
    pub const CUSTOMERS_WRITE: &str = "customers:write";
    pub const PAYMENTS_WRITE: &str = "payments:write";
    pub const FULFILLMENT_WRITE: &str = "fulfillment:write";
    pub const RETURNS_WRITE: &str = "returns:write";
    pub const AUDIT_READ: &str = "audit:read";
}

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

/// The caller from the authorizer claims, or 401 when the request carries none.
pub fn caller(req: &Request) -> Result<Caller, Problem> {
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
    let subject = jwt.claims.get("sub").cloned().filter(|s| !s.is_empty());
    let Some(subject) = subject else {
        return Err(Problem::new(401, "unauthenticated", "Authentication required", "the token has no subject"));
    };
    // HTTP APIs pass `scope` (OAuth 2) or `scp` claims as space-separated strings, and may also
    // fill `scopes`; accept the union.
    let mut scopes: Vec<String> = ["scope", "scp"]
        .iter()
        .filter_map(|c| jwt.claims.get(*c))
        .flat_map(|s| s.split_whitespace().map(str::to_owned))
        .collect();
    scopes.extend(jwt.scopes.iter().flatten().cloned());
    Ok(Caller { subject, scopes })
}

/// The caller, if it holds `scope`: 401 without identity, 403 without the scope.
pub fn require(req: &Request, scope: &str) -> Result<Caller, Problem> {
    let caller = caller(req)?;
    if caller.has(scope) {
        Ok(caller)
    } else {
        Err(Problem::new(403, "forbidden", "Missing scope", format!("this operation needs the `{scope}` scope"))
            .with("required_scope", scope))
    }
}
