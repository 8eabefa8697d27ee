//! Hostile inputs for the campaign in `fuzz.rs`: a literal secret in every YAML form and place,
//! flow collections of 4–8 MB, and control characters dropped into a valid plan.

/// The literal secret the campaign writes; no piece of it may show.
pub const CANARY: &str = "canary-s3cr3t-5d1e";

/// A plan with one line replaced by `{{SECRET}}` at the indentation the secret's key has.
struct Place {
    name: &'static str,
    /// The plan, with `@@` where the secret's key and value go.
    plan: &'static str,
    /// The key the secret is written under.
    key: &'static str,
}

const REINDEX_TAIL: &str = "destination:
  url: http://10.0.0.2:9200
indexes: [movies]
strategy:
  reindex:
    remote_host: http://10.0.0.1:9200
";

const PLACES: &[Place] = &[
    Place {
        name: "basic password",
        plan: "version: 1\nname: movies\nsource:\n  url: http://10.0.0.1:9200\n  auth:\n    basic:\n      username: u\n      @@\n",
        key: "password",
    },
    Place {
        name: "misspelled password",
        plan: "version: 1\nname: movies\nsource:\n  url: http://10.0.0.1:9200\n  auth:\n    basic:\n      username: u\n      @@\n",
        key: "pasword",
    },
    Place {
        name: "unknown key inside auth",
        plan: "version: 1\nname: movies\nsource:\n  url: http://10.0.0.1:9200\n  auth:\n    basic:\n      username: u\n      @@\n",
        key: "pass_phrase_x",
    },
    Place {
        name: "api key",
        plan: "version: 1\nname: movies\nsource:\n  url: http://10.0.0.1:9200\n  auth:\n    api_key:\n      @@\n",
        key: "key",
    },
    Place {
        name: "bearer token",
        plan: "version: 1\nname: movies\nsource:\n  url: http://10.0.0.1:9200\n  auth:\n    bearer:\n      @@\n",
        key: "token",
    },
    Place {
        name: "misspelled auth",
        plan: "version: 1\nname: movies\nsource:\n  url: http://10.0.0.1:9200\n  atuh:\n    basic:\n      @@\n",
        key: "secret_value",
    },
];

/// The reindex plan's own tail for the places above; remote_auth and store credentials next.
const OTHER_PLACES: &[(&str, &str)] = &[
    (
        "remote_auth password",
        "version: 1\nname: movies\nsource:\n  url: http://10.0.0.1:9200\ndestination:\n  url: http://10.0.0.2:9200\nindexes: [movies]\nstrategy:\n  reindex:\n    remote_host: http://10.0.0.1:9200\n    remote_auth:\n      basic:\n        username: u\n        @@\n",
    ),
    (
        "store credentials",
        "version: 1\nname: movies\nsource:\n  url: http://10.0.0.1:9200\ndestination:\n  url: http://10.0.0.2:9200\nindexes: [movies]\nstrategy:\n  snapshot:\n    repository: repo\n    source_store:\n      s3:\n        bucket: b\n        region: eu-west-1\n        credentials:\n          access_key_id: { env: KEY_ID }\n          @@\n    destination_store:\n      oss:\n        endpoint: http://oss-cn-hangzhou.aliyuncs.com\n        bucket: b\n",
    ),
    (
        "oss secret",
        "version: 1\nname: movies\nsource:\n  url: http://10.0.0.1:9200\ndestination:\n  url: http://10.0.0.2:9200\nindexes: [movies]\nstrategy:\n  snapshot:\n    repository: repo\n    source_store:\n      s3: { bucket: b, region: eu-west-1 }\n    destination_store:\n      oss:\n        endpoint: http://oss-cn-hangzhou.aliyuncs.com\n        bucket: b\n        access_key_id: { env: OSS_KEY_ID }\n        @@\n",
    ),
];

/// Every way of writing `key: <the canary>` at indentation `ind` (the lines replacing `@@`).
fn forms(key: &str, ind: &str) -> Vec<(&'static str, String)> {
    let c = CANARY;
    let deeper = format!("{ind}  ");
    vec![
        ("plain", format!("{key}: {c}")),
        ("single-quoted", format!("{key}: '{c}'")),
        ("double-quoted", format!("{key}: \"{c}\"")),
        ("escaped", format!("{key}: \"can\\x61ry-s3cr3t-5d1e\"")),
        ("tagged", format!("{key}: !!str {c}")),
        ("plain over two lines", format!("{key}: first\n{deeper}{c}")),
        (
            "double-quoted over two lines",
            format!("{key}: \"first\n{deeper}{c} end\""),
        ),
        (
            "single-quoted over two lines",
            format!("{key}: 'it''s\n{deeper}{c}'"),
        ),
        ("literal", format!("{key}: |\n{deeper}{c}")),
        (
            "literal strip",
            format!("{key}: |-\n{deeper}one\n{deeper}{c}"),
        ),
        ("literal keep", format!("{key}: |+\n{deeper}{c}\n\n")),
        ("literal indented", format!("{key}: |2\n{deeper}  {c}")),
        ("folded", format!("{key}: >\n{deeper}{c}\n{deeper}{c}")),
        ("folded strip", format!("{key}: >-\n{deeper}{c}")),
        (
            "folded keep indented",
            format!("{key}: >1+ # comment\n{deeper} {c}\n"),
        ),
        ("flow list", format!("{key}: [{c}, x]")),
        (
            "block list",
            format!("{key}:\n{deeper}- {c}\n{deeper}- '{c}'"),
        ),
        ("flow map", format!("{key}: {{ value: {c} }}")),
        ("key only in a flow map", format!("{key}: {{ {c} }}")),
        ("anchored", format!("{key}: &pw {c}")),
        (
            "url userinfo",
            format!("{key}: http://admin:{c}@10.0.0.9:9200"),
        ),
    ]
}

/// Something wrong next to the secret, so that a snippet shows its lines.
fn noises(ind: &str) -> Vec<(&'static str, String)> {
    vec![
        ("alone", String::new()),
        ("unknown key after", format!("\n{ind}extra_key: 1")),
        ("wrong type after", format!("\n{ind}username: [1, 2]")),
        ("broken YAML after", format!("\n{ind}bad: [1, 2\n{ind}: x")),
        ("tab after", format!("\n\t{ind}x: 1")),
        ("control character after", format!("\n{ind}x: \"\u{7}\"")),
    ]
}

/// Every form of a literal secret in every place, with and without something wrong next to it:
/// (description, plan text).
pub fn secret_plans() -> Vec<(String, String)> {
    let places = PLACES
        .iter()
        .map(|p| (p.name, p.plan, p.key))
        .chain(OTHER_PLACES.iter().map(|&(n, plan)| {
            let key = if n == "store credentials" || n == "oss secret" {
                "secret_access_key"
            } else {
                "password"
            };
            (n, plan, key)
        }));
    let mut out = Vec::new();
    for (place, plan, key) in places {
        let at = plan.find("@@").expect("a place for the secret");
        let line_start = plan[..at].rfind('\n').map_or(0, |i| i + 1);
        let ind = &plan[line_start..at];
        let tail = if plan.contains("strategy:") {
            ""
        } else {
            REINDEX_TAIL
        };
        for (form, written) in forms(key, ind) {
            for (noise, extra) in noises(ind) {
                let text = format!("{}{written}{extra}{}{tail}", &plan[..at], &plan[at + 2..]);
                out.push((format!("{place}, {form}, {noise}"), text));
            }
        }
    }
    // An alias in a secret place makes the anchor's value a secret wherever it is written.
    for noise in ["", "\nextra: 1"] {
        out.push((
            format!("alias of an anchor under a plain key{noise:?}"),
            format!(
                "version: 1\nname: &pw {CANARY}\nsource:\n  url: http://10.0.0.1:9200\n  auth: {{ basic: {{ username: u, password: *pw }} }}{noise}\n{REINDEX_TAIL}"
            ),
        ));
    }
    out
}

/// Flow collections of 4–8 MB, each on one line: (description, plan text).
pub fn big_flows() -> Vec<(String, String)> {
    const MB: usize = 1024 * 1024;
    let head = "version: 1\nname: big\nsource: { url: \"http://10.0.0.1:9200\" }\ndestination: { url: \"http://10.0.0.2:9200\" }\n";
    let tail = "strategy: { reindex: { remote_host: \"http://10.0.0.1:9200\" } }\n";
    let fill = |size: usize, open: &str, item: &dyn Fn(usize) -> String, close: &str| {
        let mut s = String::with_capacity(size + 64);
        s.push_str(open);
        let mut i = 0;
        while s.len() < size {
            if i > 0 {
                s.push_str(", ");
            }
            s.push_str(&item(i));
            i += 1;
        }
        s.push_str(close);
        s
    };
    let mut out = Vec::new();
    let unknown = fill(4 * MB, "settings: { ", &|i| format!("k{i:07}: {i}"), " }\n");
    out.push((
        "4 MB flow map of unknown keys".to_owned(),
        format!("{head}indexes: [movies]\n{tail}{unknown}"),
    ));
    let unknown = fill(
        8 * MB - 1024,
        "settings: { ",
        &|i| format!("k{i:07}: {i}"),
        " }\n",
    );
    out.push((
        "8 MB flow map of unknown keys (past the node limit)".to_owned(),
        format!("{head}indexes: [movies]\n{tail}{unknown}"),
    ));
    let names = fill(6 * MB, "indexes: [", &|i| format!("index-{i:07}"), "]\n");
    out.push((
        "6 MB flow list of index names".to_owned(),
        format!("{head}{names}{tail}"),
    ));
    let dups = fill(
        4 * MB,
        "source: { ",
        &|_| "url: \"http://10.0.0.1:9200\"".to_owned(),
        " }\n",
    );
    out.push((
        "4 MB flow map of one key repeated".to_owned(),
        format!("version: 1\nname: big\n{dups}indexes: [movies]\n{tail}"),
    ));
    let nested = fill(
        5 * MB,
        "indexes: [",
        &|i| format!("{{ name: i{i}, bogus: [{i}] }}"),
        "]\n",
    );
    out.push((
        "5 MB flow list of maps with an unknown key each".to_owned(),
        format!("{head}{nested}{tail}"),
    ));
    let secret = fill(
        4 * MB,
        &format!("  auth: {{ basic: {{ username: u, password: \"{CANARY}\", "),
        &|i| format!("x{i}: {CANARY}"),
        " } }\n",
    );
    out.push((
        "4 MB flow map of secrets inside auth".to_owned(),
        format!("version: 1\nname: big\nsource:\n  url: http://10.0.0.1:9200\n{secret}destination: {{ url: \"http://10.0.0.2:9200\" }}\nindexes: [movies]\n{tail}"),
    ));
    out
}

/// The valid plan with a control character (NUL among them) dropped in at `at`.
pub fn with_control(plan: &str, at: usize, c: char) -> Vec<u8> {
    let mut at = at.min(plan.len());
    while !plan.is_char_boundary(at) {
        at -= 1;
    }
    let mut text = plan.to_owned();
    text.insert(at, c);
    text.into_bytes()
}

/// Makes a FIFO at `path` (with `mkfifo`: no unsafe code in tests either).
#[cfg(unix)]
pub fn mkfifo(path: &std::path::Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo {}", path.display());
}
