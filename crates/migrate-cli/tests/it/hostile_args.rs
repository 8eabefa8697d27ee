//! Every subcommand driven with hostile arguments and environment: missing files, FIFOs,
//! directories, devices, oversized and binary plans, odd store URLs (bad ports, endpoints that
//! cannot be a bucket's host, query strings, credentials in the URL), huge values, broken
//! credentials in the environment. None may panic (exit 101) or hang; bad input exits 2 with a
//! message on stderr; no piece of a secret given on the command line is ever printed.

use std::time::Duration;

use assert_cmd::Command;

const CANARY: &str = "canary-s3cr3t-5d1e";
/// A command still running after this is a hang (an unreachable store gives up well before).
const HANG: Duration = Duration::from_secs(60);

/// The first piece of the canary (4 characters or more) found in `out`.
fn leaked(out: &str) -> Option<&'static str> {
    (0..CANARY.len() - 3)
        .map(|i| &CANARY[i..i + 4])
        .find(|piece| out.contains(piece))
}

/// One invocation and what it must do.
struct Case {
    args: Vec<String>,
    env: Vec<(&'static str, String)>,
    /// Bad input: exit 2 with a message. Otherwise any outcome but a panic or a hang.
    bad_input: bool,
}

fn case(bad_input: bool, args: &[&str]) -> Case {
    Case {
        args: args.iter().map(|a| (*a).to_owned()).collect(),
        env: Vec::new(),
        bad_input,
    }
}

fn bad(args: &[&str]) -> Case {
    case(true, args)
}

fn any(args: &[&str]) -> Case {
    case(false, args)
}

impl Case {
    fn env(mut self, key: &'static str, value: &str) -> Self {
        self.env.push((key, value.to_owned()));
        self
    }
}

/// The files the cases point at, in a temporary directory.
struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        let plan = |name: &str, text: &[u8]| std::fs::write(d.join(name), text).expect("write");
        let base = "version: 1\nname: hostile\nsource:\n  url: http://127.0.0.1:1\n  auth: { basic: { username: u, password: { file: SECRET } } }\ndestination:\n  url: http://127.0.0.1:2\nindexes: [movies]\nstrategy:\n  reindex:\n    remote_host: http://127.0.0.1:1\nsettings: { retry: { max_attempts: 1 } }\n";
        plan(
            "good.yaml",
            base.replace("SECRET", &d.join("secret").display().to_string())
                .as_bytes(),
        );
        std::fs::write(d.join("secret"), "pw\n").expect("secret");
        plan(
            "fifo-secret.yaml",
            base.replace("SECRET", &d.join("fifo").display().to_string())
                .as_bytes(),
        );
        plan(
            "zero-secret.yaml",
            base.replace("SECRET", "/dev/zero").as_bytes(),
        );
        plan(
            "nul.yaml",
            b"version: 1\nname: x\0\ncutover: { approved: false }\n",
        );
        plan("latin1.yaml", &[0xff, 0xfe, 0x00, 0x01, 0x80, 0x81]);
        plan(
            "secret.yaml",
            format!("version: 1\nname: x\nsource:\n  url: http://u:{CANARY}@127.0.0.1:1\n  auth:\n    basic:\n      username: u\n      password: |\n        {CANARY}\n").as_bytes(),
        );
        for fifo in ["fifo", "fifo.state.json"] {
            let made = std::process::Command::new("mkfifo")
                .arg(d.join(fifo))
                .status()
                .expect("mkfifo");
            assert!(made.success());
        }
        std::fs::File::create(d.join("huge.yaml"))
            .and_then(|f| f.set_len(9 * 1024 * 1024))
            .expect("sparse file");
        std::fs::create_dir(d.join("dir.yaml")).expect("dir");
        Files { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }
}

/// Store and state locations no one should be able to crash the binary with, and whether each is
/// bad input (exit 2 from every command) or only unusable here (no credentials, no server).
fn odd_urls(f: &Files) -> Vec<(String, bool)> {
    let bad = |u: &str| (u.to_owned(), true);
    vec![
        bad(""),
        bad("://"),
        bad("s3://"),
        bad("s3:///path"),
        bad("s3://b?endpoint=http://h:99999"),
        bad("s3://b?endpoint=http://[::1"),
        bad("s3://b?endpoint=ftp://x"),
        bad("s3://b?endpoint="),
        bad("s3://b?endpoint=http://127.0.0.1:1&region=a%0Ab"),
        bad("s3://b?region=%00"),
        bad(&format!("s3://b/p?secret_access_key={CANARY}")),
        bad(&format!(
            "s3://AKID:{CANARY}@b/p?endpoint=http://127.0.0.1:1"
        )),
        bad(&format!("s3://b/p?endpoint=http://u:{CANARY}@localhost:1")),
        bad(&format!("oss://b/p?endpoint=http://u:{CANARY}@127.0.0.1:1")),
        bad("oss://bucket/path?endpoint=http://127.0.0.1:1"),
        bad("oss://bucket/path?endpoint=http://[::1]:1"),
        bad("oss://b"),
        bad("cos://b-1/p?region=%E2%80%AE"),
        bad("cos://b?endpoint=http://127.0.0.1:1"),
        bad("gs://b?region=x"),
        bad("gs://b?endpoint=ftp://x"),
        bad(&format!("gs://b?endpoint=http://u:{CANARY}@127.0.0.1:1")),
        bad("azure://c"),
        bad("azure://c?account=a&endpoint=http://[::1"),
        bad(&format!(
            "azure://c?account=a&endpoint=http://u:{CANARY}@127.0.0.1:1"
        )),
        bad("file:///dev/zero"),
        bad(&format!("file://{}", f.path("fifo"))),
        bad("file://host/x"),
        bad("file:///x?region=a"),
        ("s3://b/%ZZ%".to_owned(), false),
        ("s3://\u{202e}b/\u{1b}[2J".to_owned(), false),
        (format!("s3://b/{}", "x".repeat(100_000)), false),
    ]
}

fn cases(f: &Files) -> Vec<Case> {
    let p = |n: &str| f.path(n);
    let mut out = Vec::new();
    // Plan files that are not plans, for every command that reads one.
    let bad_plans = [
        p("missing.yaml"),
        p("fifo"),
        p("dir.yaml"),
        "/dev/zero".to_owned(),
        p("huge.yaml"),
        p("nul.yaml"),
        p("latin1.yaml"),
        p("secret.yaml"),
    ];
    for plan in &bad_plans {
        out.push(bad(&["validate", plan]));
        out.push(bad(&["validate", "--strict", plan]));
        out.push(bad(&["plan", "--dry-run", plan]));
        out.push(bad(&["apply", plan]));
        out.push(bad(&["status", plan]));
        out.push(bad(&["state", "show", plan]));
        out.push(bad(&["state", "unlock", "some-id", plan]));
        out.push(bad(&["state", "pull", &p("dir.yaml"), plan]));
        out.push(bad(&["state", "push", &p("dir.yaml"), plan]));
    }
    let good = p("good.yaml");
    for (url, is_bad) in odd_urls(f) {
        let c = |args: &[&str]| case(is_bad, args);
        out.push(c(&["repo", "ls", &url]));
        out.push(c(&["repo", "ls", "--format", "json", &url]));
        out.push(c(&["plan", "--dry-run", "--state", &url, &good]));
        out.push(c(&["status", "--state", &url, &good]));
        out.push(c(&["state", "show", "--state", &url, &good]));
        out.push(c(&["state", "unlock", "id", "--state", &url, &good]));
        out.push(c(&["state", "pull", &url, &good]));
        out.push(c(&["state", "push", &url, &good]));
        out.push(c(&["apply", "--state", &url, &good]));
    }
    // State locations that are neither directories nor state files.
    for state in [
        p("fifo"),
        p("fifo.state.json"),
        "/dev/zero".to_owned(),
        p("secret"),
    ] {
        out.push(bad(&["plan", "--dry-run", "--state", &state, &good]));
        out.push(bad(&["status", "--state", &state, &good]));
        out.push(bad(&["state", "show", "--state", &state, &good]));
        out.push(bad(&["apply", "--state", &state, &good]));
    }
    out.push(any(&["status", "--state", &p("missing/deeper"), &good]));
    // Secret files that are a FIFO or a device: refused, never waited on or read.
    out.push(any(&["apply", &p("fifo-secret.yaml")]));
    out.push(any(&["apply", &p("zero-secret.yaml")]));
    // Huge and odd values.
    let huge = "9".repeat(100_000);
    out.push(bad(&["apply", "--parallelism", &huge, &good]));
    out.push(bad(&["apply", "--parallelism", "-1", &good]));
    out.push(any(&["apply", "--parallelism", "0", &good]));
    out.push(any(&["state", "unlock", &huge, &good]));
    out.push(any(&["state", "unlock", "\u{1b}[2J\u{7}", &good]));
    out.push(bad(&["plan", "--dry-run", "--format", "bogus", &good]));
    out.push(bad(&["plan", &good]));
    out.push(bad(&["completions", "tcsh"]));
    out.push(bad(&["completions", &huge]));
    out.push(bad(&["demo", "--docs", &huge]));
    out.push(bad(&["demo", "--docs", "-1"]));
    out.push(bad(&["demo", "--strategy", "bogus"]));
    out.push(bad(&["bogus-command"]));
    for ok in [
        vec!["schema"],
        vec!["man"],
        vec!["completions", "bash"],
        vec!["demo", "--help"],
        vec!["--version"],
    ] {
        out.push(any(&ok));
    }
    // Hostile environment.
    let ls = ["repo", "ls", "s3://bucket/path?endpoint=http://127.0.0.1:1"];
    let oss = [
        "repo",
        "ls",
        "oss://bucket/path?endpoint=http://127.0.0.1:1",
    ];
    let creds = |c: Case| {
        c.env("AWS_ACCESS_KEY_ID", "AKID")
            .env("AWS_SECRET_ACCESS_KEY", CANARY)
    };
    out.push(creds(any(&ls)));
    out.push(creds(any(&oss)));
    out.push(creds(any(&ls)).env("AWS_SESSION_TOKEN", "bad\ntoken"));
    out.push(creds(any(&ls)).env("AWS_ACCESS_KEY_ID", "AK\u{7f}ID"));
    out.push(creds(any(&ls)).env("AWS_REGION", "eu\nwest"));
    out.push(any(&ls).env("AWS_CONFIG_FILE", "/dev/zero"));
    out.push(any(&ls).env("AWS_SHARED_CREDENTIALS_FILE", &p("fifo")));
    out.push(
        any(&ls)
            .env("AWS_WEB_IDENTITY_TOKEN_FILE", "/dev/zero")
            .env("AWS_ROLE_ARN", "arn:aws:iam::1:role/x"),
    );
    out.push(any(&ls).env("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://[::1"));
    // The Google and Azure chains read files too.
    let gs = ["repo", "ls", "gs://b?endpoint=http://127.0.0.1:1"];
    for var in [
        "GOOGLE_APPLICATION_CREDENTIALS",
        "GOOGLE_SERVICE_ACCOUNT",
        "GOOGLE_SERVICE_ACCOUNT_PATH",
    ] {
        out.push(bad(&gs).env(var, &p("fifo")));
        out.push(bad(&gs).env(var, "/dev/zero"));
    }
    out.push(any(&gs).env("GOOGLE_SERVICE_ACCOUNT_KEY", CANARY));
    let azure = [
        "repo",
        "ls",
        "azure://c?account=a&endpoint=http://127.0.0.1:1",
    ];
    let workload = |c: Case, file: &str| {
        c.env("AZURE_FEDERATED_TOKEN_FILE", file)
            .env("AZURE_CLIENT_ID", "id")
            .env("AZURE_TENANT_ID", "tenant")
    };
    out.push(workload(bad(&azure), &p("fifo")));
    out.push(workload(bad(&azure), "/dev/zero"));
    out.push(any(&azure).env("AZURE_STORAGE_ACCESS_KEY", CANARY));
    out.push(any(&azure).env("AZURE_STORAGE_SAS_TOKEN", "sv=1&sig=a%0Ab"));
    out.push(any(&["validate", &good]).env("RUST_LOG", "[[[=trace"));
    out.push(any(&["status", &good]).env("RUST_LOG", "migrate=\u{1b}"));
    out.push(any(&["validate", &good]).env("NO_COLOR", ""));
    out.push(any(&["validate", &good]).env("HOME", "/dev/null"));
    out
}

/// Runs one case; the failures it shows, if any.
fn run(f: &Files, c: &Case) -> Vec<String> {
    let mut cmd = Command::cargo_bin("migrate").expect("binary");
    cmd.current_dir(f.dir.path())
        .env_remove("RUST_LOG")
        .env_remove("AWS_PROFILE")
        .env("NO_COLOR", "1")
        // No instance metadata service to wait for on a developer machine or CI.
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args(&c.args)
        .timeout(HANG);
    for (k, v) in &c.env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let shown = |s: &str| s.chars().take(600).collect::<String>();
    let what = format!(
        "`migrate {}`{}: exit {:?}\n{}",
        c.args
            .iter()
            .map(|a| shown(a).chars().take(80).collect::<String>())
            .collect::<Vec<_>>()
            .join(" "),
        if c.env.is_empty() {
            String::new()
        } else {
            format!(" with {:?}", c.env)
        },
        out.status.code(),
        shown(&stderr)
    );
    let mut failures = Vec::new();
    match out.status.code() {
        None => failures.push(format!("killed (hang?): {what}")),
        Some(101) => failures.push(format!("panicked: {what}")),
        Some(2) => {}
        Some(code) if c.bad_input => {
            failures.push(format!("bad input exits {code}, not 2: {what}"))
        }
        Some(_) => {}
    }
    if stderr.contains("panicked at") {
        failures.push(format!("panic message: {what}"));
    }
    if out.status.code() == Some(2) && stderr.trim().is_empty() {
        failures.push(format!("exit 2 without a message: {what}"));
    }
    if let Some(piece) = leaked(&stdout).or_else(|| leaked(&stderr)) {
        failures.push(format!("leaked `{piece}`: {what}"));
    }
    failures
}

#[test]
fn no_subcommand_panics_or_hangs_on_hostile_arguments_and_bad_input_exits_2() {
    let f = Files::new();
    let cases = cases(&f);
    let mut failures = Vec::new();
    for c in &cases {
        failures.extend(run(&f, c));
    }
    println!(
        "hostile arguments: {} invocations, {} failures",
        cases.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
