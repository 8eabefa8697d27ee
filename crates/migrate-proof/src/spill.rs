//! Where encoded records wait for a possible drill-down: per partition, a memory buffer that is
//! appended to a file of its own once the buffers together pass a byte budget.
//!
//! Spill rather than re-read: the only filter a cluster offers on "ids whose hash falls in these
//! buckets" is client side, so drilling by re-reading would cost another full read of both sides
//! whenever anything differs; a spilled record costs ~30 bytes + id + routing of sequential disk
//! writes, and a clean run never reads it back. Memory stays bounded by the budget whatever the
//! document count; a drill-down reads back one partition at a time.

use std::fs::{self, OpenOptions};
use std::io::{BufReader, ErrorKind, Read, Write};
use std::path::{Path, PathBuf};

use crate::error::ProofError;
use crate::record::{HEADER, Header, Owned};

/// One owner's records (a slice being fed, or a side), by partition.
#[derive(Debug)]
pub(crate) struct Spill {
    dir: PathBuf,
    name: String,
    bufs: Vec<Vec<u8>>,
    buffered: usize,
    /// Files holding each partition's spilled records (own and absorbed ones).
    files: Vec<Vec<PathBuf>>,
    spilled: u64,
}

impl Spill {
    pub fn new(dir: &Path, name: String, partitions: usize) -> Spill {
        Spill {
            dir: dir.to_owned(),
            name,
            bufs: vec![Vec::new(); partitions],
            buffered: 0,
            files: vec![Vec::new(); partitions],
            spilled: 0,
        }
    }

    /// The buffer of partition `p`, to encode a record into; call [`Spill::grew`] after.
    pub fn buf(&mut self, p: usize) -> &mut Vec<u8> {
        &mut self.bufs[p]
    }

    pub fn grew(&mut self, bytes: usize) {
        self.buffered += bytes;
    }

    pub fn buffered(&self) -> usize {
        self.buffered
    }

    /// Bytes written to files so far (own and absorbed).
    pub fn spilled(&self) -> u64 {
        self.spilled
    }

    fn own_file(&self, p: usize) -> PathBuf {
        self.dir.join(format!("{}-p{p:05}.bin", self.name))
    }

    /// Appends every non-empty buffer to its partition's own file and empties the buffers.
    pub fn flush(&mut self) -> Result<(), ProofError> {
        for p in 0..self.bufs.len() {
            if self.bufs[p].is_empty() {
                continue;
            }
            let path = self.own_file(p);
            let mut file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| ProofError::io("opening spill file", &path, e))?;
            file.write_all(&self.bufs[p])
                .map_err(|e| ProofError::io("writing spill file", &path, e))?;
            self.spilled += self.bufs[p].len() as u64;
            self.bufs[p].clear();
            if !self.files[p].contains(&path) {
                self.files[p].push(path);
            }
        }
        self.buffered = 0;
        Ok(())
    }

    /// Takes over another spill's buffers and files (a slice committing into its side).
    pub fn absorb(&mut self, other: Spill) {
        for (p, (buf, files)) in other.bufs.into_iter().zip(other.files).enumerate() {
            self.bufs[p].extend_from_slice(&buf);
            self.files[p].extend(files);
        }
        self.buffered += other.buffered;
        self.spilled += other.spilled;
    }

    /// Removes the files this spill wrote (a slice abandoned before its commit).
    pub fn discard(&mut self) {
        for files in &mut self.files {
            for f in files.drain(..) {
                let _ = fs::remove_file(f);
            }
        }
        self.bufs.iter_mut().for_each(Vec::clear);
        self.buffered = 0;
    }

    /// The records of partition `p` whose bucket `keep` accepts, memory and files alike.
    pub fn read(&self, p: usize, keep: impl Fn(u32) -> bool) -> Result<Vec<Owned>, ProofError> {
        let mut out = Vec::new();
        let memory = Path::new("<memory>");
        decode(&self.bufs[p][..], memory, &keep, &mut out)?;
        for path in &self.files[p] {
            let file =
                fs::File::open(path).map_err(|e| ProofError::io("opening spill file", path, e))?;
            decode(
                BufReader::with_capacity(1 << 16, file),
                path,
                &keep,
                &mut out,
            )?;
        }
        Ok(out)
    }
}

/// Decodes records until a clean end; a record cut short or out of bounds is damage.
fn decode(
    mut r: impl Read,
    path: &Path,
    keep: &impl Fn(u32) -> bool,
    out: &mut Vec<Owned>,
) -> Result<(), ProofError> {
    let mut offset = 0u64;
    let mut header = [0u8; HEADER];
    let mut body = Vec::new();
    let damaged = |offset: u64, what: String| ProofError::Damaged {
        path: path.to_owned(),
        offset,
        what,
    };
    loop {
        match fill(&mut r, &mut header)
            .map_err(|e| ProofError::io("reading spill file", path, e))?
        {
            0 => return Ok(()),
            n if n < HEADER => return Err(damaged(offset, "a record header is cut short".into())),
            _ => {}
        }
        let h = Header::parse(&header).map_err(|what| damaged(offset, what))?;
        body.resize(h.body_len(), 0);
        if fill(&mut r, &mut body).map_err(|e| ProofError::io("reading spill file", path, e))?
            < body.len()
        {
            return Err(damaged(offset, "a record is cut short".into()));
        }
        let at = offset;
        offset += (HEADER + body.len()) as u64;
        if keep(h.bucket) {
            out.push(h.finish(&body).map_err(|what| damaged(at, what))?);
        }
    }
}

/// Reads until `buf` is full or the end; returns the bytes read.
fn fill(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}
