//! The cutover: the approval `gate` and `block-writes` on the source.

use migrate_cluster::{MutatingCall, Request, enc};
use migrate_exec::{Outcome, StepCtx, StepError};
use migrate_graph::Side;
use serde_json::{Value, json};

use crate::resolve::pairs;
use crate::runner::Cx;

/// Done when the plan says `cutover.approved: true`; otherwise apply stops here.
pub(super) fn gate(approved: bool) -> Outcome {
    if approved {
        Outcome::Done {
            outputs: json!({"approved": true}),
        }
    } else {
        Outcome::Blocked {
            message: "the cutover is not approved: set `cutover.approved: true` in the plan file and run apply again to block source writes (if planned), run the final copy and verify".into(),
        }
    }
}

pub(super) async fn block_writes(
    cx: &Cx<'_>,
    ctx: &mut StepCtx,
    index: &str,
) -> Result<Outcome, StepError> {
    let src = cx.client(Side::Source);
    let mut blocked = Vec::new();
    let mut already = Vec::new();
    for p in pairs(cx, ctx, index, index).await? {
        let s = &p.source;
        let path = format!("/{}/_settings", enc(s));
        let settings: Value = src
            .json(Request::get(format!("{path}/index.blocks.write")))
            .await
            .map_err(|e| {
                cx.fail(
                    Side::Source,
                    &format!("reading the write block of `{s}`"),
                    &e,
                )
            })?;
        let on = settings
            .get(s)
            .and_then(|v| v.pointer("/settings/index/blocks/write"))
            .is_some_and(|v| v == &Value::from("true") || v == &Value::Bool(true));
        if on {
            already.push(s.clone());
            continue;
        }
        // The dry-run's body, sent as the declared write block.
        src.send(
            Request::new(reqwest::Method::PUT, path)
                .body(json!({"index": {"blocks": {"write": true}}}))
                .mutating(MutatingCall::WriteBlock, s.clone()),
        )
        .await
        .map_err(|e| cx.fail(Side::Source, &format!("blocking writes on `{s}`"), &e))?;
        blocked.push(s.clone());
    }
    Ok(Outcome::Done {
        outputs: json!({"blocked": blocked, "already_blocked": already}),
    })
}
