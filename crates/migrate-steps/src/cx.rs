//! [`Cx`], what a step implementation sees besides its `StepCtx`: the run's environment, the plan's
//! graph and the step itself, and the one way steps send their planned requests. Step modules
//! import this module; nothing here imports them (or the runner that dispatches to them).

use bytes::Bytes;
use migrate_cluster::{ClusterClient, ClusterError};
use migrate_core::Side;
use migrate_core::request::{Fills, Request};
use migrate_exec::{StepCtx, StepError};
use migrate_graph::{Step, StepGraph};
use serde::de::DeserializeOwned;

use crate::env::Env;
use crate::error::{Site, cluster};
use crate::wait::Poller;

pub(crate) struct Cx<'a> {
    pub env: &'a Env,
    pub graph: &'a StepGraph,
    pub step: &'a Step,
}

/// No slot to fill.
pub(crate) fn none() -> Fills {
    Fills::new()
}

impl Cx<'_> {
    pub fn id(&self) -> &str {
        self.step.id.as_str()
    }

    pub fn client(&self, side: Side) -> &ClusterClient {
        match side {
            Side::Source => &self.env.source,
            Side::Destination => &self.env.destination,
        }
    }

    pub fn url(&self, side: Side) -> &str {
        match side {
            Side::Source => &self.env.source_url,
            Side::Destination => &self.env.destination_url,
        }
    }

    /// Sends a planned request (slots filled) to its side; cluster errors as they are.
    pub async fn try_send(&self, req: &Request, fills: &Fills) -> Result<Bytes, ClusterError> {
        self.client(req.side).execute(req, fills).await
    }

    /// [`Self::try_send`], the body decoded as JSON.
    pub async fn try_json<T: DeserializeOwned>(
        &self,
        req: &Request,
        fills: &Fills,
    ) -> Result<T, ClusterError> {
        self.client(req.side).json(req, fills).await
    }

    /// Sends a planned request; a failure becomes the step's error, saying what it was `doing`.
    pub async fn send(
        &self,
        req: &Request,
        fills: &Fills,
        doing: &str,
    ) -> Result<Bytes, StepError> {
        self.try_send(req, fills)
            .await
            .map_err(|e| self.fail(req.side, doing, &e))
    }

    /// [`Self::send`], the body decoded as JSON.
    pub async fn json<T: DeserializeOwned>(
        &self,
        req: &Request,
        fills: &Fills,
        doing: &str,
    ) -> Result<T, StepError> {
        self.try_json(req, fills)
            .await
            .map_err(|e| self.fail(req.side, doing, &e))
    }

    /// A cluster failure while `doing` something on `side`.
    pub fn fail(&self, side: Side, doing: &str, e: &ClusterError) -> StepError {
        cluster(
            &Site {
                step: self.id(),
                side,
                url: self.url(side),
            },
            doing,
            e,
        )
    }

    /// A permanent failure of this step.
    pub fn permanent(&self, what: impl std::fmt::Display) -> StepError {
        StepError::permanent(format!("step `{}`: {what}", self.id()))
    }

    /// A retryable failure of this step.
    pub fn retryable(&self, what: impl std::fmt::Display) -> StepError {
        StepError::retryable(format!("step `{}`: {what}", self.id()))
    }

    pub fn poller(&self, ctx: &StepCtx) -> Poller<'_> {
        Poller::new(
            self.env.options.backoff,
            self.env.options.stall_timeout,
            ctx.cancel_token().clone(),
            self.id(),
        )
    }
}
