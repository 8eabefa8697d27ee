//! The translation table: every rule, once. The translator asks it whether a rule applies between
//! two versions, findings name its ids, and `docs/translation.md` is generated from it.

use crate::kind::ObjectKind;
use crate::rule::{Action, Rule};
use crate::span::{ANY, ELASTICSEARCH, ES7_OR_OS, OPENSEARCH, es, os};

macro_rules! table {
    ($(
        $(#[$meta:meta])*
        $name:ident = $id:literal, $action:ident, [$($kind:ident),+],
            source: $src:expr, destination: $dst:expr,
            $summary:literal,
            docs: [$($doc:expr),+ $(,)?];
    )+) => {
        $(
            $(#[$meta])*
            pub const $name: Rule = Rule {
                id: $id,
                action: Action::$action,
                objects: &[$(ObjectKind::$kind),+],
                source: $src,
                destination: $dst,
                summary: $summary,
                docs: &[$($doc),+],
            };
        )+
        /// Every rule, in documentation order.
        pub const RULES: &[Rule] = &[$($name),+];
    };
}

const ES_BREAKING_50: &str =
    "https://www.elastic.co/guide/en/elasticsearch/reference/5.0/breaking_50_mapping_changes.html";
const ES_BREAKING_60: &str =
    "https://www.elastic.co/guide/en/elasticsearch/reference/6.0/breaking_60_mappings_changes.html";
const ES_BREAKING_70: &str =
    "https://www.elastic.co/guide/en/elasticsearch/reference/7.0/breaking-changes-7.0.html";
const ES_BREAKING_80: &str =
    "https://www.elastic.co/guide/en/elasticsearch/reference/8.0/migrating-8.0.html";
const ES_TYPES: &str =
    "https://www.elastic.co/guide/en/elasticsearch/reference/6.8/removal-of-types.html";
const ES_ILM_ACTIONS: &str =
    "https://www.elastic.co/guide/en/elasticsearch/reference/7.10/ilm-actions.html";
const OS_ISM_POLICIES: &str = "https://docs.opensearch.org/latest/im-plugin/ism/policies/";
const OS_ISM_OPERATIONS: &str =
    "https://docs.opensearch.org/latest/im-plugin/ism/policies-operations/";
/// Sources that can still hold an index created before 5.0 (a 2.x index lives on in 5.x; 6.0 reads
/// only indexes made by 5.x or later), so the 2.x mapping forms can only come from them.
const PRE_6: &[crate::span::Span] = &[es(0, 0).before(6, 0)];
/// Where OpenSearch registers its analysis names, with the versions each old name is refused from.
const OS_ANALYSIS_COMMON: &str = "https://github.com/opensearch-project/OpenSearch/blob/main/modules/analysis-common/src/main/java/org/opensearch/analysis/common/CommonAnalysisModulePlugin.java";
const REFERENCE: &str = "shared/REFERENCE.md, Copying index definitions";
const FIELD: &str = "shared/FIELD.md, What the versions force";

table! {
    // ---- versions ----
    UNSUPPORTED_VERSION = "unsupported-version", Reject, [Index, Settings, Mappings, Aliases, LegacyTemplate, IndexTemplate, ComponentTemplate, Pipeline, StoredScript, LifecyclePolicy],
        source: ANY, destination: ANY,
        "A source outside ES 2–8 / OpenSearch 1–3, or a destination outside ES 5–8 / OpenSearch 1–3, is not in this table: nothing is translated.",
        docs: [FIELD];
    UNSUPPORTED_DIRECTION = "unsupported-direction", Reject, [Index, Settings, Mappings, Aliases, LegacyTemplate, IndexTemplate, ComponentTemplate, Pipeline, StoredScript, LifecyclePolicy],
        source: ANY, destination: ANY,
        "A destination older than the source (of the same product): the rules only translate forward, so the object is returned unchanged and refused.",
        docs: ["https://www.elastic.co/guide/en/elasticsearch/reference/7.10/snapshot-restore.html", REFERENCE];
    OPENSEARCH_AS_FORK = "opensearch-as-fork", Flag, [Index, Settings, Mappings, Aliases, LegacyTemplate, IndexTemplate, ComponentTemplate, Pipeline, StoredScript, LifecyclePolicy],
        source: OPENSEARCH, destination: ELASTICSEARCH,
        "OpenSearch to Elasticsearch: the object is read as Elasticsearch 7.10.2, the release OpenSearch forked from, and translated forward from there (the same rule for the lint and apply); an OpenSearch-only setting or field type (`index.knn`, `knn_vector`, `flat_object`, `index.plugins.*`) is left in place and refused by the destination, failing the step that writes it. Snapshots are refused in this direction (Elasticsearch cannot read OpenSearch snapshots).",
        docs: ["https://opensearch.org/blog/the-opensearch-project-has-released-opensearch-1-0/", REFERENCE];

    MALFORMED_OBJECT = "malformed-object", Reject, [Index, Settings, Mappings, Aliases, LegacyTemplate, IndexTemplate, ComponentTemplate, Pipeline, StoredScript, LifecyclePolicy],
        source: ANY, destination: ANY,
        "A part that is not the JSON shape its kind needs (settings that are not an object, a field that is not an object, ...) is refused as is.",
        docs: ["https://www.elastic.co/guide/en/elasticsearch/reference/7.10/indices-create-index.html"];

    // ---- settings ----
    STRIP_PRIVATE_SETTINGS = "strip-private-settings", Strip, [Index, Settings],
        source: ANY, destination: ANY,
        "Settings the server sets itself or that record the source's history (`uuid`, `creation_date`, `provided_name`, `history.uuid`, `version.*`, `resize.*`, `shrink.*`, `routing.allocation.initial_recovery.*`, `verified_before_close`) are never copied; setting them is a validation error.",
        docs: [REFERENCE, "https://github.com/opensearch-project/opensearch-migrations/issues/3293"];
    STRIP_WRITE_BLOCKS = "strip-write-blocks", Strip, [Index, Settings, LegacyTemplate, IndexTemplate, ComponentTemplate],
        source: ANY, destination: ANY,
        "`index.blocks.*` would stop the copy from writing: removed; set them again after cutover if wanted.",
        docs: [REFERENCE];
    STRIP_ARCHIVED_SETTINGS = "strip-archived-settings", Strip, [Index, Settings],
        source: ANY, destination: ANY,
        "`archived.*` settings are ones the source could no longer read (e.g. `archived.index.lifecycle.*`); they break ISM and are never copied.",
        docs: [FIELD, "https://github.com/opensearch-project/index-management/issues/325"];
    STRIP_ROUTING_ALLOCATION = "strip-routing-allocation", Strip, [Index, Settings, LegacyTemplate, IndexTemplate, ComponentTemplate],
        source: ANY, destination: ANY,
        "`index.routing.allocation.{require,include,exclude}.*` name the source's node attributes; unless the plan keeps them they are removed so shards can be allocated.",
        docs: [FIELD, "https://www.elastic.co/guide/en/elasticsearch/reference/7.10/shard-allocation-filtering.html"];
    LIFECYCLE_SETTINGS_ON_OPENSEARCH = "lifecycle-settings-on-opensearch", Rewrite, [Index, Settings, LegacyTemplate, IndexTemplate, ComponentTemplate],
        source: ELASTICSEARCH, destination: OPENSEARCH,
        "OpenSearch has no `index.lifecycle.*`: the policy name is dropped (ISM attaches policies itself) and `index.lifecycle.rollover_alias` becomes `index.plugins.index_state_management.rollover_alias`.",
        docs: [FIELD, OS_ISM_POLICIES];
    XPACK_SETTINGS_ON_OPENSEARCH = "xpack-settings-on-opensearch", Strip, [Index, Settings, LegacyTemplate, IndexTemplate, ComponentTemplate],
        source: ELASTICSEARCH, destination: OPENSEARCH,
        "Elasticsearch-only settings (`index.xpack.*`, `index.frozen`, `index.search.throttled`, `index.routing.allocation.include._tier_preference`) are unknown to OpenSearch and refused there.",
        docs: [REFERENCE];
    INDEX_MODE = "index-mode", Reject, [Index, Settings, LegacyTemplate, IndexTemplate, ComponentTemplate],
        source: &[es(8, 0)], destination: OPENSEARCH,
        "`index.mode: time_series | logsdb` (Elasticsearch 8) has no OpenSearch equivalent: the index would lose its dimensions and synthetic source.",
        docs: ["https://www.elastic.co/guide/en/elasticsearch/reference/8.15/tsds.html"];
    SETTINGS_REMOVED_IN_7 = "settings-removed-in-7", Strip, [Index, Settings, LegacyTemplate],
        source: &[es(0, 0).before(7, 0)], destination: ES7_OR_OS,
        "`index.mapping.single_type` and `index.mapper.dynamic` were removed in 7.0 and are refused there.",
        docs: [ES_BREAKING_70];
    REMOTE_STORE_SETTINGS = "remote-store-settings", Strip, [Index, Settings, LegacyTemplate, IndexTemplate, ComponentTemplate],
        source: OPENSEARCH, destination: ANY,
        "`index.remote_store.*` names the source cluster's remote-store repositories and blocks a restore elsewhere; the destination decides its own storage.",
        docs: [FIELD, "https://docs.opensearch.org/latest/tuning-your-cluster/availability-and-recovery/remote-store/index/"];
    SOFT_DELETES_REQUIRED = "soft-deletes-required", Strip, [Index, Settings, LegacyTemplate, IndexTemplate, ComponentTemplate],
        source: ANY, destination: &[es(8, 0), os(2, 0)],
        "`index.soft_deletes.enabled: false` is rejected by ES 8 and OpenSearch 2 (soft deletes are always on): removed.",
        docs: [ES_BREAKING_80, FIELD];
    DEFAULT_SHARDS_PINNED = "default-shards-pinned", Rewrite, [LegacyTemplate],
        source: &[es(0, 0).before(7, 0)], destination: ES7_OR_OS,
        "The default shard count fell from 5 to 1 in ES 7: a template that did not set it gets `index.number_of_shards: 5` so new indexes keep the source's layout.",
        docs: [ES_BREAKING_70];
    SIMILARITY_CLASSIC = "similarity-classic", Rewrite, [Index, Settings, Mappings, LegacyTemplate, IndexTemplate, ComponentTemplate],
        source: &[es(0, 0).before(7, 0)], destination: ES7_OR_OS,
        "The `classic` (TF/IDF) similarity was removed in 7.0: replaced by `BM25`; scores change.",
        docs: [ES_BREAKING_70];

    // ---- analysis ----
    NGRAM_NAMES = "ngram-names", Rewrite, [Index, Settings, LegacyTemplate, IndexTemplate, ComponentTemplate],
        source: ANY, destination: ES7_OR_OS,
        "The camel-case `nGram` / `edgeNGram` names: ES refuses the filters on indexes made by 7.0+ (deprecated 6.4) and the tokenizers from 8.0 (deprecated 7.6); OpenSearch refuses the built-in filter names on every version and the tokenizers and the `edgeNGram` filter type on 3.0+ indexes. Renamed `ngram` / `edge_ngram`, which every ES 7+ and OpenSearch accepts.",
        docs: ["https://github.com/elastic/elasticsearch/pull/39070", "https://github.com/elastic/elasticsearch/pull/50862", OS_ANALYSIS_COMMON];
    DELIMITED_PAYLOAD_NAME = "delimited-payload-name", Rewrite, [Index, Settings, LegacyTemplate, IndexTemplate, ComponentTemplate],
        source: ANY, destination: ES7_OR_OS,
        "`delimited_payload_filter` was renamed `delimited_payload` (6.2); ES refuses the old name on indexes made by 7.0+, and OpenSearch (forked from 7.10) has only the new one.",
        docs: ["https://www.elastic.co/guide/en/elasticsearch/reference/7.0/analysis-delimited-payload-tokenfilter.html"];
    HTML_STRIP_NAME = "html-strip-name", Rewrite, [Index, Settings, LegacyTemplate, IndexTemplate, ComponentTemplate],
        source: ANY, destination: ES7_OR_OS,
        "The `htmlStrip` char filter name was deprecated in 6.3 in favour of `html_strip` and is refused on indexes made by ES 7.0+; OpenSearch has no `htmlStrip` at all: renamed.",
        docs: ["https://github.com/elastic/elasticsearch/pull/27429"];
    PATH_HIERARCHY_NAME = "path-hierarchy-name", Rewrite, [Index, Settings, LegacyTemplate, IndexTemplate, ComponentTemplate],
        source: ANY, destination: ES7_OR_OS,
        "The camel-case `PathHierarchy` tokenizer name is deprecated in ES 7.6 and refused by 8.0 (OpenSearch still takes it, deprecated from 3.0): renamed `path_hierarchy`, which all of them accept.",
        docs: [FIELD, ES_BREAKING_80, OS_ANALYSIS_COMMON];
    STANDARD_TOKEN_FILTER = "standard-token-filter", Strip, [Index, Settings, LegacyTemplate, IndexTemplate, ComponentTemplate],
        source: ANY, destination: ES7_OR_OS,
        "The `standard` token filter did nothing and was removed in 7.0: dropped from analyzers' filter chains (and custom filters of that type removed).",
        docs: ["https://www.elastic.co/guide/en/elasticsearch/reference/6.8/analysis-standard-tokenfilter.html", ES_BREAKING_70];
    MAX_NGRAM_DIFF = "max-ngram-diff", Rewrite, [Index, Settings, LegacyTemplate, IndexTemplate, ComponentTemplate],
        source: ANY, destination: ES7_OR_OS,
        "From 7.0 an n-gram filter or tokenizer with `max_gram - min_gram` above `index.max_ngram_diff` (default 1) is refused: the setting is raised to the widest one.",
        docs: ["https://www.elastic.co/guide/en/elasticsearch/reference/6.8/analysis-ngram-tokenfilter.html", ES_BREAKING_70];
    MAX_SHINGLE_DIFF = "max-shingle-diff", Rewrite, [Index, Settings, LegacyTemplate, IndexTemplate, ComponentTemplate],
        source: ANY, destination: ES7_OR_OS,
        "From 7.0 a shingle filter with `max_shingle_size - min_shingle_size` above `index.max_shingle_diff` (default 3) is refused: the setting is raised.",
        docs: [ES_BREAKING_70];

    // ---- mapping root ----
    INCLUDE_TYPE_NAME = "include-type-name", Rewrite, [Index, Mappings, LegacyTemplate],
        source: &[es(0, 0).before(8, 0), os(1, 0).before(2, 0)], destination: ES7_OR_OS,
        "A typed mapping (`{\"<type>\": {...}}`) is unwrapped: ES 7 reads typeless bodies unless `include_type_name=true`, and ES 8 / OpenSearch 2 removed types and the parameter.",
        docs: [ES_TYPES, ES_BREAKING_80];
    TYPELESS_TO_TYPED = "typeless-to-typed", Rewrite, [Index, Mappings, LegacyTemplate],
        source: ANY, destination: &[es(0, 0).before(7, 0)],
        "ES 5/6 need a mapping type: a typeless mapping is wrapped in `_doc` (6.x) or `doc` (5.x, where names may not start with `_`).",
        docs: [ES_TYPES];
    DEFAULT_MAPPING = "default-mapping", Rewrite, [Index, Mappings, LegacyTemplate],
        source: &[es(0, 0).before(7, 0)], destination: ES7_OR_OS,
        "`_default_` was removed in 7.0: its settings are merged under each real type (the type's own win), or become the mapping when it is the only one.",
        docs: [ES_BREAKING_70];
    MULTI_TYPE = "multi-type", Rewrite, [Index, Mappings, LegacyTemplate],
        source: &[es(0, 0).before(6, 0)], destination: &[es(6, 0), os(0, 0)],
        "ES 6+ hold one type per index: the plan chooses union (one mapping; refused on conflicting fields) or split (one index per type); without a choice the index is refused.",
        docs: [ES_TYPES];
    ALL_FIELD = "all-field", Strip, [Index, Mappings, LegacyTemplate],
        source: &[es(0, 0).before(7, 0)], destination: &[es(6, 0), os(0, 0)],
        "`_all` cannot be configured from 6.0 and is gone in 7.0, and `include_in_all` with it: removed; an enabled `_all` is a warning (queries on `_all` need `copy_to`).",
        docs: [ES_BREAKING_60, ES_BREAKING_70];
    TIMESTAMP_TTL = "timestamp-ttl", Strip, [Index, Mappings, LegacyTemplate],
        source: &[es(0, 0).before(5, 0)], destination: ANY,
        "`_timestamp` and `_ttl` were removed in 5.0: removed (an enabled one is a warning: use a date field, and ILM/ISM or delete-by-query for expiry).",
        docs: [ES_BREAKING_50];
    PARENT_TO_JOIN = "parent-to-join", Rewrite, [Index, Mappings, LegacyTemplate],
        source: &[es(0, 0).before(6, 0)], destination: &[es(6, 0), os(0, 0)],
        "`_parent` needs several types: with a union the relations become one `join` field (documents must carry it); otherwise the index is refused.",
        docs: ["https://www.elastic.co/guide/en/elasticsearch/reference/6.8/parent-join.html", ES_TYPES];
    FIELD_NAMES_ENABLED = "field-names-enabled", Strip, [Index, Mappings, LegacyTemplate, IndexTemplate, ComponentTemplate],
        source: ANY, destination: &[es(8, 0)],
        "`_field_names.enabled` was deprecated in 7.5 and is refused by 8.0: removed.",
        docs: [ES_BREAKING_80];
    SOURCE_MODE = "source-mode", Strip, [Index, Mappings, IndexTemplate, ComponentTemplate],
        source: &[es(8, 0)], destination: OPENSEARCH,
        "`_source.mode` (synthetic source) is Elasticsearch-only: removed, so OpenSearch stores `_source` whole.",
        docs: ["https://www.elastic.co/guide/en/elasticsearch/reference/8.15/mapping-source-field.html"];
    RUNTIME_FIELDS = "runtime-fields", Reject, [Index, Mappings, IndexTemplate, ComponentTemplate],
        source: &[es(7, 11)], destination: OPENSEARCH,
        "Runtime fields (`runtime`, ES 7.11+) do not exist in OpenSearch: queries on them would find nothing.",
        docs: ["https://www.elastic.co/guide/en/elasticsearch/reference/7.11/runtime.html"];

    // ---- fields ----
    STRING_TO_TEXT_KEYWORD = "string-to-text-keyword", Rewrite, [Index, Mappings, LegacyTemplate],
        source: PRE_6, destination: ANY,
        "`string` was removed in 5.0: analyzed strings become `text` (with a `.keyword` sub-field, `ignore_above: 256`, unless the plan says not), `not_analyzed` ones `keyword`.",
        docs: [ES_BREAKING_50, FIELD];
    INDEX_ANALYZED_BOOLEAN = "index-analyzed-boolean", Rewrite, [Index, Mappings, LegacyTemplate],
        source: PRE_6, destination: ANY,
        "`index: analyzed | not_analyzed | no` became a boolean in 5.0: `no` → `false`, the others → `true` (or dropped, the default).",
        docs: [ES_BREAKING_50];
    NORMS_BOOLEAN = "norms-boolean", Rewrite, [Index, Mappings, LegacyTemplate],
        source: PRE_6, destination: ANY,
        "`norms: {enabled: x}` and `omit_norms: x` became `norms: <bool>` in 5.0.",
        docs: [ES_BREAKING_50];
    FIELDDATA_FORMAT = "fielddata-format", Rewrite, [Index, Mappings, LegacyTemplate],
        source: PRE_6, destination: ANY,
        "`fielddata: {format: ...}` is gone in 5.0: `disabled` becomes `fielddata: false`, other formats are dropped (text has no fielddata by default).",
        docs: [ES_BREAKING_50];
    PRECISION_STEP = "precision-step", Strip, [Index, Mappings, LegacyTemplate],
        source: PRE_6, destination: ANY,
        "`precision_step` is refused from 5.0 (numbers are points): removed.",
        docs: [ES_BREAKING_50, FIELD];
    MAPPING_BOOST = "mapping-boost", Strip, [Index, Mappings, LegacyTemplate, IndexTemplate, ComponentTemplate],
        source: ANY, destination: &[es(8, 0)],
        "Index-time `boost` in mappings was deprecated in 7 and is refused by 8.0: removed (boost at query time instead).",
        docs: [ES_BREAKING_80];
    GEO_SHAPE_PREFIX_TREE = "geo-shape-prefix-tree", Strip, [Index, Mappings, LegacyTemplate, IndexTemplate, ComponentTemplate],
        source: ANY, destination: &[es(8, 0)],
        "`geo_shape` prefix-tree parameters (`tree`, `strategy`, `precision`, `tree_levels`, `distance_error_pct`, `points_only`) were removed in 8.0: removed (BKD indexing).",
        docs: [ES_BREAKING_80];
    MULTI_FIELDS_IN_MULTI_FIELDS = "multi-fields-in-multi-fields", Rewrite, [Index, Mappings, LegacyTemplate, IndexTemplate, ComponentTemplate],
        source: ANY, destination: &[es(8, 0)],
        "ES 8 refuses multi-fields inside multi-fields: the inner ones move up as `<outer>_<inner>` siblings, which changes their query paths (an error: the plan must accept the names).",
        docs: [ES_BREAKING_80];
    SPARSE_VECTOR_REMOVED = "sparse-vector-removed", Reject, [Index, Mappings, IndexTemplate, ComponentTemplate],
        source: &[es(7, 0).before(8, 0)], destination: &[es(8, 0), os(0, 0)],
        "The 7.x `sparse_vector` type was removed in 8.0 (the 8.11 type of that name is a different one) and OpenSearch has no equivalent.",
        docs: [ES_BREAKING_80];
    JODA_DATE_FORMATS = "joda-date-formats", Flag, [Index, Mappings, LegacyTemplate],
        source: &[es(0, 0).before(7, 0)], destination: ES7_OR_OS,
        "ES 7 parses custom date formats with java.time, not Joda: patterns using `Y`, `y` with `u`, `w`, `e`, `x`, `Z` or `z` can read differently and are flagged for review.",
        docs: ["https://www.elastic.co/guide/en/elasticsearch/reference/7.0/breaking-changes-7.0.html#breaking_70_java_time_changes", FIELD];
    DENSE_VECTOR_TO_KNN_VECTOR = "dense-vector-to-knn-vector", Rewrite, [Index, Mappings, IndexTemplate, ComponentTemplate],
        source: ELASTICSEARCH, destination: OPENSEARCH,
        "`dense_vector` becomes `knn_vector` (`dims` → `dimension`, `similarity` → `space_type`, HNSW options → `method`), and an indexed one sets `index.knn: true`.",
        docs: ["https://docs.opensearch.org/latest/field-types/supported-field-types/knn-vector/", FIELD];
    NMSLIB_ENGINE_REMOVED = "nmslib-engine-removed", Rewrite, [Index, Mappings, IndexTemplate, ComponentTemplate],
        source: OPENSEARCH, destination: &[os(3, 0)],
        "OpenSearch 3.0 refuses new `knn_vector` fields on the deprecated `nmslib` engine: moved to `faiss` (same HNSW parameters).",
        docs: ["https://docs.opensearch.org/latest/mappings/supported-field-types/knn-methods-engines/", FIELD];
    FLATTENED_TO_FLAT_OBJECT = "flattened-to-flat-object", Rewrite, [Index, Mappings, IndexTemplate, ComponentTemplate],
        source: &[es(7, 3)], destination: OPENSEARCH,
        "`flattened` becomes `flat_object` (OpenSearch 2.7+; its parameters have no equivalent and are dropped); before 2.7 the field is refused.",
        docs: ["https://docs.opensearch.org/latest/mappings/supported-field-types/flat-object/", "https://docs.opensearch.org/latest/migration-assistant/migration-phases/migrate-metadata/transform-flattened-flat-object"];
    FIELD_TYPE_UNAVAILABLE = "field-type-unavailable", Reject, [Index, Mappings, LegacyTemplate, IndexTemplate, ComponentTemplate],
        source: ANY, destination: ANY,
        "A field type the destination does not have (e.g. `wildcard` before OpenSearch 2.15, `aggregate_metric_double`, `semantic_text`, `version` on OpenSearch) is refused.",
        docs: ["https://docs.opensearch.org/latest/mappings/supported-field-types/index/"];

    // ---- aliases ----
    ALIAS_WRITE_INDEX = "alias-write-index", Strip, [Index, Aliases, LegacyTemplate, IndexTemplate, ComponentTemplate],
        source: ANY, destination: &[es(0, 0).before(6, 4)],
        "`is_write_index` arrived in 6.4 (and `is_hidden` in 7.7): removed for older destinations, where a write alias must point at one index.",
        docs: ["https://www.elastic.co/guide/en/elasticsearch/reference/6.4/indices-aliases.html"];
    ALIAS_FILTER_QUERIES = "alias-filter-queries", Reject, [Index, Aliases, LegacyTemplate, IndexTemplate, ComponentTemplate],
        source: ANY, destination: ANY,
        "An alias filter using a query the destination removed (`filtered`, `and`, `or`, `missing` in 5.0; `type` in ES 8 / OpenSearch 2) is refused: rewrite the filter.",
        docs: [ES_BREAKING_50, ES_BREAKING_80];

    // ---- templates and data streams ----
    TEMPLATE_TO_INDEX_PATTERNS = "template-to-index-patterns", Rewrite, [LegacyTemplate],
        source: &[es(0, 0).before(6, 0)], destination: &[es(6, 0), os(0, 0)],
        "A legacy template's `template` pattern became `index_patterns` (a list) in 6.0.",
        docs: ["https://www.elastic.co/guide/en/elasticsearch/reference/6.0/breaking_60_indices_changes.html"];
    COMPOSABLE_TEMPLATE_UNAVAILABLE = "composable-template-unavailable", Reject, [IndexTemplate, ComponentTemplate],
        source: ANY, destination: &[es(0, 0).before(7, 8)],
        "Composable index and component templates arrived in ES 7.8: an older destination cannot hold them.",
        docs: ["https://www.elastic.co/guide/en/elasticsearch/reference/7.8/index-templates.html"];
    TEMPLATE_FIELDS_UNKNOWN = "template-fields-unknown", Strip, [IndexTemplate],
        source: ELASTICSEARCH, destination: OPENSEARCH,
        "Elasticsearch-only composable-template fields (`allow_auto_create`, `ignore_missing_component_templates`, `deprecated`, `data_stream.hidden`, `data_stream.allow_custom_routing`) are refused by OpenSearch: removed.",
        docs: ["https://docs.opensearch.org/latest/im-plugin/index-templates/"];
    DATA_STREAM_TEMPLATE = "data-stream-template", Rewrite, [IndexTemplate],
        source: ANY, destination: ANY,
        "A template with `data_stream` makes data streams: the destination needs ES 7.9+ or OpenSearch, the `@timestamp` field mapped as a date, and documents written with `op_type: create` to the stream name.",
        docs: ["https://docs.opensearch.org/latest/im-plugin/data-streams/", FIELD];

    // ---- ingest pipelines ----
    PROCESSOR_UNAVAILABLE = "processor-unavailable", Reject, [Pipeline],
        source: ANY, destination: ANY,
        "A processor the destination does not have (e.g. `enrich`, `inference`, `set_security_user` on OpenSearch; `dissect` before ES 6.4) is refused: documents would fail ingestion.",
        docs: ["https://docs.opensearch.org/latest/ingest-pipelines/processors/index-processors/", "https://www.elastic.co/guide/en/elasticsearch/reference/7.10/ingest-processors.html"];
    PROCESSOR_UNVERIFIED = "processor-unverified", Flag, [Pipeline],
        source: ANY, destination: ANY,
        "A processor this table does not know (usually a plugin's) is kept and flagged: check the destination has the plugin.",
        docs: ["https://docs.opensearch.org/latest/ingest-pipelines/processors/index-processors/"];

    // ---- stored scripts ----
    STORED_SCRIPT_SOURCE = "stored-script-source", Rewrite, [StoredScript],
        source: &[es(0, 0).before(6, 0)], destination: &[es(6, 0), os(0, 0)],
        "5.x stored scripts (`{\"script\": \"...\"}` or `code`) become `{\"script\": {\"lang\", \"source\"}}`, the only form 6.0+ reads.",
        docs: ["https://www.elastic.co/guide/en/elasticsearch/reference/6.0/breaking_60_scripting_changes.html"];
    SCRIPT_LANGUAGE_REMOVED = "script-language-removed", Reject, [StoredScript],
        source: ANY, destination: &[es(6, 0), os(0, 0)],
        "Groovy, JavaScript and Python scripting were removed by 6.0: such a script must be rewritten in Painless.",
        docs: ["https://www.elastic.co/guide/en/elasticsearch/reference/6.0/breaking_60_scripting_changes.html"];

    // ---- lifecycle ----
    ILM_TO_ISM = "ilm-to-ism", Rewrite, [LifecyclePolicy],
        source: ELASTICSEARCH, destination: OPENSEARCH,
        "An ILM policy becomes an ISM policy: one state per phase in order, actions mapped one to one, each phase's `min_age` a transition `min_index_age` (see the mapping below).",
        docs: [ES_ILM_ACTIONS, OS_ISM_POLICIES, OS_ISM_OPERATIONS];
    ILM_ACTION_UNSUPPORTED = "ilm-action-unsupported", Reject, [LifecyclePolicy],
        source: ELASTICSEARCH, destination: OPENSEARCH,
        "ILM actions with no ISM equivalent (`searchable_snapshot`, `freeze`, `downsample`, `wait_for_snapshot`, `migrate`, `unfollow` with a follower) are refused with the reason.",
        docs: [ES_ILM_ACTIONS, OS_ISM_OPERATIONS];

}
