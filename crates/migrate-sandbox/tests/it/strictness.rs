//! The strictness corpus (`tests/strictness/*.yaml`): requests real servers refuse, each with the
//! server's own words (from its documentation, source or REST tests, named in `source:`), run
//! against a sandbox of every version the case lists. A case may set up state first, may add fault
//! rules, and names where the error is: the response itself, or an item of it (`at:` a path such as
//! `items.0.index` for `_bulk`, `failures.0` for `_reindex`). Every case must be refused exactly so;
//! a case may instead expect success with `warning:` to check a deprecation header, and may check
//! response fields with `expect:` (path → value).

use std::path::{Path, PathBuf};

use migrate_sandbox::{FaultRule, Flavor, Sandbox};
use serde_json::{Value, json};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/strictness")
}

/// `elasticsearch 6.8.23` → flavour and version.
fn target(s: &str) -> (Flavor, String) {
    let (f, v) = s.split_once(' ').unwrap_or(("elasticsearch", s));
    (f.parse().expect("flavour"), v.to_string())
}

/// `[METHOD, path, body?]`.
async fn send(client: &reqwest::Client, base: &str, step: &Value) -> (u16, Value, Vec<String>) {
    let method = step[0].as_str().expect("method");
    let path = step[1].as_str().expect("path");
    let mut req = client.request(
        reqwest::Method::from_bytes(method.as_bytes()).expect("method"),
        format!("{base}{path}"),
    );
    match step.get(2) {
        Some(Value::String(raw)) => {
            req = req
                .header("content-type", "application/x-ndjson")
                .body(raw.clone());
        }
        Some(body) if !body.is_null() => req = req.json(body),
        _ => {}
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let warnings = resp
        .headers()
        .get_all("warning")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .collect();
    let text = resp.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body, warnings)
}

fn at<'a>(v: &'a Value, path: &str) -> &'a Value {
    path.split('.')
        .filter(|p| !p.is_empty())
        .fold(v, |node, part| match node {
            Value::Array(a) => part
                .parse::<usize>()
                .ok()
                .and_then(|i| a.get(i))
                .unwrap_or(&Value::Null),
            other => other.get(part).unwrap_or(&Value::Null),
        })
}

/// Checks one case on one version; `Err` says how the sandbox differs.
async fn run_case(client: &reqwest::Client, case: &Value, version: &str) -> Result<(), String> {
    let (flavor, v) = target(version);
    let repo = tempfile::tempdir().map_err(|e| e.to_string())?;
    let sb = Sandbox::builder()
        .flavor(flavor)
        .version(&v)
        .node_setting("path.repo", json!([repo.path()]))
        .start()
        .await
        .map_err(|e| e.to_string())?;
    for rule in case["faults"].as_array().into_iter().flatten() {
        let rule: FaultRule = rule
            .as_str()
            .unwrap_or("")
            .parse()
            .map_err(|e| format!("{e}"))?;
        sb.faults().add(rule);
    }
    let base = sb.url();
    for step in case["setup"].as_array().into_iter().flatten() {
        let (status, body, _) = send(client, &base, step).await;
        if status >= 300 {
            return Err(format!("setup {step} failed: {status} {body}"));
        }
    }
    let (status, body, warnings) = send(client, &base, &case["request"]).await;
    sb.shutdown().await;
    let want_status = case["status"].as_u64().unwrap_or(400);
    let scope = case["at"].as_str().map(|p| at(&body, p)).unwrap_or(&body);
    let got_status = match case["at"].as_str() {
        Some(_) => scope["status"].as_u64().unwrap_or(0),
        None => u64::from(status),
    };
    if got_status != want_status {
        return Err(format!(
            "status {got_status}, expected {want_status}: {body}"
        ));
    }
    for (path, want) in case["expect"].as_object().into_iter().flatten() {
        if at(&body, path) != want {
            return Err(format!(
                "{path} is {}, expected {want}: {body}",
                at(&body, path)
            ));
        }
    }
    if let Some(w) = case["warning"].as_str() {
        return if warnings.iter().any(|h| h.contains(w)) {
            Ok(())
        } else {
            Err(format!("no warning containing {w:?}: {warnings:?}"))
        };
    }
    let error = [&scope["error"], &scope["cause"]]
        .into_iter()
        .find(|e| e.is_object())
        .cloned()
        .unwrap_or(Value::Null);
    let root = if error["root_cause"][0].is_object() && case["root_cause"].as_bool() == Some(true) {
        error["root_cause"][0].clone()
    } else {
        error.clone()
    };
    if let Some(t) = case["type"].as_str()
        && root["type"] != t
    {
        return Err(format!("type {}, expected {t}: {body}", root["type"]));
    }
    if let Some(r) = case["reason"].as_str()
        && root["reason"] != r
    {
        return Err(format!("reason {}, expected {r:?}", root["reason"]));
    }
    if let Some(r) = case["caused_by"].as_str()
        && error["caused_by"]["type"] != r
    {
        return Err(format!("caused_by {}, expected {r}", error["caused_by"]));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_of_the_strictness_corpus_is_refused_as_the_servers_refuse_it() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("tests/strictness")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    let client = reqwest::Client::new();
    let (mut passed, mut failed) = (0, Vec::new());
    for file in &files {
        let text = std::fs::read_to_string(file).expect("corpus file");
        let cases: Vec<Value> =
            serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for case in &cases {
            assert!(
                case["source"].is_string(),
                "{}: case {} names no source",
                file.display(),
                case["name"]
            );
            for version in case["versions"].as_array().into_iter().flatten() {
                let version = version.as_str().unwrap_or("");
                let name = format!(
                    "{}: {} on {version}",
                    file.file_name().unwrap_or_default().to_string_lossy(),
                    case["name"].as_str().unwrap_or("?")
                );
                match run_case(&client, case, version).await {
                    Ok(()) => passed += 1,
                    Err(e) => failed.push(format!("{name}\n    {e}")),
                }
            }
        }
    }
    for f in &failed {
        println!("  FAILED {f}");
    }
    println!("strictness: {passed} passed, {} failed", failed.len());
    assert!(passed > 0 && failed.is_empty(), "{}", failed.join("\n"));
}
