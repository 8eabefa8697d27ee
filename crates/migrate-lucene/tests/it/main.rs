//! The crate's one integration-test binary.

mod corrupt;
mod generated;
mod real;
mod support;
mod written;
