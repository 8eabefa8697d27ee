//! A snapshot's cluster metadata, root `meta-<uuid>.dat` (`Metadata`): cluster uuid, templates,
//! persistent settings and custom metadata. Only what migrations read is typed; the rest is kept.

use crate::error::Problem;
use crate::smile::{Object, Value};

use super::fields::{FieldOrder, Fields, assemble};

/// The single field wrapping the metadata.
const ROOT: &str = "meta-data";

/// The content of a root `meta-<uuid>.dat` blob.
#[derive(Debug, Clone, PartialEq)]
pub struct GlobalMetadata {
    /// The cluster state version.
    pub version: i64,
    /// The cluster uuid.
    pub cluster_uuid: String,
    /// Legacy index templates by name, as stored (their `mappings` may be objects or binary).
    pub templates: Object,
    /// Fields not named above (coordination, settings, component and composable templates, data
    /// streams, ingest pipelines, …), kept.
    pub extra: Object,
    /// The order the fields were read in.
    pub order: FieldOrder,
}

impl GlobalMetadata {
    pub(crate) fn from_value(value: Value) -> Result<Self, Problem> {
        let mut outer = Fields::of(value, "")?;
        let mut f = Fields::of(outer.need(ROOT)?, &outer.path(ROOT))?;
        let version = f.opt_int("version")?.unwrap_or(0);
        let cluster_uuid = f.opt_string("cluster_uuid")?.unwrap_or_default();
        let templates = f.opt_object("templates")?.unwrap_or_default();
        let (order, extra) = f.finish();
        Ok(GlobalMetadata {
            version,
            cluster_uuid,
            templates,
            extra,
            order,
        })
    }

    pub(crate) fn to_value(&self) -> Value {
        let inner = assemble(
            vec![
                ("version", Some(self.version.into())),
                ("cluster_uuid", Some(self.cluster_uuid.as_str().into())),
                ("templates", Some(Value::Object(self.templates.clone()))),
            ],
            &self.extra,
            &self.order,
        );
        let mut outer = Object::new();
        outer.push(ROOT, inner);
        Value::Object(outer)
    }
}
