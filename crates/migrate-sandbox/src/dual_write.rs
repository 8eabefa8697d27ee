//! OpenSearch 3.x dual write: an index with `index.dual_write.index_name` mirrors every write that
//! succeeded on it into that index: documents as written (an auto-generated id gets its own id on
//! the target), update results as their merged source, deletes as a `{"_tombstone": true}` document
//! (`index.dual_write.soft_deletes_enabled`, the default) or as a delete. A write that failed or
//! changed nothing (a `noop` update, a delete of a missing document) is not mirrored.

use bytes::Bytes;

use crate::error::ApiResult;
use crate::flavor::Product;
use crate::model::Cluster;
use crate::model::settings::is_true;
use crate::write::{DocWrite, WriteResult, delete_doc, index_doc};

/// The mirror target of a concrete index and whether deletes leave tombstones.
pub fn target(c: &Cluster, product: &Product, index: &str) -> Option<(String, bool)> {
    if !product.is_opensearch() || product.version.major < 3 {
        return None;
    }
    let i = c.indices.get(index)?;
    let name = i
        .settings
        .get("index.dual_write.index_name")?
        .as_str()
        .filter(|n| !n.is_empty())?
        .to_string();
    let soft = !i
        .settings
        .contains_key("index.dual_write.soft_deletes_enabled")
        || is_true(&i.settings, "index.dual_write.soft_deletes_enabled");
    Some((name, soft))
}

/// Mirrors a successful index/create/update on `done.index`: the document as it now stands on the
/// source. `auto_id`: the source's id was generated, so the target generates its own.
pub fn mirror_write(
    c: &mut Cluster,
    product: &Product,
    done: &WriteResult,
    auto_id: bool,
) -> Option<ApiResult<WriteResult>> {
    let (target, _) = target(c, product, &done.index)?;
    let source = current_source(c, done)?;
    Some(index_doc(
        c,
        product,
        DocWrite {
            index: &target,
            id: (!auto_id).then(|| done.id.clone()),
            source,
            ..Default::default()
        },
    ))
}

/// Mirrors a delete that removed a document: a tombstone or a delete on the target.
pub fn mirror_delete(
    c: &mut Cluster,
    product: &Product,
    done: &WriteResult,
) -> Option<ApiResult<WriteResult>> {
    if done.result != "deleted" {
        return None;
    }
    let (target, soft) = target(c, product, &done.index)?;
    Some(if soft {
        index_doc(
            c,
            product,
            DocWrite {
                index: &target,
                id: Some(done.id.clone()),
                source: Bytes::from_static(br#"{"_tombstone":true}"#),
                ..Default::default()
            },
        )
    } else {
        delete_doc(c, product, &target, None, &done.id)
    })
}

fn current_source(c: &Cluster, done: &WriteResult) -> Option<Bytes> {
    let i = c.indices.get(&done.index)?;
    let ty = done.ty.as_deref().unwrap_or("_doc");
    i.docs.get(ty, &done.id).map(|d| d.source.clone())
}
