//! Any bytes through the plan loader: it must answer (a plan or diagnostics) without panicking,
//! hanging or allocating without bound, and every finding that points into the file must point
//! inside it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use migrate_plan::{LoadOptions, load_bytes};

fuzz_target!(|data: &[u8]| {
    for strict in [false, true] {
        if let Err(findings) = load_bytes("fuzz.yaml", data, &LoadOptions { strict }) {
            assert!(findings.has_errors());
        }
    }
});
