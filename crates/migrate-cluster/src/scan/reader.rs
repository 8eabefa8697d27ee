//! Reading a slice page by page: open the context on the first page, continue it from the cursor,
//! close it at the end. A scroll sorted on the tiebreaker whose context expired reopens after the
//! last document read (`search_after` in the slice's shards). Otherwise an expired context is an
//! error carrying the cursor, never a silent restart: `_doc` sort values belong to the context that
//! produced them, so a new PIT or scroll cannot continue where the old one stopped, and the caller
//! restarts the slice explicitly.

use std::time::Duration;

use migrate_core::request::Fills;
use migrate_core::request::scan::{PIT_ID, PREFERENCE, SCROLL_ID, SEARCH_AFTER, SLICE, SORT};
use serde_json::{Value, json};

use crate::client::ClusterClient;
use crate::error::ClusterError;
use crate::scan::Scan;
use crate::scan::cursor::{Position, ScanCursor, ScanMethod};
use crate::scan::error::ScanError;
use crate::scan::page::{CONTEXT_MISSING, Head, ScanPage, incomplete, last_sort};

/// Times one scan request is sent again after a transient refusal.
const RETRIES: u32 = 8;

/// One slice of a scan, read page by page.
#[derive(Debug)]
pub struct SliceReader<'s> {
    pub(crate) scan: &'s Scan<'s>,
    pub(crate) cursor: ScanCursor,
}

impl SliceReader<'_> {
    /// Where the slice stands (store it to resume with [`Scan::resume`]).
    pub fn cursor(&self) -> &ScanCursor {
        &self.cursor
    }

    fn client(&self) -> &ClusterClient {
        self.scan.client
    }

    /// The next page, `None` once every document was read (the context is then closed). A page is
    /// returned only when complete; an expired context is [`ScanError::Expired`].
    pub async fn next_page(&mut self) -> Result<Option<ScanPage>, ScanError> {
        let reqs = &self.scan.reqs;
        let (req, fills) = match (&self.cursor.position, self.cursor.method) {
            (Position::Done, _) => return Ok(None),
            (Position::Start, ScanMethod::Pit) if self.cursor.of > 1 => {
                return Err(ScanError::Page {
                    index: reqs.index.clone(),
                    detail: "the slices of a point in time start in the one the scan opened (`Scan::slice_in`)".into(),
                });
            }
            (Position::Start, ScanMethod::Pit) => {
                let raw = self.send(&reqs.open_pit, &Fills::new(), true).await?;
                let body: Value = crate::client::decode(&reqs.open_pit, &raw)?;
                // ES answers `{"id": …}`.
                let id = body
                    .get("id")
                    .or_else(|| body.get("pit_id"))
                    .and_then(Value::as_str)
                    .ok_or_else(|| ScanError::Page {
                        index: reqs.index.clone(),
                        detail: "opening a point in time answered without an id".into(),
                    })?;
                self.cursor.position = Position::Pit {
                    id: id.to_owned(),
                    after: None,
                };
                return Box::pin(self.next_page()).await;
            }
            (Position::Pit { id, after }, _) => (
                &reqs.pit_page,
                Fills::new()
                    .set(PIT_ID, id.clone())
                    .maybe(SEARCH_AFTER, after.clone())
                    .maybe(SLICE, Scan::slice_fill(self.cursor.slice, self.cursor.of)),
            ),
            (Position::Start, ScanMethod::Scroll) => {
                let slice = Scan::slice_fill(self.cursor.slice, self.cursor.of);
                (
                    &reqs.open_scroll,
                    Fills::new().maybe(SLICE, slice).set(SORT, self.sort()),
                )
            }
            (Position::Scroll { id, .. }, _) => {
                (&reqs.next_scroll, Fills::new().set(SCROLL_ID, id.clone()))
            }
            (Position::After { after }, _) => {
                let Some(shards) = self.cursor.whole_shards() else {
                    return Err(self.expired());
                };
                let list: Vec<String> = shards.iter().map(u32::to_string).collect();
                (
                    &reqs.after_page,
                    Fills::new()
                        .set(PREFERENCE, format!("_shards:{}", list.join(",")))
                        .set(SORT, self.sort())
                        .set(SEARCH_AFTER, after.clone()),
                )
            }
        };
        // A PIT or search_after page or a scroll's first page may be asked again after any
        // transient failure; a scroll continuation only after the server refused it (429/503),
        // since a lost answer may have moved the scroll on.
        let repeatable = !matches!(self.cursor.position, Position::Scroll { .. });
        let body = match self.send(req, &fills, repeatable).await {
            Ok(b) => b,
            Err(e) if self.cursor.context().is_some() && context_gone(&e) => {
                if self.reposition() {
                    return Box::pin(self.next_page()).await;
                }
                return Err(self.expired());
            }
            Err(e) => return Err(e.into()),
        };
        let head: Head<'_> = serde_json::from_slice(&body).map_err(|e| ScanError::Page {
            index: reqs.index.clone(),
            detail: e.to_string(),
        })?;
        if let Some((expired, detail)) = incomplete(&head) {
            if expired && self.cursor.context().is_some() {
                drop(head);
                if self.reposition() {
                    return Box::pin(self.next_page()).await;
                }
                return Err(self.expired());
            }
            return Err(ScanError::Incomplete {
                index: reqs.index.clone(),
                detail,
            });
        }
        let hits = head.hits.hits.len();
        let sort = last_sort(&head);
        if matches!(self.cursor.position, Position::Start) {
            self.cursor.shards = head.shards.as_ref().and_then(|s| s.total);
        }
        let next = match (&self.cursor.position, self.cursor.method) {
            (Position::After { after }, _) => {
                if hits > 0 && sort.is_none() {
                    return Err(ScanError::Page {
                        index: reqs.index.clone(),
                        detail: "a search_after page has hits without sort values".into(),
                    });
                }
                Position::After {
                    after: sort.unwrap_or_else(|| after.clone()),
                }
            }
            (_, method) => match method {
                ScanMethod::Pit => {
                    let id = match (&head.pit_id, &self.cursor.position) {
                        (Some(id), _) => id.to_string(),
                        (None, Position::Pit { id, .. }) => id.clone(),
                        _ => String::new(),
                    };
                    if hits > 0 && sort.is_none() {
                        return Err(ScanError::Page {
                            index: reqs.index.clone(),
                            detail: "a point-in-time page has hits without sort values".into(),
                        });
                    }
                    Position::Pit { id, after: sort }
                }
                ScanMethod::Scroll => {
                    let id = head
                        .scroll_id
                        .as_deref()
                        .map(str::to_owned)
                        .ok_or_else(|| ScanError::Page {
                            index: reqs.index.clone(),
                            detail: "a scroll page has no `_scroll_id`".into(),
                        })?;
                    Position::Scroll {
                        id,
                        last_sort: sort,
                    }
                }
            },
        };
        drop(head);
        self.cursor.position = next;
        if hits == 0 {
            self.close().await?;
            return Ok(None);
        }
        self.cursor.pages += 1;
        self.cursor.docs += hits as u64;
        Ok(Some(ScanPage { body, hits }))
    }

    /// Sends `req`, again after a transient failure that is safe to repeat (at most
    /// [`RETRIES`] times, backing off).
    async fn send(
        &self,
        req: &migrate_core::Request,
        fills: &Fills,
        repeatable: bool,
    ) -> Result<bytes::Bytes, ClusterError> {
        let mut attempt = 0;
        loop {
            match self.client().execute(req, fills).await {
                Err(e)
                    if attempt < RETRIES
                        && (matches!(e.status(), Some(429 | 503))
                            || repeatable && e.is_retryable()) =>
                {
                    attempt += 1;
                    let wait = Duration::from_millis(50 << attempt.min(7));
                    tracing::debug!(error = %e, attempt, "scan request refused; asking again");
                    tokio::time::sleep(wait).await;
                }
                other => return other,
            }
        }
    }

    fn expired(&self) -> ScanError {
        tracing::warn!(
            index = %self.cursor.index,
            slice = self.cursor.slice,
            docs = self.cursor.docs,
            "the scan context expired; the slice must restart from the beginning"
        );
        ScanError::Expired {
            cursor: Box::new(self.cursor.clone()),
        }
    }

    /// The scroll's sort: the tiebreaker, or `_doc` where the version has none.
    fn sort(&self) -> Value {
        json!([self.scan.tiebreaker.unwrap_or("_doc")])
    }

    /// Moves a scroll cursor to "after its last document" when the scroll sorts on the tiebreaker,
    /// a document was read, and the slice is whole shards; the reopen is counted. False otherwise.
    fn reposition(&mut self) -> bool {
        let Position::Scroll {
            last_sort: Some(after),
            ..
        } = &self.cursor.position
        else {
            return false;
        };
        // The tiebreaker's values are strings; a `_doc` number (a cursor saved by a scroll sorted
        // on `_doc`) is no position outside its context.
        let on_tiebreaker = after
            .as_array()
            .is_some_and(|a| a.len() == 1 && a[0].is_string());
        if self.scan.tiebreaker.is_none() || !on_tiebreaker || self.cursor.whole_shards().is_none()
        {
            return false;
        }
        tracing::warn!(
            index = %self.cursor.index,
            slice = self.cursor.slice,
            docs = self.cursor.docs,
            after = %after,
            "the scroll is gone; the slice reopens after its last document"
        );
        self.cursor.position = Position::After {
            after: after.clone(),
        };
        self.cursor.reopens += 1;
        true
    }

    /// Reopens a scroll cursor after its last document instead of continuing the scroll: for a
    /// cursor saved by an interrupted run, whose scroll may have moved past pages that were never
    /// consumed. Releases the old scroll; false (nothing changed) when the slice cannot reopen by
    /// position, and the caller restarts it.
    pub async fn reopen(&mut self) -> bool {
        let old = self.cursor.position.clone();
        if !self.reposition() {
            return false;
        }
        if let Position::Scroll { id, .. } = old {
            let fills = Fills::new().set(SCROLL_ID, id);
            if let Err(e) = self
                .client()
                .execute_allowing(&self.scan.reqs.clear_scroll, &fills, &[404])
                .await
            {
                tracing::warn!(error = %e, "could not release an abandoned scroll; it expires on its own");
            }
        }
        true
    }

    /// Starts the slice again from the beginning, after its context expired. The caller drops
    /// whatever it took from the slice so far; the cursor counts the restart.
    pub fn restart(&mut self) {
        self.cursor.position = Position::Start;
        self.cursor.pages = 0;
        self.cursor.docs = 0;
        self.cursor.restarts += 1;
    }

    /// Releases the slice's context (a context already gone is fine); the slice is then done.
    pub async fn close(&mut self) -> Result<(), ScanError> {
        let reqs = &self.scan.reqs;
        let (req, fills) = match &self.cursor.position {
            Position::Pit { id, .. } => (&reqs.close_pit, Fills::new().set(PIT_ID, id.clone())),
            Position::Scroll { id, .. } => {
                (&reqs.clear_scroll, Fills::new().set(SCROLL_ID, id.clone()))
            }
            Position::Start | Position::After { .. } | Position::Done => {
                self.cursor.position = Position::Done;
                return Ok(());
            }
        };
        // A point in time shared by the slices is the scan's to close, once every slice is read.
        if self.cursor.method == ScanMethod::Pit && self.cursor.of > 1 {
            self.cursor.position = Position::Done;
            return Ok(());
        }
        // Cleanup only: a context that is not released expires on its own.
        if let Err(e) = self.client().execute_allowing(req, &fills, &[404]).await {
            tracing::warn!(index = %reqs.index, error = %e, "could not release a scan context; it expires on its own");
        }
        self.cursor.position = Position::Done;
        Ok(())
    }
}

/// Whether an error says the scroll or PIT is gone.
fn context_gone(e: &ClusterError) -> bool {
    match e {
        ClusterError::Server {
            status: 404,
            error_type,
            reason,
            ..
        } => {
            error_type.as_deref() == Some(CONTEXT_MISSING)
                || reason.contains("No search context found")
                || error_type.as_deref() == Some("search_phase_execution_exception")
        }
        _ => false,
    }
}
