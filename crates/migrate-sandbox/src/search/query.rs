//! The query DSL subset: match_all, match_none, term, terms, ids, range, exists, bool, match, prefix;
//! parsed from JSON into [`Query`] and evaluated against a parsed `_source`.

use serde_json::{Map, Value};

use super::fields::{Key, NumUnit, key_of, term_eq, values};
use crate::dates::DateFormats;
use crate::error::{ApiError, ApiResult};
use crate::model::Index;

/// A parsed query.
#[derive(Debug, Clone)]
pub enum Query {
    /// Every document.
    MatchAll,
    /// No document.
    MatchNone,
    /// Exact value.
    Term {
        /// Field.
        field: String,
        /// Value.
        value: Value,
    },
    /// Any of several values.
    Terms {
        /// Field.
        field: String,
        /// Values.
        values: Vec<Value>,
    },
    /// Document ids.
    Ids(Vec<String>),
    /// Range over numbers, dates or strings.
    Range {
        /// Field.
        field: String,
        /// Bounds: (operator, value).
        bounds: Vec<(RangeOp, Value)>,
        /// `format` says numbers are epoch seconds.
        unit: NumUnit,
        /// The query's date `format` (bounds are read with it, else with the field's).
        format: Option<String>,
    },
    /// The field has a non-null value.
    Exists(String),
    /// Boolean combination.
    Bool {
        /// All must match.
        must: Vec<Query>,
        /// All must match (no scoring).
        filter: Vec<Query>,
        /// None may match.
        must_not: Vec<Query>,
        /// At least `minimum_should_match` must match.
        should: Vec<Query>,
        /// Defaults to 1 without must/filter, else 0.
        minimum_should_match: usize,
    },
    /// Full-text match (token-wise, case-insensitive, any token).
    Match {
        /// Field.
        field: String,
        /// Query text.
        text: String,
    },
    /// String prefix.
    Prefix {
        /// Field.
        field: String,
        /// Prefix.
        prefix: String,
    },
}

/// A range operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeOp {
    /// `>`.
    Gt,
    /// `>=`.
    Gte,
    /// `<`.
    Lt,
    /// `<=`.
    Lte,
}

fn unknown(name: &str) -> ApiError {
    ApiError::parse(format!("unknown query [{name}]"))
        .with("line", 1)
        .with("col", 1)
}

fn single_field<'a>(kind: &str, body: &'a Value) -> ApiResult<(&'a String, &'a Value)> {
    let obj = body.as_object().ok_or_else(|| {
        ApiError::parse(format!(
            "[{kind}] query malformed, no start_object after query name"
        ))
    })?;
    let mut fields = obj
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "boost" | "_name"));
    let first = fields.next().ok_or_else(|| {
        ApiError::parse(format!(
            "[{kind}] query doesn't support multiple fields, found none"
        ))
    })?;
    if kind != "terms" && fields.next().is_some() {
        return Err(ApiError::parse(format!(
            "[{kind}] query doesn't support multiple fields, found [{}] and more",
            first.0
        )));
    }
    Ok(first)
}

fn list(v: Option<&Value>) -> ApiResult<Vec<Query>> {
    match v {
        None => Ok(vec![]),
        Some(Value::Array(a)) => a.iter().map(Query::parse).collect(),
        Some(other) => Ok(vec![Query::parse(other)?]),
    }
}

impl Query {
    /// Parses a query object (`{"term": {...}}`).
    pub fn parse(v: &Value) -> ApiResult<Query> {
        let obj: &Map<String, Value> = v
            .as_object()
            .ok_or_else(|| ApiError::parse("query malformed, must start with start_object"))?;
        let (kind, body) = obj
            .iter()
            .next()
            .ok_or_else(|| ApiError::parse("query malformed, empty clause found"))?;
        match kind.as_str() {
            "match_all" => Ok(Query::MatchAll),
            "match_none" => Ok(Query::MatchNone),
            "term" => {
                let (field, val) = single_field(kind, body)?;
                let value = val.get("value").cloned().unwrap_or_else(|| val.clone());
                Ok(Query::Term {
                    field: field.clone(),
                    value,
                })
            }
            "terms" => {
                let (field, val) = single_field(kind, body)?;
                let values = val
                    .as_array()
                    .cloned()
                    .ok_or_else(|| ApiError::parse("[terms] query does not support [value]"))?;
                Ok(Query::Terms {
                    field: field.clone(),
                    values,
                })
            }
            "ids" => {
                let ids = body
                    .get("values")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .map(|v| match v {
                                Value::String(s) => s.clone(),
                                other => other.to_string(),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                Ok(Query::Ids(ids))
            }
            "range" => {
                let (field, val) = single_field(kind, body)?;
                let mut bounds = Vec::new();
                let mut unit = NumUnit::Millis;
                let mut format = None;
                if let Some(m) = val.as_object() {
                    for (k, b) in m {
                        let op = match k.as_str() {
                            "gt" => RangeOp::Gt,
                            "gte" | "from" => RangeOp::Gte,
                            "lt" => RangeOp::Lt,
                            "lte" | "to" => RangeOp::Lte,
                            "format" => {
                                if b.as_str().is_some_and(|f| f.contains("epoch_second")) {
                                    unit = NumUnit::Seconds;
                                }
                                format = b.as_str().map(str::to_string);
                                continue;
                            }
                            _ => continue,
                        };
                        if !b.is_null() {
                            bounds.push((op, b.clone()));
                        }
                    }
                }
                Ok(Query::Range {
                    field: field.clone(),
                    bounds,
                    unit,
                    format,
                })
            }
            "exists" => {
                let field = body
                    .get("field")
                    .and_then(Value::as_str)
                    .ok_or_else(|| ApiError::parse("[exists] must be provided with a [field]"))?;
                Ok(Query::Exists(field.to_string()))
            }
            "bool" => {
                let must = list(body.get("must"))?;
                let filter = list(body.get("filter"))?;
                let must_not = list(body.get("must_not"))?;
                let should = list(body.get("should"))?;
                let default_msm = if must.is_empty() && filter.is_empty() && !should.is_empty() {
                    1
                } else {
                    0
                };
                let minimum_should_match = match body.get("minimum_should_match") {
                    Some(Value::Number(n)) => n.as_u64().unwrap_or(0) as usize,
                    Some(Value::String(s)) => {
                        s.trim_end_matches('%').parse().unwrap_or(default_msm)
                    }
                    _ => default_msm,
                };
                Ok(Query::Bool {
                    must,
                    filter,
                    must_not,
                    should,
                    minimum_should_match,
                })
            }
            "match" | "match_phrase" => {
                let (field, val) = single_field(kind, body)?;
                let text = match val.get("query") {
                    Some(q) => q.clone(),
                    None => val.clone(),
                };
                let text = match text {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                Ok(Query::Match {
                    field: field.clone(),
                    text,
                })
            }
            "prefix" => {
                let (field, val) = single_field(kind, body)?;
                let p = val.get("value").unwrap_or(val);
                Ok(Query::Prefix {
                    field: field.clone(),
                    prefix: p.as_str().unwrap_or_default().to_string(),
                })
            }
            other => Err(unknown(other)),
        }
    }

    /// Whether evaluating needs the parsed `_source`.
    pub fn needs_source(&self) -> bool {
        match self {
            Query::MatchAll | Query::MatchNone | Query::Ids(_) => false,
            Query::Bool { .. } => self.clauses().any(Query::needs_source),
            _ => true,
        }
    }

    /// The clauses of a `bool` query (none for a leaf).
    fn clauses(&self) -> impl Iterator<Item = &Query> {
        let lists: [&[Query]; 4] = match self {
            Query::Bool {
                must,
                filter,
                must_not,
                should,
                ..
            } => [must, filter, must_not, should],
            _ => [&[], &[], &[], &[]],
        };
        lists.into_iter().flatten()
    }

    /// The field a leaf query looks at.
    fn field(&self) -> Option<&str> {
        match self {
            Query::Term { field, .. }
            | Query::Terms { field, .. }
            | Query::Range { field, .. }
            | Query::Exists(field)
            | Query::Match { field, .. }
            | Query::Prefix { field, .. } => Some(field),
            _ => None,
        }
    }

    /// Evaluates against a document.
    pub fn matches(&self, id: &str, src: &Value, index: &Index) -> bool {
        if let Some(field) = self.field()
            && !index.searchable(field)
        {
            return false;
        }
        match self {
            Query::MatchAll => true,
            Query::MatchNone => false,
            Query::Ids(ids) => ids.iter().any(|i| i == id),
            Query::Term { field, value } => {
                if field == "_id" {
                    return match value {
                        Value::String(s) => s == id,
                        Value::Number(n) => n.to_string() == id,
                        _ => false,
                    };
                }
                let text = index.field_type(field).as_deref() == Some("text");
                values(src, field).iter().any(|v| term_eq(v, value, text))
            }
            Query::Terms {
                field,
                values: wanted,
            } => {
                if field == "_id" {
                    return wanted.iter().any(|w| w.as_str() == Some(id));
                }
                let text = index.field_type(field).as_deref() == Some("text");
                values(src, field)
                    .iter()
                    .any(|v| wanted.iter().any(|w| term_eq(v, w, text)))
            }
            Query::Range {
                field,
                bounds,
                unit,
                format,
            } => {
                if let Some((field_fmt, bound_fmt)) = date_formats(index, field, bounds, format) {
                    return values(src, field).iter().any(|v| {
                        let Some(k) = field_fmt.parse_value(v) else {
                            return false;
                        };
                        bounds.iter().all(|(op, b)| {
                            date_bound(b, &bound_fmt)
                                .is_some_and(|bk| in_bound(&Key::Num(k), *op, &Key::Num(bk)))
                        })
                    });
                }
                values(src, field).iter().any(|v| {
                    let Some(k) = key_of(v, false, NumUnit::Millis) else {
                        return false;
                    };
                    bounds.iter().all(|(op, b)| {
                        let Some(bk) = key_of(b, false, *unit) else {
                            return false;
                        };
                        in_bound(&k, *op, &bk)
                    })
                })
            }
            Query::Exists(field) => !values(src, field).is_empty(),
            Query::Bool {
                must,
                filter,
                must_not,
                should,
                minimum_should_match,
            } => {
                must.iter().chain(filter).all(|q| q.matches(id, src, index))
                    && !must_not.iter().any(|q| q.matches(id, src, index))
                    && should.iter().filter(|q| q.matches(id, src, index)).count()
                        >= *minimum_should_match
            }
            Query::Match { field, text } => {
                // `match` on a field that is not analysed is a term query on that field's values
                // (dates compared as instants).
                match index.field_type(field).as_deref() {
                    None | Some("text") => {}
                    Some("date" | "date_nanos") => {
                        let wanted = crate::search::fields::parse_date_millis(text);
                        return wanted.is_some()
                            && values(src, field).iter().any(|v| {
                                v.as_str()
                                    .and_then(crate::search::fields::parse_date_millis)
                                    == wanted
                            });
                    }
                    Some(_) => {
                        let w = Value::String(text.clone());
                        return values(src, field).iter().any(|v| term_eq(v, &w, false));
                    }
                }
                let wanted: Vec<String> = tokens(text);
                values(src, field).iter().any(|v| {
                    let s = match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    let have = tokens(&s);
                    wanted.iter().any(|w| have.contains(w))
                })
            }
            Query::Prefix { field, prefix } => values(src, field)
                .iter()
                .any(|v| v.as_str().is_some_and(|s| s.starts_with(prefix.as_str()))),
        }
    }
}

/// The date formats of a range on a date field: the field's (for document values) and the query's
/// or else the field's (for bounds); `None` when the field is not a date.
fn date_formats(
    index: &Index,
    field: &str,
    bounds: &[(RangeOp, Value)],
    format: &Option<String>,
) -> Option<(DateFormats, DateFormats)> {
    let mapping = index.field_mapping(field);
    let is_date = match mapping.and_then(|m| m.get("type")).and_then(Value::as_str) {
        Some("date") | Some("date_nanos") => true,
        Some(_) => false,
        None => bounds.iter().any(|(_, b)| {
            b.as_str()
                .is_some_and(|s| super::fields::parse_date_millis(s).is_some())
        }),
    };
    if !is_date {
        return None;
    }
    let field_fmt = DateFormats::of_field(
        mapping
            .and_then(|m| m.get("format"))
            .and_then(Value::as_str),
    );
    let bound_fmt = match format {
        Some(f) => DateFormats::parse(f).ok()?,
        None => field_fmt.clone(),
    };
    Some((field_fmt, bound_fmt))
}

/// A range bound on a date field: date math from `now`, else the value read with the formats (an
/// anchor before `||` date math is read the same way).
fn date_bound(b: &Value, formats: &DateFormats) -> Option<f64> {
    if let Some(s) = b.as_str() {
        if s.starts_with("now") {
            return super::fields::parse_date_millis(s);
        }
        let anchor = s.split("||").next().unwrap_or(s);
        return formats.parse_str(anchor);
    }
    formats.parse_value(b)
}

impl Query {
    /// Refuses bounds a date field's format cannot read (the server fails the search with a
    /// `parse_exception`): returns the reason.
    pub fn check_dates(&self, index: &Index) -> Result<(), String> {
        match self {
            Query::Range {
                field,
                bounds,
                format,
                ..
            } => {
                let Some((_, bound_fmt)) = date_formats(index, field, bounds, format) else {
                    if let Some(f) = format
                        && let Err(e) = DateFormats::parse(f)
                    {
                        return Err(e);
                    }
                    return Ok(());
                };
                for (_, b) in bounds {
                    if date_bound(b, &bound_fmt).is_none() {
                        let text = match b {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        let inner = format!(
                            "failed to parse date field [{text}] with format [{}]",
                            bound_fmt.spec
                        );
                        return Err(format!("{inner}: [{inner}]"));
                    }
                }
                Ok(())
            }
            Query::Bool { .. } => self.clauses().try_for_each(|q| q.check_dates(index)),
            _ => Ok(()),
        }
    }
}

fn tokens(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn in_bound(k: &Key, op: RangeOp, b: &Key) -> bool {
    use std::cmp::Ordering::*;
    let o = k.order(b);
    match op {
        RangeOp::Gt => o == Greater,
        RangeOp::Gte => o != Less,
        RangeOp::Lt => o == Less,
        RangeOp::Lte => o != Greater,
    }
}
