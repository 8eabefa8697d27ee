//! Running the proof of one index pair against the clusters: both sides streamed through the scan
//! reader into a `migrate_proof::Proof` at once (hashing off the async runtime), then the documents
//! compared, and the destination's mappings, settings and aliases read against what the engine
//! intended to create from the source (its settings as the translation table makes them, with the
//! source's replicas and refresh interval, put back before verification, and what the plan sets on
//! top; its mapping as translated; its aliases).

use std::path::Path;

use migrate_cluster::ClusterClient;
use migrate_cluster::api::indices::mappings;
use migrate_cluster::scan::{Scan, ScanError};
use migrate_core::request::ScanRequests;
use migrate_proof::{
    DeadLetters, DocDiff, Findings, IndexReport, KeyFilter, Level, MetaCheck, Proof, ProofConfig,
    Side as ProofSide, SideFeed, metadata,
};
use migrate_translate::{ObjectKind, Translator};
use serde_json::{Map, Value};

use crate::json::flat_settings;
use crate::translate::definition;

/// Scroll slices per side (a PIT sweep reads in one); the verification benchmark's baseline read
/// (migrate-cluster/examples/read_both.rs) uses the same count.
const SLICES: u32 = 2;
/// Restarts of one slice after its context expired before the proof gives up.
const MAX_RESTARTS: u32 = 3;
/// Example ids or differences kept per report column.
pub(crate) const EXAMPLES: usize = 5;

/// Streams every document of one side into `feed`; the number read.
pub(crate) async fn feed_side(
    client: &ClusterClient,
    reqs: ScanRequests,
    feed: &SideFeed,
) -> Result<u64, String> {
    let index = reqs.index.clone();
    let scan = Scan::new(client, reqs, SLICES)
        .await
        .map_err(|e| format!("scanning `{index}`: {e}"))?;
    let mut total = 0;
    for k in 0..scan.slices() {
        let mut reader = scan.slice(k);
        let mut slice = feed.slice();
        loop {
            match reader.next_page().await {
                Ok(Some(page)) => {
                    let (back, fed) = tokio::task::spawn_blocking(move || {
                        let fed = slice.add_page(&page.body);
                        (slice, fed)
                    })
                    .await
                    .map_err(|e| format!("hashing a page of `{index}`: {e}"))?;
                    slice = back;
                    fed.map_err(|e| format!("a page of `{index}`: {e}"))?;
                }
                Ok(None) => break,
                Err(ScanError::Expired { cursor }) if cursor.restarts < MAX_RESTARTS => {
                    tracing::warn!(%index, slice = k, docs = cursor.docs, "scan context expired; reading the slice again from the beginning");
                    // What the slice took so far is dropped with it, never counted.
                    slice = feed.slice();
                    reader.restart();
                }
                Err(e) => return Err(format!("scanning `{index}`: {e}")),
            }
        }
        total += slice.records();
        slice
            .commit()
            .map_err(|e| format!("keeping the digests of `{index}`: {e}"))?;
    }
    Ok(total)
}

/// Both sides streamed and compared; the findings of the pair appended to `findings`, the ids in
/// `dead` (the run's dead letters) counted apart.
pub(crate) async fn documents(
    source: &ClusterClient,
    destination: &ClusterClient,
    scans: (ScanRequests, ScanRequests),
    expected: u64,
    spill_under: &Path,
    index: &str,
    (findings, dead): (
        &mut Findings<std::io::BufWriter<std::fs::File>>,
        &(dyn DeadLetters + Sync),
    ),
) -> Result<DocDiff, String> {
    let proof = Proof::new(ProofConfig::for_documents(expected), spill_under)
        .map_err(|e| format!("preparing the proof of `{index}`: {e}"))?;
    let (src, dst) = scans;
    tokio::try_join!(
        feed_side(source, src, proof.side(ProofSide::Source)),
        feed_side(destination, dst, proof.side(ProofSide::Destination)),
    )?;
    proof
        .compare(index, findings, dead)
        .map_err(|e| format!("comparing `{index}`: {e}"))
}

/// What the engine created from the source, and what the destination holds, for one kind.
pub(crate) struct Meta {
    pub mappings: MetaCheck,
    pub settings: MetaCheck,
    pub aliases: MetaCheck,
}

/// Settings the server keeps for itself on any index: never compared.
const SERVER_SET: &[&str] = &[
    "index.creation_date",
    "index.uuid",
    "index.history.uuid",
    "index.provided_name",
    "index.version.",
    "index.routing.allocation.initial_recovery.",
    "index.resize.",
    "index.shrink.",
    "index.blocks.",
    "index.verified_before_close",
];

/// Mappings, settings and aliases compared. `bodies` are the `_mapping`, `_settings` and `_alias`
/// answers of (source, destination).
pub(crate) fn metadata_checks(
    (source, destination): (&str, &str),
    mapping: (Value, Value),
    settings: (Value, Value),
    aliases: (Value, Value),
    translator: &Translator,
    plan_settings: &Map<String, Value>,
) -> Meta {
    let raw = |v: Value, index: &str| {
        mappings(v).and_then(|list| {
            let n = list.len();
            list.into_iter()
                .find(|(name, _)| name == index || n == 1)
                .map(|(_, m)| m)
        })
    };
    let sflat = flat_settings(&settings.0, source);
    let dflat = flat_settings(&settings.1, destination);
    // No source mapping: the settings are still translated, the mappings are not checked.
    let smapping = raw(mapping.0, source).map(|m| m.raw);
    let empty = Value::Object(Map::new());
    let intended = definition(
        translator,
        source,
        &sflat,
        smapping.as_ref().unwrap_or(&empty),
    );
    let refused = |why: &str| MetaCheck::Differs {
        count: 1,
        examples: vec![why.to_owned()],
    };
    let mappings = match (&intended, smapping, raw(mapping.1, destination)) {
        (_, None, _) => MetaCheck::NotChecked,
        (Err(why), _, _) => refused(why),
        (Ok(def), Some(_), Some(d)) => metadata::check(
            ObjectKind::Mappings,
            &def.mapping,
            d.mapping.as_ref().unwrap_or(&Value::Null),
            &KeyFilter::default(),
            EXAMPLES,
        ),
        (Ok(_), Some(_), None) => refused(&format!(
            "the destination has no mapping for `{destination}`"
        )),
    };
    let settings = match intended {
        Ok(def) => settings_check(def.settings, &sflat, &dflat, plan_settings),
        Err(why) => refused(&why),
    };
    let of = |v: &Value, index: &str| {
        v.get(index)
            .or_else(|| {
                v.as_object()
                    .filter(|m| m.len() == 1)
                    .and_then(|m| m.values().next())
            })
            .and_then(|e| e.get("aliases"))
            .cloned()
            .unwrap_or_else(|| Value::Object(Map::new()))
    };
    let aliases = metadata::check(
        ObjectKind::Aliases,
        &of(&aliases.0, source),
        &of(&aliases.1, destination),
        &KeyFilter::default(),
        EXAMPLES,
    );
    Meta {
        mappings,
        settings,
        aliases,
    }
}

/// The translated settings (with the source's replicas and refresh interval, put back before
/// verification, and what the plan sets on top): each must be on the destination with the same
/// value.
fn settings_check(
    mut intended: Map<String, Value>,
    sflat: &Map<String, Value>,
    dflat: &Map<String, Value>,
    plan_settings: &Map<String, Value>,
) -> MetaCheck {
    for key in ["index.number_of_replicas", "index.refresh_interval"] {
        match sflat.get(key) {
            Some(v) => intended.insert(key.to_owned(), v.clone()),
            None => intended.remove(key),
        };
    }
    intended.extend(plan_settings.clone());
    let filter = KeyFilter::new(SERVER_SET);
    intended.retain(|k, _| !filter.ignores(k));
    let actual: Map<String, Value> = intended
        .keys()
        .filter_map(|k| dflat.get(k).map(|v| (k.clone(), v.clone())))
        .collect();
    metadata::check(
        ObjectKind::Settings,
        &Value::Object(intended),
        &Value::Object(actual),
        &filter,
        EXAMPLES,
    )
}

/// The report of a proven pair.
pub(crate) fn report(source: &str, destination: &str, docs: DocDiff, meta: Meta) -> IndexReport {
    IndexReport::new(
        source,
        destination,
        Level::Proof,
        docs,
        meta.mappings,
        meta.settings,
        meta.aliases,
    )
}
