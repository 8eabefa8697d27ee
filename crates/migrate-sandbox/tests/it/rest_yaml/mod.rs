//! The servers' own YAML REST tests (OpenSearch's, `../shared/conformance/rest-tests`, or
//! `REST_TESTS_DIR`) run against the sandbox as OpenSearch [`VERSION`]: every `.yml` file in the
//! directory, every test section (with the file's `setup` and `teardown`) on a fresh sandbox,
//! `skip` honoured by version (legacy Elasticsearch versions 5–7 order before OpenSearch 1.0, as
//! OpenSearch's runner orders them) and by features this runner lacks. An API without a spec is a
//! failure, never a skip. The failures must equal the checked-in list
//! (`tests/rest-tests-expected-failures.txt`, each explained in docs/testing.md): a new failure, or a
//! listed test that now passes, fails the test until the list is updated. Prints
//! `rest tests: N passed, N failed`. `REST_TESTS_FILTER=text` runs only the sections whose
//! `path :: name` contains the text (and compares the list for those only).

mod exec;
mod spec;
mod values;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use migrate_sandbox::{Flavor, Sandbox};
use serde_json::{Value, json};

use exec::{Env, run_steps};
use values::Stash;

/// The OpenSearch version the tests run against.
const VERSION: &str = "2.19.0";

/// Files that test a 3.x feature without a version skip, run against an OpenSearch 3.x sandbox
/// instead (on 2.19 their settings do not exist, and the sandbox refuses them as 2.19 does).
const VERSION_3_FILES: &[(&str, &str)] = &[("bulk/120_dual_write.yml", "3.1.0")];

/// The version one file runs against.
fn version_for(rel: &str) -> &'static str {
    VERSION_3_FILES
        .iter()
        .find(|(f, _)| rel.ends_with(f))
        .map_or(VERSION, |(_, v)| v)
}

/// `skip.features` this runner implements.
const FEATURES: &[&str] = &[
    "allowed_warnings",
    "warnings",
    "headers",
    "arbitrary_key",
    "contains",
    "stash_in_key",
    "stash_in_path",
    "embedded_stash_key",
    "default_shards",
    "node_selector",
    "yaml",
];

fn shared_dir() -> PathBuf {
    match std::env::var_os("MIGRATE_SHARED_DIR") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    }
}

fn tests_dir() -> PathBuf {
    match std::env::var_os("REST_TESTS_DIR") {
        Some(d) => PathBuf::from(d),
        None => shared_dir().join("conformance/rest-tests"),
    }
}

fn expected_failures_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rest-tests-expected-failures.txt")
}

/// A version as a sortable key: Elasticsearch 5.x–7.x (legacy ids) before OpenSearch 1.x+.
fn version_key(s: &str) -> Option<(u8, u32, u32, u32)> {
    let mut it = s.trim().split('.').map(|p| {
        p.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse::<u32>()
    });
    let major = it.next()?.ok()?;
    let minor = it.next().and_then(Result::ok).unwrap_or(0);
    let patch = it.next().and_then(Result::ok).unwrap_or(0);
    Some((u8::from(major < 5), major, minor, patch))
}

/// Whether `current` is inside a `skip.version` expression (`" - 6.99.99"`, `"7.3.0 - "`, lists
/// separated by `,`, or `all`).
fn in_skip_range(expr: &str, current: &str) -> bool {
    let cur = version_key(current);
    expr.split(',').any(|range| {
        let range = range.trim();
        if range == "all" {
            return true;
        }
        let Some((lo, hi)) = range.split_once('-') else {
            return version_key(range) == cur;
        };
        let lo_ok = lo.trim().is_empty() || version_key(lo) <= cur;
        let hi_ok = hi.trim().is_empty() || cur <= version_key(hi);
        lo_ok && hi_ok
    })
}

/// Why a section is skipped on `version`, if it is.
fn skip_reason(steps: &[Value], version: &str) -> Option<String> {
    let skip = steps.iter().find_map(|s| s.get("skip"))?;
    if let Some(v) = skip.get("version").and_then(Value::as_str)
        && in_skip_range(v, version)
    {
        return Some(format!("version {version} in `{v}`"));
    }
    let features =
        migrate_sandbox::json::string_or_list(skip.get("features"), |s| vec![s.to_string()]);
    features
        .iter()
        .find(|f| !FEATURES.contains(&f.as_str()))
        .map(|f| format!("feature `{f}` not supported by the runner"))
}

/// One parsed file: setup, teardown, and the test sections in order.
struct TestFile {
    setup: Vec<Value>,
    teardown: Vec<Value>,
    sections: Vec<(String, Vec<Value>)>,
}

fn parse_file(path: &Path) -> Result<TestFile, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let mut file = TestFile {
        setup: vec![],
        teardown: vec![],
        sections: vec![],
    };
    for doc in serde_yaml::Deserializer::from_str(&text) {
        let v: Value = serde::Deserialize::deserialize(doc).map_err(|e| e.to_string())?;
        for (name, steps) in v.as_object().into_iter().flatten() {
            let steps = steps.as_array().cloned().unwrap_or_default();
            match name.as_str() {
                "setup" => file.setup = steps,
                "teardown" => file.teardown = steps,
                _ => file.sections.push((name.clone(), steps)),
            }
        }
    }
    Ok(file)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "yml" || x == "yaml") {
            out.push(p);
        }
    }
}

/// Runs setup, the section and teardown on a fresh sandbox.
async fn run_section(
    client: &reqwest::Client,
    apis: &std::collections::BTreeMap<String, spec::Api>,
    file: &TestFile,
    steps: &[Value],
    version: &str,
) -> Result<(), String> {
    let repo = tempfile::tempdir().map_err(|e| e.to_string())?;
    let sb = Sandbox::builder()
        .flavor(Flavor::OpenSearch)
        .version(version)
        .node_setting("path.repo", json!([repo.path()]))
        .node_setting("node.attr.testattr", json!("test"))
        .start()
        .await
        .map_err(|e| e.to_string())?;
    let env = Env {
        client,
        base: sb.url(),
        apis,
    };
    let mut stash = Stash::default();
    let run = async {
        run_steps(&env, &file.setup, &mut stash)
            .await
            .map_err(|e| format!("setup: {e}"))?;
        let body = run_steps(&env, steps, &mut stash).await;
        let teardown = run_steps(&env, &file.teardown, &mut stash)
            .await
            .map_err(|e| format!("teardown: {e}"));
        body.and(teardown)
    };
    let r = match tokio::time::timeout(Duration::from_secs(60), run).await {
        Ok(r) => r,
        Err(_) => Err("timed out after 60 s".into()),
    };
    sb.shutdown().await;
    r
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opensearch_yaml_rest_tests_fail_only_as_listed() {
    let dir = tests_dir();
    assert!(
        dir.is_dir(),
        "REST tests not found at {} (set REST_TESTS_DIR)",
        dir.display()
    );
    let openapi = shared_dir().join("conformance/opensearch-openapi.yaml");
    let apis = spec::load(&dir, openapi.is_file().then_some(openapi.as_path()));
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(40))
        .build()
        .expect("client");
    let filter = std::env::var("REST_TESTS_FILTER").unwrap_or_default();
    let (mut passed, mut failed, mut skipped) = (Vec::new(), Vec::new(), Vec::new());
    for path in &files {
        let rel = path
            .strip_prefix(&dir)
            .unwrap_or(path)
            .display()
            .to_string();
        let file = match parse_file(path) {
            Ok(f) => f,
            Err(e) => {
                failed.push((format!("{rel} :: (file)"), format!("unreadable: {e}")));
                continue;
            }
        };
        let version = version_for(&rel);
        let setup_skip = skip_reason(&file.setup, version);
        for (name, steps) in &file.sections {
            let id = format!("{rel} :: {name}");
            if !id.contains(&filter) {
                continue;
            }
            if let Some(why) = setup_skip.clone().or_else(|| skip_reason(steps, version)) {
                skipped.push(format!("{id} ({why})"));
                continue;
            }
            match run_section(&client, &apis, &file, steps, version).await {
                Ok(()) => passed.push(id),
                Err(e) => failed.push((id, e)),
            }
        }
    }
    let mut listed = read_expected();
    listed.retain(|id| id.contains(&filter));
    let failing: BTreeSet<String> = failed.iter().map(|(id, _)| id.clone()).collect();
    let new_failures: Vec<&(String, String)> = failed
        .iter()
        .filter(|(id, _)| !listed.contains(id))
        .collect();
    let new_passes: Vec<&String> = listed.iter().filter(|id| !failing.contains(*id)).collect();
    for s in &skipped {
        println!("  skipped: {s}");
    }
    for (id, e) in &failed {
        let e: String = e.chars().take(300).collect();
        println!("  FAILED {id}\n      {e}");
    }
    println!("skipped (version or runner feature): {}", skipped.len());
    println!(
        "rest tests: {} passed, {} failed",
        passed.len(),
        failed.len()
    );
    let mut problems = Vec::new();
    for (id, e) in &new_failures {
        let e: String = e.chars().take(300).collect();
        problems.push(format!("new failure: {id}\n    {e}"));
    }
    for id in &new_passes {
        problems.push(format!("listed as failing but passes (or is gone): {id}"));
    }
    assert!(
        problems.is_empty(),
        "the failures differ from {}:\n{}",
        expected_failures_file().display(),
        problems.join("\n")
    );
}

/// The checked-in expected failures: one `path :: section` per line; `#` starts a comment.
fn read_expected() -> BTreeSet<String> {
    let text = std::fs::read_to_string(expected_failures_file()).unwrap_or_default();
    text.lines()
        .map(|l| l.split(" #").next().unwrap_or("").trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}
