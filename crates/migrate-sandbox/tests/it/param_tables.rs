//! The sandbox's URL-parameter tables (`src/params/tables.rs`) are derived from the REST specs, not
//! written by hand: Elasticsearch's `rest-api-spec` JSON for 7.17 and 8.19
//! (`conformance/es-rest-api-spec`) and the OpenSearch OpenAPI document (query parameters with their
//! `x-version-added`/`x-version-removed`), for every API the sandbox routes. This test regenerates the
//! file's text and fails when it differs; `UPDATE_PARAM_TABLES=1` writes it instead.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn shared() -> PathBuf {
    match std::env::var_os("MIGRATE_SHARED_DIR") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    }
}

fn routed() -> BTreeSet<String> {
    migrate_sandbox::api::routes()
        .routes()
        .map(|(_, _, api)| api.to_string())
        .collect()
}

fn es_params(version: &str, apis: &BTreeSet<String>) -> BTreeMap<String, BTreeSet<String>> {
    let dir = shared().join("conformance/es-rest-api-spec").join(version);
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(&dir).expect("es spec dir").flatten() {
        let text = std::fs::read_to_string(e.path()).expect("spec");
        let v: Value = serde_json::from_str(&text).expect("spec json");
        let Some((api, body)) = v.as_object().and_then(|m| m.iter().next()) else {
            continue;
        };
        if !apis.contains(api) {
            continue;
        }
        let params: BTreeSet<String> = body["params"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        out.insert(api.clone(), params);
    }
    out
}

type OsParams = BTreeMap<String, BTreeMap<String, (String, String)>>;

fn opensearch_params(apis: &BTreeSet<String>) -> OsParams {
    let text = std::fs::read_to_string(shared().join("conformance/opensearch-openapi.yaml"))
        .expect("openapi");
    let doc: Value = serde_yaml::from_str(&text).expect("openapi yaml");
    let mut out: OsParams = BTreeMap::new();
    for ops in doc["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(_, o)| o)
    {
        for op in ops.as_object().into_iter().flatten().map(|(_, o)| o) {
            let Some(api) = op["x-operation-group"].as_str() else {
                continue;
            };
            if !apis.contains(api) {
                continue;
            }
            let entry = out.entry(api.to_string()).or_default();
            for p in op["parameters"].as_array().into_iter().flatten() {
                let p = match p["$ref"].as_str() {
                    Some(r) => doc
                        .pointer(r.trim_start_matches('#'))
                        .unwrap_or(&Value::Null),
                    None => p,
                };
                if p["in"] != "query" {
                    continue;
                }
                let Some(name) = p["name"].as_str() else {
                    continue;
                };
                let s = |k: &str| p[k].as_str().unwrap_or("").to_string();
                entry.insert(
                    name.to_string(),
                    (s("x-version-added"), s("x-version-removed")),
                );
            }
        }
    }
    out
}

fn render() -> String {
    let apis = routed();
    let mut s = String::from(
        "//! Accepted URL parameters per API, derived from the REST specs by `tests/it/param_tables.rs`\n\
         //! (Elasticsearch `rest-api-spec` 7.17 and 8.19, and the OpenSearch OpenAPI document with each\n\
         //! parameter's `x-version-added`/`x-version-removed`). Generated: do not edit; regenerate with\n\
         //! `UPDATE_PARAM_TABLES=1 cargo test -p migrate-sandbox --test it param_tables`.\n\n",
    );
    for (name, version) in [("ES_7_17", "7.17"), ("ES_8_19", "8.19")] {
        writeln!(s, "/// Elasticsearch {version}: API → parameters.").ok();
        writeln!(s, "pub const {name}: &[(&str, &[&str])] = &[").ok();
        for (api, params) in es_params(version, &apis) {
            let list: Vec<String> = params.iter().map(|p| format!("{p:?}")).collect();
            writeln!(s, "    ({api:?}, &[{}]),", list.join(", ")).ok();
        }
        s.push_str("];\n\n");
    }
    s.push_str(
        "/// OpenSearch: API → (parameter, version added, version removed; `\"\"`: none).\n",
    );
    s.push_str("pub const OPENSEARCH: &[(&str, &[super::Ranged])] = &[\n");
    for (api, params) in opensearch_params(&apis) {
        let list: Vec<String> = params
            .iter()
            .map(|(p, (a, r))| format!("({p:?}, {a:?}, {r:?})"))
            .collect();
        writeln!(s, "    ({api:?}, &[{}]),", list.join(", ")).ok();
    }
    s.push_str("];\n");
    s
}

#[test]
fn the_parameter_tables_are_derived_from_the_rest_specs() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/params/tables.rs");
    let want = render();
    if std::env::var_os("UPDATE_PARAM_TABLES").is_some() {
        std::fs::write(&file, &want).expect("write tables");
        return;
    }
    let have = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        have == want,
        "{} is not what the specs give: regenerate with UPDATE_PARAM_TABLES=1",
        file.display()
    );
}
