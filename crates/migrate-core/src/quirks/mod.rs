//! The quirks table: every behaviour that differs by flavour and version, in one place, one named
//! and documented rule each. Preflight, the index-definition copy, the request builders (through
//! conditional query parameters, see [`crate::request::Condition`]) and the sandbox all ask here.
//!
//! Amazon OpenSearch Serverless reports no version; it behaves like the newest OpenSearch.
//! [`RULES`] lists every rule with its summary; `table()` renders them over representative releases
//! (docs/versions.md is generated from it).

mod reindex;
mod restore;

pub use reindex::reindex_compatibility;
pub use restore::restore_compatibility;

use crate::version::{Flavor, Product, Release, Version};

/// Behaviour switches of one product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quirks {
    product: Product,
}

/// How a cluster lays out mappings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MappingTypes {
    /// ES 5.x: several types per index.
    Multiple,
    /// ES 6.x: exactly one type; the mapping is wrapped in the type name.
    Single,
    /// ES 7.x / OpenSearch 1.x: typeless by default, `include_type_name` still accepted.
    TypelessWithParam,
    /// ES 8.x, OpenSearch 2.x+, Serverless: no types at all.
    Typeless,
}

/// Whether `index.soft_deletes.enabled` can be given when creating an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SoftDeletes {
    /// ES < 6.5: the setting does not exist (an unknown setting is refused).
    Unknown,
    /// ES 6.5–7.x, OpenSearch: the setting may be set either way.
    Settable,
    /// ES 8+: soft deletes are always on; `false` is refused, so the setting is left out.
    AlwaysOn,
}

/// One rule of the table: its name (the method) and what it decides.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub name: &'static str,
    pub summary: &'static str,
    /// The rule's value for a product, as shown in the table.
    pub value: fn(&Quirks) -> String,
}

/// Every rule, in the order docs/versions.md shows them.
pub const RULES: &[Rule] = &[
    Rule {
        name: "mapping_types",
        summary: "mapping-type model: several types (5.x), one (6.x), typeless with `include_type_name` (7.x, OpenSearch 1), none",
        value: |q| format!("{:?}", q.mapping_types()),
    },
    Rule {
        name: "default_type_name",
        summary: "type name for a mapping created on a typed cluster: `_doc` from ES 6.2, `doc` before",
        value: |q| q.default_type_name().into(),
    },
    Rule {
        name: "remote_allowlist_setting",
        summary: "the destination setting that lists hosts remote reindex may pull from",
        value: |q| q.remote_allowlist_setting().into(),
    },
    Rule {
        name: "hits_total_is_object",
        summary: "`hits.total` is `{value, relation}` (ES 7+, OpenSearch) rather than a number",
        value: |q| q.hits_total_is_object().to_string(),
    },
    Rule {
        name: "cat_indices_expand_wildcards",
        summary: "`_cat/indices` accepts `expand_wildcards` (ES 7.7+, OpenSearch); earlier versions reject it and list closed indexes anyway",
        value: |q| q.cat_indices_expand_wildcards().to_string(),
    },
    Rule {
        name: "soft_deletes",
        summary: "whether `index.soft_deletes.enabled` may be given at index creation",
        value: |q| format!("{:?}", q.soft_deletes()),
    },
    Rule {
        name: "point_in_time",
        summary: "point-in-time search (ES 7.10+, OpenSearch 2.4+)",
        value: |q| q.point_in_time().to_string(),
    },
    Rule {
        name: "pit_paging",
        summary: "a full scan pages a point in time with `search_after` on `_doc` (ES 7.12+, whose PIT adds the `_shard_doc` tiebreaker); elsewhere a sliced scroll, since `_doc` alone repeats across shards",
        value: |q| q.pit_paging().to_string(),
    },
    Rule {
        name: "pit_slicing",
        summary: "a point-in-time search accepts `slice: {id, max}` (ES 7.15+, OpenSearch 2.4+); earlier, `slice` is refused outside a scroll",
        value: |q| q.pit_slicing().to_string(),
    },
    Rule {
        name: "scan_tiebreaker",
        summary: "the field a scroll scan sorts on so that an expired scroll reopens after the last document read: `_uid` (ES 5.x/6.x), `_id` (ES 7.x and OpenSearch, fielddata on `_id`); none where the scan pages a PIT or `_id` fielddata is off by default (ES 8+)",
        value: |q| q.scan_tiebreaker().unwrap_or("none").to_owned(),
    },
    Rule {
        name: "search_after",
        summary: "`search_after` paging (every supported version)",
        value: |q| q.search_after().to_string(),
    },
    Rule {
        name: "sliced_scroll",
        summary: "sliced scrolls and local `_reindex` slices (every supported version; never remote reindex)",
        value: |q| q.sliced_scroll().to_string(),
    },
    Rule {
        name: "task_results_index",
        summary: "finished `wait_for_completion=false` tasks are stored in `.tasks` (every supported version)",
        value: |q| q.task_results_index().to_string(),
    },
    Rule {
        name: "task_headers",
        summary: "tasks keep the request's `X-Opaque-Id` under `headers` (ES 6.2+, OpenSearch)",
        value: |q| q.task_headers().to_string(),
    },
    Rule {
        name: "mapping_all_field",
        summary: "mappings may carry `_all` / `include_in_all` (ES 5.x/6.x only)",
        value: |q| q.mapping_all_field().to_string(),
    },
    Rule {
        name: "snapshots",
        summary: "snapshot repositories and remote reindex exist (not on Serverless)",
        value: |q| q.supports_snapshots().to_string(),
    },
];

/// Index settings OpenSearch does not know (Elasticsearch-only features); prefixes end with `.`.
const NOT_IN_OPENSEARCH: &[&str] = &[
    "index.lifecycle.",
    "index.xpack.",
    "index.routing.allocation.include._tier_preference",
    "index.frozen",
    "index.search.throttled",
    "index.mapping.single_type",
    "index.mapper.dynamic",
];

/// Index settings removed in Elasticsearch 7 (they come from 5.x/6.x sources).
const REMOVED_IN_7: &[&str] = &["index.mapping.single_type", "index.mapper.dynamic"];

impl Quirks {
    pub fn new(product: Product) -> Self {
        Quirks { product }
    }

    pub fn of(release: Release) -> Self {
        Quirks::new(Product::Release(release))
    }

    pub fn product(&self) -> Product {
        self.product
    }

    pub fn flavor(&self) -> Flavor {
        self.product.flavor()
    }

    fn es(&self) -> bool {
        self.flavor() == Flavor::Elasticsearch
    }

    /// The version (Serverless: newer than anything).
    fn version(&self) -> Version {
        match self.product {
            Product::Release(r) => r.version,
            Product::Serverless => Version::new(u32::MAX, 0, 0),
        }
    }

    fn major(&self) -> u32 {
        self.version().major
    }

    fn at_least(&self, major: u32, minor: u32) -> bool {
        self.version() >= Version::new(major, minor, 0)
    }

    /// Mapping-type model.
    pub fn mapping_types(&self) -> MappingTypes {
        match (self.product, self.flavor()) {
            (Product::Serverless, _) => MappingTypes::Typeless,
            (_, Flavor::OpenSearch) if self.major() >= 2 => MappingTypes::Typeless,
            (_, Flavor::OpenSearch) => MappingTypes::TypelessWithParam,
            (_, Flavor::Elasticsearch) => match self.major() {
                0..=5 => MappingTypes::Multiple,
                6 => MappingTypes::Single,
                7 => MappingTypes::TypelessWithParam,
                _ => MappingTypes::Typeless,
            },
        }
    }

    /// Type name used when creating an index on a typed cluster: `_doc` from ES 6.2 (the name 7.x
    /// uses internally), `doc` before (leading underscores were not allowed).
    pub fn default_type_name(&self) -> &'static str {
        if self.es() && !self.at_least(6, 2) {
            "doc"
        } else {
            "_doc"
        }
    }

    /// The destination-side remote-reindex allowlist setting (`reindex.remote.allowlist` from
    /// OpenSearch 2).
    pub fn remote_allowlist_setting(&self) -> &'static str {
        if !self.es() && self.major() >= 2 {
            "reindex.remote.allowlist"
        } else {
            "reindex.remote.whitelist"
        }
    }

    /// The verb of the remote-reindex rejection message (`allowlisted` from OpenSearch 2).
    pub fn remote_allowlist_verb(&self) -> &'static str {
        if !self.es() && self.major() >= 2 {
            "allowlisted"
        } else {
            "whitelisted"
        }
    }

    /// `hits.total` is an object (`{value, relation}`) by default (ES ≥ 7, all OpenSearch).
    pub fn hits_total_is_object(&self) -> bool {
        !self.es() || self.major() >= 7
    }

    /// `_cat/indices` accepts `expand_wildcards` (ES ≥ 7.7, OpenSearch). Earlier versions answer
    /// 400 (`contains unrecognized parameter: [expand_wildcards]`) and list closed indexes anyway;
    /// hidden indexes only exist from 7.7.
    pub fn cat_indices_expand_wildcards(&self) -> bool {
        !self.es() || self.at_least(7, 7)
    }

    /// Whether `index.soft_deletes.enabled` may be given at index creation.
    pub fn soft_deletes(&self) -> SoftDeletes {
        match (self.es(), self.major()) {
            (true, _) if !self.at_least(6, 5) => SoftDeletes::Unknown,
            (true, 8..) => SoftDeletes::AlwaysOn,
            _ => SoftDeletes::Settable,
        }
    }

    /// Point-in-time search (ES 7.10+, OpenSearch 2.4+).
    pub fn point_in_time(&self) -> bool {
        if self.es() {
            self.at_least(7, 10)
        } else {
            self.at_least(2, 4)
        }
    }

    /// Whether a full scan pages a point in time with `search_after` sorted on `_doc`. Only where a
    /// PIT search adds the `_shard_doc` tiebreaker to every sorted request (ES 7.12+): `_doc` is a
    /// per-shard number, so without the tiebreaker `search_after` would skip documents of other
    /// shards holding the same number. ES 7.10/7.11 and OpenSearch (no `_shard_doc`) scan with a
    /// sliced scroll, which every version has.
    pub fn pit_paging(&self) -> bool {
        self.es() && self.at_least(7, 12)
    }

    /// Whether a point-in-time search accepts `slice` (ES 7.15+, OpenSearch 2.4+: every OpenSearch
    /// with PIT). ES 7.10–7.14 refuse `slice` outside a scroll context, PIT or not.
    pub fn pit_slicing(&self) -> bool {
        if self.es() {
            self.at_least(7, 15)
        } else {
            self.point_in_time()
        }
    }

    /// The field a scroll scan sorts on so that a slice whose scroll expired reopens with
    /// `search_after` after the last document read: `_uid` (`type#id`) on ES 5.x/6.x, whose `_id`
    /// has no fielddata on 5.x and whose `_uid` sorts on both; `_id` on ES 7.x and OpenSearch
    /// (fielddata on `_id`, `indices.id_field_data.enabled` defaulting to true). `None` on ES 8+
    /// and Serverless, where `_id` fielddata is off by default (they page a PIT anyway).
    pub fn scan_tiebreaker(&self) -> Option<&'static str> {
        match (self.product, self.flavor()) {
            (Product::Serverless, _) => None,
            (_, Flavor::OpenSearch) => Some("_id"),
            (_, Flavor::Elasticsearch) => match self.major() {
                0..=6 => Some("_uid"),
                7 => Some("_id"),
                _ => None,
            },
        }
    }

    /// `search_after` paging: every supported version (ES 5.0+).
    pub fn search_after(&self) -> bool {
        true
    }

    /// Sliced scrolls and local reindex slices: every supported version (ES 5.0+). Remote reindex
    /// never slices.
    pub fn sliced_scroll(&self) -> bool {
        true
    }

    /// Finished `wait_for_completion=false` tasks keep their result in `.tasks`: every supported
    /// version (ES 5.0+, OpenSearch); not Serverless, which has no tasks API.
    pub fn task_results_index(&self) -> bool {
        self.product != Product::Serverless
    }

    /// Tasks keep the request's `X-Opaque-Id` under `headers` (ES 6.2+, all OpenSearch).
    pub fn task_headers(&self) -> bool {
        !self.es() || self.at_least(6, 2)
    }

    /// Mappings may carry `_all` and `include_in_all` (ES 5.x/6.x only).
    pub fn mapping_all_field(&self) -> bool {
        self.es() && self.major() < 7
    }

    /// Whether snapshots and remote reindex exist (not on Serverless).
    pub fn supports_snapshots(&self) -> bool {
        self.product != Product::Serverless
    }

    /// Whether an index created here may be given the flat index setting `key` (settings the
    /// destination does not know, or refuses, are left out of a copied definition).
    pub fn accepts_index_setting(&self, key: &str, value: &serde_json::Value) -> bool {
        if !self.es() && NOT_IN_OPENSEARCH.iter().any(|p| key.starts_with(p)) {
            return false;
        }
        if !self.mapping_all_field() && REMOVED_IN_7.iter().any(|p| key.starts_with(p)) {
            return false;
        }
        if key.starts_with("index.soft_deletes.") {
            let off = value == "false" || value == &serde_json::Value::Bool(false);
            return match self.soft_deletes() {
                SoftDeletes::Unknown => false,
                SoftDeletes::AlwaysOn => !off,
                SoftDeletes::Settable => true,
            };
        }
        true
    }
}

/// The rules as a Markdown table over representative releases (docs/versions.md).
pub fn table() -> String {
    use crate::version::Flavor::{Elasticsearch as Es, OpenSearch as Os};
    let columns = [
        Product::Release(Release::new(Es, 5, 6, 16)),
        Product::Release(Release::new(Es, 6, 1, 4)),
        Product::Release(Release::new(Es, 6, 8, 23)),
        Product::Release(Release::new(Es, 7, 10, 2)),
        Product::Release(Release::new(Es, 8, 15, 0)),
        Product::Release(Release::new(Os, 1, 3, 0)),
        Product::Release(Release::new(Os, 2, 11, 0)),
        Product::Serverless,
    ];
    let mut out = String::from("| rule | ");
    let names: Vec<String> = columns
        .iter()
        .map(|p| match p {
            Product::Release(r) => format!(
                "{} {}.{}",
                if r.is_elasticsearch() { "ES" } else { "OS" },
                r.version.major,
                r.version.minor
            ),
            Product::Serverless => "Serverless".into(),
        })
        .collect();
    out.push_str(&names.join(" | "));
    out.push_str(" |\n|---|");
    out.push_str(&"---|".repeat(columns.len()));
    out.push('\n');
    for rule in RULES {
        out.push_str(&format!("| `{}`: {} | ", rule.name, rule.summary));
        let cells: Vec<String> = columns
            .iter()
            .map(|p| (rule.value)(&Quirks::new(*p)))
            .collect();
        out.push_str(&cells.join(" | "));
        out.push_str(" |\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::Flavor::{Elasticsearch as Es, OpenSearch as Os};

    fn q(f: Flavor, major: u32, minor: u32) -> Quirks {
        Quirks::of(Release::new(f, major, minor, 0))
    }

    #[test]
    fn the_allowlist_setting_is_renamed_in_opensearch_2() {
        assert_eq!(
            q(Es, 7, 17).remote_allowlist_setting(),
            "reindex.remote.whitelist"
        );
        assert_eq!(
            q(Os, 1, 3).remote_allowlist_setting(),
            "reindex.remote.whitelist"
        );
        assert_eq!(
            q(Os, 2, 11).remote_allowlist_setting(),
            "reindex.remote.allowlist"
        );
        assert_eq!(q(Os, 2, 11).remote_allowlist_verb(), "allowlisted");
    }

    #[test]
    fn mapping_types_and_type_names_follow_the_version() {
        assert_eq!(q(Es, 5, 6).mapping_types(), MappingTypes::Multiple);
        assert_eq!(q(Es, 6, 8).mapping_types(), MappingTypes::Single);
        assert_eq!(
            q(Es, 7, 10).mapping_types(),
            MappingTypes::TypelessWithParam
        );
        assert_eq!(q(Es, 8, 0).mapping_types(), MappingTypes::Typeless);
        assert_eq!(
            Quirks::new(Product::Serverless).mapping_types(),
            MappingTypes::Typeless
        );
        assert_eq!(q(Es, 6, 1).default_type_name(), "doc");
        assert_eq!(q(Es, 6, 2).default_type_name(), "_doc");
        assert!(!q(Es, 6, 8).hits_total_is_object());
        assert!(q(Os, 1, 0).hits_total_is_object());
    }

    #[test]
    fn elasticsearch_before_7_7_gets_no_expand_wildcards_on_cat_indices() {
        assert!(!q(Es, 5, 6).cat_indices_expand_wildcards());
        assert!(!q(Es, 6, 8).cat_indices_expand_wildcards());
        assert!(!q(Es, 7, 6).cat_indices_expand_wildcards());
        assert!(q(Es, 7, 7).cat_indices_expand_wildcards());
        assert!(q(Os, 1, 3).cat_indices_expand_wildcards());
    }

    #[test]
    fn soft_deletes_are_left_out_where_unknown_or_always_on() {
        let off = serde_json::json!("false");
        let on = serde_json::json!("true");
        assert!(!q(Es, 6, 4).accepts_index_setting("index.soft_deletes.enabled", &on));
        assert!(q(Es, 6, 5).accepts_index_setting("index.soft_deletes.enabled", &off));
        assert!(!q(Es, 8, 1).accepts_index_setting("index.soft_deletes.enabled", &off));
        assert!(q(Es, 8, 1).accepts_index_setting("index.soft_deletes.enabled", &on));
        assert!(!q(Os, 2, 0).accepts_index_setting("index.lifecycle.name", &on));
        assert!(q(Es, 6, 8).accepts_index_setting("index.mapping.single_type", &on));
        assert!(!q(Es, 7, 0).accepts_index_setting("index.mapping.single_type", &on));
    }

    #[test]
    fn a_full_scan_pages_a_pit_only_where_the_shard_doc_tiebreaker_exists() {
        assert!(!q(Es, 6, 8).pit_paging());
        assert!(q(Es, 7, 10).point_in_time() && !q(Es, 7, 10).pit_paging());
        assert!(!q(Es, 7, 11).pit_paging());
        assert!(q(Es, 7, 12).pit_paging() && q(Es, 8, 15).pit_paging());
        assert!(!q(Es, 7, 14).pit_slicing() && q(Es, 7, 15).pit_slicing());
        assert!(!q(Os, 2, 3).pit_slicing() && q(Os, 2, 4).pit_slicing());
        assert!(q(Os, 2, 11).point_in_time() && !q(Os, 2, 11).pit_paging());
        assert!(!Quirks::new(Product::Serverless).pit_paging());
        assert_eq!(q(Es, 5, 6).scan_tiebreaker(), Some("_uid"));
        assert_eq!(q(Es, 6, 8).scan_tiebreaker(), Some("_uid"));
        assert_eq!(q(Es, 7, 10).scan_tiebreaker(), Some("_id"));
        assert_eq!(q(Os, 2, 11).scan_tiebreaker(), Some("_id"));
        assert_eq!(q(Es, 8, 15).scan_tiebreaker(), None);
    }

    #[test]
    fn the_table_has_a_row_per_rule() {
        let t = table();
        assert_eq!(t.lines().count(), RULES.len() + 2);
        assert!(t.contains("| `cat_indices_expand_wildcards`"));
    }
}
