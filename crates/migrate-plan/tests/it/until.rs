//! `incremental_passes` / `incremental_rounds` as a count (unchanged) or as `{ max, until }`: the
//! measures load as given, and nonsense (no measure, bytes on passes, a `max` that leaves nothing
//! to decide, an unknown measure, zero) is refused at the field with the fix.

use migrate_plan::*;

fn load_with(strategy: &str) -> Result<Plan, String> {
    let text = format!(
        "version: 1\nname: until\nsource: {{ url: \"http://10.0.0.1:9200\" }}\ndestination: {{ url: \"http://10.0.0.2:9200\" }}\nindexes: [movies]\nstrategy: {{ {strategy} }}\n"
    );
    load_str("t.yaml", &text, &LoadOptions::default())
        .map(|l| l.plan)
        .map_err(|d| render(&d, &RenderOptions::plain()))
}

fn load(passes: &str) -> Result<Plan, String> {
    load_with(&format!(
        "copy: {{ update_field: updated_at, incremental_passes: {passes} }}"
    ))
}

fn load_rounds(rounds: &str) -> Result<Plan, String> {
    load_with(&format!(
        "snapshot: {{ repository: r, source_store: {{ fs: {{ location: /tmp/r }} }}, incremental_rounds: {rounds} }}"
    ))
}

fn passes(plan: &Plan) -> (u32, Option<Until>) {
    match &plan.strategy {
        Strategy::Copy(c) => (c.incremental_passes, c.passes_until),
        other => panic!("a copy plan, found {other:?}"),
    }
}

fn rounds(plan: &Plan) -> (u32, Option<Until>) {
    match &plan.strategy {
        Strategy::Snapshot(s) => (s.incremental_rounds, s.rounds_until),
        other => panic!("a snapshot plan, found {other:?}"),
    }
}

#[test]
fn a_count_is_that_many_passes_without_a_threshold() {
    assert_eq!(passes(&load("3").expect("valid")), (3, None));
    assert_eq!(rounds(&load_rounds("2").expect("valid")), (2, None));
}

#[test]
fn max_and_until_documents_load_as_the_passes_and_their_threshold() {
    let plan = load("{ max: 5, until: { documents: 1000 } }").expect("valid");
    let until = Until {
        documents: Some(1000),
        ..Until::default()
    };
    assert_eq!(passes(&plan), (5, Some(until)));
    let plan = load("{ max: 5, until: { documents: 1000, seconds: 30 } }").expect("valid");
    assert_eq!(passes(&plan).1.and_then(|u| u.seconds), Some(30));
}

#[test]
fn rounds_take_documents_bytes_and_seconds() {
    let plan = load_rounds("{ max: 4, until: { documents: 10, bytes: 1048576, seconds: 60 } }")
        .expect("valid");
    assert_eq!(
        rounds(&plan),
        (
            4,
            Some(Until {
                documents: Some(10),
                bytes: Some(1_048_576),
                seconds: Some(60)
            })
        )
    );
}

#[test]
fn an_until_without_documents_or_with_an_unknown_measure_is_refused() {
    for bad in [
        "{ max: 5, until: { parsecs: 3 } }",
        "{ max: 5, until: {} }",
        "{ max: 5 }",
        "{ max: 5, until: { documents: 0 } }",
        "{ max: 5, until: { seconds: 0 } }",
        "{ max: 5, until: { documents: -1 } }",
    ] {
        let err = load(bad).expect_err(bad);
        assert!(err.contains("incremental_passes"), "{bad}: {err}");
    }
}

#[test]
fn an_empty_until_is_refused_naming_the_measures_to_give() {
    let err = load_rounds("{ max: 3, until: {} }").expect_err("empty until");
    assert!(
        err.contains("`incremental_rounds.until` gives no threshold"),
        "{err}"
    );
    assert!(err.contains("`documents`, `bytes`, `seconds`"), "{err}");
}

#[test]
fn bytes_on_passes_are_refused_saying_passes_measure_documents_and_seconds() {
    let err = load("{ max: 3, until: { bytes: 1000 } }").expect_err("bytes on passes");
    assert!(
        err.contains("incremental passes do not measure bytes"),
        "{err}"
    );
    assert!(err.contains("use `documents` or `seconds`"), "{err}");
}

#[test]
fn a_max_below_two_leaves_until_nothing_to_decide_and_is_refused() {
    for (bad, load) in [
        ("{ max: 1, until: { documents: 5 } }", load as fn(&str) -> _),
        ("{ max: 0, until: { bytes: 5 } }", load_rounds),
    ] {
        let err = load(bad).expect_err(bad);
        assert!(err.contains("so `until` never skips"), "{bad}: {err}");
        assert!(err.contains("set `max` to 2 or more"), "{bad}: {err}");
    }
}
