//! What searches see: an index with `index.refresh_interval: -1` is searched as it stood at its
//! last refresh (`_refresh`, a write with `refresh=true|wait_for`, or the moment refresh was
//! turned off); any other interval counts as refreshed at once (the sandbox's immediate pacing).
//! Realtime gets read the live documents either way.

use std::sync::Arc;

use serde_json::Value;

use super::{Cluster, DocStore, Index};

/// Whether periodic refresh is off for an index.
pub fn refresh_disabled(index: &Index) -> bool {
    matches!(index.settings.get("index.refresh_interval"), Some(Value::String(s)) if s == "-1")
        || index.settings.get("index.refresh_interval") == Some(&Value::from(-1))
}

impl Cluster {
    /// The documents searches see in `index`.
    pub fn searcher<'a>(&'a self, index: &'a Index) -> &'a DocStore {
        match self.searchers.get(&index.uuid) {
            Some(s) => s,
            None => &index.docs,
        }
    }

    /// Refreshes an index: searches see its documents as they are now.
    pub fn refresh(&mut self, name: &str) {
        let Some(i) = self.indices.get(name) else {
            return;
        };
        if refresh_disabled(i) {
            let snapshot = Arc::new(i.docs.clone());
            self.searchers.insert(i.uuid.clone(), snapshot);
        } else {
            self.searchers.remove(&i.uuid);
        }
    }

    /// After `index.refresh_interval` may have changed: turning refresh off freezes what searches
    /// see; turning it on again makes every document visible.
    pub fn refresh_setting_changed(&mut self, name: &str) {
        let Some(i) = self.indices.get(name) else {
            return;
        };
        match (refresh_disabled(i), self.searchers.contains_key(&i.uuid)) {
            (true, false) | (false, true) => self.refresh(name),
            _ => {}
        }
    }

    /// Refreshes the indexes a write reached when its `refresh` parameter asks for it.
    pub fn refresh_for(&mut self, refresh: Option<&str>, names: &[&str]) {
        if matches!(refresh, Some("" | "true" | "wait_for")) {
            for n in names {
                let concrete = self.write_index(n).ok().flatten();
                self.refresh(concrete.as_deref().unwrap_or(n));
            }
        }
    }
}
