//! Every example plan (`plans/*.yaml` and the CLI's test plans) loads with migrate-plan without
//! findings, and — independently — validates against the checked-in `schemas/plan.schema.json`
//! with the `jsonschema` crate after a plain YAML → JSON conversion (what an editor does).

use std::path::{Path, PathBuf};

use migrate_plan::{LoadOptions, Strategy, load_file};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("directory exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    files
}

fn example_plans() -> Vec<PathBuf> {
    let mut all = yaml_files(&repo_root().join("plans"));
    assert!(
        all.len() >= 4,
        "plans/ should hold at least the four example plans"
    );
    all.extend(yaml_files(
        &repo_root().join("crates/migrate-cli/tests/plans"),
    ));
    all
}

#[test]
fn every_example_plan_loads_without_findings() {
    for path in example_plans() {
        let loaded = load_file(&path, &LoadOptions { strict: true }).unwrap_or_else(|d| {
            panic!(
                "{}: {}",
                path.display(),
                migrate_plan::render(&d, &migrate_plan::RenderOptions::plain())
            )
        });
        assert!(loaded.warnings.is_empty(), "{}", path.display());
    }
}

#[test]
fn every_example_plan_validates_against_the_checked_in_schema() {
    let text =
        std::fs::read_to_string(repo_root().join("schemas/plan.schema.json")).expect("schema file");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for path in example_plans() {
        let yaml = std::fs::read_to_string(&path).expect("read plan");
        let doc: serde_json::Value = serde_yaml::from_str(&yaml).expect("plan is YAML");
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
}

#[test]
fn the_schema_rejects_what_the_loader_rejects_structurally() {
    // The independent validator agrees on a structural error: an unknown key.
    let text =
        std::fs::read_to_string(repo_root().join("schemas/plan.schema.json")).expect("schema file");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let yaml =
        std::fs::read_to_string(repo_root().join("plans/snapshot-aws-to-oss.yaml")).expect("read");
    let bad = yaml.replace("destination:\n", "destinaton:\n");
    let doc: serde_json::Value = serde_yaml::from_str(&bad).expect("yaml");
    assert!(!validator.is_valid(&doc));
    assert!(migrate_plan::load_str("bad.yaml", &bad, &LoadOptions::default()).is_err());
}

#[test]
fn example_plans_start_with_the_editor_schema_comment() {
    for path in yaml_files(&repo_root().join("plans")) {
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(
            text.starts_with("# yaml-language-server: $schema=../schemas/plan.schema.json\n"),
            "{} must start with the yaml-language-server schema comment",
            path.display()
        );
    }
}

#[test]
fn the_runbook_plans_say_what_the_runbooks_do() {
    let load = |name: &str| {
        load_file(
            &repo_root().join("plans").join(name),
            &LoadOptions::default(),
        )
        .map_err(|d| format!("{d:?}"))
        .expect("loads")
        .plan
    };
    let aws = load("snapshot-aws-to-oss.yaml");
    let Strategy::Snapshot(s) = &aws.strategy else {
        panic!("snapshot strategy")
    };
    assert_eq!(s.source_store.kind, migrate_plan::StoreKind::S3);
    assert_eq!(
        s.destination_store.as_ref().map(|d| d.kind),
        Some(migrate_plan::StoreKind::Oss)
    );
    assert_eq!(s.incremental_rounds, 1);
    assert_eq!(
        aws.source.version.map(|v| v.to_string()).as_deref(),
        Some("elasticsearch-5.5.2")
    );
    assert_eq!(
        aws.destination.version.map(|v| v.to_string()).as_deref(),
        Some("elasticsearch-5.5.3")
    );
    assert!(!aws.cutover.approved && aws.cutover.block_source_writes);

    let ecs = load("reindex-self-managed-to-aliyun.yaml");
    let Strategy::Reindex(r) = &ecs.strategy else {
        panic!("reindex strategy")
    };
    assert_eq!(r.update_field.as_deref(), Some("update_time"));
    assert_eq!(r.incremental_passes, 2);
    assert_eq!(r.remote_host, "http://10.37.1.1:9200");
    assert_eq!(ecs.indexes[1].destination(), "books-v2");
}
