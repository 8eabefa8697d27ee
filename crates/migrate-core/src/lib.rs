//! migrate-core: the words every other crate shares, defined once.
//!
//! - [`Side`]: which cluster (source or destination).
//! - [`Flavor`], [`Version`], [`Release`], [`Product`]: what a cluster runs, and its parsing.
//! - [`SecretRef`] (where a secret comes from, redacted whenever shown) and [`Secret`] (a resolved
//!   value that never prints itself), with the [`Redactor`] that scrubs values from text.
//! - [`Quirks`]: the one table of flavour × version rules (mapping types, setting names, parameters
//!   a version rejects, …).
//! - [`store`]: the object stores of snapshot repositories, one file per kind (the plan's types
//!   and what each kind registers, needs and checks).
//! - [`request`]: the request model. A step's requests are built once (in migrate-graph), rendered by
//!   the dry run and sent by migrate-cluster from the same value; [`request::encode`] is the only
//!   percent-encoder of paths and query strings.
//!
//! This crate is a leaf: serde, serde_json, schemars and thiserror only.

pub mod quirks;
pub mod request;
mod secret;
mod side;
pub mod store;
mod version;

pub use quirks::{MappingTypes, Quirks, reindex_compatibility, restore_compatibility};
pub use request::{Method, MutatingCall, Mutation, Request, Role};
pub use secret::{
    InlineSecret, REDACTED, Redactor, Secret, SecretError, SecretRef, redact_global,
    register_global,
};
pub use side::Side;
pub use store::{Setting, Store};
pub use version::{Flavor, Product, Release, Version};
