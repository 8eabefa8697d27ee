//! The update field's unit and format end to end, for the reindex and copy strategies: an
//! epoch-seconds numeric field and a `yyyy-MM-dd HH:mm:ss` date field, with documents updated on
//! the source while the run waits at the gate; the final pass must copy them (bounds in the field's
//! own unit or with the range's `format`), so the proof is clean, and stays clean verified again.
//! A numeric field whose values do not say their unit, or contradict the declared one, is refused
//! at preflight (nothing written to the destination), naming the index, the field, the values and
//! the plan field to set.

use crate::support::passes::*;
use crate::support::*;
use serde_json::{Value, json};

/// `yyyy-MM-dd HH:mm:ss` of epoch milliseconds, UTC.
fn formatted(ms: u64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp((ms / 1000) as i64).unwrap();
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Seeds `movies` with `updated_at` mapped as `field` and valued by `value(ms)` a day ago, runs to
/// the gate, updates two documents and adds one with `value(now)`, runs to the end: the proof must
/// be clean and the updates on the destination.
async fn documents_updated_during_the_run_reach_the_destination(
    strategy: &str,
    field: Value,
    value: fn(u64) -> Value,
) {
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = pass_pair(strategy, "7.10.2", work.path()).await;
    let hs = Http::new(None);
    hs.put(
        format!("{}/movies", source.url),
        json!({"settings": {"number_of_shards": 2}, "mappings": {"properties": {
            "title": {"type": "text"}, "year": {"type": "integer"}, "updated_at": field
        }}}),
    )
    .await;
    let day_ago = now_millis() - 86_400_000;
    let docs: Vec<_> = (0..200)
        .map(|i| {
            let mut d = movie(i, None);
            d["updated_at"] = value(day_ago + i as u64 * 1000);
            ("movies", None, i.to_string(), d)
        })
        .collect();
    hs.bulk(&source.url, &docs).await;
    let plan_path = work.path().join("plan.yaml");
    std::fs::write(
        &plan_path,
        pass_plan("unit", strategy, &source, &destination, ""),
    )
    .unwrap();
    let p = plan_path.to_str().unwrap();
    let first = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));

    // Written while the run waits at the gate, stamped now (in the field's own unit or format).
    let now = now_millis();
    for id in ["3", "150", "new-1"] {
        let mut d = movie(7, None);
        d["title"] = json!(format!("Updated during the run {id}"));
        d["updated_at"] = value(now);
        hs.put(format!("{}/movies/_doc/{id}?refresh=true", source.url), d)
            .await;
    }
    approve(&plan_path);
    let second = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    let t = text(&second);
    assert_eq!(second.status.code(), Some(0), "{t}");
    assert!(movies_row_says(&t, "clean"), "{t}");
    let got: Value = reqwest::get(format!("{}/movies/_doc/150", destination.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        got["_source"]["title"], "Updated during the run 150",
        "{got}"
    );
    let out = run(work.path(), &["verify", p, "--output", "plain"], &[]);
    let t = text(&out);
    assert_eq!(
        (out.status.code(), movies_row_says(&t, "clean")),
        (Some(0), true),
        "{t}"
    );
}

fn epoch_seconds(ms: u64) -> Value {
    json!(ms / 1000)
}

fn date_time_text(ms: u64) -> Value {
    json!(formatted(ms))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindex_an_epoch_seconds_update_field_copies_documents_updated_during_the_run() {
    if real_clusters() {
        return;
    }
    documents_updated_during_the_run_reach_the_destination(
        "reindex",
        json!({"type": "long"}),
        epoch_seconds,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_an_epoch_seconds_update_field_copies_documents_updated_during_the_run() {
    if real_clusters() {
        return;
    }
    documents_updated_during_the_run_reach_the_destination(
        "copy",
        json!({"type": "long"}),
        epoch_seconds,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindex_a_date_field_formatted_yyyy_mm_dd_hh_mm_ss_copies_documents_updated_during_the_run()
 {
    if real_clusters() {
        return;
    }
    documents_updated_during_the_run_reach_the_destination(
        "reindex",
        json!({"type": "date", "format": "yyyy-MM-dd HH:mm:ss"}),
        date_time_text,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_a_date_field_formatted_yyyy_mm_dd_hh_mm_ss_copies_documents_updated_during_the_run() {
    if real_clusters() {
        return;
    }
    documents_updated_during_the_run_reach_the_destination(
        "copy",
        json!({"type": "date", "format": "yyyy-MM-dd HH:mm:ss"}),
        date_time_text,
    )
    .await;
}

/// `movies` on the source with `updated_at` mapped `long` holding `values` (one document each),
/// and a `strategy` plan with `extra`: `migrate apply` is refused at preflight, naming what
/// `expect` lists, before anything is written to the destination (no mutating request reached it,
/// no index is there). Then the plan with `fixed` runs to the gate and copies every document.
async fn refused_at_preflight_then_runs_once_declared(
    strategy: &str,
    values: &[u64],
    (extra, fixed): (&str, &str),
    expect: &[&str],
) {
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = pass_pair(strategy, "7.10.2", work.path()).await;
    let hs = Http::new(None);
    source.test_writes_begin();
    hs.put(
        format!("{}/movies", source.url),
        json!({"mappings": {"properties": {"updated_at": {"type": "long"}}}}),
    )
    .await;
    let docs: Vec<_> = values
        .iter()
        .enumerate()
        .map(|(i, v)| ("movies", None, i.to_string(), json!({"updated_at": v})))
        .collect();
    hs.bulk(&source.url, &docs).await;
    source.test_writes_done();
    let plan_path = work.path().join("plan.yaml");
    let write = |extra: &str| {
        std::fs::write(
            &plan_path,
            pass_plan("unit", strategy, &source, &destination, extra),
        )
        .unwrap()
    };
    write(extra);
    let p = plan_path.to_str().unwrap();
    let out = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(
        t.contains("preflight/versions"),
        "refused by the preflight step: {t}"
    );
    for part in expect {
        assert!(t.contains(part), "names {part}: {t}");
    }
    if let Some(writes) = destination.mutating() {
        let sent: Vec<String> = writes
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        assert!(sent.is_empty(), "written to the destination: {sent:?}");
    }
    let listed = hs
        .get(format!("{}/_cat/indices?format=json", destination.url))
        .await;
    assert_eq!(listed, json!([]), "indexes on the destination");
    let dry = run(work.path(), &["plan", "--dry-run", p], &[]);
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));

    // Declared as the values say: the run goes on to the gate, every document copied.
    write(fixed);
    let out = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        hs.count(&destination.url, "movies").await,
        values.len() as u64
    );
}

/// Version counters, not times: neither seconds nor milliseconds since the epoch.
const COUNTERS: [u64; 20] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_a_numeric_update_field_of_unclear_unit_is_refused_at_preflight_before_anything_is_written()
 {
    if real_clusters() {
        return;
    }
    refused_at_preflight_then_runs_once_declared(
        "copy",
        &COUNTERS,
        ("", "    update_field_unit: seconds\n"),
        &[
            "`updated_at` of `movies`",
            "(19, 18, 17, 16, 15)",
            "`strategy.copy.update_field_unit: seconds`",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindex_a_numeric_update_field_of_unclear_unit_is_refused_at_preflight_before_anything_is_written()
 {
    if real_clusters() {
        return;
    }
    refused_at_preflight_then_runs_once_declared(
        "reindex",
        &COUNTERS,
        ("", "    update_field_unit: millis\n"),
        &[
            "`updated_at` of `movies`",
            "(19, 18, 17, 16, 15)",
            "`strategy.reindex.update_field_unit: seconds`",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_field_unit_the_values_contradict_is_refused_at_preflight_naming_the_right_one() {
    if real_clusters() {
        return;
    }
    let day_ago = now_millis() / 1000 - 86_400;
    let seconds: Vec<u64> = (0..20).map(|i| day_ago + i).collect();
    refused_at_preflight_then_runs_once_declared(
        "copy",
        &seconds,
        (
            "    update_field_unit: millis\n",
            "    update_field_unit: seconds\n",
        ),
        &[
            "`updated_at` of `movies`",
            "declared `strategy.copy.update_field_unit: millis`",
            &format!("({}, ", day_ago + 19),
            "count seconds",
            "set `strategy.copy.update_field_unit: seconds`",
        ],
    )
    .await;
}
