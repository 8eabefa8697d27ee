//! The files a provider's default credential chain reads (AWS config and credentials, a web
//! identity token, Google service-account and application-default credentials, an Azure federated
//! token): each must be a regular file of bounded size, checked before the provider's SDK opens it
//! — a FIFO would block it and `/dev/zero` would have it read without end.

use std::path::PathBuf;

/// Largest credential or configuration file a chain may read.
const MAX_CHAIN_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// A file of the chain that cannot be used: the variable naming it (or whose default it is), and why.
#[derive(Debug)]
pub(crate) struct Unusable {
    /// `AWS_CONFIG_FILE`, `GOOGLE_APPLICATION_CREDENTIALS`, …
    pub var: &'static str,
    /// What the file is instead (never its contents).
    pub reason: migrate_input::ReadError,
}

/// Checks each file named by an environment variable, else (`Some(default)`) at `default` under
/// `$HOME`. A file that is not there passes: the SDK says whether it needs one.
pub(crate) fn check(files: &[(&'static str, Option<&str>)]) -> Result<(), Unusable> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    check_paths(files.iter().filter_map(|&(var, default)| {
        let path = std::env::var_os(var)
            .map(PathBuf::from)
            .or_else(|| Some(home.as_ref()?.join(default?)))?;
        Some((var, path))
    }))
}

fn check_paths(files: impl Iterator<Item = (&'static str, PathBuf)>) -> Result<(), Unusable> {
    for (var, path) in files {
        match migrate_input::check_limited(&path, MAX_CHAIN_FILE_BYTES) {
            Ok(())
            | Err(migrate_input::ReadError::Io {
                kind: std::io::ErrorKind::NotFound,
                ..
            }) => {}
            Err(reason) => return Err(Unusable { var, reason }),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_regular_file_passes_and_a_device_or_fifo_is_named_by_its_variable() {
        let dir = tempfile::tempdir().unwrap();
        let regular = dir.path().join("config");
        std::fs::write(&regular, "[default]\n").unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let ok = [("A", regular.clone()), ("B", dir.path().join("missing"))];
        assert!(check_paths(ok.into_iter()).is_ok());
        for (odd, what) in [
            (fifo, "it is a FIFO (named pipe), not a regular file"),
            (
                PathBuf::from("/dev/zero"),
                "it is a character device, not a regular file",
            ),
        ] {
            let err =
                check_paths([("A", regular.clone()), ("ODD_FILE", odd)].into_iter()).unwrap_err();
            assert_eq!(
                (err.var, err.reason.reason()),
                ("ODD_FILE", what.to_owned())
            );
        }
    }
}
