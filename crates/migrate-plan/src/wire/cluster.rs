//! Wire types for a cluster: URL, authentication, declared version, TLS, and secret references.

use migrate_core::SecretRef;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One Elasticsearch or OpenSearch cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Cluster")]
pub struct ClusterWire {
    /// Base URL of the cluster's REST API: `http(s)://host[:port]`, without a path, query or credentials.
    pub url: String,
    /// How requests to this cluster authenticate. Defaults to `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<AuthWire>,
    /// The version the cluster runs, when you want it declared and checked instead of only detected: `elasticsearch-X.Y.Z` or `opensearch-X.Y.Z` (Elasticsearch 5–8, OpenSearch 1–3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// TLS options for `https` URLs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsWire>,
    /// Bounds on this cluster's HTTP traffic: the largest response body read and how long to wait for a connection, for the next bytes of a response, and for a whole request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpWire>,
}

/// Bounds on one cluster's HTTP traffic. A server that sends more, or stalls longer, fails the request with the field to change named.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Http")]
pub struct HttpWire {
    /// The largest response body read, in bytes (default 104857600, Elasticsearch's own `http.max_content_length`). A longer body is refused as it streams in, never buffered whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1024))]
    pub max_response_bytes: Option<u64>,
    /// How long to wait for a connection (TCP and TLS), in milliseconds (default 10000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub connect_timeout_ms: Option<u64>,
    /// The longest silence between two reads of a response, in milliseconds (default 60000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub read_timeout_ms: Option<u64>,
    /// The longest a whole request may take, response body included, in milliseconds (default 120000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub request_timeout_ms: Option<u64>,
}

/// How requests authenticate. Write exactly one kind: `none`, or a map with one of `basic`, `api_key`, `bearer`, `aws_sigv4`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[schemars(rename = "Auth")]
pub enum AuthWire {
    /// No authentication.
    None,
    /// HTTP basic authentication.
    Basic(BasicAuthWire),
    /// An Elasticsearch API key, sent as `Authorization: ApiKey <key>`.
    ApiKey(ApiKeyAuthWire),
    /// A bearer token, sent as `Authorization: Bearer <token>`.
    Bearer(BearerAuthWire),
    /// AWS Signature Version 4 (Amazon OpenSearch Service). Credentials come from the AWS chain (environment, profile, instance role), never from the plan.
    AwsSigv4(SigV4AuthWire),
}

/// HTTP basic authentication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "BasicAuth")]
pub struct BasicAuthWire {
    /// The user name.
    pub username: String,
    /// The password, as a reference: `{ env: NAME }` or `{ file: PATH }`.
    pub password: SecretRef,
}

/// An API key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ApiKeyAuth")]
pub struct ApiKeyAuthWire {
    /// The encoded API key (`base64(id:api_key)`), as a reference: `{ env: NAME }` or `{ file: PATH }`.
    pub key: SecretRef,
}

/// A bearer token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "BearerAuth")]
pub struct BearerAuthWire {
    /// The token, as a reference: `{ env: NAME }` or `{ file: PATH }`.
    pub token: SecretRef,
}

/// AWS SigV4 request signing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "SigV4Auth")]
pub struct SigV4AuthWire {
    /// The AWS region of the domain, e.g. `ap-southeast-1`.
    pub region: String,
    /// The signing service: `es` for OpenSearch Service domains (default), `aoss` for OpenSearch Serverless.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<AwsServiceWire>,
}

/// The AWS signing service name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "AwsService")]
pub enum AwsServiceWire {
    /// Amazon OpenSearch Service domains.
    Es,
    /// Amazon OpenSearch Serverless collections.
    Aoss,
}

/// TLS options.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Tls")]
pub struct TlsWire {
    /// A PEM file with the CA certificates to trust in addition to the system roots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
    /// Accept any server certificate. Only for tests: it is reported as a warning.
    #[serde(default)]
    pub insecure_skip_verify: bool,
    /// A PEM file with the client certificate chain `migrate` presents for mutual TLS (with `client_key`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_cert: Option<String>,
    /// A PEM file with the private key of `client_cert` (with `client_cert`). Keep it readable by the runner only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_key: Option<String>,
}
