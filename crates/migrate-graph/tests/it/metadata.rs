//! The plan's `metadata` section: one `migrate-metadata/<kind>` step per listed kind, in the order
//! lifecycle → component → composable templates, all before any index is created or restored, with
//! their requests in the dry run.

use migrate_graph::requests::Redacted;
use migrate_graph::requests::requests;
use migrate_graph::{Format, StepKind, compile, render};
use migrate_plan::{LoadOptions, load_str};

fn plan(strategy: &str, metadata: &str) -> migrate_graph::StepGraph {
    let text = format!(
        "version: 1\nname: meta\nsource: {{ url: http://a:9200 }}\ndestination: {{ url: http://b:9200 }}\nindexes: [logs]\nstrategy:\n{strategy}\n{metadata}"
    );
    let plan = load_str("meta.yaml", &text, &LoadOptions::default())
        .map_err(|d| format!("{d:?}"))
        .expect("valid")
        .plan;
    compile(&plan).expect("compiles")
}

const ALL: &str = "metadata:\n  index_templates: { include: ['logs-*'], replace: true }\n  component_templates: {}\n  lifecycle_policies: { exclude: [old] }\n  legacy_templates: {}\n  pipelines: {}\n  stored_scripts: { include: [score] }\n";

fn deps(g: &migrate_graph::StepGraph, id: &str) -> Vec<String> {
    let n = g.node(id).unwrap_or_else(|| panic!("no step {id}"));
    let mut v: Vec<String> = g
        .dependencies(n)
        .into_iter()
        .map(|d| g.step(d).id.as_str().to_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn metadata_steps_run_lifecycle_then_components_then_templates_before_the_index_is_created() {
    let g = plan("  copy: {}", ALL);
    assert_eq!(
        deps(&g, "migrate-metadata/lifecycle-policies"),
        ["preflight/versions"]
    );
    assert_eq!(
        deps(&g, "migrate-metadata/component-templates"),
        ["migrate-metadata/lifecycle-policies"]
    );
    assert_eq!(
        deps(&g, "migrate-metadata/index-templates"),
        [
            "migrate-metadata/component-templates",
            "migrate-metadata/lifecycle-policies"
        ]
    );
    assert_eq!(
        deps(&g, "migrate-metadata/legacy-templates"),
        ["migrate-metadata/lifecycle-policies"]
    );
    assert_eq!(
        deps(&g, "migrate-metadata/pipelines"),
        ["preflight/versions"]
    );
    let create = deps(&g, "create-index/logs");
    assert_eq!(create.len(), 6, "{create:?}");
    assert!(create.iter().all(|d| d.starts_with("migrate-metadata/")));
    let step = g.get("migrate-metadata/index-templates").expect("step");
    assert_eq!(
        step.kind,
        StepKind::MigrateMetadata {
            object: migrate_graph::metadata::MetadataObject::IndexTemplates,
            include: vec!["logs-*".to_string()].into(),
            exclude: Vec::<String>::new().into(),
            replace: true
        }
    );
}

#[test]
fn every_strategy_puts_the_metadata_steps_before_its_first_index_write() {
    let one = "metadata:\n  legacy_templates: {}\n";
    let g = plan("  reindex: { remote_host: 'http://a:9200' }", one);
    assert!(
        deps(&g, "create-index/logs").contains(&"migrate-metadata/legacy-templates".to_owned())
    );
    let g = plan(
        "  snapshot: { repository: r, source_store: { fs: { location: /mnt/r } } }",
        one,
    );
    let snap = g
        .steps()
        .find(|s| s.id.as_str().starts_with("snapshot/"))
        .expect("snapshot");
    let n = g.node(snap.id.as_str()).expect("node");
    let mut ancestors = vec![n];
    let mut found = false;
    while let Some(x) = ancestors.pop() {
        for d in g.dependencies(x) {
            found |= g.step(d).id.as_str() == "migrate-metadata/legacy-templates";
            ancestors.push(d);
        }
    }
    assert!(
        found,
        "the first snapshot round (and so every restore) waits for the templates"
    );
}

#[test]
fn the_dry_run_shows_each_metadata_step_with_its_requests() {
    let g = plan("  copy: {}", ALL);
    let text = render(&g, None, Format::Text);
    assert!(text.contains("migrate-metadata/legacy-templates"), "{text}");
    assert!(text.contains("GET source /_template"), "{text}");
    assert!(text.contains("PUT destination /_template/<name>"), "{text}");
    let step = g.get("migrate-metadata/lifecycle-policies").expect("step");
    let paths: Vec<String> = requests(&step.kind, &Redacted)
        .iter()
        .map(|r| format!("{:?} {}", r.method, r.target()))
        .collect();
    assert!(
        paths.iter().any(|p| p.contains("/_ilm/policy")),
        "{paths:?}"
    );
    assert!(
        paths
            .iter()
            .any(|p| p.contains("/_plugins/_ism/policies/<name>")),
        "{paths:?}"
    );
    let step = g.get("migrate-metadata/stored-scripts").expect("step");
    let first = &requests(&step.kind, &Redacted)[0];
    assert_eq!(first.target(), "/_scripts/<name>");
}

#[test]
fn a_stored_script_pattern_is_refused_by_validation() {
    let text = "version: 1\nname: meta\nsource: { url: http://a:9200 }\ndestination: { url: http://b:9200 }\nindexes: [logs]\nstrategy:\n  copy: {}\nmetadata:\n  stored_scripts: {}\n";
    let Err(err) = load_str("meta.yaml", text, &LoadOptions::default()) else {
        panic!("a stored script pattern must be refused");
    };
    assert!(
        format!("{err:?}").contains("stored_script_pattern"),
        "{err:?}"
    );
}
