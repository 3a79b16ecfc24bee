//! Lists that documents and other code keep by hand, checked against their source: the README's
//! and ARCHITECTURE.md's routes against template.yaml, `GET /orders`' parameters against
//! openapi.yaml, the key layout of `store/keys.rs` against ARCHITECTURE.md, and the console's
//! timeline labels against the event list.

use backoffice_local::template::EventSpec;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn repo_file(path: &str) -> String {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// Every HTTP route template.yaml wires to a function, as `METHOD /path`.
fn template_routes() -> BTreeSet<String> {
    let template = backoffice_local::template::load_default().unwrap();
    template
        .functions
        .values()
        .flat_map(|f| &f.events)
        .filter_map(|e| match e {
            EventSpec::Http { method, path, .. } => Some(format!("{} {path}", method.to_uppercase())),
            _ => None,
        })
        .collect()
}

/// `METHOD /path{a,b}?query` → every `METHOD /patha`, `METHOD /pathb`, without the query.
fn expand(route: &str) -> Vec<String> {
    let route = route.split('?').next().unwrap_or_default().trim();
    let Some(open) = route.rfind('{').filter(|i| route[*i..].contains(',')) else { return vec![route.to_owned()] };
    let close = open + route[open..].find('}').unwrap();
    route[open + 1..close].split(',').map(|alt| format!("{}{alt}{}", &route[..open], &route[close + 1..])).collect()
}

/// Routes named in backticks at the start of a markdown table's cells (`| \`GET /x\` |`).
fn table_routes(markdown: &str, first_cell_only: bool) -> BTreeSet<String> {
    const METHODS: [&str; 5] = ["GET ", "POST ", "PUT ", "PATCH ", "DELETE "];
    let mut routes = BTreeSet::new();
    for line in markdown.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.split('|').skip(1).collect();
        let cells = if first_cell_only { &cells[..1.min(cells.len())] } else { &cells[..] };
        for cell in cells {
            for quoted in cell.split('`').skip(1).step_by(2) {
                for part in quoted.split(", ") {
                    if METHODS.iter().any(|m| part.starts_with(m)) {
                        routes.extend(expand(part));
                    }
                }
            }
        }
    }
    routes
}

#[test]
fn the_readme_route_table_lists_exactly_the_templates_routes() {
    let readme = repo_file("README.md");
    let section = readme.split("## HTTP API").nth(1).expect("the README has an HTTP API section");
    let listed = table_routes(section.split("\n## ").next().unwrap_or_default(), true);
    assert_eq!(listed, template_routes(), "README.md's route table against template.yaml");
}

#[test]
fn every_route_architecture_names_is_one_the_template_wires() {
    let architecture = repo_file("docs/ARCHITECTURE.md");
    let section = architecture.split("## Workspace").nth(1).unwrap().split("\n## ").next().unwrap();
    let named = table_routes(section, false);
    let wired = template_routes();
    let unknown: Vec<&String> = named.iter().filter(|r| !wired.contains(*r)).collect();
    assert!(unknown.is_empty(), "ARCHITECTURE.md's workspace table names routes template.yaml does not: {unknown:?}");
    assert!(named.len() >= 15, "the table was read: {named:?}");
}

#[test]
fn get_orders_accepts_exactly_the_parameters_openapi_documents() {
    let spec: serde_yaml_ng::Value = serde_yaml_ng::from_str(&repo_file("openapi.yaml")).unwrap();
    let parameters = spec["paths"]["/orders"]["get"]["parameters"].as_sequence().expect("GET /orders has parameters");
    let documented: BTreeSet<String> = parameters
        .iter()
        .map(|p| match p.get("$ref").and_then(|r| r.as_str()) {
            Some(reference) => {
                let name = reference.rsplit('/').next().unwrap();
                spec["components"]["parameters"][name]["name"].as_str().unwrap().to_owned()
            }
            None => p["name"].as_str().unwrap().to_owned(),
        })
        .collect();
    let accepted: BTreeSet<String> = query_api::orders::PARAMS.iter().map(|p| (*p).to_owned()).collect();
    assert_eq!(accepted, documented, "GET /orders: the handler's parameters against openapi.yaml");
}

/// The `sk` column of a markdown key-layout table (the third cell of each row).
fn sort_keys(table: &str) -> BTreeSet<String> {
    table
        .lines()
        .map(|l| l.trim_start_matches("//!").trim())
        .filter(|l| l.starts_with('|') && !l.starts_with("|--") && !l.starts_with("|---"))
        .filter_map(|l| l.split('|').nth(3).map(|c| c.trim().to_owned()))
        .filter(|c| c.starts_with('`'))
        .collect()
}

#[test]
fn architecture_mirrors_the_key_layout_of_keys_rs() {
    let code = sort_keys(&repo_file("shared/src/store/keys.rs"));
    let architecture = repo_file("docs/ARCHITECTURE.md");
    let table = architecture.split("## The table").nth(1).unwrap().split("\n## ").next().unwrap();
    let documented = sort_keys(table);
    assert!(code.len() >= 15, "keys.rs' table was read: {code:?}");
    assert_eq!(code, documented, "the sort keys of keys.rs' table against ARCHITECTURE.md's");
}

#[test]
fn the_console_labels_every_event_an_order_timeline_shows_and_no_other() {
    let i18n = repo_file("console/src/i18n.ts");
    let timeline: BTreeSet<&str> = backoffice::domain::events::EVENT_TYPES
        .iter()
        .copied()
        .filter(|t| ["order.", "payment.", "refund.", "return."].iter().any(|p| t.starts_with(p)))
        .collect();
    // Two catalogues (English, Brazilian Portuguese), each with a label per timeline event.
    let catalogues: Vec<&str> = i18n.split("\nconst ").skip(1).collect();
    assert!(catalogues.len() >= 2, "both catalogues were read");
    for catalogue in catalogues.iter().take(2) {
        let labelled: BTreeSet<&str> =
            catalogue.lines().filter_map(|l| l.trim().strip_prefix("\"event.")?.split('"').next()).collect();
        assert_eq!(labelled, timeline, "the console's event labels against the domain's event list");
    }
}

/// `samconfig.toml` deploys without a prompt: each environment names its stack, the capability
/// and no change-set confirmation, and gives every parameter the template requires (none
/// without a default left out) and no parameter the template does not declare.
#[test]
fn samconfig_deploys_every_environment_without_a_prompt_with_the_templates_parameters() {
    let config = repo_file("samconfig.toml");
    let doc = backoffice_tests::template_document();
    let parameters = doc["Parameters"].as_mapping().unwrap();
    let required: BTreeSet<&str> =
        parameters.iter().filter(|(_, p)| p.get("Default").is_none()).map(|(k, _)| k.as_str().unwrap()).collect();
    for env in ["dev", "prod"] {
        let header = format!("[{env}.deploy.parameters]");
        let section: Vec<&str> = config
            .split_once(&header)
            .unwrap_or_else(|| panic!("no {header}"))
            .1
            .lines()
            .skip(1)
            .take_while(|l| !l.starts_with('['))
            .collect();
        let value = |key: &str| {
            section
                .iter()
                .find_map(|l| l.strip_prefix(&format!("{key} = ")))
                .map(|v| v.trim_matches('"').to_owned())
                .unwrap_or_else(|| panic!("{header} has no {key}"))
        };
        assert_eq!(value("confirm_changeset"), "false", "{env}");
        assert!(value("capabilities").contains("CAPABILITY_IAM"), "{env}");
        assert!(value("stack_name").starts_with("backoffice-"), "{env}");
        let given: BTreeSet<String> = value("parameter_overrides")
            .split_whitespace()
            .map(|kv| kv.split('=').next().unwrap().to_owned())
            .collect();
        for name in &given {
            assert!(parameters.contains_key(name.as_str()), "{env}: {name} is not a template parameter");
        }
        for name in &required {
            assert!(given.contains(*name), "{env}: {name} has no default and no value");
        }
        assert!(config.contains(&format!("[{env}.build.parameters]\nbeta_features = true")), "{env}: beta build");
    }
}
