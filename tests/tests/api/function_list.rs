//! `template.yaml` is the one list of the functions. Everything else that names them — the
//! workspace, the runner's registry and manifest, this test crate, the bench's manifest and
//! probe, each function's log group and error alarm — is checked against it here, so adding a
//! function fails loudly until every place knows it (docs/CONTRIBUTING.md lists them).

use backoffice_local::template::referenced_id;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn repo_file(path: &str) -> String {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The function binaries, from template.yaml.
fn binaries() -> BTreeSet<String> {
    let template = backoffice_local::template::load_default().unwrap();
    template.functions.values().map(|f| f.binary.clone()).collect()
}

/// The function crates a manifest depends on (or, for the workspace, declares): the keys of its
/// dependency tables that name a folder under `functions/`.
fn function_crates(manifest: &str) -> BTreeSet<String> {
    let functions = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../functions");
    repo_file(manifest)
        .lines()
        .filter_map(|line| line.split(['=', '.', ' ']).next())
        .filter(|key| !key.is_empty() && functions.join(key).join("Cargo.toml").exists())
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_list_of_functions_names_exactly_the_templates() {
    let all = binaries();
    let on_disk: BTreeSet<String> = std::fs::read_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../functions"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("Cargo.toml").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(on_disk, all, "functions/ and template.yaml");
    for manifest in ["Cargo.toml", "local/Cargo.toml", "tests/Cargo.toml", "bench/Cargo.toml"] {
        assert_eq!(function_crates(manifest), all, "{manifest}");
    }
    let probe = repo_file("bench/src/bin/probe.rs");
    let registry = repo_file("local/src/registry.rs");
    for binary in &all {
        assert!(probe.contains(&format!("\"{binary}\" =>")), "bench/src/bin/probe.rs does not run {binary}");
        assert!(registry.contains(&format!("\"{binary}\" =>")), "local/src/registry.rs does not run {binary}");
    }
}

#[test]
fn every_function_has_its_log_group_and_error_alarm() {
    let doc = backoffice_tests::template_document();
    let resources = doc["Resources"].as_mapping().unwrap();
    let of_type = |kind: &'static str| {
        resources.iter().filter(move |(_, r)| r["Type"].as_str() == Some(kind)).map(|(id, r)| (id.as_str().unwrap(), r))
    };
    let functions: BTreeSet<&str> = of_type("AWS::Serverless::Function").map(|(id, _)| id).collect();
    let logged: BTreeSet<String> = of_type("AWS::Logs::LogGroup")
        .filter_map(|(_, g)| match &g["Properties"]["LogGroupName"] {
            serde_yaml_ng::Value::Tagged(sub) if sub.tag == "!Sub" => sub.value.as_str(),
            other => other["Fn::Sub"].as_str(),
        })
        .filter_map(|name| name.strip_prefix("/aws/lambda/${")?.strip_suffix('}').map(str::to_owned))
        .collect();
    let alarmed: BTreeSet<String> = of_type("AWS::CloudWatch::Alarm")
        .filter(|(_, a)| a["Properties"]["Namespace"].as_str() == Some("AWS/Lambda"))
        .filter(|(_, a)| a["Properties"]["MetricName"].as_str() == Some("Errors"))
        .flat_map(|(_, a)| a["Properties"]["Dimensions"].as_sequence().into_iter().flatten())
        .filter(|d| d["Name"].as_str() == Some("FunctionName"))
        .filter_map(|d| referenced_id(&d["Value"]))
        .collect();
    for function in functions {
        assert!(logged.contains(function), "{function} has no log group (retention would be forever)");
        assert!(alarmed.contains(function), "{function} has no Errors alarm");
    }
}
