//! Where a store credential comes from when the store is opened: a reference the opener resolves
//! (`migrate_core::SecretRef` semantics: environment variable or file), or a value the caller already
//! resolved. Values are `migrate_core::Secret`, which never prints itself.

use std::path::PathBuf;

pub use migrate_core::{Secret, SecretError, SecretRef};

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

impl SecretSource {
    /// Reads the secret.
    pub fn resolve(&self) -> Result<Secret, SecretError> {
        match self {
            SecretSource::Env(name) => SecretRef::Env(name.clone()).resolve(),
            SecretSource::File(path) => SecretRef::File(path.clone()).resolve(),
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
