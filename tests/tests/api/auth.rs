//! Every route of template.yaml, called with no token (401), with a token lacking the route's
//! scope (403), and with it (neither 401 nor 403: the route answers as documented).

use backoffice_local::Identity;
use backoffice_local::template::EventSpec;
use backoffice_tests::{JSON, spawn_app};

#[tokio::test]
async fn every_route_checks_identity_and_scope() {
    let t = spawn_app().await;
    let mut routes = Vec::new();
    for f in t.app.template.functions.values() {
        for e in &f.events {
            if let EventSpec::Http { method, path, scopes } = e {
                routes.push((method.clone(), path.clone(), scopes.clone()));
            }
        }
    }
    assert!(routes.len() >= 30, "every route is covered: {}", routes.len());
    let all_scopes = match &t.app.identity {
        Identity::Claims { scopes, .. } => scopes.clone(),
        Identity::Anonymous => unreachable!(),
    };
    let id = backoffice::domain::OrderId::new().to_string();
    for (method, template_path, scopes) in routes {
        assert_eq!(scopes.len(), 1, "{method} {template_path}: one scope per route in the template");
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
        let only = Identity::Claims { subject: "someone".into(), scopes: scopes.clone() };
        let allowed = t.call_as(&only, &method, &path, &[content_type], body).await;
        assert!(
            !matches!(allowed.status, 401 | 403 | 500..=599),
            "{method} {path} with {scopes:?}: {} {}",
            allowed.status,
            allowed.text
        );
    }
}
