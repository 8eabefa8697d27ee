//! Painless tokens: identifiers, numbers, string literals (single or double quoted) and punctuation,
//! each with its byte offset for the `position` of compile errors.

/// One token.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A name or keyword.
    Ident(String),
    /// An integer literal.
    Int(i64),
    /// A decimal literal.
    Float(f64),
    /// A string literal, unescaped.
    Str(String),
    /// Punctuation or an operator.
    Punct(&'static str),
}

/// A token and where it starts.
#[derive(Debug, Clone)]
pub struct Spanned {
    /// The token.
    pub tok: Tok,
    /// Byte offset in the source.
    pub at: usize,
}

const PUNCT: &[&str] = &[
    "==", "!=", "<=", ">=", "&&", "||", "+=", "-=", "*=", "/=", "%=", "++", "--", "?.", "(", ")",
    "{", "}", "[", "]", ";", ",", ".", "=", "<", ">", "+", "-", "*", "/", "%", "!", "?", ":",
];

/// Splits a source into tokens; `Err((offset, message))` on a character Painless has no token for.
pub fn lex(src: &str) -> Result<Vec<Spanned>, (usize, String)> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if src[i..].starts_with("//") {
            i = src[i..].find('\n').map_or(b.len(), |n| i + n);
            continue;
        }
        if src[i..].starts_with("/*") {
            i = src[i + 2..].find("*/").map_or(b.len(), |n| i + n + 4);
            continue;
        }
        let at = i;
        if c.is_ascii_alphabetic() || c == b'_' || c == b'$' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$') {
                i += 1;
            }
            out.push(Spanned {
                tok: Tok::Ident(src[at..i].to_string()),
                at,
            });
            continue;
        }
        if c.is_ascii_digit() {
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let mut float = false;
            if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
                float = true;
                i += 1;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let text = &src[at..i];
            // Java suffixes: L long, D/F floating.
            if i < b.len() && matches!(b[i], b'L' | b'l' | b'D' | b'd' | b'F' | b'f') {
                float |= matches!(b[i], b'D' | b'd' | b'F' | b'f');
                i += 1;
            }
            let tok = if float {
                Tok::Float(
                    text.parse()
                        .map_err(|_| (at, format!("invalid number [{text}]")))?,
                )
            } else {
                Tok::Int(
                    text.parse()
                        .map_err(|_| (at, format!("invalid number [{text}]")))?,
                )
            };
            out.push(Spanned { tok, at });
            continue;
        }
        if c == b'"' || c == b'\'' {
            let mut s = String::new();
            i += 1;
            let mut closed = false;
            let mut chars = src[i..].char_indices();
            while let Some((n, ch)) = chars.next() {
                if ch == c as char {
                    i += n + 1;
                    closed = true;
                    break;
                }
                if ch == '\\' {
                    match chars.next() {
                        Some((_, 'n')) => s.push('\n'),
                        Some((_, 't')) => s.push('\t'),
                        Some((_, e)) => s.push(e),
                        None => break,
                    }
                } else {
                    s.push(ch);
                }
            }
            if !closed {
                return Err((at, "unterminated string literal".into()));
            }
            out.push(Spanned {
                tok: Tok::Str(s),
                at,
            });
            continue;
        }
        match PUNCT.iter().find(|p| src[i..].starts_with(**p)) {
            Some(p) => {
                out.push(Spanned {
                    tok: Tok::Punct(p),
                    at,
                });
                i += p.len();
            }
            None => {
                let ch = src[i..].chars().next().unwrap_or(' ');
                return Err((at, format!("unexpected character [{ch}].")));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_fields_strings_and_operators() {
        let t = lex("ctx._source.n += 'a\\'b'; // done").unwrap();
        let toks: Vec<Tok> = t.into_iter().map(|s| s.tok).collect();
        assert_eq!(
            toks,
            vec![
                Tok::Ident("ctx".into()),
                Tok::Punct("."),
                Tok::Ident("_source".into()),
                Tok::Punct("."),
                Tok::Ident("n".into()),
                Tok::Punct("+="),
                Tok::Str("a'b".into()),
                Tok::Punct(";"),
            ]
        );
    }

    #[test]
    fn an_unknown_character_is_an_error_with_its_offset() {
        assert_eq!(lex("a # b").unwrap_err().0, 2);
    }
}
