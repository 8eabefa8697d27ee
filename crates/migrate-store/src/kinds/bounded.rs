//! The HTTP client every object store talks through: redirects are never followed (a 3xx reaches
//! `object_store` as an error status, so no request or credential goes to a second origin), a read
//! timeout besides the connect and total ones, a bound on response header fields, plain HTTP only
//! when the endpoint is `http://`, and no transparent decompression (object sizes stay exact).
//! The bodies `object_store` reads whole — listings and error answers — are capped; object data
//! streams through unbounded in length but never buffered.

use std::time::Duration;

use async_trait::async_trait;
use object_store::ClientOptions;
use object_store::client::{
    ClientConfigKey, HttpClient, HttpConnector, HttpError, HttpErrorKind, HttpRequest,
    HttpResponse, HttpResponseBody, HttpService,
};

/// Connect timeout of every store request.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest silence between two reads of a response.
pub(crate) const READ_TIMEOUT: Duration = Duration::from_secs(60);
/// Whole-request timeout (object transfers are split in parts well below it).
pub(crate) const TOTAL_TIMEOUT: Duration = Duration::from_secs(300);
/// Most header fields in one response.
const MAX_HEADERS: usize = 128;
/// Largest listing page or error answer read (an S3 page of 1000 keys is well under 1 MiB).
pub(crate) const MAX_BUFFERED_BODY: usize = 16 * 1024 * 1024;

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
        Ok(HttpClient::new(Capped(client)))
    }
}

/// The reqwest client, with the bodies `object_store` buffers capped.
#[derive(Debug)]
struct Capped(reqwest::Client);

/// Whether `object_store` reads this response whole: an error answer, or a listing (S3
/// `list-type=`, Azure `comp=list`, a GCS JSON object listing `/o?`).
fn buffered(req_path: &str, query: Option<&str>, success: bool) -> bool {
    let q = query.unwrap_or("");
    !success
        || q.contains("list-type=")
        || q.contains("comp=list")
        || (req_path.ends_with("/o") && !q.is_empty())
}

#[async_trait]
impl HttpService for Capped {
    async fn call(&self, req: HttpRequest) -> Result<HttpResponse, HttpError> {
        let capped = |success| buffered(req.uri().path(), req.uri().query(), success);
        let (list_or_error_if_ok, list_or_error_if_not) = (capped(true), capped(false));
        let resp = self.0.call(req).await?;
        let cap = if resp.status().is_success() {
            list_or_error_if_ok
        } else {
            list_or_error_if_not
        };
        if !cap {
            return Ok(resp);
        }
        let (parts, body) = resp.into_parts();
        let limited = http_body_util::BodyExt::map_err(
            http_body_util::Limited::new(body, MAX_BUFFERED_BODY),
            // The inner body's own errors keep their kind (an interrupted read is retried).
            |e| match e.downcast::<HttpError>() {
                Ok(inner) => *inner,
                Err(too_long) => HttpError::new_boxed(HttpErrorKind::Decode, too_long),
            },
        );
        Ok(HttpResponse::from_parts(
            parts,
            HttpResponseBody::new(limited),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::buffered;

    #[test]
    fn listings_and_error_answers_are_capped_object_data_is_not() {
        assert!(buffered("/bkt", Some("list-type=2&prefix=a"), true));
        assert!(buffered("/c", Some("restype=container&comp=list"), true));
        assert!(buffered("/storage/v1/b/bkt/o", Some("prefix=x"), true));
        assert!(buffered("/bkt/index-0", None, false));
        assert!(!buffered("/bkt/indices/x/0/__blob", None, true));
        assert!(!buffered("/bkt/snap-1.dat", Some("versionId=3"), true));
    }
}
