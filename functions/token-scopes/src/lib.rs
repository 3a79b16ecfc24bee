//! `token-scopes`: the user pool's pre-token-generation trigger (event version 2). Cognito asks
//! it, each time it issues tokens to a member of staff (sign-in and refresh), what to change;
//! it answers with the API scopes of the user's groups (`domain::access`) to add to the access
//! token, which API Gateway's authorizer and each route then check. The groups stay as they
//! are; the ID token is untouched. No AWS call: nothing to build, nothing to wait for, within
//! the 5 seconds Cognito gives a trigger.

use aws_lambda_events::event::cognito::{
    ClaimsAndScopeOverrideDetailsV2, CognitoAccessTokenGenerationV2, CognitoEventUserPoolsPreTokenGenV2,
};
use backoffice::domain::access::staff_scopes;

pub fn handler(mut event: CognitoEventUserPoolsPreTokenGenV2) -> CognitoEventUserPoolsPreTokenGenV2 {
    let groups = &event.request.group_configuration.groups_to_override;
    let scopes: Vec<String> = staff_scopes(groups.iter().map(String::as_str)).into_iter().map(str::to_owned).collect();
    // The user's name is the pool's opaque `sub`, not personal data; groups say who does what.
    tracing::info!(
        user = event.cognito_event_user_pools_header.user_name.as_deref().unwrap_or(""),
        groups = ?groups,
        scopes = ?scopes,
        "access token scopes"
    );
    let mut access = CognitoAccessTokenGenerationV2::default();
    access.scopes_to_add = scopes;
    let mut details = ClaimsAndScopeOverrideDetailsV2::default();
    details.group_override_details = event.request.group_configuration.clone();
    details.access_token_generation = Some(access);
    event.response.claims_and_scope_override_details = Some(details);
    event
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn sign_in(groups: Value) -> CognitoEventUserPoolsPreTokenGenV2 {
        serde_json::from_value(json!({
            "version": "2",
            "triggerSource": "TokenGeneration_HostedAuth",
            "region": "eu-west-1",
            "userPoolId": "eu-west-1_Example",
            "userName": "6f1c2e4a-0000-4000-8000-000000000001",
            "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "console"},
            "request": {
                "userAttributes": {"sub": "6f1c2e4a-0000-4000-8000-000000000001", "email": "ana@example.com"},
                "groupConfiguration": {"groupsToOverride": groups, "iamRolesToOverride": [], "preferredRole": null},
                "scopes": ["openid", "email"]
            },
            "response": {"claimsAndScopeOverrideDetails": null}
        }))
        .unwrap()
    }

    fn answer(groups: Value) -> Value {
        serde_json::to_value(handler(sign_in(groups))).unwrap()["response"]["claimsAndScopeOverrideDetails"].clone()
    }

    #[test]
    fn a_packer_gets_reading_and_fulfilment_and_keeps_the_group() {
        let details = answer(json!(["packer"]));
        assert_eq!(details["accessTokenGeneration"]["scopesToAdd"], json!(["backoffice:read", "fulfillment:write"]));
        assert_eq!(details["accessTokenGeneration"]["scopesToSuppress"], json!([]));
        assert_eq!(details["groupOverrideDetails"]["groupsToOverride"], json!(["packer"]));
    }

    #[test]
    fn a_user_in_no_known_group_gets_no_scope() {
        assert_eq!(answer(json!([]))["accessTokenGeneration"]["scopesToAdd"], json!([]));
        assert_eq!(answer(json!(["admins"]))["accessTokenGeneration"]["scopesToAdd"], json!([]));
    }

    #[test]
    fn a_pool_without_groups_sends_null_and_still_gets_an_answer() {
        let mut event = serde_json::to_value(sign_in(json!([]))).unwrap();
        event["request"]["groupConfiguration"] = Value::Null;
        let event: CognitoEventUserPoolsPreTokenGenV2 = serde_json::from_value(event).unwrap();
        let out = serde_json::to_value(handler(event)).unwrap();
        assert_eq!(out["response"]["claimsAndScopeOverrideDetails"]["accessTokenGeneration"]["scopesToAdd"], json!([]));
    }
}
