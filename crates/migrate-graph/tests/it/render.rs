//! Renderers: golden output, determinism, redaction, the JSON schema, status marking.

use crate::common;
use std::path::PathBuf;

use migrate_graph::blueprint::SecretRef;
use migrate_graph::render::dry_run_schema;
use migrate_graph::requests::{Secrets, requests};
use migrate_graph::{Format, Progress, Recorded, StatusMap, StepStatus, compile_blueprint, render};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn golden_output_of_every_format() {
    let plans = [
        (
            "snapshot",
            common::snapshot_plan(&["movies", "logs-2026.*"]),
        ),
        ("reindex", common::reindex_plan(&["movies"])),
    ];
    for (name, bp) in plans {
        let g = compile_blueprint(&bp).expect("compiles");
        for format in Format::ALL {
            insta::assert_snapshot!(
                format!("{name}.{}", format.as_str()),
                render(&g, None, format)
            );
        }
    }
}

#[test]
fn output_is_identical_across_runs_and_carries_no_secret() {
    for bp in [
        common::snapshot_plan(&["movies", "books"]),
        common::reindex_plan(&["movies", "books"]),
    ] {
        for format in Format::ALL {
            let a = render(&compile_blueprint(&bp).expect("compiles"), None, format);
            let b = render(&compile_blueprint(&bp).expect("compiles"), None, format);
            assert_eq!(a, b, "{} output differs between runs", format.as_str());
        }
    }
    let text = render(
        &compile_blueprint(&common::snapshot_plan(&["movies"])).expect("compiles"),
        None,
        Format::Text,
    );
    assert!(text.contains("<redacted: env OSS_SECRET>"));
    let text = render(
        &compile_blueprint(&common::reindex_plan(&["movies"])).expect("compiles"),
        None,
        Format::Text,
    );
    assert!(text.contains(r#""password":"<redacted: env SOURCE_PASSWORD>""#));
}

/// Fills every secret with a canary, as the executor fills real values.
struct Canary;
impl Secrets for Canary {
    fn text(&self, _: &SecretRef) -> String {
        "canary-s3cr3t-7f3a".into()
    }
}

#[test]
fn secrets_reach_requests_only_through_the_secrets_filler() {
    for bp in [
        common::snapshot_plan(&["movies"]),
        common::reindex_plan(&["movies"]),
    ] {
        let g = compile_blueprint(&bp).expect("compiles");
        let filled: String = g
            .steps()
            .flat_map(|s| requests(&s.kind, &Canary))
            .filter_map(|r| r.body.map(|b| b.as_str().to_owned()))
            .collect();
        assert!(
            filled.contains("canary-s3cr3t-7f3a"),
            "the plan has secrets the executor must send"
        );
        for format in Format::ALL {
            assert!(!render(&g, None, format).contains("canary-s3cr3t-7f3a"));
        }
    }
}

#[test]
fn schema_file_is_current() {
    let path = repo_root().join("schemas/dry-run.schema.json");
    let generated = dry_run_schema();
    if std::env::var_os("MIGRATE_UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, &generated).expect("write schema");
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "schemas/dry-run.schema.json is out of date; run `MIGRATE_UPDATE_SCHEMAS=1 cargo test -p migrate-graph --test render`"
    );
}

fn validate(doc: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value =
        serde_json::from_str(&dry_run_schema()).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn json_output_validates_against_the_schema() {
    let g = compile_blueprint(&common::snapshot_plan(&["movies", "books"])).expect("compiles");
    let mut statuses = StatusMap::new();
    statuses.insert(
        "preflight/versions".into(),
        Recorded {
            status: StepStatus::Done,
            fingerprint: None,
        },
    );
    statuses.insert(
        "preflight/repository-name".into(),
        Recorded {
            status: StepStatus::Running,
            fingerprint: None,
        },
    );
    let progress = Progress::resolve(&g, &statuses);
    for p in [None, Some(&progress)] {
        let doc: serde_json::Value =
            serde_json::from_str(&render(&g, p, Format::Json)).expect("json");
        assert_eq!(validate(&doc), Vec::<String>::new());
        assert_eq!(doc["summary"]["steps"], g.len());
    }
    // The schema is strict: an unknown field or a wrong status is rejected.
    let mut doc: serde_json::Value =
        serde_json::from_str(&render(&g, None, Format::Json)).expect("json");
    doc["steps"][0]["status"] = "finished".into();
    doc["surprise"] = true.into();
    assert_eq!(validate(&doc).len(), 2);
}

#[test]
fn with_a_state_only_what_remains_is_listed() {
    let g = compile_blueprint(&common::reindex_plan(&["movies"])).expect("compiles");
    let mut statuses = StatusMap::new();
    for s in g.steps().take(3) {
        statuses.insert(
            s.id.to_string(),
            Recorded {
                status: StepStatus::Done,
                fingerprint: Some(s.fingerprint.to_hex()),
            },
        );
    }
    statuses.insert(
        "reindex/movies/part-all".into(),
        Recorded {
            status: StepStatus::Failed,
            fingerprint: None,
        },
    );
    let progress = Progress::resolve(&g, &statuses);
    assert_eq!(progress.done(), 3);
    assert_eq!(progress.remaining(), g.len() - 3);
    let text = render(&g, Some(&progress), Format::Text);
    assert!(text.contains("3 of 13 steps done (not shown)."));
    assert!(
        !text.contains("    create-index/movies  (") && text.contains("after: create-index/movies")
    );
    assert!(text.contains("reindex/movies/part-all [failed]"));
    assert!(text.contains("13 steps, 1 index, 1 gate; 3 done, 10 to run"));
    let md = render(&g, Some(&progress), Format::Markdown);
    assert!(md.contains("| to run | 10 |") && !md.contains("**`create-index/movies`**"));
    assert!(md.contains("class s0,s1,s2 done"));
}

#[test]
fn a_changed_step_reruns_with_everything_downstream() {
    let g = compile_blueprint(&common::reindex_plan(&["movies", "books"])).expect("compiles");
    let mut statuses = StatusMap::new();
    for s in g.steps() {
        let fingerprint = if s.id.as_str() == "create-index/movies" {
            "0".repeat(64)
        } else {
            s.fingerprint.to_hex()
        };
        statuses.insert(
            s.id.to_string(),
            Recorded {
                status: StepStatus::Done,
                fingerprint: Some(fingerprint),
            },
        );
    }
    let progress = Progress::resolve(&g, &statuses);
    let rerun: Vec<&str> = g
        .steps()
        .enumerate()
        .filter(|(pos, _)| progress.status(*pos) != StepStatus::Done)
        .map(|(_, s)| s.id.as_str())
        .collect();
    assert!(rerun.contains(&"create-index/movies") && rerun.contains(&"verify/movies"));
    // The gate joins both indexes, so books' post-cutover steps re-run too; its copy does not.
    assert!(rerun.contains(&"gate/cutover") && rerun.contains(&"reindex/books/final"));
    assert!(!rerun.contains(&"create-index/books") && !rerun.contains(&"reindex/books/part-all"));
    assert!(progress.changed(g.node("create-index/movies").expect("step").index()));
    let text = render(&g, Some(&progress), Format::Text);
    assert!(text.contains("create-index/movies [changed]"));
}

#[test]
fn large_plans_draw_one_index_in_mermaid() {
    let names: Vec<String> = (0..200).map(|i| format!("index-{i:03}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let g = compile_blueprint(&common::snapshot_plan(&refs)).expect("compiles");
    let md = render(&g, None, Format::Markdown);
    let mermaid = &md[md.find("```mermaid").expect("mermaid")..];
    let mermaid = &mermaid[..mermaid[3..].find("```").expect("end") + 6];
    assert!(mermaid.contains("200 indexes: per-index steps drawn for index-000 only"));
    assert!(!mermaid.contains("index-001"));
    assert!(mermaid.matches("-->").count() < 100);
    assert!(md.contains("<details><summary>index <code>index-199</code> (13 steps)</summary>"));
}

#[test]
fn every_format_is_the_same_however_it_is_split() {
    use migrate_graph::render::render_split;
    let names: Vec<String> = (0..30).map(|i| format!("logs-{i:02}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    for bp in [common::snapshot_plan(&refs), common::reindex_plan(&refs)] {
        let g = compile_blueprint(&bp).expect("compiles");
        // Every third step done: text then skips steps and whole groups, so runs start mid-phase.
        let mut statuses = StatusMap::new();
        for s in g.steps().step_by(3) {
            statuses.insert(
                s.id.to_string(),
                Recorded {
                    status: StepStatus::Done,
                    fingerprint: Some(s.fingerprint.to_hex()),
                },
            );
        }
        let progress = Progress::resolve(&g, &statuses);
        for p in [None, Some(&progress)] {
            for format in Format::ALL {
                let whole = render_split(&g, p, format, 1, usize::MAX);
                for (threads, run) in [(1, 1), (2, 7), (3, 50), (1000, 2)] {
                    assert_eq!(
                        whole,
                        render_split(&g, p, format, threads, run),
                        "{} in runs of {run} on {threads} threads differs from one run",
                        format.as_str()
                    );
                }
            }
        }
        // What `migrate plan` streams to stdout is what `render` returns.
        for format in Format::ALL {
            let mut streamed = Vec::new();
            migrate_graph::render_to(&g, Some(&progress), format, &mut streamed).expect("write");
            assert_eq!(
                String::from_utf8(streamed).expect("utf-8"),
                render(&g, Some(&progress), format)
            );
        }
    }
}

#[test]
fn the_refresh_json_carries_the_live_section_and_validates_against_the_schema() {
    use migrate_graph::render::{LiveCheck, LiveIndex, LiveReport};
    let g = compile_blueprint(&common::snapshot_plan(&["movies"])).expect("compiles");
    let live = LiveReport {
        indexes: vec![LiveIndex {
            entry: "movies".into(),
            name: "movies".into(),
            docs: Some(42),
            destination: "movies".into(),
            destination_status: "close".into(),
            conflicts: vec!["destination index `movies` exists (close)".into()],
            ..LiveIndex::default()
        }],
        preflight: vec![LiveCheck {
            step: "preflight/versions".into(),
            ok: true,
            message: "passed".into(),
        }],
        ..LiveReport::default()
    };
    let mut out = Vec::new();
    migrate_graph::render_with_live(&g, None, Format::Json, &live, &mut out).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out).expect("one JSON document");
    assert_eq!(doc["live"]["indexes"][0]["docs"], 42);
    assert_eq!(doc["steps"].as_array().map(Vec::len), Some(g.len()));
    assert_eq!(validate(&doc), Vec::<String>::new());
    for format in [Format::Text, Format::Markdown, Format::Dot] {
        let mut out = Vec::new();
        migrate_graph::render_with_live(&g, None, format, &live, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with(&render(&g, None, format)[..20]),
            "{format:?}"
        );
        assert!(text.contains("movies"), "{format:?}");
        if format == Format::Dot {
            assert!(text.trim_end().ends_with('}') && text.contains("\"live\" [shape=note"));
        } else {
            assert!(text.contains("exists (close)"), "{format:?}");
        }
    }
}
