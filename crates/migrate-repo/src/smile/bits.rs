//! SMILE's number and byte encodings: zigzag, VInts (7 bits a byte, the last byte 6 bits with its
//! top bit set), the "7-bit safe" encoding of bytes, and the fixed 7-bit forms of floats and doubles.

/// Zigzag-encodes a 32-bit integer (sign moved to the lowest bit).
pub(crate) fn zigzag32(i: i32) -> u32 {
    ((i << 1) ^ (i >> 31)) as u32
}

/// Undoes [`zigzag32`].
pub(crate) fn unzigzag32(u: u32) -> i32 {
    ((u >> 1) as i32) ^ -((u & 1) as i32)
}

/// Zigzag-encodes a 64-bit integer.
pub(crate) fn zigzag64(i: i64) -> u64 {
    ((i << 1) ^ (i >> 63)) as u64
}

/// Undoes [`zigzag64`].
pub(crate) fn unzigzag64(u: u64) -> i64 {
    ((u >> 1) as i64) ^ -((u & 1) as i64)
}

/// Appends `value` as a minimal VInt: 7-bit groups, most significant first, the last group of 6
/// bits marked by its top bit.
pub(crate) fn write_vint(out: &mut Vec<u8>, value: u64) {
    let last = 0x80 | (value & 0x3F) as u8;
    let mut rest = value >> 6;
    let mut groups = [0u8; 10];
    let mut n = 0;
    while rest != 0 {
        groups[n] = (rest & 0x7F) as u8;
        rest >>= 7;
        n += 1;
    }
    out.extend(groups[..n].iter().rev());
    out.push(last);
}

/// The number of bytes [`encode_7bit`] produces for `len` raw bytes.
pub(crate) fn encoded_7bit_len(len: usize) -> usize {
    let rest = len % 7;
    len / 7 * 8 + if rest == 0 { 0 } else { rest + 1 }
}

/// Appends `data` in SMILE's 7-bit encoding: every 7 bytes become 8 bytes of 7 bits; a final
/// partial group of `r` bytes becomes `r + 1` bytes, the last one holding the `r` leftover bits
/// right-aligned (as Jackson writes and reads them).
pub(crate) fn encode_7bit(out: &mut Vec<u8>, data: &[u8]) {
    for chunk in data.chunks(7) {
        let mut acc: u64 = 0;
        for &b in chunk {
            acc = (acc << 8) | u64::from(b);
        }
        let bits = chunk.len() * 8;
        let groups = bits / 7;
        for g in 0..groups {
            let shift = bits - 7 * (g + 1);
            out.push(((acc >> shift) & 0x7F) as u8);
        }
        let leftover = bits % 7;
        if leftover != 0 {
            out.push((acc & ((1 << leftover) - 1)) as u8);
        }
    }
}

/// Decodes `raw_len` bytes from SMILE's 7-bit encoding in `encoded` (which must be exactly
/// [`encoded_7bit_len`]`(raw_len)` long). `None` when a byte has its top bit set.
pub(crate) fn decode_7bit(encoded: &[u8], raw_len: usize) -> Option<Vec<u8>> {
    if encoded.iter().any(|b| b & 0x80 != 0) {
        return None;
    }
    let mut out = Vec::with_capacity(raw_len);
    let mut remaining = raw_len;
    let mut input = encoded;
    while remaining > 0 {
        let take = remaining.min(7);
        let enc = if take == 7 { 8 } else { take + 1 };
        let (group, rest) = input.split_at_checked(enc)?;
        let mut acc: u64 = 0;
        let full_groups = if take == 7 { 8 } else { take };
        for &b in &group[..full_groups] {
            acc = (acc << 7) | u64::from(b);
        }
        if take != 7 {
            acc = (acc << take) | u64::from(group[take]);
        }
        for i in (0..take).rev() {
            out.push((acc >> (8 * i)) as u8);
        }
        remaining -= take;
        input = rest;
    }
    Some(out)
}

/// Appends a float's bits as 5 bytes: 4 bits, then four groups of 7.
pub(crate) fn write_float_bits(out: &mut Vec<u8>, bits: u32) {
    for shift in [28, 21, 14, 7, 0] {
        out.push(((bits >> shift) & 0x7F) as u8);
    }
}

/// Appends a double's bits as 10 bytes: 1 bit, then nine groups of 7.
pub(crate) fn write_double_bits(out: &mut Vec<u8>, bits: u64) {
    for g in (0..10).rev() {
        out.push(((bits >> (7 * g)) & 0x7F) as u8);
    }
}

/// Reads the bits written by [`write_float_bits`] or [`write_double_bits`] (`bytes` is 5 or 10
/// long). `None` when a byte has its top bit set or the leading byte has bits beyond the width.
pub(crate) fn read_7bit_number(bytes: &[u8], width: u32) -> Option<u64> {
    let mut acc: u64 = 0;
    for &b in bytes {
        if b & 0x80 != 0 {
            return None;
        }
        acc = acc.checked_mul(128)? | u64::from(b);
    }
    let total_bits = 7 * bytes.len() as u32;
    let spare = total_bits - width;
    if bytes
        .first()
        .is_some_and(|b| u32::from(*b) >> (7 - spare) != 0)
    {
        return None;
    }
    Some(acc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zigzag_maps_small_magnitudes_to_small_codes() {
        assert_eq!(zigzag32(0), 0);
        assert_eq!(zigzag32(-1), 1);
        assert_eq!(zigzag32(1), 2);
        assert_eq!(zigzag32(i32::MIN), u32::MAX);
        assert_eq!(unzigzag32(u32::MAX), i32::MIN);
        assert_eq!(unzigzag64(zigzag64(i64::MIN)), i64::MIN);
        assert_eq!(unzigzag64(zigzag64(1_700_000_000_000)), 1_700_000_000_000);
    }

    #[test]
    fn vints_are_minimal_and_end_with_a_six_bit_byte() {
        let mut out = Vec::new();
        write_vint(&mut out, 0);
        assert_eq!(out, [0x80]);
        out.clear();
        write_vint(&mut out, 63);
        assert_eq!(out, [0xBF]);
        out.clear();
        write_vint(&mut out, 64);
        assert_eq!(out, [0x01, 0x80]);
        out.clear();
        write_vint(&mut out, u64::MAX);
        assert_eq!(out.len(), 10);
    }

    #[test]
    fn seven_bit_encoding_round_trips_every_length() {
        for len in 0..30usize {
            let data: Vec<u8> = (0..len).map(|i| (i * 37 + 200) as u8).collect();
            let mut enc = Vec::new();
            encode_7bit(&mut enc, &data);
            assert_eq!(enc.len(), encoded_7bit_len(len));
            assert!(enc.iter().all(|b| b & 0x80 == 0));
            assert_eq!(decode_7bit(&enc, len), Some(data));
        }
        // One byte 0xFF: top 7 bits, then the lowest bit right-aligned.
        let mut enc = Vec::new();
        encode_7bit(&mut enc, &[0xFF]);
        assert_eq!(enc, [0x7F, 0x01]);
    }
}
