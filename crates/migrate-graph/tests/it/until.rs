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
            } => Some((s.id.to_string(), until.map(|u| u.get()))),
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
        until.contains("skipped when the pass before it copied fewer than 7 documents (until)"),
        "{until}"
    );
}
