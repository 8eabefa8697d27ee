//! Lifecycle policies. Elasticsearch ILM (6.6+): `PUT|GET|DELETE /_ilm/policy/{policy}` with the
//! timeseries phases and actions checked. OpenSearch ISM: `/_plugins/_ism/policies/{id}` (and
//! `/_opendistro/_ism/policies/{id}` on 1.x): a policy is created once; replacing it needs
//! `if_seq_no` and `if_primary_term` of the stored copy (409 otherwise), as the ISM plugin does.

use axum::http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use super::{Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::flavor::Flavor;
use crate::model::metadata::StoredPolicy;
use crate::router::RouteTable;
use crate::templates::select;

/// The ISM config index, named in write answers.
const ISM_INDEX: &str = ".opendistro-ism-config";

/// ILM phases and the actions each allows (TimeseriesLifecycleType).
const ILM_PHASES: &[(&str, &[&str])] = &[
    (
        "hot",
        &[
            "set_priority",
            "unfollow",
            "rollover",
            "readonly",
            "downsample",
            "shrink",
            "forcemerge",
            "searchable_snapshot",
        ],
    ),
    (
        "warm",
        &[
            "set_priority",
            "unfollow",
            "readonly",
            "downsample",
            "allocate",
            "migrate",
            "shrink",
            "forcemerge",
        ],
    ),
    (
        "cold",
        &[
            "set_priority",
            "unfollow",
            "readonly",
            "downsample",
            "searchable_snapshot",
            "allocate",
            "migrate",
            "freeze",
        ],
    ),
    ("frozen", &["unfollow", "searchable_snapshot"]),
    ("delete", &["wait_for_snapshot", "delete"]),
];

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    use Method as M;
    t.api(
        "ilm.put_lifecycle",
        &[M::PUT],
        &["/_ilm/policy/{policy}"],
        put_ilm,
    );
    t.api(
        "ilm.get_lifecycle",
        &[M::GET],
        &["/_ilm/policy", "/_ilm/policy/{policy}"],
        get_ilm,
    );
    t.api(
        "ilm.delete_lifecycle",
        &[M::DELETE],
        &["/_ilm/policy/{policy}"],
        delete_ilm,
    );
    for base in ["/_plugins/_ism/policies", "/_opendistro/_ism/policies"] {
        let one: &'static str = if base.starts_with("/_plugins") {
            "/_plugins/_ism/policies/{id}"
        } else {
            "/_opendistro/_ism/policies/{id}"
        };
        t.api("ism.put_policy", &[M::PUT], &[one], put_ism);
        t.api("ism.get_policy", &[M::GET], &[base, one], get_ism);
        t.api("ism.delete_policy", &[M::DELETE], &[one], delete_ism);
    }
}

fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// The answer of a server without this API (the sandbox's own "no such path" answer).
fn absent(ctx: &Ctx) -> ApiError {
    ApiError::unrecognized(&ctx.path)
}

fn has_ilm(ctx: &Ctx) -> bool {
    let p = ctx.shared.product;
    p.flavor == Flavor::Elasticsearch
        && (p.version.major > 6 || (p.version.major == 6 && p.version.minor >= 6))
}

fn has_ism(ctx: &Ctx) -> bool {
    let p = ctx.shared.product;
    p.flavor == Flavor::OpenSearch && (ctx.path.starts_with("/_plugins") || p.version.major == 1)
}

fn check_ilm(policy: &Value) -> ApiResult<()> {
    let Some(phases) = policy.get("phases").and_then(Value::as_object) else {
        return Err(ApiError::parse(
            "[put_lifecycle_request] failed to parse field [policy]: [phases] is required",
        ));
    };
    for (phase, body) in phases {
        let Some((_, allowed)) = ILM_PHASES.iter().find(|(p, _)| p == phase) else {
            return Err(ApiError::illegal_argument(format!(
                "Timeseries lifecycle does not support phase [{phase}]"
            )));
        };
        for action in body
            .get("actions")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
        {
            if !allowed.contains(&action.as_str()) {
                return Err(ApiError::illegal_argument(format!(
                    "invalid action [{action}] defined in phase [{phase}]"
                )));
            }
        }
    }
    Ok(())
}

async fn put_ilm(ctx: Ctx) -> ApiResult<Reply> {
    if !has_ilm(&ctx) {
        return Err(absent(&ctx));
    }
    let body = ctx.json()?.unwrap_or(Value::Null);
    let Some(policy) = body.get("policy") else {
        return Err(ApiError::parse(
            "[put_lifecycle_request] policy is required",
        ));
    };
    check_ilm(policy)?;
    let mut c = ctx.shared.cluster();
    let name = ctx.param("policy").to_string();
    let version = c.meta.ilm.get(&name).map_or(1, |p| p.version + 1);
    c.meta.ilm.insert(
        name,
        StoredPolicy {
            policy: policy.clone(),
            version,
            seq_no: 0,
            modified: now_ms(),
        },
    );
    Reply::ok(json!({"acknowledged": true}))
}

fn iso(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

async fn get_ilm(ctx: Ctx) -> ApiResult<Reply> {
    if !has_ilm(&ctx) {
        return Err(absent(&ctx));
    }
    let c = ctx.shared.cluster();
    let expr = ctx.param("policy");
    let mut out = Map::new();
    for name in select(&c.meta.ilm, expr) {
        let p = &c.meta.ilm[name];
        out.insert(
            name.clone(),
            json!({"version": p.version, "modified_date": iso(p.modified), "policy": p.policy}),
        );
    }
    if out.is_empty() && !expr.is_empty() {
        return Err(ApiError::resource_not_found(format!(
            "Lifecycle policy not found: [{expr}]"
        )));
    }
    Reply::ok(Value::Object(out))
}

async fn delete_ilm(ctx: Ctx) -> ApiResult<Reply> {
    if !has_ilm(&ctx) {
        return Err(absent(&ctx));
    }
    let mut c = ctx.shared.cluster();
    let name = ctx.param("policy");
    if c.meta.ilm.remove(name).is_none() {
        return Err(ApiError::resource_not_found(format!(
            "Lifecycle policy not found: [{name}]"
        )));
    }
    Reply::ok(json!({"acknowledged": true}))
}

fn ism_not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "status_exception",
        "Policy not found",
    )
}

fn check_ism(policy: &Value) -> ApiResult<()> {
    let states = policy
        .get("states")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let names: Vec<&str> = states
        .iter()
        .filter_map(|s| s.get("name").and_then(Value::as_str))
        .collect();
    if names.is_empty() || names.len() != states.len() {
        return Err(ApiError::illegal_argument(
            "Policy must have at least one state, each with a name",
        ));
    }
    let default = policy
        .get("default_state")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !names.contains(&default) {
        return Err(ApiError::illegal_argument(format!(
            "Policy default_state [{default}] is not a state name"
        )));
    }
    for s in &states {
        for t in s
            .get("transitions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let to = t.get("state_name").and_then(Value::as_str).unwrap_or("");
            if !names.contains(&to) {
                return Err(ApiError::illegal_argument(format!(
                    "Policy contains a transition to a state [{to}] that does not exist"
                )));
            }
        }
    }
    Ok(())
}

/// The policy as ISM's GET shows it: the given object plus ISM's bookkeeping.
fn ism_view(id: &str, p: &StoredPolicy) -> Value {
    let mut policy = p.policy.as_object().cloned().unwrap_or_default();
    policy.insert("policy_id".into(), json!(id));
    policy.insert("last_updated_time".into(), json!(p.modified));
    policy.insert("schema_version".into(), json!(17));
    Value::Object(policy)
}

async fn put_ism(ctx: Ctx) -> ApiResult<Reply> {
    if !has_ism(&ctx) {
        return Err(absent(&ctx));
    }
    let body = ctx.json()?.unwrap_or(Value::Null);
    let Some(policy) = body.get("policy").filter(|p| p.is_object()) else {
        return Err(ApiError::illegal_argument("Required [policy] is missing"));
    };
    check_ism(policy)?;
    let id = ctx.param("id").to_string();
    let want: Option<(u64, u64)> = match (ctx.q("if_seq_no"), ctx.q("if_primary_term")) {
        (Some(s), Some(t)) => Some((
            s.parse()
                .map_err(|_| ApiError::illegal_argument(format!("Invalid if_seq_no [{s}]")))?,
            t.parse().map_err(|_| {
                ApiError::illegal_argument(format!("Invalid if_primary_term [{t}]"))
            })?,
        )),
        (None, None) => None,
        _ => {
            return Err(ApiError::illegal_argument(
                "if_seq_no and if_primary_term must be given together",
            ));
        }
    };
    let mut c = ctx.shared.cluster();
    let existing = c.meta.ism.get(&id).cloned();
    match (&existing, want) {
        (Some(e), None) => {
            return Err(ApiError::version_conflict(
                &id,
                &format!("document already exists (current version [{}])", e.version),
                ISM_INDEX,
                "_na_",
            ));
        }
        (Some(e), Some((seq, term))) if seq != e.seq_no || term != 1 => {
            return Err(ApiError::version_conflict(
                &id,
                &format!(
                    "required seqNo [{seq}], primary term [{term}]. current document has seqNo [{}] and primary term [1]",
                    e.seq_no
                ),
                ISM_INDEX,
                "_na_",
            ));
        }
        (None, Some(_)) => return Err(ism_not_found()),
        _ => {}
    }
    let seq_no = c.meta.ism_seq_no;
    c.meta.ism_seq_no += 1;
    let stored = StoredPolicy {
        policy: policy.clone(),
        version: existing.as_ref().map_or(1, |e| e.version + 1),
        seq_no,
        modified: now_ms(),
    };
    let view = ism_view(&id, &stored);
    let version = stored.version;
    c.meta.ism.insert(id.clone(), stored);
    let status = if existing.is_some() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok(Reply::Json(
        status,
        json!({"_id": id, "_version": version, "_primary_term": 1, "_seq_no": seq_no, "policy": {"policy": view}}),
    ))
}

async fn get_ism(ctx: Ctx) -> ApiResult<Reply> {
    if !has_ism(&ctx) {
        return Err(absent(&ctx));
    }
    let c = ctx.shared.cluster();
    let id = ctx.param("id");
    if id.is_empty() {
        let list: Vec<Value> = c
            .meta
            .ism
            .iter()
            .map(|(id, p)| json!({"_id": id, "_seq_no": p.seq_no, "_primary_term": 1, "policy": ism_view(id, p)}))
            .collect();
        return Reply::ok(json!({"total_policies": list.len(), "policies": list}));
    }
    let Some(p) = c.meta.ism.get(id) else {
        return Err(ism_not_found());
    };
    Reply::ok(
        json!({"_id": id, "_version": p.version, "_seq_no": p.seq_no, "_primary_term": 1, "policy": ism_view(id, p)}),
    )
}

async fn delete_ism(ctx: Ctx) -> ApiResult<Reply> {
    if !has_ism(&ctx) {
        return Err(absent(&ctx));
    }
    let mut c = ctx.shared.cluster();
    let id = ctx.param("id").to_string();
    let seq_no = c.meta.ism_seq_no;
    c.meta.ism_seq_no += 1;
    let (status, result, version) = match c.meta.ism.remove(&id) {
        Some(p) => (StatusCode::OK, "deleted", p.version + 1),
        None => (StatusCode::NOT_FOUND, "not_found", 1),
    };
    Ok(Reply::Json(
        status,
        json!({"_index": ISM_INDEX, "_id": id, "_version": version, "result": result, "forced_refresh": true,
               "_shards": super::shards(1), "_seq_no": seq_no, "_primary_term": 1}),
    ))
}
