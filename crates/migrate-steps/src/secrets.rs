//! The secrets of one run: every reference the plan makes, resolved once, and a redactor that
//! scrubs all of them from anything the steps say.

use std::collections::BTreeMap;

use migrate_core::{Redactor, Secret, SecretRef};
use migrate_graph::requests::Secrets;

use crate::error::EnvError;

/// Resolved secrets by reference, plus their redactor.
#[derive(Debug, Default)]
pub(crate) struct SecretBook {
    values: BTreeMap<SecretRef, Secret>,
    redactor: Redactor,
}

impl SecretBook {
    /// Resolves `r` (once) and returns the value.
    pub(crate) fn resolve(&mut self, r: &SecretRef, what: &str) -> Result<Secret, EnvError> {
        if let Some(v) = self.values.get(r) {
            return Ok(v.clone());
        }
        let v = r.resolve().map_err(|source| EnvError::Secret {
            what: what.to_owned(),
            source,
        })?;
        self.redactor.add_secret(&v);
        self.values.insert(r.clone(), v.clone());
        Ok(v)
    }

    /// The value of an already resolved reference.
    pub(crate) fn get(&self, r: &SecretRef) -> Option<&Secret> {
        self.values.get(r)
    }

    /// Registers an extra value to scrub (e.g. a password embedded elsewhere), here and with the
    /// process-wide redactor.
    pub(crate) fn add_redaction(&mut self, value: &str) {
        migrate_core::register_global(value);
        self.redactor.add(value);
    }

    pub(crate) fn redact(&self, text: &str) -> String {
        self.redactor.redact(text)
    }
}

/// Writes real secret values into request bodies (the executor's counterpart of `Redacted`).
impl Secrets for SecretBook {
    fn text(&self, secret: &SecretRef) -> String {
        // Every reference the plan makes is resolved when the Env is built; an unknown one writes
        // an empty value, which the server rejects as bad credentials rather than leaking anything.
        self.values
            .get(secret)
            .map(|s| s.expose().to_owned())
            .unwrap_or_default()
    }
}
