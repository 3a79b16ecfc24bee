//! Every route of template.yaml, called with no token (401), with a token lacking the route's
//! scope (403), and with it (neither 401 nor 403: the route answers as documented) — as a member
//! of staff holds it (`stock:write`) and as a system's client-credentials token names it
//! (`backoffice/stock:write`). And the user pool that issues those tokens agrees with the domain.

use backoffice_local::Identity;
use backoffice_local::template::EventSpec;
use backoffice_tests::{JSON, spawn_app};

#[tokio::test]
async fn every_route_checks_identity_and_scope() {
    let t = spawn_app().await;
    let (mut routes, mut public_routes) = (Vec::new(), Vec::new());
    for f in t.app.template.functions.values() {
        for e in &f.events {
            match e {
                EventSpec::Http { method, path, public: true, scopes } => {
                    assert!(scopes.is_empty(), "{method} {path} is outside the authorizer and names scopes");
                    public_routes.push(format!("{method} {path}"));
                }
                EventSpec::Http { method, path, scopes, .. } => {
                    routes.push((method.clone(), path.clone(), scopes.clone()))
                }
                _ => {}
            }
        }
    }
    // Only the payment providers' webhook is outside the authorizer: its own signature
    // authenticates it, and without one it is refused before anything is queued.
    assert_eq!(public_routes, ["POST /webhooks/payments/{provider}"]);
    for provider in ["stripe", "mercadopago"] {
        let unsigned =
            t.call_as(&Identity::Anonymous, "POST", &format!("/webhooks/payments/{provider}"), &[JSON], "{}").await;
        unsigned.problem(400);
    }
    assert!(routes.len() >= 30, "every route is covered: {}", routes.len());
    let all_scopes = match &t.app.identity {
        Identity::Claims { scopes, .. } => scopes.clone(),
        Identity::Anonymous => unreachable!(),
    };
    let id = backoffice::domain::OrderId::new().to_string();
    for (method, template_path, scopes) in routes {
        let twin = format!("{}/{}", backoffice::domain::access::RESOURCE_SERVER, scopes[0]);
        assert_eq!(
            scopes,
            [scopes[0].clone(), twin.clone()],
            "{method} {template_path}: one scope, and its resource-server name"
        );
        let path = template_path.replace("{sku}", "AUTH-SKU").replace("{id}", &id);
        let path = if path == "/stock" { "/stock?low=true".to_owned() } else { path };
        let path =
            if path == "/reports/sales" { "/reports/sales?from=2026-01-01&to=2026-01-02".to_owned() } else { path };
        let body = if method == "GET" { "" } else { "{}" };
        let content_type = if method == "PATCH" { ("content-type", "application/merge-patch+json") } else { JSON };

        let anonymous = t.call_as(&Identity::Anonymous, &method, &path, &[content_type], body).await;
        anonymous.problem(401);
        let others: Vec<String> = all_scopes.iter().filter(|s| **s != scopes[0]).cloned().collect();
        let lacking = Identity::Claims { subject: "someone".into(), scopes: others };
        let denied = t.call_as(&lacking, &method, &path, &[content_type], body).await;
        assert_eq!(denied.problem(403)["required_scope"], scopes[0], "{method} {path}");
        for granted in [&scopes[0], &twin] {
            let only = Identity::Claims { subject: "someone".into(), scopes: vec![granted.clone()] };
            let allowed = t.call_as(&only, &method, &path, &[content_type], body).await;
            assert!(
                !matches!(allowed.status, 401 | 403 | 500..=599),
                "{method} {path} with {granted}: {} {}",
                allowed.status,
                allowed.text
            );
        }
    }
}

#[test]
fn the_user_pool_grants_the_domains_scopes_to_the_domains_roles() {
    use backoffice::domain::access::{RESOURCE_SERVER, Role, scopes};
    let doc = backoffice_tests::template_document();
    let resources = doc["Resources"].as_mapping().unwrap();
    let of_type = |kind: &str| -> Vec<&serde_yaml_ng::Value> {
        resources.values().filter(|r| r["Type"].as_str() == Some(kind)).collect()
    };
    let groups: Vec<&str> =
        of_type("AWS::Cognito::UserPoolGroup").iter().filter_map(|g| g["Properties"]["GroupName"].as_str()).collect();
    assert_eq!(groups, Role::ALL.map(Role::group), "one group per role, in the domain's order");

    let [server] = of_type("AWS::Cognito::UserPoolResourceServer")[..] else { panic!("one resource server") };
    assert_eq!(server["Properties"]["Identifier"].as_str(), Some(RESOURCE_SERVER));
    let named: Vec<&str> =
        server["Properties"]["Scopes"].as_sequence().unwrap().iter().filter_map(|s| s["ScopeName"].as_str()).collect();
    assert_eq!(named, scopes::ALL, "a system can be granted every scope, and only those");

    let [pool] = of_type("AWS::Cognito::UserPool")[..] else { panic!("one user pool") };
    let trigger = &pool["Properties"]["LambdaConfig"]["PreTokenGenerationConfig"];
    assert_eq!(trigger["LambdaVersion"].as_str(), Some("V2_0"), "version 2 events can add access-token scopes");
    assert_eq!(
        backoffice_local::template::referenced_id(&trigger["LambdaArn"]).as_deref(),
        Some("TokenScopesFunction")
    );
    assert_eq!(
        pool["Properties"]["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"].as_bool(),
        Some(true),
        "no sign-up"
    );

    let [client] = of_type("AWS::Cognito::UserPoolClient")[..] else { panic!("one app client: the console") };
    let client = &client["Properties"];
    assert_eq!(client["GenerateSecret"].as_bool(), Some(false), "a browser keeps no secret");
    assert_eq!(client["AllowedOAuthFlows"].as_sequence().unwrap().len(), 1);
    assert_eq!(client["AllowedOAuthFlows"][0].as_str(), Some("code"));
    let asked: Vec<&str> =
        client["AllowedOAuthScopes"].as_sequence().unwrap().iter().filter_map(|s| s.as_str()).collect();
    assert!(asked.iter().all(|s| !s.contains('/')), "the console asks for no API scope: {asked:?}");
}
