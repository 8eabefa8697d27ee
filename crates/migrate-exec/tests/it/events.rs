//! The event line formats the CLI prints.

use std::time::Duration;

use migrate_exec::{Event, RunSummary, StepMessage, StepProgress, json_line, plain_line};
use serde_json::json;
use time::macros::datetime;

const AT: time::OffsetDateTime = datetime!(2026-12-01 18:00:05 UTC);

#[test]
fn json_lines_carry_time_event_and_fields() {
    let line = json_line(
        &Event::StepRetrying {
            id: "reindex/movies/pass-1".into(),
            attempt: 2,
            delay: Duration::from_millis(1250),
            error: "429 Too Many Requests".into(),
        },
        AT,
    );
    assert_eq!(
        line,
        r#"{"time":"2026-12-01T18:00:05Z","event":"step_retrying","id":"reindex/movies/pass-1","attempt":2,"delay_ms":1250,"error":"429 Too Many Requests"}"#
    );
    let progress = json_line(
        &Event::Progress {
            id: "restore/movies/round-1".into(),
            progress: StepProgress {
                done: Some(3),
                total: Some(5),
                unit: "shards",
                message: None,
            },
        },
        AT,
    );
    let v: serde_json::Value = serde_json::from_str(&progress).unwrap();
    assert_eq!(
        v["progress"],
        json!({"done": 3, "total": 5, "unit": "shards", "message": null})
    );
}

#[test]
fn plain_lines_are_timestamped_and_say_what_happened() {
    let cases = [
        (
            Event::StepStarted {
                id: "a".into(),
                attempt: 1,
            },
            "started  a",
        ),
        (
            Event::StepStarted {
                id: "a".into(),
                attempt: 3,
            },
            "started  a (attempt 3)",
        ),
        (
            Event::StepDone {
                id: "a".into(),
                outputs: json!(null),
            },
            "done     a",
        ),
        (
            Event::StepFailed {
                id: "a".into(),
                error: "400 bad".into(),
            },
            "failed   a: 400 bad",
        ),
        (
            Event::StepBlocked {
                id: "cutover/gate".into(),
                message: "set `cutover.approved: true`".into(),
            },
            "blocked  cutover/gate: set `cutover.approved: true`",
        ),
        (
            Event::Progress {
                id: "reindex/m".into(),
                progress: StepProgress {
                    done: Some(10),
                    total: Some(40),
                    unit: "docs",
                    message: Some("task n:1".into()),
                },
            },
            "progress reindex/m 10/40 docs: task n:1",
        ),
        (
            Event::RunStarted {
                plan: "p".into(),
                lock_id: "x".into(),
                steps: 5,
                to_run: 2,
                invalidated: vec!["b".into()],
            },
            "apply `p`: 2 of 5 steps to run, 3 done; 1 run again because the plan changed: b",
        ),
    ];
    for (event, expected) in cases {
        assert_eq!(
            plain_line(&event, AT),
            format!("2026-12-01T18:00:05Z {expected}")
        );
    }
}

#[test]
fn the_summary_line_names_failed_and_blocked_steps() {
    let summary = RunSummary {
        steps: 6,
        done: 2,
        skipped: 1,
        failed: vec![StepMessage {
            id: "restore/m".into(),
            message: "index exists".into(),
        }],
        blocked: vec![],
        not_started: vec!["verify/m".into()],
        interrupted: false,
    };
    assert_eq!(summary.exit_code(), 1);
    assert_eq!(
        plain_line(&Event::RunFinished { summary }, AT),
        "2026-12-01T18:00:05Z 1 step(s) failed: 2 done now, 1 already done, 1 not started, of 6 steps\n  failed  restore/m: index exists"
    );
}
