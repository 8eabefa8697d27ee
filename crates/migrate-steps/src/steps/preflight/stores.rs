//! The stores a transfer copies between answer a read with the plan's credentials.

use std::sync::Arc;

use migrate_core::{SecretRef, Side};
use migrate_exec::StepError;
use migrate_graph::StepKind;
use migrate_graph::blueprint::Store;
use migrate_store::{ProbeError, ProbeFailure, StoreSpec, spec_of};
use serde_json::{Map, Value};

use crate::cx::Cx;

/// What the output says when no transfer runs: migrate itself never touches the store.
const STORES_NOT_CHECKED: &str =
    "not checked: transfer skipped, the clusters read the store themselves";

/// The stores the transfer copies between answer a read with the plan's credentials, opened the
/// way the transfer opens them: one LIST of at most one key under each base path (`fs`: the
/// directory, or its parent before the cluster creates it). An empty repository passes. Without a
/// transfer (both clusters read one store) migrate needs no access and nothing is checked.
/// Returns `{"source": "reachable", "destination": "reachable"}` or [`STORES_NOT_CHECKED`].
pub(super) async fn stores_reachable(cx: &Cx<'_>) -> Result<Value, StepError> {
    let Some((from, to)) = cx.graph.steps().find_map(|step| match &step.kind {
        StepKind::TransferObjects { from, to, .. } => Some((Arc::clone(from), Arc::clone(to))),
        _ => None,
    }) else {
        return Ok(Value::from(STORES_NOT_CHECKED));
    };
    let resolve = |r: &SecretRef| cx.env.secrets.get(r).cloned();
    let mut specs = Vec::with_capacity(2);
    for (side, store) in [(Side::Source, &from), (Side::Destination, &to)] {
        let spec = spec_of(store, &resolve).map_err(|why| {
            cx.permanent(format!(
                "the {} store: {why}; fix `strategy.snapshot.{}_store` in the plan",
                side.as_str(),
                side.as_str()
            ))
        })?;
        specs.push((side, store, spec));
    }
    if specs[0].2.same_location(&specs[1].2) {
        return Ok(Value::from(STORES_NOT_CHECKED));
    }
    let mut out = Map::new();
    for (side, store, spec) in &specs {
        let found = migrate_store::probe(spec)
            .await
            .map_err(|e| store_problem(cx, *side, store, spec, &e))?;
        let status = if found.exists {
            "reachable"
        } else {
            "reachable (the directory is not created yet; its parent exists)"
        };
        out.insert(side.as_str().to_owned(), Value::from(status));
    }
    Ok(Value::Object(out))
}

/// The user-facing error for a store that failed the probe: which store, where, what failed and
/// which plan field (or environment) to fix. Connection failures, timeouts and 5xx are retryable.
fn store_problem(
    cx: &Cx<'_>,
    side: Side,
    store: &Store,
    spec: &StoreSpec,
    e: &ProbeError,
) -> StepError {
    let side_name = side.as_str();
    let kind = store.repository_type();
    let field = |key: &str| format!("`strategy.snapshot.{side_name}_store.{kind}.{key}`");
    let location = &e.location;
    let endpoint = match (&e.endpoint, spec) {
        (Some(ep), _) => format!("`{ep}`"),
        (None, StoreSpec::S3(b)) => format!(
            "AWS S3 (region {})",
            b.region.as_deref().unwrap_or("us-east-1")
        ),
        (None, _) => "the provider's endpoint for the region".to_owned(),
    };
    let detail = &e.detail;
    let given: Vec<String> = store
        .secrets()
        .into_iter()
        .map(|(f, r)| format!("{} ({})", field(f), r.origin()))
        .collect();
    let creds = store.kind().credentials();
    let message = match e.failure {
        ProbeFailure::Credentials if !given.is_empty() => format!(
            "the {side_name} store {location} at {endpoint} refused the plan's credentials ({detail}): check {} — they must be valid credentials for `{}`",
            given.join(" and "),
            bucket_of(spec)
        ),
        ProbeFailure::Credentials => {
            let fields: Vec<String> = creds.fields.iter().map(|f| field(f)).collect();
            format!(
                "the {side_name} store {location} at {endpoint} refused the credentials of {chain} ({detail}): the plan gives no {} for it, so migrate uses {chain}; set those up, or give the credentials in the plan",
                fields.join(" or "),
                chain = creds.chain
            )
        }
        ProbeFailure::Forbidden => format!(
            "the {side_name} store {location} at {endpoint} accepted the credentials but refused to list the bucket ({detail}): allow them to list bucket `{}` and read{} its objects (`s3:ListBucket`, `s3:GetObject`{}) under the base path",
            bucket_of(spec),
            if side == Side::Destination {
                " and write"
            } else {
                ""
            },
            if side == Side::Destination {
                ", `s3:PutObject`"
            } else {
                ""
            }
        ),
        ProbeFailure::NoSuchBucket => format!(
            "the {side_name} store's bucket `{}` does not exist at {endpoint} ({detail}): create it, or fix {} (and {}/{})",
            bucket_of(spec),
            field("bucket"),
            field("endpoint"),
            field("region")
        ),
        ProbeFailure::Dns => format!(
            "the {side_name} store {location} at {endpoint}: {detail}; fix {} (an `-internal` OSS endpoint resolves only inside Alibaba Cloud's network)",
            field("endpoint")
        ),
        ProbeFailure::Connect | ProbeFailure::Timeout => {
            return cx.retryable(format!(
                "the {side_name} store {location} at {endpoint}: {detail}; check {} and that the store is up and reachable from this machine",
                field("endpoint")
            ));
        }
        ProbeFailure::Unavailable => {
            return cx.retryable(format!(
                "the {side_name} store {location} at {endpoint} is unavailable ({detail}); the next attempt tries again"
            ));
        }
        ProbeFailure::Open => format!(
            "the {side_name} store {location} cannot be opened: {detail}; fix `strategy.snapshot.{side_name}_store` in the plan"
        ),
        ProbeFailure::Missing | ProbeFailure::NotADirectory | ProbeFailure::Unreadable => {
            format!(
                "the {side_name} store {location}: {detail}; migrate reads the repository directory for the transfer, so {} must be the directory as this machine sees it (mount it here, or fix the path)",
                field("location")
            )
        }
        ProbeFailure::Other => format!(
            "the {side_name} store {location} at {endpoint} failed the reachability check ({detail}); check {} and {}",
            field("endpoint"),
            field("bucket")
        ),
    };
    cx.permanent(message)
}

fn bucket_of(spec: &StoreSpec) -> &str {
    match spec {
        StoreSpec::S3(b) | StoreSpec::Oss(b) | StoreSpec::Cos(b) => &b.bucket,
        StoreSpec::Azure(a) => &a.container,
        StoreSpec::Gcs(g) => &g.bucket,
        StoreSpec::Fs(_) => "",
    }
}
