//! Seeding: fills an index with N small generated documents directly in the model (for the demo and benches).

use std::sync::Arc;

use bytes::Bytes;

use crate::state::Shared;
use crate::write::{DocWrite, index_doc};

/// Indexes `n` documents `{"n": i, "title": "doc i", "updated_at": ...}` with ids `0..n` into `index`.
pub fn seed_docs(shared: &Arc<Shared>, index: &str, n: usize) -> usize {
    let p = shared.product;
    let mut c = shared.cluster();
    let mut ok = 0;
    for i in 0..n {
        let src = format!(
            "{{\"n\":{i},\"title\":\"doc {i}\",\"updated_at\":\"2024-01-{:02}T00:00:00Z\"}}",
            1 + i % 28
        );
        let w = DocWrite {
            index,
            ty: Some("_doc"),
            id: Some(i.to_string()),
            source: Bytes::from(src),
            create_only: false,
            if_seq_no: None,
        };
        if index_doc(&mut c, &p, w).is_ok() {
            ok += 1;
        }
    }
    ok
}
