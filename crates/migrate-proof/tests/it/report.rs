//! The per-index verdicts, the text table and the JSON for events.

use migrate_proof::{Column, DocDiff, IndexReport, Level, MetaCheck, RunReport, Verdict};
use serde_json::json;

fn col(count: u64, examples: &[&str]) -> Column {
    Column {
        count,
        examples: examples.iter().map(|e| e.to_string()).collect(),
    }
}

fn docs(n: u64) -> DocDiff {
    DocDiff {
        source_docs: n,
        destination_docs: n,
        ..DocDiff::default()
    }
}

fn report(name: &str, level: Level, d: DocDiff) -> IndexReport {
    IndexReport::new(
        name,
        name,
        level,
        d,
        MetaCheck::Same,
        MetaCheck::Same,
        MetaCheck::NotChecked,
    )
}

#[test]
fn a_proof_without_findings_is_clean() {
    assert_eq!(report("a", Level::Proof, docs(10)).verdict, Verdict::Clean);
}

#[test]
fn weaker_levels_and_dead_letters_are_clean_with_findings_never_clean() {
    let sampled = report("a", Level::Sampled { sample_size: 200 }, docs(10));
    assert_eq!(
        sampled.verdict,
        Verdict::CleanWithFindings(vec![
            "not proven: 200 documents sampled (the plan chose `sampled` verification)".into()
        ])
    );
    let counts = report("a", Level::Counts, docs(10));
    assert!(matches!(counts.verdict, Verdict::CleanWithFindings(_)));
    let dead = report(
        "a",
        Level::Proof,
        DocDiff {
            dead_lettered: col(1, &["x"]),
            ..docs(10)
        },
    );
    assert_eq!(
        dead.verdict,
        Verdict::CleanWithFindings(vec![
            "not proven: 1 document dead-lettered, differing (`x`)".into()
        ])
    );
}

#[test]
fn any_difference_fails_with_every_reason() {
    let d = DocDiff {
        missing: col(7, &["a", "b", "c"]),
        differing: col(1, &["z"]),
        ..docs(10)
    };
    let mappings = migrate_proof::metadata::check(
        migrate_translate::ObjectKind::Mappings,
        &json!({"properties": {"t": {"type": "keyword"}}}),
        &json!({"properties": {"t": {"type": "text"}}}),
        &migrate_proof::KeyFilter::default(),
        3,
    );
    let r = IndexReport::new(
        "a",
        "b",
        Level::Proof,
        d,
        mappings,
        MetaCheck::Same,
        MetaCheck::Same,
    );
    assert_eq!(
        r.verdict,
        Verdict::Failed(vec![
            "7 documents missing on the destination (`a`, `b`, `c`, …)".into(),
            "1 document differing (`z`)".into(),
            "mappings: 1 difference (first: `properties.t.type`: `keyword` intended, `text` on the destination)".into(),
        ])
    );
    let counted = report(
        "c",
        Level::Counts,
        DocDiff {
            destination_docs: 9,
            ..docs(10)
        },
    );
    assert_eq!(
        counted.verdict,
        Verdict::Failed(vec![
            "10 documents on the source, 9 documents on the destination".into()
        ])
    );
    let broken = report("a", Level::Proof, docs(1)).fail("reading the source: timed out");
    assert_eq!(
        broken.verdict,
        Verdict::Failed(vec!["reading the source: timed out".into()])
    );
}

fn run() -> RunReport {
    RunReport {
        indexes: vec![
            report("movies", Level::Proof, docs(1_000_000)),
            IndexReport::new(
                "logs",
                "logs-v2",
                Level::Proof,
                DocDiff {
                    source_docs: 120,
                    destination_docs: 119,
                    missing: col(2, &["l-1", "l-9"]),
                    extra: col(1, &["l-500"]),
                    ..DocDiff::default()
                },
                MetaCheck::Differs {
                    count: 2,
                    examples: vec![],
                },
                MetaCheck::Same,
                MetaCheck::NotChecked,
            ),
            report("users", Level::Sampled { sample_size: 200 }, docs(5)),
        ],
        findings_file: Some(".migrate/verify-findings.jsonl".into()),
    }
}

#[test]
fn the_table_has_one_row_per_index_then_the_reasons_and_the_findings_file() {
    assert_eq!(
        run().render(),
        "index           docs source  docs destination  missing       extra      differing  mappings  settings  aliases  result\n\
         movies          1000000      1000000           0             0          0          ok        ok        -        clean\n\
         logs → logs-v2  120          119               2 (l-1, l-9)  1 (l-500)  0          2 differ  ok        -        FAILED\n\
         users           5            5                 0             0          0          ok        ok        -        clean, not proven\n\
         logs → logs-v2: 2 documents missing on the destination (`l-1`, `l-9`)\n\
         logs → logs-v2: 1 document on the destination only (`l-500`)\n\
         logs → logs-v2: mappings: 2 differences\n\
         users: not proven: 200 documents sampled (the plan chose `sampled` verification)\n\
         every finding: .migrate/verify-findings.jsonl"
    );
    assert!(run().failed());
    assert!(!run().all_clean());
}

#[test]
fn the_event_json_carries_every_column_and_the_verdict() {
    let v = serde_json::to_value(&run().indexes[2]).unwrap();
    assert_eq!(
        v,
        json!({
            "source_index": "users", "destination_index": "users",
            "level": "sampled", "sample_size": 200,
            "documents": {
                "source_docs": 5, "destination_docs": 5,
                "missing": {"count": 0, "examples": []},
                "extra": {"count": 0, "examples": []},
                "differing": {"count": 0, "examples": []},
                "dead_lettered": {"count": 0, "examples": []},
                "without_source": [0, 0], "buckets_drilled": 0, "spilled_bytes": 0
            },
            "mappings": {"result": "same"}, "settings": {"result": "same"},
            "aliases": {"result": "not_checked"}, "problems": [],
            "verdict": {"result": "clean_with_findings",
                        "reasons": ["not proven: 200 documents sampled (the plan chose `sampled` verification)"]}
        })
    );
}
