//! Golden files: every object of the corpus — `corpus/objects/*.json` and the index metadata and
//! templates of the real repositories in `shared/fixtures/real-snapshots` (read through
//! migrate-repo, never copied) — translated for every supported destination, one insta snapshot
//! per object × destination, findings included.

use std::path::Path;

use migrate_repo::model::{ChecksumBlob, GlobalMetadata, IndexMetadata};
use migrate_repo::smile;
use migrate_translate::{ObjectKind, Options, Target, Translator};
use serde_json::{Map, Value, json};

use crate::support::{corpus_dir, kind, read_json, shared_dir};

/// The destinations every corpus object is translated for.
const DESTINATIONS: &[&str] = &[
    "Elasticsearch 5.6.16",
    "Elasticsearch 6.8.23",
    "Elasticsearch 7.10.2",
    "Elasticsearch 7.17.0",
    "Elasticsearch 8.15.0",
    "OpenSearch 1.3.0",
    "OpenSearch 2.11.0",
    "OpenSearch 3.0.0",
];

struct Object {
    name: String,
    source: Target,
    kind: ObjectKind,
    value: Value,
}

fn slug(t: &str) -> String {
    t.to_lowercase().replace(' ', "-")
}

fn json_of(v: &smile::Value) -> Value {
    v.to_json().unwrap_or_else(|e| panic!("not JSON: {e}"))
}

/// The corpus files.
fn authored() -> Vec<Object> {
    let mut paths: Vec<_> = std::fs::read_dir(corpus_dir().join("objects"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let f = read_json(&p);
            Object {
                name: p.file_stem().unwrap().to_string_lossy().to_string(),
                source: Target::parse(f["source"].as_str().unwrap()).unwrap(),
                kind: kind(f["kind"].as_str().unwrap()),
                value: f["object"].clone(),
            }
        })
        .collect()
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Every index and template of the real repositories.
fn real() -> Vec<Object> {
    let root = shared_dir().join("fixtures/real-snapshots");
    assert!(
        root.is_dir(),
        "missing {} (set MIGRATE_SHARED_DIR)",
        root.display()
    );
    let mut repos: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    repos.sort();
    let mut out = Vec::new();
    for repo in repos {
        let repo_name = repo.file_name().unwrap().to_string_lossy().to_lowercase();
        let mut all = Vec::new();
        files(&repo, &mut all);
        all.sort();
        let mut created = None;
        for path in all.iter().filter(|p| {
            p.parent()
                .and_then(|d| d.parent())
                .is_some_and(|d| d.ends_with("indices"))
        }) {
            let name = path.file_name().unwrap().to_string_lossy();
            if !name.starts_with("meta-") {
                continue;
            }
            let key = path
                .strip_prefix(&repo)
                .unwrap()
                .to_string_lossy()
                .to_string();
            let meta = IndexMetadata::read(&key, &std::fs::read(path).unwrap()).unwrap();
            let source = Target::parse(&migrate_repo::model::version_name(
                meta.version_created().unwrap(),
            ))
            .unwrap();
            created = Some(created.map_or(source, |c: Target| {
                if c.major_minor() > source.major_minor() {
                    c
                } else {
                    source
                }
            }));
            let mut mappings = Map::new();
            for m in meta.mappings().unwrap() {
                mappings.insert(m.type_name, m.mapping);
            }
            let value = json!({
                "settings": json_of(&smile::Value::Object(meta.settings.clone())),
                "mappings": mappings,
                "aliases": json_of(&smile::Value::Object(meta.aliases.clone())),
            });
            out.push(Object {
                name: format!("real-{repo_name}-index-{}", meta.name),
                source,
                kind: ObjectKind::Index,
                value,
            });
        }
        let Some(source) = created else { continue };
        for path in all.iter().filter(|p| p.parent() == Some(repo.as_path())) {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if !(name.starts_with("meta-") && name.ends_with(".dat")) {
                continue;
            }
            let global = GlobalMetadata::read(&name, &std::fs::read(path).unwrap()).unwrap();
            for (t, v) in global.templates.iter() {
                out.push(Object {
                    name: format!("real-{repo_name}-legacy-template-{t}"),
                    source,
                    kind: ObjectKind::LegacyTemplate,
                    value: json_of(v),
                });
            }
            for (field, kind, inner) in [
                (
                    "index_template",
                    ObjectKind::IndexTemplate,
                    "index_template",
                ),
                (
                    "component_template",
                    ObjectKind::ComponentTemplate,
                    "component_template",
                ),
            ] {
                let Some(v) = global.extra.get(field) else {
                    continue;
                };
                let v = json_of(v);
                let Some(by_name) = v
                    .get(field)
                    .and_then(|x| x.get(inner))
                    .or_else(|| v.get(inner))
                    .and_then(Value::as_object)
                else {
                    continue;
                };
                for (t, body) in by_name {
                    out.push(Object {
                        name: format!("real-{repo_name}-{}-{t}", kind.name()),
                        source,
                        kind,
                        value: body.clone(),
                    });
                }
            }
        }
    }
    out
}

#[test]
fn the_corpus_translates_for_every_destination_as_its_golden_files_say() {
    let objects: Vec<Object> = authored().into_iter().chain(real()).collect();
    assert!(
        objects.len() >= 20,
        "the corpus shrank: {} objects",
        objects.len()
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("golden");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_sort_maps(false);
    settings.bind(|| {
        for o in &objects {
            for d in DESTINATIONS {
                let destination = Target::parse(d).unwrap();
                let t = Translator::new(o.source, destination, Options::default()).translate(o.kind, &o.value);
                let name = format!("{}__{}", o.name, slug(d)).replace(['.', ' '], "_");
                insta::assert_json_snapshot!(name, json!({"source": o.source, "destination": destination, "kind": o.kind, "translation": t}));
            }
        }
    });
}

#[test]
fn the_real_repositories_give_indexes_and_templates_to_the_corpus() {
    let objects = real();
    let count = |k: ObjectKind| objects.iter().filter(|o| o.kind == k).count();
    assert!(
        count(ObjectKind::Index) >= 10,
        "{} indexes",
        count(ObjectKind::Index)
    );
    assert!(
        count(ObjectKind::LegacyTemplate) >= 2,
        "{} legacy templates",
        count(ObjectKind::LegacyTemplate)
    );
    assert!(count(ObjectKind::IndexTemplate) >= 1 && count(ObjectKind::ComponentTemplate) >= 1);
    let es56 = objects
        .iter()
        .find(|o| o.name.contains("es_5_6") && o.kind == ObjectKind::Index)
        .unwrap();
    assert_eq!(es56.source.major, 5);
    let t = Translator::new(es56.source, Target::os(2, 11), Options::default())
        .translate(ObjectKind::Index, &es56.value);
    assert!(
        t.findings
            .iter()
            .any(|f| f.rule == "multi-type" && f.severity == migrate_translate::Severity::Error),
        "{:?}",
        t.findings
    );
}
