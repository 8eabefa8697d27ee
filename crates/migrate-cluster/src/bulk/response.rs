//! What a `_bulk` response says about each item, classified: written, to retry (rejected for load),
//! refused for good (a dead letter), or a failure that stops the copy (the index is gone, the
//! cluster is blocked): retrying or dead-lettering those would hide a broken destination.

use serde::Deserialize;
use serde_json::Value;

/// The fate of one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemOutcome {
    Written,
    /// Rejected for load (429, `es_rejected_execution_exception`, 503 shards unavailable, ...):
    /// sent again on its own.
    Retry {
        status: u16,
        error_type: String,
    },
    /// The destination refuses this document (mapping, parsing, size): a dead letter.
    Refused {
        status: u16,
        error_type: String,
        reason: String,
    },
    /// Something wrong with the destination itself: the batch fails.
    Fatal {
        status: u16,
        error_type: String,
        reason: String,
    },
}

/// Error types that mean "too busy, try again".
const REJECTED: &[&str] = &[
    "es_rejected_execution_exception",
    "rejected_execution_exception",
    "circuit_breaking_exception",
    "unavailable_shards_exception",
    "no_shard_available_action_exception",
    "process_cluster_event_timeout_exception",
];

/// Error types that mean the destination, not the document, is wrong.
const FATAL: &[&str] = &[
    "index_not_found_exception",
    "index_closed_exception",
    "cluster_block_exception",
    "security_exception",
    "invalid_index_name_exception",
    "illegal_state_exception",
];

#[derive(Deserialize)]
struct Raw {
    #[serde(default)]
    items: Vec<Value>,
}

/// The outcome of each item of a `_bulk` answer, in request order; an error when the body is not a
/// bulk response or has a different number of items than were sent.
pub fn parse(body: &[u8], sent: usize) -> Result<Vec<ItemOutcome>, String> {
    let raw: Raw = serde_json::from_slice(body).map_err(|e| format!("not a bulk response: {e}"))?;
    if raw.items.len() != sent {
        return Err(format!(
            "the bulk response has {} items for {sent} documents sent",
            raw.items.len()
        ));
    }
    raw.items.iter().map(classify_item).collect()
}

fn classify_item(item: &Value) -> Result<ItemOutcome, String> {
    let Some(Value::Object(op)) = item.as_object().and_then(|m| m.values().next()) else {
        return Err(format!("a bulk item is not an object: {item}"));
    };
    let status = op
        .get("status")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .ok_or_else(|| "a bulk item has no status".to_owned())?;
    let Some(error) = op.get("error") else {
        return Ok(if (200..300).contains(&status) {
            ItemOutcome::Written
        } else {
            ItemOutcome::Fatal {
                status,
                error_type: "unknown".into(),
                reason: "a bulk item failed without an error".into(),
            }
        });
    };
    let (error_type, reason) = match error {
        Value::Object(e) => (
            e.get("type")
                .and_then(Value::as_str)
                .unwrap_or("unknown")
                .to_owned(),
            e.get("reason")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        ),
        Value::String(s) => ("unknown".to_owned(), s.clone()),
        other => ("unknown".to_owned(), other.to_string()),
    };
    Ok(classify(status, error_type, reason))
}

/// Classifies an item's status and error type.
pub fn classify(status: u16, error_type: String, reason: String) -> ItemOutcome {
    if status == 429 || matches!(status, 502..=504) || REJECTED.contains(&error_type.as_str()) {
        ItemOutcome::Retry { status, error_type }
    } else if FATAL.contains(&error_type.as_str()) || matches!(status, 401 | 403 | 404 | 500) {
        ItemOutcome::Fatal {
            status,
            error_type,
            reason,
        }
    } else {
        ItemOutcome::Refused {
            status,
            error_type,
            reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_classified_as_written_retried_refused_or_fatal() {
        let body = br#"{"took":3,"errors":true,"items":[
            {"index":{"_index":"m","_id":"1","status":201,"result":"created"}},
            {"index":{"_index":"m","_id":"2","status":429,"error":{"type":"es_rejected_execution_exception","reason":"queue full"}}},
            {"index":{"_index":"m","_id":"3","status":400,"error":{"type":"mapper_parsing_exception","reason":"failed to parse field [n]"}}},
            {"index":{"_index":"m","_id":"4","status":404,"error":{"type":"index_not_found_exception","reason":"no such index [m]"}}},
            {"index":{"_index":"m","_id":"5","status":500,"error":{"type":"rejected_execution_exception","reason":"OpenSearch says busy"}}}
        ]}"#;
        let out = parse(body, 5).unwrap();
        assert_eq!(out[0], ItemOutcome::Written);
        assert!(matches!(&out[1], ItemOutcome::Retry { status: 429, .. }));
        assert!(
            matches!(&out[2], ItemOutcome::Refused { error_type, .. } if error_type == "mapper_parsing_exception")
        );
        assert!(matches!(&out[3], ItemOutcome::Fatal { status: 404, .. }));
        assert!(matches!(&out[4], ItemOutcome::Retry { status: 500, .. }));
    }

    #[test]
    fn a_response_with_a_different_number_of_items_is_an_error_not_a_success() {
        let body = br#"{"errors":false,"items":[{"index":{"status":201}}]}"#;
        assert!(parse(body, 2).unwrap_err().contains("1 items for 2"));
        assert!(parse(b"<html>", 1).is_err());
    }
}
