//! The integration tests of `migrate-plan`: one binary (one link on CI), one module per area.

mod diagnostics;
mod fuzz;
mod generated;
mod hostile;
mod model;
mod plans;
mod until;
