//! `migrate state pull|push`: copies a plan's state from one backend to another, under the
//! destination's lock.
//!
//! The copy keeps lineage and serial. It refuses a source written by a newer format (loading
//! does), a destination holding another lineage, and a destination ahead of the source in the same
//! lineage — the last two unless forced.

use migrate_state::{LockInfo, StateStore};

use crate::backend::StateBackend;
use crate::error::CopyError;

/// What a copy did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopyOutcome {
    /// The destination had no state.
    Created,
    /// The destination's state (this lineage and serial) was replaced.
    Replaced { lineage: uuid::Uuid, serial: u64 },
    /// The destination already held exactly this state; nothing was written.
    UpToDate,
}

/// The copied state and what happened to the destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyReport {
    pub outcome: CopyOutcome,
    pub lineage: uuid::Uuid,
    pub serial: u64,
    pub steps: usize,
}

/// Copies the state of `from` to `to`, holding `to`'s lock meanwhile (a held lock is
/// [`migrate_state::StateError::LockHeld`]). `force` replaces a destination of another lineage or
/// ahead of the source.
pub fn copy_state(
    from: &dyn StateStore,
    to: &StateBackend,
    force: bool,
) -> Result<CopyReport, CopyError> {
    let source = from.load()?.ok_or_else(|| CopyError::NoSource {
        from: from.location(),
    })?;
    let dest = to.as_store();
    let lock = dest.lock(LockInfo::current("state copy"))?;
    let result = (|| {
        let outcome = match dest.load()? {
            None => CopyOutcome::Created,
            Some(current) if current == source => CopyOutcome::UpToDate,
            Some(current) if current.lineage != source.lineage && !force => {
                return Err(CopyError::OtherLineage {
                    to: dest.location(),
                    to_lineage: current.lineage,
                    from_lineage: source.lineage,
                });
            }
            Some(current)
                if current.lineage == source.lineage
                    && current.serial > source.serial
                    && !force =>
            {
                return Err(CopyError::DestinationNewer {
                    to: dest.location(),
                    to_serial: current.serial,
                    from_serial: source.serial,
                });
            }
            Some(current) => CopyOutcome::Replaced {
                lineage: current.lineage,
                serial: current.serial,
            },
        };
        if outcome != CopyOutcome::UpToDate {
            to.replace(&source)?;
        }
        Ok(CopyReport {
            outcome,
            lineage: source.lineage,
            serial: source.serial,
            steps: source.steps.len(),
        })
    })();
    let released = dest.unlock(&lock.info.id.to_string());
    let report = result?;
    released?;
    Ok(report)
}
