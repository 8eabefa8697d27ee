//! `docs/translation.md` holds the rule table and the ILM → ISM mapping as generated from the
//! code; this fails when they drift (`TRANSLATE_BLESS=1` rewrites the generated blocks).

use migrate_translate::docs::{ILM_MARKERS, RULES_MARKERS, ilm_markdown, rules_markdown};
use migrate_translate::rules::RULES;

use crate::support::bless;

fn page() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/translation.md")
}

fn splice(text: &str, (start, end): (&str, &str), body: &str) -> String {
    let (Some(a), Some(b)) = (text.find(start), text.find(end)) else {
        panic!("docs/translation.md lacks the markers {start} … {end}");
    };
    format!("{}{start}\n{body}{}", &text[..a], &text[b..])
}

#[test]
fn the_docs_page_holds_the_rule_table_and_the_ilm_mapping_generated_from_the_code() {
    let text = std::fs::read_to_string(page()).expect("docs/translation.md");
    let want = splice(
        &splice(&text, RULES_MARKERS, &rules_markdown()),
        ILM_MARKERS,
        &ilm_markdown(),
    );
    if want != text && bless() {
        std::fs::write(page(), &want).unwrap();
        return;
    }
    assert!(
        want == text,
        "docs/translation.md drifted from the rule table: run `TRANSLATE_BLESS=1 cargo test -p migrate-translate --test it docs`"
    );
    for r in RULES {
        assert!(
            text.contains(&format!("| `{}` |", r.id)),
            "rule `{}` is not documented",
            r.id
        );
    }
}
