//! `_source` filtering: `false`, a field or list of fields, `{includes, excludes}`, with `*` wildcards,
//! from the body or the `_source`, `_source_includes`, `_source_excludes` parameters.

use serde_json::{Map, Value};

use crate::names::glob;

/// What part of `_source` to return.
#[derive(Debug, Clone, Default)]
pub struct SourceFilter {
    /// Return no source at all.
    pub disabled: bool,
    /// Field patterns to keep (empty: all).
    pub includes: Vec<String>,
    /// Field patterns to drop.
    pub excludes: Vec<String>,
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => s
            .split(',')
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect(),
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => vec![],
    }
}

impl SourceFilter {
    /// From a body `_source` value.
    pub fn from_body(v: &Value) -> SourceFilter {
        match v {
            Value::Bool(b) => SourceFilter {
                disabled: !b,
                ..Default::default()
            },
            Value::Object(m) => SourceFilter {
                disabled: false,
                includes: m
                    .get("includes")
                    .or_else(|| m.get("include"))
                    .map(strings)
                    .unwrap_or_default(),
                excludes: m
                    .get("excludes")
                    .or_else(|| m.get("exclude"))
                    .map(strings)
                    .unwrap_or_default(),
            },
            other => SourceFilter {
                disabled: false,
                includes: strings(other),
                excludes: vec![],
            },
        }
    }

    /// Applies query parameters on top.
    pub fn apply_params(
        &mut self,
        source: Option<&str>,
        includes: Option<&str>,
        excludes: Option<&str>,
    ) {
        if let Some(s) = source {
            match s {
                "false" => self.disabled = true,
                "true" => self.disabled = false,
                list => self.includes = strings(&Value::String(list.to_string())),
            }
        }
        if let Some(i) = includes {
            self.includes = strings(&Value::String(i.to_string()));
        }
        if let Some(e) = excludes {
            self.excludes = strings(&Value::String(e.to_string()));
        }
    }

    /// True when the raw source can be returned as is.
    pub fn is_identity(&self) -> bool {
        !self.disabled && self.includes.is_empty() && self.excludes.is_empty()
    }

    /// Filters a parsed source.
    pub fn filter(&self, src: &Value) -> Value {
        match src {
            Value::Object(m) => Value::Object(self.filter_obj(m, "")),
            other => other.clone(),
        }
    }

    fn filter_obj(&self, m: &Map<String, Value>, prefix: &str) -> Map<String, Value> {
        let mut out = Map::new();
        for (k, v) in m {
            let path = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            if self.excludes.iter().any(|e| glob(e, &path)) {
                continue;
            }
            let included = self.includes.is_empty()
                || self
                    .includes
                    .iter()
                    .any(|i| glob(i, &path) || path.starts_with(&format!("{i}.")));
            if included {
                if let Value::Object(child) = v
                    && !self.excludes.is_empty()
                {
                    out.insert(k.clone(), Value::Object(self.filter_obj(child, &path)));
                } else {
                    out.insert(k.clone(), v.clone());
                }
                continue;
            }
            let could_contain = self.includes.iter().any(|i| {
                i.starts_with(&format!("{path}."))
                    || (i.contains('*')
                        && glob(
                            i.split('*').next().unwrap_or("").trim_end_matches('.'),
                            &path,
                        ))
            });
            if could_contain && let Value::Object(child) = v {
                let sub = self.filter_obj(child, &path);
                if !sub.is_empty() {
                    out.insert(k.clone(), Value::Object(sub));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn includes_and_excludes() {
        let src = json!({"a": 1, "b": {"c": 2, "d": 3}, "e": 4});
        let f = SourceFilter::from_body(&json!(["a", "b.c"]));
        assert_eq!(f.filter(&src), json!({"a": 1, "b": {"c": 2}}));
        let f = SourceFilter::from_body(&json!({"excludes": ["b.*"]}));
        assert_eq!(f.filter(&src), json!({"a": 1, "b": {}, "e": 4}));
        assert!(SourceFilter::from_body(&json!(false)).disabled);
    }
}
