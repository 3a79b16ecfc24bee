//! openapi.yaml cannot drift from template.yaml: the same routes, the same scopes, and a
//! document `openapi-spec-validator` accepts. (Every response the other tests receive is checked
//! against it by `TestApp::call`.)

use backoffice_local::template::EventSpec;
use backoffice_tests::contract::contract;
use std::collections::BTreeMap;

#[test]
fn every_template_route_is_in_openapi_with_its_scope_and_nothing_else_is() {
    let template = backoffice_local::template::load_default().unwrap();
    let mut routes: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for f in template.functions.values() {
        for e in &f.events {
            if let EventSpec::Http { method, path, scopes, .. } = e {
                // In the API's words: a route's `backoffice/x` (a system's token) is `x`.
                let mut scopes: Vec<String> =
                    scopes.iter().map(|s| backoffice::domain::access::api_scope(s).to_owned()).collect();
                scopes.dedup();
                routes.insert((method.to_ascii_lowercase(), path.clone()), scopes);
            }
        }
    }
    let mut documented: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (path, operations) in contract().doc()["paths"].as_object().unwrap() {
        for (method, op) in operations.as_object().unwrap() {
            let scopes = op["security"][0]["bearer"]
                .as_array()
                .map(|s| s.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
                .unwrap_or_default();
            documented.insert((method.clone(), path.clone()), scopes);
        }
    }
    let missing: Vec<_> = routes.keys().filter(|k| !documented.contains_key(*k)).collect();
    let extra: Vec<_> = documented.keys().filter(|k| !routes.contains_key(*k)).collect();
    assert!(missing.is_empty(), "in template.yaml but not openapi.yaml: {missing:?}");
    assert!(extra.is_empty(), "in openapi.yaml but not template.yaml: {extra:?}");
    for (route, scopes) in &routes {
        assert_eq!(&documented[route], scopes, "{route:?}: the scope differs");
    }
}

#[test]
fn openapi_spec_validator_accepts_the_document() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../openapi.yaml");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let out = std::process::Command::new(&python)
        .args(["-m", "openapi_spec_validator"])
        .arg(&path)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "openapi-spec-validator rejected openapi.yaml (install it with `pip install openapi-spec-validator`):\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
