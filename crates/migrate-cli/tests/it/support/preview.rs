//! The request-equality check: every request a sandbox received from `migrate apply` (user agent
//! `migrate/…`) must be one of the requests the plan's dry run shows, with its runtime slots filled
//! — method, encoded path, query and body (see `migrate_core::Request::accepts`). The expected set
//! is the plan's steps' requests as `migrate_graph::requests` builds them, with the run's real
//! secrets, once for each step as previewed and once for each concrete index a pattern entry
//! matched on the source (what the steps that work per index send).

use std::collections::BTreeMap;
use std::path::Path;

use migrate_core::request::{Received, Request};
use migrate_core::{Flavor, Product, Release, SecretRef, Side};
use migrate_graph::blueprint::Blueprint;
use migrate_graph::requests::{Secrets, requests};
use migrate_plan::LoadOptions;
use migrate_sandbox::{LoggedRequest, RunningSandbox};

/// The run's secrets, as the test gave them to `migrate` (environment) or wrote them (files).
pub struct Known(pub BTreeMap<String, String>);

impl Secrets for Known {
    fn text(&self, secret: &SecretRef) -> String {
        match secret {
            SecretRef::Env(name) => self.0.get(name).cloned().unwrap_or_default(),
            other => other
                .resolve()
                .map(|s| s.expose().to_owned())
                .unwrap_or_default(),
        }
    }
}

/// What a sandbox runs, in the quirks table's words.
pub fn product_of(sb: &RunningSandbox) -> Product {
    let p = sb.product();
    let flavor = match p.flavor {
        migrate_sandbox::Flavor::Elasticsearch => Flavor::Elasticsearch,
        migrate_sandbox::Flavor::OpenSearch => Flavor::OpenSearch,
    };
    Product::Release(Release::new(
        flavor,
        p.version.major,
        p.version.minor,
        p.version.patch,
    ))
}

fn glob(pattern: &str, name: &str) -> bool {
    match pattern.split_once(['*', '?']) {
        None => pattern == name,
        Some(_) => {
            let (p, n): (Vec<char>, Vec<char>) =
                (pattern.chars().collect(), name.chars().collect());
            fn go(p: &[char], n: &[char]) -> bool {
                match p.split_first() {
                    None => n.is_empty(),
                    Some(('*', rest)) => (0..=n.len()).any(|i| go(rest, &n[i..])),
                    Some(('?', rest)) => !n.is_empty() && go(rest, &n[1..]),
                    Some((c, rest)) => n.first() == Some(c) && go(rest, &n[1..]),
                }
            }
            go(&p, &n)
        }
    }
}

/// Every request the plan's steps may send: as previewed, and per concrete index of each entry
/// (`source_indexes`: what the source holds).
pub fn expected(plan: &Path, secrets: &Known, source_indexes: &[String]) -> Vec<Request> {
    let loaded = migrate_plan::load_file(plan, &LoadOptions::default())
        .unwrap_or_else(|d| panic!("{}: {d:?}", plan.display()));
    let bp = Blueprint::from_plan(&loaded.plan);
    // Snapshot names carry the lineage of the state the run left next to the plan.
    let state = plan
        .parent()
        .unwrap_or(Path::new("."))
        .join(format!(".migrate/{}.state.json", loaded.plan.name));
    let lineage = std::fs::read_to_string(&state)
        .ok()
        .and_then(|t| migrate_state::parse_state(&state, &t, &loaded.plan.name).ok())
        .map(|(s, _)| s.short_lineage());
    let graph = migrate_graph::compile_in(&loaded.plan, lineage.as_deref()).expect("compiles");
    let mut out = Vec::new();
    for step in graph.steps() {
        out.extend(requests(&step.kind, secrets));
        let Some(entry) = &step.index else { continue };
        let Some(spec) = bp.indexes.iter().find(|i| &i.source == entry) else {
            continue;
        };
        let pairs: Vec<(String, String)> = if spec.is_pattern() {
            source_indexes
                .iter()
                .filter(|n| glob(&spec.source, n) && !n.starts_with('.'))
                .filter(|n| !spec.exclude.iter().any(|x| glob(x, n)))
                .map(|n| (n.clone(), n.clone()))
                .collect()
        } else {
            vec![(spec.source.to_string(), spec.destination.to_string())]
        };
        for (s, d) in pairs {
            out.extend(requests(&step.kind.for_index(&s, &d), secrets));
        }
    }
    out
}

/// The requests `sb` (the `side` cluster) received from migrate that match none of `expected`,
/// each with the reason the closest candidates gave; and how many did match.
pub fn unmatched(sb: &RunningSandbox, side: Side, expected: &[Request]) -> (Vec<String>, usize) {
    let product = product_of(sb);
    let mut bad = Vec::new();
    let mut good = 0;
    let from_migrate = |r: &LoggedRequest| {
        r.user_agent
            .as_deref()
            .is_some_and(|ua| ua.starts_with("migrate/"))
    };
    for r in sb
        .request_log()
        .entries()
        .iter()
        .filter(|r| from_migrate(r))
    {
        let body = r.body.as_deref().unwrap_or_default();
        let got = Received {
            method: &r.method,
            path: &r.raw_path,
            query: &r.query,
            body,
        };
        let candidates: Vec<&Request> = expected.iter().filter(|e| e.side == side).collect();
        let verdicts: Vec<String> = candidates
            .iter()
            .filter_map(|e| e.accepts(&got, Some(product)).err())
            .collect();
        if verdicts.len() < candidates.len() {
            good += 1;
        } else {
            // The reasons of the requests with the same method and first path segment, if any.
            let head = |p: &str| {
                p.trim_start_matches('/')
                    .split('/')
                    .next()
                    .unwrap_or("")
                    .to_owned()
            };
            let close: Vec<&String> = candidates
                .iter()
                .zip(&verdicts)
                .filter(|(e, _)| {
                    e.method.as_str() == r.method && head(&e.target()) == head(&r.raw_path)
                })
                .map(|(_, v)| v)
                .take(3)
                .collect();
            bad.push(format!(
                "{side}: {} {}{}{} {} — not in the preview; closest: {close:?}",
                r.method,
                r.raw_path,
                if r.query.is_empty() { "" } else { "?" },
                r.query,
                String::from_utf8_lossy(body)
            ));
        }
    }
    (bad, good)
}

/// Asserts every request both sandboxes received from migrate was previewed, and that enough
/// did arrive for the check to mean something.
pub fn assert_sent_as_previewed(
    plan: &Path,
    secrets: &Known,
    source: &RunningSandbox,
    destination: &RunningSandbox,
    source_indexes: &[String],
) {
    let expected = expected(plan, secrets, source_indexes);
    let (mut bad, s) = unmatched(source, Side::Source, &expected);
    let (bad_d, d) = unmatched(destination, Side::Destination, &expected);
    bad.extend(bad_d);
    assert!(
        bad.is_empty(),
        "{} of {} requests were not in the dry run:\n{}",
        bad.len(),
        bad.len() + s + d,
        bad.join("\n")
    );
    assert!(
        s >= 5 && d >= 5,
        "too few requests reached the sandboxes to compare: {s} source, {d} destination"
    );
}
