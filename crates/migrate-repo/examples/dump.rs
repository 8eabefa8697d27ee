//! Prints a checksummed repository blob as JSON (binary as base64):
//! `cargo run -p migrate-repo --example dump -- <repository dir> <key>`.

use migrate_repo::BlobSource as _;
use migrate_repo::model::{BlobKind, Document};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [root, key] = args.as_slice() else {
        return Err("usage: dump <repository dir> <key>".into());
    };
    let kind = BlobKind::of_key(key).ok_or("not a checksummed blob key")?;
    let bytes = migrate_repo::FsBlobs::new(root).read(key)?;
    let document = Document::read(kind, key, &bytes)?;
    println!(
        "{}",
        serde_json::to_string_pretty(&document.value.to_json_base64())?
    );
    Ok(())
}
