//! Date formats as the servers read them: a mapping's or query's `format` (`||`-separated
//! alternatives of built-in names such as `strict_date_optional_time`, `epoch_millis`,
//! `epoch_second`, `basic_date`, or Java-style patterns such as `yyyy/MM/dd HH:mm:ss`), parsing text
//! and numbers to epoch milliseconds. A value no alternative reads is an error, as on a real cluster.
//! A leaf: it imports nothing from the crate.

use serde_json::Value;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// The default date format of a `date` field (every supported version).
pub const DEFAULT_FORMAT: &str = "strict_date_optional_time||epoch_millis";

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Year(usize),
    Month(usize),
    Day(usize),
    Hour(usize),
    Minute(usize),
    Second(usize),
    Fraction(usize),
    Offset,
    Lit(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Fmt {
    EpochMillis,
    EpochSecond,
    /// ISO 8601 with optional time and zone (`strict_date_optional_time`, `date_optional_time`).
    OptionalTime,
    Pattern(Vec<Tok>),
}

/// A parsed `format` value.
#[derive(Debug, Clone, PartialEq)]
pub struct DateFormats {
    /// The text as given (for error messages).
    pub spec: String,
    alts: Vec<Fmt>,
}

fn named(name: &str) -> Option<&'static str> {
    Some(match name.trim_start_matches("strict_") {
        "basic_date" => "yyyyMMdd",
        "basic_date_time" => "yyyyMMdd'T'HHmmss.SSSZ",
        "basic_date_time_no_millis" => "yyyyMMdd'T'HHmmssZ",
        "date" | "year_month_day" => "yyyy-MM-dd",
        "date_time" => "yyyy-MM-dd'T'HH:mm:ss.SSSZ",
        "date_time_no_millis" => "yyyy-MM-dd'T'HH:mm:ssZ",
        "date_hour_minute_second" => "yyyy-MM-dd'T'HH:mm:ss",
        "date_hour_minute_second_millis" | "date_hour_minute_second_fraction" => {
            "yyyy-MM-dd'T'HH:mm:ss.SSS"
        }
        "date_hour_minute" => "yyyy-MM-dd'T'HH:mm",
        "date_hour" => "yyyy-MM-dd'T'HH",
        "year_month" => "yyyy-MM",
        "year" => "yyyy",
        "hour_minute_second" => "HH:mm:ss",
        "hour_minute" => "HH:mm",
        _ => return None,
    })
}

fn pattern(p: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = p.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            let end = chars[i + 1..]
                .iter()
                .position(|x| *x == '\'')
                .ok_or_else(|| format!("Invalid format: [{p}]: unterminated quote"))?;
            out.push(Tok::Lit(chars[i + 1..i + 1 + end].iter().collect()));
            i += end + 2;
            continue;
        }
        let run = chars[i..].iter().take_while(|x| **x == c).count();
        let tok = match c {
            'y' | 'u' => Tok::Year(run),
            'M' => Tok::Month(run),
            'd' => Tok::Day(run),
            'H' => Tok::Hour(run),
            'm' => Tok::Minute(run),
            's' => Tok::Second(run),
            'S' => Tok::Fraction(run),
            'Z' | 'X' | 'x' => Tok::Offset,
            c if c.is_ascii_alphabetic() => {
                return Err(format!(
                    "Invalid format: [{p}]: Unknown pattern letter: {c}"
                ));
            }
            other => Tok::Lit(std::iter::repeat_n(other, run).collect()),
        };
        out.push(tok);
        i += run;
    }
    Ok(out)
}

impl DateFormats {
    /// Parses a `format` value.
    pub fn parse(spec: &str) -> Result<DateFormats, String> {
        let mut alts = Vec::new();
        for alt in spec.split("||").map(str::trim).filter(|a| !a.is_empty()) {
            alts.push(match alt {
                "epoch_millis" => Fmt::EpochMillis,
                "epoch_second" => Fmt::EpochSecond,
                "strict_date_optional_time"
                | "date_optional_time"
                | "dateOptionalTime"
                | "strict_date_optional_time_nanos" => Fmt::OptionalTime,
                other => Fmt::Pattern(pattern(named(other).unwrap_or(other))?),
            });
        }
        if alts.is_empty() {
            return Err(format!("Invalid format: [{spec}]: empty"));
        }
        Ok(DateFormats {
            spec: spec.to_string(),
            alts,
        })
    }

    /// The field's formats, or the default when the mapping has none (or an unreadable one).
    pub fn of_field(format: Option<&str>) -> DateFormats {
        format
            .and_then(|f| DateFormats::parse(f).ok())
            .or_else(|| DateFormats::parse(DEFAULT_FORMAT).ok())
            .unwrap_or(DateFormats {
                spec: DEFAULT_FORMAT.into(),
                alts: vec![Fmt::OptionalTime, Fmt::EpochMillis],
            })
    }

    /// Reads a text value to epoch millis.
    pub fn parse_str(&self, s: &str) -> Option<f64> {
        self.alts.iter().find_map(|f| match f {
            Fmt::EpochMillis => s.parse::<f64>().ok().filter(|_| numeric(s)),
            Fmt::EpochSecond => s
                .parse::<f64>()
                .ok()
                .filter(|_| numeric(s))
                .map(|x| x * 1e3),
            Fmt::OptionalTime => iso(s),
            Fmt::Pattern(toks) => by_pattern(toks, s),
        })
    }

    /// Reads a JSON value (numbers only through `epoch_millis`/`epoch_second`).
    pub fn parse_value(&self, v: &Value) -> Option<f64> {
        match v {
            Value::String(s) => self.parse_str(s),
            Value::Number(n) => {
                let f = n.as_f64()?;
                self.alts.iter().find_map(|a| match a {
                    Fmt::EpochMillis => Some(f),
                    Fmt::EpochSecond => Some(f * 1e3),
                    _ => None,
                })
            }
            _ => None,
        }
    }
}

fn numeric(s: &str) -> bool {
    let t = s.strip_prefix('-').unwrap_or(s);
    !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// ISO 8601 date with optional time, fraction and offset (`2020-01-02`, `2020-01-02T03:04:05.678Z`).
fn iso(s: &str) -> Option<f64> {
    let toks = pattern("yyyy-MM-dd").ok()?;
    if let Some(ms) = by_pattern(&toks, s) {
        return Some(ms);
    }
    let (date, rest) = s.split_at_checked(10)?;
    let rest = rest.strip_prefix('T')?;
    let mut p = String::from("yyyy-MM-dd'T'HH");
    let time_len = rest.find(['Z', '+', '-']).unwrap_or(rest.len());
    let time = &rest[..time_len];
    if time.len() >= 5 {
        p.push_str(":mm");
    }
    if time.len() >= 8 {
        p.push_str(":ss");
    }
    if let Some((_, frac)) = time.split_once('.') {
        p.push('.');
        p.push_str(&"S".repeat(frac.len().clamp(1, 9)));
    }
    if time_len < rest.len() {
        p.push('Z');
    }
    by_pattern(&pattern(&p).ok()?, &format!("{date}T{rest}"))
}

fn digits(s: &str, at: &mut usize, min: usize, max: usize) -> Option<i64> {
    let bytes = s.as_bytes();
    let n = bytes[*at..]
        .iter()
        .take(max)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if n < min {
        return None;
    }
    let v = s.get(*at..*at + n)?.parse().ok()?;
    *at += n;
    Some(v)
}

fn by_pattern(toks: &[Tok], s: &str) -> Option<f64> {
    let (mut y, mut mo, mut d, mut h, mut mi, mut se, mut nanos, mut off) =
        (1970i64, 1i64, 1i64, 0i64, 0i64, 0i64, 0i64, 0i64);
    let mut at = 0;
    for t in toks {
        match t {
            Tok::Year(1) => y = digits(s, &mut at, 1, 9)?,
            Tok::Year(n) => y = digits(s, &mut at, *n, *n)?,
            Tok::Month(n) if *n >= 3 => {
                let names = [
                    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                    "dec",
                ];
                let word = s.get(at..at + 3)?.to_ascii_lowercase();
                mo = names.iter().position(|m| *m == word)? as i64 + 1;
                at += 3;
            }
            Tok::Month(n) => mo = digits(s, &mut at, *n, 2)?,
            Tok::Day(n) => d = digits(s, &mut at, *n, 2)?,
            Tok::Hour(n) => h = digits(s, &mut at, *n, 2)?,
            Tok::Minute(n) => mi = digits(s, &mut at, *n, 2)?,
            Tok::Second(n) => se = digits(s, &mut at, *n, 2)?,
            Tok::Fraction(n) => {
                let start = at;
                let f = digits(s, &mut at, 1, (*n).max(9))?;
                let len = (at - start) as u32;
                nanos = f * 10i64.pow(9 - len.min(9));
            }
            Tok::Offset => {
                let rest = s.get(at..)?;
                if rest.starts_with('Z') {
                    at += 1;
                } else {
                    let sign = match rest.as_bytes().first()? {
                        b'+' => 1,
                        b'-' => -1,
                        _ => return None,
                    };
                    at += 1;
                    let oh = digits(s, &mut at, 2, 2)?;
                    if s.as_bytes().get(at) == Some(&b':') {
                        at += 1;
                    }
                    let om = digits(s, &mut at, 2, 2).unwrap_or(0);
                    off = sign * (oh * 3600 + om * 60);
                }
            }
            Tok::Lit(l) => {
                if !s.get(at..)?.starts_with(l.as_str()) {
                    return None;
                }
                at += l.len();
            }
        }
    }
    if at != s.len() {
        return None;
    }
    let date = Date::from_calendar_date(
        i32::try_from(y).ok()?,
        Month::try_from(u8::try_from(mo).ok()?).ok()?,
        u8::try_from(d).ok()?,
    )
    .ok()?;
    let time = Time::from_hms_nano(
        u8::try_from(h).ok()?,
        u8::try_from(mi).ok()?,
        u8::try_from(se).ok()?,
        u32::try_from(nanos).ok()?,
    )
    .ok()?;
    let offset = UtcOffset::from_whole_seconds(i32::try_from(off).ok()?).ok()?;
    let t: OffsetDateTime = PrimitiveDateTime::new(date, time).assume_offset(offset);
    Some((t.unix_timestamp_nanos() / 1_000_000) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn custom_patterns_read_only_their_own_shape() {
        let f = DateFormats::parse("yyyy/MM/dd HH:mm:ss||yyyy/MM/dd").unwrap();
        assert_eq!(f.parse_str("1970/01/02"), Some(86_400_000.0));
        assert_eq!(f.parse_str("1970/01/01 00:00:01"), Some(1000.0));
        assert_eq!(f.parse_str("1970-01-02"), None);
        assert_eq!(f.parse_value(&json!(1000)), None);
    }

    #[test]
    fn the_default_reads_iso_and_epoch_millis() {
        let f = DateFormats::of_field(None);
        assert_eq!(f.parse_str("1970-01-01T00:00:01.5Z"), Some(1500.0));
        assert_eq!(f.parse_str("1970-01-01T01:00:00+01:00"), Some(0.0));
        assert_eq!(f.parse_value(&json!(42)), Some(42.0));
        assert_eq!(f.parse_str("not a date"), None);
        assert_eq!(f.parse_str("2024-02-30"), None);
    }

    #[test]
    fn named_formats_and_bad_letters() {
        let f = DateFormats::parse("basic_date||epoch_second").unwrap();
        assert_eq!(f.parse_str("19700102"), Some(86_400_000.0));
        assert_eq!(f.parse_value(&json!(2)), Some(2000.0));
        assert!(DateFormats::parse("yyyy-qq").is_err());
        let m = DateFormats::parse("dd/MMM/yyyy").unwrap();
        assert_eq!(m.parse_str("02/Jan/1970"), Some(86_400_000.0));
    }
}
