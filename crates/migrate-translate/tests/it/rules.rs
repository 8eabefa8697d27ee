//! Every rule of the table has a fixture in `corpus/rules/<id>.json` whose cases produce the
//! expected output and findings, and at least one finding of that rule; no fixture lacks a rule.

use std::collections::BTreeSet;

use migrate_translate::rules::RULES;
use serde_json::Value;

use crate::support::{bless, corpus_dir, read_json, run};

#[test]
fn every_rule_has_a_fixture_whose_cases_give_the_expected_translation_and_name_the_rule() {
    let dir = corpus_dir().join("rules");
    let mut failures = Vec::new();
    for rule in RULES {
        let path = dir.join(format!("{}.json", rule.id));
        assert!(
            path.is_file(),
            "rule `{}` has no fixture at {}",
            rule.id,
            path.display()
        );
        let mut fixture = read_json(&path);
        let cases = fixture["cases"].as_array_mut().expect("`cases` is a list");
        assert!(!cases.is_empty(), "{}: no cases", rule.id);
        let mut changed = false;
        for (i, case) in cases.iter_mut().enumerate() {
            let got = serde_json::to_value(run(case)).unwrap();
            let named = got["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["rule"] == rule.id);
            let fires = case.get("fires").and_then(Value::as_bool).unwrap_or(true);
            if named != fires {
                failures.push(format!(
                    "{} case {i}: the rule {} in {}",
                    rule.id,
                    if fires { "did not fire" } else { "fired" },
                    got["findings"]
                ));
            }
            match case.get("expected") {
                Some(expected) if *expected == got => {}
                _ if bless() => {
                    case["expected"] = got;
                    changed = true;
                }
                Some(expected) => failures.push(format!(
                    "{} case {i}:\nexpected {}\n     got {}",
                    rule.id,
                    serde_json::to_string_pretty(expected).unwrap(),
                    serde_json::to_string_pretty(&got).unwrap()
                )),
                None => failures.push(format!(
                    "{} case {i}: no `expected` (run with TRANSLATE_BLESS=1 and review)",
                    rule.id
                )),
            }
        }
        if changed {
            std::fs::write(
                &path,
                serde_json::to_string_pretty(&fixture).unwrap() + "\n",
            )
            .unwrap();
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn no_rule_fixture_exists_without_its_rule_in_the_table() {
    let ids: BTreeSet<&str> = RULES.iter().map(|r| r.id).collect();
    for entry in std::fs::read_dir(corpus_dir().join("rules")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        let id = name.trim_end_matches(".json");
        assert!(
            ids.contains(id),
            "fixture `{name}` names no rule of the table"
        );
    }
}

#[test]
fn rule_ids_are_unique_kebab_case_and_every_rule_is_documented() {
    let mut seen = BTreeSet::new();
    for r in RULES {
        assert!(seen.insert(r.id), "rule `{}` twice", r.id);
        assert!(
            r.id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "`{}` is not kebab-case",
            r.id
        );
        assert!(
            r.summary.len() > 30,
            "`{}` needs a one-line what and why",
            r.id
        );
        assert!(!r.docs.is_empty(), "`{}` cites no docs", r.id);
        assert!(
            !r.objects.is_empty() && !r.source.is_empty() && !r.destination.is_empty(),
            "`{}`",
            r.id
        );
    }
}

#[test]
fn findings_point_into_the_source_object() {
    for entry in std::fs::read_dir(corpus_dir().join("rules")).unwrap() {
        let fixture = read_json(&entry.unwrap().path());
        for case in fixture["cases"].as_array().unwrap() {
            for f in run(case).findings {
                assert!(
                    case["input"].pointer(&f.path).is_some(),
                    "{}: `{}` is not a pointer into the input {}",
                    f.rule,
                    f.path,
                    case["input"]
                );
            }
        }
    }
}
