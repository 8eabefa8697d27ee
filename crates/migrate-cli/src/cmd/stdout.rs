//! Writing command output to stdout without panicking when the reader goes away
//! (`migrate status | head`): a closed pipe ends the output quietly.

use std::io::Write;

/// Writes `text` to stdout; a broken pipe or other write error is ignored.
pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Lets `write` stream to stdout; a broken pipe or other write error ends it quietly, as [`print`].
pub fn stream(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
    let mut out = std::io::stdout().lock();
    let _ = write(&mut out).and_then(|()| out.flush());
}

/// Writes `text` and a newline to stdout, as [`print`].
pub fn print_line(text: &str) {
    print(&format!("{text}\n"));
}
