//! Watermarks of incremental reindex passes: epoch milliseconds, written into range queries as
//! numbers; on a `date` field the range says `"format": "epoch_millis"`, so the bounds are read the
//! same way whatever `format` the field's mapping declares (an ISO bound on a field whose format is
//! `epoch_millis` or `yyyy-MM-dd HH:mm:ss` fails the search on a real cluster).

use migrate_core::request::Fills;
use migrate_graph::requests::slots::{PASS_FORMAT, PASS_FROM, PASS_TO};
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

/// A range bound on a numeric field holding epoch `seconds` (or milliseconds): a lower bound
/// rounds down, an upper (exclusive) bound up, so the range never shrinks.
pub(crate) fn numeric_bound(ms: i64, seconds: bool, upper: bool) -> Value {
    if !seconds {
        return Value::from(ms);
    }
    let s = if upper {
        ms.div_euclid(1000) + i64::from(ms.rem_euclid(1000) != 0)
    } else {
        ms.div_euclid(1000)
    };
    Value::from(s)
}

/// A pass's range bound: epoch milliseconds on a date field (see [`range_format`]), the field's own
/// unit on a numeric one.
pub(crate) fn range_bound(ms: i64, numeric: bool, seconds: bool, upper: bool) -> Value {
    if numeric {
        numeric_bound(ms, seconds, upper)
    } else {
        bound(ms)
    }
}

/// `fills` with a pass's range: `from` and `to` (none: no such bound) in epoch milliseconds,
/// written as the field reads them (see [`range_bound`] and [`range_format`]).
pub(crate) fn fill_range(
    fills: Fills,
    (from, to): (Option<i64>, Option<i64>),
    numeric: bool,
    seconds: bool,
) -> Fills {
    fills
        .maybe(
            PASS_FROM,
            from.map(|ms| range_bound(ms, numeric, seconds, false)),
        )
        .maybe(
            PASS_TO,
            to.map(|ms| range_bound(ms, numeric, seconds, true)),
        )
        .maybe(PASS_FORMAT, range_format(numeric).map(Value::from))
}

/// Epoch seconds are between these (1973-03-03 … 5138-11-16 as seconds); epoch milliseconds of
/// the same years are 1000 times more. A value below both ranges says nothing.
const SECONDS: std::ops::Range<f64> = 1e8..1e11;
const MILLIS: std::ops::Range<f64> = 1e11..1e14;

/// Whether the newest values of a numeric update field count seconds (`Some(true)`) or
/// milliseconds (`Some(false)`); `None` when there are none, or they disagree or fit neither.
pub(crate) fn seconds_from_values(values: &[f64]) -> Option<bool> {
    let seconds = values.iter().all(|v| SECONDS.contains(v));
    let millis = values.iter().all(|v| MILLIS.contains(v));
    match (values.is_empty(), seconds, millis) {
        (true, _, _) => None,
        (false, true, false) => Some(true),
        (false, false, true) => Some(false),
        _ => None,
    }
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
    use serde_json::json;

    #[test]
    fn formats_utc_with_millis() {
        assert_eq!(iso(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
        assert_eq!(bound(5), Value::from(5));
        assert_eq!(range_format(false), Some("epoch_millis"));
        assert_eq!(range_format(true), None);
        assert!(is_numeric_type("long") && !is_numeric_type("date"));
    }

    #[test]
    fn seconds_bounds_round_outwards_and_millis_stay() {
        assert_eq!(
            numeric_bound(1_700_000_000_500, true, false),
            json!(1_700_000_000)
        );
        assert_eq!(
            numeric_bound(1_700_000_000_500, true, true),
            json!(1_700_000_001)
        );
        assert_eq!(
            numeric_bound(1_700_000_000_000, true, true),
            json!(1_700_000_000)
        );
        assert_eq!(
            numeric_bound(1_700_000_000_500, false, true),
            json!(1_700_000_000_500i64)
        );
    }

    #[test]
    fn the_unit_is_read_from_values_of_the_right_magnitude_and_refused_otherwise() {
        assert_eq!(seconds_from_values(&[1.7e9, 1.69e9]), Some(true));
        assert_eq!(seconds_from_values(&[1.7e12]), Some(false));
        assert_eq!(seconds_from_values(&[]), None);
        assert_eq!(seconds_from_values(&[42.0]), None);
        assert_eq!(seconds_from_values(&[1.7e9, 1.7e12]), None);
    }
}
