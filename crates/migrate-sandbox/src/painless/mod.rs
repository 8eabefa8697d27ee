//! A Painless subset for the scripts of `_update`, `_update_by_query` and `_reindex`: reads and writes
//! of `ctx` (`_source`, `op`, `_id`, `_index`, `_routing`, `_version`) and `params`, `if`/`else`,
//! comparisons, arithmetic, `+=`, string methods such as `sha1()`/`sha256()`, stored scripts by `id`.
//! What the subset cannot run fails as a real node fails a script it cannot compile:
//! `script_exception` `compile error` (400) with `script_stack`, `position` and the cause.

mod eval;
mod lex;
mod parse;

use std::collections::HashMap;

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};
use crate::model::Cluster;

pub use eval::to_java_string;

/// A compiled script with its parameters.
#[derive(Debug, Clone)]
pub struct Script {
    /// The source text.
    pub source: String,
    /// `params`.
    pub params: Map<String, Value>,
    stmts: Vec<parse::Stmt>,
}

/// The `ctx` keys a bulk-by-scroll script (reindex, update by query) may hold.
const BY_SCROLL_KEYS: &[&str] = &[
    "_index", "_type", "_id", "_version", "_routing", "_source", "op", "_now",
];

impl Script {
    /// Compiles Painless source.
    pub fn compile(source: &str, params: Map<String, Value>) -> ApiResult<Script> {
        let toks = lex::lex(source).map_err(|(at, why)| compile_error(source, at, &why))?;
        let stmts = parse::parse(&toks, source.len())
            .map_err(|(at, why)| compile_error(source, at, &why))?;
        if stmts.is_empty() {
            return Err(compile_error(source, 0, "must have at least one statement"));
        }
        Ok(Script {
            source: source.to_string(),
            params,
            stmts,
        })
    }

    /// The script of a request body: a string (inline source), or an object with `source` (or
    /// `inline`), `lang` and `params`, or `id` of a stored script.
    pub fn from_request(v: &Value, cluster: &Cluster) -> ApiResult<Script> {
        let (source, lang, params) = match v {
            Value::String(s) => (s.clone(), "painless".to_string(), Map::new()),
            Value::Object(o) => {
                for k in o.keys() {
                    if !matches!(
                        k.as_str(),
                        "source" | "inline" | "id" | "lang" | "params" | "options"
                    ) {
                        return Err(ApiError::parse(format!("[script] unknown field [{k}]")));
                    }
                }
                let params = match o.get("params") {
                    Some(Value::Object(p)) => p.clone(),
                    None | Some(Value::Null) => Map::new(),
                    Some(_) => {
                        return Err(ApiError::parse("[script] failed to parse field [params]"));
                    }
                };
                match (o.get("source").or(o.get("inline")), o.get("id")) {
                    (Some(Value::String(s)), None) => (
                        s.clone(),
                        o.get("lang")
                            .and_then(Value::as_str)
                            .unwrap_or("painless")
                            .to_string(),
                        params,
                    ),
                    (None, Some(Value::String(id))) => {
                        let Some(stored) = cluster.scripts.get(id) else {
                            return Err(ApiError::resource_not_found(format!(
                                "unable to find script [{id}] in cluster state"
                            )));
                        };
                        (
                            stored["source"].as_str().unwrap_or_default().to_string(),
                            stored["lang"].as_str().unwrap_or("painless").to_string(),
                            params,
                        )
                    }
                    (Some(_), Some(_)) => {
                        return Err(ApiError::illegal_argument(
                            "must specify either [source] for an inline script or [id] for a stored script",
                        ));
                    }
                    _ => {
                        return Err(ApiError::illegal_argument(
                            "must specify either [source] for an inline script or [id] for a stored script",
                        ));
                    }
                }
            }
            _ => return Err(ApiError::parse("[script] must be a string or an object")),
        };
        if lang != "painless" {
            return Err(ApiError::illegal_argument(format!(
                "script_lang not supported [{lang}]"
            )));
        }
        Script::compile(&source, params)
    }

    /// Runs the script on `ctx`; returns `ctx` as the script left it.
    pub fn execute(&self, ctx: Value) -> ApiResult<Value> {
        let mut vars = HashMap::new();
        vars.insert("ctx".to_string(), ctx);
        vars.insert("params".to_string(), Value::Object(self.params.clone()));
        let mut env = eval::Env { vars };
        if let Err(e) = eval::run(&mut env, &self.stmts) {
            let mut err = script_error(&self.source, e.at, "runtime error");
            err = err.with("caused_by", json!({"type": e.kind, "reason": e.reason}));
            return Err(err);
        }
        Ok(env.vars.remove("ctx").unwrap_or(Value::Null))
    }
}

/// What a bulk-by-scroll script asked for one document.
#[derive(Debug, Clone, PartialEq)]
pub enum ScrollOp {
    /// Write the (possibly changed) document.
    Index,
    /// Leave it alone, counted in `noops`.
    Noop,
    /// Delete it, counted in `deleted`.
    Delete,
}

/// Reads `ctx.op` and checks the keys left in `ctx` after a reindex or update-by-query script, with
/// the servers' messages (`Invalid fields added to context [..]`, `Operation type [..] not allowed`).
pub fn scroll_outcome(ctx: &Value) -> ApiResult<ScrollOp> {
    if let Value::Object(m) = ctx {
        let bad: Vec<&str> = m
            .keys()
            .map(String::as_str)
            .filter(|k| !BY_SCROLL_KEYS.contains(k))
            .collect();
        if !bad.is_empty() {
            return Err(ApiError::illegal_argument(format!(
                "Invalid fields added to context [{}]",
                bad.join(", ")
            )));
        }
    }
    match ctx.get("op").and_then(Value::as_str).unwrap_or("index") {
        "index" => Ok(ScrollOp::Index),
        "noop" => Ok(ScrollOp::Noop),
        "delete" => Ok(ScrollOp::Delete),
        other => Err(ApiError::illegal_argument(format!(
            "Operation type [{other}] not allowed, only [noop, index, delete] are allowed"
        ))),
    }
}

fn script_error(source: &str, at: usize, reason: &str) -> ApiError {
    let at = at.min(source.len());
    let floor = |mut i: usize| {
        while !source.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(at.saturating_sub(25));
    let end = floor((at + 25).min(source.len()));
    let snippet = &source[start..end];
    let caret = format!(
        "{}^---- HERE",
        " ".repeat(source[start..floor(at)].chars().count())
    );
    ApiError::new(StatusCode::BAD_REQUEST, "script_exception", reason)
        .with("script_stack", json!([snippet, caret]))
        .with("script", source)
        .with("lang", "painless")
        .with(
            "position",
            json!({"offset": at, "start": start, "end": end}),
        )
}

fn compile_error(source: &str, at: usize, why: &str) -> ApiError {
    script_error(source, at, "compile error").with(
        "caused_by",
        json!({"type": "illegal_argument_exception", "reason": why}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(src: &str, ctx: Value) -> ApiResult<Value> {
        Script::compile(src, Map::new())?.execute(ctx)
    }

    #[test]
    fn writes_source_fields_and_ops() {
        let ctx = json!({"_source": {"user": "foobar", "level": 11}, "op": "index"});
        let out = run(
            "if (ctx._source.level % 3 == 2) { ctx._source.user = 'not' + ctx._source.user; ctx._source.n = 1; ctx._source.n += 2 } else { ctx.op = 'noop' }",
            ctx,
        )
        .unwrap();
        assert_eq!(out["_source"]["user"], "notfoobar");
        assert_eq!(out["_source"]["n"], 3);
        assert_eq!(scroll_outcome(&out).unwrap(), ScrollOp::Index);
    }

    #[test]
    fn string_digests_and_params() {
        let s = Script::compile(
            "ctx._source.h = ctx._source.u.sha1(); ctx._source.p = params.x + 1",
            json!({"x": 41}).as_object().cloned().unwrap(),
        )
        .unwrap();
        let out = s.execute(json!({"_source": {"u": "foobar"}})).unwrap();
        assert_eq!(
            out["_source"]["h"],
            "8843d7f92416211de9ebb963ff4ce28125932878"
        );
        assert_eq!(out["_source"]["p"], 42);
    }

    #[test]
    fn syntax_errors_are_compile_errors_with_a_position() {
        let e = Script::compile("syntax errors are fun!", Map::new()).unwrap_err();
        assert_eq!(
            (e.kind.as_str(), e.reason.as_str()),
            ("script_exception", "compile error")
        );
        assert_eq!(e.extra["position"]["offset"], 7);
    }

    #[test]
    fn a_loop_is_refused_at_compile_time_not_run() {
        let e = Script::compile("while (true) {}", Map::new()).unwrap_err();
        assert_eq!(e.reason, "compile error");
    }

    #[test]
    fn null_field_access_is_a_runtime_null_pointer() {
        let e = run("ctx._source.a.b = 1", json!({"_source": {}})).unwrap_err();
        assert_eq!(e.reason, "runtime error");
        assert_eq!(e.extra["caused_by"]["type"], "null_pointer_exception");
    }

    #[test]
    fn unknown_ops_and_context_keys_use_the_servers_words() {
        let e = scroll_outcome(&json!({"op": "junk"})).unwrap_err();
        assert_eq!(
            e.reason,
            "Operation type [junk] not allowed, only [noop, index, delete] are allowed"
        );
        let e = scroll_outcome(&json!({"junk": 1})).unwrap_err();
        assert_eq!(e.reason, "Invalid fields added to context [junk]");
    }
}
