//! Errors: building an [`crate::Env`] ([`EnvError`]) and turning cluster and store failures into
//! `StepError`s that say what happened, where, and what to do, with every known secret scrubbed.

use migrate_cluster::error::TransportKind;
use migrate_cluster::{ClusterError, SecretError};
use migrate_exec::StepError;
use migrate_graph::Side;

/// The environment could not be built from the blueprint.
#[derive(Debug, thiserror::Error)]
pub enum EnvError {
    /// A secret reference could not be resolved.
    #[error("{what}: {source}")]
    Secret {
        /// Which setting needs it (`source cluster password`).
        what: String,
        #[source]
        source: SecretError,
    },
    /// A cluster URL does not parse.
    #[error("the {side} cluster URL `{url}` is not a valid URL: {reason}")]
    Url {
        side: &'static str,
        url: String,
        reason: String,
    },
    /// The cluster client could not be built (TLS files, credentials chain).
    #[error("the {side} cluster client: {source}")]
    Client {
        side: &'static str,
        #[source]
        source: ClusterError,
    },
    /// The plan does not compile (the write-guard is derived from the compiled graph).
    #[error("the plan does not compile: {0}")]
    Plan(String),
}

/// Where a failure happened, for messages.
pub(crate) struct Site<'a> {
    pub step: &'a str,
    pub side: Side,
    pub url: &'a str,
}

/// Maps a cluster error to a step error: retryable as the client judges it, with a hint.
pub(crate) fn cluster(site: &Site<'_>, doing: &str, e: &ClusterError) -> StepError {
    let hint = hint(site.side, e);
    let message = format!(
        "step `{}`: {doing} on the {} cluster ({}) failed: {e}{hint}",
        site.step,
        site.side.as_str(),
        site.url
    );
    StepError {
        message,
        retryable: e.is_retryable(),
    }
}

fn hint(side: Side, e: &ClusterError) -> String {
    match e {
        ClusterError::Transport {
            kind: TransportKind::Connect,
            ..
        } => format!(
            "; check that the {side} cluster's `url` in the plan is reachable from this machine \
             (retried as `settings.retry` allows)",
            side = side.as_str()
        ),
        _ if e.is_retryable() => "; transient: retried as `settings.retry` allows".into(),
        ClusterError::Server {
            status: 401 | 403, ..
        } => format!(
            "; check the {} cluster's `auth` in the plan and that the user may do this",
            side.as_str()
        ),
        ClusterError::WriteRefused { .. } | ClusterError::UnplannedRequest { .. } => {
            "; the plan does not declare this write on the source (this is a bug in the step)"
                .into()
        }
        _ => String::new(),
    }
}
