//! Secrets for store credentials: where they come from, and a value that never prints itself.

use std::fmt;
use std::path::PathBuf;

use thiserror::Error;

/// Largest secret file read (a key or a token is far smaller).
const MAX_SECRET_BYTES: u64 = 64 * 1024;

/// A secret value. Its `Debug` and `Display` print `***`, so it cannot leak into logs or errors.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for handing to a signer. Never format it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Where a secret is read from when the store is opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// An environment variable.
    Env(String),
    /// A file (its content, without the trailing newline).
    File(PathBuf),
    /// A value already resolved by the caller.
    Value(Secret),
}

/// A secret could not be read. Names the variable or file, never the value.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum SecretError {
    /// The variable is not set (or not UTF-8).
    #[error("environment variable `{0}` is not set")]
    MissingEnv(String),
    /// The file could not be read.
    #[error("cannot read secret file `{path}`: {reason}")]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

impl SecretSource {
    /// Reads the secret.
    pub fn resolve(&self) -> Result<Secret, SecretError> {
        match self {
            SecretSource::Env(name) => std::env::var(name)
                .map(Secret)
                .map_err(|_| SecretError::MissingEnv(name.clone())),
            // A regular file of bounded size, opened without blocking: a FIFO or a device
            // (`/dev/zero`) is refused at once. The reason never holds the contents.
            SecretSource::File(path) => migrate_input::read_text_limited(path, MAX_SECRET_BYTES)
                .map(|s| Secret(s.trim_end_matches(['\r', '\n']).to_owned()))
                .map_err(|e| SecretError::File {
                    path: path.clone(),
                    reason: e.reason(),
                }),
            SecretSource::Value(secret) => Ok(secret.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_value() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s} {s:?}"), "*** ***");
        let src = SecretSource::Value(s);
        assert!(!format!("{src:?}").contains("hunter2"));
    }

    #[test]
    fn reads_files_without_the_trailing_newline_and_names_what_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        std::fs::write(&path, "abc\n").unwrap();
        assert_eq!(SecretSource::File(path).resolve().unwrap().expose(), "abc");
        let missing = SecretSource::Env("MIGRATE_STORE_TEST_SURELY_UNSET".into())
            .resolve()
            .unwrap_err();
        assert_eq!(
            missing.to_string(),
            "environment variable `MIGRATE_STORE_TEST_SURELY_UNSET` is not set"
        );
        let err = SecretSource::File(dir.path().join("nope"))
            .resolve()
            .unwrap_err();
        assert!(
            err.to_string().starts_with("cannot read secret file `"),
            "{err}"
        );
    }

    #[test]
    fn a_fifo_or_a_device_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let err = SecretSource::File(fifo.clone()).resolve().unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "cannot read secret file `{}`: it is a FIFO (named pipe), not a regular file",
                fifo.display()
            )
        );
        let err = SecretSource::File("/dev/zero".into())
            .resolve()
            .unwrap_err();
        assert!(
            err.to_string()
                .ends_with("it is a character device, not a regular file")
        );
    }
}
