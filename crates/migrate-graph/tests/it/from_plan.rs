//! The adapter from migrate-plan's validated `Plan`: every example plan compiles, plan fields land
//! in the blueprint, and a literal secret never reaches any rendered output.

use std::path::PathBuf;

use migrate_graph::blueprint::{Auth, Blueprint, SecretRef, Setting, Strategy};
use migrate_graph::{Format, compile, render};
use migrate_plan::{LoadOptions, load_file, load_str};

const CANARY: &str = "canary-s3cr3t-5d1e";

fn plans_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../plans")
}

#[test]
fn every_example_plan_compiles_with_one_gate() {
    let mut n = 0;
    for e in std::fs::read_dir(plans_dir()).expect("plans/").flatten() {
        let path = e.path();
        if path.extension().is_none_or(|x| x != "yaml") {
            continue;
        }
        let plan = load_file(&path, &LoadOptions::default())
            .map_err(|d| format!("{d:?}"))
            .expect("valid")
            .plan;
        let graph = compile(&plan).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let json: serde_json::Value =
            serde_json::from_str(&render(&graph, None, Format::Json)).expect("json");
        assert_eq!(json["summary"]["gates"], 1, "{}", path.display());
        n += 1;
    }
    assert!(n >= 4);
}

#[test]
fn plan_fields_land_in_the_blueprint() {
    let plan = load_file(
        &plans_dir().join("snapshot-aws-to-oss.yaml"),
        &LoadOptions::default(),
    )
    .map_err(|d| format!("{d:?}"))
    .expect("valid")
    .plan;
    let bp = Blueprint::from(&plan);
    assert_eq!(bp.name, "movies-aws-to-hangzhou");
    assert_eq!(
        bp.source.url,
        "https://search-movies-abc.ap-southeast-1.es.amazonaws.com"
    );
    assert_eq!(
        bp.source.auth,
        Auth::AwsSigv4 {
            region: "ap-southeast-1".into(),
            service: "es".into()
        }
    );
    assert_eq!(
        bp.source.version.map(|v| v.to_string()).as_deref(),
        Some("Elasticsearch 5.5.2")
    );
    let Strategy::Snapshot(s) = &bp.strategy else {
        panic!("snapshot")
    };
    assert_eq!(s.destination_repository, "eric-snapshot-repository");
    let oss = s.destination_store.as_ref().expect("oss store");
    assert_eq!(
        oss.settings.get("secret_access_key"),
        Some(&Setting::Secret(SecretRef::Env("OSS_SECRET".into())))
    );
    assert_eq!(
        oss.settings.get("compress"),
        Some(&Setting::Plain(serde_json::json!(true)))
    );
    assert!(!bp.cutover.approved && bp.cutover.block_source_writes);
    assert_eq!(bp.verify.health.as_deref(), Some("green"));
}

#[test]
fn a_literal_secret_is_carried_but_never_shown() {
    let text = format!(
        "version: 1\nname: m\nsource: {{ url: \"http://10.0.0.1:9200\", auth: {{ basic: {{ username: u, password: {CANARY} }} }} }}\ndestination: {{ url: \"http://10.0.0.2:9200\" }}\nindexes: [movies]\nstrategy: {{ reindex: {{ remote_host: \"http://10.0.0.1:9200\" }} }}\n"
    );
    let loaded = load_str("p.yaml", &text, &LoadOptions::default())
        .map_err(|d| format!("{d:?}"))
        .expect("valid with a warning");
    assert_eq!(loaded.warnings.len(), 1);
    let bp = Blueprint::from_plan(&loaded.plan);
    let Auth::Basic {
        password: SecretRef::Inline(inline),
        ..
    } = &bp.source.auth
    else {
        panic!("inline secret")
    };
    assert_eq!(inline.expose(), CANARY);
    assert!(!format!("{bp:?}").contains(CANARY));
    assert!(!serde_json::to_string(&bp).expect("json").contains(CANARY));
    let graph = compile(&loaded.plan).expect("compiles");
    for format in [Format::Text, Format::Markdown, Format::Json, Format::Dot] {
        assert!(
            !render(&graph, None, format).contains(CANARY),
            "{format:?} leaks the secret"
        );
    }
}

#[test]
fn excludes_remote_auth_and_copy_settings_reach_the_steps() {
    let text = "version: 1\nname: m\nsource: { url: \"http://10.0.0.1:9200\", auth: { basic: { username: u, password: { env: SRC_PW } } } }\ndestination: { url: \"http://10.0.0.2:9200\" }\nindexes: [{ name: \"logs-*\", exclude: [\"logs-debug-*\"] }]\nstrategy: { reindex: { remote_host: \"http://10.0.0.1:9200\", remote_auth: { basic: { username: puller, password: { env: REMOTE_PW } } }, copy_settings: { number_of_replicas: 1, refresh_interval: 30s, after: { set: { number_of_replicas: 2, refresh_interval: 5s } } } } }\n";
    let loaded = load_str("p.yaml", text, &LoadOptions::default())
        .map_err(|d| format!("{d:?}"))
        .expect("valid");
    let bp = Blueprint::from_plan(&loaded.plan);
    assert_eq!(bp.indexes[0].exclude, vec!["logs-debug-*".to_owned()]);
    let graph = compile(&loaded.plan).expect("compiles");
    let json: serde_json::Value =
        serde_json::from_str(&render(&graph, None, Format::Json)).expect("json");
    let text = json.to_string();
    assert!(
        text.contains("_cat/indices/logs-*,-logs-debug-*"),
        "the dry run shows the exclusion: {text}"
    );
    assert!(text.contains("<redacted: env REMOTE_PW>"), "{text}");
    assert!(text.contains("puller"), "{text}");
    assert!(
        text.contains(r#""number_of_replicas":1,"refresh_interval":"30s""#),
        "copy-time settings in the create-index body: {text}"
    );
    assert!(
        text.contains(r#""number_of_replicas":2,"refresh_interval":"5s""#),
        "explicit after-copy settings: {text}"
    );
}

#[test]
fn snapshot_copy_settings_and_excludes_reach_the_restore_and_snapshot() {
    let text = "version: 1\nname: m\nsource: { url: \"http://10.0.0.1:9200\" }\ndestination: { url: \"http://10.0.0.2:9200\" }\nindexes: [{ name: \"logs-*\", exclude: [\"logs-debug-*\"] }]\nstrategy: { snapshot: { repository: repo, source_store: { fs: { location: /mnt/s } }, copy_settings: { number_of_replicas: 1, refresh_interval: 10s } } }\n";
    let loaded = load_str("p.yaml", text, &LoadOptions::default())
        .map_err(|d| format!("{d:?}"))
        .expect("valid");
    let graph = compile(&loaded.plan).expect("compiles");
    let json: serde_json::Value =
        serde_json::from_str(&render(&graph, None, Format::Json)).expect("json");
    let text = json.to_string();
    assert!(text.contains("logs-*,-logs-debug-*"), "{text}");
    assert!(
        text.contains(r#""index.number_of_replicas":1"#)
            && text.contains(r#""index.refresh_interval":"10s""#),
        "{text}"
    );
}
