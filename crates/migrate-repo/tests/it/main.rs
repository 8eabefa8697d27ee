//! The one integration-test binary of migrate-repo.

mod corruption;
mod fixtures;
mod real_blobs;
mod reassembly;
mod round_trip;
mod smile_props;
mod smile_tokens;
mod writer;
