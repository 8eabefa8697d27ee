//! One flushed segment: its field infos (`.fnm`), stored fields and segment info (`.si`),
//! written once and never changed (deletions go to generational `.liv` files).
//!
//! Fields: `_id` (binary, Elasticsearch's id encoding) or `_uid` (`type#id` string, indexes
//! created by Elasticsearch 5.x), `_source` (binary) and `_routing` (string), numbered in that
//! order among those the segment holds, stored only: the reader needs nothing else, and a
//! segment without indexed fields needs no postings, norms, points or doc values for Lucene to
//! open and check it.

use super::format::LuceneFormat;
use super::output::Output;
use super::stored::{StoredFieldsWriter, StoredValue};
use super::{IdEncoding, WriteError};
use crate::codec::ID_LEN;
use crate::uid::encode_id;

/// A document to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewDocument<'a> {
    /// The document id.
    pub id: &'a str,
    /// The mapping type: stored in `_uid` with [`IdEncoding::Uid`]; with [`IdEncoding::Id`] it is
    /// not stored (indexes created by Elasticsearch 6.0+ keep their one type in the mapping).
    pub doc_type: Option<&'a str>,
    /// The custom routing, if any.
    pub routing: Option<&'a str>,
    /// The `_source` bytes; `None` when the mapping disables `_source`.
    pub source: Option<&'a [u8]>,
}

/// The stored id field of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StoredId {
    /// `_id`: the encoded id.
    Id(Vec<u8>),
    /// `_uid`: `type#id`.
    Uid(String),
}

/// A document as the writer keeps it until its segment is flushed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OwnedDocument {
    pub(crate) id: StoredId,
    pub(crate) routing: Option<String>,
    pub(crate) source: Option<Vec<u8>>,
}

impl OwnedDocument {
    pub(crate) fn new(doc: &NewDocument<'_>, ids: IdEncoding) -> Result<Self, WriteError> {
        if doc.id.is_empty() {
            return Err(WriteError::EmptyId);
        }
        let id = match ids {
            IdEncoding::Id => StoredId::Id(encode_id(doc.id)),
            IdEncoding::Uid => {
                let ty = doc
                    .doc_type
                    .filter(|t| !t.is_empty() && !t.contains('#'))
                    .ok_or_else(|| WriteError::BadType {
                        id: doc.id.to_owned(),
                        doc_type: doc.doc_type.map(str::to_owned),
                    })?;
                StoredId::Uid(format!("{ty}#{}", doc.id))
            }
        };
        Ok(Self {
            id,
            routing: doc.routing.map(str::to_owned),
            source: doc.source.map(<[u8]>::to_vec),
        })
    }
}

/// The files of a flushed segment.
#[derive(Debug, Clone)]
pub(crate) struct FlushedSegment {
    pub(crate) files: Vec<(String, Vec<u8>)>,
}

/// Writes the segment `name` (id `id`) holding `docs` in order.
pub(crate) fn write_segment(
    format: LuceneFormat,
    ids: IdEncoding,
    name: &str,
    id: &[u8; ID_LEN],
    docs: &[&OwnedDocument],
) -> FlushedSegment {
    let has_source = docs.iter().any(|d| d.source.is_some());
    let has_routing = docs.iter().any(|d| d.routing.is_some());
    let mut fields = vec![match ids {
        IdEncoding::Id => "_id",
        IdEncoding::Uid => "_uid",
    }];
    if has_source {
        fields.push("_source");
    }
    if has_routing {
        fields.push("_routing");
    }
    let source_number = u32::from(has_source);
    let routing_number = source_number + 1;

    let mut stored = StoredFieldsWriter::new(format, id);
    let mut values = Vec::with_capacity(3);
    for doc in docs {
        values.clear();
        values.push((
            0,
            match &doc.id {
                StoredId::Id(bytes) => StoredValue::Binary(bytes),
                StoredId::Uid(text) => StoredValue::String(text),
            },
        ));
        if let Some(source) = &doc.source {
            values.push((source_number, StoredValue::Binary(source)));
        }
        if let Some(routing) = &doc.routing {
            values.push((routing_number, StoredValue::String(routing)));
        }
        stored.add_document(&values);
    }
    let stored = stored.finish();

    let mut files = vec![
        (format!("{name}.fnm"), field_infos(format, id, &fields)),
        (format!("{name}.fdt"), stored.fdt),
        (format!("{name}.fdx"), stored.fdx),
    ];
    if let Some(fdm) = stored.fdm {
        files.push((format!("{name}.fdm"), fdm));
    }
    let si_name = format!("{name}.si");
    let mut names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    names.push(&si_name);
    names.sort_unstable();
    let version_name = format.version_name();
    let si = segment_info(
        format,
        id,
        &SegmentInfoSpec {
            max_doc: docs.len() as u32,
            compound: false,
            diagnostics: &[
                ("lucene.version", version_name.as_str()),
                ("source", "flush"),
            ],
            files: &names,
            attributes: &[(format.stored().mode_key, "BEST_SPEED")],
        },
    );
    files.push((si_name, si));
    FlushedSegment { files }
}

/// The `.fnm` of stored-only fields numbered in order.
fn field_infos(format: LuceneFormat, id: &[u8; ID_LEN], fields: &[&str]) -> Vec<u8> {
    let (codec, version) = format.field_infos_codec();
    let mut out = Output::new(format.endian());
    out.index_header(codec, version, id, "");
    out.vint(fields.len() as u32);
    for (number, name) in fields.iter().enumerate() {
        out.string(name);
        out.vint(number as u32);
        out.byte(0); // no term vectors, norms not omitted (the field is not indexed), no payloads
        out.byte(0); // IndexOptions.NONE
        out.byte(0); // DocValuesType.NONE
        out.long(-1); // doc-values generation
        out.map_of_strings(&[]);
        out.vint(0); // point dimensions
        if format.is_lucene9() {
            out.vint(0); // vector dimension
            out.byte(1); // vector encoding FLOAT32 (the default of fields without vectors)
            out.byte(0); // vector similarity EUCLIDEAN
        }
    }
    out.finish()
}

/// What a `.si` records.
pub(crate) struct SegmentInfoSpec<'a> {
    pub(crate) max_doc: u32,
    pub(crate) compound: bool,
    pub(crate) diagnostics: &'a [(&'a str, &'a str)],
    pub(crate) files: &'a [&'a str],
    pub(crate) attributes: &'a [(&'a str, &'a str)],
}

/// The `.si` of a segment (its minimum version is its version).
pub(crate) fn segment_info(
    format: LuceneFormat,
    id: &[u8; ID_LEN],
    spec: &SegmentInfoSpec<'_>,
) -> Vec<u8> {
    let (codec, version) = format.segment_info_codec();
    let lucene = format.version();
    let mut out = Output::new(format.endian());
    out.index_header(codec, version, id, "");
    for v in lucene {
        out.int(v);
    }
    if format != LuceneFormat::Lucene6 {
        out.byte(1); // the minimum version that contributed documents: this one
        for v in lucene {
            out.int(v);
        }
    }
    out.int(spec.max_doc as i32);
    // SegmentInfo.YES / NO
    out.byte(if spec.compound { 1 } else { 0xff });
    if format.is_lucene9() {
        out.byte(0xff); // no document blocks
    }
    out.map_of_strings(spec.diagnostics);
    out.set_of_strings(spec.files);
    out.map_of_strings(spec.attributes);
    out.vint(0); // no index sort
    out.finish()
}
