//! The state format: golden round trip, the v0 → v1 upgrade, refusal of newer formats, and that
//! the dry-run (migrate-graph's reader) still reads what we write.

use std::path::Path;

use migrate_state::{FORMAT_VERSION, State, StepState, StepStatus, parse_state, to_canonical_json};
use serde_json::json;
use time::macros::datetime;
use uuid::Uuid;

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Compares with a golden file; `UPDATE_GOLDEN=1` rewrites it.
fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    assert_eq!(fixture(name), actual, "golden file {name} differs");
}

fn sample() -> State {
    let mut state = State::new("movies-aws-to-hangzhou");
    state.lineage = Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
    state.serial = 7;
    state.plan_fingerprint = Some("f00d".into());
    let done = state.step_mut("snapshot/movies/round-1");
    done.status = StepStatus::Done;
    done.attempts = 2;
    done.started_at = Some(datetime!(2026-12-01 18:00:00 UTC));
    done.finished_at = Some(datetime!(2026-12-01 18:05:30.25 UTC));
    done.fingerprint = Some("aa11".into());
    // Keys in non-sorted order: the output sorts them.
    done.handle = Some(json!({"snapshot": "round-1", "repository": "repo"}));
    done.outputs = Some(json!({"shards": {"total": 5, "failed": 0}, "indices": ["movies"]}));
    let failed = state.step_mut("restore/movies/round-1");
    failed.status = StepStatus::Failed;
    failed.attempts = 1;
    failed.error = Some("index [movies] is open; close it first".into());
    state.step_mut("cutover/gate").status = StepStatus::Blocked;
    state
}

#[test]
fn a_state_round_trips_through_its_golden_file() {
    let state = sample();
    let text = to_canonical_json(&state);
    golden("v1-sample.json", &text);
    let (back, upgraded) = parse_state(Path::new("x"), &text, "ignored").unwrap();
    assert!(!upgraded);
    assert_eq!(back, state);
    assert_eq!(to_canonical_json(&back), text);
}

#[test]
fn the_dry_run_reader_reads_what_we_write() {
    let text = to_canonical_json(&sample());
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let map: migrate_graph::StatusMap = serde_json::from_value(doc["steps"].clone()).unwrap();
    let status = |id: &str| map[id].status;
    assert_eq!(
        status("snapshot/movies/round-1"),
        migrate_graph::StepStatus::Done
    );
    assert_eq!(
        map["snapshot/movies/round-1"].fingerprint.as_deref(),
        Some("aa11")
    );
    assert_eq!(
        status("restore/movies/round-1"),
        migrate_graph::StepStatus::Failed
    );
    // Blocked at the gate reads as pending: the dry-run shows it will run again.
    assert_eq!(status("cutover/gate"), migrate_graph::StepStatus::Pending);
}

#[test]
fn the_plain_v0_form_is_upgraded() {
    let (state, upgraded) =
        parse_state(Path::new("old.json"), &fixture("v0-plain.json"), "movies").unwrap();
    assert!(upgraded);
    assert_eq!(state.format_version, FORMAT_VERSION);
    assert_eq!(state.serial, 0);
    assert_eq!(state.plan_name, "movies");
    let mut normalised = state.clone();
    normalised.lineage = Uuid::nil();
    golden("v0-plain.upgraded.json", &to_canonical_json(&normalised));
    assert_eq!(
        state.step("verify/movies").unwrap().status,
        StepStatus::Failed
    );
    assert_eq!(
        state
            .step("snapshot/movies/round-1")
            .unwrap()
            .fingerprint
            .as_deref(),
        Some("aa11")
    );
}

#[test]
fn v0_under_steps_is_upgraded_too() {
    let text = r#"{"steps": {"a": {"status": "done", "fingerprint": "01"}, "b": "pending"}}"#;
    let (state, _) = parse_state(Path::new("s"), text, "p").unwrap();
    let a: &StepState = state.step("a").unwrap();
    assert_eq!(
        (a.status, a.fingerprint.as_deref()),
        (StepStatus::Done, Some("01"))
    );
    assert_eq!(state.step("b").unwrap().status, StepStatus::Pending);
}

#[test]
fn a_newer_format_is_refused_with_what_to_do() {
    let err = parse_state(
        Path::new(".migrate/movies.state.json"),
        &fixture("newer.json"),
        "movies",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "state file `.migrate/movies.state.json` was written by a newer migrate (state format 2; this migrate reads up to 1); upgrade migrate to use this state"
    );
    assert!(err.is_refused_state());
}

#[test]
fn invalid_states_name_the_file_and_the_problem() {
    let cases = [
        ("[1, 2]", "expected a JSON object"),
        (
            "{\"a\": 3}",
            "step `a`: expected a status string or an object, found `3`",
        ),
        ("{\"a\": \"finished\"}", "unknown variant `finished`"),
        (
            "{\"format_version\": \"one\"}",
            "`format_version` must be a whole number, found `\"one\"`",
        ),
        ("{", "not JSON"),
    ];
    for (text, expected) in cases {
        let err = parse_state(Path::new("s.json"), text, "p")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("state file `s.json` is not a valid migrate state: "),
            "{err}"
        );
        assert!(err.contains(expected), "{text}: {err}");
        assert!(
            err.ends_with("move it aside to start the plan from scratch"),
            "{err}"
        );
    }
}
