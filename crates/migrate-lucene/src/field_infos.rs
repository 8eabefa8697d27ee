//! A segment's field infos (`.fnm`, or `_N_G.fnm` once doc-values updates rewrote them): field
//! names and numbers, doc-values type and generation, the soft-deletes flag and per-field
//! attributes (which doc-values format holds a field).
//!
//! Formats: `Lucene60FieldInfos` 0–2 (Lucene 6–8), `Lucene90FieldInfos` (9.0–9.3, adds vector
//! dimension and similarity) and `Lucene94FieldInfos` 0–1 (9.4+, adds vector encoding), the
//! latter two little-endian. The whole file must parse exactly up to its footer.

use crate::codec::{Expect, ID_LEN};
use crate::error::Result;
use crate::file::LuceneFile;
use crate::input::Endian;

const CODECS: &[(&str, i32, i32)] = &[
    ("Lucene60FieldInfos", 0, 2),
    ("Lucene90FieldInfos", 0, 0),
    ("Lucene94FieldInfos", 0, 1),
];
const SOFT_DELETES_FIELD: u8 = 0x08;

/// Doc-values type of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DocValuesType {
    None,
    Numeric,
    Binary,
    Sorted,
    SortedSet,
    SortedNumeric,
}

#[derive(Debug, Clone)]
pub(crate) struct FieldInfo {
    pub(crate) name: String,
    pub(crate) number: u32,
    pub(crate) soft_deletes: bool,
    pub(crate) doc_values: DocValuesType,
    /// Generation of the doc-values update holding this field's values; -1: the segment's own.
    pub(crate) dv_gen: i64,
    pub(crate) attributes: Vec<(String, String)>,
}

impl FieldInfo {
    pub(crate) fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct FieldInfos {
    /// The file they were read from.
    pub(crate) file: String,
    pub(crate) fields: Vec<FieldInfo>,
}

impl FieldInfos {
    pub(crate) fn by_name(&self, name: &str) -> Option<&FieldInfo> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub(crate) fn by_number(&self, number: u32) -> Option<&FieldInfo> {
        self.fields.iter().find(|f| f.number == number)
    }
}

/// Reads a `.fnm`; `suffix` is the field-infos generation in base 36, or empty.
pub(crate) fn read_field_infos(
    file: &LuceneFile,
    id: &[u8; ID_LEN],
    suffix: &str,
) -> Result<FieldInfos> {
    let checked = file.read_checked(&Expect {
        codecs: CODECS,
        id,
        suffix,
    })?;
    let header = &checked.header;
    let lucene9 = header.codec != "Lucene60FieldInfos";
    let mut input = checked.body(if lucene9 { Endian::Little } else { Endian::Big });
    let count = input.vlen("field count")?;
    if count > input.remaining() {
        return Err(input.corrupt(format!("{count} fields cannot fit in the file")));
    }
    let mut fields = Vec::with_capacity(count);
    for _ in 0..count {
        let name = input.string()?;
        let number = input.vint()?;
        let Ok(number) = u32::try_from(number) else {
            return Err(input.corrupt(format!("invalid number {number} of field `{name}`")));
        };
        let bits = input.u8()?;
        let _index_options = input.u8()?;
        let doc_values = match input.u8()? {
            0 => DocValuesType::None,
            1 => DocValuesType::Numeric,
            2 => DocValuesType::Binary,
            3 => DocValuesType::Sorted,
            4 => DocValuesType::SortedSet,
            5 => DocValuesType::SortedNumeric,
            b => {
                return Err(input.corrupt(format!("invalid doc-values type {b} of field `{name}`")));
            }
        };
        let dv_gen = input.i64()?;
        let attributes = input.map_of_strings()?;
        let point_dimensions = input.vint()?;
        if point_dimensions != 0 {
            if lucene9 || header.version >= 2 {
                let _point_index_dimensions = input.vint()?;
            }
            let _point_bytes = input.vint()?;
        }
        if lucene9 {
            let _vector_dimension = input.vint()?;
            if header.codec == "Lucene94FieldInfos" {
                let _vector_encoding = input.u8()?;
            }
            let _vector_similarity = input.u8()?;
        }
        fields.push(FieldInfo {
            name,
            number,
            soft_deletes: bits & SOFT_DELETES_FIELD != 0,
            doc_values,
            dv_gen,
            attributes,
        });
    }
    if input.remaining() != 16 {
        return Err(input.corrupt(format!(
            "{} unexpected bytes after the last field",
            input.remaining().saturating_sub(16)
        )));
    }
    Ok(FieldInfos {
        file: file.name().to_string(),
        fields,
    })
}
