//! An index's metadata in a snapshot, `indices/<id>/meta-<blob id>.dat` (`IndexMetadata`): settings,
//! mappings, aliases, primary terms, in-sync allocation ids.
//!
//! Mappings are stored either as objects (`{"<type>": {...}}`, what snapshots of 5.x–7.x hold) or
//! as binary: the mapping's x-content, usually `DFL\0`-compressed (`CompressedXContent`).
//! [`IndexMetadata::mappings`] reads both.

use crate::compress;
use crate::error::Problem;
use crate::smile::{Object, Value};
use crate::xcontent;

use super::fields::{FieldOrder, Fields, as_int, as_string, assemble, shape, strings};

/// The content of an `indices/<id>/meta-*.dat` blob.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexMetadata {
    /// The index name (the document's single key).
    pub name: String,
    /// The metadata version.
    pub version: i64,
    /// 6.5+: mapping, settings and (7.x) aliases versions, in that order.
    pub mapping_version: Option<i64>,
    /// See [`IndexMetadata::mapping_version`].
    pub settings_version: Option<i64>,
    /// See [`IndexMetadata::mapping_version`].
    pub aliases_version: Option<i64>,
    /// The number of shards routing is computed against.
    pub routing_num_shards: Option<i64>,
    /// `open` or `close`.
    pub state: String,
    /// The index settings as stored: flat keys (`index.number_of_shards`) with string values.
    pub settings: Object,
    /// One entry per mapping type, as stored (object or binary).
    pub mappings: Vec<Value>,
    /// Aliases by name.
    pub aliases: Object,
    /// The primary term of each shard.
    pub primary_terms: Vec<i64>,
    /// Per shard (by number, as stored): the in-sync allocation ids.
    pub in_sync_allocations: Vec<(String, Vec<String>)>,
    /// Fields not named above (`rollover_info`, `system`, …), kept.
    pub extra: Object,
    /// The order the fields were read in.
    pub order: FieldOrder,
}

/// One mapping type and its mapping, as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    /// The type name (`_doc`, `type1`, …).
    pub type_name: String,
    /// The mapping under the type (`{"properties": …}`).
    pub mapping: serde_json::Value,
}

impl IndexMetadata {
    /// A setting's value by its flat key (`index.number_of_shards`), also found when stored nested.
    pub fn setting(&self, key: &str) -> Option<&str> {
        if let Some(v) = self.settings.get(key) {
            return v.as_str();
        }
        let mut parts = key.split('.');
        let mut current = self.settings.get(parts.next()?)?;
        for part in parts {
            current = current.as_object()?.get(part)?;
        }
        current.as_str()
    }

    /// `index.number_of_shards`.
    pub fn number_of_shards(&self) -> Option<u32> {
        self.setting("index.number_of_shards")?.parse().ok()
    }

    /// `index.version.created` (a version id, see [`super::version_name`]).
    pub fn version_created(&self) -> Option<i64> {
        self.setting("index.version.created")?.parse().ok()
    }

    /// The mappings as JSON, binary ones inflated and parsed.
    pub fn mappings(&self) -> Result<Vec<Mapping>, Problem> {
        let mut out = Vec::new();
        for (i, entry) in self.mappings.iter().enumerate() {
            let path = format!("/{}/mappings/{i}", self.name);
            let object = match entry {
                Value::Object(o) => o.clone(),
                Value::Binary(bytes) => {
                    let raw = if compress::is_deflated(bytes) {
                        compress::inflate(bytes)?
                    } else {
                        bytes.clone()
                    };
                    match xcontent::parse(&raw)?.1 {
                        Value::Object(o) => o,
                        other => {
                            return Err(shape(
                                &path,
                                format!("holds {}, expected an object", other.kind()),
                            ));
                        }
                    }
                }
                other => {
                    return Err(shape(
                        &path,
                        format!("is {}, expected an object or binary", other.kind()),
                    ));
                }
            };
            for (type_name, mapping) in object.0 {
                let mapping = mapping.to_json().map_err(|e| shape(&path, e.to_string()))?;
                out.push(Mapping { type_name, mapping });
            }
        }
        Ok(out)
    }

    pub(crate) fn from_value(value: Value) -> Result<Self, Problem> {
        let Value::Object(outer) = value else {
            return Err(shape("/", "is not an object"));
        };
        let [(name, inner)]: [(String, Value); 1] = outer.0.try_into().map_err(|o: Vec<_>| {
            shape(
                "/",
                format!("has {} fields, expected one (the index name)", o.len()),
            )
        })?;
        let mut f = Fields::of(inner, &format!("/{name}"))?;
        let version = f.opt_int("version")?.unwrap_or(0);
        let mapping_version = f.opt_int("mapping_version")?;
        let settings_version = f.opt_int("settings_version")?;
        let aliases_version = f.opt_int("aliases_version")?;
        let routing_num_shards = f.opt_int("routing_num_shards")?;
        let state = f.opt_string("state")?.unwrap_or_else(|| "open".into());
        let settings = f.opt_object("settings")?.unwrap_or_default();
        let mappings = f.opt_array("mappings")?.unwrap_or_default();
        let aliases = f.opt_object("aliases")?.unwrap_or_default();
        let terms_path = f.path("primary_terms");
        let primary_terms = f
            .opt_array("primary_terms")?
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(i, v)| as_int(v, &format!("{terms_path}/{i}")))
            .collect::<Result<_, _>>()?;
        let sync_path = f.path("in_sync_allocations");
        let mut in_sync_allocations = Vec::new();
        for (shard, ids) in f.opt_object("in_sync_allocations")?.unwrap_or_default().0 {
            let path = format!("{sync_path}/{shard}");
            let Value::Array(ids) = ids else {
                return Err(shape(
                    &path,
                    format!("is {}, expected an array", ids.kind()),
                ));
            };
            let ids = ids
                .into_iter()
                .enumerate()
                .map(|(i, v)| as_string(v, &format!("{path}/{i}")))
                .collect::<Result<_, _>>()?;
            in_sync_allocations.push((shard, ids));
        }
        let (order, extra) = f.finish();
        Ok(IndexMetadata {
            name,
            version,
            mapping_version,
            settings_version,
            aliases_version,
            routing_num_shards,
            state,
            settings,
            mappings,
            aliases,
            primary_terms,
            in_sync_allocations,
            extra,
            order,
        })
    }

    pub(crate) fn to_value(&self) -> Value {
        let in_sync: Object = self
            .in_sync_allocations
            .iter()
            .map(|(shard, ids)| (shard.clone(), strings(ids)))
            .collect();
        let inner = assemble(
            vec![
                ("version", Some(self.version.into())),
                ("mapping_version", self.mapping_version.map(Value::from)),
                ("settings_version", self.settings_version.map(Value::from)),
                ("aliases_version", self.aliases_version.map(Value::from)),
                (
                    "routing_num_shards",
                    self.routing_num_shards.map(Value::from),
                ),
                ("state", Some(self.state.as_str().into())),
                ("settings", Some(Value::Object(self.settings.clone()))),
                ("mappings", Some(Value::Array(self.mappings.clone()))),
                ("aliases", Some(Value::Object(self.aliases.clone()))),
                (
                    "primary_terms",
                    Some(Value::Array(
                        self.primary_terms.iter().map(|t| Value::from(*t)).collect(),
                    )),
                ),
                ("in_sync_allocations", Some(Value::Object(in_sync))),
            ],
            &self.extra,
            &self.order,
        );
        let mut outer = Object::new();
        outer.push(self.name.clone(), inner);
        Value::Object(outer)
    }
}
