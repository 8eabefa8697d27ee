//! Index mappings as the steps read them (typeless, whatever the version) and write them (wrapped
//! in a type where the version wants one).

use migrate_core::{MappingTypes, Quirks};
use serde_json::{Map, Value};

use crate::shapes::unwrap_mapping;

/// A typeless view of one index's mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexMapping {
    /// Mapping types found (5.x/6.x); empty for a typeless cluster.
    pub types: Vec<String>,
    /// The mapping without a type wrapper; `None` when there are several types (a choice is needed).
    pub mapping: Option<Value>,
    /// The raw mapping object as the server returned it.
    pub raw: Value,
}

/// A `GET /{index}/_mapping` body, unwrapped to typeless per index.
pub fn mappings(v: Value) -> Option<Vec<(String, IndexMapping)>> {
    let Value::Object(per_index) = v else {
        return None;
    };
    Some(
        per_index
            .into_iter()
            .map(|(name, entry)| {
                let raw = entry.get("mappings").cloned().unwrap_or(Value::Null);
                let (types, mapping) = unwrap_mapping(&raw);
                (
                    name,
                    IndexMapping {
                        types,
                        mapping,
                        raw,
                    },
                )
            })
            .collect(),
    )
}

/// A mapping wrapped the way a cluster with `types` wants it created: in `type_name` (or the
/// version's default type name) on 5.x/6.x, as it is on typeless versions.
pub fn mapping_for(quirks: &Quirks, mapping: Value, type_name: Option<&str>) -> Value {
    match quirks.mapping_types() {
        MappingTypes::Multiple | MappingTypes::Single => {
            let ty = type_name.unwrap_or(quirks.default_type_name());
            let mut outer = Map::new();
            outer.insert(ty.to_owned(), mapping);
            Value::Object(outer)
        }
        MappingTypes::TypelessWithParam | MappingTypes::Typeless => mapping,
    }
}
