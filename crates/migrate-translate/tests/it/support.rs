//! Shared helpers: reading fixtures, running a case, and the bless switch.

use std::path::PathBuf;

use migrate_translate::{ObjectKind, Options, Target, Translation, Translator};
use serde_json::Value;

/// `crates/migrate-translate/corpus`.
pub fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// `shared/` (next to the repository, or `$MIGRATE_SHARED_DIR`).
pub fn shared_dir() -> PathBuf {
    std::env::var_os("MIGRATE_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

/// Reads a JSON file, naming it on failure.
pub fn read_json(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The kind named in a fixture (`"mappings"`, `"legacy-template"`, ...).
pub fn kind(name: &str) -> ObjectKind {
    serde_json::from_value(Value::from(name)).unwrap_or_else(|e| panic!("kind `{name}`: {e}"))
}

/// Runs one fixture case: `{source, destination, kind, options?, input}`.
pub fn run(case: &Value) -> Translation {
    let source = Target::parse(case["source"].as_str().unwrap()).unwrap();
    let destination = Target::parse(case["destination"].as_str().unwrap()).unwrap();
    let options: Options = case
        .get("options")
        .map(|o| serde_json::from_value(o.clone()).unwrap())
        .unwrap_or_default();
    Translator::new(source, destination, options)
        .translate(kind(case["kind"].as_str().unwrap()), &case["input"])
}

/// Is `TRANSLATE_BLESS=1` set (write expected outputs instead of comparing)?
pub fn bless() -> bool {
    std::env::var("TRANSLATE_BLESS").is_ok_and(|v| v == "1")
}
