//! The checked-in files generated from the types: `schemas/plan.schema.json` and
//! `docs/plan-format.md`. Each test fails when its file drifts; `UPDATE_SCHEMA=1 cargo test -p
//! migrate-plan` rewrites both.

use std::path::PathBuf;

fn repo_file(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

fn check(rel: &str, expected: &str) {
    let path = repo_file(rel);
    if std::env::var_os("UPDATE_SCHEMA").is_some_and(|v| v == "1") {
        std::fs::write(&path, expected).expect("write generated file");
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "{rel} is out of date with the plan types; run `UPDATE_SCHEMA=1 cargo test -p migrate-plan --test generated` and commit the result"
    );
}

#[test]
fn schema_file_matches_the_types() {
    check("schemas/plan.schema.json", &migrate_plan::schema_json());
}

#[test]
fn format_reference_matches_the_schema() {
    check("docs/plan-format.md", &migrate_plan::reference_markdown());
}

#[test]
fn every_field_is_documented() {
    // Every property and every definition carries a description: they become editor hover text
    // and the reference.
    fn walk(v: &serde_json::Value, path: &str, missing: &mut Vec<String>) {
        if let Some(props) = v.get("properties").and_then(|p| p.as_object()) {
            for (k, p) in props {
                let inner = v.get("oneOf").is_none() && v.get("anyOf").is_none();
                if p.get("description").is_none() && inner {
                    missing.push(format!("{path}.{k}"));
                }
            }
        }
        if let Some(defs) = v.get("$defs").and_then(|d| d.as_object()) {
            for (name, d) in defs {
                if d.get("description").is_none() {
                    missing.push(format!("$defs.{name}"));
                }
                walk(d, name, missing);
            }
        }
    }
    let mut missing = Vec::new();
    walk(migrate_plan::schema(), "Plan", &mut missing);
    assert!(
        missing.is_empty(),
        "fields without a doc comment: {missing:?}"
    );
}

#[test]
fn schema_is_a_valid_draft_2020_12_schema() {
    let meta = jsonschema::meta::validate(migrate_plan::schema());
    assert!(meta.is_ok(), "{meta:?}");
}
