//! Several mapping types in one index: `_default_` merged into the real types, then the plan's
//! choice — union into one mapping (with `_parent` made a `join` field), split, or refuse.

use serde_json::{Map, Value};

use super::{Mapped, Needs, choice, root};
use crate::context::Cx;
use crate::finding::Ptr;
use crate::options::MultiType;
use crate::rules;

type Typed = Vec<(String, Ptr, Map<String, Value>)>;

/// Merges `_default_` under each real type (the type's own settings win); alone, it becomes the
/// mapping (a 5.x/6.x template usually holds only `_default_`).
/// `_default_` is translated once, where it is (so findings point into it), before the merge.
pub(super) fn merge_default(cx: &mut Cx, typed: &mut Typed, needs: &mut Needs) {
    let Some(pos) = typed.iter().position(|(n, _, _)| n == "_default_") else {
        return;
    };
    if !cx.on(&rules::DEFAULT_MAPPING) {
        return;
    }
    let (_, ptr, mut default) = typed.remove(pos);
    if typed.is_empty() {
        cx.info(
            &rules::DEFAULT_MAPPING,
            &ptr,
            "`_default_` was the only type: it became the mapping",
        );
        typed.push(("_default_".to_string(), ptr, default));
        return;
    }
    root::translate(cx, &mut default, &ptr, needs);
    for (name, _, body) in typed.iter_mut() {
        let mut merged = default.clone();
        deep_merge(&mut merged, body);
        *body = merged;
        cx.info(
            &rules::DEFAULT_MAPPING,
            &ptr,
            format!("merged `_default_` into type `{name}`"),
        );
    }
}

/// `over` wins over `base`; objects merge, `dynamic_templates` concatenate (`over`'s first).
fn deep_merge(base: &mut Map<String, Value>, over: &Map<String, Value>) {
    for (k, v) in over {
        match (base.get_mut(k), v) {
            (Some(Value::Object(b)), Value::Object(o)) => deep_merge(b, o),
            (Some(Value::Array(b)), Value::Array(o)) if k == "dynamic_templates" => {
                let mut all = o.clone();
                all.extend(b.iter().cloned());
                *b = all;
            }
            _ => {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

pub(super) fn several(
    cx: &mut Cx,
    typed: Typed,
    base: &Ptr,
    allow_split: bool,
    needs: &mut Needs,
) -> Mapped {
    let names: Vec<String> = typed.iter().map(|(n, _, _)| n.clone()).collect();
    let list = names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let parents: Vec<(String, Ptr, String)> = typed
        .iter()
        .filter_map(|(n, p, b)| {
            let parent = b.get("_parent")?.get("type")?.as_str()?.to_string();
            Some((n.clone(), p.key("_parent"), parent))
        })
        .collect();
    let mode = cx.opt.multi_type;
    if mode == MultiType::Union {
        return union(cx, typed, &list, parents, base, needs);
    }
    if mode == MultiType::Split && allow_split {
        for (child, p, _) in &parents {
            cx.error(&rules::PARENT_TO_JOIN, p, format!("type `{child}` has a `_parent`: parent and child must stay in one index; choose `settings.translate.multi_type: union`"));
        }
        cx.warn(
            &rules::MULTI_TYPE,
            base,
            format!("split types {list} into one index each, as the plan chose"),
        );
        let mut out = Vec::new();
        for (name, ptr, mut body) in typed {
            body.shift_remove("_parent");
            root::translate(cx, &mut body, &ptr, needs);
            out.push((name, Value::Object(body)));
        }
        return Mapped::PerType(out);
    }
    let why = if mode == MultiType::Split {
        "a template cannot be split per type; choose `settings.translate.multi_type: union` or translate the template by hand".to_string()
    } else {
        "the plan must choose `settings.translate.multi_type: union` or `settings.translate.multi_type: split`".to_string()
    };
    cx.error(
        &rules::MULTI_TYPE,
        base,
        format!(
            "{} holds one type per index and this holds {list}: {why} (the plan's choice: {})",
            cx.dst,
            choice(mode)
        ),
    );
    let mut out = Vec::new();
    for (name, ptr, mut body) in typed {
        root::translate(cx, &mut body, &ptr, needs);
        out.push((name, Value::Object(body)));
    }
    Mapped::PerType(out)
}

fn union(
    cx: &mut Cx,
    typed: Typed,
    list: &str,
    parents: Vec<(String, Ptr, String)>,
    base: &Ptr,
    needs: &mut Needs,
) -> Mapped {
    let mut merged = Map::new();
    for (name, ptr, mut body) in typed {
        body.shift_remove("_parent");
        root::translate(cx, &mut body, &ptr, needs);
        merge_checked(cx, &mut merged, &body, &ptr, &name);
    }
    cx.warn(&rules::MULTI_TYPE, base, format!("merged types {list} into one mapping: queries on `_type` must use a field the copy writes"));
    if !parents.is_empty() && cx.on(&rules::PARENT_TO_JOIN) {
        let mut relations: Map<String, Value> = Map::new();
        for (child, _, parent) in &parents {
            let entry = relations
                .entry(parent.clone())
                .or_insert_with(|| Value::Array(vec![]));
            if let Value::Array(children) = entry {
                children.push(Value::from(child.clone()));
            }
        }
        for rel in relations.values_mut() {
            if let Value::Array(c) = rel
                && c.len() == 1
            {
                *rel = c[0].clone();
            }
        }
        let join = &cx.opt.join_field;
        let field = serde_json::json!({"type": "join", "relations": relations});
        let props = merged
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(props) = props {
            props.insert(join.clone(), field);
        }
        for (child, p, parent) in &parents {
            cx.warn(&rules::PARENT_TO_JOIN, p, format!("`_parent: {parent}` of `{child}` became relation `{parent}` → `{child}` of join field `{join}`: each document must carry `{join}` (`{{\"name\": \"<type>\", \"parent\": \"<id>\"}}` for children) and children keep their routing"));
        }
    }
    Mapped::One(Value::Object(merged))
}

/// Merges a type's body into the union; a field mapped differently by two types is an error.
fn merge_checked(
    cx: &mut Cx,
    into: &mut Map<String, Value>,
    body: &Map<String, Value>,
    ptr: &Ptr,
    name: &str,
) {
    for (k, v) in body {
        match into.get_mut(k) {
            None => {
                into.insert(k.clone(), v.clone());
            }
            Some(existing) if existing == v => {}
            Some(Value::Object(e)) if k == "properties" => {
                if let Value::Object(props) = v {
                    merge_properties(cx, e, props, &ptr.key("properties"), name);
                }
            }
            Some(_) => cx.error(&rules::MULTI_TYPE, &ptr.key(k), format!("type `{name}` sets `{k}` differently from an earlier type: the union cannot hold both")),
        }
    }
}

fn merge_properties(
    cx: &mut Cx,
    into: &mut Map<String, Value>,
    props: &Map<String, Value>,
    ptr: &Ptr,
    name: &str,
) {
    for (field, def) in props {
        match into.get_mut(field) {
            None => {
                into.insert(field.clone(), def.clone());
            }
            Some(existing) if existing == def => {}
            Some(Value::Object(e)) if e.contains_key("properties") && def.get("properties").is_some() => {
                if let Some(Value::Object(inner)) = def.get("properties")
                    && let Some(Value::Object(ei)) = e.get_mut("properties")
                {
                    merge_properties(cx, ei, inner, &ptr.key(field).key("properties"), name);
                }
            }
            Some(_) => cx.error(&rules::MULTI_TYPE, &ptr.key(field), format!("field `{field}` of type `{name}` is mapped differently by an earlier type: the union cannot hold both (split, or align the mappings)")),
        }
    }
}
