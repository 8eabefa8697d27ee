//! The SMILE encoder: [`Value`] → bytes, making the choices Jackson's `SmileGenerator` makes, so that
//! a document Elasticsearch wrote decodes and encodes back to the same bytes.
//!
//! Those choices: the header is written; integers take the smallest token (a single byte for
//! -16..=15, the 32-bit token when they fit 32 bits, else the 64-bit one); a string value of 1 to 64
//! UTF-8 bytes is "short" (length in the token), longer ones end with `0xFC`; a property name longer
//! than 56 UTF-16 units, or a non-ASCII name longer than 56 bytes, takes the long-name token; binary
//! is raw when the header allows raw binary, else 7-bit; and with shared names (or values) on, a
//! name seen before is written as a back-reference into a window of 1024 entries that restarts when
//! full, never using an index whose low byte is `0xFE` or `0xFF`.

use std::collections::HashMap;

use super::bits;
use super::value::Value;
use super::{Header, SHARED_WINDOW};

/// The longest property name (in UTF-16 units, as Java counts) Jackson writes with a short token.
const SHORT_NAME_MAX_UNITS: usize = 56;
/// The longest non-ASCII property name (in UTF-8 bytes) with a short token.
const SHORT_UNICODE_NAME_MAX_BYTES: usize = 56;
/// The longest string value (in UTF-8 bytes) with a short token; also the longest shareable one.
const SHORT_VALUE_MAX_BYTES: usize = 64;

/// Encodes `value` as a SMILE document with `header` (written first, as Jackson does by default).
pub fn encode(value: &Value, header: Header) -> Vec<u8> {
    let mut writer = Writer {
        out: Vec::new(),
        header,
        names: Window::default(),
        values: Window::default(),
    };
    writer
        .out
        .extend_from_slice(&[0x3A, 0x29, 0x0A, header.flags()]);
    writer.value(value);
    writer.out
}

/// A back-reference window as Jackson keeps it on the writing side.
#[derive(Default)]
struct Window {
    index: HashMap<String, usize>,
    count: usize,
}

impl Window {
    fn find(&self, text: &str) -> Option<usize> {
        self.index.get(text).copied()
    }

    fn add(&mut self, text: &str) {
        if self.count == SHARED_WINDOW {
            self.index.clear();
            self.count = 0;
        }
        // Indexes ending in 0xFE/0xFF would put those bytes in a long reference: skipped.
        if self.count & 0xFF < 0xFE {
            self.index.insert(text.to_owned(), self.count);
        }
        self.count += 1;
    }
}

struct Writer {
    out: Vec<u8>,
    header: Header,
    names: Window,
    values: Window,
}

impl Writer {
    fn value(&mut self, value: &Value) {
        match value {
            Value::Null => self.out.push(0x21),
            Value::Bool(false) => self.out.push(0x22),
            Value::Bool(true) => self.out.push(0x23),
            Value::Integer(i) => self.integer(*i),
            Value::BigInteger(bytes) => {
                self.out.push(0x26);
                bits::write_vint(&mut self.out, bytes.len() as u64);
                bits::encode_7bit(&mut self.out, bytes);
            }
            Value::Float(f) => {
                self.out.push(0x28);
                bits::write_float_bits(&mut self.out, f.to_bits());
            }
            Value::Double(d) => {
                self.out.push(0x29);
                bits::write_double_bits(&mut self.out, d.to_bits());
            }
            Value::BigDecimal { scale, unscaled } => {
                self.out.push(0x2A);
                bits::write_vint(&mut self.out, u64::from(bits::zigzag32(*scale)));
                bits::write_vint(&mut self.out, unscaled.len() as u64);
                bits::encode_7bit(&mut self.out, unscaled);
            }
            Value::String(s) => self.string(s),
            Value::Binary(bytes) => {
                if self.header.raw_binary {
                    self.out.push(0xFD);
                    bits::write_vint(&mut self.out, bytes.len() as u64);
                    self.out.extend_from_slice(bytes);
                } else {
                    self.out.push(0xE8);
                    bits::write_vint(&mut self.out, bytes.len() as u64);
                    bits::encode_7bit(&mut self.out, bytes);
                }
            }
            Value::Array(items) => {
                self.out.push(0xF8);
                for item in items {
                    self.value(item);
                }
                self.out.push(0xF9);
            }
            Value::Object(object) => {
                self.out.push(0xFA);
                for (name, item) in object.iter() {
                    self.name(name);
                    self.value(item);
                }
                self.out.push(0xFB);
            }
        }
    }

    fn integer(&mut self, i: i64) {
        match i32::try_from(i) {
            Ok(small) if (-16..=15).contains(&small) => {
                self.out.push(0xC0 | bits::zigzag32(small) as u8);
            }
            Ok(int) => {
                self.out.push(0x24);
                bits::write_vint(&mut self.out, u64::from(bits::zigzag32(int)));
            }
            Err(_) => {
                self.out.push(0x25);
                bits::write_vint(&mut self.out, bits::zigzag64(i));
            }
        }
    }

    fn string(&mut self, s: &str) {
        if s.is_empty() {
            self.out.push(0x20);
            return;
        }
        let shareable = s.len() <= SHORT_VALUE_MAX_BYTES;
        if shareable && self.header.shared_values {
            if let Some(ix) = self.values.find(s) {
                if ix < 31 {
                    self.out.push(1 + ix as u8);
                } else {
                    self.out.push(0xEC | (ix >> 8) as u8);
                    self.out.push(ix as u8);
                }
                return;
            }
            self.values.add(s);
        }
        let ascii = s.is_ascii();
        if shareable {
            let token = if ascii { 0x3F } else { 0x7E } + s.len() as u8;
            self.out.push(token);
            self.out.extend_from_slice(s.as_bytes());
        } else {
            self.out.push(if ascii { 0xE0 } else { 0xE4 });
            self.out.extend_from_slice(s.as_bytes());
            self.out.push(0xFC);
        }
    }

    fn name(&mut self, name: &str) {
        if name.is_empty() {
            self.out.push(0x20);
            return;
        }
        if let Some(ix) = self
            .header
            .shared_names
            .then(|| self.names.find(name))
            .flatten()
        {
            if ix < 64 {
                self.out.push(0x40 | ix as u8);
            } else {
                self.out.push(0x30 | (ix >> 8) as u8);
                self.out.push(ix as u8);
            }
            return;
        }
        let units = name.encode_utf16().count();
        let short = units <= SHORT_NAME_MAX_UNITS
            && (name.is_ascii() || name.len() <= SHORT_UNICODE_NAME_MAX_BYTES);
        if short {
            let token = if name.is_ascii() {
                0x7F + name.len() as u8
            } else {
                0xBE + name.len() as u8
            };
            self.out.push(token);
            self.out.extend_from_slice(name.as_bytes());
        } else {
            self.out.push(0x34);
            self.out.extend_from_slice(name.as_bytes());
            self.out.push(0xFC);
        }
        if self.header.shared_names {
            self.names.add(name);
        }
    }
}
