//! `token-scopes`: the user pool's pre-token-generation trigger (event version 2). Cognito asks
//! it, each time it issues tokens to a member of staff (sign-in and refresh), what to change;
//! it answers with the API scopes of the user's groups (`domain::access`) to add to the access
//! token, which API Gateway's authorizer and each route then check. The groups stay as they
//! are; the ID token is untouched. No AWS call: nothing to build, nothing to wait for, within
//! the 5 seconds Cognito gives a trigger.

use aws_lambda_events::event::cognito::{
    CognitoEventUserPoolsHeader, CognitoEventUserPoolsPreTokenGenRequestV2,
    CognitoEventUserPoolsPreTokenGenTriggerSource, CognitoEventUserPoolsPreTokenGenV2,
};
use backoffice::domain::access::staff_scopes;
use serde::Serialize;

/// The event handed back with its `response` set. The response is our own type, not the
/// library's: that one serialises every part it does not set as `null` (`idTokenGeneration`,
/// `preferredRole`), and AWS's examples of the V2 answer omit what they do not change.
#[derive(Debug, Serialize)]
pub struct Answer {
    #[serde(flatten)]
    header: CognitoEventUserPoolsHeader<CognitoEventUserPoolsPreTokenGenTriggerSource>,
    request: CognitoEventUserPoolsPreTokenGenRequestV2,
    response: Response,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Response {
    claims_and_scope_override_details: Details,
}

/// Only the access token changes: groups and the ID token are left as Cognito made them.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Details {
    access_token_generation: AccessToken,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct AccessToken {
    scopes_to_add: Vec<String>,
}

pub fn handler(event: CognitoEventUserPoolsPreTokenGenV2) -> Answer {
    let CognitoEventUserPoolsPreTokenGenV2 { cognito_event_user_pools_header: header, request, .. } = event;
    let groups = &request.group_configuration.groups_to_override;
    let scopes: Vec<String> = staff_scopes(groups.iter().map(String::as_str)).into_iter().map(str::to_owned).collect();
    // The user's name is the pool's opaque `sub`, not personal data; groups say who does what.
    tracing::info!(
        user = header.user_name.as_deref().unwrap_or(""),
        groups = ?groups,
        scopes = ?scopes,
        "access token scopes"
    );
    let access_token_generation = AccessToken { scopes_to_add: scopes };
    let response = Response { claims_and_scope_override_details: Details { access_token_generation } };
    Answer { header, request, response }
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
    fn a_packer_gets_reading_and_fulfilment_and_nothing_else_changes() {
        let details = answer(json!(["packer"]));
        assert_eq!(
            details,
            json!({"accessTokenGeneration": {"scopesToAdd": ["backoffice:read", "fulfillment:write"]}})
        );
    }

    /// The answer's `response` as AWS documents the V2 event: every key one the documentation
    /// names at its place, and no `null` anywhere (Cognito's examples omit what they do not set).
    #[test]
    fn the_answer_has_the_documented_v2_shape_without_nulls() {
        fn walk(path: &str, value: &Value) {
            let allowed: &[&str] = match path {
                "response" => &["claimsAndScopeOverrideDetails"],
                "response.claimsAndScopeOverrideDetails" => {
                    &["idTokenGeneration", "accessTokenGeneration", "groupOverrideDetails"]
                }
                "response.claimsAndScopeOverrideDetails.idTokenGeneration" => {
                    &["claimsToAddOrOverride", "claimsToSuppress"]
                }
                "response.claimsAndScopeOverrideDetails.accessTokenGeneration" => {
                    &["claimsToAddOrOverride", "claimsToSuppress", "scopesToAdd", "scopesToSuppress"]
                }
                "response.claimsAndScopeOverrideDetails.groupOverrideDetails" => {
                    &["groupsToOverride", "iamRolesToOverride", "preferredRole"]
                }
                _ => &[],
            };
            match value {
                Value::Null => panic!("{path} is null"),
                Value::Object(map) => {
                    for (key, inner) in map {
                        assert!(allowed.contains(&key.as_str()), "{path}.{key} is not in the documented V2 response");
                        walk(&format!("{path}.{key}"), inner);
                    }
                }
                Value::Array(items) => items.iter().for_each(|item| assert!(item.is_string(), "{path} holds {item}")),
                _ => {}
            }
        }
        for groups in [json!(["owner"]), json!([]), json!(["packer", "support"])] {
            let answer = serde_json::to_value(handler(sign_in(groups))).unwrap();
            walk("response", &answer["response"]);
            assert_eq!(answer["version"], "2", "the event goes back whole");
            assert_eq!(answer["userName"], "6f1c2e4a-0000-4000-8000-000000000001");
        }
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
