//! Every rule across every version pair the table covers (sources ES 2/5/6/7/8 and OpenSearch
//! 1/2/3, destinations ES 5/6/7/8 and OpenSearch 1/2/3, forward only): each rule fixture's input is
//! translated for every pair, and a rule never fires where the table says it does not apply. The
//! rules whose input reads the same from any source (settings, analysis, field types) fire on
//! exactly the pairs where they apply, which pins each version boundary.

use std::collections::BTreeSet;

use migrate_translate::rules::RULES;
use migrate_translate::{Options, Target, Translator};
use serde_json::Value;

use crate::support::{corpus_dir, kind, read_json};

/// One release per line the table distinguishes, boundaries included.
const VERSIONS: &[&str] = &[
    "2.4.6",
    "5.6.16",
    "6.3.2",
    "6.8.23",
    "7.0.0",
    "7.10.2",
    "7.17.0",
    "8.0.0",
    "8.15.0",
    "OpenSearch 1.3.0",
    "OpenSearch 2.0.0",
    "OpenSearch 2.6.0",
    "OpenSearch 2.11.0",
    "OpenSearch 3.0.0",
];

/// Is `src → dst` a pair the table translates (forward, in range)?
fn forward(src: Target, dst: Target) -> bool {
    let in_range = match dst.flavor {
        migrate_translate::Flavor::Elasticsearch => dst.major >= 5,
        migrate_translate::Flavor::OpenSearch => true,
    };
    in_range
        && match (src.flavor, dst.flavor) {
            (a, b) if a == b => dst.major_minor() >= src.major_minor(),
            (migrate_translate::Flavor::Elasticsearch, migrate_translate::Flavor::OpenSearch) => {
                true
            }
            _ => false,
        }
}

/// Rules whose fixture input fires on every forward pair where the rule applies.
const EXACT: &[&str] = &[
    "strip-private-settings",
    "strip-archived-settings",
    "strip-routing-allocation",
    "strip-write-blocks",
    "soft-deletes-required",
    "remote-store-settings",
    "lifecycle-settings-on-opensearch",
    "ngram-names",
    "delimited-payload-name",
    "html-strip-name",
    "path-hierarchy-name",
    "standard-token-filter",
    "max-ngram-diff",
    "max-shingle-diff",
    "dense-vector-to-knn-vector",
    "flattened-to-flat-object",
    "string-to-text-keyword",
    "index-analyzed-boolean",
];

#[test]
fn no_rule_fires_on_a_version_pair_where_the_table_says_it_does_not_apply() {
    let targets: Vec<Target> = VERSIONS.iter().map(|v| Target::parse(v).unwrap()).collect();
    let mut outside = Vec::new();
    let mut missed = Vec::new();
    let mut pairs = BTreeSet::new();
    for rule in RULES {
        let fixture = read_json(&corpus_dir().join(format!("rules/{}.json", rule.id)));
        let Some(case) = fixture["cases"].as_array().and_then(|c| c.first()) else {
            continue;
        };
        let options: Options = case
            .get("options")
            .map(|o| serde_json::from_value(o.clone()).unwrap())
            .unwrap_or_default();
        let object_kind = kind(case["kind"].as_str().unwrap());
        for &src in &targets {
            for &dst in &targets {
                if !forward(src, dst) {
                    continue;
                }
                pairs.insert((src.to_string(), dst.to_string()));
                let t = Translator::new(src, dst, options.clone())
                    .translate(object_kind, &case["input"]);
                for f in &t.findings {
                    let Some(fired) = RULES.iter().find(|r| r.id == f.rule) else {
                        outside.push(format!("{src} → {dst}: unknown rule `{}`", f.rule));
                        continue;
                    };
                    if !fired.applies(src, dst) {
                        outside.push(format!("{src} → {dst}: `{}` fired ({})", f.rule, f.message));
                    }
                }
                let fires = t.findings.iter().any(|f| f.rule == rule.id);
                if EXACT.contains(&rule.id) && rule.applies(src, dst) && !fires {
                    missed.push(format!("{src} → {dst}: `{}` did not fire", rule.id));
                }
            }
        }
    }
    assert!(pairs.len() > 80, "{} pairs", pairs.len());
    assert!(outside.is_empty(), "{}", outside.join("\n"));
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}

#[test]
fn the_analysis_renames_hold_from_es_7_and_on_every_opensearch_and_not_before() {
    let settings: Value = serde_json::json!({"index": {"analysis": {
        "tokenizer": {"t": {"type": "nGram"}, "p": {"type": "PathHierarchy"}},
        "filter": {"e": {"type": "edgeNGram"}, "d": {"type": "delimited_payload_filter"}},
        "char_filter": {"h": {"type": "htmlStrip"}}
    }}});
    let renames = [
        "ngram-names",
        "path-hierarchy-name",
        "delimited-payload-name",
        "html-strip-name",
    ];
    for (dst, renamed) in [
        ("5.6.16", false),
        ("6.8.23", false),
        ("7.0.0", true),
        ("7.17.0", true),
        ("8.0.0", true),
        ("OpenSearch 1.3.0", true),
        ("OpenSearch 2.11.0", true),
        ("OpenSearch 3.0.0", true),
    ] {
        let t = Translator::new(
            Target::parse("5.6.16").unwrap(),
            Target::parse(dst).unwrap(),
            Options::default(),
        )
        .translate(migrate_translate::ObjectKind::Settings, &settings);
        for rule in renames {
            assert_eq!(
                t.findings.iter().any(|f| f.rule == rule),
                renamed,
                "{rule} for {dst}: {:?}",
                t.findings
            );
        }
        let a = &t.object().unwrap()["index"]["analysis"];
        let expect = |old: &str, new: &str| {
            if renamed {
                new.to_string()
            } else {
                old.to_string()
            }
        };
        assert_eq!(
            a["tokenizer"]["t"]["type"],
            expect("nGram", "ngram"),
            "{dst}"
        );
        assert_eq!(
            a["tokenizer"]["p"]["type"],
            expect("PathHierarchy", "path_hierarchy"),
            "{dst}"
        );
        assert_eq!(
            a["filter"]["e"]["type"],
            expect("edgeNGram", "edge_ngram"),
            "{dst}"
        );
        assert_eq!(
            a["filter"]["d"]["type"],
            expect("delimited_payload_filter", "delimited_payload"),
            "{dst}"
        );
        assert_eq!(
            a["char_filter"]["h"]["type"],
            expect("htmlStrip", "html_strip"),
            "{dst}"
        );
    }
}
