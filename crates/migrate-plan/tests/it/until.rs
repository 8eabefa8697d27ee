//! `incremental_passes` as a count (unchanged) or as `{ max, until: { documents } }`.

use migrate_plan::*;

fn load(passes: &str) -> Result<Plan, String> {
    let text = format!(
        "version: 1\nname: until\nsource: {{ url: \"http://10.0.0.1:9200\" }}\ndestination: {{ url: \"http://10.0.0.2:9200\" }}\nindexes: [movies]\nstrategy: {{ copy: {{ update_field: updated_at, incremental_passes: {passes} }} }}\n"
    );
    load_str("t.yaml", &text, &LoadOptions::default())
        .map(|l| l.plan)
        .map_err(|d| render(&d, &RenderOptions::plain()))
}

fn passes(plan: &Plan) -> (u32, Option<u64>) {
    match &plan.strategy {
        Strategy::Copy(c) => (c.incremental_passes, c.passes_until_documents),
        other => panic!("a copy plan, found {other:?}"),
    }
}

#[test]
fn a_count_is_that_many_passes_without_a_threshold() {
    assert_eq!(passes(&load("3").expect("valid")), (3, None));
}

#[test]
fn max_and_until_documents_load_as_the_passes_and_their_threshold() {
    let plan = load("{ max: 5, until: { documents: 1000 } }").expect("valid");
    assert_eq!(passes(&plan), (5, Some(1000)));
}

#[test]
fn an_until_without_documents_or_with_an_unknown_measure_is_refused() {
    for bad in [
        "{ max: 5, until: { parsecs: 3 } }",
        "{ max: 5, until: {} }",
        "{ max: 5 }",
        "{ max: 5, until: { documents: 0 } }",
    ] {
        let err = load(bad).expect_err(bad);
        assert!(err.contains("incremental_passes"), "{bad}: {err}");
    }
}
