//! The destination index's definition as the one translation table (`migrate-translate`) makes
//! it: create-index creates, and the proof expects, exactly what `migrate lint` shows. A
//! translation with an error finding (no equivalent on the destination, or a choice the plan has
//! not made) is refused with the rule and the index named, never created differently.

use migrate_core::{Flavor as CoreFlavor, Product, Quirks, Side};
use migrate_exec::StepError;
use migrate_translate::{Flavor, ObjectKind, Output, Target, Translator, flat_settings};
use serde_json::{Map, Value, json};

use crate::cx::Cx;

/// The run's translator (both clusters' versions, the plan's `settings.translate`) and the
/// destination's quirks.
pub(crate) async fn translator(cx: &Cx<'_>) -> Result<(Translator, Quirks), StepError> {
    let quirks = |side: Side| async move {
        cx.client(side)
            .quirks()
            .await
            .map_err(|e| cx.fail(side, "detecting the version", &e))
    };
    let source = quirks(Side::Source).await?;
    let destination = quirks(Side::Destination).await?;
    let (s, d) = pair(&source, &destination);
    let t = Translator::new(s, d, cx.env.options.translate.clone());
    Ok((t, destination))
}

/// The version pair the table translates between: the clusters' own. OpenSearch to
/// Elasticsearch is read as the Elasticsearch 7.10.2 OpenSearch forked from by
/// [`Translator::new`] itself, the one rule `migrate lint` and apply share (`opensearch-as-fork`).
pub(crate) fn pair(source: &Quirks, destination: &Quirks) -> (Target, Target) {
    (target(source), target(destination))
}

/// A cluster's version as the translation table reads it. Serverless behaves like the newest
/// OpenSearch.
pub(crate) fn target(quirks: &Quirks) -> Target {
    match quirks.product() {
        Product::Release(r) => Target {
            flavor: match r.flavor {
                CoreFlavor::Elasticsearch => Flavor::Elasticsearch,
                CoreFlavor::OpenSearch => Flavor::OpenSearch,
            },
            major: r.version.major,
            minor: r.version.minor,
            patch: r.version.patch,
        },
        Product::Serverless => Target::os(3, 0),
    }
}

/// One index's definition translated for the destination.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Definition {
    /// Flat `index.*` settings.
    pub settings: Map<String, Value>,
    /// The typeless mapping.
    pub mapping: Value,
    /// The mapping type a typed destination (ES 5/6) gets; `None` for a typeless one.
    pub type_name: Option<String>,
}

/// The index `index` (its flat settings and its mapping as `GET /{index}/_mapping` answered it,
/// typed or typeless) translated by `translator`. `Err` names every refusing rule and the index.
pub(crate) fn definition(
    translator: &Translator,
    index: &str,
    settings: &Map<String, Value>,
    mapping: &Value,
) -> Result<Definition, String> {
    let body = json!({"settings": settings, "mappings": mapping});
    let t = translator.translate(ObjectKind::Index, &body);
    if t.is_refused() {
        let why: Vec<String> = t
            .errors()
            .map(|f| {
                let at = if f.path.is_empty() { "/" } else { &f.path };
                format!("rule `{}` at `{at}`: {}", f.rule, f.message)
            })
            .collect();
        return Err(format!(
            "index `{index}` cannot be created on {} as it is on {}: {} (`migrate lint` lists every finding; the plan's `settings.translate` holds the choices)",
            translator.destination,
            translator.source,
            why.join("; ")
        ));
    }
    let Output::One(out) = t.output else {
        return Err(format!(
            "index `{index}` holds several mapping types and the plan's `settings.translate.multi_type` is `split`: one destination index cannot hold them; give each type its own plan entry (with a query on `_type`) or choose `union`"
        ));
    };
    let settings = flat_settings(out.get("settings").unwrap_or(&Value::Null));
    let mapping = out.get("mappings").cloned().unwrap_or_else(|| json!({}));
    let (mapping, type_name) = if translator.destination.typeless_default() {
        (mapping, None)
    } else {
        match mapping {
            Value::Object(m) if m.len() == 1 => {
                let (name, inner) = m.into_iter().next().unwrap_or_default();
                (inner, Some(name))
            }
            other => (other, None),
        }
    };
    Ok(Definition {
        settings,
        mapping,
        type_name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use migrate_translate::Options;

    fn tr(source: Target, destination: Target) -> Translator {
        Translator::new(source, destination, Options::default())
    }

    #[test]
    fn an_ngram_tokenizer_and_allocation_filter_are_translated_for_opensearch_3() {
        let settings = json!({
            "index.number_of_shards": "2",
            "index.uuid": "u",
            "index.routing.allocation.require.box": "hot",
            "index.analysis.tokenizer.grams.type": "nGram",
            "index.analysis.filter.edges.type": "edgeNGram",
        });
        let mapping = json!({"doc": {"properties": {"t": {"type": "text"}}}});
        let d = definition(
            &tr(Target::es(6, 8), Target::os(3, 0)),
            "m",
            settings.as_object().unwrap(),
            &mapping,
        )
        .unwrap();
        assert_eq!(
            Value::Object(d.settings),
            json!({
                "index.number_of_shards": "2",
                "index.analysis.tokenizer.grams.type": "ngram",
                "index.analysis.filter.edges.type": "edge_ngram",
            })
        );
        assert_eq!(d.mapping, json!({"properties": {"t": {"type": "text"}}}));
        assert_eq!(d.type_name, None);
    }

    #[test]
    fn a_typed_destination_keeps_the_source_type_name() {
        let mapping = json!({"doc": {"properties": {"t": {"type": "keyword"}}}});
        let d = definition(
            &tr(Target::es(5, 6), Target::es(6, 8)),
            "m",
            &Map::new(),
            &mapping,
        )
        .unwrap();
        assert_eq!(d.type_name.as_deref(), Some("doc"));
        assert_eq!(d.mapping, json!({"properties": {"t": {"type": "keyword"}}}));
    }

    #[test]
    fn opensearch_to_elasticsearch_is_read_as_the_7_10_fork() {
        use migrate_core::Release;
        let q = |f, major| Quirks::of(Release::new(f, major, 11, 0));
        let (s, d) = pair(
            &q(CoreFlavor::OpenSearch, 2),
            &q(CoreFlavor::Elasticsearch, 8),
        );
        let t = Translator::new(s, d, Options::default());
        assert_eq!(
            (t.source, t.destination),
            (migrate_translate::FORK, Target::es(8, 11))
        );
        let settings = json!({"index.number_of_shards": "1", "index.uuid": "u", "index.version.created": "136327827"});
        let def = definition(
            &t,
            "m",
            settings.as_object().unwrap(),
            &json!({"properties": {"t": {"type": "keyword"}}}),
        )
        .unwrap();
        assert_eq!(
            Value::Object(def.settings),
            json!({"index.number_of_shards": "1"})
        );
        let same = pair(
            &q(CoreFlavor::Elasticsearch, 6),
            &q(CoreFlavor::OpenSearch, 3),
        );
        assert_eq!((same.0.major, same.1.major), (6, 3));
    }

    #[test]
    fn a_refused_translation_names_the_rule_and_the_index() {
        let mapping = json!({"a": {"properties": {}}, "b": {"properties": {}}});
        let err = definition(
            &tr(Target::es(5, 6), Target::os(2, 11)),
            "logs",
            &Map::new(),
            &mapping,
        )
        .unwrap_err();
        assert!(err.contains("index `logs`"), "{err}");
        assert!(err.contains("rule `multi-type`"), "{err}");
    }
}
