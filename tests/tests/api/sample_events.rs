//! Every file in `events/` is fed to its function and gives the result `events/expected.json`
//! documents for it. The same files drive `sam local invoke -e`.

use backoffice_tests::spawn_app;
use serde_json::Value;
use std::path::PathBuf;

fn events_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../events")
}

fn sample_files(dir: &std::path::Path, base: &std::path::Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sample_files(&path, base, out);
        } else if path.extension().is_some_and(|e| e == "json") && path.file_name().unwrap() != "expected.json" {
            out.push(path.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/"));
        }
    }
}

#[tokio::test]
async fn every_sample_event_gives_its_documented_result() {
    let t = spawn_app().await;
    let dir = events_dir();
    let expected: serde_json::Map<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let mut files = Vec::new();
    sample_files(&dir, &dir, &mut files);
    files.sort();
    let mut listed: Vec<String> = expected.keys().cloned().collect();
    listed.sort();
    assert_eq!(files, listed, "events/expected.json must document every sample and only those");

    // The fixture customer the order samples name (customer ids are server-generated, so the
    // samples cannot create the one they use).
    seed_customer(&t, "cust-1001").await;
    for file in &files {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let want = &expected[file];
        let function = want["function"].as_str().unwrap();
        // As `backoffice-local invoke` runs it: through the runner's registry, the one place that
        // names each binary's handler, answering what Lambda would send back.
        let answer = t.app.invoke_event(function, &text).await.unwrap_or_else(|e| panic!("{file}: {e}"));
        let failures = || answer["batchItemFailures"].as_array().map(|f| f.len() as u64);
        if let Some(status) = want.get("status") {
            assert_eq!(answer["statusCode"], *status, "{file}: {answer}");
        } else if let Some(scopes) = want.get("scopes") {
            let added = &answer["response"]["claimsAndScopeOverrideDetails"]["accessTokenGeneration"]["scopesToAdd"];
            assert_eq!(added, scopes, "{file}");
        } else if let Some(result) = want.get("result") {
            assert_eq!(&answer, result, "{file}");
        } else {
            assert_eq!(failures(), want["failures"].as_u64(), "{file}: {answer}");
            for (queue, count) in want.get("published").and_then(Value::as_object).into_iter().flatten() {
                assert_eq!(Some(t.queue_depth(queue).await as u64), count.as_u64(), "{file}: {queue}");
            }
        }
    }
}

async fn seed_customer(t: &backoffice_tests::TestApp, id: &str) {
    let input: backoffice::domain::customer::CustomerInput = serde_json::from_value(serde_json::json!({
        "name": "Ana Souza", "email": "ana.souza@example.com", "marketing_consent": {"granted": false},
        "addresses": [{"kind": "shipping", "default": true, "recipient": "Ana Souza", "line1": "Rua das Flores, 100",
                       "city": "São Paulo", "postal_code": "01000-000", "country": "BR"}],
    }))
    .unwrap();
    let id = backoffice::domain::CustomerId::parse("id", id).unwrap();
    let customer = backoffice::domain::customer::create(id, input, chrono::Utc::now()).unwrap();
    let store = &t.app.contexts["QueryApiFunction"].store;
    let mut changes = store.changes();
    changes.new_customer(&customer).unwrap();
    store.commit(changes).await.unwrap();
}
