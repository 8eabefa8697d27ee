//! The entry point: a [`Translator`] holds the two versions and the plan's options and translates
//! one object of a given kind into a [`Translation`].

use serde_json::{Map, Value};

use crate::context::{Cx, shown};
use crate::finding::Ptr;
use crate::kind::ObjectKind;
use crate::mapping::{self, Mapped, Needs};
use crate::options::Options;
use crate::settings::{self, Purpose};
use crate::target::{Flavor, Target};
use crate::translation::{Output, Translation};
use crate::{aliases, lifecycle, pipeline, rules, script, templates};

/// Translates metadata from one version to another.
#[derive(Debug, Clone)]
pub struct Translator {
    /// Where the object comes from.
    pub source: Target,
    /// Where it is going.
    pub destination: Target,
    /// The plan's choices.
    pub options: Options,
    /// The OpenSearch release an object really comes from when `source` is the Elasticsearch
    /// 7.10.2 it forked from (OpenSearch → Elasticsearch: see [`Translator::new`]).
    pub fork_of: Option<Target>,
}

/// Elasticsearch 7.10.2, the release OpenSearch forked from.
pub const FORK: Target = Target {
    patch: 2,
    ..Target::es(7, 10)
};

/// Is `t` a version this table covers as a source?
fn source_supported(t: Target) -> bool {
    match t.flavor {
        Flavor::Elasticsearch => (2..=8).contains(&t.major),
        Flavor::OpenSearch => (1..=3).contains(&t.major),
    }
}

/// Is `t` a version this table covers as a destination?
fn destination_supported(t: Target) -> bool {
    match t.flavor {
        Flavor::Elasticsearch => (5..=8).contains(&t.major),
        Flavor::OpenSearch => (1..=3).contains(&t.major),
    }
}

impl Translator {
    /// A translator from `source` to `destination` with the plan's `options`.
    ///
    /// OpenSearch → Elasticsearch is read as Elasticsearch 7.10.2 (the release OpenSearch forked
    /// from) → Elasticsearch: the one rule `migrate lint`, the dry run and `apply` share
    /// (`opensearch-as-fork`, a warning on every object). The private settings are stripped and the
    /// names and types are what Elasticsearch reads; an OpenSearch-only setting or field type
    /// (`index.knn`, `knn_vector`, `flat_object`) is left in place for the destination to refuse.
    pub fn new(source: Target, destination: Target, options: Options) -> Self {
        let fork = source.flavor == Flavor::OpenSearch
            && destination.flavor == Flavor::Elasticsearch
            && source_supported(source);
        Translator {
            source: if fork { FORK } else { source },
            destination,
            options,
            fork_of: fork.then_some(source),
        }
    }

    /// Translates one object of `kind`. Never panics; errors are findings.
    pub fn translate(&self, kind: ObjectKind, object: &Value) -> Translation {
        let mut cx = Cx::new(self.source, self.destination, &self.options);
        let root = Ptr::root();
        if let Some(refused) = self.refuse_versions(&mut cx, &root) {
            return Translation {
                output: Output::One(object.clone()),
                findings: refused,
            };
        }
        if let Some(os) = self.fork_of {
            cx.warn(
                &rules::OPENSEARCH_AS_FORK,
                &root,
                format!(
                    "{os} → {}: read as {FORK}, the release OpenSearch forked from; an OpenSearch-only setting or field type is refused by the destination",
                    self.destination
                ),
            );
        }
        let output = match kind {
            ObjectKind::Index => index(&mut cx, object, &root),
            ObjectKind::Settings => Output::One(settings::translate(
                &mut cx,
                object,
                &root,
                Purpose::Index,
                false,
            )),
            ObjectKind::Mappings => {
                let mut needs = Needs::default();
                let out = match mapping::translate(&mut cx, object, &root, true, &mut needs) {
                    Mapped::One(v) => Output::One(v),
                    Mapped::PerType(t) => Output::PerType(t),
                };
                if needs.knn {
                    cx.info(&rules::DENSE_VECTOR_TO_KNN_VECTOR, &root, "the index needs `index.knn: true` (translate the whole index to have it set)");
                }
                out
            }
            ObjectKind::Aliases => Output::One(aliases::translate(&mut cx, object, &root)),
            ObjectKind::LegacyTemplate => Output::One(templates::legacy(&mut cx, object, &root)),
            ObjectKind::IndexTemplate => {
                Output::One(templates::composable(&mut cx, object, &root, false))
            }
            ObjectKind::ComponentTemplate => {
                Output::One(templates::composable(&mut cx, object, &root, true))
            }
            ObjectKind::Pipeline => Output::One(pipeline::translate(&mut cx, object, &root)),
            ObjectKind::StoredScript => Output::One(script::translate(&mut cx, object, &root)),
            ObjectKind::LifecyclePolicy => {
                Output::One(lifecycle::translate(&mut cx, object, &root))
            }
        };
        Translation {
            output,
            findings: cx.findings,
        }
    }

    fn refuse_versions(&self, cx: &mut Cx, root: &Ptr) -> Option<Vec<crate::Finding>> {
        let (src, dst) = (self.source, self.destination);
        if !source_supported(src) || !destination_supported(dst) {
            cx.error(&rules::UNSUPPORTED_VERSION, root, format!("{src} → {dst} is outside the table (sources: ES 2–8, OpenSearch 1–3; destinations: ES 5–8, OpenSearch 1–3)"));
        } else if src.flavor == dst.flavor && dst.major_minor() < src.major_minor() {
            cx.error(&rules::UNSUPPORTED_DIRECTION, root, format!("{src} → {dst}: the destination is older than the source; metadata is only translated forward"));
        } else {
            return None;
        }
        Some(std::mem::take(&mut cx.findings))
    }
}

/// A whole index definition: mappings first (they may need settings), then settings and aliases.
fn index(cx: &mut Cx, object: &Value, root: &Ptr) -> Output {
    let Some(obj) = object.as_object() else {
        cx.error(&rules::MALFORMED_OBJECT, root, format!("an index definition must be an object with `settings`, `mappings`, `aliases`; found {}", shown(object)));
        return Output::One(object.clone());
    };
    let mut needs = Needs::default();
    let mapped = obj
        .get("mappings")
        .map(|m| mapping::translate(cx, m, &root.key("mappings"), true, &mut needs));
    let empty = Value::Object(Map::new());
    let settings = settings::translate(
        cx,
        obj.get("settings").unwrap_or(&empty),
        &if obj.contains_key("settings") {
            root.key("settings")
        } else {
            root.clone()
        },
        Purpose::Index,
        needs.knn,
    );
    let aliases = obj
        .get("aliases")
        .map(|a| aliases::translate(cx, a, &root.key("aliases")));
    let body = |m: Option<Value>| {
        let mut out = Map::new();
        for (k, v) in obj {
            match k.as_str() {
                "settings" => out.insert(k.clone(), settings.clone()),
                "mappings" => out.insert(k.clone(), m.clone().unwrap_or_default()),
                "aliases" => out.insert(k.clone(), aliases.clone().unwrap_or_default()),
                _ => out.insert(k.clone(), v.clone()),
            };
        }
        if !out.contains_key("settings") && settings.as_object().is_some_and(|s| !s.is_empty()) {
            out.insert("settings".into(), settings.clone());
        }
        Value::Object(out)
    };
    match mapped {
        Some(Mapped::PerType(types)) => {
            Output::PerType(types.into_iter().map(|(t, m)| (t, body(Some(m)))).collect())
        }
        Some(Mapped::One(m)) => Output::One(body(Some(m))),
        None => Output::One(body(None)),
    }
}
