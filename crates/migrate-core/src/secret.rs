//! Secrets: where a value comes from ([`SecretRef`], redacted wherever it is shown), the value once
//! resolved ([`Secret`], which never prints itself), and the [`Redactor`] that scrubs resolved values
//! out of any text (error bodies a server echoes, messages, outputs).

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a resolved secret renders as everywhere.
pub const REDACTED: &str = "***";

/// Largest secret file read (a password, a key or a token is far smaller).
pub const MAX_SECRET_BYTES: u64 = 64 * 1024;

/// Where a secret's value comes from. `Display` is the redacted placeholder every preview shows
/// (`<redacted: env NAME>`); `Serialize` (fingerprints) writes the reference, never a literal value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretRef {
    /// An environment variable, read when the run starts.
    Env(String),
    /// A file whose contents (less one trailing newline) are the secret.
    File(PathBuf),
    /// A literal written in the plan (validation warns about it; `--strict` refuses it).
    Inline(InlineSecret),
}

impl fmt::Display for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretRef::Env(name) => write!(f, "<redacted: env {name}>"),
            SecretRef::File(path) => write!(f, "<redacted: file {}>", path.display()),
            SecretRef::Inline(_) => f.write_str("<redacted: literal in the plan>"),
        }
    }
}

impl SecretRef {
    /// Where the value comes from, for messages (never the value): ``env `NAME` ``,
    /// ``file `PATH` `` or `written in the plan`.
    pub fn origin(&self) -> String {
        match self {
            SecretRef::Env(name) => format!("env `{name}`"),
            SecretRef::File(path) => format!("file `{}`", path.display()),
            SecretRef::Inline(_) => "written in the plan".into(),
        }
    }

    /// Reads the value now (at run time only). An empty value is an error: it is never what was meant.
    pub fn resolve(&self) -> Result<Secret, SecretError> {
        match self {
            SecretRef::Env(name) => match std::env::var(name) {
                Ok(v) if v.is_empty() => Err(SecretError::EnvEmpty(name.clone())),
                Ok(v) => Ok(Secret::new(v)),
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
                Ok(Secret::new(text))
            }
            SecretRef::Inline(value) => Ok(Secret::new(value.0.clone())),
        }
    }
}

// The plan file's spelling of a secret (the schema's `Secret`): a reference or a literal.
/// A secret: a reference `{ env: NAME }` or `{ file: PATH }`. A literal string is accepted with a warning (an error under `--strict`) and is never printed.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(rename = "Secret")]
#[allow(dead_code)] // read by serde and schemars only
enum SecretWire {
    /// A reference to where the secret is kept.
    Ref(SecretRefWire),
    /// A literal value written in the plan (discouraged).
    Literal(String),
}

/// Where a secret's value is read from at run time.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[schemars(rename = "SecretRef")]
#[allow(dead_code)] // read by serde and schemars only
enum SecretRefWire {
    /// The name of an environment variable holding the secret.
    Env(String),
    /// The path of a file whose contents (without a trailing newline) are the secret.
    File(String),
}

/// A plan reads `{ env: NAME }`, `{ file: PATH }` or a literal string.
impl<'de> Deserialize<'de> for SecretRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match SecretWire::deserialize(d)? {
            SecretWire::Ref(SecretRefWire::Env(name)) => SecretRef::Env(name),
            SecretWire::Ref(SecretRefWire::File(path)) => SecretRef::File(PathBuf::from(path)),
            SecretWire::Literal(value) => SecretRef::Inline(InlineSecret(value)),
        })
    }
}

/// The plan file's schema of a secret (`Secret`, with `SecretRef` for the reference forms).
impl JsonSchema for SecretRef {
    fn schema_name() -> Cow<'static, str> {
        SecretWire::schema_name()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        SecretWire::json_schema(generator)
    }
}

/// A secret value written in the plan itself. Debug-printed and serialised redacted.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InlineSecret(String);

impl InlineSecret {
    pub fn new(value: impl Into<String>) -> Self {
        InlineSecret(value.into())
    }

    /// The value, for the one place that resolves it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for InlineSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InlineSecret(<redacted>)")
    }
}

impl Serialize for InlineSecret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("<redacted>")
    }
}

/// A resolved secret. `Debug`, `Display` and serialisation all print `***`; the only way to read it
/// is [`Secret::expose`], at the moment the value goes on the wire.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value obtained at run time, and registers it with the process-wide redactor
    /// ([`redact_global`]) so no output path can show it.
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        register_global(&value);
        Secret(value)
    }

    /// The value itself. Only for building the request or signer that carries it.
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

/// Every secret value this process has resolved: what [`redact_global`] scrubs.
static GLOBAL: std::sync::RwLock<Redactor> = std::sync::RwLock::new(Redactor {
    needles: Vec::new(),
});

/// Registers `value` with the process-wide redactor (every [`Secret`] does so when created; URL
/// passwords and other secret-bearing text register themselves here too).
pub fn register_global(value: &str) {
    if value.is_empty() {
        return;
    }
    let mut g = GLOBAL
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    g.add(value);
}

/// Scrubs every secret value this process knows from `text`: the one redactor every output path
/// (logs at every level, error bodies, events, state, reports) goes through.
pub fn redact_global(text: &str) -> String {
    let g = GLOBAL
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if g.is_empty() {
        return text.to_owned();
    }
    g.redact(text)
}

/// Scrubs known secret values out of arbitrary text.
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
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a raw value to scrub. Short values are scrubbed too: a short secret is a weak secret,
    /// but still a secret.
    pub fn add(&mut self, value: &str) {
        if value.is_empty() || self.needles.iter().any(|n| n == value) {
            return;
        }
        self.needles.push(value.to_owned());
        // Longest first, so a secret containing another secret is scrubbed whole.
        self.needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
    }

    pub fn add_secret(&mut self, secret: &Secret) {
        self.add(secret.expose());
    }

    /// Adds every value `other` scrubs.
    pub fn extend(&mut self, other: &Redactor) {
        for n in &other.needles {
            self.add(n);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }

    /// Replaces every registered value in `text` with `***`.
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
    fn references_show_where_the_value_comes_from_never_the_value() {
        let inline = SecretRef::Inline(InlineSecret::new("hunter2"));
        assert_eq!(inline.to_string(), "<redacted: literal in the plan>");
        assert!(!format!("{inline:?}").contains("hunter2"));
        assert_eq!(
            serde_json::to_string(&inline).unwrap(),
            r#"{"inline":"<redacted>"}"#
        );
        let env = SecretRef::Env("PW".into());
        assert_eq!(env.to_string(), "<redacted: env PW>");
        assert_eq!(serde_json::to_string(&env).unwrap(), r#"{"env":"PW"}"#);
        assert_eq!(
            serde_json::to_string(&SecretRef::File("/k".into())).unwrap(),
            r#"{"file":"/k"}"#
        );
        assert_eq!(inline.resolve().unwrap().expose(), "hunter2");
    }

    #[test]
    fn the_plan_spells_a_secret_as_a_reference_or_a_literal() {
        let env: SecretRef = serde_json::from_str(r#"{"env": "PW"}"#).unwrap();
        assert_eq!(env, SecretRef::Env("PW".into()));
        let file: SecretRef = serde_json::from_str(r#"{"file": "/s"}"#).unwrap();
        assert_eq!(file, SecretRef::File("/s".into()));
        let lit: SecretRef = serde_json::from_str(r#""hunter2""#).unwrap();
        assert_eq!(lit, SecretRef::Inline(InlineSecret::new("hunter2")));
        assert!(serde_json::from_str::<SecretRef>(r#"{"vault": "x"}"#).is_err());
        let schema = serde_json::to_value(schemars::schema_for!(SecretRef)).unwrap();
        assert_eq!(schema["title"], "Secret");
        assert!(schema["$defs"]["SecretRef"].is_object(), "{schema}");
    }

    #[test]
    fn resolved_values_render_as_stars() {
        let s = Secret::new("hunter2-canary");
        assert_eq!(format!("{s:?} {s}"), "*** ***");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"***\"");
        assert_eq!(s.expose(), "hunter2-canary");
    }

    #[test]
    fn a_file_reference_loses_one_newline_and_an_empty_one_is_refused() {
        let dir = std::env::temp_dir().join(format!("migrate-core-secret-{}", std::process::id()));
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
        let err = SecretRef::Env("MIGRATE_CORE_TEST_SURELY_UNSET".into())
            .resolve()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "environment variable `MIGRATE_CORE_TEST_SURELY_UNSET` is not set"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn every_resolved_secret_is_scrubbed_by_the_process_wide_redactor() {
        let s = SecretRef::Inline(InlineSecret::new("global-canary-9f2"))
            .resolve()
            .unwrap();
        assert_eq!(redact_global("echoed: global-canary-9f2!"), "echoed: ***!");
        let _ = Secret::new("another-canary-77a");
        assert_eq!(redact_global("x another-canary-77a"), "x ***");
        assert_eq!(s.expose(), "global-canary-9f2");
    }

    #[test]
    fn the_redactor_scrubs_longest_first() {
        let mut r = Redactor::new();
        r.add("abc");
        r.add("abcdef");
        assert_eq!(r.redact("x abcdef y abc z"), "x *** y *** z");
        assert_eq!(r.redact("nothing"), "nothing");
    }
}
