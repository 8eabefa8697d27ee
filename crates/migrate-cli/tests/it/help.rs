//! The generated extras: completions for every shell and the man page come from the clap
//! definition (so they list every subcommand), and every `migrate …` command the example
//! pipelines in docs/examples/ call exists.

use std::path::Path;
use std::process::Command;

fn migrate(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_migrate"))
        .args(args)
        .output()
        .expect("run migrate")
}

const SUBCOMMANDS: [&str; 9] = [
    "validate",
    "plan",
    "apply",
    "status",
    "state",
    "demo",
    "schema",
    "repo",
    "completions",
];

#[test]
fn completions_and_man_page_list_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = migrate(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        for sub in SUBCOMMANDS {
            assert!(text.contains(sub), "{shell} completions lack `{sub}`");
        }
    }
    let man = migrate(&["man"]);
    assert!(man.status.success());
    let text = String::from_utf8_lossy(&man.stdout);
    assert!(
        text.starts_with(".ie") || text.contains(".TH"),
        "not roff: {}",
        &text[..80.min(text.len())]
    );
    for sub in SUBCOMMANDS {
        assert!(text.contains(sub), "man page lacks `{sub}`");
    }
}

/// `migrate` invocations in a pipeline file's shell lines: the words before the first flag,
/// path or variable.
fn invocations(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut rest = line;
        while let Some(at) = rest.find("migrate ") {
            let before = &rest[..at];
            rest = &rest[at + "migrate ".len()..];
            // Only the command, not `migrate-cli` paths, `cargo install`, comments or prose.
            if before.ends_with('-')
                || before.ends_with('/')
                || before.trim_start().starts_with('#')
            {
                continue;
            }
            let words: Vec<String> = rest
                .split_whitespace()
                .take_while(|w| {
                    w.chars().all(|c| c.is_ascii_lowercase() || c == '-') && !w.starts_with('-')
                })
                .take(2)
                .map(str::to_owned)
                .collect();
            if words
                .first()
                .is_some_and(|w| SUBCOMMANDS.contains(&w.as_str()) || w == "man")
            {
                out.push(words);
            } else if let Some(w) = words.first() {
                panic!("unknown migrate subcommand `{w}` in: {line}");
            }
        }
    }
    out
}

#[test]
fn example_pipelines_are_yaml_and_call_existing_commands() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples");
    let mut seen = 0;
    for file in ["github-actions.yml", "gitlab-ci.yml"] {
        let text = std::fs::read_to_string(root.join(file)).expect(file);
        let doc: serde_yaml::Value =
            serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(
            doc.as_mapping().is_some_and(|m| !m.is_empty()),
            "{file}: not a mapping"
        );
        if file == "github-actions.yml" {
            assert!(
                doc.get("jobs").and_then(|j| j.as_mapping()).is_some(),
                "{file}: no jobs"
            );
            assert!(
                doc.get("on").is_some() || doc.get(serde_yaml::Value::Bool(true)).is_some(),
                "{file}: no trigger"
            );
        }
        for words in invocations(&text) {
            let mut args: Vec<&str> = words.iter().map(String::as_str).collect();
            args.push("--help");
            let out = migrate(&args);
            assert!(
                out.status.success(),
                "{file}: `migrate {}` does not exist",
                words.join(" ")
            );
            seen += 1;
        }
    }
    assert!(seen >= 4, "the pipelines call migrate only {seen} times");
}
