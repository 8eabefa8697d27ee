//! Decoders for the binary response formats stories ask for: CBOR and Smile.

use serde_json::{Value, json};

/// Decodes CBOR (RFC 8949) data items: text/byte strings, arrays and maps of definite or
/// indefinite length, integers, simple values and floats.
pub fn decode_cbor(bytes: &[u8]) -> Option<Value> {
    fn arg(b: &[u8], pos: &mut usize, info: u8) -> Option<Option<u64>> {
        let take = |pos: &mut usize, n: usize| -> Option<u64> {
            let s = b.get(*pos..*pos + n)?;
            *pos += n;
            Some(s.iter().fold(0u64, |acc, x| (acc << 8) | u64::from(*x)))
        };
        Some(match info {
            0..=23 => Some(u64::from(info)),
            24 => Some(take(pos, 1)?),
            25 => Some(take(pos, 2)?),
            26 => Some(take(pos, 4)?),
            27 => Some(take(pos, 8)?),
            31 => None,
            _ => return None,
        })
    }
    fn item(b: &[u8], pos: &mut usize) -> Option<Value> {
        let first = *b.get(*pos)?;
        *pos += 1;
        let (major, info) = (first >> 5, first & 0x1f);
        if major == 7 {
            return match info {
                20 => Some(Value::Bool(false)),
                21 => Some(Value::Bool(true)),
                22 | 23 => Some(Value::Null),
                27 => {
                    let s: [u8; 8] = b.get(*pos..*pos + 8)?.try_into().ok()?;
                    *pos += 8;
                    Some(json!(f64::from_be_bytes(s)))
                }
                _ => None,
            };
        }
        let n = arg(b, pos, info)?;
        let is_break = |b: &[u8], pos: &mut usize| {
            if b.get(*pos) == Some(&0xff) {
                *pos += 1;
                true
            } else {
                false
            }
        };
        match major {
            0 => Some(json!(n?)),
            1 => Some(json!(-1 - i64::try_from(n?).ok()?)),
            2 | 3 => {
                let len = usize::try_from(n?).ok()?;
                let s = b.get(*pos..*pos + len)?;
                *pos += len;
                Some(Value::String(String::from_utf8(s.to_vec()).ok()?))
            }
            4 => {
                let mut a = Vec::new();
                match n {
                    Some(len) => {
                        for _ in 0..len {
                            a.push(item(b, pos)?);
                        }
                    }
                    None => {
                        while !is_break(b, pos) {
                            a.push(item(b, pos)?);
                        }
                    }
                }
                Some(Value::Array(a))
            }
            5 => {
                let mut m = serde_json::Map::new();
                let mut entry = |pos: &mut usize| -> Option<()> {
                    let k = item(b, pos)?.as_str()?.to_string();
                    m.insert(k, item(b, pos)?);
                    Some(())
                };
                match n {
                    Some(len) => {
                        for _ in 0..len {
                            entry(pos)?;
                        }
                    }
                    None => {
                        while !is_break(b, pos) {
                            entry(pos)?;
                        }
                    }
                }
                Some(Value::Object(m))
            }
            _ => None,
        }
    }
    let mut pos = 0;
    let v = item(bytes, &mut pos)?;
    (pos == bytes.len()).then_some(v)
}

/// Decodes Smile (Jackson's binary JSON): the header, strings (tiny/short/long, ASCII/Unicode),
/// literals, small ints, arrays, objects and shared key/value back-references.
pub fn decode_smile(bytes: &[u8]) -> Option<Value> {
    struct R<'a> {
        b: &'a [u8],
        pos: usize,
        keys: Vec<String>,
        values: Vec<String>,
    }
    impl R<'_> {
        fn next(&mut self) -> Option<u8> {
            let x = *self.b.get(self.pos)?;
            self.pos += 1;
            Some(x)
        }
        fn take(&mut self, n: usize) -> Option<String> {
            let s = self.b.get(self.pos..self.pos + n)?;
            self.pos += n;
            String::from_utf8(s.to_vec()).ok()
        }
        fn until_fc(&mut self) -> Option<String> {
            let end = self.b[self.pos..].iter().position(|x| *x == 0xfc)?;
            let s = self.take(end)?;
            self.pos += 1;
            Some(s)
        }
        fn value(&mut self) -> Option<Value> {
            let t = self.next()?;
            let text = match t {
                0x01..=0x1f => {
                    return self
                        .values
                        .get(usize::from(t - 1))
                        .cloned()
                        .map(Value::String);
                }
                0x20 => String::new(),
                0x21 => return Some(Value::Null),
                0x22 => return Some(Value::Bool(false)),
                0x23 => return Some(Value::Bool(true)),
                0x40..=0x5f => self.take(usize::from(t - 0x40) + 1)?,
                0x60..=0x7f => self.take(usize::from(t - 0x60) + 33)?,
                0x80..=0x9f => self.take(usize::from(t - 0x80) + 2)?,
                0xa0..=0xbf => self.take(usize::from(t - 0xa0) + 34)?,
                0xc0..=0xdf => {
                    let z = i64::from(t - 0xc0);
                    return Some(json!((z >> 1) ^ -(z & 1)));
                }
                0xe0 | 0xe4 => return self.until_fc().map(Value::String),
                0xf8 => {
                    let mut a = Vec::new();
                    while self.b.get(self.pos) != Some(&0xf9) {
                        a.push(self.value()?);
                    }
                    self.pos += 1;
                    return Some(Value::Array(a));
                }
                0xfa => {
                    let mut m = serde_json::Map::new();
                    loop {
                        let k = self.next()?;
                        let key = match k {
                            0xfb => return Some(Value::Object(m)),
                            0x20 => String::new(),
                            0x34 => self.until_fc()?,
                            0x40..=0x7f => self.keys.get(usize::from(k - 0x40))?.clone(),
                            0x80..=0xbf => self.take(usize::from(k - 0x80) + 1)?,
                            0xc0..=0xf7 => self.take(usize::from(k - 0xc0) + 2)?,
                            _ => return None,
                        };
                        if (0x80..=0xf7).contains(&k) && self.keys.len() < 1024 {
                            self.keys.push(key.clone());
                        }
                        let v = self.value()?;
                        m.insert(key, v);
                    }
                }
                _ => return None,
            };
            if (1..=64).contains(&text.len()) && self.values.len() < 1024 {
                self.values.push(text.clone());
            }
            Some(Value::String(text))
        }
    }
    if bytes.get(..3)? != b":)\n" {
        return None;
    }
    let mut r = R {
        b: bytes,
        pos: 4,
        keys: Vec::new(),
        values: Vec::new(),
    };
    let v = r.value()?;
    (r.pos == bytes.len()).then_some(v)
}
