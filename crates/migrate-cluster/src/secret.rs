//! Secrets: a value type that never prints itself, references resolved at run time, and redaction.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize, Serializer};

/// What a redacted secret renders as everywhere.
pub const REDACTED: &str = "***";

/// Largest secret file read (a password, a key or a token is far smaller).
const MAX_SECRET_BYTES: u64 = 64 * 1024;

/// A secret value. `Debug`, `Display` and serialisation all print `***`; the only way to read it is
/// [`Secret::expose`], which callers use at the moment the value goes on the wire.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wrap a value obtained at run time.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself. Only for building the request that carries it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(REDACTED)
    }
}

/// Where a secret comes from. Plans hold references, never literal values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretRef {
    /// An environment variable, read when the run starts.
    Env(String),
    /// A file whose contents (less one trailing newline) are the secret.
    File(PathBuf),
}

/// A reference could not be resolved. Names the variable or path, never a value.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    #[error("environment variable `{0}` is not set")]
    EnvMissing(String),
    #[error("environment variable `{0}` is not valid UTF-8")]
    EnvNotUnicode(String),
    #[error("environment variable `{0}` is empty")]
    EnvEmpty(String),
    #[error("cannot read secret file `{path}`: {reason}")]
    File { path: PathBuf, reason: String },
    #[error("secret file `{0}` is empty")]
    FileEmpty(PathBuf),
}

impl SecretRef {
    /// Resolve the reference now (at run time only).
    pub fn resolve(&self) -> Result<Secret, SecretError> {
        match self {
            SecretRef::Env(name) => match std::env::var(name) {
                Ok(v) if v.is_empty() => Err(SecretError::EnvEmpty(name.clone())),
                Ok(v) => Ok(Secret(v)),
                Err(std::env::VarError::NotPresent) => Err(SecretError::EnvMissing(name.clone())),
                Err(std::env::VarError::NotUnicode(_)) => {
                    Err(SecretError::EnvNotUnicode(name.clone()))
                }
            },
            SecretRef::File(path) => {
                // A regular file of bounded size, opened without blocking: a FIFO or a device
                // (`/dev/zero`) is refused at once. The reason never holds the contents.
                let mut text =
                    migrate_input::read_text_limited(path, MAX_SECRET_BYTES).map_err(|e| {
                        SecretError::File {
                            path: path.clone(),
                            reason: e.reason(),
                        }
                    })?;
                if text.ends_with('\n') {
                    text.pop();
                    if text.ends_with('\r') {
                        text.pop();
                    }
                }
                if text.is_empty() {
                    return Err(SecretError::FileEmpty(path.clone()));
                }
                Ok(Secret(text))
            }
        }
    }
}

/// Scrubs known secret values (and their common encodings) out of arbitrary text, such as error
/// bodies a server might echo a header into.
#[derive(Clone, Default)]
pub struct Redactor {
    needles: Vec<String>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redactor({} values)", self.needles.len())
    }
}

impl Redactor {
    /// An empty redactor.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a raw value to scrub. Values shorter than 4 characters are still scrubbed: a short secret
    /// is a weak secret, but it is still a secret.
    pub fn add(&mut self, value: &str) {
        if value.is_empty() || self.needles.iter().any(|n| n == value) {
            return;
        }
        self.needles.push(value.to_owned());
        // Longest first, so a secret containing another secret is scrubbed whole.
        self.needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
    }

    /// Add a secret.
    pub fn add_secret(&mut self, secret: &Secret) {
        self.add(secret.expose());
    }

    /// Whether any values are registered.
    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }

    /// Replace every registered value in `text` with `***`.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for needle in &self.needles {
            if out.contains(needle.as_str()) {
                out = out.replace(needle.as_str(), REDACTED);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_as_stars() {
        let s = Secret::new("hunter2-canary");
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"***\"");
        assert_eq!(s.expose(), "hunter2-canary");
    }

    #[test]
    fn file_reference_trims_one_newline() {
        let dir = std::env::temp_dir().join(format!("mc-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("s");
        std::fs::write(&p, "abc\n\n").unwrap();
        assert_eq!(
            SecretRef::File(p.clone()).resolve().unwrap().expose(),
            "abc\n"
        );
        std::fs::write(&p, "abc\r\n").unwrap();
        assert_eq!(
            SecretRef::File(p.clone()).resolve().unwrap().expose(),
            "abc"
        );
        std::fs::write(&p, "\n").unwrap();
        assert_eq!(
            SecretRef::File(p.clone()).resolve(),
            Err(SecretError::FileEmpty(p.clone()))
        );
        let missing = dir.join("missing");
        let err = SecretRef::File(missing.clone()).resolve().unwrap_err();
        assert!(err.to_string().contains(&missing.display().to_string()));
    }

    #[test]
    fn a_device_or_an_oversized_file_is_refused_without_reading_it() {
        let err = SecretRef::File("/dev/zero".into()).resolve().unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot read secret file `/dev/zero`: it is a character device, not a regular file"
        );
        let dir = std::env::temp_dir().join(format!("mc-secret-big-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let big = dir.join("big");
        std::fs::write(&big, vec![b'x'; MAX_SECRET_BYTES as usize + 1]).unwrap();
        let err = SecretRef::File(big.clone()).resolve().unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "cannot read secret file `{}`: it is larger than 64 KiB",
                big.display()
            )
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn env_reference_names_variable_not_value() {
        let err = SecretRef::Env("MIGRATE_CLUSTER_TEST_SURELY_UNSET_VAR".into())
            .resolve()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "environment variable `MIGRATE_CLUSTER_TEST_SURELY_UNSET_VAR` is not set"
        );
    }

    #[test]
    fn env_reference_resolves() {
        // Cargo sets this for every test process.
        let s = SecretRef::Env("CARGO_PKG_NAME".into()).resolve().unwrap();
        assert_eq!(s.expose(), "migrate-cluster");
    }

    #[test]
    fn redactor_scrubs_longest_first() {
        let mut r = Redactor::new();
        r.add("abc");
        r.add("abcdef");
        assert_eq!(r.redact("x abcdef y abc z"), "x *** y *** z");
        assert_eq!(r.redact("nothing"), "nothing");
    }
}
