//! Writes sample indexes with the crate's writer, for `fixtures/check-written.sh` to check with
//! real Lucene: `cargo run -p migrate-lucene --example write_sample -- <out-dir>`.
//!
//! One index per format and id field, at `<out-dir>/<format>-<ids>/index`, each the last commit
//! of a history with several segments, replacements, deletions (one `.liv` generation rewritten),
//! numeric, base64 and UTF-8 ids, routings, documents without `_source`, chunks of more than 128
//! documents and one document large enough to be compressed in slices. Next to each index,
//! `expected.tsv`: the live documents, one a line: id, type, routing and source, each base64
//! (standard alphabet) or `-` when absent.

use std::io::Write;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use migrate_lucene::write::{IdEncoding, IndexWriter, Layout, LuceneFormat, NewDocument};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(out) = std::env::args().nth(1) else {
        eprintln!("usage: write_sample <out-dir>");
        std::process::exit(2);
    };
    let formats = [
        ("lucene6", LuceneFormat::Lucene6),
        ("lucene7", LuceneFormat::Lucene7),
        ("lucene87", LuceneFormat::Lucene87),
        ("lucene9", LuceneFormat::Lucene9),
    ];
    for (name, format) in formats {
        for (ids_name, ids) in [("id", IdEncoding::Id), ("uid", IdEncoding::Uid)] {
            let dir = std::path::Path::new(&out).join(format!("{name}-{ids_name}"));
            std::fs::create_dir_all(dir.join("index"))?;
            let live = write(&dir, Layout { format, ids })?;
            eprintln!("{}: {live} live documents", dir.display());
        }
    }
    Ok(())
}

/// (type, id) -> (routing, source)
type Live = std::collections::BTreeMap<(String, String), (Option<String>, Option<Vec<u8>>)>;

fn write(dir: &std::path::Path, layout: Layout) -> Result<usize, Box<dyn std::error::Error>> {
    let mut writer = IndexWriter::seeded(layout, 2024);
    let mut live = Live::new();
    let types = ["doc", "other"];
    let add = |writer: &mut IndexWriter, live: &mut Live, i: usize, version: usize| {
        let id = match i % 3 {
            0 => i.to_string(),
            1 => format!("Xk9fZ3QBk2mB_pL{:05}", i),
            _ => format!("naïve id {i} ✓"),
        };
        let doc_type = types[i % 2];
        let routing = i.is_multiple_of(5).then(|| format!("user{}", i % 7));
        let source = (i % 11 != 7).then(|| {
            let pad = "lorem ipsum ".repeat(i % 40);
            format!("{{\"n\":{i},\"v\":{version},\"text\":\"{pad}\"}}").into_bytes()
        });
        writer.add(NewDocument {
            id: &id,
            doc_type: Some(doc_type),
            routing: routing.as_deref(),
            source: source.as_deref(),
        })?;
        let key_type = match layout.ids {
            IdEncoding::Uid => doc_type.to_owned(),
            IdEncoding::Id => String::new(),
        };
        live.insert((key_type, id), (routing, source));
        Ok::<_, migrate_lucene::write::WriteError>(())
    };
    for i in 0..3000 {
        add(&mut writer, &mut live, i, 1)?;
    }
    writer.commit(&[])?;
    for i in (0..3000).step_by(7) {
        add(&mut writer, &mut live, i, 2)?;
    }
    writer.flush()?;
    for i in (1..3000).step_by(13) {
        let doc_type = types[i % 2];
        let id = match i % 3 {
            0 => i.to_string(),
            1 => format!("Xk9fZ3QBk2mB_pL{:05}", i),
            _ => format!("naïve id {i} ✓"),
        };
        if writer.delete(Some(doc_type), &id) {
            let key_type = match layout.ids {
                IdEncoding::Uid => doc_type.to_owned(),
                IdEncoding::Id => String::new(),
            };
            live.remove(&(key_type, id));
        }
    }
    writer.commit(&[])?;
    let big: Vec<u8> = format!(
        "{{\"big\":\"{}\"}}",
        (0..400_000)
            .map(|i| char::from(b'a' + (i * 7 % 26) as u8))
            .collect::<String>()
    )
    .into_bytes();
    writer.add(NewDocument {
        id: "big",
        doc_type: Some("doc"),
        routing: None,
        source: Some(&big),
    })?;
    let key_type = match layout.ids {
        IdEncoding::Uid => "doc".to_owned(),
        IdEncoding::Id => String::new(),
    };
    live.insert((key_type, "big".to_owned()), (None, Some(big)));
    let commit = writer.commit(&[("history_uuid", "sample"), ("max_seq_no", "3500")])?;
    for file in commit.files() {
        std::fs::write(dir.join("index").join(&file.name), &file.bytes)?;
    }
    let mut expected = std::fs::File::create(dir.join("expected.tsv"))?;
    let b64 = |v: Option<&[u8]>| v.map_or_else(|| "-".to_owned(), |v| STANDARD.encode(v));
    for ((doc_type, id), (routing, source)) in &live {
        writeln!(
            expected,
            "{}\t{}\t{}\t{}",
            b64(Some(id.as_bytes())),
            b64((!doc_type.is_empty()).then_some(doc_type.as_bytes())),
            b64(routing.as_deref().map(str::as_bytes)),
            b64(source.as_deref()),
        )?;
    }
    Ok(live.len())
}
