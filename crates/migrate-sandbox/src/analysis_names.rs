//! The camel-case n-gram analysis names a new index is refused with, as the servers check them when
//! they build the index's analysis chains (the boundaries `migrate-translate`'s `ngram-names` rule
//! documents, read in the sources: elastic/elasticsearch#39070 refused the `nGram`/`edgeNGram`
//! token filters on indexes made by 7.0+, elastic/elasticsearch#50862 the tokenizers from 8.0;
//! OpenSearch's `analysis-common` module has no built-in filters of those names on any version and
//! refuses the tokenizers and the `edgeNGram` filter type on 3.0+ indexes). An
//! `illegal_argument_exception` naming the old and the new name, as the servers answer.

use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::flavor::{Flavor, Product};
use crate::model::settings::FlatSettings;

/// The old names and the ones that replace them.
const RENAMED: &[(&str, &str)] = &[("nGram", "ngram"), ("edgeNGram", "edge_ngram")];

/// What the version refuses.
struct Refuses {
    /// A custom token filter's `type`, by old name.
    filter_type: fn(&str) -> bool,
    /// A built-in token filter named in an analyzer's `filter` list.
    builtin_filter: bool,
    /// A custom tokenizer's `type`, or a built-in tokenizer named by an analyzer.
    tokenizer: bool,
}

fn refuses(product: &Product) -> Refuses {
    let major = product.version.major;
    match product.flavor {
        Flavor::Elasticsearch => Refuses {
            filter_type: if major >= 7 { |_| true } else { |_| false },
            builtin_filter: major >= 7,
            tokenizer: major >= 8,
        },
        Flavor::OpenSearch => Refuses {
            filter_type: if major >= 3 {
                |name| name == "edgeNGram"
            } else {
                |_| false
            },
            builtin_filter: true,
            tokenizer: major >= 3,
        },
    }
}

/// The new name of an old one (`None`: not a renamed name).
fn renamed(v: &Value) -> Option<(&str, &'static str)> {
    let name = v.as_str()?;
    RENAMED
        .iter()
        .find(|(old, _)| *old == name)
        .map(|(_, new)| (name, *new))
}

/// Checks the analysis settings of a new index for the old n-gram names this version refuses.
pub fn check(product: &Product, settings: &FlatSettings) -> ApiResult<()> {
    let r = refuses(product);
    for (key, value) in settings {
        let Some(rest) = key.strip_prefix("index.analysis.") else {
            continue;
        };
        let names: Vec<&Value> = match value {
            Value::Array(list) => list.iter().collect(),
            one => vec![one],
        };
        for v in names {
            let Some((old, new)) = renamed(v) else {
                continue;
            };
            let is_filter_type = rest.starts_with("filter.") && rest.ends_with(".type");
            let is_builtin_filter = rest.starts_with("analyzer.") && rest.contains(".filter");
            let is_tokenizer = (rest.starts_with("tokenizer.") && rest.ends_with(".type"))
                || (rest.starts_with("analyzer.") && rest.ends_with(".tokenizer"));
            if (is_filter_type && (r.filter_type)(old)) || (is_builtin_filter && r.builtin_filter) {
                return Err(ApiError::illegal_argument(format!(
                    "The [{old}] token filter name was deprecated in 6.4 and cannot be used in new indices. Please change the filter name to [{new}] instead."
                )));
            }
            if is_tokenizer && r.tokenizer {
                return Err(ApiError::illegal_argument(format!(
                    "The [{old}] tokenizer name was deprecated in 7.6. Please use the tokenizer name to [{new}] for indices created in versions 8 or higher instead."
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flavor::Version;

    fn product(flavor: Flavor, major: u32) -> Product {
        Product::new(flavor, Version::new(major, 0, 0)).unwrap()
    }

    fn flat(key: &str, value: Value) -> FlatSettings {
        let mut s = FlatSettings::new();
        s.insert(key.into(), value);
        s
    }

    #[test]
    fn the_ngram_filter_type_is_refused_from_es_7_and_the_tokenizer_from_es_8() {
        let filter = flat("index.analysis.filter.f.type", Value::from("nGram"));
        let tokenizer = flat("index.analysis.tokenizer.t.type", Value::from("edgeNGram"));
        assert!(check(&product(Flavor::Elasticsearch, 6), &filter).is_ok());
        let err = check(&product(Flavor::Elasticsearch, 7), &filter).unwrap_err();
        assert!(format!("{err:?}").contains("[ngram]"), "{err:?}");
        assert!(check(&product(Flavor::Elasticsearch, 7), &tokenizer).is_ok());
        assert!(check(&product(Flavor::Elasticsearch, 8), &tokenizer).is_err());
    }

    #[test]
    fn opensearch_refuses_built_in_filter_names_always_and_tokenizers_from_3() {
        let chain = flat(
            "index.analysis.analyzer.a.filter",
            serde_json::json!(["lowercase", "edgeNGram"]),
        );
        let edge_type = flat("index.analysis.filter.f.type", Value::from("edgeNGram"));
        let ngram_type = flat("index.analysis.filter.f.type", Value::from("nGram"));
        let tokenizer = flat("index.analysis.analyzer.a.tokenizer", Value::from("nGram"));
        for major in [1, 2, 3] {
            assert!(check(&product(Flavor::OpenSearch, major), &chain).is_err());
            assert!(check(&product(Flavor::OpenSearch, major), &ngram_type).is_ok());
        }
        assert!(check(&product(Flavor::OpenSearch, 2), &edge_type).is_ok());
        assert!(check(&product(Flavor::OpenSearch, 3), &edge_type).is_err());
        assert!(check(&product(Flavor::OpenSearch, 2), &tokenizer).is_ok());
        assert!(check(&product(Flavor::OpenSearch, 3), &tokenizer).is_err());
        let new_names = flat("index.analysis.tokenizer.t.type", Value::from("ngram"));
        assert!(check(&product(Flavor::OpenSearch, 3), &new_names).is_ok());
    }
}
