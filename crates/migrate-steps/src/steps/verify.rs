//! `verify`: per concrete index, after a refresh of the destination. By default the proof (see
//! [`crate::proof`]): every document of both sides, both ways, by content, and the destination's
//! mappings, settings and aliases against what the engine intended. A plan that chose `sampled` or
//! `counts` gets those instead, reported as not proven. Then the health colour the plan asks for
//! and no active recovery. The result per index is clean, clean with findings, or failed; a failed
//! verification fails the step permanently with the table, and the same clusters fail it again on
//! every re-run (the proof is deterministic). The outputs keep the run report (`proof`), the
//! findings file's path and the health/recovery rows (`table`).

use std::path::PathBuf;

use migrate_cluster::api::cluster::{Health, HealthStatus};
use migrate_cluster::api::search::{SearchResult, count_of, search_result};
use migrate_core::Side;
use migrate_core::request::{Fills, Request};
use migrate_exec::{Outcome, StepCtx, StepError};
use migrate_graph::blueprint::Verify;
use migrate_graph::requests::slots::{SAMPLE_FROM, SAMPLE_IDS};
use migrate_graph::requests::verify::verify as planned;
use migrate_proof::{Column, DocDiff, Findings, IndexReport, Level, MetaCheck, RunReport};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::Value;

use crate::cx::{Cx, none};
use crate::json::{active_shards, to_value};
use crate::pairs::pairs;
use crate::proof::{self, EXAMPLES};
use crate::table::Table;

/// A read sent again (a few times, backing off) after a transient failure: the proof reads many
/// things, and one refused read should not start the whole verification over.
async fn read(cx: &Cx<'_>, req: &Request, doing: &str) -> Result<Value, StepError> {
    let mut attempt = 0u32;
    loop {
        match cx.try_json::<Value>(req, &none()).await {
            Ok(v) => return Ok(v),
            Err(e) if e.is_retryable() && attempt < 5 => {
                attempt += 1;
                tokio::time::sleep(std::time::Duration::from_millis(50 << attempt)).await;
            }
            Err(e) => return Err(cx.fail(req.side, doing, &e)),
        }
    }
}

/// Sends a planned `_count`.
async fn count(cx: &Cx<'_>, req: Option<&Request>, doing: &str) -> Result<u64, StepError> {
    let Some(req) = req else {
        return Err(cx.permanent("a count the plan does not have (a bug in the step)"));
    };
    let v = read(cx, req, doing).await?;
    count_of(&v).ok_or_else(|| cx.permanent(format!("{doing}: the answer has no `count`")))
}

/// Sends a planned `_search`, read into hits.
async fn search(
    cx: &Cx<'_>,
    req: Option<&Request>,
    fills: &Fills,
    doing: &str,
) -> Result<SearchResult, StepError> {
    let Some(req) = req else {
        return Err(cx.permanent("a search the plan does not have (a bug in the step)"));
    };
    let v: Value = cx.json(req, fills, doing).await?;
    search_result(v).map_err(|e| cx.permanent(format!("{doing}: unexpected answer: {e}")))
}

/// Deepest `from` a plain search may page to (`index.max_result_window` default).
const MAX_WINDOW: u64 = 10_000;

fn colour(name: &str) -> Option<HealthStatus> {
    match name {
        "green" => Some(HealthStatus::Green),
        "yellow" => Some(HealthStatus::Yellow),
        "red" => Some(HealthStatus::Red),
        _ => None,
    }
}

/// Where this step's findings go: `verify/<step id>.jsonl` under the work directory.
fn findings_path(cx: &Cx<'_>) -> Result<PathBuf, StepError> {
    work_file(cx, "verify")
}

/// `<work dir>/<subdir>/<step id>.jsonl`, the step id's characters outside `[A-Za-z0-9-]` as `_`.
pub(super) fn work_file(cx: &Cx<'_>, subdir: &str) -> Result<PathBuf, StepError> {
    let base = cx
        .env
        .options
        .work_dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("migrate"));
    let dir = base.join(subdir);
    std::fs::create_dir_all(&dir)
        .map_err(|e| cx.permanent(format!("creating `{}`: {e}", dir.display())))?;
    let name: String = cx
        .id()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(dir.join(format!("{name}.jsonl")))
}

/// The index settings the plan sets on top of the source's: a restore's `index_settings`, and
/// with `copy_settings.after` given, the copy-time replicas and refresh interval with `after` on
/// top (instead of the source's, which `after: original` puts back). Part of what the engine
/// intended.
fn plan_settings(cx: &Cx<'_>, source_entry: &str) -> serde_json::Map<String, Value> {
    use migrate_graph::StepKind;
    use migrate_graph::blueprint::AfterCopy;
    const REPLICAS: &str = "index.number_of_replicas";
    const REFRESH: &str = "index.refresh_interval";
    let prefixed = |k: &str| {
        if k.starts_with("index.") {
            k.to_owned()
        } else {
            format!("index.{k}")
        }
    };
    let mut out = serde_json::Map::new();
    let mut copy_time = serde_json::Map::new();
    let mut after = None;
    for step in cx.graph.steps() {
        match &step.kind {
            StepKind::Restore {
                source_index,
                index_settings,
                ..
            } if &**source_index == source_entry => {
                for (k, v) in index_settings.iter() {
                    let key = prefixed(k);
                    if key == REPLICAS || key == REFRESH {
                        copy_time.insert(key, v.clone());
                    } else {
                        out.insert(key, v.clone());
                    }
                }
            }
            StepKind::CreateIndex {
                source_index,
                number_of_replicas,
                refresh_interval,
                ..
            } if &**source_index == source_entry => {
                copy_time.insert(REPLICAS.into(), Value::from(*number_of_replicas));
                copy_time.insert(REFRESH.into(), Value::from(&**refresh_interval));
            }
            StepKind::RestoreSettings {
                source_index,
                after: set,
                ..
            } if &**source_index == source_entry => {
                if let AfterCopy::Set(set) = &**set {
                    after = Some(set);
                }
            }
            _ => {}
        }
    }
    if let Some(set) = after {
        out.extend(copy_time);
        for (k, v) in set {
            out.insert(prefixed(k), v.clone());
        }
    }
    out
}

/// A column of `n` documents with example ids.
fn column(ids: Vec<String>) -> Column {
    Column {
        count: ids.len() as u64,
        examples: ids.into_iter().take(EXAMPLES).collect(),
    }
}

pub(super) async fn run(
    cx: &Cx<'_>,
    ctx: &mut StepCtx,
    source_index: &str,
    destination_index: &str,
    checks: &Verify,
) -> Result<Outcome, StepError> {
    let mut table = Table::default();
    let mut rng = match cx.env.options.sample_seed {
        Some(seed) => StdRng::seed_from_u64(seed),
        None => StdRng::from_rng(&mut rand::rng()),
    };
    let path = findings_path(cx)?;
    let mut findings = Findings::create(&path, EXAMPLES)
        .map_err(|e| cx.permanent(format!("verification findings: {e}")))?;
    let mut run = RunReport {
        indexes: Vec::new(),
        findings_file: Some(path.display().to_string()),
    };
    let (translator, _) = crate::translate::translator(cx).await?;
    for p in pairs(cx, ctx, source_index, destination_index).await? {
        let (s, d) = (p.source.as_str(), p.destination.as_str());
        let r = planned(s, d, checks);
        let mut source_count = 0;
        let mut destination_count = None;
        if let Some(refresh) = &r.refresh {
            cx.send(refresh, &none(), &format!("refreshing `{d}`"))
                .await?;
            source_count = count(cx, r.source_count.as_ref(), &format!("counting `{s}`")).await?;
            if r.destination_count.is_some() {
                let dc =
                    count(cx, r.destination_count.as_ref(), &format!("counting `{d}`")).await?;
                destination_count = Some(dc);
                if checks.doc_count {
                    table.push(
                        "doc count",
                        d,
                        source_count.to_string(),
                        dc.to_string(),
                        source_count == dc,
                    );
                }
            }
        }
        let mut report = match r.proof {
            Some(pr) => {
                let read = |req: Request, what: &'static str, index: String| async move {
                    read(cx, &req, &format!("reading the {what} of `{index}`")).await
                };
                let [ms, md] = pr.mappings;
                let [ss, sd] = pr.settings;
                let [as_, ad] = pr.aliases;
                let meta = proof::metadata_checks(
                    (s, d),
                    (
                        read(ms, "mapping", s.to_owned()).await?,
                        read(md, "mapping", d.to_owned()).await?,
                    ),
                    (
                        read(ss, "settings", s.to_owned()).await?,
                        read(sd, "settings", d.to_owned()).await?,
                    ),
                    (
                        read(as_, "aliases", s.to_owned()).await?,
                        read(ad, "aliases", d.to_owned()).await?,
                    ),
                    &translator,
                    &plan_settings(cx, source_index),
                );
                // Documents the run set aside: counted apart ("not proven"), not as missing.
                let dead = crate::dead_letters::for_index(cx, source_index, d)
                    .map_err(|e| cx.permanent(format!("the dead letters of `{d}`: {e}")))?;
                let docs = proof::documents(
                    cx.client(Side::Source),
                    cx.client(Side::Destination),
                    (pr.source, pr.destination),
                    source_count,
                    path.parent().unwrap_or(&path),
                    d,
                    (&mut findings, &dead),
                )
                .await
                .map_err(|e| cx.retryable(e))?;
                proof::report(s, d, docs, meta)
            }
            None => {
                let sample = checks.sample_size();
                let (missing, differing) = if sample > 0 {
                    sampled(cx, &r, s, d, sample, source_count, &mut rng).await?
                } else {
                    (Vec::new(), Vec::new())
                };
                let level = if sample > 0 {
                    Level::Sampled {
                        sample_size: u64::from(sample),
                    }
                } else {
                    Level::Counts
                };
                let docs = DocDiff {
                    source_docs: source_count,
                    destination_docs: destination_count.unwrap_or(source_count),
                    missing: column(missing),
                    differing: column(differing),
                    ..DocDiff::default()
                };
                let mut rep = IndexReport::new(
                    s,
                    d,
                    level,
                    docs,
                    MetaCheck::NotChecked,
                    MetaCheck::NotChecked,
                    MetaCheck::NotChecked,
                );
                if let Some(dc) = destination_count
                    && dc != source_count
                    && level != Level::Counts
                {
                    rep = rep.fail(format!(
                        "{source_count} documents on the source, {dc} on the destination"
                    ));
                }
                rep
            }
        };
        if let Some(name) = &checks.health {
            let want = colour(name).ok_or_else(|| {
                cx.permanent(format!(
                    "`verify.health: {name}` is not a colour; use `green` or `yellow`"
                ))
            })?;
            let doing = format!("reading the health of `{d}`");
            let Some(req) = &r.health else {
                return Err(cx.permanent("a health check the plan does not have"));
            };
            // A wait that times out answers 408 with the health body.
            let h: Health = match cx
                .client(Side::Destination)
                .execute_allowing(req, &none(), &[408])
                .await
            {
                Ok(body) => migrate_cluster::decode(req, &body),
                Err(e) => Err(e),
            }
            .map_err(|e| cx.fail(Side::Destination, &doing, &e))?;
            let ok = !h.timed_out && h.status >= want;
            table.push(
                "health",
                d,
                format!("at least {}", want.as_str()),
                h.status.as_str().to_owned(),
                ok,
            );
            if !ok {
                report = report.fail(format!(
                    "health {} (at least {} required)",
                    h.status.as_str(),
                    want.as_str()
                ));
            }
        }
        if let Some(req) = &r.recovery {
            let rec: Value = cx
                .json(req, &none(), &format!("reading the recovery of `{d}`"))
                .await?;
            let active = active_shards(&rec);
            table.push(
                "recovery",
                d,
                "none active".into(),
                format!("{active} active"),
                active == 0,
            );
            if active > 0 {
                report = report.fail(format!("{active} shard recoveries still active"));
            }
        }
        run.indexes.push(report);
    }
    findings
        .finish()
        .map_err(|e| cx.permanent(format!("verification findings: {e}")))?;
    let rendered = run.render();
    tracing::info!(step = %cx.id(), "verification\n{rendered}");
    if run.failed() {
        return Err(cx.permanent(format!(
            "verification of `{destination_index}` failed: the destination ({}) differs from the source ({}):\n{rendered}\nfind out what changed the destination (or the source after the cutover), copy again, then `migrate verify` the plan",
            cx.url(Side::Destination),
            cx.url(Side::Source),
        )));
    }
    Ok(Outcome::Done {
        outputs: serde_json::json!({
            "ok": true,
            "clean": run.all_clean(),
            "proof": to_value(&run),
            "table": table.rows,
        }),
    })
}

/// The sampled documents: ids missing on the destination, ids whose `_source` differs.
async fn sampled(
    cx: &Cx<'_>,
    r: &migrate_graph::requests::verify::Verify,
    s: &str,
    d: &str,
    sample: u32,
    total: u64,
    rng: &mut StdRng,
) -> Result<(Vec<String>, Vec<String>), StepError> {
    let n = u64::from(sample);
    let room = total.min(MAX_WINDOW).saturating_sub(n);
    let from = if room > 0 {
        rng.random_range(0..=room)
    } else {
        0
    };
    let hits = search(
        cx,
        r.sample.as_ref(),
        &Fills::new().set(SAMPLE_FROM, from),
        &format!("sampling `{s}`"),
    )
    .await?
    .hits;
    let ids: Vec<String> = hits.iter().map(|h| h.id.clone()).collect();
    let found = if ids.is_empty() {
        Vec::new()
    } else {
        search(
            cx,
            r.fetch.as_ref(),
            &Fills::new().set(SAMPLE_IDS, ids),
            &format!("fetching sampled documents from `{d}`"),
        )
        .await?
        .hits
    };
    let (mut missing, mut differing) = (Vec::new(), Vec::new());
    for h in &hits {
        match found.iter().find(|f| f.id == h.id) {
            None => missing.push(h.id.clone()),
            Some(f) if f.source_sha256() != h.source_sha256() => differing.push(h.id.clone()),
            Some(_) => {}
        }
    }
    Ok((missing, differing))
}
