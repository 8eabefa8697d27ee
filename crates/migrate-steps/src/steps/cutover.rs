//! The cutover: the approval `gate` and `block-writes` on the source.

use migrate_exec::{Outcome, StepCtx, StepError};
use migrate_graph::requests::cutover::block_writes as planned;
use serde_json::{Value, json};

use crate::cx::{Cx, none};
use crate::pairs::pairs;

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
    let mut blocked = Vec::new();
    let mut already = Vec::new();
    for p in pairs(cx, ctx, index, index).await? {
        let s = &p.source;
        let r = planned(s);
        let settings: Value = cx
            .json(
                &r.current,
                &none(),
                &format!("reading the write block of `{s}`"),
            )
            .await?;
        let on = settings
            .get(s)
            .and_then(|v| v.pointer("/settings/index/blocks/write"))
            .is_some_and(|v| v == &Value::from("true") || v == &Value::Bool(true));
        if on {
            already.push(s.clone());
            continue;
        }
        // The declared write block.
        cx.send(&r.block, &none(), &format!("blocking writes on `{s}`"))
            .await?;
        blocked.push(s.clone());
    }
    Ok(Outcome::Done {
        outputs: json!({"blocked": blocked, "already_blocked": already}),
    })
}
