//! Loopback fake servers for the hostile-server campaign: raw HTTP/1.1 over a tokio
//! `TcpListener` (optionally TLS), one request per connection. A rule answers each request, either
//! with something hostile or by forwarding it to a well-behaved upstream (a sandbox). Every request
//! is counted and its body kept, so a test can prove what reached which origin.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// One request as the fake saw it.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// How the fake answers one request.
pub enum Reply {
    /// A complete JSON answer.
    Json(u16, String),
    /// Whatever the upstream answers.
    Forward,
    /// `Content-Length` of this many bytes, then zeros for as long as the client reads.
    Announced(u64),
    /// A chunked body that never ends.
    Endless,
    /// Headers, then one byte every 20 ms, forever.
    Drip,
    /// Headers promising a body, then nothing until the client hangs up.
    Silent,
    /// A redirect to `location`.
    Redirect(u16, String),
    /// Exactly these bytes, then the connection closes.
    Raw(Vec<u8>),
    /// A 200 with this many header fields.
    ManyHeaders(usize),
}

pub type Rule = Arc<dyn Fn(&Req) -> Reply + Send + Sync>;

/// A running fake; stopped when dropped.
pub struct Fake {
    pub url: String,
    pub seen: Arc<Mutex<Vec<Req>>>,
    task: JoinHandle<()>,
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Fake {
    /// Requests received so far.
    pub fn requests(&self) -> Vec<Req> {
        self.seen.lock().unwrap().clone()
    }
}

/// Starts a fake on 127.0.0.1 answering by `rule`; `Reply::Forward` goes to `upstream`.
pub async fn start(
    rule: Rule,
    upstream: Option<String>,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> Fake {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let scheme = if tls.is_some() { "https" } else { "http" };
    let seen = Arc::new(Mutex::new(Vec::new()));
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("forwarding client");
    let shared = Arc::clone(&seen);
    let task = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (rule, seen, upstream, client) = (
                Arc::clone(&rule),
                Arc::clone(&shared),
                upstream.clone(),
                client.clone(),
            );
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let conn = Conn {
                    rule,
                    seen,
                    upstream,
                    client,
                };
                match acceptor {
                    // A client that rejects the certificate aborts the handshake: nothing to serve.
                    Some(a) => {
                        if let Ok(stream) = a.accept(tcp).await {
                            conn.serve(stream).await;
                        }
                    }
                    None => conn.serve(tcp).await,
                }
            });
        }
    });
    Fake {
        url: format!("{scheme}://127.0.0.1:{port}"),
        seen,
        task,
    }
}

struct Conn {
    rule: Rule,
    seen: Arc<Mutex<Vec<Req>>>,
    upstream: Option<String>,
    client: reqwest::Client,
}

/// Reads one request: headers up to 64 KiB, then a `Content-Length` body.
async fn read_request<S: AsyncRead + Unpin>(s: &mut S) -> Option<Req> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 4096];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
        let n = s.read(&mut byte).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&byte[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, path) = (first.next()?.to_owned(), first.next()?.to_owned());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[end + 4..].to_vec();
    while body.len() < len {
        let n = s.read(&mut byte).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&byte[..n]);
    }
    Some(Req {
        method,
        path,
        headers,
        body,
    })
}

fn head(status: u16, extra: &str) -> Vec<u8> {
    format!("HTTP/1.1 {status} X\r\nconnection: close\r\n{extra}\r\n").into_bytes()
}

impl Conn {
    async fn serve<S: AsyncRead + AsyncWrite + Unpin>(self, mut s: S) {
        let Some(req) = read_request(&mut s).await else {
            return;
        };
        self.seen.lock().unwrap().push(req.clone());
        let reply = (self.rule)(&req);
        let _ = self.answer(&mut s, &req, reply).await;
        let _ = s.shutdown().await;
    }

    async fn answer<S: AsyncRead + AsyncWrite + Unpin>(
        &self,
        s: &mut S,
        req: &Req,
        reply: Reply,
    ) -> std::io::Result<()> {
        match reply {
            Reply::Json(status, body) => {
                let h = format!(
                    "content-type: application/json\r\ncontent-length: {}\r\n",
                    body.len()
                );
                s.write_all(&head(status, &h)).await?;
                s.write_all(body.as_bytes()).await
            }
            Reply::Forward => {
                let (status, body) = self.forward(req).await;
                Box::pin(self.answer(s, req, Reply::Json(status, body))).await
            }
            Reply::Announced(n) => {
                s.write_all(&head(200, &format!("content-length: {n}\r\n")))
                    .await?;
                let zeros = vec![b'0'; 64 * 1024];
                loop {
                    s.write_all(&zeros).await?;
                }
            }
            Reply::Endless => {
                s.write_all(&head(200, "transfer-encoding: chunked\r\n"))
                    .await?;
                let mut chunk = b"10000\r\n".to_vec();
                chunk.extend(std::iter::repeat_n(b'[', 0x10000));
                chunk.extend_from_slice(b"\r\n");
                loop {
                    s.write_all(&chunk).await?;
                }
            }
            Reply::Drip => {
                s.write_all(&head(200, "content-length: 100000000\r\n"))
                    .await?;
                // Pacing of the hostile server itself, not synchronisation of the test.
                let mut tick = tokio::time::interval(std::time::Duration::from_millis(20));
                loop {
                    tick.tick().await;
                    s.write_all(b" ").await?;
                    s.flush().await?;
                }
            }
            Reply::Silent => {
                s.write_all(&head(200, "content-length: 100\r\n")).await?;
                s.flush().await?;
                // Hold the connection until the client gives up and closes it.
                let mut sink = [0u8; 1024];
                while s.read(&mut sink).await? > 0 {}
                Ok(())
            }
            Reply::Redirect(status, location) => {
                let h = format!("location: {location}\r\ncontent-length: 0\r\n");
                s.write_all(&head(status, &h)).await
            }
            Reply::Raw(bytes) => s.write_all(&bytes).await,
            Reply::ManyHeaders(n) => {
                let mut h = String::from("content-length: 2\r\n");
                for i in 0..n {
                    h.push_str(&format!("x-hostile-{i}: {}\r\n", "v".repeat(64)));
                }
                s.write_all(&head(200, &h)).await?;
                s.write_all(b"{}").await
            }
        }
    }

    async fn forward(&self, req: &Req) -> (u16, String) {
        let Some(up) = &self.upstream else {
            return (404, r#"{"error":"no upstream"}"#.to_owned());
        };
        let method = reqwest::Method::from_bytes(req.method.as_bytes()).expect("method");
        let mut rb = self.client.request(method, format!("{up}{}", req.path));
        for (k, v) in &req.headers {
            if k == "content-type" || k == "authorization" {
                rb = rb.header(k, v);
            }
        }
        if !req.body.is_empty() {
            rb = rb.body(req.body.clone());
        }
        match rb.send().await {
            Ok(r) => {
                let status = r.status().as_u16();
                (status, r.text().await.unwrap_or_default())
            }
            Err(e) => (502, format!(r#"{{"error":"upstream: {e}"}}"#)),
        }
    }
}
