//! Local verification of bearer JWTs, for `LOCAL_AUTH=jwt`: the runner then checks tokens as
//! API Gateway's JWT authorizer does — signature, issuer (`iss`), audience (`aud`), expiry
//! (`exp`, and `nbf` when present) and the route's scopes — and hands the handler the claims.
//!
//! One difference, on purpose: locally tokens are signed with HS256 and a local secret
//! (`LOCAL_JWT_SECRET`), so no key server is needed; on AWS the authorizer verifies RS256 tokens
//! against the issuer's published keys. Everything after the signature check is the same.

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

pub const DEFAULT_SECRET: &str = "backoffice-local-development-secret";
pub const DEFAULT_ISSUER: &str = "https://backoffice.local";
pub const DEFAULT_AUDIENCE: &str = "backoffice";

#[derive(Debug, Clone)]
pub struct JwtVerifier {
    secret: Vec<u8>,
    pub issuer: String,
    pub audience: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub sub: String,
    #[serde(default)]
    pub scope: String,
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Rejection {
    Malformed,
    Signature,
    Issuer,
    Audience,
    Expired,
}

impl std::fmt::Display for Rejection {
    /// In the words a client can act on (the 401's `reason`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Malformed => "the token is not a well-formed HS256 JWT",
            Self::Signature => "the token's signature does not verify",
            Self::Issuer => "the token was issued by another issuer",
            Self::Audience => "the token is for another audience",
            Self::Expired => "the token has expired (or is not valid yet)",
        })
    }
}

impl JwtVerifier {
    pub fn new(secret: &str, issuer: &str, audience: &str) -> Self {
        Self { secret: secret.as_bytes().to_vec(), issuer: issuer.to_owned(), audience: audience.to_owned() }
    }

    /// From `LOCAL_JWT_SECRET`, `LOCAL_JWT_ISSUER`, `LOCAL_JWT_AUDIENCE` (with local defaults).
    pub fn from_env() -> Self {
        let var = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
        Self::new(
            &var("LOCAL_JWT_SECRET", DEFAULT_SECRET),
            &var("LOCAL_JWT_ISSUER", DEFAULT_ISSUER),
            &var("LOCAL_JWT_AUDIENCE", DEFAULT_AUDIENCE),
        )
    }

    /// A signed token (for `backoffice-local token` and tests).
    pub fn mint(&self, claims: &Claims) -> String {
        // HS256 over claims that always serialise: only an empty secret fails, and it mints nothing.
        EncodingKey::from_secret(&self.secret)
            .and_then(|key| jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &key))
            .unwrap_or_default()
    }

    /// Claims of a valid token, or why it is not.
    pub fn verify(&self, token: &str, now: i64) -> Result<Claims, Rejection> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.validate_nbf = true;
        // Expiry is checked below against the caller's clock (`now`), exactly, without leeway.
        validation.validate_exp = false;
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        // An empty secret verifies nothing.
        let key = DecodingKey::from_secret(&self.secret).map_err(|_| Rejection::Signature)?;
        let claims = jsonwebtoken::decode::<Claims>(token, &key, &validation)
            .map_err(|e| match e.kind() {
                ErrorKind::InvalidSignature | ErrorKind::InvalidAlgorithm => Rejection::Signature,
                ErrorKind::InvalidIssuer => Rejection::Issuer,
                ErrorKind::InvalidAudience => Rejection::Audience,
                ErrorKind::ExpiredSignature | ErrorKind::ImmatureSignature => Rejection::Expired,
                _ => Rejection::Malformed,
            })?
            .claims;
        if claims.exp <= now || claims.nbf.is_some_and(|nbf| nbf > now) {
            return Err(Rejection::Expired);
        }
        Ok(claims)
    }

    /// Claims for `sub` with `scopes`, valid for `seconds` from `now`.
    pub fn claims(&self, sub: &str, scopes: &[String], now: i64, seconds: i64) -> Claims {
        Claims {
            sub: sub.to_owned(),
            scope: scopes.join(" "),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            exp: now + seconds,
            nbf: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifies_signature_issuer_audience_and_expiry() {
        let v = JwtVerifier::new("s3cret", "iss", "aud");
        let good = v.claims("op", &["stock:write".into()], 1000, 60);
        let token = v.mint(&good);
        assert_eq!(v.verify(&token, 1000), Ok(good.clone()));
        assert_eq!(v.verify(&token, 1060), Err(Rejection::Expired));
        assert_eq!(JwtVerifier::new("other", "iss", "aud").verify(&token, 1000), Err(Rejection::Signature));
        assert_eq!(JwtVerifier::new("s3cret", "x", "aud").verify(&token, 1000), Err(Rejection::Issuer));
        assert_eq!(JwtVerifier::new("s3cret", "iss", "x").verify(&token, 1000), Err(Rejection::Audience));
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = aws_smithy_types::base64::encode(
            br#"{"sub":"admin","scope":"customers:read","iss":"iss","aud":"aud","exp":9999999999}"#,
        );
        let forged = forged.trim_end_matches('=').replace('+', "-").replace('/', "_");
        parts[1] = &forged;
        assert_eq!(v.verify(&parts.join("."), 1000), Err(Rejection::Signature));
        assert_eq!(v.verify("not.a.jwt.at-all", 1000), Err(Rejection::Malformed));
    }
}
