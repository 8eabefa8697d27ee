//! A loopback HTTP server for wire tests: records every request and answers from a closure.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path and query exactly as sent.
    pub uri: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub type Responder = dyn Fn(&Recorded) -> (u16, String) + Send + Sync;

pub struct TestServer {
    pub url: url::Url,
    pub log: Arc<Mutex<Vec<Recorded>>>,
}

impl TestServer {
    pub async fn start(
        responder: impl Fn(&Recorded) -> (u16, String) + Send + Sync + 'static,
    ) -> Self {
        let log: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let responder: Arc<Responder> = Arc::new(responder);
        let app = {
            let log = log.clone();
            axum::Router::new().fallback(
                move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                    let log = log.clone();
                    let responder = responder.clone();
                    async move {
                        let rec = Recorded {
                            method: method.to_string(),
                            uri: uri.to_string(),
                            headers: headers
                                .iter()
                                .map(|(k, v)| {
                                    (
                                        k.to_string(),
                                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                                    )
                                })
                                .collect(),
                            body: body.to_vec(),
                        };
                        let (status, body) = responder(&rec);
                        log.lock().unwrap().push(rec);
                        (
                            StatusCode::from_u16(status).unwrap(),
                            [("content-type", "application/json")],
                            body,
                        )
                            .into_response()
                    }
                },
            )
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        TestServer {
            url: format!("http://{addr}/").parse().unwrap(),
            log,
        }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.log.lock().unwrap().clone()
    }
}

pub mod calls;
pub mod logs;

pub const ES7_ROOT: &str = r#"{"name":"n1","cluster_name":"c","cluster_uuid":"u","version":{"number":"7.10.2","build_flavor":"default"},"tagline":"You Know, for Search"}"#;
pub const OS2_ROOT: &str = r#"{"name":"n1","cluster_name":"c","cluster_uuid":"u","version":{"distribution":"opensearch","number":"2.11.0"},"tagline":"The OpenSearch Project: https://opensearch.org/"}"#;
