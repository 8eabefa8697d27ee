//! Where a state lives, from `--state URL` (or the plan's `settings.state`): a local directory
//! (the file backend) or an object store and a key prefix inside it.
//!
//! - `s3://bucket/prefix?region=…&endpoint=…`, `oss://bucket/prefix?endpoint=…`,
//!   `cos://bucket-appid/prefix?region=…` — parsed by migrate-store's store URL parser; the URL's
//!   path becomes the key prefix; credentials come from the AWS default chain (environment,
//!   profile, …), never from the URL.
//! - `file:///dir` or a plain path `dir` — the file backend in that directory; a path ending in
//!   `<plan>.state.json` names the file itself.
//!
//! [`resolve_state`] is the one rule every command uses to pick the location: `--state`, else the
//! plan's `settings.state`, else `.migrate/` next to the plan.

use std::path::{Path, PathBuf};

use migrate_store::{StoreSpec, UrlError};

/// A parsed `--state` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateLocation {
    /// A directory holding `<plan>.state.json`, `<plan>.journal` and `<plan>.lock` ([`migrate_state::FileStore`]).
    Dir(PathBuf),
    /// A state file `<plan>.state.json` (its journal and lock next to it), as `--state` may name it.
    File(PathBuf),
    /// An object store (its `base_path` empty) and the key prefix of `<prefix>/<plan>.state.json`
    /// and `<prefix>/<plan>.lock`. The caller may replace `spec`'s credentials (plan secrets).
    Object {
        /// The bucket, endpoint, region and credentials.
        spec: StoreSpec,
        /// The key prefix, without leading or trailing `/` (`""` for the bucket root).
        prefix: String,
    },
}

/// A `--state` value that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StateUrlError {
    #[error(
        "the state location is empty; give a directory or an s3://, oss://, cos://, azure://, gs:// or file:// URL"
    )]
    Empty,
    #[error("state location: {0}")]
    Url(#[from] UrlError),
}

impl StateLocation {
    /// The location as shown in messages (no credentials ever).
    pub fn display(&self) -> String {
        match self {
            StateLocation::Dir(dir) | StateLocation::File(dir) => dir.display().to_string(),
            StateLocation::Object { spec, prefix } => {
                let base = spec.display_location();
                if prefix.is_empty() {
                    base
                } else {
                    format!("{}/{prefix}", base.trim_end_matches('/'))
                }
            }
        }
    }
}

/// Where a command's state location came from (shown by `status` and in errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateOrigin {
    /// `--state LOCATION` on the command line.
    Flag,
    /// The plan's `settings.state`.
    Setting,
    /// Neither: `.migrate/` next to the plan file.
    Default,
}

/// A command's state location and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedState {
    pub location: StateLocation,
    pub origin: StateOrigin,
}

/// The one rule for where a plan's state lives, used by every command (`plan --dry-run`, `apply`,
/// `status`, `state show|unlock|pull|push`): `flag` (`--state`), else `setting` (the plan's
/// `settings.state`), else `.migrate/` in the plan file's directory.
pub fn resolve_state(
    flag: Option<&str>,
    setting: Option<&str>,
    plan_path: &Path,
) -> Result<ResolvedState, StateUrlError> {
    let (text, origin) = match (flag, setting) {
        (Some(flag), _) => (flag, StateOrigin::Flag),
        (None, Some(setting)) => (setting, StateOrigin::Setting),
        (None, None) => {
            let dir = match plan_path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.join(".migrate"),
                _ => PathBuf::from(".migrate"),
            };
            return Ok(ResolvedState {
                location: StateLocation::Dir(dir),
                origin: StateOrigin::Default,
            });
        }
    };
    Ok(ResolvedState {
        location: parse_state_url(text)?,
        origin,
    })
}

/// Parses a `--state` value: an `s3://`, `oss://`, `cos://`, `azure://`, `gs://` or `file://`
/// URL, or a plain path (a directory, or a `<plan>.state.json` file).
pub fn parse_state_url(input: &str) -> Result<StateLocation, StateUrlError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(StateUrlError::Empty);
    }
    if !input.contains("://") {
        let path = PathBuf::from(input);
        return Ok(if input.ends_with(".state.json") {
            StateLocation::File(path)
        } else {
            StateLocation::Dir(path)
        });
    }
    let (spec, prefix) = match StoreSpec::from_url(input)? {
        StoreSpec::Fs(fs) => return Ok(StateLocation::Dir(fs.root.join(fs.base_path))),
        other => other.split_base_path(),
    };
    Ok(StateLocation::Object {
        spec,
        prefix: prefix.trim_matches('/').to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use migrate_store::{BucketSpec, Credentials};

    #[test]
    fn object_urls_split_into_a_store_and_a_prefix() {
        let loc =
            parse_state_url("s3://bkt/ci/states/?region=eu-west-1&endpoint=http://127.0.0.1:8333")
                .unwrap();
        assert_eq!(
            loc,
            StateLocation::Object {
                spec: StoreSpec::S3(BucketSpec {
                    bucket: "bkt".into(),
                    region: Some("eu-west-1".into()),
                    endpoint: Some("http://127.0.0.1:8333".into()),
                    base_path: String::new(),
                    credentials: Credentials::AwsChain,
                }),
                prefix: "ci/states".into(),
            }
        );
        assert_eq!(loc.display(), "s3://bkt/ci/states");
        let oss =
            parse_state_url("oss://b?endpoint=https://s3.oss-cn-hangzhou.aliyuncs.com").unwrap();
        assert!(
            matches!(&oss, StateLocation::Object { spec: StoreSpec::Oss(_), prefix } if prefix.is_empty())
        );
        assert_eq!(oss.display(), "oss://b");
        assert!(matches!(
            parse_state_url("cos://b-1250000000/x?region=ap-guangzhou").unwrap(),
            StateLocation::Object {
                spec: StoreSpec::Cos(_),
                ..
            }
        ));
    }

    #[test]
    fn paths_and_file_urls_are_directories() {
        assert_eq!(
            parse_state_url("file:///srv/state").unwrap(),
            StateLocation::Dir("/srv/state".into())
        );
        assert_eq!(
            parse_state_url(" .migrate ").unwrap(),
            StateLocation::Dir(".migrate".into())
        );
    }

    #[test]
    fn the_flag_wins_over_the_setting_which_wins_over_the_directory_next_to_the_plan() {
        let plan = Path::new("plans/movies.yaml");
        let flag = resolve_state(Some("/srv/a"), Some("/srv/b"), plan).unwrap();
        assert_eq!(
            (flag.location, flag.origin),
            (StateLocation::Dir("/srv/a".into()), StateOrigin::Flag)
        );
        let setting = resolve_state(None, Some("s3://b/x?region=r"), plan).unwrap();
        assert_eq!(setting.origin, StateOrigin::Setting);
        assert!(matches!(setting.location, StateLocation::Object { .. }));
        let default = resolve_state(None, None, plan).unwrap();
        assert_eq!(
            (default.location, default.origin),
            (
                StateLocation::Dir("plans/.migrate".into()),
                StateOrigin::Default
            )
        );
        assert_eq!(
            resolve_state(None, None, Path::new("plan.yaml"))
                .unwrap()
                .location,
            StateLocation::Dir(".migrate".into())
        );
        assert_eq!(
            parse_state_url(".migrate/movies.state.json").unwrap(),
            StateLocation::File(".migrate/movies.state.json".into())
        );
    }

    #[test]
    fn bad_locations_say_what_is_expected() {
        assert_eq!(
            parse_state_url("hdfs://b/x").unwrap_err().to_string(),
            "state location: unsupported store scheme `hdfs` in `hdfs://b/x` (expected file, s3, oss, cos, azure or gs)"
        );
        assert_eq!(
            parse_state_url("s3://b/x?secret=abc")
                .unwrap_err()
                .to_string(),
            "state location: unknown parameter `secret` in `s3://b/x?secret=…` (known: endpoint, region)"
        );
        assert_eq!(
            parse_state_url("  ").unwrap_err().to_string(),
            "the state location is empty; give a directory or an s3://, oss://, cos://, azure://, gs:// or file:// URL"
        );
    }
}
