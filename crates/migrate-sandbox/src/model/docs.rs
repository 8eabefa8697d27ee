//! Document storage of one index: raw `_source` bytes with `_id`, `_version`, `_seq_no`, kept in insertion
//! slots so `_doc` order and scroll snapshots are cheap (a slot number per hit).

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;

/// One stored document. Cloning is cheap (reference counts).
#[derive(Debug, Clone)]
pub struct Doc {
    /// `_id`.
    pub id: Arc<str>,
    /// Mapping type (`_doc` when the version is typeless).
    pub ty: Arc<str>,
    /// `_source` exactly as sent.
    pub source: Bytes,
    /// `_version`.
    pub version: u64,
    /// `_seq_no`.
    pub seq_no: u64,
    /// `_primary_term`.
    pub primary_term: u64,
    /// `_routing`, when the document was written with one.
    pub routing: Option<Arc<str>>,
}

/// How a write sets `_version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VersionSet {
    /// One more than the current version (1 for a new document).
    #[default]
    Next,
    /// This version (`version_type=external|external_gte`; checked by the caller).
    Exactly(u64),
}

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    /// A new document.
    Created,
    /// An existing document replaced.
    Updated,
}

/// The documents of one index.
#[derive(Debug, Default, Clone)]
pub struct DocStore {
    slots: Vec<Option<Doc>>,
    ids: HashMap<Arc<str>, u32>,
    next_seq_no: u64,
    /// 5.x multi-type indexes: `_id` is unique per type, so keys are `type\u{1f}id`.
    pub typed: bool,
}

impl DocStore {
    /// An empty store; `typed` for 5.x multi-type indexes (ids unique per type).
    pub fn new(typed: bool) -> Self {
        DocStore {
            typed,
            ..Default::default()
        }
    }

    /// Number of live documents.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Highest sequence number assigned, or -1.
    pub fn max_seq_no(&self) -> i64 {
        self.next_seq_no as i64 - 1
    }

    /// Approximate bytes held by sources.
    pub fn source_bytes(&self) -> usize {
        self.slots.iter().flatten().map(|d| d.source.len()).sum()
    }

    fn key<'a>(&self, ty: &str, id: &'a str) -> std::borrow::Cow<'a, str> {
        if self.typed {
            std::borrow::Cow::Owned(format!("{ty}\u{1f}{id}"))
        } else {
            std::borrow::Cow::Borrowed(id)
        }
    }

    /// A document by type (ignored unless `typed`) and id.
    pub fn get(&self, ty: &str, id: &str) -> Option<&Doc> {
        self.ids
            .get(self.key(ty, id).as_ref())
            .and_then(|s| self.slots.get(*s as usize))
            .and_then(|d| d.as_ref())
    }

    /// A document by slot.
    pub fn slot(&self, slot: u32) -> Option<&Doc> {
        self.slots.get(slot as usize).and_then(|d| d.as_ref())
    }

    /// Live documents with their slots, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &Doc)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d.as_ref().map(|d| (i as u32, d)))
    }

    /// Writes (creates or replaces) a document; the caller has checked `op_type` and versions.
    pub fn put(
        &mut self,
        id: &str,
        ty: Arc<str>,
        source: Bytes,
        primary_term: u64,
    ) -> (WriteOutcome, Doc) {
        self.put_with(id, ty, source, primary_term, None, VersionSet::Next)
    }

    /// [`DocStore::put`] with a routing value and a version rule.
    pub fn put_with(
        &mut self,
        id: &str,
        ty: Arc<str>,
        source: Bytes,
        primary_term: u64,
        routing: Option<Arc<str>>,
        version: VersionSet,
    ) -> (WriteOutcome, Doc) {
        let seq_no = self.next_seq_no;
        self.next_seq_no += 1;
        let key = self.key(&ty, id).into_owned();
        if let Some(&slot) = self.ids.get(key.as_str())
            && let Some(Some(existing)) = self.slots.get_mut(slot as usize)
        {
            existing.version = match version {
                VersionSet::Next => existing.version + 1,
                VersionSet::Exactly(v) => v,
            };
            existing.seq_no = seq_no;
            existing.source = source;
            existing.ty = ty;
            existing.primary_term = primary_term;
            existing.routing = routing;
            return (WriteOutcome::Updated, existing.clone());
        }
        let id: Arc<str> = Arc::from(id);
        let key: Arc<str> = if self.typed {
            Arc::from(key)
        } else {
            id.clone()
        };
        let doc = Doc {
            id,
            ty,
            source,
            version: match version {
                VersionSet::Next => 1,
                VersionSet::Exactly(v) => v,
            },
            seq_no,
            primary_term,
            routing,
        };
        let slot = self.slots.len() as u32;
        self.slots.push(Some(doc.clone()));
        self.ids.insert(key, slot);
        (WriteOutcome::Created, doc)
    }

    /// Deletes a document; returns it (with the version and seq_no of the delete) when it existed.
    pub fn delete(&mut self, ty: &str, id: &str) -> Option<Doc> {
        let slot = self.ids.remove(self.key(ty, id).as_ref())?;
        let mut doc = self.slots.get_mut(slot as usize)?.take()?;
        doc.version += 1;
        doc.seq_no = self.next_seq_no;
        self.next_seq_no += 1;
        Some(doc)
    }

    /// Consumes a sequence number without a document (e.g. a delete of a missing id).
    pub fn bump_seq_no(&mut self) -> u64 {
        let s = self.next_seq_no;
        self.next_seq_no += 1;
        s
    }

    /// Removes everything.
    pub fn clear(&mut self) {
        self.slots.clear();
        self.ids.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_replace_delete_track_versions_and_seq_nos() {
        let mut s = DocStore::default();
        let ty: Arc<str> = Arc::from("_doc");
        let (o, d) = s.put("a", ty.clone(), Bytes::from_static(b"{}"), 1);
        assert_eq!((o, d.version, d.seq_no), (WriteOutcome::Created, 1, 0));
        let (o, d) = s.put("a", ty.clone(), Bytes::from_static(b"{\"x\":1}"), 1);
        assert_eq!((o, d.version, d.seq_no), (WriteOutcome::Updated, 2, 1));
        s.put("b", ty, Bytes::from_static(b"{}"), 1);
        assert_eq!(s.len(), 2);
        let del = s.delete("_doc", "a").unwrap();
        assert_eq!(del.version, 3);
        assert!(s.get("_doc", "a").is_none());
        assert_eq!(
            s.iter().map(|(_, d)| d.id.to_string()).collect::<Vec<_>>(),
            vec!["b"]
        );
        assert_eq!(s.max_seq_no(), 3);
    }

    #[test]
    fn typed_store_keeps_same_id_per_type() {
        let mut s = DocStore::new(true);
        s.put("1", Arc::from("a"), Bytes::from_static(b"{}"), 1);
        s.put("1", Arc::from("b"), Bytes::from_static(b"{}"), 1);
        assert_eq!(s.len(), 2);
        assert_eq!(&*s.get("b", "1").unwrap().ty, "b");
        assert!(s.delete("a", "1").is_some());
        assert!(s.get("b", "1").is_some());
    }
}
