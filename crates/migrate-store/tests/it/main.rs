//! The integration tests of `migrate-store`: one binary (one link on CI), one module per area.

mod cloud;
mod common;
mod probe;
mod redirects;
mod repository;
mod s3_server;
mod transfer_fs;
mod transfer_s3;
