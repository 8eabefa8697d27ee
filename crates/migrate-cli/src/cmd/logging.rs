//! tracing for the commands that talk to clusters: `-v`/`-vv`/`-vvv` or `RUST_LOG`, on stderr,
//! without colour when `NO_COLOR` is set or stderr is not a terminal. Every line goes through the
//! process-wide redactor first, whatever its level: no secret the run resolved is ever logged.

use std::io::{IsTerminal, Write};

use tracing_subscriber::EnvFilter;

/// Installs the subscriber once; later calls do nothing.
pub fn init(verbose: u8, quiet: bool) {
    let default = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        (false, _) => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let colour = std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| Redacting(std::io::stderr()))
        .with_ansi(colour)
        .with_target(false)
        .try_init();
}

/// A writer that scrubs every secret the process knows ([`migrate_core::redact_global`]) from
/// what it is given. The formatter hands it one whole event at a time, so a secret is never split
/// across two writes.
pub struct Redacting<W: Write>(pub W);

impl<W: Write> Write for Redacting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0
            .write_all(migrate_core::redact_global(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}
