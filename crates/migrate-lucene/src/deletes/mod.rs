//! Which documents of a segment are live: not hard-deleted (the `.liv` of the commit's deletion
//! generation) and without a value in the soft-deletes field (`__soft_deletes` for Elasticsearch
//! and OpenSearch, flagged as the soft-deletes field in the field infos since Lucene 7.4).
//!
//! The counts are checked against the commit: hard-deleted documents against its deletion count,
//! soft-deleted documents that are not also hard-deleted against its soft-deletion count, so a
//! misread bit set is an error rather than documents silently lost or resurrected.

mod disi;
mod doc_values;

use self::disi::read_disi;
use self::doc_values::{DvFormat, find_numeric};
use crate::codec::{Expect, ID_LEN};
use crate::commit::{SegmentCommit, radix36};
use crate::error::{Error, Result};
use crate::field_infos::{DocValuesType, FieldInfos};
use crate::input::{Endian, Input};
use crate::segment_files::SegmentFiles;

/// The soft-deletes field of Elasticsearch and OpenSearch.
pub(crate) const SOFT_DELETES_FIELD: &str = "__soft_deletes";

/// The live documents of a segment.
pub(crate) struct LiveDocs {
    /// One bit per doc, set when live; `None` when every doc is live.
    bits: Option<Vec<u64>>,
    pub(crate) hard_deleted: u32,
    pub(crate) soft_deleted: u32,
}

impl LiveDocs {
    pub(crate) fn is_live(&self, doc: u32) -> bool {
        match &self.bits {
            None => true,
            Some(bits) => bits
                .get((doc / 64) as usize)
                .is_some_and(|w| w >> (doc % 64) & 1 == 1),
        }
    }
}

pub(crate) fn read_live_docs(
    files: &SegmentFiles,
    commit: &SegmentCommit,
    id: &[u8; ID_LEN],
    max_doc: u32,
    infos: &FieldInfos,
) -> Result<LiveDocs> {
    let words = (max_doc as usize).div_ceil(64);
    let mut live = None;
    if commit.del_gen >= 0 {
        let generation = radix36(commit.del_gen as u64);
        let name = format!("{}_{generation}.liv", commit.name);
        let file = files.open(&name, "segments_N")?;
        let checked = file.read_checked(&Expect {
            codecs: &[("Lucene50LiveDocs", 0, 0), ("Lucene90LiveDocs", 0, 0)],
            id,
            suffix: &generation,
        })?;
        let lucene9 = checked.header.codec == "Lucene90LiveDocs";
        let mut input = checked.body(if lucene9 { Endian::Little } else { Endian::Big });
        let mut bits = Vec::with_capacity(words.min(input.remaining() / 8));
        for _ in 0..words {
            bits.push(input.i64()? as u64);
        }
        mask_tail(&mut bits, max_doc);
        let deleted = max_doc - count(&bits);
        if deleted != commit.del_count {
            return Err(Error::corrupt(
                file.name(),
                format!(
                    "{deleted} documents are deleted, the commit says {}",
                    commit.del_count
                ),
            ));
        }
        live = Some(bits);
    } else if commit.del_count != 0 {
        return Err(Error::corrupt(
            "segments_N",
            format!(
                "segment `{}` has {} deletions but no live-docs file",
                commit.name, commit.del_count
            ),
        ));
    }

    let soft = match soft_deleted_docs(files, commit, id, max_doc, infos)? {
        None => {
            if commit.soft_del_count.is_some_and(|n| n > 0) {
                return Err(Error::corrupt(
                    "segments_N",
                    format!(
                        "segment `{}` has {} soft deletions but no soft-deletes field",
                        commit.name,
                        commit.soft_del_count.unwrap_or_default()
                    ),
                ));
            }
            return Ok(LiveDocs {
                bits: live,
                hard_deleted: commit.del_count,
                soft_deleted: 0,
            });
        }
        Some(soft) => soft,
    };
    let mut bits = live.unwrap_or_else(|| {
        let mut all = vec![u64::MAX; words];
        mask_tail(&mut all, max_doc);
        all
    });
    let mut soft_only = 0;
    for (word, soft) in bits.iter_mut().zip(&soft) {
        soft_only += (*word & soft).count_ones();
        *word &= !soft;
    }
    if let Some(expected) = commit.soft_del_count.filter(|&n| n != soft_only) {
        return Err(Error::corrupt(
            format!("{}.si", commit.name),
            format!(
                "{soft_only} live documents have a `{SOFT_DELETES_FIELD}` value, the commit counts {expected} soft deletions"
            ),
        ));
    }
    Ok(LiveDocs {
        bits: Some(bits),
        hard_deleted: commit.del_count,
        soft_deleted: soft_only,
    })
}

fn mask_tail(bits: &mut [u64], max_doc: u32) {
    if let Some(last) = bits.last_mut().filter(|_| !max_doc.is_multiple_of(64)) {
        *last &= (1u64 << (max_doc % 64)) - 1;
    }
}

fn count(bits: &[u64]) -> u32 {
    bits.iter().map(|w| w.count_ones()).sum()
}

/// The docs with a soft-deletes value, or `None` when the segment has no soft-deletes field.
fn soft_deleted_docs(
    files: &SegmentFiles,
    commit: &SegmentCommit,
    id: &[u8; ID_LEN],
    max_doc: u32,
    infos: &FieldInfos,
) -> Result<Option<Vec<u64>>> {
    let field = infos
        .fields
        .iter()
        .find(|f| f.soft_deletes)
        .or_else(|| infos.by_name(SOFT_DELETES_FIELD));
    let Some(field) = field.filter(|f| f.doc_values != DocValuesType::None) else {
        return Ok(None);
    };
    let where_ = infos.file.clone();
    if field.doc_values != DocValuesType::Numeric {
        return Err(Error::unsupported(
            where_,
            format!(
                "soft-deletes field `{}` has {:?} doc values, not numeric",
                field.name, field.doc_values
            ),
        ));
    }
    let (Some(format), Some(suffix)) = (
        field.attribute("PerFieldDocValuesFormat.format"),
        field.attribute("PerFieldDocValuesFormat.suffix"),
    ) else {
        return Err(Error::corrupt(
            where_,
            format!("field `{}` does not say its doc-values format", field.name),
        ));
    };
    let dv_format = match format {
        "Lucene70" => "Lucene70DocValues",
        "Lucene80" => "Lucene80DocValues",
        "Lucene90" => "Lucene90DocValues",
        other => {
            return Err(Error::unsupported(
                where_,
                format!(
                    "doc-values format `{other}` of soft-deletes field `{}` (this reader knows Lucene70, Lucene80, Lucene90)",
                    field.name
                ),
            ));
        }
    };
    let segment_suffix = if field.dv_gen > 0 {
        format!("{}_{format}_{suffix}", radix36(field.dv_gen as u64))
    } else {
        format!("{format}_{suffix}")
    };
    let meta_name = format!("{}_{segment_suffix}.dvm", commit.name);
    let data_name = format!("{}_{segment_suffix}.dvd", commit.name);
    let meta_file = files.open(&meta_name, &where_)?;
    let data_file = files.open(&data_name, &where_)?;

    let meta_codec = format!("{dv_format}Metadata");
    let max_version = if format == "Lucene80" { 2 } else { 0 };
    let meta = meta_file.read_checked(&Expect {
        codecs: &[(meta_codec.as_str(), 0, max_version)],
        id,
        suffix: &segment_suffix,
    })?;
    let version = meta.header.version;
    let (dv, endian) = match format {
        "Lucene70" => (DvFormat::Lucene70, Endian::Big),
        "Lucene80" => (DvFormat::Lucene80(version), Endian::Big),
        _ => (DvFormat::Lucene90, Endian::Little),
    };
    let mut input = meta.body(endian);
    let Some(entry) = find_numeric(&mut input, dv, infos, field.number)? else {
        return Err(Error::corrupt(
            meta_file.name(),
            format!(
                "no numeric doc values for soft-deletes field `{}`",
                field.name
            ),
        ));
    };

    let words = (max_doc as usize).div_ceil(64);
    let mut soft = vec![0u64; words];
    match entry.offset {
        -2 => {}
        -1 => {
            if entry.num_values != i64::from(max_doc) {
                return Err(Error::corrupt(
                    meta_file.name(),
                    format!(
                        "every doc has a `{}` value, but the metadata counts {} of {max_doc}",
                        field.name, entry.num_values
                    ),
                ));
            }
            soft.fill(u64::MAX);
            mask_tail(&mut soft, max_doc);
        }
        offset => {
            data_file.verify()?;
            let data_codec = format!("{dv_format}Data");
            data_file.check_head(&Expect {
                codecs: &[(data_codec.as_str(), version, version)],
                id,
                suffix: &segment_suffix,
            })?;
            let (Ok(offset), Ok(length)) = (u64::try_from(offset), usize::try_from(entry.length))
            else {
                return Err(Error::corrupt(
                    meta_file.name(),
                    "invalid doc-id set offset or length",
                ));
            };
            let mut bytes = Vec::new();
            data_file.read_range(offset, length, &mut bytes)?;
            let name = format!("{} (doc-id set of `{}`)", data_file.name(), field.name);
            let mut disi = Input::new(&bytes, &name, endian);
            let n = read_disi(&mut disi, entry.dense_rank_power, max_doc, &mut soft)?;
            if n as i64 != entry.num_values {
                return Err(disi.corrupt(format!(
                    "{n} docs with a value, the metadata says {}",
                    entry.num_values
                )));
            }
        }
    }
    Ok(Some(soft))
}
