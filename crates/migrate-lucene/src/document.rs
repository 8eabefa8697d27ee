//! What the reader yields: a live root document with the Elasticsearch fields a reindex needs,
//! and where it is in the shard.
//!
//! Elasticsearch stores `_id` as a binary field in its Uid encoding (indexes created by 6.0+; see
//! [`crate::uid`]), or — in 5.x indexes — `_uid` = `type#id` as a string; `_source` as a binary
//! field; `_routing` as a string field. Nested documents carry none of `_id`, `_uid` and
//! `_source` and are not yielded.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::stored::{Value, visit_fields};
use crate::uid::decode_id;

/// A position in a shard: a segment (by name) and a document number in it. Documents come in
/// this order within a segment, and segments in commit order, so a reader can resume after the
/// last position it finished ([`crate::Shard::documents_after`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Position {
    /// The segment name, e.g. `_3`.
    pub segment: Arc<str>,
    /// The Lucene document number within the segment.
    pub doc: u32,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "segment `{}` doc {}", self.segment, self.doc)
    }
}

/// A live root document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The document id, decoded.
    pub id: String,
    /// The mapping type, when the index stores it per document (`_uid` of Elasticsearch 5.x
    /// indexes). Indexes created by 6.x have one type, named in the index mapping.
    pub doc_type: Option<String>,
    /// The custom routing, if the document was indexed with one.
    pub routing: Option<String>,
    /// The `_source` bytes exactly as stored (usually JSON); `None` when the mapping disabled it.
    pub source: Option<Vec<u8>>,
    pub position: Position,
}

/// The field numbers of the Elasticsearch fields in one segment.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct EsFields {
    pub(crate) id: Option<u32>,
    pub(crate) uid: Option<u32>,
    pub(crate) source: Option<u32>,
    pub(crate) routing: Option<u32>,
    pub(crate) doc_type: Option<u32>,
}

/// What one stored document turned out to be.
pub(crate) enum Decoded {
    Root(Document),
    /// A nested (child) document: no id and no source.
    Nested,
}

fn utf8(bytes: &[u8], what: &str, position: &Position, file: &str) -> Result<String> {
    String::from_utf8(bytes.to_vec())
        .map_err(|_| Error::corrupt(file, format!("{what} of {position} is not valid UTF-8")))
}

/// Interprets the stored fields of one document.
pub(crate) fn decode_document(
    bytes: &[u8],
    num_fields: u64,
    fields: &EsFields,
    position: Position,
    file: &str,
) -> Result<Decoded> {
    let mut id = None;
    let mut uid = None;
    let mut source = None;
    let mut routing = None;
    let mut doc_type = None;
    visit_fields(bytes, num_fields, file, |number, value| {
        let bytes = match value {
            Value::Binary(b) | Value::String(b) => b,
            Value::Number => return Ok(()),
        };
        let n = Some(number);
        if n == fields.id {
            id = Some(match value {
                Value::String(_) => utf8(bytes, "`_id`", &position, file)?,
                _ => decode_id(bytes)
                    .map_err(|e| Error::corrupt(file, format!("{e} ({position})")))?,
            });
        } else if n == fields.uid {
            uid = Some(utf8(bytes, "`_uid`", &position, file)?);
        } else if n == fields.source {
            source = Some(bytes.to_vec());
        } else if n == fields.routing {
            routing = Some(utf8(bytes, "`_routing`", &position, file)?);
        } else if n == fields.doc_type {
            doc_type = Some(utf8(bytes, "`_type`", &position, file)?);
        }
        Ok(())
    })?;
    let id = match (id, uid) {
        (Some(id), _) => id,
        (None, Some(uid)) => {
            let Some((ty, id)) = uid.split_once('#') else {
                return Err(Error::corrupt(
                    file,
                    format!("`_uid` `{uid}` of {position} has no `#`"),
                ));
            };
            doc_type.get_or_insert_with(|| ty.to_string());
            id.to_string()
        }
        (None, None) if source.is_none() => return Ok(Decoded::Nested),
        (None, None) => {
            return Err(Error::unsupported(
                file,
                format!(
                    "{position} has a `_source` but no stored `_id` or `_uid` (an index with synthetic ids?)"
                ),
            ));
        }
    };
    Ok(Decoded::Root(Document {
        id,
        doc_type,
        routing,
        source,
        position,
    }))
}
