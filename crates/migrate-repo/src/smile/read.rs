//! The SMILE decoder: bytes → [`Value`], with the header's flags, both back-reference windows
//! (shared property names, shared string values) and every value token of format version 0.
//!
//! Every length read from the input is checked against what remains before anything is allocated,
//! nesting is bounded, and strings must be valid UTF-8: hostile input yields a [`SmileError`] that
//! says what is wrong at which byte offset, never a panic.

use thiserror::Error;

use super::bits;
use super::value::{Object, Value};
use super::{Header, MAX_DEPTH, SHARED_WINDOW};

/// Why bytes are not a SMILE document.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("invalid SMILE at byte {offset}: {reason}")]
pub struct SmileError {
    /// Offset of the offending byte in the SMILE input.
    pub offset: usize,
    /// What is wrong there.
    pub reason: String,
}

/// Decodes one SMILE document. The four-byte header is required (Elasticsearch always writes it);
/// an optional `0xFF` end marker may follow the value, nothing else may.
pub fn decode(bytes: &[u8]) -> Result<(Header, Value), SmileError> {
    let mut reader = Reader {
        input: bytes,
        pos: 0,
        header: Header::default(),
        names: Vec::new(),
        values: Vec::new(),
    };
    reader.header = reader.header()?;
    let value = reader.value(0)?;
    if reader.pos < bytes.len() && bytes[reader.pos] == 0xFF {
        reader.pos += 1;
    }
    if reader.pos != bytes.len() {
        return Err(reader.error_at(
            reader.pos,
            format!(
                "{} bytes follow the end of the document",
                bytes.len() - reader.pos
            ),
        ));
    }
    Ok((reader.header, value))
}

struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
    header: Header,
    names: Vec<String>,
    values: Vec<String>,
}

impl<'a> Reader<'a> {
    fn error_at(&self, offset: usize, reason: impl Into<String>) -> SmileError {
        SmileError {
            offset,
            reason: reason.into(),
        }
    }

    fn header(&mut self) -> Result<Header, SmileError> {
        let head = self
            .take(4)
            .map_err(|_| self.error_at(0, "too short for the 4-byte header `:)\\n` + flags"))?;
        if head[..3] != [0x3A, 0x29, 0x0A] {
            return Err(self.error_at(
                0,
                format!(
                    "no SMILE header: expected bytes 3a 29 0a (`:)\\n`), found {:02x} {:02x} {:02x}",
                    head[0], head[1], head[2]
                ),
            ));
        }
        let flags = head[3];
        if flags >> 4 != 0 {
            return Err(self.error_at(
                3,
                format!("unsupported SMILE version {} (only 0 exists)", flags >> 4),
            ));
        }
        Ok(Header {
            shared_names: flags & 0x01 != 0,
            shared_values: flags & 0x02 != 0,
            raw_binary: flags & 0x04 != 0,
        })
    }

    fn byte(&mut self) -> Result<u8, SmileError> {
        let b = *self
            .input
            .get(self.pos)
            .ok_or_else(|| self.error_at(self.pos, "truncated: the document ends mid-value"))?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], SmileError> {
        let end = self
            .pos
            .checked_add(len)
            .filter(|end| *end <= self.input.len())
            .ok_or_else(|| {
                self.error_at(
                    self.pos,
                    format!(
                        "truncated: {len} bytes needed, {} remain",
                        self.input.len() - self.pos
                    ),
                )
            })?;
        let slice = &self.input[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    /// An unsigned VInt of at most `max_bytes` bytes.
    fn vint(&mut self, max_bytes: usize) -> Result<u64, SmileError> {
        let start = self.pos;
        let mut acc: u64 = 0;
        for _ in 0..max_bytes {
            let b = self.byte()?;
            if b & 0x80 != 0 {
                if b & 0x40 != 0 {
                    return Err(self.error_at(self.pos - 1, "VInt end byte has bit 6 set"));
                }
                return acc
                    .checked_mul(64)
                    .map(|a| a | u64::from(b & 0x3F))
                    .ok_or_else(|| self.error_at(start, "VInt overflows 64 bits"));
            }
            acc = acc
                .checked_mul(128)
                .map(|a| a | u64::from(b))
                .ok_or_else(|| self.error_at(start, "VInt overflows 64 bits"))?;
        }
        Err(self.error_at(start, format!("VInt longer than {max_bytes} bytes")))
    }

    fn length(&mut self, what: &str) -> Result<usize, SmileError> {
        let start = self.pos;
        let len = self.vint(10)?;
        usize::try_from(len)
            .ok()
            .filter(|len| *len <= self.input.len() - self.pos)
            .ok_or_else(|| {
                self.error_at(
                    start,
                    format!(
                        "{what} length {len} exceeds the {} bytes that remain",
                        self.input.len() - self.pos
                    ),
                )
            })
    }

    fn utf8(&self, bytes: &[u8], at: usize) -> Result<String, SmileError> {
        String::from_utf8(bytes.to_vec()).map_err(|e| {
            self.error_at(
                at + e.utf8_error().valid_up_to(),
                "invalid UTF-8 in a string",
            )
        })
    }

    fn until_end_marker(&mut self) -> Result<String, SmileError> {
        let start = self.pos;
        let len = self.input[start..]
            .iter()
            .position(|b| *b == 0xFC)
            .ok_or_else(|| {
                self.error_at(start, "truncated: a long string has no 0xFC end marker")
            })?;
        let text = self.utf8(&self.input[start..start + len], start)?;
        self.pos = start + len + 1;
        Ok(text)
    }

    fn seven_bit(&mut self, what: &str) -> Result<Vec<u8>, SmileError> {
        let start = self.pos;
        let raw_len = self.vint(10)?;
        let raw_len = usize::try_from(raw_len)
            .ok()
            .filter(|len| {
                // The raw length bounds the encoded one first, so the sum cannot overflow.
                let remaining = self.input.len() - self.pos;
                *len <= remaining && bits::encoded_7bit_len(*len) <= remaining
            })
            .ok_or_else(|| {
                self.error_at(
                    start,
                    format!("{what} length {raw_len} exceeds what remains"),
                )
            })?;
        let at = self.pos;
        let encoded = self.take(bits::encoded_7bit_len(raw_len))?;
        bits::decode_7bit(encoded, raw_len)
            .ok_or_else(|| self.error_at(at, format!("{what} has a byte with its top bit set")))
    }

    fn remember(table: &mut Vec<String>, text: &str) {
        if table.len() == SHARED_WINDOW {
            table.clear();
        }
        table.push(text.to_owned());
    }

    fn shared(
        &self,
        table: &[String],
        index: usize,
        at: usize,
        what: &str,
    ) -> Result<String, SmileError> {
        table.get(index).cloned().ok_or_else(|| {
            self.error_at(
                at,
                format!(
                    "back-reference to shared {what} #{index}, but only {} are known",
                    table.len()
                ),
            )
        })
    }

    fn value(&mut self, depth: usize) -> Result<Value, SmileError> {
        let at = self.pos;
        let token = self.byte()?;
        Ok(match token {
            0x01..=0x1F => {
                self.enabled(self.header.shared_values, at, "value")?;
                Value::String(self.shared(
                    &self.values,
                    usize::from(token - 1),
                    at,
                    "string value",
                )?)
            }
            0x20 => Value::String(String::new()),
            0x21 => Value::Null,
            0x22 => Value::Bool(false),
            0x23 => Value::Bool(true),
            0x24 => {
                let u = self.vint(5)?;
                let u = u32::try_from(u).map_err(|_| {
                    self.error_at(at, "32-bit integer token holds more than 32 bits")
                })?;
                Value::Integer(i64::from(bits::unzigzag32(u)))
            }
            0x25 => Value::Integer(bits::unzigzag64(self.vint(10)?)),
            0x26 => Value::BigInteger(self.seven_bit("big integer")?),
            0x28 => {
                let b = self.take(5)?;
                let bits = bits::read_7bit_number(b, 32)
                    .ok_or_else(|| self.error_at(at, "malformed 7-bit float"))?;
                Value::Float(f32::from_bits(bits as u32))
            }
            0x29 => {
                let b = self.take(10)?;
                let bits = bits::read_7bit_number(b, 64)
                    .ok_or_else(|| self.error_at(at, "malformed 7-bit double"))?;
                Value::Double(f64::from_bits(bits))
            }
            0x2A => {
                let u = self.vint(5)?;
                let u = u32::try_from(u)
                    .map_err(|_| self.error_at(at, "big decimal scale holds more than 32 bits"))?;
                Value::BigDecimal {
                    scale: bits::unzigzag32(u),
                    unscaled: self.seven_bit("big decimal")?,
                }
            }
            0x40..=0xBF => {
                let len = if token < 0x80 {
                    usize::from(token - 0x3F)
                } else {
                    usize::from(token - 0x7E)
                };
                let start = self.pos;
                let bytes = self.take(len)?;
                let text = self.utf8(bytes, start)?;
                if self.header.shared_values {
                    Self::remember(&mut self.values, &text);
                }
                Value::String(text)
            }
            0xC0..=0xDF => Value::Integer(i64::from(bits::unzigzag32(u32::from(token & 0x1F)))),
            0xE0 | 0xE4 => Value::String(self.until_end_marker()?),
            0xE8 => Value::Binary(self.seven_bit("binary")?),
            0xEC..=0xEF => {
                self.enabled(self.header.shared_values, at, "value")?;
                let index = (usize::from(token & 0x03) << 8) | usize::from(self.byte()?);
                Value::String(self.shared(&self.values, index, at, "string value")?)
            }
            0xF8 => self.array(depth + 1, at)?,
            0xFA => self.object(depth + 1, at)?,
            0xFD => {
                if !self.header.raw_binary {
                    return Err(self.error_at(
                        at,
                        "raw binary (0xFD) although the header does not allow raw binary",
                    ));
                }
                let len = self.length("raw binary")?;
                Value::Binary(self.take(len)?.to_vec())
            }
            other => {
                return Err(self.error_at(at, format!("unexpected value token 0x{other:02x}")));
            }
        })
    }

    /// Refuses a back-reference of a kind the header disabled.
    fn enabled(&self, enabled: bool, at: usize, what: &str) -> Result<(), SmileError> {
        if enabled {
            Ok(())
        } else {
            Err(self.error_at(
                at,
                format!("shared {what} reference although the header disables shared {what}s"),
            ))
        }
    }

    fn nest(&self, depth: usize, at: usize) -> Result<(), SmileError> {
        if depth > MAX_DEPTH {
            Err(self.error_at(at, format!("nested deeper than {MAX_DEPTH} levels")))
        } else {
            Ok(())
        }
    }

    fn array(&mut self, depth: usize, at: usize) -> Result<Value, SmileError> {
        self.nest(depth, at)?;
        let mut items = Vec::new();
        loop {
            if self.input.get(self.pos) == Some(&0xF9) {
                self.pos += 1;
                return Ok(Value::Array(items));
            }
            items.push(self.value(depth)?);
        }
    }

    fn object(&mut self, depth: usize, at: usize) -> Result<Value, SmileError> {
        self.nest(depth, at)?;
        let mut fields = Vec::new();
        loop {
            let key_at = self.pos;
            let token = self.byte()?;
            let name = match token {
                0xFB => return Ok(Value::Object(Object(fields))),
                0x20 => String::new(),
                0x30..=0x33 => {
                    self.enabled(self.header.shared_names, key_at, "name")?;
                    let index = (usize::from(token & 0x03) << 8) | usize::from(self.byte()?);
                    self.shared(&self.names, index, key_at, "name")?
                }
                0x40..=0x7F => {
                    self.enabled(self.header.shared_names, key_at, "name")?;
                    self.shared(&self.names, usize::from(token & 0x3F), key_at, "name")?
                }
                0x34 | 0x80..=0xBF | 0xC0..=0xF7 => {
                    let name = if token == 0x34 {
                        self.until_end_marker()?
                    } else {
                        let len = if token < 0xC0 {
                            usize::from(token & 0x3F) + 1
                        } else {
                            usize::from(token - 0xC0) + 2
                        };
                        let start = self.pos;
                        let bytes = self.take(len)?;
                        self.utf8(bytes, start)?
                    };
                    if self.header.shared_names {
                        Self::remember(&mut self.names, &name);
                    }
                    name
                }
                other => {
                    return Err(self.error_at(
                        key_at,
                        format!("unexpected property-name token 0x{other:02x}"),
                    ));
                }
            };
            let value = self.value(depth)?;
            fields.push((name, value));
        }
    }
}
