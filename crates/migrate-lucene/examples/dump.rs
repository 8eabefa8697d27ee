//! Prints the live documents of a Lucene index directory as JSON lines, for debugging:
//! `cargo run -p migrate-lucene --example dump -- <index-dir> [segments_N]`.
//!
//! Each line: `{"segment":…,"doc":…,"id":…,"type":…,"routing":…,"source":…}` with the source as
//! a string (lossy UTF-8). A summary per segment goes to stderr.

use std::io::Write;
use std::sync::Arc;

use migrate_lucene::{FsDirectory, Shard};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: dump <index-dir> [segments_N]");
        std::process::exit(2);
    };
    let dir = Arc::new(FsDirectory::new(dir));
    let shard = match args.next() {
        Some(commit) => Shard::open_commit(dir, &commit)?,
        None => Shard::open(dir)?,
    };
    eprintln!(
        "{} (Lucene {}): segments {}",
        shard.commit().file_name(),
        shard.commit().lucene_version(),
        shard.commit().segment_names().collect::<Vec<_>>().join(" ")
    );
    for name in shard.commit().segment_names() {
        let segment = shard.segment(name)?;
        eprintln!(
            "  {name}: codec {} Lucene {} {:?}",
            segment.codec(),
            segment.lucene_version(),
            segment.stats()
        );
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for doc in shard.documents() {
        let doc = doc?;
        let source = doc.source.as_deref().map(String::from_utf8_lossy);
        writeln!(
            out,
            "{{\"segment\":{:?},\"doc\":{},\"id\":{:?},\"type\":{:?},\"routing\":{:?},\"source\":{:?}}}",
            &*doc.position.segment, doc.position.doc, doc.id, doc.doc_type, doc.routing, source
        )?;
    }
    Ok(())
}
