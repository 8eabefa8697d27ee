//! The blocking bridge: [`StateStore`](migrate_state::StateStore) calls block, `object_store` is
//! async, so every store owns a small tokio runtime (one worker thread) and each call is spawned
//! onto it and waited for on a std channel.
//!
//! Spawning onto a runtime handle and waiting on a std channel work from any thread: a plain
//! thread, a `spawn_blocking` thread of the caller's runtime (how the executor's writer calls),
//! even — though it blocks that worker — a task of another runtime. `Runtime::block_on` would
//! panic in the last case ("Cannot start a runtime from within a runtime"), and
//! `Handle::current().block_on` would tie the store to the caller's runtime; neither is used.
//! The runtime is shut down in the background on drop, which is allowed inside async contexts.

use std::future::Future;
use std::io;
use std::sync::mpsc;

use tokio::runtime::{Builder, Runtime};

/// A runtime owned by one store.
#[derive(Debug)]
pub(crate) struct Bridge {
    runtime: Option<Runtime>,
}

impl Bridge {
    pub(crate) fn new() -> io::Result<Self> {
        let runtime = Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("migrate-state-remote")
            .enable_all()
            .build()?;
        Ok(Bridge {
            runtime: Some(runtime),
        })
    }

    /// Runs `future` on the store's runtime and waits for its output.
    pub(crate) fn run<F>(&self, future: F) -> io::Result<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let runtime = self
            .runtime
            .as_ref()
            .ok_or_else(|| io::Error::other("the state store's runtime is shut down"))?;
        let (tx, rx) = mpsc::sync_channel(1);
        runtime.spawn(async move {
            let _ = tx.send(future.await);
        });
        // The sender is dropped without a value only if the task panicked or the runtime stopped.
        rx.recv()
            .map_err(|_| io::Error::other("the state store's request task stopped"))
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_from_a_plain_thread() {
        let bridge = Bridge::new().unwrap();
        assert_eq!(bridge.run(async { 41 + 1 }).unwrap(), 42);
    }

    #[test]
    fn runs_from_spawn_blocking_and_from_inside_a_task_and_drops_there() {
        let outer = Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let bridge = std::sync::Arc::new(Bridge::new().unwrap());
        let b = std::sync::Arc::clone(&bridge);
        let from_blocking = outer
            .block_on(outer.spawn_blocking(move || {
                b.run(async {
                    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                    7
                })
                .unwrap()
            }))
            .unwrap();
        assert_eq!(from_blocking, 7);
        // From inside an async task of another runtime (blocks the worker, must not panic), and
        // the last reference dropped there must not panic either.
        let from_task = outer
            .block_on(outer.spawn(async move {
                let out = bridge.run(async { 8 }).unwrap();
                drop(bridge);
                out
            }))
            .unwrap();
        assert_eq!(from_task, 8);
    }

    #[test]
    fn a_panicking_request_is_an_error_not_a_hang() {
        let bridge = Bridge::new().unwrap();
        let err = bridge
            .run(async {
                if true {
                    panic!("request failed badly");
                }
            })
            .unwrap_err();
        assert!(err.to_string().contains("stopped"), "{err}");
        assert_eq!(bridge.run(async { 1 }).unwrap(), 1);
    }
}
