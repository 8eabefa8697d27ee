//! SMILE, Jackson's binary JSON, as Elasticsearch writes it into snapshot repositories.
//!
//! [`decode`] reads a document into a [`Value`] (binary kept apart from strings) and the [`Header`]
//! flags it was written with; [`encode`] writes a [`Value`] back making Jackson's choices, so that a
//! blob Elasticsearch wrote round-trips byte for byte (Elasticsearch's settings are
//! [`Header::ELASTICSEARCH`]: shared property names on, shared string values off, raw binary).
//! [`Value::to_json`] and [`Value::from_json`] convert to and from `serde_json` where the content is
//! JSON (no binary, finite numbers).

mod bits;
mod json;
mod read;
mod value;
mod write;

pub use json::NotJson;
pub use read::{SmileError, decode};
pub use value::{Object, Value};
pub use write::encode;

/// Both back-reference windows hold this many entries, then restart from empty.
pub(crate) const SHARED_WINDOW: usize = 1024;
/// Arrays and objects nest at most this deep (bounds the decoder's recursion on hostile input).
pub const MAX_DEPTH: usize = 256;

/// The flags of a SMILE header (its fourth byte; the version nibble is always 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Bit 0: property names may be back-references to earlier names.
    pub shared_names: bool,
    /// Bit 1: short string values may be back-references to earlier values.
    pub shared_values: bool,
    /// Bit 2: binary may be written raw (`0xFD`) rather than 7-bit encoded.
    pub raw_binary: bool,
}

impl Header {
    /// What Elasticsearch's `SmileXContent` writes (5.x to 8.x): `:)\n` + `0x05`.
    pub const ELASTICSEARCH: Header = Header {
        shared_names: true,
        shared_values: false,
        raw_binary: true,
    };

    /// The fourth header byte.
    pub fn flags(self) -> u8 {
        u8::from(self.shared_names)
            | (u8::from(self.shared_values) << 1)
            | (u8::from(self.raw_binary) << 2)
    }
}

impl Default for Header {
    /// A header without flags: no back-references, binary 7-bit encoded.
    fn default() -> Self {
        Header {
            shared_names: false,
            shared_values: false,
            raw_binary: false,
        }
    }
}
