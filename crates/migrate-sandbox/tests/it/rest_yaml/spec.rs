//! The REST API specs the YAML tests name their calls by (`indices.create`, `search`, ...): each API's
//! paths with their methods and path parts, and its query parameters. Read from the spec JSON files
//! next to the tests (`rest-api-spec/.../api/*.json`); an API with no JSON file there is taken from
//! the OpenSearch OpenAPI document (`x-operation-group`), so no path is listed by hand.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

/// One path of an API.
#[derive(Debug, Clone)]
pub struct ApiPath {
    /// `/{index}/_doc/{id}`.
    pub path: String,
    /// HTTP methods, in the spec's order.
    pub methods: Vec<String>,
    /// Names of the `{parts}`.
    pub parts: Vec<String>,
}

/// One API.
#[derive(Debug, Clone, Default)]
pub struct Api {
    /// Paths.
    pub paths: Vec<ApiPath>,
    /// Accepted query parameters.
    pub params: BTreeSet<String>,
}

/// Parameters every API accepts.
const GLOBAL_PARAMS: &[&str] = &["pretty", "human", "error_trace", "source", "filter_path"];

fn parts_of(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(str::to_string)
        .collect()
}

/// Every API: the JSON specs under `dir` first, then the OpenAPI document for the rest.
pub fn load(dir: &Path, openapi: Option<&Path>) -> BTreeMap<String, Api> {
    let mut apis = BTreeMap::new();
    let api_dir = dir.join("rest-api-spec/src/main/resources/rest-api-spec/api");
    for entry in std::fs::read_dir(&api_dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let Ok(v) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let Some((name, body)) = v.as_object().and_then(|m| m.iter().next()) else {
            continue;
        };
        let mut api = Api::default();
        for path in body["url"]["paths"].as_array().into_iter().flatten() {
            let p = path["path"].as_str().unwrap_or("/").to_string();
            api.paths.push(ApiPath {
                parts: parts_of(&p),
                methods: path["methods"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect(),
                path: p,
            });
        }
        if let Some(params) = body["params"].as_object() {
            api.params.extend(params.keys().cloned());
        }
        api.params
            .extend(GLOBAL_PARAMS.iter().map(|s| (*s).to_string()));
        apis.insert(name.clone(), api);
    }
    if let Some(openapi) = openapi {
        add_openapi(&mut apis, openapi);
    }
    apis
}

/// Adds the APIs of the OpenAPI document that have no JSON spec.
fn add_openapi(apis: &mut BTreeMap<String, Api>, file: &Path) {
    let Ok(text) = std::fs::read_to_string(file) else {
        return;
    };
    let Ok(doc) = serde_yaml::from_str::<Value>(&text) else {
        return;
    };
    let mut found: BTreeMap<String, Api> = BTreeMap::new();
    for (path, ops) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in ops.as_object().into_iter().flatten() {
            let Some(group) = op["x-operation-group"].as_str() else {
                continue;
            };
            if apis.contains_key(group) {
                continue;
            }
            let api = found.entry(group.to_string()).or_default();
            let upper = method.to_ascii_uppercase();
            match api.paths.iter_mut().find(|p| &p.path == path) {
                Some(p) => p.methods.push(upper),
                None => api.paths.push(ApiPath {
                    path: path.clone(),
                    methods: vec![upper],
                    parts: parts_of(path),
                }),
            }
            for param in op["parameters"].as_array().into_iter().flatten() {
                let resolved = match param["$ref"].as_str() {
                    Some(r) => doc
                        .pointer(r.trim_start_matches('#'))
                        .cloned()
                        .unwrap_or(Value::Null),
                    None => param.clone(),
                };
                if resolved["in"] == "query"
                    && let Some(n) = resolved["name"].as_str()
                {
                    api.params.insert(n.to_string());
                }
            }
        }
    }
    apis.extend(found);
}

impl Api {
    /// The path for the given parameters: the one using the most of them whose parts are all given
    /// (and non-empty), and its method (one that takes a body when there is one).
    pub fn pick(
        &self,
        given: &BTreeMap<String, String>,
        has_body: bool,
    ) -> Option<(String, String, Vec<String>)> {
        let usable = self
            .paths
            .iter()
            .filter(|p| p.parts.iter().all(|x| given.contains_key(x)))
            .max_by_key(|p| p.parts.len())?;
        let mut path = usable.path.clone();
        for part in &usable.parts {
            let value = given.get(part).map(String::as_str).unwrap_or("");
            path = path.replace(&format!("{{{part}}}"), &encode(value));
        }
        let methods = &usable.methods;
        let method = if has_body {
            ["PUT", "POST"]
                .iter()
                .find(|m| methods.iter().any(|x| x == *m))
                .map(|m| (*m).to_string())
                .or_else(|| methods.first().cloned())
        } else {
            ["GET", "HEAD", "DELETE", "PUT", "POST"]
                .iter()
                .find(|m| methods.iter().any(|x| x == *m))
                .map(|m| (*m).to_string())
        }?;
        Some((method, path, usable.parts.clone()))
    }
}

/// Percent-encodes a path part (everything but unreserved characters, `,` and `*`).
fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~,*".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
