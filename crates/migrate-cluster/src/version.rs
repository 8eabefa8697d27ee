//! What a cluster runs, from `GET /` (or known without asking, for Serverless).

use migrate_core::{Flavor, Product, Release, Version};
use serde::Deserialize;

/// What the client knows about the server it talks to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInfo {
    pub product: Product,
    pub cluster_name: Option<String>,
    pub cluster_uuid: Option<String>,
}

impl ServerInfo {
    /// The release, `None` for Serverless (which reports no version).
    pub fn release(&self) -> Option<Release> {
        self.product.release()
    }

    pub fn flavor(&self) -> Flavor {
        self.product.flavor()
    }
}

/// Body of `GET /`.
#[derive(Debug, Clone, Deserialize)]
pub struct RootInfo {
    #[serde(default)]
    pub cluster_name: Option<String>,
    #[serde(default)]
    pub cluster_uuid: Option<String>,
    pub version: RootVersion,
    #[serde(default)]
    pub tagline: Option<String>,
}

/// `version` object of `GET /`.
#[derive(Debug, Clone, Deserialize)]
pub struct RootVersion {
    pub number: String,
    /// `"opensearch"` on OpenSearch; absent on Elasticsearch (some ES forks say `"elasticsearch"`).
    #[serde(default)]
    pub distribution: Option<String>,
}

impl RootInfo {
    /// Flavour and version, or `None` if the version number does not parse.
    pub fn server_info(&self) -> Option<ServerInfo> {
        let flavor = match self.version.distribution.as_deref() {
            Some(d) if d.eq_ignore_ascii_case("opensearch") => Flavor::OpenSearch,
            _ if self
                .tagline
                .as_deref()
                .is_some_and(|t| t.contains("OpenSearch")) =>
            {
                Flavor::OpenSearch
            }
            _ => Flavor::Elasticsearch,
        };
        Some(ServerInfo {
            product: Product::Release(Release {
                flavor,
                version: Version::parse(&self.version.number)?,
            }),
            cluster_name: self.cluster_name.clone(),
            cluster_uuid: self.cluster_uuid.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_flavour() {
        let os: RootInfo = serde_json::from_str(
            r#"{"name":"n","cluster_name":"c","cluster_uuid":"u","version":{"distribution":"opensearch","number":"2.11.0"},"tagline":"The OpenSearch Project: https://opensearch.org/"}"#,
        )
        .unwrap();
        let i = os.server_info().unwrap();
        assert_eq!(
            i.product,
            Product::Release(Release::new(Flavor::OpenSearch, 2, 11, 0))
        );
        let es: RootInfo = serde_json::from_str(
            r#"{"name":"n","cluster_name":"c","version":{"number":"7.10.2","build_flavor":"default"},"tagline":"You Know, for Search"}"#,
        )
        .unwrap();
        assert_eq!(es.server_info().unwrap().flavor(), Flavor::Elasticsearch);
    }
}
