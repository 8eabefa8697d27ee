//! `index.latest`: the 8-byte big-endian generation of the current root `index-N` blob.

use thiserror::Error;

/// The key of the generation pointer at the repository root.
pub const INDEX_LATEST: &str = "index.latest";

/// `index.latest` did not hold exactly eight bytes.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("`index.latest` must hold exactly 8 bytes (a big-endian generation), found {len} bytes")]
pub struct LatestLengthError {
    /// How many bytes the blob held.
    pub len: usize,
}

/// Decodes the content of `index.latest` into the generation `N` of the root `index-N` blob.
pub fn decode(bytes: &[u8]) -> Result<u64, LatestLengthError> {
    let array: [u8; 8] = bytes
        .try_into()
        .map_err(|_| LatestLengthError { len: bytes.len() })?;
    Ok(u64::from_be_bytes(array))
}

/// Encodes generation `N` as the content of `index.latest`.
pub fn encode(generation: u64) -> [u8; 8] {
    generation.to_be_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_is_big_endian() {
        assert_eq!(encode(1), [0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(encode(0x0102), [0, 0, 0, 0, 0, 0, 1, 2]);
        assert_eq!(decode(&encode(u64::MAX - 3)), Ok(u64::MAX - 3));
    }

    #[test]
    fn rejects_wrong_lengths() {
        assert_eq!(decode(&[0; 7]), Err(LatestLengthError { len: 7 }));
        assert_eq!(
            decode(&[0; 9]).unwrap_err().to_string(),
            "`index.latest` must hold exactly 8 bytes (a big-endian generation), found 9 bytes"
        );
    }
}
