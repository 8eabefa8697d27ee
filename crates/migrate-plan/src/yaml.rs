//! YAML text → [`Node`] tree with byte spans, using yaml-rust2's event parser.
//!
//! Built with an explicit stack (no recursion), with limits on depth and on the node count including
//! alias expansions, so deep nesting and "billion laughs" documents fail fast with a clear message.
//! Duplicate keys are reported (all of them) and the first value is kept. Plain scalars are resolved
//! with the YAML 1.2 core schema: `yes`/`no` stay strings.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::diagnostic::PlanDiagnostic;
use crate::extent;
use crate::limits::{MAX_DEPTH, MAX_NODES};
use crate::node::{Entry, Node, NodeValue, Span};
use crate::text::Found;

/// Maps the parser's character offsets to byte offsets.
struct Offsets<'a> {
    text: &'a str,
    /// Byte offset of each char, only for non-ASCII text.
    table: Option<Vec<u32>>,
}

impl<'a> Offsets<'a> {
    fn new(text: &'a str) -> Self {
        let table =
            (!text.is_ascii()).then(|| text.char_indices().map(|(b, _)| b as u32).collect());
        Offsets { text, table }
    }

    fn byte(&self, mark: &Marker) -> usize {
        let i = mark.index();
        match &self.table {
            None => i.min(self.text.len()),
            Some(t) => t.get(i).map_or(self.text.len(), |&b| b as usize),
        }
    }

    /// The span of a scalar starting at `start`: its whole written form (see [`extent`]).
    fn scalar_span(&self, start: usize, value: &str, style: TScalarStyle) -> Span {
        let rest = self.text.get(start..).unwrap_or("");
        Span::new(start, extent::scalar_len(rest, value, style))
    }
}

enum FrameKind {
    Seq(Vec<Node>),
    Map {
        entries: Vec<Entry>,
        /// The key waiting for its value; `discard` when it duplicates an earlier key.
        pending: Option<(String, Span, bool)>,
        seen: HashMap<String, Span>,
    },
}

struct Frame {
    kind: FrameKind,
    start: Span,
    anchor: usize,
    nodes_before: usize,
}

struct Builder<'a> {
    offsets: Offsets<'a>,
    stack: Vec<Frame>,
    root: Option<Node>,
    anchors: HashMap<usize, (Node, usize)>,
    nodes: usize,
    errors: Found,
}

/// Why parsing stopped early.
struct Stop;

/// Parses one YAML document. Errors are returned without a source; the loader attaches it.
pub(crate) fn parse(text: &str) -> Result<Option<Node>, Found> {
    let mut b = Builder {
        offsets: Offsets::new(text),
        stack: Vec::new(),
        root: None,
        anchors: HashMap::new(),
        nodes: 0,
        errors: Found::default(),
    };
    let mut parser = Parser::new_from_str(text);
    let mut documents = 0usize;
    loop {
        let (event, mark) = match parser.next_token() {
            Ok(t) => t,
            Err(e) => {
                let at = b.offsets.byte(e.marker());
                b.errors.add(syntax_error(at, e.info()));
                break;
            }
        };
        let at = b.offsets.byte(&mark);
        let step = match event {
            Event::StreamEnd => break,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    b.errors.add(
                        PlanDiagnostic::error(
                            "plan::yaml",
                            "the file holds more than one YAML document",
                        )
                        .label(Span::new(at, 3.min(text.len() - at.min(text.len()))), "a second document starts here")
                        .help("a plan is one document: remove the `---` line and everything after it, or split it into separate files"),
                    );
                    Err(Stop)
                } else {
                    Ok(())
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                b.scalar(value, style, anchor, tag.as_ref(), at)
            }
            Event::Alias(id) => b.alias(id, at),
            Event::SequenceStart(anchor, _) => b.open(FrameKind::Seq(Vec::new()), anchor, at),
            Event::MappingStart(anchor, _) => b.open(
                FrameKind::Map {
                    entries: Vec::new(),
                    pending: None,
                    seen: HashMap::new(),
                },
                anchor,
                at,
            ),
            Event::SequenceEnd | Event::MappingEnd => b.close(),
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => Ok(()),
        };
        if step.is_err() {
            break;
        }
    }
    if b.errors.is_empty() {
        Ok(b.root)
    } else {
        Err(b.errors)
    }
}

fn syntax_error(at: usize, info: &str) -> PlanDiagnostic {
    PlanDiagnostic::error("plan::yaml", format!("invalid YAML: {info}"))
        .label(Span::new(at, 0), "here")
        .help("check the indentation, the `:` after each key, and that quotes and brackets are closed")
}

impl Builder<'_> {
    fn count(&mut self, n: usize, at: usize) -> Result<(), Stop> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            self.errors.add(
                PlanDiagnostic::error(
                    "plan::limit",
                    format!("the document expands to more than {MAX_NODES} values"),
                )
                .label(Span::new(at, 0), "the limit is reached here")
                .help("a plan this large is almost certainly an alias bomb; write the values out, or use fewer aliases"),
            );
            return Err(Stop);
        }
        Ok(())
    }

    fn scalar(
        &mut self,
        raw: String,
        style: TScalarStyle,
        anchor: usize,
        tag: Option<&yaml_rust2::parser::Tag>,
        at: usize,
    ) -> Result<(), Stop> {
        self.count(1, at)?;
        let span = self.offsets.scalar_span(at, &raw, style);
        // A scalar where a key is expected is a key.
        if let Some(Frame {
            kind:
                FrameKind::Map {
                    pending: pending @ None,
                    seen,
                    entries,
                },
            ..
        }) = self.stack.last_mut()
        {
            // Small maps (all of a plan's, in practice) are searched linearly; big ones get an index.
            const INDEXED: usize = 32;
            if entries.len() >= INDEXED && seen.is_empty() {
                seen.extend(entries.iter().map(|e| (e.key.clone(), e.key_span)));
            }
            let earlier = if entries.len() >= INDEXED {
                seen.get(&raw).copied()
            } else {
                entries.iter().find(|e| e.key == raw).map(|e| e.key_span)
            };
            let discard = if let Some(first) = earlier {
                self.errors.add(
                    PlanDiagnostic::error("plan::duplicate-key", format!("duplicate key `{raw}`"))
                        .label(span, "defined again here")
                        .label(first, "first defined here")
                        .help("YAML keeps one value per key: remove one of them (the first one is used)"),
                );
                true
            } else {
                if !seen.is_empty() {
                    seen.insert(raw.clone(), span);
                }
                false
            };
            *pending = Some((raw, span, discard));
            return Ok(());
        }
        let is_str_tag = tag.is_some_and(|t| t.suffix == "str" || t.suffix.ends_with(":str"));
        let value = if style == TScalarStyle::Plain && !is_str_tag {
            resolve_plain(raw)
        } else {
            NodeValue::Str(raw)
        };
        let node = Node { value, span };
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), 1));
        }
        self.push(node, 1, at)
    }

    fn alias(&mut self, id: usize, at: usize) -> Result<(), Stop> {
        let Some((node, n)) = self.anchors.get(&id) else {
            self.errors.add(syntax_error(at, "unknown anchor"));
            return Err(Stop);
        };
        let (node, n) = (node.clone(), *n);
        self.count(n, at)?;
        self.push(node, n, at)
    }

    fn open(&mut self, kind: FrameKind, anchor: usize, at: usize) -> Result<(), Stop> {
        if let Some(Frame {
            kind: FrameKind::Map { pending: None, .. },
            ..
        }) = self.stack.last()
        {
            self.errors.add(
                PlanDiagnostic::error(
                    "plan::yaml",
                    "a key must be a plain string, not a list or a map",
                )
                .label(Span::new(at, 1), "this key")
                .help("write keys as plain words followed by `:`"),
            );
            return Err(Stop);
        }
        if self.stack.len() >= MAX_DEPTH {
            self.errors.add(
                PlanDiagnostic::error(
                    "plan::limit",
                    format!("the document is nested more than {MAX_DEPTH} levels deep"),
                )
                .label(Span::new(at, 1), "too deep here")
                .help("a plan needs only a few levels; flatten this value"),
            );
            return Err(Stop);
        }
        self.count(1, at)?;
        let nodes_before = self.nodes;
        self.stack.push(Frame {
            kind,
            start: Span::new(at, 1),
            anchor,
            nodes_before,
        });
        Ok(())
    }

    fn close(&mut self) -> Result<(), Stop> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let value = match frame.kind {
            FrameKind::Seq(items) => NodeValue::Seq(items),
            FrameKind::Map {
                entries, pending, ..
            } => {
                let mut entries = entries;
                if let Some((key, key_span, false)) = pending {
                    // `key` with nothing after it (only at the very end of a flow map).
                    entries.push(Entry {
                        key,
                        key_span,
                        value: Node {
                            value: NodeValue::Null,
                            span: Span::new(key_span.start + key_span.len, 0),
                        },
                    });
                }
                NodeValue::Map(entries)
            }
        };
        let n = self.nodes - frame.nodes_before + 1;
        let node = Node {
            value,
            span: frame.start,
        };
        if frame.anchor > 0 {
            self.anchors.insert(frame.anchor, (node.clone(), n));
        }
        self.push(node, 0, frame.start.start)
    }

    fn push(&mut self, node: Node, _n: usize, at: usize) -> Result<(), Stop> {
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                Ok(())
            }
            Some(Frame {
                kind: FrameKind::Seq(items),
                ..
            }) => {
                items.push(node);
                Ok(())
            }
            Some(Frame {
                kind: FrameKind::Map {
                    entries, pending, ..
                },
                ..
            }) => match pending.take() {
                Some((key, key_span, discard)) => {
                    if !discard {
                        entries.push(Entry {
                            key,
                            key_span,
                            value: node,
                        });
                    }
                    Ok(())
                }
                None => {
                    // An alias used as a key.
                    self.errors.add(
                        PlanDiagnostic::error(
                            "plan::yaml",
                            "a key must be a plain string, not an alias",
                        )
                        .label(Span::new(at, 1), "this key")
                        .help("write the key out instead of using `*alias`"),
                    );
                    Err(Stop)
                }
            },
        }
    }
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn resolve_plain(raw: String) -> NodeValue {
    match raw.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return NodeValue::Null,
        "true" | "True" | "TRUE" => return NodeValue::Bool(true),
        "false" | "False" | "FALSE" => return NodeValue::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return NodeValue::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return NodeValue::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return NodeValue::Float(f64::NAN),
        _ => {}
    }
    if is_decimal_int(&raw) {
        if let Ok(i) = raw.parse::<i64>() {
            return NodeValue::Int(i);
        }
        if let Ok(f) = raw.parse::<f64>() {
            return NodeValue::Float(f);
        }
    }
    if let Some(hex) = raw.strip_prefix("0x")
        && !hex.is_empty()
        && let Ok(i) = i64::from_str_radix(hex, 16)
    {
        return NodeValue::Int(i);
    }
    if let Some(oct) = raw.strip_prefix("0o")
        && !oct.is_empty()
        && let Ok(i) = i64::from_str_radix(oct, 8)
    {
        return NodeValue::Int(i);
    }
    if is_float(&raw)
        && let Ok(f) = raw.parse::<f64>()
    {
        return NodeValue::Float(f);
    }
    NodeValue::Str(raw)
}

fn is_decimal_int(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match frac {
        Some(f) => digits(int) && digits(f) && !(int.is_empty() && f.is_empty()),
        None => !int.is_empty() && digits(int),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> Node {
        parse(text).expect("parses").expect("a document")
    }

    #[test]
    fn spans_point_at_keys_and_values_in_bytes() {
        let text = "a: 1\nnamé: \"x y\"\nb: [c, 'd''e']\n";
        let doc = root(text);
        let e = doc.get("namé").expect("key");
        assert_eq!(
            &text[e.key_span.start..e.key_span.start + e.key_span.len],
            "namé"
        );
        let v = e.value.span;
        assert_eq!(&text[v.start..v.start + v.len], "\"x y\"");
        let b = doc.get("b").expect("b");
        let NodeValue::Seq(items) = &b.value.value else {
            panic!("seq")
        };
        let s = items[1].span;
        assert_eq!(&text[s.start..s.start + s.len], "'d''e'");
        assert_eq!(items[1].value, NodeValue::Str("d'e".into()));
    }

    #[test]
    fn core_schema_resolution() {
        let doc = root("a: yes\nb: true\nc: 012\nd: 1.5\ne: ~\nf: '1'\ng: 0x1F\nh: 1e3\n");
        let v = |k: &str| doc.get(k).expect(k).value.value.clone();
        assert_eq!(v("a"), NodeValue::Str("yes".into()));
        assert_eq!(v("b"), NodeValue::Bool(true));
        assert_eq!(v("c"), NodeValue::Int(12));
        assert_eq!(v("d"), NodeValue::Float(1.5));
        assert_eq!(v("e"), NodeValue::Null);
        assert_eq!(v("f"), NodeValue::Str("1".into()));
        assert_eq!(v("g"), NodeValue::Int(31));
        assert_eq!(v("h"), NodeValue::Float(1000.0));
    }

    #[test]
    fn aliases_expand_within_budget() {
        let doc = root("a: &x {k: v}\nb: *x\n");
        assert_eq!(
            doc.get("a").map(|e| &e.value.value),
            doc.get("b").map(|e| &e.value.value)
        );
    }
}
