//! `reindex`: one remote `_reindex` task per concrete index of the entry, followed through the task
//! API; a task an interrupted attempt started is found again by its `X-Opaque-Id` among the running
//! tasks or in `.tasks`.

use std::sync::LazyLock;

use migrate_core::Side;
use migrate_core::request::{Body, Method, MutatingCall, Request, Role, Segment};
use serde::Serialize;
use serde_json::{Value, json};

use super::Secrets;
use super::endpoint::mapping;
use super::slots::{OPAQUE_ID, PAGE_FROM, PASS_FORMAT, PASS_FROM, PASS_TO, TASK};
use crate::kind::{Pass, Remote, RemoteAuth};

/// Hits per page of the `.tasks` search.
pub const TASKS_PAGE: usize = 100;

/// The inputs of one pass over one concrete index (or, previewed, the entry).
pub struct PassInputs<'a> {
    pub source_index: &'a str,
    pub destination_index: &'a str,
    pub remote: &'a Remote,
    pub pass: &'a Pass,
    pub query: &'a Value,
    pub update_field: Option<&'a str>,
    pub batch_size: Option<u32>,
    pub requests_per_second: Option<f64>,
}

pub struct Reindex {
    /// The update-time field's type (dates or epoch milliseconds), for range passes.
    pub field_mapping: Option<Request>,
    /// The field's newest values, for range passes (see [`newest_values`]).
    pub field_values: Option<Request>,
    /// Running reindex tasks, to adopt one an interrupted attempt started.
    pub running: Request,
    /// `.tasks` refreshed, then searched for a finished one.
    pub finished_refresh: Request,
    pub finished_search: Request,
    /// The destination index's uuid, compared with the one `create-index` recorded before the
    /// task starts: `_reindex` into a vanished index would create it with dynamic mappings.
    pub destination_identity: Request,
    /// `POST /_reindex?wait_for_completion=false`.
    pub start: Request,
    /// `GET /_tasks/{task}` until it completes.
    pub poll: Request,
}

/// The newest values of the update-time field on `index`: on a numeric field the plan gives no
/// `update_field_unit`, they say whether it counts epoch seconds or milliseconds.
pub fn newest_values(index: &str, field: &str) -> Request {
    Request::new(Role::Read, Side::Source, Method::Post)
        .name(index)
        .at("_search")
        .body(Body::json(&json!({
            "size": 5,
            "_source": [field],
            "query": {"exists": {"field": field}},
            "sort": [{field: {"order": "desc"}}],
        })))
        .note("only on a numeric field without `update_field_unit`: values about 1e9 are epoch seconds, about 1e12 milliseconds")
}

/// Whether a pass's query is a range on the update-time field.
pub fn is_range(pass: &Pass, update_field: Option<&str>) -> bool {
    update_field.is_some() && matches!(pass, Pass::Incremental { .. } | Pass::Final)
}

pub fn reindex(p: &PassInputs<'_>, secrets: &dyn Secrets) -> Reindex {
    let range = is_range(p.pass, p.update_field);
    let dst = |role, method| Request::new(role, Side::Destination, method);
    let mut start = dst(Role::Act, Method::Post)
        .at("_reindex")
        .query("wait_for_completion", "false");
    if let Some(rps) = p.requests_per_second {
        start = start.query("requests_per_second", format!("{rps}"));
    }
    start = start
        .body(body(p, secrets))
        .header("X-Opaque-Id", OPAQUE_ID)
        .mutates(MutatingCall::Reindex, p.destination_index);
    if range {
        start = start.note(
            "the range starts where the previous pass started, so nothing falls between passes",
        );
    }
    Reindex {
        field_values: p
            .update_field
            .filter(|_| range)
            .map(|f| newest_values(p.source_index, f)),
        field_mapping: range.then(|| {
            mapping(
                Role::Read,
                Side::Source,
                Segment::Name(p.source_index.to_owned()),
            )
            .note("the update-time field's type decides the range's format: epoch_millis on a date field, none on a numeric one")
        }),
        running: dst(Role::Check, Method::Get)
            .at("_tasks")
            .query("actions", "*reindex")
            .query("detailed", "true")
            .note("only after an interrupted attempt: the task it started, by its X-Opaque-Id"),
        finished_refresh: dst(Role::Check, Method::Post)
            .at(".tasks")
            .at("_refresh")
            .query("ignore_unavailable", "true")
            .mutates(MutatingCall::Refresh, ".tasks")
            .note("only when no running task has that id: a finished one is looked for in `.tasks`"),
        finished_search: dst(Role::Check, Method::Post)
            .at(".tasks")
            .at("_search")
            .body(FINISHED_SEARCH.clone()),
        destination_identity: super::create_index::identity(p.destination_index).note(
            "before a task starts, when `create-index` made the index: it must still have the uuid recorded then",
        ),
        start,
        poll: dst(Role::Wait, Method::Get).at("_tasks").slot(TASK),
    }
}

/// The `.tasks` search for finished reindex tasks: the same for every pass, so built once.
static FINISHED_SEARCH: LazyLock<Body> = LazyLock::new(|| {
    Body::json(&json!({
        "from": PAGE_FROM.placeholder(),
        "size": TASKS_PAGE,
        "query": {"bool": {"filter": [
            {"term": {"completed": true}},
            {"term": {"task.action": "indices:data/write/reindex"}}
        ]}},
        "sort": [{"task.start_time_in_millis": {"order": "desc"}}]
    }))
});

impl Reindex {
    pub fn list(self) -> Vec<Request> {
        let mut out: Vec<Request> = self.field_mapping.into_iter().collect();
        out.extend(self.field_values);
        out.extend([
            self.running,
            self.finished_refresh,
            self.finished_search,
            self.destination_identity,
            self.start,
            self.poll,
        ]);
        out
    }
}

#[derive(Serialize)]
struct ReindexBody<'a> {
    conflicts: &'static str,
    source: ReindexSource<'a>,
    dest: IndexRef<'a>,
}

#[derive(Serialize)]
struct ReindexSource<'a> {
    remote: RemoteBody<'a>,
    index: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<u32>,
    query: &'a Value,
}

#[derive(Serialize)]
struct RemoteBody<'a> {
    host: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    headers: Option<AuthHeader>,
}

#[derive(Serialize)]
struct AuthHeader {
    #[serde(rename = "Authorization")]
    authorization: String,
}

#[derive(Serialize)]
struct IndexRef<'a> {
    index: &'a str,
}

/// The `_reindex` body: the remote source with its credentials (written by `secrets`), the pass's
/// query (the partition's own, a range on the update-time field with slots for its bounds, or
/// "field missing"), conflicts proceed. Serialised straight into the body's text (no value tree).
fn body(p: &PassInputs<'_>, secrets: &dyn Secrets) -> Body {
    let mut remote = RemoteBody {
        host: &p.remote.host,
        username: None,
        password: None,
        headers: None,
    };
    match &p.remote.auth {
        RemoteAuth::None | RemoteAuth::Unsupported { .. } => {}
        RemoteAuth::Basic { username, password } => {
            remote.username = Some(username);
            remote.password = Some(secrets.text(password));
        }
        RemoteAuth::Header { scheme, value } => {
            remote.headers = Some(AuthHeader {
                authorization: format!("{scheme} {}", secrets.text(value)),
            });
        }
    }
    let query = pass_query(p.pass, p.update_field, p.query);
    let body = ReindexBody {
        conflicts: "proceed",
        source: ReindexSource {
            remote,
            index: p.source_index,
            size: p.batch_size,
            query: &query,
        },
        dest: IndexRef {
            index: p.destination_index,
        },
    };
    Body::json(&body)
}

/// The query of a pass: the partition's own (initial, or a final pass without an update field), a
/// range on the update-time field with slots for its bounds, or "field missing" (reindex and copy).
pub fn pass_query(pass: &Pass, update_field: Option<&str>, partition: &Value) -> Value {
    let field = update_field.unwrap_or("");
    let range = |bounded: bool| {
        let mut bounds = serde_json::Map::new();
        bounds.insert("gte".into(), PASS_FROM.placeholder().into());
        if bounded {
            bounds.insert("lt".into(), PASS_TO.placeholder().into());
        }
        bounds.insert("format".into(), PASS_FORMAT.placeholder().into());
        json!({"range": {field: bounds}})
    };
    match pass {
        Pass::Initial { .. } => partition.clone(),
        Pass::Incremental { .. } => range(true),
        // Writes are stopped: no upper bound, so documents stamped by a clock ahead of ours come too.
        Pass::Final if update_field.is_some() => range(false),
        Pass::Final => partition.clone(),
        Pass::MissingField | Pass::FinalMissingField => {
            json!({"bool": {"must_not": {"exists": {"field": field}}}})
        }
    }
}
