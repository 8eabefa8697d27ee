//! `migrate plan --dry-run` end to end: golden output for every example plan in every format,
//! determinism, no secrets, no writes, state marking and the detailed exit codes.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

const FORMATS: [&str; 4] = ["text", "markdown", "json", "dot"];
const CANARY: &str = "canary-s3cr3t-5d1e";

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The plans every dry-run test covers: the fixtures in `tests/plans/` (the two runbooks and a
/// shared-store snapshot) and every user-facing example in `plans/`, loaded through migrate-plan like
/// every plan.
fn example_plans() -> Vec<PathBuf> {
    let mut plans = Vec::new();
    for dir in ["crates/migrate-cli/tests/plans", "plans"] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(repo_root().join(dir))
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
            .collect();
        found.sort();
        assert!(!found.is_empty(), "no plans in {dir}/");
        plans.extend(found);
    }
    plans
}

/// The golden file name of a plan: its file stem, with `examples-` before those from `plans/`.
fn golden_name(plan: &Path) -> String {
    let stem = plan.file_stem().and_then(|s| s.to_str()).unwrap_or("plan");
    let from_examples = plan
        .parent()
        .is_some_and(|d| d == repo_root().join("plans"));
    if from_examples {
        format!("examples-{stem}")
    } else {
        stem.to_owned()
    }
}

/// Names of the environment variables a plan references as secrets (`{ env: NAME }`).
fn env_refs(plan: &Path) -> Vec<String> {
    fn walk(v: &serde_yaml::Value, out: &mut Vec<String>) {
        match v {
            serde_yaml::Value::Mapping(m) => {
                for (k, v) in m {
                    if let (Some("env"), Some(name)) = (k.as_str(), v.as_str()) {
                        out.push(name.to_owned());
                    }
                    walk(v, out);
                }
            }
            serde_yaml::Value::Sequence(s) => s.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let text = std::fs::read_to_string(plan).expect("read plan");
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).expect("plan is YAML");
    let mut out = Vec::new();
    walk(&doc, &mut out);
    out.sort();
    out.dedup();
    out
}

fn migrate() -> Command {
    let mut cmd = Command::cargo_bin("migrate").expect("binary");
    cmd.env_remove("RUST_LOG").env("NO_COLOR", "1");
    cmd
}

fn dry_run(plan: &Path, format: &str) -> (i32, String, String) {
    let mut cmd = migrate();
    for var in env_refs(plan) {
        cmd.env(var, CANARY);
    }
    let out = cmd
        .arg("plan")
        .arg("--dry-run")
        .arg(plan)
        .args(["--format", format])
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

#[test]
fn every_example_plan_in_every_format() {
    for plan in example_plans() {
        let stem = golden_name(&plan);
        for format in FORMATS {
            let (code, stdout, stderr) = dry_run(&plan, format);
            assert_eq!(code, 0, "{stem} {format}: {stderr}");
            insta::assert_snapshot!(format!("{stem}.{format}"), stdout);
        }
    }
}

#[test]
fn identical_across_runs_and_free_of_secrets() {
    for plan in example_plans() {
        for format in FORMATS {
            let (code, first, _) = dry_run(&plan, format);
            let (_, second, stderr) = dry_run(&plan, format);
            assert_eq!(code, 0, "{}: {stderr}", plan.display());
            assert!(!first.is_empty());
            assert_eq!(
                first,
                second,
                "{} {format} differs between runs",
                plan.display()
            );
            assert!(
                !first.contains(CANARY) && !stderr.contains(CANARY),
                "{} {format} leaks a secret",
                plan.display()
            );
        }
    }
}

#[test]
fn writes_nothing_next_to_the_plan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plan = example_plans().into_iter().next().expect("a plan");
    let copy = dir.path().join("plan.yaml");
    std::fs::copy(&plan, &copy).expect("copy plan");
    let before: Vec<_> = walk(dir.path());
    let out = migrate()
        .current_dir(dir.path())
        .args(["plan", "--dry-run"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(walk(dir.path()), before);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out.sort();
    out
}

#[test]
fn detailed_exit_codes_follow_what_remains() {
    let plan = example_plans().into_iter().next().expect("a plan");
    let run = |extra: &[&str]| {
        let out = migrate()
            .arg("plan")
            .arg("--dry-run")
            .arg(&plan)
            .args(extra)
            .output()
            .expect("runs");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    assert_eq!(run(&[]).0, 0);
    assert_eq!(
        run(&["--detailed-exitcode"]).0,
        2,
        "a fresh plan has pending steps"
    );

    // A state in which every step is done with its current fingerprint: nothing is left.
    let (_, json) = run(&["--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("json");
    let mut steps = serde_json::Map::new();
    for s in doc["steps"].as_array().expect("steps") {
        steps.insert(
            s["id"].as_str().expect("id").to_owned(),
            serde_json::json!({"status": "done", "fingerprint": s["fingerprint"]}),
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state.json");
    std::fs::write(&state, serde_json::json!({"steps": steps}).to_string()).expect("write state");
    let state_arg = state.to_str().expect("utf-8 path");
    let (code, text) = run(&["--state", state_arg, "--detailed-exitcode"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains(", 0 to run"), "{text}");

    // One step failed: it is listed, marked, and the plan has work left.
    let first = doc["steps"][0]["id"].as_str().expect("id").to_owned();
    steps.insert(first.clone(), serde_json::json!("failed"));
    std::fs::write(&state, serde_json::json!(steps).to_string()).expect("write state");
    let (code, text) = run(&["--state", state_arg, "--detailed-exitcode"]);
    assert_eq!(code, 2);
    assert!(text.contains(&format!("{first} [failed]")), "{text}");
}

#[test]
fn without_state_flag_the_plans_settings_state_is_read_as_apply_would() {
    let work = tempfile::tempdir().expect("tempdir");
    let source = repo_root().join("plans/snapshot-fs-shared.yaml");
    let text = std::fs::read_to_string(&source).expect("plan");
    let plan = work.path().join("plan.yaml");
    std::fs::write(&plan, format!("{text}\nsettings:\n  state: elsewhere\n")).expect("write");
    let run = |extra: &[&str]| {
        let out = migrate()
            .current_dir(work.path())
            .args(["plan", "--dry-run", "plan.yaml", "--detailed-exitcode"])
            .args(extra)
            .output()
            .expect("runs");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, json, _) = run(&["--format", "json"]);
    assert_eq!(code, 2, "no state yet: everything is pending");
    let doc: serde_json::Value = serde_json::from_str(&json).expect("json");

    // A state in `elsewhere/` (the plan's settings.state) with every step done; snapshot names
    // (and so fingerprints) carry its lineage, which the dry run reads from it.
    let mut state = migrate_state::State::new("catalog-fs-68-to-710");
    std::fs::create_dir(work.path().join("elsewhere")).expect("mkdir");
    let at = work
        .path()
        .join("elsewhere/catalog-fs-68-to-710.state.json");
    std::fs::write(&at, migrate_state::to_canonical_json(&state)).expect("write state");
    let (code, json, _) = run(&["--format", "json"]);
    assert_eq!(code, 2, "an empty state: everything is pending");
    let placeholder = doc;
    let doc: serde_json::Value = serde_json::from_str(&json).expect("json");
    let short = state.short_lineage();
    assert!(json.contains(&format!("-{short}-round-1")), "{json}");
    assert!(
        placeholder.to_string().contains("-LINEAGE-round-1"),
        "{placeholder}"
    );
    for step in doc["steps"].as_array().expect("steps") {
        let entry = state.step_mut(step["id"].as_str().expect("id"));
        entry.status = migrate_state::StepStatus::Done;
        entry.fingerprint = step["fingerprint"].as_str().map(str::to_owned);
    }
    std::fs::write(&at, migrate_state::to_canonical_json(&state)).expect("write state");
    let (code, text, stderr) = run(&[]);
    assert_eq!(code, 0, "{text}{stderr}");
    assert!(text.contains(", 0 to run"), "{text}");
    assert!(
        !work.path().join(".migrate").exists(),
        "the default location is not consulted when the plan names one"
    );

    // `--state` still wins: an empty directory named on the command line holds no state.
    std::fs::create_dir(work.path().join("empty")).expect("mkdir");
    let (code, _, stderr) = run(&["--state", "empty"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("no state at empty"), "{stderr}");
}

#[test]
fn bad_input_exits_2_or_1_with_detailed_exitcode() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "version: 1\nname: [unclosed\n").expect("write");
    let out = migrate()
        .arg("plan")
        .arg("--dry-run")
        .arg(&bad)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let out = migrate()
        .arg("plan")
        .arg("--dry-run")
        .arg(&bad)
        .arg("--detailed-exitcode")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));

    let plan = example_plans().into_iter().next().expect("a plan");
    let state = dir.path().join("state.json");
    std::fs::write(&state, r#"{"preflight/versions": "finished"}"#).expect("write");
    let out = migrate()
        .arg("plan")
        .arg("--dry-run")
        .arg(&plan)
        .arg("--state")
        .arg(&state)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("step `preflight/versions`")
            && stderr.contains("done, running, failed, pending"),
        "{stderr}"
    );
}

#[test]
fn plan_requires_dry_run_and_documents_exit_codes() {
    let out = migrate()
        .args(["plan", "plan.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--dry-run"));
    let out = migrate().args(["plan", "--help"]).output().expect("runs");
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("Exit codes:") && help.contains("--detailed-exitcode"),
        "{help}"
    );
}

#[test]
fn every_example_plan_compiles_to_an_acyclic_graph() {
    for plan in example_plans() {
        let (code, json, stderr) = dry_run(&plan, "json");
        assert_eq!(code, 0, "{stderr}");
        let doc: serde_json::Value = serde_json::from_str(&json).expect("json");
        // Steps come in a topological order: every dependency appears before its dependent, which is
        // only possible when the graph has no cycle.
        let mut seen = std::collections::HashSet::new();
        for step in doc["steps"].as_array().expect("steps") {
            for dep in step["depends_on"].as_array().expect("depends_on") {
                assert!(
                    seen.contains(dep.as_str().expect("id")),
                    "{}: {} before its dependency {dep}",
                    plan.display(),
                    step["id"]
                );
            }
            assert!(
                seen.insert(step["id"].as_str().expect("id").to_owned()),
                "duplicate id {}",
                step["id"]
            );
        }
        assert_eq!(doc["summary"]["gates"], 1);
    }
}
