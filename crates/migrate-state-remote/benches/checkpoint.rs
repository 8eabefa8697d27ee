//! Checkpoint overhead bench (being written).
fn main() {}
