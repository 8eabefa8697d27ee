//! The YAML document as a tree of nodes that remember where they came from (byte spans), so every
//! diagnostic can point at the exact key or value.

use miette::SourceSpan;
use serde_json::{Map, Number, Value};

/// A byte range in the plan's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Length in bytes (0 for a point).
    pub len: usize,
}

impl Span {
    pub fn new(start: usize, len: usize) -> Self {
        Span { start, len }
    }
}

impl From<Span> for SourceSpan {
    fn from(s: Span) -> Self {
        SourceSpan::new(s.start.into(), s.len)
    }
}

/// One YAML node with its span.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub value: NodeValue,
    pub span: Span,
}

/// A resolved YAML value (YAML 1.2 core schema).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NodeValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// A mapping entry: the key (always a string) with its own span, and the value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

/// One step of a path into the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// Where a node sits: its own span and the span of the key it is the value of (if any).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place<'a> {
    pub node: &'a Node,
    pub key_span: Option<Span>,
}

impl Place<'_> {
    /// The best span to label "this value": scalars are labelled themselves, collections by their key.
    pub fn value_span(&self) -> Span {
        match (&self.node.value, self.key_span) {
            (NodeValue::Seq(_) | NodeValue::Map(_), Some(key)) => key,
            _ => self.node.span,
        }
    }

    /// The span of the key when there is one, otherwise the node's own.
    pub fn key_or_value_span(&self) -> Span {
        self.key_span.unwrap_or(self.node.span)
    }
}

impl Node {
    /// A short description of the node's type, for "expected X, found Y".
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            NodeValue::Null => "nothing (null)",
            NodeValue::Bool(_) => "a boolean",
            NodeValue::Int(_) => "an integer",
            NodeValue::Float(_) => "a number",
            NodeValue::Str(_) => "a string",
            NodeValue::Seq(_) => "a list",
            NodeValue::Map(_) => "a map",
        }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            NodeValue::Map(e) => e,
            _ => &[],
        }
    }

    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries().iter().find(|e| e.key == key)
    }

    /// Follows a path; `None` when some step is missing.
    pub fn find<'a>(&'a self, path: &[Seg<'_>]) -> Option<Place<'a>> {
        let mut place = Place {
            node: self,
            key_span: None,
        };
        for seg in path {
            place = match (seg, &place.node.value) {
                (Seg::Key(k), NodeValue::Map(_)) => {
                    let e = place.node.get(k)?;
                    Place {
                        node: &e.value,
                        key_span: Some(e.key_span),
                    }
                }
                (Seg::Index(i), NodeValue::Seq(items)) => Place {
                    node: items.get(*i)?,
                    key_span: None,
                },
                _ => return None,
            };
        }
        Some(place)
    }

    /// Follows as much of a path as exists and returns the deepest place reached.
    pub fn find_nearest<'a>(&'a self, path: &[Seg<'_>]) -> Place<'a> {
        for n in (0..=path.len()).rev() {
            if let Some(p) = self.find(&path[..n]) {
                return p;
            }
        }
        Place {
            node: self,
            key_span: None,
        }
    }

    /// Converts to JSON. Non-finite floats become strings (JSON has no `.inf`), so the schema rejects
    /// them as values of the wrong type instead of silently turning them into `null`.
    pub fn to_json(&self) -> Value {
        match &self.value {
            NodeValue::Null => Value::Null,
            NodeValue::Bool(b) => Value::Bool(*b),
            NodeValue::Int(i) => Value::Number((*i).into()),
            NodeValue::Float(f) => Number::from_f64(*f)
                .map(Value::Number)
                .unwrap_or_else(|| Value::String(f.to_string())),
            NodeValue::Str(s) => Value::String(s.clone()),
            NodeValue::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeValue::Map(entries) => {
                let mut map = Map::with_capacity(entries.len());
                for e in entries {
                    map.insert(e.key.clone(), e.value.to_json());
                }
                Value::Object(map)
            }
        }
    }
}
