//! The HTTP client every object store talks through: redirects are never followed (a 3xx reaches
//! `object_store` as an error status, so no request or credential goes to a second origin), a read
//! timeout besides the connect and total ones, a bound on response header fields, plain HTTP only
//! when the endpoint is `http://`, and no transparent decompression (object sizes stay exact).

use std::time::Duration;

use object_store::ClientOptions;
use object_store::client::{ClientConfigKey, HttpClient, HttpConnector};

/// Connect timeout of every store request.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest silence between two reads of a response.
pub(crate) const READ_TIMEOUT: Duration = Duration::from_secs(60);
/// Whole-request timeout (object transfers are split in parts well below it).
pub(crate) const TOTAL_TIMEOUT: Duration = Duration::from_secs(300);
/// Most header fields in one response.
const MAX_HEADERS: usize = 128;

/// Builds the bounded client; `headers` go on every request (OSS's write-once header).
#[derive(Debug, Clone, Default)]
pub(crate) struct Bounded {
    headers: http::HeaderMap,
}

impl Bounded {
    pub(crate) fn with_headers(headers: http::HeaderMap) -> Self {
        Bounded { headers }
    }
}

impl HttpConnector for Bounded {
    fn connect(&self, options: &ClientOptions) -> object_store::Result<HttpClient> {
        let allow_http = options
            .get_config_value(&ClientConfigKey::AllowHttp)
            .is_some_and(|v| v == "true");
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(READ_TIMEOUT)
            .timeout(TOTAL_TIMEOUT)
            .http1_max_headers(MAX_HEADERS)
            .https_only(!allow_http)
            .no_gzip()
            .default_headers(self.headers.clone())
            .user_agent(concat!("migrate/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| object_store::Error::Generic {
                store: "HTTP client",
                source: Box::new(e),
            })?;
        Ok(HttpClient::new(client))
    }
}
