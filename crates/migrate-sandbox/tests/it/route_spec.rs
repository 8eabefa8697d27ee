//! The route table against Elasticsearch's REST API specs (`../shared/conformance/es-rest-api-spec/{7.17,8.19}`,
//! the APIs the engine uses): every path/method those specs define is served by the sandbox, and every
//! sandbox route of those APIs is a path/method the spec defines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

fn spec_dir() -> PathBuf {
    match std::env::var_os("CONFORMANCE_DIR") {
        Some(d) => PathBuf::from(d).join("es-rest-api-spec"),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/conformance/es-rest-api-spec"),
    }
}

/// `/{index}/_doc/{id}` → `/{}/_doc/{}`.
fn normalize(path: &str) -> String {
    path.split('/')
        .map(|s| {
            if s.starts_with('{') && s.ends_with('}') {
                "{}"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// api → set of (METHOD, normalized path), over both spec versions.
fn load_specs() -> BTreeMap<String, BTreeSet<(String, String)>> {
    let mut out: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for version in ["7.17", "8.19"] {
        let dir = spec_dir().join(version);
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        for e in entries.flatten() {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            let v: Value = serde_json::from_str(&text)
                .unwrap_or_else(|err| panic!("{}: {err}", e.path().display()));
            let Some((api, body)) = v.as_object().and_then(|m| m.iter().next()) else {
                continue;
            };
            for p in body["url"]["paths"].as_array().into_iter().flatten() {
                for m in p["methods"].as_array().into_iter().flatten() {
                    out.entry(api.clone()).or_default().insert((
                        m.as_str().unwrap_or("").to_string(),
                        normalize(p["path"].as_str().unwrap_or("")),
                    ));
                }
            }
        }
    }
    out
}

#[test]
fn every_spec_path_the_engine_uses_is_served_and_every_served_path_is_real() {
    let specs = load_specs();
    assert!(!specs.is_empty());
    let table = migrate_sandbox::api::routes();
    let mut served: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for (m, pattern, api) in table.routes() {
        served
            .entry(api.to_string())
            .or_default()
            .insert((m.to_string(), normalize(pattern)));
    }
    let mut missing = Vec::new();
    let mut unreal = Vec::new();
    for (api, paths) in &specs {
        let Some(ours) = served.get(api) else {
            missing.push(format!("{api}: no route at all"));
            continue;
        };
        for (m, p) in paths {
            if !ours.contains(&(m.clone(), p.clone())) {
                missing.push(format!("{api}: {m} {p}"));
            }
        }
        for (m, p) in ours {
            if !paths.contains(&(m.clone(), p.clone())) {
                unreal.push(format!("{api}: {m} {p}"));
            }
        }
    }
    // Served APIs with no spec file in the directory (e.g. `cat.repositories`, `cat.snapshots`,
    // `indices.put_mapping`) cannot be checked here; they are listed, not silently dropped.
    for api in served.keys().filter(|a| !specs.contains_key(*a)) {
        println!("no spec file to check against: {api}");
    }
    assert!(
        missing.is_empty(),
        "spec paths the sandbox does not serve:\n{}",
        missing.join("\n")
    );
    assert!(
        unreal.is_empty(),
        "sandbox routes not in the spec:\n{}",
        unreal.join("\n")
    );
}
