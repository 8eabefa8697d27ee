//! Transfer pacing: snapshot uploads and restore downloads move at a configurable byte rate (the
//! sandbox's `byte_rate`, like `max_snapshot_bytes_per_sec` / `max_restore_bytes_per_sec` on a real
//! repository), reporting progress as the bytes go, so the IN_PROGRESS/STARTED and INDEX windows a
//! real cluster shows can be observed. Without a rate, transfers are immediate.

use std::time::Duration;

/// How often progress moves while a transfer is paced.
const TICK: Duration = Duration::from_millis(20);

/// A byte rate shared by the transfers of one operation (one at a time, so the rate is the total).
#[derive(Debug, Default)]
pub struct Pace {
    rate: Option<u64>,
    gate: tokio::sync::Mutex<()>,
}

impl Pace {
    /// Bytes per second; `None` or 0: no pacing.
    pub fn new(rate: Option<u64>) -> Self {
        Pace {
            rate: rate.filter(|r| *r > 0),
            gate: tokio::sync::Mutex::new(()),
        }
    }

    /// Moves `bytes` at the rate, calling `progress` with each part moved.
    pub async fn transfer(&self, bytes: u64, mut progress: impl FnMut(u64)) {
        let Some(rate) = self.rate else {
            progress(bytes);
            return;
        };
        let _turn = self.gate.lock().await;
        let per_tick = (rate * TICK.as_millis() as u64 / 1000).max(1);
        let mut left = bytes;
        while left > 0 {
            let n = left.min(per_tick);
            tokio::time::sleep(Duration::from_secs_f64(n as f64 / rate as f64)).await;
            progress(n);
            left -= n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn unpaced_transfers_report_everything_at_once() {
        let mut seen = Vec::new();
        Pace::new(None).transfer(1000, |n| seen.push(n)).await;
        assert_eq!(seen, vec![1000]);
    }

    #[tokio::test]
    async fn paced_transfers_report_in_ticks_and_take_at_least_bytes_over_rate() {
        let mut seen = Vec::new();
        let start = std::time::Instant::now();
        Pace::new(Some(1000)).transfer(100, |n| seen.push(n)).await;
        assert_eq!(seen, vec![20, 20, 20, 20, 20]);
        assert!(start.elapsed() >= Duration::from_millis(100));
    }
}
