//! Checks the document's shape against the generated JSON schema and explains every mismatch at the
//! exact key or value: unknown keys (with "did you mean"), missing keys (with the field's
//! description), wrong types, values outside an enum or range, unknown kinds of a one-of-several
//! choice (`auth: { basik: … }`).
//!
//! This walker understands the subset of JSON Schema that schemars generates for the wire types:
//! `$ref`, `type`, `const`, `enum`, `properties`/`required`/`additionalProperties`, `items`,
//! `anyOf`/`oneOf` (externally tagged enums, options, untagged choices), and the numeric, length and
//! item-count bounds. The `jsonschema` crate validates the same document independently (see
//! `load`), so anything this walker does not explain is still reported.

use serde_json::{Map, Value};

use crate::diagnostic::PlanDiagnostic;
use crate::node::{Entry, Node, NodeValue, Span};
use crate::schema_type::{accepts, accepts_object, expected_from_type, type_matches};
use crate::suggest::{did_you_mean, join_or, one_of};
use crate::text::Found;

/// Checks `doc` against `schema` (the root of the generated schema) and returns every finding
/// (the first ones in full, a count of the rest).
pub(crate) fn check(schema: &Value, doc: &Node) -> Found {
    let mut w = Walker {
        root: schema,
        out: Found::default(),
    };
    let ctx = Ctx {
        path: String::new(),
        key_span: None,
        description: None,
    };
    w.node(schema, doc, &ctx);
    w.out
}

struct Walker<'s> {
    root: &'s Value,
    out: Found,
}

/// Where the walker is: the dotted path for messages and the key the node is the value of.
struct Ctx<'s> {
    path: String,
    key_span: Option<Span>,
    description: Option<&'s str>,
}

impl Ctx<'_> {
    fn name(&self) -> String {
        if self.path.is_empty() {
            "the plan".into()
        } else {
            format!("`{}`", self.path)
        }
    }

    fn child_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The span to label the node itself: scalars by their value, collections by their key.
    fn value_span(&self, node: &Node) -> Span {
        match (&node.value, self.key_span) {
            (NodeValue::Map(_) | NodeValue::Seq(_), Some(k)) => k,
            _ => node.span,
        }
    }
}

/// One alternative of an `anyOf`/`oneOf`, classified.
enum Alt<'s> {
    /// `{ tag: … }`: a variant of an externally tagged enum.
    Tagged(&'s str, &'s Value),
    /// A string constant: a unit variant.
    Unit(&'s str),
    /// `null` (an optional value).
    Null,
    /// Anything else, checked as a whole.
    Other(&'s Value),
}

impl<'s> Walker<'s> {
    fn resolve(&self, mut schema: &'s Value) -> &'s Value {
        for _ in 0..32 {
            let Some(r) = schema.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let Some(target) = r.strip_prefix('#').and_then(|p| self.root.pointer(p)) else {
                break;
            };
            schema = target;
        }
        schema
    }

    fn node(&mut self, schema: &'s Value, node: &Node, ctx: &Ctx<'s>) {
        let s = self.resolve(schema);
        if let Some(alts) = s
            .get("anyOf")
            .or_else(|| s.get("oneOf"))
            .and_then(Value::as_array)
        {
            self.alternatives(alts, node, ctx);
            return;
        }
        if let Some(t) = s.get("type")
            && !type_matches(t, node)
        {
            self.wrong_type(&expected_from_type(t), node, ctx);
            return;
        }
        if let Some(c) = s.get("const")
            && &node.to_json() != c
        {
            self.not_allowed(node, ctx, &[c.to_string()]);
            return;
        }
        if let Some(options) = s.get("enum").and_then(Value::as_array)
            && !options.contains(&node.to_json())
        {
            let names: Vec<String> = options
                .iter()
                .map(|o| o.as_str().map_or_else(|| o.to_string(), str::to_owned))
                .collect();
            self.not_allowed(node, ctx, &names);
            return;
        }
        match &node.value {
            NodeValue::Map(entries) => self.object(s, entries, node, ctx),
            NodeValue::Seq(items) => self.array(s, items, node, ctx),
            NodeValue::Int(_) | NodeValue::Float(_) => self.number(s, node, ctx),
            NodeValue::Str(text) => self.string(s, text, node, ctx),
            NodeValue::Null | NodeValue::Bool(_) => {}
        }
    }

    fn object(&mut self, s: &'s Value, entries: &[Entry], node: &Node, ctx: &Ctx<'s>) {
        let props = s.get("properties").and_then(Value::as_object);
        let additional = s.get("additionalProperties");
        for e in entries {
            let child = |description| Ctx {
                path: ctx.child_path(&e.key),
                key_span: Some(e.key_span),
                description,
            };
            if let Some(p) = props.and_then(|m| m.get(&e.key)) {
                let description = p.get("description").and_then(Value::as_str);
                self.node(p, &e.value, &child(description));
            } else {
                match additional {
                    Some(Value::Bool(false)) => self.unknown_key(e, props, ctx),
                    Some(a @ Value::Object(_)) => self.node(a, &e.value, &child(None)),
                    _ => {}
                }
            }
        }
        for r in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if entries.iter().any(|e| e.key == r) {
                continue;
            }
            let description = props
                .and_then(|m| m.get(r))
                .and_then(|p| p.get("description"))
                .and_then(Value::as_str);
            let span = ctx
                .key_span
                .or_else(|| entries.first().map(|e| e.key_span))
                .unwrap_or(node.span);
            let help = match description {
                Some(d) => format!("add `{r}:` — {d}"),
                None => format!("add `{r}:`"),
            };
            self.out.add(
                PlanDiagnostic::error(
                    "plan::missing-key",
                    format!("missing key `{r}` in {}", ctx.name()),
                )
                .label(span, format!("`{r}` is required here"))
                .help(help),
            );
        }
    }

    fn unknown_key(&mut self, e: &Entry, props: Option<&Map<String, Value>>, ctx: &Ctx<'s>) {
        if self.out.full() {
            // Past the limit findings are only counted: skip the suggestions.
            self.out.more += 1;
            return;
        }
        let keys: Vec<&str> = props
            .into_iter()
            .flat_map(|m| m.keys())
            .map(String::as_str)
            .collect();
        let help = match did_you_mean(&e.key, keys.iter().copied()) {
            Some(k) => format!("did you mean `{k}`?"),
            None if keys.is_empty() => format!("{} takes no keys", ctx.name()),
            None => format!("the keys of {} are {}", ctx.name(), one_of(&keys)),
        };
        self.out.add(
            PlanDiagnostic::error(
                "plan::unknown-key",
                format!("unknown key `{}` in {}", e.key, ctx.name()),
            )
            .label(e.key_span, "unknown key")
            .help(help),
        );
    }

    fn array(&mut self, s: &'s Value, items: &[Node], node: &Node, ctx: &Ctx<'s>) {
        if let Some(min) = s.get("minItems").and_then(Value::as_u64)
            && (items.len() as u64) < min
        {
            self.out.add(
                PlanDiagnostic::error(
                    "plan::range",
                    format!(
                        "{} needs at least {min} {}",
                        ctx.name(),
                        plural(min, "entry", "entries")
                    ),
                )
                .label(ctx.value_span(node), "empty list")
                .help(
                    ctx.description
                        .map_or_else(|| "add an entry".to_owned(), str::to_owned),
                ),
            );
        }
        if let Some(item_schema) = s.get("items") {
            for (i, item) in items.iter().enumerate() {
                let child = Ctx {
                    path: format!("{}[{i}]", ctx.path),
                    key_span: None,
                    description: None,
                };
                self.node(item_schema, item, &child);
            }
        }
    }

    fn number(&mut self, s: &'s Value, node: &Node, ctx: &Ctx<'s>) {
        let v = match node.value {
            NodeValue::Int(i) => i as f64,
            NodeValue::Float(f) => f,
            _ => return,
        };
        let min = s.get("minimum").and_then(Value::as_f64);
        let max = s.get("maximum").and_then(Value::as_f64);
        let out_of_range = min.is_some_and(|m| v < m) || max.is_some_and(|m| v > m);
        if out_of_range {
            let bounds = match (min, max) {
                (Some(a), Some(b)) if a == b => format!("must be {a}"),
                (Some(a), Some(b)) => format!("must be between {a} and {b}"),
                (Some(a), None) => format!("must be at least {a}"),
                (None, Some(b)) => format!("must be at most {b}"),
                (None, None) => unreachable_bounds(),
            };
            self.out.add(
                PlanDiagnostic::error("plan::range", format!("{} {bounds}", ctx.name()))
                    .label(node.span, "out of range")
                    .help(
                        ctx.description
                            .map_or_else(|| bounds.clone(), str::to_owned),
                    ),
            );
        }
    }

    fn string(&mut self, s: &'s Value, text: &str, node: &Node, ctx: &Ctx<'s>) {
        let len = text.chars().count() as u64;
        if let Some(min) = s.get("minLength").and_then(Value::as_u64)
            && len < min
        {
            self.out.add(
                PlanDiagnostic::error("plan::range", format!("{} must not be empty", ctx.name()))
                    .label(node.span, "empty")
                    .help(
                        ctx.description
                            .map_or_else(|| "write a value".to_owned(), str::to_owned),
                    ),
            );
        }
        if let Some(max) = s.get("maxLength").and_then(Value::as_u64)
            && len > max
        {
            self.out.add(
                PlanDiagnostic::error(
                    "plan::range",
                    format!("{} is {len} characters long, more than {max}", ctx.name()),
                )
                .label(node.span, "too long")
                .help(
                    ctx.description
                        .map_or_else(|| format!("shorten it to {max} characters"), str::to_owned),
                ),
            );
        }
    }

    fn classify(&self, alts: &'s [Value], out: &mut Vec<Alt<'s>>, depth: usize) {
        for a in alts {
            let a = self.resolve(a);
            if let Some(inner) = a
                .get("oneOf")
                .or_else(|| a.get("anyOf"))
                .and_then(Value::as_array)
                && depth < 4
            {
                self.classify(inner, out, depth + 1);
                continue;
            }
            if let Some(c) = a.get("const").and_then(Value::as_str) {
                out.push(Alt::Unit(c));
                continue;
            }
            if let Some(options) = a.get("enum").and_then(Value::as_array)
                && options.iter().all(Value::is_string)
            {
                out.extend(options.iter().filter_map(Value::as_str).map(Alt::Unit));
                continue;
            }
            if a.get("type").and_then(Value::as_str) == Some("null") {
                out.push(Alt::Null);
                continue;
            }
            let required: Vec<&str> = a
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let props = a.get("properties").and_then(Value::as_object);
            if let ([tag], Some(props)) = (required.as_slice(), props)
                && props.len() == 1
                && a.get("additionalProperties") == Some(&Value::Bool(false))
                && let Some(sub) = props.get(*tag)
            {
                out.push(Alt::Tagged(tag, sub));
                continue;
            }
            out.push(Alt::Other(a));
        }
    }

    fn alternatives(&mut self, alts: &'s [Value], node: &Node, ctx: &Ctx<'s>) {
        let mut classified = Vec::new();
        self.classify(alts, &mut classified, 0);
        let units: Vec<&str> = classified
            .iter()
            .filter_map(|a| match a {
                Alt::Unit(u) => Some(*u),
                _ => None,
            })
            .collect();
        let tags: Vec<(&str, &Value)> = classified
            .iter()
            .filter_map(|a| match a {
                Alt::Tagged(t, s) => Some((*t, *s)),
                _ => None,
            })
            .collect();
        let others: Vec<&Value> = classified
            .iter()
            .filter_map(|a| match a {
                Alt::Other(s) => Some(*s),
                _ => None,
            })
            .collect();
        let nullable = classified.iter().any(|a| matches!(a, Alt::Null));
        let all_names: Vec<&str> = units
            .iter()
            .copied()
            .chain(tags.iter().map(|t| t.0))
            .collect();

        match &node.value {
            NodeValue::Null if nullable => {}
            NodeValue::Map(entries) if !tags.is_empty() => {
                if let [e] = entries.as_slice() {
                    if let Some((_, sub)) = tags.iter().find(|(t, _)| *t == e.key) {
                        let child = Ctx {
                            path: ctx.child_path(&e.key),
                            key_span: Some(e.key_span),
                            description: sub.get("description").and_then(Value::as_str),
                        };
                        self.node(sub, &e.value, &child);
                    } else if units.contains(&e.key.as_str()) {
                        self.out.add(
                            PlanDiagnostic::error(
                                "plan::type",
                                format!("`{}` in {} takes no settings", e.key, ctx.name()),
                            )
                            .label(e.key_span, "written as a map")
                            .help(format!("write it as a plain value: `{}`", e.key)),
                        );
                    } else {
                        let help = match did_you_mean(&e.key, all_names.iter().copied()) {
                            Some(k) => format!(
                                "did you mean `{k}`? {} is one of {}",
                                ctx.name(),
                                one_of(&all_names)
                            ),
                            None => format!("{} is one of {}", ctx.name(), one_of(&all_names)),
                        };
                        self.out.add(
                            PlanDiagnostic::error(
                                "plan::unknown-variant",
                                format!("unknown kind `{}` in {}", e.key, ctx.name()),
                            )
                            .label(e.key_span, "unknown kind")
                            .help(help),
                        );
                    }
                } else if let Some(other) = others.iter().find(|o| accepts_object(o)) {
                    self.node(other, node, ctx);
                } else {
                    let keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
                    let found = if keys.is_empty() {
                        "an empty map".to_owned()
                    } else {
                        one_of(&keys).replace(" or ", " and ")
                    };
                    self.out.add(
                        PlanDiagnostic::error(
                            "plan::one-of",
                            format!("{} must name exactly one kind, found {found}", ctx.name()),
                        )
                        .label(ctx.value_span(node), "exactly one kind expected")
                        .help(format!("keep one of {}", one_of(&all_names))),
                    );
                }
            }
            NodeValue::Str(s) if units.contains(&s.as_str()) => {}
            NodeValue::Str(s) if !units.is_empty() && !others.iter().any(|o| accepts(o, node)) => {
                let mut help = match did_you_mean(s, all_names.iter().copied()) {
                    Some(k) => format!("did you mean `{k}`? "),
                    None => String::new(),
                };
                help.push_str(&format!("allowed: {}", one_of(&all_names)));
                if !tags.is_empty() {
                    help.push_str(&format!(
                        " (the last {} written as a map)",
                        plural(tags.len() as u64, "one", &format!("{}", tags.len()))
                    ));
                }
                self.out.add(
                    PlanDiagnostic::error(
                        "plan::enum",
                        format!("`{s}` is not a valid value for {}", ctx.name()),
                    )
                    .label(node.span, "not allowed here")
                    .help(help),
                );
            }
            _ => {
                if let Some(other) = others.iter().find(|o| accepts(o, node)) {
                    self.node(other, node, ctx);
                    return;
                }
                let mut expected: Vec<String> = Vec::new();
                if !units.is_empty() {
                    expected.push(one_of(&units));
                }
                if !tags.is_empty() {
                    let names: Vec<&str> = tags.iter().map(|t| t.0).collect();
                    expected.push(format!("a map with one of {}", one_of(&names)));
                }
                for o in &others {
                    if let Some(t) = o.get("type") {
                        expected.push(expected_from_type(t));
                    } else if accepts_object(o) {
                        expected.push("a map".into());
                    }
                }
                expected.dedup();
                let expected = join_or(&expected);
                self.wrong_type(&expected, node, ctx);
            }
        }
    }

    fn wrong_type(&mut self, expected: &str, node: &Node, ctx: &Ctx<'s>) {
        if self.out.full() {
            // Past the limit findings are only counted: skip the suggestions.
            self.out.more += 1;
            return;
        }
        let found = match &node.value {
            NodeValue::Str(s) if s.len() <= 40 => format!("the string `{s}`"),
            NodeValue::Int(i) => format!("the number `{i}`"),
            NodeValue::Bool(b) => format!("`{b}`"),
            _ => node.kind_name().to_owned(),
        };
        let hint = match (&node.value, expected) {
            (NodeValue::Str(s), "true or false")
                if matches!(s.as_str(), "yes" | "no" | "on" | "off" | "y" | "n") =>
            {
                Some(format!(
                    "write `{}` (YAML 1.2 reads `{s}` as a string)",
                    if matches!(s.as_str(), "yes" | "on" | "y") {
                        "true"
                    } else {
                        "false"
                    }
                ))
            }
            (NodeValue::Int(_) | NodeValue::Float(_) | NodeValue::Bool(_), "a string") => {
                Some("quote the value to make it a string".to_owned())
            }
            (NodeValue::Null, _) => Some("write a value after the `:`".to_owned()),
            _ => None,
        };
        let help = match (hint, ctx.description) {
            (Some(h), _) => h,
            (None, _) if ctx.path.is_empty() => "a plan is a map with the keys `version`, `name`, `source`, `destination`, `indexes` and `strategy`; see the examples in `plans/`".to_owned(),
            (None, Some(d)) => d.to_owned(),
            (None, None) => format!("write {expected}"),
        };
        self.out.add(
            PlanDiagnostic::error(
                "plan::type",
                format!("{} must be {expected}, found {found}", ctx.name()),
            )
            .label(ctx.value_span(node), format!("expected {expected}"))
            .help(help),
        );
    }

    fn not_allowed(&mut self, node: &Node, ctx: &Ctx<'s>, allowed: &[String]) {
        if self.out.full() {
            // Past the limit findings are only counted: skip the suggestions.
            self.out.more += 1;
            return;
        }
        let shown = match &node.value {
            NodeValue::Str(s) => s.clone(),
            _ => node.to_json().to_string(),
        };
        let mut help = match did_you_mean(&shown, allowed.iter().map(String::as_str)) {
            Some(k) => format!("did you mean `{k}`? "),
            None => String::new(),
        };
        help.push_str(&format!("allowed: {}", one_of(allowed)));
        self.out.add(
            PlanDiagnostic::error(
                "plan::enum",
                format!("`{shown}` is not a valid value for {}", ctx.name()),
            )
            .label(ctx.value_span(node), "not allowed here")
            .help(help),
        );
    }
}

fn unreachable_bounds() -> String {
    "is out of range".into()
}

fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        one.to_owned()
    } else {
        many.to_owned()
    }
}
