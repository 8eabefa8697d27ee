//! `verify`: per concrete index, after a refresh of the destination: document counts on both sides,
//! the health colour the plan asks for, no active recovery, and a sample of source documents found on
//! the destination by `_id` with the same `_source` hash. Any difference fails the step permanently
//! with the whole comparison table; the outputs record the table when everything matches.

use migrate_cluster::api::cluster::{Health, HealthStatus};
use migrate_cluster::api::search::{SearchResult, count_of, search_result};
use migrate_core::Side;
use migrate_core::request::{Fills, Request};
use migrate_exec::{Outcome, StepCtx, StepError};
use migrate_graph::blueprint::Verify;
use migrate_graph::requests::slots::{SAMPLE_FROM, SAMPLE_IDS};
use migrate_graph::requests::verify::verify as planned;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::Value;

use crate::cx::{Cx, none};
use crate::json::active_shards;
use crate::pairs::pairs;
use crate::table::Table;

/// Sends a planned `_count`.
async fn count(cx: &Cx<'_>, req: Option<&Request>, doing: &str) -> Result<u64, StepError> {
    let Some(req) = req else {
        return Err(cx.permanent("a count the plan does not have (a bug in the step)"));
    };
    let v: Value = cx.json(req, &none(), doing).await?;
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
    let mut table = Table::default();
    let mut rng = match cx.env.options.sample_seed {
        Some(seed) => StdRng::seed_from_u64(seed),
        None => StdRng::from_rng(&mut rand::rng()),
    };
    for p in pairs(cx, ctx, source_index, destination_index).await? {
        let (s, d) = (p.source.as_str(), p.destination.as_str());
        let r = planned(s, d, checks);
        let mut source_count = None;
        if let Some(refresh) = &r.refresh {
            cx.send(refresh, &none(), &format!("refreshing `{d}`"))
                .await?;
            let sc = count(cx, r.source_count.as_ref(), &format!("counting `{s}`")).await?;
            source_count = Some(sc);
            if checks.doc_count {
                let dc =
                    count(cx, r.destination_count.as_ref(), &format!("counting `{d}`")).await?;
                table.push("doc count", d, sc.to_string(), dc.to_string(), sc == dc);
            }
        }
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
            table.push(
                "health",
                d,
                format!("at least {}", want.as_str()),
                h.status.as_str().to_owned(),
                !h.timed_out && h.status >= want,
            );
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
        outputs: serde_json::json!({"ok": true, "table": table.rows}),
    })
}
