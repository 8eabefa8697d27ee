//! Reading a slice page by page: open the context on the first page, continue it from the cursor,
//! close it at the end. An expired context is an error carrying the cursor, never a silent restart:
//! `_doc` sort values belong to the context that produced them, so a new PIT or scroll cannot
//! continue where the old one stopped, and the caller restarts the slice explicitly.

use migrate_core::request::Fills;
use migrate_core::request::scan::{PIT_ID, SCROLL_ID, SEARCH_AFTER, SLICE};
use serde_json::{Value, json};

use crate::client::ClusterClient;
use crate::error::ClusterError;
use crate::scan::Scan;
use crate::scan::cursor::{Position, ScanCursor, ScanMethod};
use crate::scan::error::ScanError;
use crate::scan::page::{CONTEXT_MISSING, Head, ScanPage, incomplete, last_sort};

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
            (Position::Start, ScanMethod::Pit) => {
                let body: Value = self.client().json(&reqs.open_pit, &Fills::new()).await?;
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
                    .maybe(SEARCH_AFTER, after.clone()),
            ),
            (Position::Start, ScanMethod::Scroll) => {
                let slice = (self.cursor.of > 1)
                    .then(|| json!({"id": self.cursor.slice, "max": self.cursor.of}));
                (&reqs.open_scroll, Fills::new().maybe(SLICE, slice))
            }
            (Position::Scroll { id, .. }, _) => {
                (&reqs.next_scroll, Fills::new().set(SCROLL_ID, id.clone()))
            }
        };
        let body = match self.client().execute(req, &fills).await {
            Ok(b) => b,
            Err(e) if self.cursor.context().is_some() && context_gone(&e) => {
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
                return Err(self.expired());
            }
            return Err(ScanError::Incomplete {
                index: reqs.index.clone(),
                detail,
            });
        }
        let hits = head.hits.hits.len();
        let sort = last_sort(&head);
        let next = match self.cursor.method {
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
            Position::Start | Position::Done => {
                self.cursor.position = Position::Done;
                return Ok(());
            }
        };
        self.client().execute_allowing(req, &fills, &[404]).await?;
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
