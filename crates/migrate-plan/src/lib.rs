//! migrate-plan: the plan file — wire types (serde + schemars), YAML loading with source spans,
//! JSON-schema and semantic validation, and miette diagnostics.
//!
//! Entry points: [`load_file`] / [`load_str`] / [`load_bytes`] give a validated [`Plan`] (with its
//! warnings) or every finding as [`Diagnostics`]; [`render`] turns findings into text; [`schema`]
//! is the JSON schema of the format and [`reference_markdown`] its generated reference.

pub mod diagnostic;
mod docs;
mod excerpt;
mod extent;
mod limits;
mod load;
pub mod model;
mod node;
mod render;
mod schema;
mod schema_type;
mod secrets;
mod semantic;
mod shape;
mod suggest;
mod text;
pub mod wire;
mod yaml;

pub use diagnostic::{Diagnostics, Label, PlanDiagnostic, Severity};
pub use docs::reference_markdown;
pub use limits::{MAX_BYTES, MAX_DEPTH, MAX_NODES};
pub use load::{LoadOptions, Loaded, load_bytes, load_file, load_str};
pub use model::*;
pub use node::Span;
pub use render::{RenderOptions, render, render_diagnostic};
pub use schema::{SCHEMA_ID, schema, schema_json};
