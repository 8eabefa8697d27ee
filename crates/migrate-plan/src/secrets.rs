//! Literal secrets in a plan, found so that no diagnostic shows any part of them.
//!
//! What is a secret: every value under a secret key (`password`, `token`, `key`, the store keys,
//! anything spelled close to them or containing `secret`, `passw`, `token`, …) in whatever YAML
//! form it is written (plain, quoted over several lines, `|`/`>` blocks, lists, maps, aliases of an
//! anchor written elsewhere), and every value inside an `auth`, `credentials` or `remote_auth` map
//! (or a key spelled close to them) other than the user name, the AWS region and service and the
//! `env:`/`file:` references; a key written with no value there is masked too. In any string, the
//! user information of a URL (`https://user:pw@host`) is a secret.
//!
//! [`in_document`] finds them in a parsed document, exactly. [`in_text`] is the fallback for text
//! that did not parse (or was refused before parsing): line by line, it masks everything after a
//! secret or container key, the lines indented below it, and any quote or bracket left open there.
//! The loader blanks every found span in the text that snippets show ([`masked`]), and a
//! [`Scrubber`] takes the values out of messages, labels and help lines.

use std::collections::HashSet;

use aho_corasick::AhoCorasick;

use crate::node::{Node, NodeValue, Span};
use crate::text::is_forbidden_control;

/// Keys whose values are secrets.
const SECRET_KEYS: &[&str] = &[
    "password",
    "key",
    "token",
    "access_key_id",
    "secret_access_key",
    "access_key_secret",
    "security_token",
    "session_token",
];
/// A key containing one of these holds a secret too (`db_password`, `client_secret`, `apikey`).
const SECRET_WORDS: &[&str] = &[
    "passw",
    "passphrase",
    "pwd",
    "secret",
    "token",
    "credential",
    "apikey",
    "api_key",
    "private",
];
/// Maps all of whose values are secrets, but for [`PLAIN_IN_CONTAINER`] and references.
const CONTAINERS: &[&str] = &["auth", "credentials", "remote_auth"];
/// Keys inside a container whose values are not secret.
const PLAIN_IN_CONTAINER: &[&str] = &["username", "region", "service"];
/// `{ env: NAME }` and `{ file: PATH }` say where a secret is, not what it is.
const REFERENCES: &[&str] = &["env", "file"];

/// Spelled like `target`, up to a typo or two (one for short words).
fn close(key: &str, target: &str) -> bool {
    let allowed = if target.len() <= 5 { 1 } else { 2 };
    key.len().abs_diff(target.len()) <= allowed && strsim::osa_distance(key, target) <= allowed
}

fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    SECRET_KEYS.contains(&k.as_str())
        || SECRET_WORDS.iter().any(|w| k.contains(w))
        || SECRET_KEYS
            .iter()
            .filter(|s| s.len() >= 5)
            .any(|s| close(&k, s))
}

/// The kinds of `auth`.
const AUTH_KINDS: &[&str] = &["none", "basic", "api_key", "bearer", "aws_sigv4"];

/// A key of the format (or close to one) where secrets are: never a secret itself.
fn known_key(key: &str) -> bool {
    is_secret_key(key)
        || is_container_key(key)
        || is_reference_key(key)
        || PLAIN_IN_CONTAINER.contains(&key)
        || AUTH_KINDS.contains(&key)
}

fn is_container_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    CONTAINERS.iter().any(|c| close(&k, c))
}

fn is_reference_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    REFERENCES.iter().any(|r| close(&k, r))
}

/// Where a node sits with respect to secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Nothing secret about it (URLs with credentials aside).
    Plain,
    /// Inside `auth`, `credentials` or `remote_auth`.
    Container,
    /// The value of a secret key.
    Secret,
}

/// The literal secrets of one plan.
#[derive(Debug, Default)]
pub(crate) struct Secrets {
    /// Byte ranges to blank in every snippet.
    pub spans: Vec<Span>,
    /// The values, to take out of messages, labels and help lines.
    values: Vec<String>,
}

impl Secrets {
    fn add(&mut self, span: Span, text: &str, value: Option<&str>) {
        if span.len == 0 {
            return;
        }
        self.spans.push(span);
        let written = text
            .get(span.start..span.start + span.len)
            .unwrap_or_default();
        for v in [Some(written), value].into_iter().flatten() {
            self.values.push(v.trim().to_owned());
            // Each line of a multi-line value on its own, as a message might quote one line.
            if v.contains('\n') {
                self.values.extend(v.lines().map(|l| l.trim().to_owned()));
            }
        }
    }

    /// What takes these values out of text (built once, used for every finding).
    pub fn scrubber(&self) -> Scrubber {
        let mut long: HashSet<&str> = HashSet::new();
        let mut short: HashSet<String> = HashSet::new();
        for v in self.values.iter().filter(|v| !v.is_empty()) {
            if v.chars().count() >= 4 {
                long.insert(v);
            } else {
                short.insert(v.clone());
            }
        }
        // Leftmost-longest, so a value containing another is replaced whole.
        let long = (!long.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .build(long)
                    .ok()
            })
            .flatten();
        Scrubber { long, short }
    }
}

/// Takes secret values out of messages, labels and help lines.
pub(crate) struct Scrubber {
    long: Option<AhoCorasick>,
    short: HashSet<String>,
}

impl Scrubber {
    /// Replaces every secret value in `s` with `<redacted>`: anywhere for values of 4 characters
    /// or more, and where a short one is quoted whole (`` `ab` ``).
    pub fn scrub(&self, s: &str) -> String {
        let mut out = match &self.long {
            Some(ac) => ac.replace_all(s, &vec!["<redacted>"; ac.patterns_len()]),
            None => s.to_owned(),
        };
        if !self.short.is_empty() {
            out = scrub_quoted(&out, &self.short);
        }
        out
    }
}

/// Replaces `` `v` `` with `` `<redacted>` `` for each `v` in `short`.
fn scrub_quoted(s: &str, short: &HashSet<String>) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    let mut out = String::with_capacity(s.len());
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('`');
        }
        // Odd parts are inside backticks (when the closing one exists).
        if i % 2 == 1 && i + 1 < parts.len() && short.contains(*part) {
            out.push_str("<redacted>");
        } else {
            out.push_str(part);
        }
    }
    out
}

/// The literal secrets of a parsed document (see the module doc).
pub(crate) fn in_document(doc: &Node, text: &str) -> Secrets {
    let mut found = Secrets::default();
    let mut stack: Vec<(&Node, Mode, Option<&str>)> = vec![(doc, Mode::Plain, None)];
    while let Some((node, mode, key)) = stack.pop() {
        match &node.value {
            NodeValue::Map(entries) => {
                for e in entries {
                    let child = if mode == Mode::Secret || is_secret_key(&e.key) {
                        Mode::Secret
                    } else if mode == Mode::Container || is_container_key(&e.key) {
                        Mode::Container
                    } else {
                        Mode::Plain
                    };
                    // A key with nothing after it (`{ hunter2 }`) where secrets are is one too,
                    // unless it is a key of the format.
                    if child != Mode::Plain
                        && e.value.value == NodeValue::Null
                        && !known_key(&e.key)
                    {
                        found.add(e.key_span, text, Some(&e.key));
                    }
                    stack.push((&e.value, child, Some(&e.key)));
                }
            }
            NodeValue::Seq(items) => stack.extend(items.iter().map(|n| (n, mode, None))),
            NodeValue::Null => {}
            scalar => {
                let s = match scalar {
                    NodeValue::Str(s) => Some(s.as_str()),
                    _ => None,
                };
                let shown = match mode {
                    Mode::Plain => true,
                    Mode::Container => {
                        key.is_some_and(|k| {
                            PLAIN_IN_CONTAINER.contains(&k) || (is_reference_key(k) && s.is_some())
                        }) || s == Some("none")
                    }
                    Mode::Secret => key.is_some_and(is_reference_key) && s.is_some(),
                };
                if !shown {
                    found.add(node.span, text, s);
                } else if let Some(s) = s {
                    url_userinfo(node.span, s, text, &mut found);
                }
            }
        }
    }
    found
}

/// Masks `user:password` of a URL in a string value (in its written form).
fn url_userinfo(span: Span, value: &str, text: &str, found: &mut Secrets) {
    let Some(after) = value.find("://").map(|i| i + 3) else {
        return;
    };
    if !value[after..].contains('@') {
        return;
    }
    let written = text
        .get(span.start..span.start + span.len)
        .unwrap_or_default();
    let start = written.find("://").map(|i| i + 3);
    match start.and_then(|s| written[s..].rfind('@').map(|at| (s, at))) {
        Some((s, at)) => {
            found.add(Span::new(span.start + s, at), text, None);
            let info = &value[after..];
            if let Some(at) = info.rfind('@') {
                found.values.push(info[..at].to_owned());
            }
        }
        // The `@` is escaped in the written form: mask the whole value.
        None => found.add(span, text, Some(value)),
    }
}

/// The literal secrets of text that did not parse (see the module doc): conservative, so some
/// values that are not secret are masked too.
pub(crate) fn in_text(text: &str) -> Secrets {
    let mut found = Secrets::default();
    let mut aliases = Vec::new();
    scan_lines(text, &mut found, &mut aliases, secret_key_in_line);
    if !aliases.is_empty() {
        // `password: *pw` makes the value of `&pw` a secret wherever it is written.
        scan_lines(text, &mut found, &mut Vec::new(), |body| {
            aliases.iter().find_map(|a| anchor_in_line(body, a))
        });
    }
    found
}

/// One pass over the lines: `starts` finds where a secret value starts on a line; it is masked to
/// the end of the line, with every following line indented deeper and whatever it leaves open.
/// Aliases (`*name`) in masked text are collected.
fn scan_lines(
    text: &str,
    found: &mut Secrets,
    aliases: &mut Vec<String>,
    starts: impl Fn(&str) -> Option<usize>,
) {
    let mut offset = 0;
    let mut block: Option<usize> = None;
    let mut open = Open::default();
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start_matches([' ', '\t']).len();
        let masked = if open.pending() {
            Some(0)
        } else if block.is_some_and(|b| indent == body.len() || indent > b) {
            Some(indent)
        } else {
            block = None;
            starts(body).inspect(|_| block = Some(indent))
        };
        if let Some(from) = masked {
            let rest = &body[from..];
            found.spans.push(Span::new(offset + from, rest.len()));
            open.scan(rest);
            collect_aliases(rest, aliases);
        }
        for (s, l) in userinfos(body) {
            found.spans.push(Span::new(offset + s, l));
        }
        offset += line.len();
    }
}

/// Where the value of the first secret or container key on the line starts (after the `:`).
fn secret_key_in_line(body: &str) -> Option<usize> {
    let b = body.as_bytes();
    for (colon, _) in body.match_indices(':') {
        if !matches!(
            b.get(colon + 1),
            None | Some(b' ' | b'\t' | b',' | b'}' | b']')
        ) {
            continue;
        }
        let before = &body[..colon];
        let start = before
            .rfind(|c: char| c.is_whitespace() || matches!(c, '{' | '[' | ','))
            .map_or(0, |i| i + 1);
        let key = before[start..].trim_matches(['"', '\'']);
        if is_secret_key(key) || is_container_key(key) {
            return Some(colon + 1);
        }
    }
    None
}

/// Where the value of the anchor `&name` on the line starts.
fn anchor_in_line(body: &str, name: &str) -> Option<usize> {
    let anchor = format!("&{name}");
    let at = body.match_indices(&anchor).map(|(i, _)| i).find(|&i| {
        let end = i + anchor.len();
        body[end..].chars().next().is_none_or(char::is_whitespace)
    })?;
    Some(at + anchor.len())
}

fn collect_aliases(masked: &str, aliases: &mut Vec<String>) {
    for (i, _) in masked.match_indices('*') {
        let name: String = masked[i + 1..]
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}'))
            .collect();
        if !name.is_empty() && !aliases.contains(&name) {
            aliases.push(name);
        }
    }
}

/// Offsets and lengths of `user:pass` in every `scheme://user:pass@host` of a line.
fn userinfos(body: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (i, _) in body.match_indices("://") {
        let start = i + 3;
        let rest = &body[start..];
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | '}' | ']'))
            .unwrap_or(rest.len());
        if let Some(at) = rest[..end].rfind('@') {
            out.push((start, at));
        }
    }
    out
}

/// Quotes and brackets left open in masked text: the masking goes on until they close.
#[derive(Debug, Default)]
struct Open {
    quote: Option<char>,
    depth: usize,
}

impl Open {
    fn pending(&self) -> bool {
        self.quote.is_some() || self.depth > 0
    }

    fn scan(&mut self, s: &str) {
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            match (self.quote, c) {
                (Some('"'), '\\') => {
                    chars.next();
                }
                (Some(q), c) if c == q => self.quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => self.quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => self.depth += 1,
                (None, ']' | '}') => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
        }
    }
}

/// The text snippets show: every secret span blanked with `*` (line breaks kept, so lines and
/// offsets stay as they are), and every control character replaced with `?` byte for byte, so
/// nothing in a plan can drive the terminal.
pub(crate) fn masked(text: &str, secrets: &[Span]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for s in secrets {
        let end = (s.start + s.len).min(bytes.len());
        for b in bytes.get_mut(s.start.min(end)..end).into_iter().flatten() {
            if !matches!(*b, b'\n' | b'\r') {
                *b = b'*';
            }
        }
    }
    // Masking whole bytes never splits a character (spans are on character boundaries), but a
    // lossy conversion keeps the text printable whatever happens.
    let shown = String::from_utf8_lossy(&bytes);
    let mut out = String::with_capacity(shown.len());
    for c in shown.chars() {
        if is_forbidden_control(c) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::*;

    /// Every property name in the generated schema.
    fn schema_keys(v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::Object(props)) = m.get("properties") {
                    out.extend(props.keys().cloned());
                }
                m.values().for_each(|x| schema_keys(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| schema_keys(x, out)),
            _ => {}
        }
    }

    #[test]
    fn of_the_format_only_the_secret_fields_count_as_secret_keys() {
        let mut keys = BTreeSet::new();
        schema_keys(crate::schema::schema(), &mut keys);
        assert!(keys.len() > 50, "{keys:?}");
        let secret: Vec<&str> = keys
            .iter()
            .map(String::as_str)
            .filter(|k| is_secret_key(k))
            .collect();
        assert_eq!(
            secret,
            [
                "access_key_id",
                "access_key_secret",
                "api_key",
                "credentials",
                "key",
                "password",
                "sas_token",
                "secret_access_key",
                "security_token",
                "session_token",
                "token"
            ]
        );
        let containers: Vec<&str> = keys
            .iter()
            .map(String::as_str)
            .filter(|k| is_container_key(k))
            .collect();
        assert_eq!(containers, ["auth", "credentials", "remote_auth"]);
    }

    #[test]
    fn misspelled_secret_and_container_keys_are_still_caught() {
        for k in [
            "pasword",
            "passwrd",
            "Password",
            "tokne",
            "acess_key_id",
            "secret_acces_key",
            "db_passwd",
            "client_secret",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in ["atuh", "auht", "credentails", "remote_atuh"] {
            assert!(is_container_key(k), "{k}");
        }
        for k in [
            "path",
            "name",
            "keys",
            "username",
            "region",
            "bucket",
            "base_path",
        ] {
            assert!(!is_secret_key(k) && !is_container_key(k), "{k}");
        }
    }

    fn masked_text(text: &str) -> String {
        masked(text, &in_text(text).spans)
    }

    #[test]
    fn broken_text_is_masked_below_a_secret_key_and_until_what_it_opened_closes() {
        // Lines indented below `auth:` are masked; the `{` and the quote opened there carry the
        // masking over the next lines until they close.
        let text = "source:\n  auth:\n    basic: { username: u,\n  password: \"a\nb\" }\n    x: 1\ndestination: d\n";
        assert_eq!(
            masked_text(text),
            "source:\n  auth:\n    *********************\n**************\n****\n    ****\ndestination: d\n"
        );
        // What never closes masks the rest: better too much than a piece of a secret.
        assert_eq!(
            masked_text("password: [a,\nname: b\n"),
            "password:****\n*******\n"
        );
    }

    #[test]
    fn an_anchor_aliased_from_a_secret_key_is_masked_where_it_is_written() {
        let text = "name: &pw hunter22\npassword: *pw\n: [\n";
        assert_eq!(
            masked_text(text),
            "name: &pw*********\npassword:****\n: [\n"
        );
    }

    #[test]
    fn url_passwords_and_control_characters_are_masked_in_any_line() {
        assert_eq!(
            masked_text("url: http://u:pw@h:1 and https://x@y\nname: a\u{1b}b\n"),
            "url: http://****@h:1 and https://*@y\nname: a?b\n"
        );
    }

    #[test]
    fn scrubbing_takes_long_values_anywhere_and_short_ones_where_quoted() {
        let s = Secrets {
            values: vec!["hunter22".into(), "pw".into()],
            ..Secrets::default()
        };
        let scrub = s.scrubber();
        assert_eq!(
            scrub.scrub("a hunter22b `pw` pwd `hunter22`"),
            "a <redacted>b `<redacted>` pwd `<redacted>`"
        );
    }
}
