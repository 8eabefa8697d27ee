//! The `migrate` binary.
fn main() {}
