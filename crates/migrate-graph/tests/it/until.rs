//! `incremental_passes` as `{ max, until }`: the passes compile as the integer form's (same steps,
//! same order, same dependencies), the incremental ones carrying the threshold; the integer form
//! carries none and renders no `until`.

use migrate_graph::{Format, Pass, StepGraph, StepKind, compile, render};
use migrate_plan::{LoadOptions, load_str};

fn graph(strategy: &str, passes: &str) -> StepGraph {
    let body = match strategy {
        "copy" => format!("copy: {{ update_field: updated_at, incremental_passes: {passes} }}"),
        _ => format!(
            "reindex: {{ remote_host: \"http://10.0.0.1:9200\", update_field: updated_at, incremental_passes: {passes} }}"
        ),
    };
    let text = format!(
        "version: 1\nname: until\nsource: {{ url: \"http://10.0.0.1:9200\" }}\ndestination: {{ url: \"http://10.0.0.2:9200\" }}\nindexes: [movies, books]\nstrategy: {{ {body} }}\n"
    );
    let plan = load_str("t.yaml", &text, &LoadOptions::default())
        .map_err(|d| format!("{d:?}"))
        .expect("valid")
        .plan;
    compile(&plan).expect("compiles")
}

/// Each step's id and its dependencies' ids, in order.
fn shape(g: &StepGraph) -> Vec<(String, Vec<String>)> {
    g.topological_order()
        .map(|node| {
            let deps = g.dependencies(node);
            let deps = deps.iter().map(|&d| g.step(d).id.to_string()).collect();
            (g.step(node).id.to_string(), deps)
        })
        .collect()
}

/// The `until` of every incremental pass, by step id.
fn untils(g: &StepGraph) -> Vec<(String, Option<u64>)> {
    g.steps()
        .filter_map(|s| match &s.kind {
            StepKind::Reindex {
                pass: Pass::Incremental { until, .. },
                ..
            }
            | StepKind::Copy {
                pass: Pass::Incremental { until, .. },
                ..
            } => Some((
                s.id.to_string(),
                until.as_ref().and_then(|u| u.documents).map(|d| d.get()),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn until_compiles_the_same_passes_as_the_count_each_carrying_the_threshold() {
    for strategy in ["reindex", "copy"] {
        let count = graph(strategy, "3");
        let until = graph(strategy, "{ max: 3, until: { documents: 500 } }");
        assert_eq!(shape(&count), shape(&until), "{strategy}");
        let with = untils(&until);
        assert_eq!(with.len(), 6, "{strategy}: 3 passes × 2 indexes: {with:?}");
        assert!(with.iter().all(|(_, u)| *u == Some(500)), "{with:?}");
        assert!(untils(&count).iter().all(|(_, u)| u.is_none()));
    }
}

#[test]
fn the_count_form_renders_no_until_and_the_until_form_does() {
    let count = render(&graph("reindex", "2"), None, Format::Json);
    assert!(!count.contains("(until)"), "{count}");
    let until = render(
        &graph("reindex", "{ max: 2, until: { documents: 7 } }"),
        None,
        Format::Json,
    );
    assert!(
        until.contains(
            "skipped when the pass before it had a delta of fewer than 7 documents (until)"
        ),
        "{until}"
    );
}

fn snapshot_graph(rounds: &str) -> StepGraph {
    let text = format!(
        "version: 1\nname: until\nsource: {{ url: \"http://10.0.0.1:9200\" }}\ndestination: {{ url: \"http://10.0.0.2:9200\" }}\nindexes: [movies, books]\nstrategy: {{ snapshot: {{ repository: r, source_store: {{ fs: {{ location: /tmp/r }} }}, incremental_rounds: {rounds} }} }}\n"
    );
    let plan = load_str("t.yaml", &text, &LoadOptions::default())
        .map_err(|d| format!("{d:?}"))
        .expect("valid")
        .plan;
    compile(&plan).expect("compiles")
}

/// The `until` of every snapshot round, by step id.
fn round_untils(g: &StepGraph) -> Vec<(String, Option<String>)> {
    g.steps()
        .filter_map(|s| match &s.kind {
            StepKind::CreateSnapshot { until, .. } => {
                Some((s.id.to_string(), until.as_ref().map(|u| u.to_string())))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn rounds_with_until_compile_as_the_count_the_incremental_ones_carrying_the_threshold() {
    let count = snapshot_graph("3");
    let until = snapshot_graph("{ max: 3, until: { bytes: 4096, seconds: 30 } }");
    assert_eq!(shape(&count), shape(&until));
    let t = Some("fewer than 4096 bytes and 30 s".to_owned());
    assert_eq!(
        round_untils(&until),
        [
            ("snapshot/round-1".to_owned(), None),
            ("snapshot/round-2".to_owned(), t.clone()),
            ("snapshot/round-3".to_owned(), t.clone()),
            ("snapshot/round-4".to_owned(), t),
            ("snapshot/final".to_owned(), None),
        ]
    );
    assert!(round_untils(&count).iter().all(|(_, u)| u.is_none()));
    let text = render(&until, None, Format::Json);
    assert!(
        text.contains("skipped with the rest of its round when the round before it had a delta of fewer than 4096 bytes and 30 s (until)"),
        "{text}"
    );
}

#[test]
fn a_documents_only_threshold_keeps_the_fingerprints_it_had_before_bytes_and_seconds() {
    // `until: 500` was how a documents threshold serialised; it still is, so a state written
    // before bytes and seconds existed still matches its steps.
    let g = graph("copy", "{ max: 2, until: { documents: 500 } }");
    let pass = g
        .steps()
        .find(|s| s.id.as_str() == "copy/movies/pass-1")
        .expect("pass 1");
    let json = serde_json::to_value(&pass.kind).expect("serialises");
    assert_eq!(json["pass"]["incremental"]["until"], 500, "{json}");
}
