//! Conformance runner: executes OpenSearch's API test stories (`../shared/conformance/stories`, or
//! `CONFORMANCE_DIR`) against the sandbox as OpenSearch 2.16, checks each chapter's status and expected
//! payload, and validates every JSON response body against the operation's response schema in
//! `opensearch-openapi.yaml` (with `$ref`s resolved through a schema registry). Prints `N passed, N failed`
//! with the failing chapters, lists out-of-scope story files with the reason, and asserts ≥ 90 % pass.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use migrate_sandbox::{Flavor, Sandbox};
use serde_json::{Value, json};

/// Story files the sandbox implements, relative to `stories/tests/`.
const IN_SCOPE: &[&str] = &[
    "default/_core/info.yaml",
    "default/_core/bulk.yaml",
    "default/_core/count.yaml",
    "default/_core/search.yaml",
    "default/_core/search/point_in_time.yaml",
    "default/_core/reindex.yaml",
    "default/_core/tasks.yaml",
    "default/cat/count.yaml",
    "default/cat/health.yaml",
    "default/cat/indices.yaml",
    "default/cluster/health.yaml",
    "default/cluster/settings.yaml",
    "default/indices/create.yaml",
    "default/indices/index.yaml",
    "default/indices/settings.yaml",
    "default/indices/mapping/mapping.yaml",
    "default/indices/open.yaml",
    "default/indices/refresh.yaml",
    "default/indices/aliases/aliases.yaml",
    "default/indices/recovery.yaml",
    "default/cat/repositories.yaml",
    "snapshot/cat/repositories.yaml",
    "snapshot/cat/snapshots.yaml",
    "snapshot/snapshot/cleanup.yaml",
    "snapshot/snapshot/restore.yaml",
    "snapshot/snapshot/snapshot.yaml",
    "snapshot/snapshot/verify.yaml",
];

/// The `fs` repository location the snapshot stories use. Each story runs with `path.repo` set to a
/// fresh temporary directory and this location rewritten to a path inside it (in requests and in
/// expected payloads alike), so runs never share or leave repository data in `/tmp`.
const STORY_REPO_LOCATION: &str = "/tmp/opensearch/repo";

/// Story files not run here, with the reason (none today: every story file is in scope; the runner
/// still requires a reason for any file added to the directory later).
const OUT_OF_SCOPE: &[(&str, &str)] = &[];

const SANDBOX_VERSION: (u32, u32, u32) = (2, 16, 0);

fn conformance_dir() -> PathBuf {
    match std::env::var_os("CONFORMANCE_DIR") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance"),
    }
}

fn load_yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("cannot parse {}: {e}", path.display()))
}

fn parse_v(s: &str) -> (u32, u32, u32) {
    let mut it = s.trim().split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    (
        it.next().unwrap_or(0),
        it.next().unwrap_or(0),
        it.next().unwrap_or(0),
    )
}

/// Evaluates a semver range like `>= 2.4`, `< 2.17`, `>= 2.0 < 3`.
fn version_ok(range: Option<&Value>) -> bool {
    let Some(r) = range.and_then(Value::as_str) else {
        return true;
    };
    let tokens: Vec<String> = r
        .replace(">=", " >= ")
        .replace("<=", " <= ")
        .replace("> ", " > ")
        .replace("< ", " < ")
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let mut i = 0;
    while i < tokens.len() {
        let (op, ver) = if matches!(tokens[i].as_str(), ">=" | "<=" | ">" | "<" | "=") {
            i += 2;
            (
                tokens[i - 2].as_str(),
                tokens.get(i - 1).map(String::as_str).unwrap_or("0"),
            )
        } else {
            i += 1;
            ("=", tokens[i - 1].as_str())
        };
        let v = parse_v(ver);
        let ok = match op {
            ">=" => SANDBOX_VERSION >= v,
            "<=" => SANDBOX_VERSION <= v,
            ">" => SANDBOX_VERSION > v,
            "<" => SANDBOX_VERSION < v,
            _ => SANDBOX_VERSION.0 == v.0,
        };
        if !ok {
            return false;
        }
    }
    true
}

fn distribution_ok(d: Option<&Value>) -> bool {
    let Some(d) = d else { return true };
    if let Some(inc) = d.get("included").and_then(Value::as_array) {
        return inc.iter().any(|x| x == "opensearch.org");
    }
    !d.get("excluded")
        .and_then(Value::as_array)
        .is_some_and(|e| e.iter().any(|x| x == "opensearch.org"))
}

fn substitute(v: &Value, outputs: &HashMap<String, Value>) -> Value {
    match v {
        Value::String(s) if s.contains("${") => {
            let start = s.find("${").unwrap_or(0);
            let end = s[start..].find('}').map(|e| start + e).unwrap_or(s.len());
            let key = &s[start + 2..end];
            match outputs.get(key) {
                Some(Value::String(r)) => Value::String(format!(
                    "{}{}{}",
                    &s[..start],
                    r,
                    &s[(end + 1).min(s.len())..]
                )),
                Some(other) if start == 0 && end + 1 == s.len() => other.clone(),
                Some(other) => Value::String(format!(
                    "{}{}{}",
                    &s[..start],
                    other,
                    &s[(end + 1).min(s.len())..]
                )),
                None => v.clone(),
            }
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| substitute(x, outputs)).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), substitute(x, outputs)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn param_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(param_str).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// Expected ⊆ actual: objects by key, arrays element-wise, scalars equal.
fn contains(actual: &Value, expected: &Value) -> Result<(), String> {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => {
            for (k, ev) in e {
                let av = a.get(k).ok_or_else(|| format!("missing key `{k}`"))?;
                contains(av, ev).map_err(|m| format!("{k}: {m}"))?;
            }
            Ok(())
        }
        (Value::Array(a), Value::Array(e)) => {
            for (i, ev) in e.iter().enumerate() {
                let av = a.get(i).ok_or_else(|| format!("missing element {i}"))?;
                contains(av, ev).map_err(|m| format!("[{i}]: {m}"))?;
            }
            Ok(())
        }
        (a, e) if a == e => Ok(()),
        (a, e) => Err(format!("expected {e}, got {a}")),
    }
}

struct Call {
    status: u16,
    body: Value,
    is_json: bool,
}

/// The methods of a step (`method` may be a list: the chapter runs once per method).
fn methods(step: &Value) -> Vec<String> {
    match &step["method"] {
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Value::String(s) => vec![s.clone()],
        _ => vec!["GET".to_string()],
    }
}

async fn execute(
    client: &reqwest::Client,
    base: &str,
    step: &Value,
    outputs: &HashMap<String, Value>,
) -> Result<Call, String> {
    let mut last = Err("no method".to_string());
    for method in methods(step) {
        let call = execute_one(client, base, step, &method, outputs).await?;
        last = Ok(call);
    }
    last
}

async fn execute_one(
    client: &reqwest::Client,
    base: &str,
    step: &Value,
    method: &str,
    outputs: &HashMap<String, Value>,
) -> Result<Call, String> {
    let step = substitute(step, outputs);
    let method = method.to_string();
    let mut path = step["path"].as_str().unwrap_or("/").to_string();
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    let mut query = Vec::new();
    if let Some(params) = step.get("parameters").and_then(Value::as_object) {
        for (k, v) in params {
            let placeholder = format!("{{{k}}}");
            if path.contains(&placeholder) {
                path = path.replace(&placeholder, &param_str(v));
            } else {
                query.push((k.clone(), param_str(v)));
            }
        }
    }
    let m = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
    let mut req = client.request(m, format!("{base}{path}")).query(&query);
    if let Some(r) = step.get("request") {
        let ct = r
            .get("content_type")
            .and_then(Value::as_str)
            .unwrap_or("application/json");
        if let Some(p) = r.get("payload") {
            let body = if ct.contains("ndjson") {
                p.as_array()
                    .map(|a| a.iter().map(|l| format!("{l}\n")).collect::<String>())
                    .unwrap_or_default()
            } else if let Value::String(s) = p {
                s.clone()
            } else {
                p.to_string()
            };
            req = req.header("content-type", ct).body(body);
        }
        if let Some(h) = r.get("headers").and_then(Value::as_object) {
            for (k, v) in h {
                req = req.header(k, param_str(v));
            }
        }
    }
    let resp = req
        .send()
        .await
        .map_err(|e| format!("request failed: {e}"))?;
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let is_json = ct.contains("json");
    let bytes = resp.bytes().await.map_err(|e| e.to_string())?;
    if ct.contains("cbor") || ct.contains("smile") {
        let decoded = if ct.contains("cbor") {
            decode_cbor(&bytes)
        } else {
            decode_smile(&bytes)
        };
        let body = decoded.ok_or_else(|| format!("undecodable {ct} body: {bytes:02x?}"))?;
        return Ok(Call {
            status,
            body,
            is_json: false,
        });
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let body = if is_json {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    } else if ct.contains("yaml") {
        serde_yaml::from_str(&text).unwrap_or(Value::String(text))
    } else {
        Value::String(text)
    };
    Ok(Call {
        status,
        body,
        is_json,
    })
}

fn capture(step: &Value, call: &Call, outputs: &mut HashMap<String, Value>) {
    let (Some(id), Some(out)) = (
        step.get("id").and_then(Value::as_str),
        step.get("output").and_then(Value::as_object),
    ) else {
        return;
    };
    for (name, path) in out {
        let mut v = &call.body;
        for part in path.as_str().unwrap_or("").split('.').skip(1) {
            v = match v {
                Value::Array(a) => part
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| a.get(i))
                    .unwrap_or(&Value::Null),
                other => other.get(part).unwrap_or(&Value::Null),
            };
        }
        outputs.insert(format!("{id}.{name}"), v.clone());
    }
}

struct Schemas {
    openapi: Value,
    registry: jsonschema::Registry<'static>,
    cache: HashMap<String, Option<jsonschema::Validator>>,
}

impl Schemas {
    fn pointer_for(&self, path: &str, method: &str, status: u16) -> Option<String> {
        let op = self.openapi.get("paths")?.get(path)?.get(method)?;
        let resp = op.get("responses")?.get(status.to_string())?;
        let base = match resp.get("$ref").and_then(Value::as_str) {
            Some(r) => r.trim_start_matches('#').to_string(),
            None => format!(
                "/paths/{}/{method}/responses/{status}",
                path.replace('~', "~0").replace('/', "~1")
            ),
        };
        let ptr = format!("{base}/content/application~1json/schema");
        self.openapi.pointer(&ptr)?;
        Some(ptr)
    }

    fn validate(
        &mut self,
        path: &str,
        method: &str,
        status: u16,
        body: &Value,
    ) -> Result<(), String> {
        let key = format!("{method} {path} {status}");
        if !self.cache.contains_key(&key) {
            let v = self.pointer_for(path, method, status).map(|ptr| {
                jsonschema::options()
                    .with_registry(&self.registry)
                    .build(&json!({"$ref": format!("urn:openapi#{ptr}")}))
                    .map_err(|e| e.to_string())
            });
            let v = match v {
                Some(Ok(v)) => Some(v),
                Some(Err(e)) => return Err(format!("schema for {key} does not compile: {e}")),
                None => None,
            };
            self.cache.insert(key.clone(), v);
        }
        match self.cache.get(&key).and_then(Option::as_ref) {
            Some(v) => {
                // The spec's `oneOf` lists are sometimes ambiguous (e.g. `reindex` 200: the task branch is
                // any object), so "valid under more than one" is not a sandbox error; anything else is.
                let errors: Vec<String> = v
                    .iter_errors(body)
                    .filter(|e| {
                        !e.to_string().contains(
                            "is valid under more than one of the schemas listed in the 'oneOf'",
                        )
                    })
                    .take(3)
                    .map(|e| format!("{} at {}", e, e.instance_path()))
                    .collect();
                if errors.is_empty() {
                    Ok(())
                } else {
                    Err(format!("schema: {}", errors.join("; ")))
                }
            }
            None if (200..300).contains(&status) => {
                Err(format!("no response schema for {key} in the spec"))
            }
            None => Ok(()),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opensearch_api_stories_pass_against_the_sandbox() {
    let dir = conformance_dir();
    let stories = dir.join("stories/tests");
    assert!(
        stories.is_dir(),
        "conformance stories not found at {} (set CONFORMANCE_DIR)",
        stories.display()
    );
    let openapi = load_yaml(&dir.join("opensearch-openapi.yaml"));
    let resource = jsonschema::Resource::from_contents(openapi.clone());
    let registry = jsonschema::Registry::new()
        .add("urn:openapi", resource)
        .and_then(|b| b.prepare())
        .expect("openapi registry");
    let mut schemas = Schemas {
        openapi,
        registry,
        cache: HashMap::new(),
    };

    // Every story file is either in scope or listed out of scope with a reason.
    let mut all = Vec::new();
    collect_yaml(&stories, &stories, &mut all);
    for f in &all {
        assert!(
            IN_SCOPE.contains(&f.as_str()) || OUT_OF_SCOPE.iter().any(|(o, _)| o == f),
            "story file {f} is neither in scope nor listed out of scope"
        );
    }
    for (f, why) in OUT_OF_SCOPE {
        println!("out of scope: {f}: {why}");
    }

    let client = reqwest::Client::new();
    let (mut passed, mut failed, mut skipped) =
        (0usize, Vec::<String>::new(), Vec::<String>::new());
    for file in IN_SCOPE {
        let repo_root = tempfile::tempdir().expect("tempdir");
        let location = repo_root.path().join("repo");
        let story = relocate(
            &load_yaml(&stories.join(file)),
            &location.display().to_string(),
        );
        if !version_ok(story.get("version")) || !distribution_ok(story.get("distributions")) {
            skipped.push(format!("{file}: whole story (version/distribution)"));
            continue;
        }
        let sb = Sandbox::builder()
            .flavor(Flavor::OpenSearch)
            .version("2.16.0")
            .node_setting("path.repo", json!([repo_root.path()]))
            .start()
            .await
            .expect("sandbox");
        let base = sb.url();
        let mut outputs = HashMap::new();
        for p in story
            .get("prologues")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            match execute(&client, &base, p, &outputs).await {
                Ok(call) => {
                    let ok_statuses: Vec<u64> = p
                        .get("status")
                        .and_then(Value::as_array)
                        .map(|a| a.iter().filter_map(Value::as_u64).collect())
                        .unwrap_or(vec![200, 201]);
                    if !ok_statuses.contains(&u64::from(call.status)) {
                        println!(
                            "prologue failed in {file}: {} {} -> {} {}",
                            p["method"], p["path"], call.status, call.body
                        );
                    }
                    capture(p, &call, &mut outputs);
                }
                Err(e) => println!("prologue failed in {file}: {e}"),
            }
        }
        for ch in story
            .get("chapters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = format!("{file}: {}", ch["synopsis"].as_str().unwrap_or("?"));
            if !version_ok(ch.get("version")) || !distribution_ok(ch.get("distributions")) {
                skipped.push(name);
                continue;
            }
            // `retry: {count, wait}`: the chapter is re-run up to `count` more times, `wait` ms apart
            // (default 1000 ms, as the story runner does), until it passes.
            let retries = ch
                .get("retry")
                .and_then(|r| r.get("count"))
                .and_then(Value::as_u64)
                .unwrap_or(0);
            let retry_wait = ch
                .get("retry")
                .and_then(|r| r.get("wait"))
                .and_then(Value::as_u64)
                .unwrap_or(1000);
            let mut result = Err("not run".to_string());
            for attempt in 0..=retries {
                if attempt > 0 {
                    tokio::time::sleep(std::time::Duration::from_millis(retry_wait)).await;
                }
                result = run_chapter(&client, &base, ch, &mut outputs, &mut schemas).await;
                if result.is_ok() {
                    break;
                }
            }
            match result {
                Ok(()) => passed += 1,
                Err(e) => failed.push(format!(
                    "{name}\n      {}",
                    e.chars().take(400).collect::<String>()
                )),
            }
        }
        for e in story
            .get("epilogues")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let _ = execute(&client, &base, e, &outputs).await;
        }
        sb.shutdown().await;
    }
    println!(
        "skipped (version/distribution constraints): {}",
        skipped.len()
    );
    for s in &skipped {
        println!("  skipped: {s}");
    }
    println!("{passed} passed, {} failed", failed.len());
    for f in &failed {
        println!("  FAILED {f}");
    }
    let total = passed + failed.len();
    assert!(total > 0);
    let ratio = passed as f64 / total as f64;
    assert!(
        ratio >= 0.9,
        "only {passed}/{total} in-scope chapters pass ({:.1}%)",
        ratio * 100.0
    );
}

/// Decodes CBOR (RFC 8949) data items: text/byte strings, arrays and maps of definite or
/// indefinite length, integers, simple values and floats.
fn decode_cbor(bytes: &[u8]) -> Option<Value> {
    fn arg(b: &[u8], pos: &mut usize, info: u8) -> Option<Option<u64>> {
        let take = |pos: &mut usize, n: usize| -> Option<u64> {
            let s = b.get(*pos..*pos + n)?;
            *pos += n;
            Some(s.iter().fold(0u64, |acc, x| (acc << 8) | u64::from(*x)))
        };
        Some(match info {
            0..=23 => Some(u64::from(info)),
            24 => Some(take(pos, 1)?),
            25 => Some(take(pos, 2)?),
            26 => Some(take(pos, 4)?),
            27 => Some(take(pos, 8)?),
            31 => None,
            _ => return None,
        })
    }
    fn item(b: &[u8], pos: &mut usize) -> Option<Value> {
        let first = *b.get(*pos)?;
        *pos += 1;
        let (major, info) = (first >> 5, first & 0x1f);
        if major == 7 {
            return match info {
                20 => Some(Value::Bool(false)),
                21 => Some(Value::Bool(true)),
                22 | 23 => Some(Value::Null),
                27 => {
                    let s: [u8; 8] = b.get(*pos..*pos + 8)?.try_into().ok()?;
                    *pos += 8;
                    Some(json!(f64::from_be_bytes(s)))
                }
                _ => None,
            };
        }
        let n = arg(b, pos, info)?;
        let is_break = |b: &[u8], pos: &mut usize| {
            if b.get(*pos) == Some(&0xff) {
                *pos += 1;
                true
            } else {
                false
            }
        };
        match major {
            0 => Some(json!(n?)),
            1 => Some(json!(-1 - i64::try_from(n?).ok()?)),
            2 | 3 => {
                let len = usize::try_from(n?).ok()?;
                let s = b.get(*pos..*pos + len)?;
                *pos += len;
                Some(Value::String(String::from_utf8(s.to_vec()).ok()?))
            }
            4 => {
                let mut a = Vec::new();
                match n {
                    Some(len) => {
                        for _ in 0..len {
                            a.push(item(b, pos)?);
                        }
                    }
                    None => {
                        while !is_break(b, pos) {
                            a.push(item(b, pos)?);
                        }
                    }
                }
                Some(Value::Array(a))
            }
            5 => {
                let mut m = serde_json::Map::new();
                let mut entry = |pos: &mut usize| -> Option<()> {
                    let k = item(b, pos)?.as_str()?.to_string();
                    m.insert(k, item(b, pos)?);
                    Some(())
                };
                match n {
                    Some(len) => {
                        for _ in 0..len {
                            entry(pos)?;
                        }
                    }
                    None => {
                        while !is_break(b, pos) {
                            entry(pos)?;
                        }
                    }
                }
                Some(Value::Object(m))
            }
            _ => None,
        }
    }
    let mut pos = 0;
    let v = item(bytes, &mut pos)?;
    (pos == bytes.len()).then_some(v)
}

/// Decodes Smile (Jackson's binary JSON): the header, strings (tiny/short/long, ASCII/Unicode),
/// literals, small ints, arrays, objects and shared key/value back-references.
fn decode_smile(bytes: &[u8]) -> Option<Value> {
    struct R<'a> {
        b: &'a [u8],
        pos: usize,
        keys: Vec<String>,
        values: Vec<String>,
    }
    impl R<'_> {
        fn next(&mut self) -> Option<u8> {
            let x = *self.b.get(self.pos)?;
            self.pos += 1;
            Some(x)
        }
        fn take(&mut self, n: usize) -> Option<String> {
            let s = self.b.get(self.pos..self.pos + n)?;
            self.pos += n;
            String::from_utf8(s.to_vec()).ok()
        }
        fn until_fc(&mut self) -> Option<String> {
            let end = self.b[self.pos..].iter().position(|x| *x == 0xfc)?;
            let s = self.take(end)?;
            self.pos += 1;
            Some(s)
        }
        fn value(&mut self) -> Option<Value> {
            let t = self.next()?;
            let text = match t {
                0x01..=0x1f => {
                    return self
                        .values
                        .get(usize::from(t - 1))
                        .cloned()
                        .map(Value::String);
                }
                0x20 => String::new(),
                0x21 => return Some(Value::Null),
                0x22 => return Some(Value::Bool(false)),
                0x23 => return Some(Value::Bool(true)),
                0x40..=0x5f => self.take(usize::from(t - 0x40) + 1)?,
                0x60..=0x7f => self.take(usize::from(t - 0x60) + 33)?,
                0x80..=0x9f => self.take(usize::from(t - 0x80) + 2)?,
                0xa0..=0xbf => self.take(usize::from(t - 0xa0) + 34)?,
                0xc0..=0xdf => {
                    let z = i64::from(t - 0xc0);
                    return Some(json!((z >> 1) ^ -(z & 1)));
                }
                0xe0 | 0xe4 => return self.until_fc().map(Value::String),
                0xf8 => {
                    let mut a = Vec::new();
                    while self.b.get(self.pos) != Some(&0xf9) {
                        a.push(self.value()?);
                    }
                    self.pos += 1;
                    return Some(Value::Array(a));
                }
                0xfa => {
                    let mut m = serde_json::Map::new();
                    loop {
                        let k = self.next()?;
                        let key = match k {
                            0xfb => return Some(Value::Object(m)),
                            0x20 => String::new(),
                            0x34 => self.until_fc()?,
                            0x40..=0x7f => self.keys.get(usize::from(k - 0x40))?.clone(),
                            0x80..=0xbf => self.take(usize::from(k - 0x80) + 1)?,
                            0xc0..=0xf7 => self.take(usize::from(k - 0xc0) + 2)?,
                            _ => return None,
                        };
                        if (0x80..=0xf7).contains(&k) && self.keys.len() < 1024 {
                            self.keys.push(key.clone());
                        }
                        let v = self.value()?;
                        m.insert(key, v);
                    }
                }
                _ => return None,
            };
            if (1..=64).contains(&text.len()) && self.values.len() < 1024 {
                self.values.push(text.clone());
            }
            Some(Value::String(text))
        }
    }
    if bytes.get(..3)? != b":)\n" {
        return None;
    }
    let mut r = R {
        b: bytes,
        pos: 4,
        keys: Vec::new(),
        values: Vec::new(),
    };
    let v = r.value()?;
    (r.pos == bytes.len()).then_some(v)
}

/// The story with every occurrence of [`STORY_REPO_LOCATION`] replaced by `location`.
fn relocate(story: &Value, location: &str) -> Value {
    match story {
        Value::String(s) => Value::String(s.replace(STORY_REPO_LOCATION, location)),
        Value::Array(a) => Value::Array(a.iter().map(|x| relocate(x, location)).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), relocate(x, location)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Runs one chapter (once per method) and checks status, payload and response schema.
async fn run_chapter(
    client: &reqwest::Client,
    base: &str,
    ch: &Value,
    outputs: &mut HashMap<String, Value>,
    schemas: &mut Schemas,
) -> Result<(), String> {
    let expected_status = ch
        .get("response")
        .and_then(|r| r.get("status"))
        .and_then(Value::as_u64)
        .unwrap_or(200) as u16;
    let mut result = Ok(());
    for method in methods(ch) {
        if result.is_err() {
            break;
        }
        result = match execute_one(client, base, ch, &method, outputs).await {
            Err(e) => Err(e),
            Ok(call) => {
                capture(ch, &call, outputs);
                let mut r = if call.status != expected_status {
                    Err(format!(
                        "status {} (expected {expected_status}): {}",
                        call.status, call.body
                    ))
                } else {
                    Ok(())
                };
                if r.is_ok()
                    && let Some(p) = ch.get("response").and_then(|r| r.get("payload"))
                {
                    r = contains(&call.body, p).map_err(|e| format!("payload: {e}"));
                }
                let method = method.to_ascii_lowercase();
                let mut tpl = ch["path"].as_str().unwrap_or("/").to_string();
                if !tpl.starts_with('/') {
                    tpl.insert(0, '/');
                }
                if r.is_ok() && call.is_json && method != "head" {
                    r = schemas.validate(&tpl, &method, call.status, &call.body);
                }
                r
            }
        };
    }
    result
}

fn collect_yaml(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_yaml(root, &p, out);
        } else if p.extension().is_some_and(|x| x == "yaml") {
            out.push(
                p.strip_prefix(root)
                    .map(|r| r.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
        }
    }
}
