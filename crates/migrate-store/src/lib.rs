//! migrate-store: object stores (S3, OSS, COS, local fs) and snapshot-repository-aware transfer.

pub mod repository;
