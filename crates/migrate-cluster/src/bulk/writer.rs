//! The bulk writer: sends batches of documents to the destination's `_bulk`, paced and limited in
//! concurrency by the AIMD controller; items rejected for load are sent again alone (only them),
//! with growing waits; documents refused for good go to the dead-letter file; a write returns only
//! when every document of it is acknowledged (written or dead-lettered), so a caller that
//! checkpoints after a write never skips a document.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use migrate_core::request::{Fills, Request};
use tokio::sync::Notify;

use super::batch::{Bounds, BulkDoc, encode, split};
use super::dead_letter::{DeadLetter, DeadLetters};
use super::rate::{Aimd, Ceiling, CurrentRate, Signal};
use super::response::{ItemOutcome, parse};
use crate::client::ClusterClient;
use crate::error::ClusterError;

/// How the writer behaves.
#[derive(Debug, Clone)]
pub struct BulkConfig {
    /// The planned `POST /_bulk` (its body one slot standing for the lines).
    pub request: Request,
    pub bounds: Bounds,
    pub ceiling: Ceiling,
    /// Rounds of sending the same (rejected) documents before the write fails (it can be resumed).
    pub max_attempts: u32,
    /// The first wait before a retry; doubled each round, at most `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
}

impl BulkConfig {
    pub fn new(request: Request) -> Self {
        BulkConfig {
            request,
            bounds: Bounds::default(),
            ceiling: Ceiling::default(),
            max_attempts: 12,
            backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(10),
        }
    }
}

/// Why a write failed. Nothing it wrote is lost: documents are written by id, so writing the whole
/// batch again is safe.
#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    /// The destination itself is wrong (index missing, cluster blocked): not the document's fault.
    #[error(
        "the destination refused `{index}`/`{id}` with HTTP {status} {error_type}: {reason} (fix the destination, then resume)"
    )]
    Destination {
        index: String,
        id: String,
        status: u16,
        error_type: String,
        reason: String,
    },
    #[error(
        "{docs} documents were still rejected for load after {attempts} attempts (last: {last}); lower the plan's rate ceiling or resume later"
    )]
    Exhausted {
        docs: usize,
        attempts: u32,
        last: String,
    },
    #[error("POST /_bulk: {0}")]
    Response(String),
    #[error("writing the dead-letter file {path}: {source}")]
    DeadLetter {
        path: String,
        source: std::io::Error,
    },
}

/// What one write did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Written {
    /// Documents the destination acknowledged.
    pub written: u64,
    /// Documents refused for good (also in the dead-letter file).
    pub dead: Vec<DeadLetter>,
    /// Source bytes sent (acknowledged documents).
    pub bytes: u64,
}

/// Totals since the writer started (progress and events).
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct BulkStats {
    pub written: u64,
    pub dead: u64,
    /// Items sent again after a rejection for load.
    pub retried_items: u64,
    /// Whole requests sent again (429, 502–504, connection errors).
    pub retried_requests: u64,
    pub requests: u64,
}

#[derive(Debug)]
struct Control {
    aimd: Aimd,
    in_flight: usize,
    /// The pacing clock: when the next request may start.
    next_at: Option<Instant>,
    /// Acknowledged documents and bytes since `window`, for the observed rate.
    window: Instant,
    window_docs: u64,
    window_bytes: u64,
    observed: (f64, f64),
}

/// Writes documents to one destination cluster.
#[derive(Debug)]
pub struct BulkWriter<'c> {
    client: &'c ClusterClient,
    cfg: BulkConfig,
    dead: DeadLetters,
    control: Mutex<Control>,
    freed: Notify,
    written: AtomicU64,
    dead_count: AtomicU64,
    retried_items: AtomicU64,
    retried_requests: AtomicU64,
    requests: AtomicU64,
}

/// A request slot in flight; frees it on drop.
struct Permit<'a, 'c>(&'a BulkWriter<'c>);

impl Drop for Permit<'_, '_> {
    fn drop(&mut self) {
        let mut c = self.0.lock();
        c.in_flight = c.in_flight.saturating_sub(1);
        drop(c);
        self.0.freed.notify_waiters();
    }
}

impl<'c> BulkWriter<'c> {
    pub fn new(client: &'c ClusterClient, cfg: BulkConfig, dead: DeadLetters) -> Self {
        let now = Instant::now();
        BulkWriter {
            client,
            control: Mutex::new(Control {
                aimd: Aimd::new(cfg.ceiling),
                in_flight: 0,
                next_at: None,
                window: now,
                window_docs: 0,
                window_bytes: 0,
                observed: (0.0, 0.0),
            }),
            cfg,
            dead,
            freed: Notify::new(),
            written: AtomicU64::new(0),
            dead_count: AtomicU64::new(0),
            retried_items: AtomicU64::new(0),
            retried_requests: AtomicU64::new(0),
            requests: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Control> {
        self.control.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The rate the writer currently allows itself.
    pub fn rate(&self) -> CurrentRate {
        self.lock().aimd.current()
    }

    pub fn stats(&self) -> BulkStats {
        BulkStats {
            written: self.written.load(Ordering::Relaxed),
            dead: self.dead_count.load(Ordering::Relaxed),
            retried_items: self.retried_items.load(Ordering::Relaxed),
            retried_requests: self.retried_requests.load(Ordering::Relaxed),
            requests: self.requests.load(Ordering::Relaxed),
        }
    }

    pub fn dead_letters(&self) -> &DeadLetters {
        &self.dead
    }

    /// Writes `docs` (in batches within the bounds); returns once every one is written or
    /// dead-lettered. Several writes may run at once (one per slice): the writer shares its rate
    /// and concurrency between them.
    pub async fn write(&self, docs: Vec<BulkDoc>) -> Result<Written, BulkError> {
        let mut out = Written::default();
        for batch in split(docs, self.cfg.bounds) {
            let w = self.write_batch(batch).await?;
            out.written += w.written;
            out.bytes += w.bytes;
            out.dead.extend(w.dead);
        }
        Ok(out)
    }

    async fn write_batch(&self, batch: Vec<BulkDoc>) -> Result<Written, BulkError> {
        let mut out = Written::default();
        let mut pending = batch;
        let mut attempt = 0u32;
        let mut last = String::new();
        while !pending.is_empty() {
            if attempt >= self.cfg.max_attempts {
                return Err(BulkError::Exhausted {
                    docs: pending.len(),
                    attempts: attempt,
                    last,
                });
            }
            if attempt > 0 {
                tokio::time::sleep(self.backoff(attempt)).await;
            }
            attempt += 1;
            let sent = pending.len();
            let (result, latency) = self.send(&pending).await;
            let (status, body) = match result {
                Ok(answer) => answer,
                Err(e) if e.is_retryable() => {
                    last = e.to_string();
                    self.retried_requests.fetch_add(1, Ordering::Relaxed);
                    self.feed(Signal::Rejected, pending.len(), latency, 0, 0);
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            if matches!(status, 429 | 502..=504) {
                last = format!("HTTP {status}");
                self.retried_requests.fetch_add(1, Ordering::Relaxed);
                self.feed(Signal::Rejected, pending.len(), latency, 0, 0);
                continue;
            }
            if !(200..300).contains(&status) {
                let text = String::from_utf8_lossy(&body);
                let (t, reason) = crate::error::parse_error_body(&text);
                return Err(BulkError::Response(self.client.redact(&format!(
                    "HTTP {status} {}: {reason}",
                    t.unwrap_or_default()
                ))));
            }
            let outcomes = parse(&body, pending.len()).map_err(BulkError::Response)?;
            let mut retry = Vec::new();
            let mut letters = Vec::new();
            let mut acked_docs = 0u64;
            let mut acked_bytes = 0u64;
            for (doc, outcome) in pending.into_iter().zip(outcomes) {
                match outcome {
                    ItemOutcome::Written => {
                        acked_docs += 1;
                        acked_bytes += doc.source.len() as u64;
                    }
                    ItemOutcome::Retry { status, error_type } => {
                        last = format!("HTTP {status} {error_type}");
                        retry.push(doc);
                    }
                    ItemOutcome::Refused {
                        status,
                        error_type,
                        reason,
                    } => letters.push(DeadLetter {
                        index: doc.index,
                        ty: doc.ty,
                        id: doc.id,
                        routing: doc.routing,
                        status,
                        error_type,
                        reason: self.client.redact(without_values(&reason)),
                    }),
                    ItemOutcome::Fatal {
                        status,
                        error_type,
                        reason,
                    } => {
                        return Err(BulkError::Destination {
                            index: doc.index,
                            id: doc.id,
                            status,
                            error_type,
                            reason: self.client.redact(&reason),
                        });
                    }
                }
            }
            self.dead
                .append(&letters)
                .map_err(|source| BulkError::DeadLetter {
                    path: self.dead.path().display().to_string(),
                    source,
                })?;
            let signal = if retry.is_empty() {
                Signal::Clean
            } else {
                self.retried_items
                    .fetch_add(retry.len() as u64, Ordering::Relaxed);
                Signal::Rejected
            };
            self.feed(signal, sent, latency, acked_docs, acked_bytes);
            self.written.fetch_add(acked_docs, Ordering::Relaxed);
            self.dead_count
                .fetch_add(letters.len() as u64, Ordering::Relaxed);
            out.written += acked_docs;
            out.bytes += acked_bytes;
            out.dead.extend(letters);
            if retry.len() < sent {
                // Progress was made: the next round starts its backoff afresh.
                attempt = attempt.min(1);
            }
            pending = retry;
        }
        Ok(out)
    }

    /// One round trip, within the concurrency and pace the controller allows. The body is built
    /// once the request has its slot, so writes waiting for one hold no second copy of their
    /// documents.
    async fn send(&self, docs: &[BulkDoc]) -> (Result<(u16, Bytes), ClusterError>, Duration) {
        let permit = self.acquire().await;
        let lines = encode(docs);
        self.pace(docs.len(), lines.len()).await;
        self.requests.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let r = self
            .client
            .send_ndjson(&self.cfg.request, &Fills::new(), lines)
            .await;
        let latency = started.elapsed();
        drop(permit);
        (r, latency)
    }

    async fn acquire(&self) -> Permit<'_, 'c> {
        loop {
            let freed = self.freed.notified();
            {
                let mut c = self.lock();
                if c.in_flight < c.aimd.current().concurrency {
                    c.in_flight += 1;
                    return Permit(self);
                }
            }
            freed.await;
        }
    }

    /// Waits for this request's turn under the current rate.
    async fn pace(&self, docs: usize, bytes: usize) {
        let wait = {
            let mut c = self.lock();
            let rate = c.aimd.current();
            let cost = [
                rate.docs_per_second.map(|r| docs as f64 / r),
                rate.bytes_per_second.map(|r| bytes as f64 / r),
            ]
            .into_iter()
            .flatten()
            .fold(0.0f64, f64::max);
            let now = Instant::now();
            let start = c.next_at.map_or(now, |t| t.max(now));
            c.next_at = Some(start + Duration::from_secs_f64(cost.min(60.0)));
            start.saturating_duration_since(now)
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    fn feed(&self, signal: Signal, docs: usize, latency: Duration, acked: u64, bytes: u64) {
        let now = Instant::now();
        let mut c = self.lock();
        c.window_docs += acked;
        c.window_bytes += bytes;
        let span = now.saturating_duration_since(c.window).as_secs_f64();
        if span >= 1.0 {
            c.observed = (c.window_docs as f64 / span, c.window_bytes as f64 / span);
            c.window = now;
            c.window_docs = 0;
            c.window_bytes = 0;
        }
        // Before a full window, this round trip's own rate across the requests in flight.
        let observed = if c.observed.0 > 0.0 {
            c.observed
        } else {
            let secs = latency.as_secs_f64().max(1e-3);
            let lanes = c.aimd.current().concurrency as f64;
            (docs as f64 / secs * lanes, c.observed.1)
        };
        c.aimd.observe(now, signal, docs, latency, observed);
        drop(c);
        self.freed.notify_waiters();
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32 << attempt.saturating_sub(1).min(16);
        self.cfg
            .backoff
            .saturating_mul(factor)
            .min(self.cfg.max_backoff)
    }
}

/// A refusal's reason without the document's content: Elasticsearch and OpenSearch quote the
/// offending value (`Preview of field's value: '…'`), which the dead-letter file must not keep.
fn without_values(reason: &str) -> &str {
    match reason.find("Preview of field's value") {
        Some(at) => reason[..at].trim_end_matches([' ', '.']),
        None => reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_reason_loses_the_quoted_value() {
        let r = "failed to parse field [rating] of type [integer] in document with id '17'. Preview of field's value: 'secret'";
        assert_eq!(
            without_values(r),
            "failed to parse field [rating] of type [integer] in document with id '17'"
        );
        assert_eq!(without_values("no value here"), "no value here");
    }
}
