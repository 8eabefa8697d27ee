//! `verify`: per concrete index, after a refresh of the destination: document counts on both sides,
//! the health colour the plan asks for, no active recovery, and a sample of source documents found on
//! the destination by `_id` with the same `_source` hash. Any difference fails the step permanently
//! with the whole comparison table; the outputs record the table when everything matches.

use std::time::Duration;

use migrate_cluster::api::cluster::HealthStatus;
use migrate_exec::{Outcome, StepCtx, StepError};
use migrate_graph::Side;
use migrate_graph::blueprint::Verify;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::json;

use crate::resolve::pairs;
use crate::runner::Cx;
use crate::table::Table;

/// Deepest `from` a plain search may page to (`index.max_result_window` default).
const MAX_WINDOW: u64 = 10_000;

fn short(hash: &str) -> String {
    hash.chars().take(12).collect()
}

fn colour(name: &str) -> Option<HealthStatus> {
    match name {
        "green" => Some(HealthStatus::Green),
        "yellow" => Some(HealthStatus::Yellow),
        "red" => Some(HealthStatus::Red),
        _ => None,
    }
}

pub(super) async fn run(
    cx: &Cx<'_>,
    ctx: &mut StepCtx,
    source_index: &str,
    destination_index: &str,
    checks: &Verify,
) -> Result<Outcome, StepError> {
    let src = cx.client(Side::Source);
    let dst = cx.client(Side::Destination);
    let mut table = Table::default();
    let mut rng = match cx.env.options.sample_seed {
        Some(seed) => StdRng::seed_from_u64(seed),
        None => StdRng::from_rng(&mut rand::rng()),
    };
    for p in pairs(cx, ctx, source_index, destination_index).await? {
        let (s, d) = (p.source.as_str(), p.destination.as_str());
        let mut source_count = None;
        if checks.doc_count || checks.sample > 0 {
            dst.refresh(d)
                .await
                .map_err(|e| cx.fail(Side::Destination, &format!("refreshing `{d}`"), &e))?;
            let sc = src
                .count(s, None)
                .await
                .map_err(|e| cx.fail(Side::Source, &format!("counting `{s}`"), &e))?;
            source_count = Some(sc);
            if checks.doc_count {
                let dc = dst
                    .count(d, None)
                    .await
                    .map_err(|e| cx.fail(Side::Destination, &format!("counting `{d}`"), &e))?;
                table.push("doc count", d, sc.to_string(), dc.to_string(), sc == dc);
            }
        }
        if let Some(name) = &checks.health {
            let want = colour(name).ok_or_else(|| {
                cx.permanent(format!(
                    "`verify.health: {name}` is not a colour; use `green` or `yellow`"
                ))
            })?;
            let wait = Some(Duration::from_secs(60));
            let h = dst.health(Some(d), Some(want), wait).await.map_err(|e| {
                cx.fail(
                    Side::Destination,
                    &format!("reading the health of `{d}`"),
                    &e,
                )
            })?;
            table.push(
                "health",
                d,
                format!("at least {}", want.as_str()),
                h.status.as_str().to_owned(),
                !h.timed_out && h.status >= want,
            );
        }
        if checks.recovery {
            let rec = dst.recovery(d, true).await.map_err(|e| {
                cx.fail(
                    Side::Destination,
                    &format!("reading the recovery of `{d}`"),
                    &e,
                )
            })?;
            let active: usize = rec
                .as_object()
                .map(|m| {
                    m.values()
                        .filter_map(|e| e.get("shards").and_then(|s| s.as_array()))
                        .map(Vec::len)
                        .sum()
                })
                .unwrap_or(0);
            table.push(
                "recovery",
                d,
                "none active".into(),
                format!("{active} active"),
                active == 0,
            );
        }
        if checks.sample > 0 {
            let n = u64::from(checks.sample);
            let total = source_count.unwrap_or(0);
            let room = total.min(MAX_WINDOW).saturating_sub(n);
            let from = if room > 0 {
                rng.random_range(0..=room)
            } else {
                0
            };
            let hits = src
                .search(s, json!({"size": n, "from": from, "sort": ["_doc"]}))
                .await
                .map_err(|e| cx.fail(Side::Source, &format!("sampling `{s}`"), &e))?
                .hits;
            let ids: Vec<String> = hits.iter().map(|h| h.id.clone()).collect();
            let found = if ids.is_empty() {
                Vec::new()
            } else {
                dst.search_by_ids(d, &ids).await.map_err(|e| {
                    cx.fail(
                        Side::Destination,
                        &format!("fetching sampled documents from `{d}`"),
                        &e,
                    )
                })?
            };
            for h in &hits {
                let want = h.source_sha256().unwrap_or_default();
                let got = found
                    .iter()
                    .find(|f| f.id == h.id)
                    .map(|f| f.source_sha256().unwrap_or_default());
                let ok = got.as_deref() == Some(want.as_str());
                table.push(
                    &format!("document `{}`", h.id),
                    d,
                    format!("sha256 {}", short(&want)),
                    got.map_or_else(|| "missing".to_owned(), |g| format!("sha256 {}", short(&g))),
                    ok,
                );
            }
        }
    }
    if !table.all_ok() {
        let n = table.failures().count();
        return Err(cx.permanent(format!(
            "verification of `{destination_index}` failed: {n} check(s) differ between the source ({}) and the destination ({}):\n{}\nfind out what changed the destination (or the source after the cutover), then run the final copy again",
            cx.url(Side::Source),
            cx.url(Side::Destination),
            table.render()
        )));
    }
    Ok(Outcome::Done {
        outputs: json!({"ok": true, "table": table.rows}),
    })
}
