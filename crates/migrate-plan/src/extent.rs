//! How far a scalar's written form reaches in the text, given where it starts, its style and its
//! parsed value: the end of its span.
//!
//! The parser reports only where a scalar starts. Its end is found by walking the text from there,
//! and never further than the scalar itself, so the spans of a whole document cost time linear in
//! its size (a 4 MB flow map on one line included). Quoted scalars end at their closing quote.
//! Plain and block scalars are matched against their value: the value's characters appear in the
//! text in the same order, separated only by the whitespace and line breaks that folding removed,
//! so the span ends exactly after the value's last character — a multi-line plain scalar or a `|`/`>`
//! block with any indicators is covered whole, which is what masking a secret needs.

use yaml_rust2::scanner::TScalarStyle;

/// Length in bytes of the scalar written at the start of `rest` whose value is `value`.
pub(crate) fn scalar_len(rest: &str, value: &str, style: TScalarStyle) -> usize {
    match style {
        TScalarStyle::SingleQuoted => quoted_len(rest, b'\''),
        TScalarStyle::DoubleQuoted => quoted_len(rest, b'"'),
        TScalarStyle::Literal | TScalarStyle::Folded => block_len(rest, value),
        TScalarStyle::Plain => matched_len(rest, value).unwrap_or_else(|| {
            // Not expected for a plain scalar; cover the rest of its line rather than too little.
            line_len(rest)
        }),
    }
}

/// Up to the closing quote (`''` inside single quotes and `\x` inside double quotes do not close),
/// across lines; the rest of the text when it is never closed.
fn quoted_len(rest: &str, quote: u8) -> usize {
    let b = rest.as_bytes();
    let mut i = 1;
    while i < b.len() {
        match b[i] {
            b'\\' if quote == b'"' => i += 2,
            c if c == quote => {
                if quote == b'\'' && b.get(i + 1) == Some(&b'\'') {
                    i += 2;
                } else {
                    return i + 1;
                }
            }
            _ => i += 1,
        }
    }
    b.len()
}

/// A block scalar: the content lines up to the value's last character, after the header (`|`, `>`
/// with chomping and indentation indicators, a comment) when the scalar is said to start there
/// (the parser marks the start of the content).
fn block_len(rest: &str, value: &str) -> usize {
    if !rest.starts_with(['|', '>']) {
        return matched_len(rest, value).unwrap_or(0);
    }
    let header = rest
        .bytes()
        .take_while(|b| matches!(b, b'|' | b'>' | b'-' | b'+' | b'0'..=b'9'))
        .count();
    let Some(content) = rest.find('\n').map(|nl| nl + 1) else {
        return header;
    };
    match matched_len(&rest[content..], value) {
        Some(0) | None => header,
        Some(n) => content + n,
    }
}

/// Matches `value` against `text` from its start, skipping whitespace and line breaks on either
/// side; the length of text up to the value's last matched non-blank character, or `None` when the value does
/// not match.
fn matched_len(text: &str, value: &str) -> Option<usize> {
    let (t, v) = (text.as_bytes(), value.as_bytes());
    let (mut i, mut j, mut end) = (0, 0, 0);
    while j < v.len() {
        if i < t.len() && t[i] == v[j] {
            i += 1;
            j += 1;
            if !blank(v[j - 1]) {
                end = i;
            }
        } else if i < t.len() && blank(t[i]) {
            i += 1;
        } else if blank(v[j]) {
            j += 1;
        } else {
            return None;
        }
    }
    Some(end)
}

fn blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn line_len(rest: &str) -> usize {
    rest.find(['\n', '\r']).unwrap_or(rest.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written<'a>(rest: &'a str, value: &str, style: TScalarStyle) -> &'a str {
        &rest[..scalar_len(rest, value, style)]
    }

    #[test]
    fn quoted_scalars_end_at_their_closing_quote_across_lines() {
        let s = "\"a \\\" b\nc\", x: 1";
        assert_eq!(
            written(s, "", TScalarStyle::DoubleQuoted),
            "\"a \\\" b\nc\""
        );
        let s = "'it''s\n  here' # comment";
        assert_eq!(
            written(s, "", TScalarStyle::SingleQuoted),
            "'it''s\n  here'"
        );
        assert_eq!(written("\"open", "", TScalarStyle::DoubleQuoted), "\"open");
    }

    #[test]
    fn plain_scalars_cover_their_continuation_lines_and_nothing_after() {
        let s = "abc\n    def ghi\nnext: 1";
        assert_eq!(
            written(s, "abc def ghi", TScalarStyle::Plain),
            "abc\n    def ghi"
        );
        let s = "v, w: x}";
        assert_eq!(written(s, "v", TScalarStyle::Plain), "v");
        assert_eq!(written("a  # c", "a", TScalarStyle::Plain), "a");
    }

    #[test]
    fn block_scalars_cover_header_and_content_with_any_indicators() {
        let s = "|-\n  line one\n\n  line two\n\nnext: 1\n";
        assert_eq!(
            written(s, "line one\n\nline two", TScalarStyle::Literal),
            "|-\n  line one\n\n  line two"
        );
        let s = ">2+ # folded\n   a\n   b\nnext: 1\n";
        assert_eq!(
            written(s, " a b\n", TScalarStyle::Folded),
            ">2+ # folded\n   a\n   b"
        );
        assert_eq!(written("|\nnext: 1\n", "", TScalarStyle::Literal), "|");
        // Where the parser marks it: at the first character of the content.
        let s = "one\n    two\n  extra: 1\n";
        assert_eq!(
            written(s, "one\ntwo", TScalarStyle::Literal),
            "one\n    two"
        );
    }

    #[test]
    fn a_plain_key_in_a_long_flow_line_ends_at_its_own_end() {
        let line = format!("k0, {}", "kx: 1, ".repeat(10_000));
        assert_eq!(scalar_len(&line, "k0", TScalarStyle::Plain), 2);
    }
}
