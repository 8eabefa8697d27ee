//! migrate-input: reads the files an operator names (plans, secret files, certificates, state
//! files) without trusting them to be files.
//!
//! A path may name a FIFO (reading it waits for a writer forever), a device (`/dev/zero` never
//! ends), a directory or a socket. [`read_limited`] opens without blocking (`O_NONBLOCK` on Unix),
//! checks on the open handle that it is a regular file, and reads at most a given number of bytes;
//! anything else is a [`ReadError`] that names the path and what it is. The error never holds a
//! byte of the file, so it is safe to show for secret files too.

use std::fmt;
use std::fs::{File, FileType, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// What a path turned out to be when a regular file was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A regular file (what the readers here accept).
    File,
    Directory,
    Fifo,
    CharDevice,
    BlockDevice,
    Socket,
    /// Anything else that is not a regular file.
    Other,
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileKind::File => "a regular file",
            FileKind::Directory => "a directory",
            FileKind::Fifo => "a FIFO (named pipe)",
            FileKind::CharDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Socket => "a socket",
            FileKind::Other => "a special file",
        })
    }
}

impl FileKind {
    /// What a file type is (from `std::fs::metadata`, which never blocks, even on a FIFO).
    pub fn of(t: &FileType) -> FileKind {
        if t.is_file() {
            return FileKind::File;
        }
        if t.is_dir() {
            return FileKind::Directory;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if t.is_fifo() {
                return FileKind::Fifo;
            }
            if t.is_char_device() {
                return FileKind::CharDevice;
            }
            if t.is_block_device() {
                return FileKind::BlockDevice;
            }
            if t.is_socket() {
                return FileKind::Socket;
            }
        }
        FileKind::Other
    }
}

/// A file could not be read. Names the path and the reason, never the contents.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The path names something other than a regular file.
    #[error("`{}` is {kind}, not a regular file", path.display())]
    NotAFile { path: PathBuf, kind: FileKind },
    /// The file holds more than the limit.
    #[error("`{}` is larger than {}", path.display(), human(*limit))]
    TooLarge { path: PathBuf, limit: u64 },
    /// The file is not UTF-8 text (from [`read_text_limited`]).
    #[error("`{}` is not UTF-8 text", path.display())]
    NotText { path: PathBuf },
    /// Opening or reading failed (missing, permission denied, …).
    #[error("cannot read `{}`: {reason}", path.display())]
    Io {
        path: PathBuf,
        kind: io::ErrorKind,
        reason: String,
    },
}

impl ReadError {
    /// The path the error is about.
    pub fn path(&self) -> &Path {
        match self {
            ReadError::NotAFile { path, .. }
            | ReadError::TooLarge { path, .. }
            | ReadError::NotText { path }
            | ReadError::Io { path, .. } => path,
        }
    }

    /// Why, without the path: for callers whose own message names the file
    /// (`cannot read secret file `…`: it is a FIFO (named pipe), not a regular file`).
    pub fn reason(&self) -> String {
        match self {
            ReadError::NotAFile { kind, .. } => format!("it is {kind}, not a regular file"),
            ReadError::TooLarge { limit, .. } => format!("it is larger than {}", human(*limit)),
            ReadError::NotText { .. } => "it is not UTF-8 text".to_owned(),
            ReadError::Io { reason, .. } => reason.clone(),
        }
    }

    fn io(path: &Path, e: &io::Error) -> ReadError {
        let reason = match e.kind() {
            io::ErrorKind::NotFound => "no such file".to_owned(),
            io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
            // The OS message ("Is a directory (os error 21)", …) is about the file, never its
            // contents.
            _ => e.to_string(),
        };
        ReadError::Io {
            path: path.to_owned(),
            kind: e.kind(),
            reason,
        }
    }
}

/// `8 MiB`, `64 KiB`, `100 bytes`.
fn human(n: u64) -> String {
    const KIB: u64 = 1024;
    match n {
        n if n >= KIB * KIB && n % (KIB * KIB) == 0 => format!("{} MiB", n / (KIB * KIB)),
        n if n >= KIB && n % KIB == 0 => format!("{} KiB", n / KIB),
        n => format!("{n} bytes"),
    }
}

/// Opens `path` for reading without ever blocking (a FIFO without a writer opens at once).
fn open(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    {
        // No non-blocking open: check the type first (a race with a rename is possible here).
        let meta = std::fs::metadata(path)?;
        if !meta.is_file() {
            return Err(io::Error::other(
                FileKind::of(&meta.file_type()).to_string(),
            ));
        }
    }
    options.open(path)
}

/// Checks, without reading it, that `path` is a regular file of at most `limit` bytes: for files
/// another library will read (the AWS SDK's config and credentials files), so that a FIFO or a
/// device named there is refused instead of blocking that library.
pub fn check_limited(path: &Path, limit: u64) -> Result<(), ReadError> {
    opened(path, limit).map(drop)
}

/// Opens `path` without blocking and checks that it is a regular file of at most `limit` bytes:
/// for callers that need the open file itself (its metadata); read it with `take(limit + 1)`.
pub fn open_limited(path: &Path, limit: u64) -> Result<File, ReadError> {
    opened(path, limit)
}

fn opened(path: &Path, limit: u64) -> Result<File, ReadError> {
    let file = open(path).map_err(|e| ReadError::io(path, &e))?;
    let meta = file.metadata().map_err(|e| ReadError::io(path, &e))?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile {
            path: path.to_owned(),
            kind: FileKind::of(&meta.file_type()),
        });
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            path: path.to_owned(),
            limit,
        });
    }
    Ok(file)
}

/// Reads the regular file at `path`, at most `limit` bytes. FIFOs, devices, sockets and
/// directories are refused before a byte is read; a larger file is refused without reading more
/// than `limit + 1` bytes.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = opened(path, limit)?;
    // The size is a hint only (the file may grow, `/proc` files say 0): the read is bounded.
    let hint = file.metadata().map_or(0, |m| m.len().min(limit));
    let mut bytes = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::io(path, &e))?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            path: path.to_owned(),
            limit,
        });
    }
    Ok(bytes)
}

/// [`read_limited`] for UTF-8 text.
pub fn read_text_limited(path: &Path, limit: u64) -> Result<String, ReadError> {
    String::from_utf8(read_limited(path, limit)?).map_err(|_| ReadError::NotText {
        path: path.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_within_the_limit_is_read_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("f");
        std::fs::write(&p, b"0123456789").expect("write");
        assert_eq!(read_limited(&p, 10).expect("read"), b"0123456789");
        assert_eq!(read_text_limited(&p, 64).expect("read"), "0123456789");
    }

    #[test]
    fn a_file_over_the_limit_is_refused_naming_the_limit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("big");
        std::fs::write(&p, vec![b'x'; 2049]).expect("write");
        let err = read_limited(&p, 2048).expect_err("too large");
        assert_eq!(
            err.to_string(),
            format!("`{}` is larger than 2 KiB", p.display())
        );
    }

    #[test]
    fn a_directory_is_refused_as_a_directory() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = read_limited(dir.path(), 1024).expect_err("a directory");
        assert_eq!(
            err.to_string(),
            format!(
                "`{}` is a directory, not a regular file",
                dir.path().display()
            )
        );
    }

    #[test]
    fn a_missing_file_names_the_path() {
        let err = read_limited(Path::new("/nonexistent/secret"), 1024).expect_err("missing");
        assert_eq!(
            err.to_string(),
            "cannot read `/nonexistent/secret`: no such file"
        );
        assert!(matches!(
            err,
            ReadError::Io {
                kind: io::ErrorKind::NotFound,
                ..
            }
        ));
    }

    #[test]
    fn text_that_is_not_utf8_is_refused_without_showing_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("latin1");
        std::fs::write(&p, b"caf\xe9").expect("write");
        let err = read_text_limited(&p, 64).expect_err("not UTF-8");
        assert_eq!(
            err.to_string(),
            format!("`{}` is not UTF-8 text", p.display())
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_without_a_writer_is_refused_at_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&p)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        // Without O_NONBLOCK this open would wait for a writer forever.
        let err = read_limited(&p, 1024).expect_err("a FIFO");
        assert_eq!(
            err.to_string(),
            format!(
                "`{}` is a FIFO (named pipe), not a regular file",
                p.display()
            )
        );
    }

    #[cfg(unix)]
    #[test]
    fn an_endless_device_is_refused_before_reading() {
        let err = read_limited(Path::new("/dev/zero"), 1024).expect_err("a device");
        assert_eq!(
            err.to_string(),
            "`/dev/zero` is a character device, not a regular file"
        );
        let err = check_limited(Path::new("/dev/zero"), 1024).expect_err("a device");
        assert_eq!(err.reason(), "it is a character device, not a regular file");
    }
}
