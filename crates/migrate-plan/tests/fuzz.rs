//! Random bytes, random YAML-ish text and random mutations of a valid plan never panic, and every
//! finding they produce points inside the text.

use migrate_plan::{LoadOptions, load_bytes};
use proptest::prelude::*;

const PLAN: &str = include_str!("../../../plans/reindex-self-managed-to-aliyun.yaml");

fn check(bytes: &[u8]) {
    for strict in [false, true] {
        if let Err(d) = load_bytes("fuzz.yaml", bytes, &LoadOptions { strict }) {
            assert!(d.has_errors());
            for f in &d {
                assert!(!f.message.is_empty());
                for l in &f.labels {
                    assert!(l.span.start + l.span.len <= bytes.len().max(1), "{f:?}");
                }
                // Rendering never panics either.
                let _ = migrate_plan::render_diagnostic(f, &migrate_plan::RenderOptions::plain());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        check(&bytes);
    }

    #[test]
    fn random_yaml_like_text(text in "[a-z_:{}\\[\\],&*!|>'\"#\\- \n\t0-9.]{0,400}") {
        check(text.as_bytes());
    }

    #[test]
    fn mutated_valid_plan(cuts in proptest::collection::vec((0usize..PLAN.len(), 0usize..8, "[ :\\-{}\\[\\]a-z\n\t\"'&*]{0,4}"), 1..6)) {
        let mut text = PLAN.as_bytes().to_vec();
        for (at, del, ins) in cuts {
            let at = at.min(text.len());
            let end = (at + del).min(text.len());
            text.splice(at..end, ins.bytes());
        }
        check(&text);
    }
}
