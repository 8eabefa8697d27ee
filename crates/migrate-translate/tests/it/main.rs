//! The one integration-test binary of migrate-translate.

mod api;
mod corpus;
mod docs;
mod equality;
mod lint;
mod pairs;
mod props;
mod rules;
mod support;
