//! The append-only journal: one line per commit holding the step records that commit changed.
//!
//! A line is `<crc32 hex> <json>\n` with json `{"lineage", "serial", "steps": {id: record}}`. A
//! line that is cut short or fails its checksum is only tolerated at the end (a write the crash
//! interrupted, never acknowledged); anywhere else the journal is damaged and loading stops.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::StateError;
use crate::state::StepState;

#[derive(Serialize)]
struct LineOut<'a> {
    lineage: Uuid,
    serial: u64,
    steps: BTreeMap<&'a str, &'a StepState>,
}

/// One decoded journal line.
#[derive(Debug, Deserialize)]
pub(crate) struct Entry {
    pub lineage: Uuid,
    pub serial: u64,
    pub steps: BTreeMap<String, StepState>,
}

/// Encodes one commit as a journal line.
pub(crate) fn encode<'a>(
    lineage: Uuid,
    serial: u64,
    steps: impl IntoIterator<Item = (&'a str, &'a StepState)>,
) -> String {
    let line = LineOut {
        lineage,
        serial,
        steps: steps.into_iter().collect(),
    };
    // Serialising plain data into a String cannot fail.
    let json = serde_json::to_string(&line).unwrap_or_default();
    format!("{:08x} {json}\n", crc32fast::hash(json.as_bytes()))
}

/// The entries of a journal's text and the length of its intact prefix (a torn last line is
/// left out of both).
pub(crate) fn decode(path: &Path, text: &[u8]) -> Result<(Vec<Entry>, u64), StateError> {
    let mut entries = Vec::new();
    let mut valid = 0usize;
    let mut lines = text.split_inclusive(|b| *b == b'\n').enumerate().peekable();
    while let Some((n, raw)) = lines.next() {
        let last = lines.peek().is_none();
        match decode_line(raw) {
            Ok(entry) => {
                entries.push(entry);
                valid += raw.len();
            }
            Err(_) if last => break,
            Err(message) => {
                return Err(StateError::CorruptJournal {
                    path: path.to_owned(),
                    line: n + 1,
                    message,
                });
            }
        }
    }
    Ok((entries, valid as u64))
}

fn decode_line(raw: &[u8]) -> Result<Entry, String> {
    let Some(body) = raw.strip_suffix(b"\n") else {
        return Err("the line is cut short".into());
    };
    let text = std::str::from_utf8(body).map_err(|_| "the line is not UTF-8".to_owned())?;
    let (crc, json) = text
        .split_once(' ')
        .ok_or_else(|| "no checksum".to_owned())?;
    let crc = u32::from_str_radix(crc, 16).map_err(|_| "bad checksum".to_owned())?;
    if crc != crc32fast::hash(json.as_bytes()) {
        return Err("checksum mismatch".into());
    }
    serde_json::from_str(json).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::StepStatus;

    fn line(serial: u64) -> String {
        let mut s = StepState::pending();
        s.status = StepStatus::Done;
        encode(Uuid::nil(), serial, [("a", &s)])
    }

    #[test]
    fn a_torn_last_line_is_left_out() {
        let full = format!("{}{}", line(1), line(2));
        let cut = &full.as_bytes()[..full.len() - 5];
        let (entries, valid) = decode(Path::new("j"), cut).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(valid as usize, line(1).len());
    }

    #[test]
    fn a_bad_line_in_the_middle_is_an_error_naming_the_line() {
        let mut middle = line(2);
        middle.replace_range(12..13, "X");
        let text = format!("{}{middle}{}", line(1), line(3));
        let err = decode(Path::new("state.journal"), text.as_bytes()).unwrap_err();
        assert!(
            err.to_string().starts_with(
                "state journal `state.journal` is damaged at line 2: checksum mismatch"
            ),
            "{err}"
        );
    }
}
