//! `wait_for_active_shards` on writes: a write waits until enough copies of its shard are active
//! (`all`, or a number; default `index.write.wait_for_active_shards`, else 1) and fails after its
//! `timeout` (default 1m) with `unavailable_shards_exception` (503) in the servers' words. On a
//! one-node sandbox only primaries are active; with more nodes replicas count once recovered.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::state::Shared;

/// Parses a write's `timeout` (default 1m).
pub fn write_timeout(raw: Option<&str>) -> ApiResult<Duration> {
    match raw {
        None => Ok(Duration::from_secs(60)),
        Some(s) => crate::search::context::parse_time(s).ok_or_else(|| {
            ApiError::illegal_argument(format!(
                "failed to parse setting [timeout] with value [{s}] as a time value: unit is missing or unrecognized"
            ))
        }),
    }
}

/// Copies a write to `name` needs, and the copies active now; `None` when the index does not exist.
fn needed_and_active(
    shared: &Shared,
    name: &str,
    wanted: Option<&str>,
) -> ApiResult<Option<(String, String, u32, u32)>> {
    let c = shared.cluster();
    let Some(concrete) = c.write_index(name).ok().flatten() else {
        return Ok(None);
    };
    let Some(i) = c.indices.get(&concrete) else {
        return Ok(None);
    };
    let setting = i
        .settings
        .get("index.write.wait_for_active_shards")
        .and_then(Value::as_str)
        .map(str::to_string);
    let raw = wanted.map(str::to_string).or(setting);
    let copies = 1 + i.replicas();
    let needed = match raw.as_deref() {
        None | Some("1") => 1,
        Some("all") => copies,
        Some(n) => n.parse::<u32>().map_err(|_| {
            ApiError::illegal_argument(format!(
                "could not parse [wait_for_active_shards] value [{n}]"
            ))
        })?,
    };
    let active = c.copies(i).active / i.shards();
    Ok(Some((concrete, i.uuid.clone(), needed, active)))
}

/// Waits until a write to `name` has its active copies, or fails after `timeout`.
/// `request`: how the failing request is described in the message.
pub async fn wait_for_active(
    shared: &Shared,
    name: &str,
    wanted: Option<&str>,
    timeout: Duration,
    request: impl Fn(&str) -> String,
) -> ApiResult<()> {
    let deadline = Instant::now() + timeout;
    loop {
        let Some((index, uuid, needed, active)) = needed_and_active(shared, name, wanted)? else {
            return Ok(());
        };
        if active >= needed {
            return Ok(());
        }
        if Instant::now() >= deadline {
            let secs = timeout.as_secs();
            let shown = if timeout.subsec_millis() == 0 && secs.is_multiple_of(60) && secs > 0 {
                format!("{}m", secs / 60)
            } else if timeout.subsec_millis() == 0 {
                format!("{secs}s")
            } else {
                format!("{}ms", timeout.as_millis())
            };
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable_shards_exception",
                format!(
                    "[{index}][0] Not enough active copies to meet shard count of [{needed}] (have {active}, needed {needed}). Timeout: [{shown}], request: [{}]",
                    request(&index)
                ),
            )
            .with("shard", "0")
            .with("index", index.as_str())
            .with("index_uuid", uuid.as_str()));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
