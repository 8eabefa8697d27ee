//! `migrate validate` and `migrate schema` end to end: exit codes, the whole rendered diagnostics
//! (insta snapshots of exit code + stdout + stderr), warnings vs `--strict`, secrets kept out.

use std::path::PathBuf;

use assert_cmd::Command;

const CANARY: &str = "canary-s3cr3t-5d1e";

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn migrate() -> Command {
    let mut cmd = Command::cargo_bin("migrate").expect("binary");
    cmd.env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .current_dir(repo_root());
    cmd
}

/// Runs `migrate ARGS` in the repository root; returns (code, "exit/stdout/stderr" transcript).
fn run(args: &[&str]) -> (i32, String) {
    let out = migrate().args(args).output().expect("runs");
    let code = out.status.code().unwrap_or(-1);
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let stderr = String::from_utf8(out.stderr).expect("utf-8");
    (
        code,
        format!("exit: {code}\n--- stdout\n{stdout}--- stderr\n{stderr}"),
    )
}

fn bad(name: &str) -> String {
    format!("tests/bad-plans/{name}")
}

fn example_plans() -> Vec<String> {
    let mut plans: Vec<String> = std::fs::read_dir(repo_root().join("plans"))
        .expect("plans/")
        .filter_map(|e| e.ok())
        .map(|e| format!("plans/{}", e.file_name().to_string_lossy()))
        .filter(|p| p.ends_with(".yaml"))
        .collect();
    plans.sort();
    plans
}

#[test]
fn every_example_plan_is_valid() {
    let plans = example_plans();
    assert!(plans.len() >= 4);
    let args: Vec<&str> = std::iter::once("validate")
        .chain(plans.iter().map(String::as_str))
        .collect();
    let (code, out) = run(&args);
    assert_eq!(code, 0, "{out}");
    insta::assert_snapshot!("valid-examples", out);
}

#[test]
fn every_bad_case_exits_2_with_location_snippet_and_help() {
    let dir = repo_root().join("tests/bad-plans");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") && n != "literal-secret.yaml")
        .collect();
    names.sort();
    for name in names {
        let path = bad(&name);
        let (code, out) = run(&["validate", &path]);
        assert_eq!(code, 2, "{out}");
        assert!(out.contains(&format!("`{path}` is invalid")), "{out}");
        assert!(out.contains("help:"), "{name}: {out}");
        if name != "empty.yaml" {
            assert!(
                out.contains(&format!("╭─[{path}:")),
                "{name}: no file:line:col in {out}"
            );
        }
        assert!(!out.contains('\u{1b}'), "colour despite NO_COLOR: {out}");
    }
}

#[test]
fn unknown_key_transcript() {
    let (_, out) = run(&["validate", &bad("unknown-key.yaml")]);
    insta::assert_snapshot!("unknown-key", out);
}

#[test]
fn many_errors_are_reported_at_once() {
    let (code, out) = run(&["validate", &bad("many-errors.yaml")]);
    assert_eq!(code, 2);
    insta::assert_snapshot!("many-errors", out);
}

#[test]
fn a_literal_secret_warns_and_fails_under_strict_without_showing_it() {
    let path = bad("literal-secret.yaml");
    let (code, out) = run(&["validate", &path]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains(CANARY));
    insta::assert_snapshot!("literal-secret", out);
    let (code, out) = run(&["validate", "--strict", &path]);
    assert_eq!(code, 2, "{out}");
    assert!(!out.contains(CANARY));
    insta::assert_snapshot!("literal-secret-strict", out);
}

#[test]
fn one_bad_plan_among_good_ones_fails_the_run() {
    let (code, out) = run(&[
        "validate",
        "plans/snapshot-aws-to-oss.yaml",
        &bad("same-cluster.yaml"),
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("valid: plans/snapshot-aws-to-oss.yaml"),
        "{out}"
    );
    assert!(
        out.contains("the source and the destination are the same cluster"),
        "{out}"
    );
}

#[test]
fn plan_yaml_is_the_default_and_a_missing_file_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = migrate()
        .current_dir(dir.path())
        .arg("validate")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("plan.yaml"), "{stderr}");
    std::fs::copy(
        repo_root().join("plans/snapshot-fs-shared.yaml"),
        dir.path().join("plan.yaml"),
    )
    .expect("copy");
    let out = migrate()
        .current_dir(dir.path())
        .arg("validate")
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn hostile_input_exits_2_quickly_and_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("binary.yaml", vec![0xff, 0xfe, 0x00, 0x01, b'\n', 0x80]),
        ("bomb.yaml", {
            let mut t = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
            for i in 1..12 {
                let p = i - 1;
                t.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
            }
            t.into_bytes()
        }),
        (
            "deep.yaml",
            format!("a: {}", "[".repeat(10_000)).into_bytes(),
        ),
        ("empty.yaml", Vec::new()),
    ];
    for (name, bytes) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let out = migrate().arg("validate").arg(&path).output().expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(stderr.contains("is invalid"), "{name}: {stderr}");
    }
}

#[test]
fn dry_run_refuses_an_invalid_plan_with_the_same_diagnostics() {
    let (code, out) = run(&["plan", "--dry-run", &bad("incremental-without-field.yaml")]);
    assert_eq!(code, 2);
    assert!(
        out.contains("incremental passes need an update-time field"),
        "{out}"
    );
    assert!(
        out.contains("--- stdout\n--- stderr"),
        "nothing on stdout: {out}"
    );
}

#[test]
fn schema_prints_the_checked_in_schema() {
    let out = migrate().arg("schema").output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let expected =
        std::fs::read_to_string(repo_root().join("schemas/plan.schema.json")).expect("schema");
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
}

#[test]
fn help_lists_the_commands_and_exit_codes() {
    let (_, top) = run(&["--help"]);
    assert!(
        top.contains("validate") && top.contains("schema") && top.contains("plan"),
        "{top}"
    );
    let (code, help) = run(&["validate", "--help"]);
    assert_eq!(code, 0);
    assert!(
        help.contains("--strict") && help.contains("Exit codes:"),
        "{help}"
    );
    let (code, _) = run(&["validate", "--no-such-flag"]);
    assert_eq!(code, 2);
}
