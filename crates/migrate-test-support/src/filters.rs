//! The redactions whole-output snapshots apply, so what a run prints can be asserted entire:
//! loopback ports, temporary paths, timestamps, durations, UUIDs, process ids and host names.
//! Use with `insta::with_settings!({ filters => migrate_test_support::filters::all() }, { … })`.

/// `(regex, replacement)` pairs, most specific first.
pub fn all() -> Vec<(&'static str, &'static str)> {
    vec![
        // RFC 3339 timestamps, with or without fractions.
        (
            r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})",
            "[TIME]",
        ),
        (
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "[UUID]",
        ),
        // The state's short lineage in the names of a run's snapshots.
        (r"-[0-9a-f]{8}-(round-|final)", "-[LINEAGE]-$1"),
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]"),
        (
            r"(/tmp|/var/folders/[^\s/]+/[^\s/]+/T)/\.tmp[A-Za-z0-9]+",
            "[TMP]",
        ),
        (r"\bpid \d+", "pid [PID]"),
        (r"\b\d+(\.\d+)? ?(ms|s)\b", "[DURATION]"),
    ]
}

/// Applies [`all`] to `text` (for tests that compare without insta).
pub fn apply(text: &str) -> String {
    let mut out = text.to_owned();
    for (pattern, replacement) in all() {
        if let Ok(re) = regex::Regex::new(pattern) {
            out = re.replace_all(&out, replacement).into_owned();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_paths_times_and_ids_are_redacted() {
        let raw = "2026-12-03T10:09:09.036537277Z apply at http://127.0.0.1:43941 in /tmp/.tmpEWqGc9/plan.yaml lock 0f8b2c1e-2d3a-4b5c-8d9e-0a1b2c3d4e5f pid 4242 took 12.5 ms snapshot movies-0a1b2c3d-round-2";
        assert_eq!(
            apply(raw),
            "[TIME] apply at http://127.0.0.1:[PORT] in [TMP]/plan.yaml lock [UUID] pid [PID] took [DURATION] snapshot movies-[LINEAGE]-round-2"
        );
    }
}
