//! What `migrate lint` reads from the source and keeps under the plan's state directory: each
//! selected index's definition and each metadata object, with the cluster's identity and the time.
//! Only metadata: no documents, no credentials, no URL.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::kind::ObjectKind;
use crate::target::Target;

/// The capture file's format version. Fields are only ever added within a version.
pub const CAPTURE_FORMAT_VERSION: u32 = 1;

/// The source cluster a capture was read from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapturedCluster {
    /// `cluster_uuid` from `GET /` (absent before ES 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// `cluster_name` from `GET /`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Flavour and version, as `GET /` answered.
    pub version: Target,
}

/// One object of the capture: an index definition or a metadata object, as the source returned it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapturedItem {
    /// What it is (`index` for an index's `{settings, mappings, aliases}`).
    pub kind: ObjectKind,
    /// Its name on the source.
    pub name: String,
    /// The body, as the source returned it.
    pub body: Value,
}

/// Something the lint could not read from the source, and why (an API the version lacks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unread {
    /// What was asked (`GET /_index_template`).
    pub what: String,
    /// Why it was not read (`404: the source has no such API`).
    pub reason: String,
}

/// The source's metadata, as `migrate lint` read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Capture {
    /// [`CAPTURE_FORMAT_VERSION`].
    pub format_version: u32,
    /// The plan it was read for.
    pub plan: String,
    /// The source cluster.
    pub cluster: CapturedCluster,
    /// The destination version the lint translated for (the plan's, else the destination's
    /// answer to `GET /`); the dry run uses it when the plan declares none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<Target>,
    /// When it was read (RFC 3339, UTC).
    pub taken_at: String,
    /// Index definitions, then metadata objects, each kind sorted by name.
    pub items: Vec<CapturedItem>,
    /// What could not be read (APIs the source's version lacks).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<Unread>,
}

/// A capture file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// Not JSON, or not a capture's shape.
    #[error("not a lint capture: {0} (run `migrate lint` again to write a new one)")]
    Shape(#[from] serde_json::Error),
    /// Written by a newer `migrate`.
    #[error(
        "capture format {found} is newer than this migrate reads ({CAPTURE_FORMAT_VERSION}); run `migrate lint` again"
    )]
    Version {
        /// The file's `format_version`.
        found: u32,
    },
}

impl Capture {
    /// Reads a capture from its JSON text.
    pub fn from_json(text: &str) -> Result<Capture, CaptureError> {
        let capture: Capture = serde_json::from_str(text)?;
        if capture.format_version > CAPTURE_FORMAT_VERSION {
            return Err(CaptureError::Version {
                found: capture.format_version,
            });
        }
        Ok(capture)
    }

    /// The capture as pretty JSON (stable: items are in the order they were read).
    pub fn to_json(&self) -> String {
        // Plain data (strings, numbers, JSON values): serialising it cannot fail.
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}
