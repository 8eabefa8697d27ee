//! The OpenSearch OpenAPI document as the story evaluator uses it: an operation must exist for a
//! chapter's path and method, every chapter parameter must be one of the operation's, a request
//! payload must fit the request body schema of its content type, and a response must have the
//! content type the chapter expects and a schema entry for its status and content type (a status
//! the spec does not describe fails), validated when the entry has a schema.

use std::collections::HashMap;

use serde_json::{Value, json};

/// The OpenAPI document with compiled validators.
pub struct Spec {
    openapi: Value,
    registry: jsonschema::Registry<'static>,
    cache: HashMap<String, Result<jsonschema::Validator, String>>,
}

fn escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

impl Spec {
    /// Loads the document and prepares `$ref` resolution.
    pub fn new(openapi: Value) -> Spec {
        let resource = jsonschema::Resource::from_contents(openapi.clone());
        let registry = jsonschema::Registry::new()
            .add("urn:openapi", resource)
            .and_then(|b| b.prepare())
            .expect("openapi registry");
        Spec {
            openapi,
            registry,
            cache: HashMap::new(),
        }
    }

    fn deref<'a>(&'a self, v: &'a Value) -> &'a Value {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => self
                .openapi
                .pointer(r.trim_start_matches('#'))
                .unwrap_or(&Value::Null),
            None => v,
        }
    }

    fn op_pointer(path: &str, method: &str) -> String {
        format!("/paths/{}/{method}", escape(path))
    }

    /// Whether the operation exists.
    pub fn has_operation(&self, path: &str, method: &str) -> bool {
        self.openapi
            .pointer(&Self::op_pointer(path, method))
            .is_some()
    }

    /// The chapter parameters the operation does not define.
    pub fn unknown_params<'a>(
        &self,
        path: &str,
        method: &str,
        names: impl Iterator<Item = &'a String>,
    ) -> Vec<String> {
        let op = self
            .openapi
            .pointer(&Self::op_pointer(path, method))
            .unwrap_or(&Value::Null);
        let known: Vec<&str> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| self.deref(p)["name"].as_str())
            .collect();
        names
            .filter(|n| !known.contains(&n.as_str()))
            .cloned()
            .collect()
    }

    fn validate_at(&mut self, pointer: String, body: &Value) -> Result<(), String> {
        if !self.cache.contains_key(&pointer) {
            let v = jsonschema::options()
                .with_registry(&self.registry)
                .build(&json!({"$ref": format!("urn:openapi#{pointer}")}))
                .map_err(|e| format!("schema {pointer} does not compile: {e}"));
            self.cache.insert(pointer.clone(), v);
        }
        let validator = match self.cache.get(&pointer) {
            Some(Ok(v)) => v,
            Some(Err(e)) => return Err(e.clone()),
            None => return Err("no validator".into()),
        };
        // The spec's `oneOf` lists are sometimes ambiguous (e.g. `reindex` 200: the task branch is
        // any object), so "valid under more than one" is not a sandbox error; anything else is.
        let errors: Vec<String> = validator
            .iter_errors(body)
            .filter(|e| {
                !e.to_string()
                    .contains("is valid under more than one of the schemas listed in the 'oneOf'")
            })
            .take(3)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!("schema: {}", errors.join("; ")))
        }
    }

    /// The request payload against the request body schema of its content type.
    pub fn check_request(
        &mut self,
        path: &str,
        method: &str,
        content_type: &str,
        payload: &Value,
    ) -> Result<(), String> {
        let op_ptr = Self::op_pointer(path, method);
        let body = self
            .openapi
            .pointer(&format!("{op_ptr}/requestBody"))
            .ok_or("the operation takes no request body")?;
        let base = match body.get("$ref").and_then(Value::as_str) {
            Some(r) => r.trim_start_matches('#').to_string(),
            None => format!("{op_ptr}/requestBody"),
        };
        let ptr = format!("{base}/content/{}/schema", escape(content_type));
        if self.openapi.pointer(&ptr).is_none() {
            return Err(format!(
                "schema for `{content_type}` request body not found in the spec"
            ));
        }
        self.validate_at(ptr, payload)
            .map_err(|e| format!("request {e}"))
    }

    /// The response: content type as expected, a spec entry for status + content type, its schema.
    pub fn check_response(
        &mut self,
        path: &str,
        method: &str,
        status: u16,
        expected_type: &str,
        actual_type: &str,
        body: &Value,
    ) -> Result<(), String> {
        if actual_type != expected_type {
            return Err(format!(
                "expected content type {expected_type}, but received {actual_type}"
            ));
        }
        let op_ptr = Self::op_pointer(path, method);
        let resp = self
            .openapi
            .pointer(&format!("{op_ptr}/responses/{status}"))
            .ok_or_else(|| {
                format!("schema for \"{status}: {expected_type}\" response not found in the spec")
            })?;
        let base = match resp.get("$ref").and_then(Value::as_str) {
            Some(r) => r.trim_start_matches('#').to_string(),
            None => format!("{op_ptr}/responses/{status}"),
        };
        let content = format!("{base}/content/{}", escape(expected_type));
        if self.openapi.pointer(&content).is_none() {
            return Err(format!(
                "schema for \"{status}: {expected_type}\" response not found in the spec"
            ));
        }
        let schema = format!("{content}/schema");
        if self.openapi.pointer(&schema).is_none() {
            return Ok(());
        }
        self.validate_at(schema, body)
    }
}
