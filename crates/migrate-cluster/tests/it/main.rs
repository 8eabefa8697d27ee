//! The integration tests of `migrate-cluster`: one binary (one link on CI), one module per area.

mod aws_chain;
mod bounds;
mod bulk;
mod canary;
mod common;
mod read_only;
mod sandbox;
mod sandbox_snapshot;
mod scan;
mod sigv4_s3;
mod sigv4_suite;
mod tls;
mod wire;
