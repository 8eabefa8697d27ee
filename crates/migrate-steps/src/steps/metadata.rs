//! `migrate-metadata`: one kind of cluster metadata (legacy, composable and component templates,
//! ingest pipelines, stored scripts, lifecycle policies). Each selected source object is translated
//! for the destination's version (migrate-translate: a refused object fails the step with its rules),
//! then compared with the destination's copy: absent → written; equal → nothing to do; different →
//! the step fails naming the differences, unless the plan says `replace`. Outputs list what was
//! created, found equal and replaced, so a second run is a no-op.

use migrate_core::Side;
use migrate_core::request::{Fills, Request};
use migrate_exec::{Outcome, StepCtx, StepError};
use migrate_graph::metadata::{MetadataObject, MetadataSpec};
use migrate_graph::requests::metadata::{
    MetadataRequests, NAME, OBJECT, PRIMARY_TERM, SEQ_NO, metadata as planned,
};
use migrate_translate::{ObjectKind, Options, Target, Translator, compare};
use serde_json::{Map, Value, json};

use crate::cx::{Cx, none};

/// ISM's bookkeeping in a stored policy, never written back.
const ISM_BOOKKEEPING: &[&str] = &["policy_id", "last_updated_time", "schema_version"];

fn kind_of(object: MetadataObject) -> ObjectKind {
    match object {
        MetadataObject::LifecyclePolicies => ObjectKind::LifecyclePolicy,
        MetadataObject::ComponentTemplates => ObjectKind::ComponentTemplate,
        MetadataObject::IndexTemplates => ObjectKind::IndexTemplate,
        MetadataObject::LegacyTemplates => ObjectKind::LegacyTemplate,
        MetadataObject::Pipelines => ObjectKind::Pipeline,
        MetadataObject::StoredScripts => ObjectKind::StoredScript,
        // Never a `migrate-metadata` object of its own: a stream's template is an index template.
        MetadataObject::DataStreams => ObjectKind::IndexTemplate,
    }
}

/// An ISM or ILM policy as `{"policy": ...}` without the server's bookkeeping.
fn policy_of(v: &Value) -> Value {
    let mut p = v.get("policy").cloned().unwrap_or(Value::Null);
    if let Value::Object(m) = &mut p {
        for k in ISM_BOOKKEEPING {
            m.remove(*k);
        }
        if m.get("error_notification").is_some_and(Value::is_null) {
            m.remove("error_notification");
        }
    }
    json!({ "policy": p })
}

/// The objects of one kind on the source, by name, in the form the translation takes.
fn objects(object: MetadataObject, listed: Value) -> Vec<(String, Value)> {
    let named = |list: &Value, key: &str| -> Vec<(String, Value)> {
        list.as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| Some((e.get("name")?.as_str()?.to_owned(), e.get(key)?.clone())))
            .collect()
    };
    match object {
        MetadataObject::IndexTemplates => named(&listed["index_templates"], "index_template"),
        MetadataObject::ComponentTemplates => {
            named(&listed["component_templates"], "component_template")
        }
        MetadataObject::LifecyclePolicies
            if listed.get("policies").is_some_and(Value::is_array) =>
        {
            listed["policies"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| Some((e.get("_id")?.as_str()?.to_owned(), policy_of(e))))
                .collect()
        }
        MetadataObject::LifecyclePolicies => as_map(listed)
            .into_iter()
            .map(|(k, v)| (k, policy_of(&v)))
            .collect(),
        _ => as_map(listed).into_iter().collect(),
    }
}

fn as_map(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The destination's copy of `name` from its GET answer, as the translation's form.
fn existing_of(object: MetadataObject, name: &str, answer: &Value) -> Option<Value> {
    match object {
        MetadataObject::IndexTemplates => answer["index_templates"]
            .get(0)
            .map(|e| e["index_template"].clone()),
        MetadataObject::ComponentTemplates => answer["component_templates"]
            .get(0)
            .map(|e| e["component_template"].clone()),
        MetadataObject::LifecyclePolicies if answer.get("_id").is_some() => Some(policy_of(answer)),
        MetadataObject::LifecyclePolicies => answer.get(name).map(policy_of),
        MetadataObject::StoredScripts => answer.get("script").map(|s| json!({"script": s})),
        _ => answer.get(name).cloned(),
    }
}

pub(super) async fn target(cx: &Cx<'_>, side: Side) -> Result<Target, StepError> {
    let info = cx
        .client(side)
        .server_info()
        .await
        .map_err(|e| cx.fail(side, "detecting the version", &e))?;
    let release = info.release().ok_or_else(|| {
        cx.permanent(format!(
            "the {} reports no version (Serverless): its metadata APIs differ and are not migrated",
            side.as_str()
        ))
    })?;
    Target::parse(&release.to_string())
        .map_err(|e| cx.permanent(format!("the {} version `{release}`: {e}", side.as_str())))
}

fn named(req: &Request, name: &str) -> (Request, Fills) {
    (req.clone(), Fills::new().set(NAME, name))
}

/// The first Elasticsearch version with `object`'s API (`None`: every supported version has it,
/// OpenSearch included).
pub(super) fn first_version(object: MetadataObject, t: Target) -> Option<(u32, u32)> {
    let since = match object {
        MetadataObject::IndexTemplates | MetadataObject::ComponentTemplates => (7, 8),
        MetadataObject::LifecyclePolicies => (6, 6),
        MetadataObject::DataStreams => (7, 9),
        MetadataObject::Pipelines => (5, 0),
        MetadataObject::LegacyTemplates | MetadataObject::StoredScripts => return None,
    };
    (!t.is_opensearch() && !t.es_at_least(since.0, since.1)).then_some(since)
}

/// A source without `spec`'s API (`since`: the first version with it): with only patterns
/// selected (the default `*` included) the step is done with a notice naming the version and
/// nothing migrated; an object the plan names outright fails the step, naming it.
pub(super) fn absent_kind(
    cx: &Cx<'_>,
    ctx: &StepCtx,
    spec: &MetadataSpec,
    src: Target,
    since: (u32, u32),
) -> Result<Outcome, StepError> {
    let what = spec.object.name().replace('-', " ");
    if let Some(named) = spec.include.iter().find(|n| !n.contains('*')) {
        return Err(cx.permanent(format!(
            "the plan names {} `{named}`, but the source ({src}) has no {what} (Elasticsearch {}.{}+): remove it from `metadata.{}.include`",
            spec.object.singular(),
            since.0,
            since.1,
            spec.object.name().replace('-', "_")
        )));
    }
    let notice = format!(
        "skipped: the source ({src}) has no {what} (Elasticsearch {}.{}+); nothing to migrate",
        since.0, since.1
    );
    ctx.notice(&notice);
    Ok(Outcome::Done {
        outputs: json!({"object": spec.object.name(), "skipped": notice}),
    })
}

pub(super) async fn run(
    cx: &Cx<'_>,
    ctx: &StepCtx,
    spec: &MetadataSpec,
) -> Result<Outcome, StepError> {
    let (src, dst) = (
        target(cx, Side::Source).await?,
        target(cx, Side::Destination).await?,
    );
    let object = spec.object;
    if object == MetadataObject::DataStreams {
        return Err(cx.permanent(
            "data streams are migrated by `copy-data-streams`, not `migrate-metadata` (a bug in the graph)",
        ));
    }
    if let Some(since) = first_version(object, src) {
        return absent_kind(cx, ctx, spec, src, since);
    }
    let r = planned(object, src.is_opensearch(), dst.is_opensearch());
    let source = read_source(cx, spec, &r).await?;
    let selected: Vec<_> = source
        .into_iter()
        .filter(|(n, _)| spec.selects(n))
        .collect();
    let done = apply(cx, object, &r, (&src, &dst), selected, spec.replace).await?;
    Ok(Outcome::Done {
        outputs: json!({"object": object.name(), "created": done.created, "equal": done.equal, "replaced": done.replaced}),
    })
}

/// What [`apply`] did, by object name.
#[derive(Debug, Default)]
pub(super) struct Applied {
    pub created: Vec<String>,
    pub equal: Vec<String>,
    pub replaced: Vec<String>,
}

/// Each of `objects` (source objects of one kind, by name) translated and compared with the
/// destination's copy: absent → written; equal → nothing to do; different → replaced with
/// `replace`, otherwise the step fails naming the differences.
pub(super) async fn apply(
    cx: &Cx<'_>,
    object: MetadataObject,
    r: &MetadataRequests,
    (src, dst): (&Target, &Target),
    objects: Vec<(String, Value)>,
    replace: bool,
) -> Result<Applied, StepError> {
    let translator = Translator::new(*src, *dst, Options::default());
    let kind = kind_of(object);
    let (mut created, mut equal, mut replaced, mut differ) = (vec![], vec![], vec![], vec![]);
    for (name, body) in objects {
        let t = translator.translate(kind, &body);
        if t.is_refused() {
            let why: Vec<String> = t
                .errors()
                .map(|f| format!("{} at `{}`: {}", f.rule, f.path, f.message))
                .collect();
            return Err(cx.permanent(format!(
                "{} `{name}` cannot be migrated from {src} to {dst}: {}",
                object.singular(),
                why.join("; ")
            )));
        }
        let Some(out) = t.object().cloned() else {
            continue;
        };
        let (req, fills) = named(&r.existing, &name);
        let doing = format!("reading the destination's {} `{name}`", object.singular());
        let answer: Option<Value> = cx
            .client(Side::Destination)
            .optional(&req, &fills)
            .await
            .map_err(|e| cx.fail(Side::Destination, &doing, &e))?;
        let existing = answer.as_ref().and_then(|a| existing_of(object, &name, a));
        let write = |req: &Request, fills: Fills| {
            (
                req.clone(),
                fills.set(NAME, name.as_str()).set(OBJECT, out.clone()),
            )
        };
        match existing {
            None => {
                let (req, fills) = write(&r.put, Fills::new());
                cx.send(
                    &req,
                    &fills,
                    &format!("writing {} `{name}`", object.singular()),
                )
                .await?;
                created.push(name);
            }
            Some(e) => {
                let diffs = compare(kind, &out, &e);
                if diffs.is_empty() {
                    equal.push(name);
                } else if replace {
                    let (req, fills) = match (&r.replace, answer.as_ref()) {
                        (Some(guarded), Some(a)) => write(
                            guarded,
                            Fills::new()
                                .set(SEQ_NO, a["_seq_no"].to_string())
                                .set(PRIMARY_TERM, a["_primary_term"].to_string()),
                        ),
                        _ => write(&r.put, Fills::new()),
                    };
                    cx.send(
                        &req,
                        &fills,
                        &format!("replacing {} `{name}`", object.singular()),
                    )
                    .await?;
                    replaced.push(name);
                } else {
                    let list: Vec<String> = diffs
                        .iter()
                        .take(5)
                        .map(|d| {
                            format!(
                                "`{}`: translated {} vs destination {}",
                                d.path,
                                show(&d.translated),
                                show(&d.existing)
                            )
                        })
                        .collect();
                    differ.push(format!(
                        "`{name}` ({}{})",
                        list.join(", "),
                        if diffs.len() > 5 {
                            format!(", and {} more", diffs.len() - 5)
                        } else {
                            String::new()
                        }
                    ));
                }
            }
        }
    }
    if !differ.is_empty() {
        return Err(cx.permanent(format!(
            "the destination already has a different {} {}; set `metadata.{}.replace: true` to overwrite it, or exclude it",
            object.singular(),
            differ.join("; "),
            object.name().replace('-', "_")
        )));
    }
    Ok(Applied {
        created,
        equal,
        replaced,
    })
}

fn show(v: &Option<Value>) -> String {
    v.as_ref().map_or_else(|| "absent".into(), Value::to_string)
}

async fn read_source(
    cx: &Cx<'_>,
    spec: &MetadataSpec,
    r: &MetadataRequests,
) -> Result<Vec<(String, Value)>, StepError> {
    let object = spec.object;
    if object == MetadataObject::StoredScripts {
        let mut out = Vec::with_capacity(spec.include.len());
        for name in &spec.include {
            let (req, fills) = named(&r.list, name);
            let doing = format!("reading stored script `{name}`");
            let v: Option<Value> = cx
                .client(Side::Source)
                .optional(&req, &fills)
                .await
                .map_err(|e| cx.fail(Side::Source, &doing, &e))?;
            match v.filter(|v| v.get("found") != Some(&Value::Bool(false))) {
                Some(v) => out.push((name.clone(), v)),
                None => {
                    return Err(cx.permanent(format!(
                        "the plan names stored script `{name}`, which the source does not have"
                    )));
                }
            }
        }
        return Ok(out);
    }
    read_all(cx, object, r).await
}

/// Every object of `object`'s kind on the source (its list request; a 404 is none).
pub(super) async fn read_all(
    cx: &Cx<'_>,
    object: MetadataObject,
    r: &MetadataRequests,
) -> Result<Vec<(String, Value)>, StepError> {
    let doing = format!("listing the source's {}", object.name().replace('-', " "));
    let listed: Option<Value> = cx
        .client(Side::Source)
        .optional(&r.list, &none())
        .await
        .map_err(|e| cx.fail(Side::Source, &doing, &e))?;
    Ok(listed.map(|l| objects(object, l)).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kinds_api_is_absent_before_the_elasticsearch_version_that_added_it() {
        let es = |v: &str| Target::parse(v).unwrap();
        let absent = |o, v: &str| first_version(o, es(v));
        assert_eq!(
            absent(MetadataObject::IndexTemplates, "7.7.1"),
            Some((7, 8))
        );
        assert_eq!(absent(MetadataObject::IndexTemplates, "7.8.0"), None);
        assert_eq!(
            absent(MetadataObject::ComponentTemplates, "6.8.23"),
            Some((7, 8))
        );
        assert_eq!(
            absent(MetadataObject::LifecyclePolicies, "6.5.4"),
            Some((6, 6))
        );
        assert_eq!(absent(MetadataObject::LifecyclePolicies, "6.6.0"), None);
        assert_eq!(absent(MetadataObject::DataStreams, "7.8.1"), Some((7, 9)));
        assert_eq!(absent(MetadataObject::DataStreams, "7.9.0"), None);
        assert_eq!(absent(MetadataObject::Pipelines, "2.4.6"), Some((5, 0)));
        assert_eq!(absent(MetadataObject::LegacyTemplates, "2.4.6"), None);
        assert_eq!(absent(MetadataObject::StoredScripts, "5.6.16"), None);
        let os = Target::parse("OpenSearch 1.0").unwrap();
        assert_eq!(first_version(MetadataObject::DataStreams, os), None);
        assert_eq!(first_version(MetadataObject::LifecyclePolicies, os), None);
    }

    #[test]
    fn source_listings_of_every_kind_become_named_objects() {
        let ism = json!({"total_policies": 1, "policies": [{"_id": "p", "_seq_no": 3, "policy": {"policy_id": "p", "schema_version": 17, "last_updated_time": 1, "error_notification": null, "default_state": "hot", "states": []}}]});
        assert_eq!(
            objects(MetadataObject::LifecyclePolicies, ism),
            [(
                "p".to_owned(),
                json!({"policy": {"default_state": "hot", "states": []}})
            )]
        );
        let ilm = json!({"p": {"version": 2, "modified_date": "x", "policy": {"phases": {}}}});
        assert_eq!(
            objects(MetadataObject::LifecyclePolicies, ilm),
            [("p".to_owned(), json!({"policy": {"phases": {}}}))]
        );
        let composable = json!({"index_templates": [{"name": "t", "index_template": {"index_patterns": ["a*"]}}]});
        assert_eq!(
            objects(MetadataObject::IndexTemplates, composable),
            [("t".to_owned(), json!({"index_patterns": ["a*"]}))]
        );
        let legacy = json!({"a": {"order": 0}, "b": {"order": 1}});
        assert_eq!(objects(MetadataObject::LegacyTemplates, legacy).len(), 2);
        assert!(objects(MetadataObject::Pipelines, json!("not an object")).is_empty());
    }

    #[test]
    fn the_destinations_copy_is_taken_from_its_get_answer_in_the_translations_form() {
        let ism = json!({"_id": "p", "_seq_no": 4, "_primary_term": 1, "policy": {"policy_id": "p", "default_state": "hot"}});
        assert_eq!(
            existing_of(MetadataObject::LifecyclePolicies, "p", &ism),
            Some(json!({"policy": {"default_state": "hot"}}))
        );
        let script =
            json!({"_id": "s", "found": true, "script": {"lang": "painless", "source": "1"}});
        assert_eq!(
            existing_of(MetadataObject::StoredScripts, "s", &script),
            Some(json!({"script": {"lang": "painless", "source": "1"}}))
        );
        assert_eq!(
            existing_of(
                MetadataObject::ComponentTemplates,
                "c",
                &json!({"component_templates": []})
            ),
            None
        );
        assert_eq!(
            existing_of(MetadataObject::Pipelines, "p", &json!({})),
            None
        );
    }
}
