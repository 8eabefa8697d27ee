//! migrate-translate: index metadata across Elasticsearch / OpenSearch versions, pure and
//! synchronous — JSON in, JSON and findings out.
//!
//! One table ([`rules::RULES`]) names every rule: what it does, between which versions, and the
//! docs it comes from. A [`Translator`] (source version, destination version, the plan's
//! [`Options`]) translates one object of an [`ObjectKind`] into a [`Translation`]: the translated
//! object and a list of [`Finding`]s (`info`, `warning`, `error`; an error means "cannot be
//! migrated as is"). [`equality::compare`] tells whether the destination already holds the same
//! object, ignoring what the destination adds by itself.
//!
//! ```
//! use migrate_translate::{ObjectKind, Options, Target, Translator};
//! let t = Translator::new(
//!     Target::parse("2.4.6").unwrap(),
//!     Target::parse("OpenSearch 2.11").unwrap(),
//!     Options::default(),
//! );
//! let out = t.translate(
//!     ObjectKind::Mappings,
//!     &serde_json::json!({"doc": {"properties": {"name": {"type": "string"}}}}),
//! );
//! assert_eq!(out.object().unwrap()["properties"]["name"]["type"], "text");
//! assert!(out.findings.iter().any(|f| f.rule == "string-to-text-keyword"));
//! ```

mod aliases;
mod context;
pub mod docs;
pub mod equality;
mod finding;
mod kind;
pub mod lifecycle;
pub mod lint;
mod mapping;
mod options;
mod pipeline;
pub mod rule;
pub mod rules;
mod script;
mod settings;
pub mod span;
pub mod target;
mod templates;
mod translation;
mod translator;

pub use equality::{Difference, compare};
pub use finding::{Finding, Ptr, Severity};
pub use kind::ObjectKind;
pub use lint::{Capture, LintReport};
pub use options::{MultiType, Options};
pub use rule::{Action, Rule};
pub use settings::flatten as flat_settings;
pub use target::{Flavor, Target, TargetError};
pub use translation::{Output, Translation};
pub use translator::{FORK, Translator};
