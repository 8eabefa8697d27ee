//! Every field of the plan format changes what the dry run says the plan does — a request, a step,
//! a fingerprint — or is listed in [`NOT_COMPILED`] with why not (and then must change nothing there).
//!
//! Each scalar of every example plan (`plans/`) and coverage plan (`tests/plans/`) is changed to
//! other valid values, the plan loaded and compiled again, and its steps compared with the
//! original's (their descriptions left out: prose is not behaviour). Each plan is also run with
//! its secret references switched between `env` and `file`. Every leaf field of the schema must be
//! reached by some plan, so a field added to the format needs a plan that sets it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use migrate_graph::{Format, compile, render};
use migrate_plan::{LoadOptions, load_str};
use serde_json::{Value, json};

/// A field (and everything under it) that no step is built from in the plans `when` selects, and
/// why. Checked both ways: changing it there must change nothing the compiler produces, and
/// elsewhere it must change something.
struct NotCompiled {
    field: &'static str,
    when: fn(&Value) -> bool,
    why: &'static str,
}

fn always(_: &Value) -> bool {
    true
}

fn reindex_plan(plan: &Value) -> bool {
    plan["strategy"].get("reindex").is_some()
}

/// A snapshot-reindex plan reading an existing snapshot takes none of its own.
fn existing_snapshot_plan(plan: &Value) -> bool {
    plan["strategy"]
        .get("snapshot_reindex")
        .is_some_and(|s| s.get("snapshot").is_some())
}

/// Without `remote_auth`, remote reindex sends the source's own credentials.
fn source_auth_not_the_remotes(plan: &Value) -> bool {
    plan["strategy"]
        .get("reindex")
        .is_none_or(|r| r.get("remote_auth").is_some())
}

const NOT_COMPILED: &[NotCompiled] = &[
    NotCompiled {
        field: "/estimate",
        when: always,
        why: "declared rates for `plan --refresh`'s duration estimate, read by the CLI only",
    },
    NotCompiled {
        field: "/drift",
        when: always,
        why: "the document-count tolerance of saved plans, checked by `apply FILE` before any step",
    },
    NotCompiled {
        field: "/version",
        when: always,
        why: "the plan format's version; only 1 exists",
    },
    NotCompiled {
        field: "/source/tls",
        when: always,
        why: "the client's transport (trusted CA, client certificate), not what it sends",
    },
    NotCompiled {
        field: "/destination/tls",
        when: always,
        why: "as /source/tls",
    },
    NotCompiled {
        field: "/source/http",
        when: always,
        why: "the client's bounds (response cap, timeouts), not what it sends",
    },
    NotCompiled {
        field: "/destination/http",
        when: always,
        why: "as /source/http",
    },
    NotCompiled {
        field: "/source/auth",
        when: source_auth_not_the_remotes,
        why: "the client's credentials: how each request is authorised (read when apply starts), \
              not which requests are sent, so rotating them runs no step again; a reindex plan \
              without `remote_auth` sends them in the `_reindex` body, and there they count",
    },
    NotCompiled {
        field: "/destination/auth",
        when: always,
        why: "as /source/auth",
    },
    NotCompiled {
        field: "/settings",
        when: always,
        why: "execution knobs the CLI reads: parallelism, retries, the state location, the stall timeout, and the translation choices `migrate lint` and the dry run's lint apply",
    },
    NotCompiled {
        field: "/name",
        when: reindex_plan,
        why: "it names a snapshot plan's snapshots; no reindex step depends on it (the state is \
              kept per plan name, outside the graph)",
    },
    NotCompiled {
        field: "/name",
        when: existing_snapshot_plan,
        why: "it names the snapshots a plan takes; one reading an existing snapshot takes none",
    },
];

/// Fields of the schema that validation refuses in every plan.
const REFUSED: &[(&str, &str)] = &[
    (
        "/strategy/reindex/remote_auth/aws_sigv4",
        "remote reindex cannot sign with SigV4: the destination sends `remote_auth` itself",
    ),
    (
        "/strategy/reindex/incremental_passes/until/bytes",
        "a pass does not measure bytes (a snapshot round's measure)",
    ),
    (
        "/strategy/copy/incremental_passes/until/bytes",
        "a pass does not measure bytes (a snapshot round's measure)",
    ),
];

/// Strings swapped for others of the same field.
const SWAPS: &[(&str, &[&str])] = &[
    ("green", &["yellow"]),
    ("yellow", &["green"]),
    ("es", &["aoss"]),
    ("aoss", &["es"]),
    ("sampled", &["proof", "counts"]),
    ("proof", &["sampled", "counts"]),
    ("counts", &["proof", "sampled"]),
    ("seconds", &["millis"]),
    ("millis", &["seconds"]),
    ("union", &["split", "refuse"]),
    ("split", &["union", "refuse"]),
    ("refuse", &["union", "split"]),
];

/// Other cluster versions tried for a declared version.
const VERSIONS: &[&str] = &[
    "elasticsearch-5.6.16",
    "elasticsearch-6.8.23",
    "elasticsearch-7.17.0",
    "elasticsearch-8.11.0",
    "opensearch-1.3.0",
    "opensearch-2.11.0",
];

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("plan directory")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    out.sort();
    out
}

/// What the compiler produced, as compared: every step with its requests and fingerprint.
fn compiled(doc: &Value) -> Option<Value> {
    let text = serde_json::to_string(doc).expect("json");
    let plan = load_str("mutated.yaml", &text, &LoadOptions::default())
        .ok()?
        .plan;
    let graph = compile(&plan).ok()?;
    let mut out: Value = serde_json::from_str(&render(&graph, None, Format::Json)).expect("json");
    let mut steps = out["steps"].take();
    for s in steps.as_array_mut().expect("steps") {
        s.as_object_mut().expect("step").remove("description");
    }
    Some(steps)
}

#[derive(Clone, Debug)]
enum Seg {
    Key(String),
    Index(usize),
}

/// Every scalar of `v` with its path.
fn scalars(v: &Value, path: &mut Vec<Seg>, out: &mut Vec<(Vec<Seg>, Value)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                path.push(Seg::Key(k.clone()));
                scalars(x, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                path.push(Seg::Index(i));
                scalars(x, path, out);
                path.pop();
            }
        }
        Value::Null => {}
        scalar => out.push((path.clone(), scalar.clone())),
    }
}

fn at<'a>(v: &'a mut Value, path: &[Seg]) -> &'a mut Value {
    path.iter().fold(v, |v, s| match s {
        Seg::Key(k) => &mut v[k.as_str()],
        Seg::Index(i) => &mut v[*i],
    })
}

/// `/strategy/reindex/partitions/[]/query/range/…`: array positions as `[]`.
fn pointer(path: &[Seg]) -> String {
    path.iter()
        .map(|s| match s {
            Seg::Key(k) => format!("/{k}"),
            Seg::Index(_) => "/[]".to_owned(),
        })
        .collect()
}

/// The schema field a scalar belongs to: the longest field path its pointer starts with.
fn field_of<'a>(fields: &'a BTreeSet<String>, pointer: &str) -> Option<&'a str> {
    fields
        .iter()
        .filter(|f| pointer == f.as_str() || pointer.starts_with(&format!("{f}/")))
        .max_by_key(|f| f.len())
        .map(String::as_str)
}

/// Every field path of the schema (`/strategy/snapshot/source_store/s3/bucket`, `/indexes/[]/name`).
fn schema_fields() -> BTreeSet<String> {
    fn walk(
        node: &Value,
        defs: &Value,
        path: &str,
        seen: &mut Vec<String>,
        out: &mut BTreeSet<String>,
    ) {
        if let Some(r) = node.get("$ref").and_then(Value::as_str) {
            let name = r.rsplit('/').next().unwrap_or_default().to_owned();
            if !seen.contains(&name) {
                seen.push(name.clone());
                walk(&defs[name.as_str()], defs, path, seen, out);
                seen.pop();
            }
        }
        for k in ["oneOf", "anyOf", "allOf"] {
            for n in node.get(k).and_then(Value::as_array).into_iter().flatten() {
                walk(n, defs, path, seen, out);
            }
        }
        for (k, v) in node
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let p = format!("{path}/{k}");
            out.insert(p.clone());
            walk(v, defs, &p, seen, out);
        }
        if let Some(items) = node.get("items").filter(|i| i.is_object()) {
            walk(items, defs, &format!("{path}/[]"), seen, out);
        }
    }
    let schema = migrate_plan::schema();
    let mut out = BTreeSet::new();
    walk(schema, &schema["$defs"], "", &mut Vec::new(), &mut out);
    out
}

/// Other values for a scalar, valid or not (the loader decides).
fn candidates(v: &Value) -> Vec<Value> {
    match v {
        Value::Bool(b) => vec![json!(!b)],
        Value::Number(n) => match n.as_u64() {
            Some(u) => vec![json!(u + 1), json!(u.saturating_sub(1)), json!(u * 2 + 2)],
            None => vec![json!(n.as_f64().unwrap_or(0.0) * 2.0 + 1.0)],
        },
        Value::String(s) => {
            let mut out: Vec<Value> = Vec::new();
            for (from, to) in SWAPS {
                if s == from {
                    out.extend(to.iter().map(|t| json!(t)));
                }
            }
            if s.starts_with("elasticsearch-") || s.starts_with("opensearch-") {
                out.extend(VERSIONS.iter().filter(|v| *v != s).map(|v| json!(v)));
            }
            if s == "original" {
                out.push(json!({"set": {"number_of_replicas": 2}}));
            }
            if let Some(i) = s.rfind(|c: char| c.is_ascii_digit()) {
                let d = s.as_bytes()[i] - b'0';
                let mut t = s.clone();
                t.replace_range(i..=i, &((d + 1) % 10).to_string());
                out.push(json!(t));
            }
            if let Some(i) = s.find("://") {
                out.push(json!(format!("{}://x{}", &s[..i], &s[i + 3..])));
            }
            out.push(json!(format!("{s}x")));
            out.push(json!(format!("x{s}")));
            out
        }
        _ => Vec::new(),
    }
}

/// The plan with every `{env: NAME}` as `{file: …}` and every `{file: PATH}` as `{env: …}`.
fn swap_references(v: &Value) -> Value {
    match v {
        Value::Object(m) if m.len() == 1 => match (m.get("env"), m.get("file")) {
            (Some(Value::String(name)), _) => json!({"file": format!("/run/secrets/{name}")}),
            (_, Some(Value::String(path))) => {
                let name: String = path
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() {
                            c.to_ascii_uppercase()
                        } else {
                            '_'
                        }
                    })
                    .collect();
                json!({"env": format!("SECRET{name}")})
            }
            _ => Value::Object(
                m.iter()
                    .map(|(k, x)| (k.clone(), swap_references(x)))
                    .collect(),
            ),
        },
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), swap_references(x)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(swap_references).collect()),
        other => other.clone(),
    }
}

/// Whether `field` is `parent` or under it.
fn under(field: &str, parent: &str) -> bool {
    field == parent || field.starts_with(&format!("{parent}/"))
}

#[test]
fn every_plan_field_changes_the_compiled_steps_or_is_listed_as_not_compiled() {
    let fields = schema_fields();
    let mut plans: Vec<(String, Value, bool)> = Vec::new();
    for path in yaml_files(&workspace().join("plans"))
        .into_iter()
        .chain(yaml_files(
            &workspace().join("crates/migrate-graph/tests/plans"),
        ))
    {
        let text = std::fs::read_to_string(&path).expect("plan");
        let doc: Value = serde_yaml::from_str(&text).expect("yaml");
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        plans.push((
            format!("{name} (references swapped)"),
            swap_references(&doc),
            true,
        ));
        plans.push((name, doc, false));
    }
    let mut reached: BTreeSet<String> = BTreeSet::new();
    let mut inert_but_compiled: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut listed_but_effective: Vec<String> = Vec::new();
    let mut unmutable: Vec<String> = Vec::new();
    for (name, doc, swapped) in &plans {
        let base = compiled(doc).unwrap_or_else(|| panic!("{name} loads and compiles"));
        let mut found = Vec::new();
        scalars(doc, &mut Vec::new(), &mut found);
        for (path, value) in found {
            let ptr = pointer(&path);
            let Some(field) = field_of(&fields, &ptr) else {
                panic!("{name}: `{ptr}` is no field of the schema");
            };
            // The swapped copy only adds the other reference form; the rest is the original's.
            if *swapped && !(field.ends_with("/env") || field.ends_with("/file")) {
                continue;
            }
            reached.insert(field.to_owned());
            let not_compiled = NOT_COMPILED
                .iter()
                .find(|n| under(field, n.field) && (n.when)(doc));
            let mut valid = 0;
            let mut changed = false;
            for candidate in candidates(&value) {
                let mut mutated = doc.clone();
                *at(&mut mutated, &path) = candidate.clone();
                let Some(steps) = compiled(&mutated) else {
                    continue;
                };
                valid += 1;
                if steps != base {
                    changed = true;
                    if let Some(n) = not_compiled {
                        listed_but_effective
                            .push(format!("{name}: {ptr} = {candidate} (listed: {})", n.why));
                    }
                    break;
                }
            }
            if valid == 0 && field != "/version" {
                unmutable.push(format!("{name}: {ptr} = {value}"));
            } else if valid > 0 && !changed && not_compiled.is_none() {
                inert_but_compiled
                    .entry(field.to_owned())
                    .or_default()
                    .push(format!("{name}: {ptr} = {value}"));
            }
        }
    }
    // A field with fields under it (`/indexes` over `/indexes/[]/name`) is reached through them.
    let parents: BTreeSet<&str> = fields
        .iter()
        .filter_map(|f| f.rsplit_once('/').map(|(p, _)| p.trim_end_matches("/[]")))
        .collect();
    let unreached: Vec<&String> = fields
        .iter()
        .filter(|f| !parents.contains(f.as_str()))
        .filter(|f| !reached.contains(*f) && !REFUSED.iter().any(|(r, _)| under(f, r)))
        .collect();
    let problems = [
        (
            "fields no example or coverage plan sets (add them to crates/migrate-graph/tests/plans/)",
            format!("{unreached:#?}"),
            unreached.is_empty(),
        ),
        (
            "changing these changes no step, request or fingerprint (list the field in NOT_COMPILED if that is right)",
            format!("{inert_but_compiled:#?}"),
            inert_but_compiled.is_empty(),
        ),
        (
            "listed in NOT_COMPILED but they change the compiled steps",
            format!("{listed_but_effective:#?}"),
            listed_but_effective.is_empty(),
        ),
        (
            "no other valid value found for",
            format!("{unmutable:#?}"),
            unmutable.is_empty(),
        ),
    ];
    let shown: Vec<String> = problems
        .iter()
        .filter(|(_, _, ok)| !ok)
        .map(|(what, list, _)| format!("{what}: {list}"))
        .collect();
    assert!(shown.is_empty(), "{}", shown.join("\n\n"));
}
