//! Watermarks of incremental reindex passes: epoch milliseconds, written into range queries as
//! numbers; on a `date` field the range says `"format": "epoch_millis"`, so the bounds are read the
//! same way whatever `format` the field's mapping declares (an ISO bound on a field whose format is
//! `epoch_millis` or `yyyy-MM-dd HH:mm:ss` fails the search on a real cluster).

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Now, in epoch milliseconds.
pub(crate) fn now_millis() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// `2026-12-01T19:00:00.123Z`.
pub(crate) fn iso(ms: i64) -> String {
    let t = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let t = t
        .replace_nanosecond((ms.rem_euclid(1000) as u32) * 1_000_000)
        .unwrap_or(t);
    t.format(&Rfc3339).unwrap_or_else(|_| ms.to_string())
}

/// A range bound: epoch milliseconds (with `format: epoch_millis` on date fields, see
/// [`range_format`]).
pub(crate) fn bound(ms: i64) -> Value {
    Value::from(ms)
}

/// The range query's `format` for the update-time field: `epoch_millis` on a date field, none on a
/// numeric one.
pub(crate) fn range_format(numeric: bool) -> Option<&'static str> {
    (!numeric).then_some("epoch_millis")
}

/// Whether a mapping type holds numbers (epoch milliseconds) rather than dates.
pub(crate) fn is_numeric_type(ty: &str) -> bool {
    matches!(
        ty,
        "long"
            | "integer"
            | "short"
            | "byte"
            | "double"
            | "float"
            | "half_float"
            | "scaled_float"
            | "unsigned_long"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_with_millis() {
        assert_eq!(iso(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
        assert_eq!(bound(5), Value::from(5));
        assert_eq!(range_format(false), Some("epoch_millis"));
        assert_eq!(range_format(true), None);
        assert!(is_numeric_type("long") && !is_numeric_type("date"));
    }
}
