//! Write operations shared by the document APIs, `_bulk` and `_reindex`: index creation (explicit and
//! automatic, with dynamic mapping), document index/create/delete with version checks and write blocks.

use std::sync::Arc;

use axum::http::StatusCode;
use bytes::Bytes;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::flavor::{Product, TypeMode};
use crate::mapping_body::mapping_bodies;
use crate::model::settings::{FlatSettings, flatten, normalize_index_keys};
use crate::model::{
    Cluster, DocStore, Index, IndexState, RecoverySource, VersionSet, WriteOutcome,
};

/// Settings nobody may set explicitly.
pub const PRIVATE_SETTINGS: &[&str] = &[
    "index.uuid",
    "index.version.created",
    "index.version.upgraded",
    "index.history.uuid",
    "index.provided_name",
    "index.resize.source.uuid",
    "index.resize.source.name",
];

fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Checks an index name the way Elasticsearch does.
pub fn validate_index_name(name: &str) -> ApiResult<()> {
    let bad = |why: &str| {
        Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_index_name_exception",
            format!("Invalid index name [{name}], {why}"),
        )
        .with("index_uuid", "_na_")
        .with("index", name))
    };
    if name.is_empty() {
        return bad("must not be empty");
    }
    if name.chars().any(|c| c.is_uppercase()) {
        return bad("must be lowercase");
    }
    if name.starts_with(['_', '-', '+']) {
        return bad("must not start with '_', '-', or '+'");
    }
    if name.contains(['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ',', '#', ':']) {
        return bad("must not contain the following characters [ , \", *, \\, <, |, ,, >, /, ?]");
    }
    if name == "." || name == ".." {
        return bad("must not be '.' or '..'");
    }
    Ok(())
}

/// Creates an index from a create-index body.
pub fn create_index(
    cluster: &mut Cluster,
    product: &Product,
    name: &str,
    body: Option<&Value>,
    include_type_name: bool,
) -> ApiResult<String> {
    validate_index_name(name)?;
    if let Some(existing) = cluster.indices.get(name) {
        return Err(ApiError::already_exists(
            name,
            &existing.uuid,
            product.es_major() == 5 && !product.is_opensearch(),
        ));
    }
    if cluster
        .indices
        .values()
        .any(|i| i.aliases.contains_key(name))
    {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_index_name_exception",
            format!("Invalid index name [{name}], already exists as alias"),
        )
        .with("index_uuid", "_na_")
        .with("index", name));
    }
    let empty = json!({});
    let body = body.unwrap_or(&empty);
    // Matching templates give their settings, mappings and aliases first; the request's own win.
    let template = crate::templates::defaults_for(&cluster.meta, product, name);
    let mut settings: FlatSettings = template.settings.clone();
    settings.extend(normalize_index_keys(flatten(
        body.get("settings").unwrap_or(&empty),
    )));
    if let Some(bad) = PRIVATE_SETTINGS.iter().find(|k| settings.contains_key(**k)) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "validation_exception",
            format!(
                "Validation Failed: 1: private index setting [{bad}] can not be set explicitly;"
            ),
        ));
    }
    crate::index_settings::check_create(product, name, &settings)?;
    let shards = settings
        .get("index.number_of_shards")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    match shards.as_deref().map(str::parse::<u32>) {
        Some(Ok(n)) if (1..=1024).contains(&n) => {}
        Some(_) => {
            return Err(ApiError::illegal_argument(format!(
                "Failed to parse value [{}] for setting [index.number_of_shards] must be >= 1",
                shards.unwrap_or_default()
            )));
        }
        None => {
            let default = if product.es_major() < 7 { "5" } else { "1" };
            settings.insert("index.number_of_shards".into(), json!(default));
        }
    }
    settings
        .entry("index.number_of_replicas".into())
        .or_insert(json!("1"));
    let uuid = new_uuid();
    let created = now_ms();
    settings
        .entry("index.creation_date".into())
        .or_insert(json!(created.to_string()));
    settings.insert("index.uuid".into(), json!(uuid));
    settings.insert(
        "index.version.created".into(),
        json!(product.version_created()),
    );
    settings.insert("index.provided_name".into(), json!(name));
    let mut index = Index {
        name: name.to_string(),
        uuid: uuid.clone(),
        settings,
        mappings: Default::default(),
        state: IndexState::Open,
        aliases: Default::default(),
        docs: DocStore::new(product.type_mode() == TypeMode::Multi),
        primary_term: 1,
        recovery: RecoverySource::EmptyStore,
        creation_date: created,
    };
    for (ty, mapping) in &template.mappings {
        index.merge_mapping(ty, mapping);
    }
    if let Some(m) = body.get("mappings") {
        for (ty, mapping) in mapping_bodies(product, m, include_type_name, None, false)? {
            index.merge_mapping(&ty, &mapping);
        }
    }
    if product.type_mode() == TypeMode::Single && index.mappings.len() > 1 {
        let names: Vec<&str> = index.mappings.keys().map(String::as_str).collect();
        return Err(ApiError::illegal_argument(format!(
            "Rejecting mapping update to [{name}] as the final mapping would have more than 1 type: [{}]",
            names.join(", ")
        )));
    }
    index.aliases.extend(template.aliases);
    if let Some(Value::Object(aliases)) = body.get("aliases") {
        for (alias, meta) in aliases {
            index
                .aliases
                .insert(alias.clone(), crate::model::index::alias_metadata(meta));
        }
    }
    cluster.indices.insert(name.to_string(), index);
    cluster.refresh_setting_changed(name);
    let rate = cluster.byte_rate;
    cluster.start_replica_recovery(name, rate);
    Ok(uuid)
}

/// A new index UUID (base64url, 22 characters, like Elasticsearch's).
pub fn new_uuid() -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes())
}

/// `version` with `version_type=external` (`gte: false`) or `external_gte` (`gte: true`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExternalVersion {
    /// The version the document gets.
    pub version: u64,
    /// `external_gte`: an equal current version is accepted.
    pub gte: bool,
}

impl ExternalVersion {
    /// The conflict message when `current` refuses this version, `None` when it is accepted.
    pub fn refuses(&self, current: u64) -> Option<String> {
        if self.gte && current > self.version {
            Some(format!(
                "current version [{current}] is higher than the one provided [{}]",
                self.version
            ))
        } else if !self.gte && current >= self.version {
            Some(format!(
                "current version [{current}] is higher or equal to the one provided [{}]",
                self.version
            ))
        } else {
            None
        }
    }
}

/// Refuses an `_id` longer than 512 bytes, as every version since 5.0 does.
pub fn check_id(id: &str) -> ApiResult<()> {
    if id.len() > 512 {
        return Err(ApiError::validation(&[format!(
            "id [{id}] is too long, must be no longer than 512 bytes but was: {}",
            id.len()
        )]));
    }
    Ok(())
}

/// One document write.
#[derive(Debug, Clone, Default)]
pub struct DocWrite<'a> {
    /// Target index, alias or name to auto-create.
    pub index: &'a str,
    /// Mapping type from the URL or bulk metadata.
    pub ty: Option<&'a str>,
    /// `_id` (generated when absent).
    pub id: Option<String>,
    /// Raw `_source`.
    pub source: Bytes,
    /// `op_type=create`.
    pub create_only: bool,
    /// `if_seq_no` / `if_primary_term`.
    pub if_seq_no: Option<(u64, u64)>,
}

/// The options of a write beyond [`DocWrite`] (kept apart so `DocWrite` literals stay valid).
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// `routing`.
    pub routing: Option<String>,
    /// `version` with an external `version_type`.
    pub version: Option<ExternalVersion>,
    /// `require_alias`: the target must be an alias (no automatic index creation).
    pub require_alias: bool,
}

/// The result of a write, rendered like the real response (and bulk item).
#[derive(Debug, Clone)]
pub struct WriteResult {
    /// HTTP status (201 created, 200 updated/deleted, 404 not found).
    pub status: StatusCode,
    /// Concrete index.
    pub index: String,
    /// `_type`, when the version shows types.
    pub ty: Option<Arc<str>>,
    /// `_id`.
    pub id: String,
    /// `_version`.
    pub version: u64,
    /// `created`, `updated`, `deleted`, `not_found`.
    pub result: &'static str,
    /// `_seq_no` and `_primary_term` (6.x onward).
    pub seq_no: Option<(u64, u64)>,
    /// 5.x's `created`/`found` flag.
    pub legacy_flag: Option<(&'static str, bool)>,
}

impl WriteResult {
    /// The response body.
    pub fn body(&self) -> Value {
        let mut out = Vec::with_capacity(192);
        self.write_json(&mut out, false);
        serde_json::from_slice(&out).unwrap_or(Value::Null)
    }

    /// Writes the body (with `status` for bulk items) as JSON.
    pub fn write_json(&self, out: &mut Vec<u8>, with_status: bool) {
        use crate::json::write_str;
        out.extend_from_slice(b"{\"_index\":");
        write_str(out, &self.index);
        if let Some(t) = &self.ty {
            out.extend_from_slice(b",\"_type\":");
            write_str(out, t);
        }
        out.extend_from_slice(b",\"_id\":");
        write_str(out, &self.id);
        out.extend_from_slice(format!(",\"_version\":{},\"result\":\"{}\",\"_shards\":{{\"total\":2,\"successful\":1,\"failed\":0}}", self.version, self.result).as_bytes());
        if let Some((seq, term)) = self.seq_no {
            out.extend_from_slice(
                format!(",\"_seq_no\":{seq},\"_primary_term\":{term}").as_bytes(),
            );
        }
        if let Some((k, v)) = self.legacy_flag {
            out.extend_from_slice(format!(",\"{k}\":{v}").as_bytes());
        }
        if with_status {
            out.extend_from_slice(format!(",\"status\":{}", self.status.as_u16()).as_bytes());
        }
        out.push(b'}');
    }
}

fn doc_type(product: &Product, ty: Option<&str>) -> Arc<str> {
    // One shared `_doc` string instead of an allocation per document.
    static DOC: std::sync::LazyLock<Arc<str>> = std::sync::LazyLock::new(|| Arc::from("_doc"));
    match (product.type_mode(), ty) {
        (TypeMode::Multi | TypeMode::Single, Some(t)) if t != "_doc" => Arc::from(t),
        _ => DOC.clone(),
    }
}

/// Resolves the concrete index for a write, creating it when absent.
pub fn write_target(cluster: &mut Cluster, product: &Product, name: &str) -> ApiResult<String> {
    match cluster.write_index(name)? {
        Some(n) => Ok(n),
        None => {
            create_index(cluster, product, name, None, false)?;
            Ok(name.to_string())
        }
    }
}

fn check_writable(index: &Index, product: &Product) -> ApiResult<()> {
    if !index.is_open() {
        return Err(ApiError::index_closed(&index.name, &index.uuid));
    }
    if index.write_blocked() {
        return Err(ApiError::write_blocked(
            &index.name,
            product.is_opensearch(),
        ));
    }
    Ok(())
}

/// Indexes a document.
pub fn index_doc(
    cluster: &mut Cluster,
    product: &Product,
    w: DocWrite<'_>,
) -> ApiResult<WriteResult> {
    index_doc_with(cluster, product, w, WriteOptions::default())
}

/// Indexes a document with routing, an external version or `require_alias`.
pub fn index_doc_with(
    cluster: &mut Cluster,
    product: &Product,
    w: DocWrite<'_>,
    o: WriteOptions,
) -> ApiResult<WriteResult> {
    let parsed: Value = serde_json::from_slice(&w.source).map_err(|e| {
        ApiError::new(StatusCode::BAD_REQUEST, "mapper_parsing_exception", "failed to parse")
            .with("caused_by", json!({"type": "not_x_content_exception", "reason": format!("Compressor detection can only be called on some xcontent bytes or compressed xcontent bytes: {e}")}))
    })?;
    if !parsed.is_object() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "mapper_parsing_exception",
            "failed to parse, document is empty",
        ));
    }
    if o.require_alias
        && !cluster
            .indices
            .values()
            .any(|i| i.aliases.contains_key(w.index))
    {
        return Err(ApiError::index_not_found(w.index).reason_tail(&format!(
            " and [require_alias] request flag is [true] and [{}] is not an alias",
            w.index
        )));
    }
    let name =
        match crate::data_streams::write_target(cluster, product, w.index, w.create_only, &parsed)?
        {
            Some(backing) => backing,
            None => write_target(cluster, product, w.index)?,
        };
    let Some(index) = cluster.indices.get_mut(&name) else {
        return Err(ApiError::index_not_found(w.index));
    };
    check_writable(index, product)?;
    let ty = doc_type(product, w.ty);
    if product.type_mode() == TypeMode::Single
        && let Some(existing) = index.mappings.keys().next()
        && existing.as_str() != &*ty
        && &*ty != "_doc"
    {
        return Err(ApiError::illegal_argument(format!(
            "Rejecting mapping update to [{name}] as the final mapping would have more than 1 type: [{existing}, {ty}]"
        )));
    }
    let id = w.id.unwrap_or_else(new_uuid);
    if let Some(existing) = index.docs.get(&ty, &id) {
        if w.create_only {
            let tail = format!(
                "document already exists (current version [{}])",
                existing.version
            );
            return Err(ApiError::version_conflict(&id, &tail, &name, &index.uuid));
        }
        if let Some((seq, term)) = w.if_seq_no
            && (existing.seq_no != seq || existing.primary_term != term)
        {
            let tail = format!(
                "required seqNo [{seq}], primary term [{term}]. current document has seqNo [{}] and primary term [{}]",
                existing.seq_no, existing.primary_term
            );
            return Err(ApiError::version_conflict(&id, &tail, &name, &index.uuid));
        }
        if let Some(tail) = o.version.and_then(|v| v.refuses(existing.version)) {
            return Err(ApiError::version_conflict(&id, &tail, &name, &index.uuid));
        }
    } else if let Some((seq, term)) = w.if_seq_no {
        let tail =
            format!("required seqNo [{seq}], primary term [{term}] but no document was found");
        return Err(ApiError::version_conflict(&id, &tail, &name, &index.uuid));
    }
    crate::doc_check::check_document(product, index, &ty, &parsed, &id)?;
    crate::dynamic::check(product, index, &ty, &parsed)?;
    crate::dynamic::apply(index, &ty, &parsed);
    let term = index.primary_term;
    let version = o
        .version
        .map_or(VersionSet::Next, |v| VersionSet::Exactly(v.version));
    let routing = o.routing.map(Arc::from);
    let bytes = w.source.len() as u64;
    let (outcome, doc) = index
        .docs
        .put_with(&id, ty.clone(), w.source, term, routing, version);
    let uuid = index.uuid.clone();
    cluster
        .stats
        .entry(uuid)
        .or_default()
        .record_write(bytes, false);
    let created = outcome == WriteOutcome::Created;
    let with_seq = product.es_major() >= 6;
    Ok(WriteResult {
        status: if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        index: name,
        ty: (product.type_mode() != TypeMode::None).then(|| ty.clone()),
        id,
        version: doc.version,
        result: if created { "created" } else { "updated" },
        seq_no: with_seq.then_some((doc.seq_no, doc.primary_term)),
        legacy_flag: (!with_seq).then_some(("created", created)),
    })
}

/// Deletes a document.
pub fn delete_doc(
    cluster: &mut Cluster,
    product: &Product,
    index_name: &str,
    ty: Option<&str>,
    id: &str,
) -> ApiResult<WriteResult> {
    delete_doc_if(cluster, product, index_name, ty, id, None)
}

/// Deletes a document if its `_seq_no`/`_primary_term` are the given ones (409 otherwise).
pub fn delete_doc_if(
    cluster: &mut Cluster,
    product: &Product,
    index_name: &str,
    ty: Option<&str>,
    id: &str,
    if_seq_no: Option<(u64, u64)>,
) -> ApiResult<WriteResult> {
    let name = cluster
        .write_index(index_name)?
        .ok_or_else(|| ApiError::index_not_found(index_name))?;
    let Some(index) = cluster.indices.get_mut(&name) else {
        return Err(ApiError::index_not_found(index_name));
    };
    if let Some((seq, term)) = if_seq_no {
        let tail = match index.docs.get(&doc_type(product, ty), id) {
            None => {
                format!("required seqNo [{seq}], primary term [{term}] but no document was found")
            }
            Some(d) if d.seq_no != seq || d.primary_term != term => format!(
                "required seqNo [{seq}], primary term [{term}]. current document has seqNo [{}] and primary term [{}]",
                d.seq_no, d.primary_term
            ),
            Some(_) => String::new(),
        };
        if !tail.is_empty() {
            return Err(ApiError::version_conflict(id, &tail, &name, &index.uuid));
        }
    }
    check_writable(index, product)?;
    let ty = doc_type(product, ty);
    let (found, version, seq_no) = match index.docs.delete(&ty, id) {
        Some(d) => (true, d.version, d.seq_no),
        None => (false, 1, index.docs.bump_seq_no()),
    };
    let term = index.primary_term;
    let uuid = index.uuid.clone();
    cluster.stats.entry(uuid).or_default().record_write(0, true);
    let with_seq = product.es_major() >= 6;
    Ok(WriteResult {
        status: if found {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        },
        index: name,
        ty: (product.type_mode() != TypeMode::None).then(|| ty.clone()),
        id: id.to_string(),
        version,
        result: if found { "deleted" } else { "not_found" },
        seq_no: with_seq.then_some((seq_no, term)),
        legacy_flag: (!with_seq).then_some(("found", found)),
    })
}
