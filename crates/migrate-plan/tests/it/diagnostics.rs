//! The whole rendered diagnostic for every bad case: file:line:col, the snippet with its label, the
//! help line. One fixture per case in the top-level `tests/bad-plans/` (the hand-written corpus), plus generated hostile inputs.

use std::path::PathBuf;

use migrate_plan::{Diagnostics, LoadOptions, RenderOptions, load_bytes, render};

const CANARY: &str = "canary-s3cr3t-5d1e";

/// The first piece of the canary (4 characters or more) found in `out`.
pub(crate) fn leaked(out: &str) -> Option<&'static str> {
    (0..CANARY.len() - 3)
        .map(|i| &CANARY[i..i + 4])
        .find(|piece| out.contains(piece))
}

fn rendered(d: &Diagnostics) -> String {
    render(d, &RenderOptions::plain())
}

/// The repository's corpus of hand-written bad plans.
fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/bad-plans")
}

fn fixture(name: &str) -> (String, Vec<u8>) {
    let path = corpus().join(name);
    (
        format!("tests/bad-plans/{name}"),
        std::fs::read(&path).expect("fixture exists"),
    )
}

fn reject(name: &str, bytes: &[u8], strict: bool) -> String {
    match load_bytes(name, bytes, &LoadOptions { strict }) {
        Ok(l) => panic!("{name} was accepted (warnings: {})", rendered(&l.warnings)),
        Err(d) => {
            assert!(d.has_errors());
            rendered(&d)
        }
    }
}

#[test]
fn every_bad_fixture_is_rejected_with_its_whole_diagnostic() {
    let dir = corpus();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/bad-plans")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") && n != "literal-secret.yaml")
        .collect();
    names.sort();
    assert!(names.len() >= 16, "{names:?}");
    for name in names {
        let (shown, bytes) = fixture(&name);
        let out = reject(&shown, &bytes, false);
        // Every finding that points into the file names it with line and column.
        if out.contains("╭─[") {
            assert!(out.contains(&format!("[{shown}:")), "{name}: {out}");
        }
        // The `secret-*` fixtures write a literal secret in every YAML form: no piece of it shows.
        assert_eq!(leaked(&out), None, "{name}: {out}");
        insta::assert_snapshot!(name.trim_end_matches(".yaml").to_owned(), out);
    }
}

#[test]
fn a_literal_secret_is_a_hidden_warning_and_an_error_under_strict() {
    let (shown, bytes) = fixture("literal-secret.yaml");
    let loaded = load_bytes(&shown, &bytes, &LoadOptions::default()).expect("valid with a warning");
    let warning = rendered(&loaded.warnings);
    assert_eq!(loaded.warnings.len(), 1);
    assert_eq!(leaked(&warning), None, "{warning}");
    insta::assert_snapshot!("literal-secret.warning", warning);
    assert!(!format!("{:?}", loaded.plan).contains(CANARY));

    let strict = reject(&shown, &bytes, true);
    assert_eq!(leaked(&strict), None, "{strict}");
    insta::assert_snapshot!("literal-secret.strict", strict);
}

#[test]
fn secrets_are_hidden_in_every_snippet() {
    // A literal secret on the same line as an unrelated error, and credentials inside a URL.
    let text = format!(
        "version: 1\nname: m\nsource:\n  url: http://admin:{CANARY}@10.0.0.1:9200\n  auth: {{ basic: {{ username: u, password: {CANARY}, extra: 1 }} }}\ndestination: {{ url: http://10.0.0.2:9200 }}\nindexes: [m]\nstrategy: {{ reindex: {{ remote_host: \"http://10.0.0.1:9200\" }} }}\n"
    );
    let out = reject("secret.yaml", text.as_bytes(), false);
    assert_eq!(leaked(&out), None, "{out}");
    assert!(out.contains("unknown key `extra`"), "{out}");
    // And in a file that is not even valid YAML.
    let broken = format!("version: 1\n  password: {CANARY}\n: [\n");
    let out = reject("broken.yaml", broken.as_bytes(), false);
    assert_eq!(leaked(&out), None, "{out}");
}

#[test]
fn non_utf8_bytes() {
    let mut bytes = b"version: 1\nname: caf".to_vec();
    bytes.push(0xe9);
    bytes.extend_from_slice(b"\nsource: {}\n");
    insta::assert_snapshot!("non-utf8", reject("latin1.yaml", &bytes, false));
}

#[test]
fn an_alias_bomb_stops_at_the_node_limit() {
    let mut text = String::from("version: 1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    insta::assert_snapshot!("alias-bomb", reject("bomb.yaml", text.as_bytes(), false));
}

#[test]
fn deep_nesting_stops_at_the_depth_limit() {
    let text = format!("version: 1\nname: {}{}\n", "[".repeat(200), "]".repeat(200));
    insta::assert_snapshot!("deep-flow", reject("deep.yaml", text.as_bytes(), false));
    let mut block = String::from("version: 1\n");
    for i in 0..100 {
        block.push_str(&" ".repeat(i));
        block.push_str("k:\n");
    }
    let out = reject("deep-block.yaml", block.as_bytes(), false);
    assert!(out.contains("nested more than 64 levels deep"), "{out}");
}

#[test]
fn an_oversized_file_is_refused_before_parsing() {
    let text = "#".repeat(migrate_plan::MAX_BYTES + 1);
    insta::assert_snapshot!("too-large", reject("huge.yaml", text.as_bytes(), false));
}

#[test]
fn more_than_one_document() {
    let text = "version: 1\n---\nversion: 1\n";
    insta::assert_snapshot!("two-documents", reject("two.yaml", text.as_bytes(), false));
}

#[test]
fn a_file_that_is_not_a_map() {
    insta::assert_snapshot!("not-a-map", reject("list.yaml", b"- version: 1\n", false));
}

#[test]
fn a_missing_file_names_the_path() {
    let err = migrate_plan::load_file(
        std::path::Path::new("/nonexistent/plan.yaml"),
        &LoadOptions::default(),
    )
    .expect_err("missing file");
    insta::assert_snapshot!("missing-file", rendered(&err));
}

#[cfg(unix)]
#[test]
fn a_fifo_a_device_or_a_directory_is_refused_naming_what_it_is() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("plan.yaml");
    crate::hostile::mkfifo(&fifo);
    let load = |p: &std::path::Path| {
        let err = migrate_plan::load_file(p, &LoadOptions::default()).expect_err("refused");
        rendered(&err).replace(&dir.path().display().to_string(), "[TMP]")
    };
    // Each returns at once: the FIFO has no writer, and /dev/zero never ends.
    let out = [
        load(&fifo),
        load(std::path::Path::new("/dev/zero")),
        load(dir.path()),
    ]
    .join("");
    insta::assert_snapshot!("not-a-regular-file", out);
}

#[test]
fn a_float_where_a_whole_number_belongs_is_pointed_at() {
    let text = "version: 1\nname: m\nsource: { url: \"http://10.0.0.1:9200\" }\ndestination: { url: \"http://10.0.0.2:9200\" }\nindexes: [m]\nstrategy: { reindex: { remote_host: \"http://10.0.0.1:9200\", batch_size: 1.0 } }\n";
    let out = reject("float.yaml", text.as_bytes(), false);
    assert!(
        out.contains("`strategy.reindex.batch_size` must be a whole number, found a number"),
        "{out}"
    );
    assert!(out.contains("[float.yaml:6:"), "{out}");
}
