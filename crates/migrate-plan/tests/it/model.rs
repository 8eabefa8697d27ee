//! What a valid plan loads into: defaults, renames, partitions from `partition_by`, copy settings.

use migrate_plan::*;

const BASE: &str = "version: 1
name: movies
source: { url: \"http://10.0.0.1:9200\" }
destination: { url: \"https://10.0.0.2:9200\" }
indexes: [movies, { name: books, destination: books-v2 }, { name: \"logs-*\", exclude: [logs-debug-*] }]
";

fn load(strategy: &str) -> Plan {
    let text = format!("{BASE}{strategy}");
    match load_str("t.yaml", &text, &LoadOptions::default()) {
        Ok(l) => l.plan,
        Err(d) => panic!("{}", render(&d, &RenderOptions::plain())),
    }
}

#[test]
fn defaults_are_filled_in() {
    let p = load("strategy: { reindex: { remote_host: \"http://10.0.0.1:9200/\" } }\n");
    assert_eq!(
        p.cutover,
        Cutover {
            approved: false,
            block_source_writes: true
        }
    );
    assert_eq!(p.verify, Verify::default());
    assert_eq!(p.settings, Settings::default());
    assert_eq!(p.source.auth, Auth::None);
    assert_eq!(p.source.base_url(), "http://10.0.0.1:9200");
    let Strategy::Reindex(r) = &p.strategy else {
        panic!()
    };
    assert_eq!(r.remote_host, "http://10.0.0.1:9200");
    assert_eq!(r.copy_settings, CopySettings::default());
    assert!(r.partitions.is_empty());
}

#[test]
fn indexes_keep_order_renames_and_excludes() {
    let p = load("strategy: { reindex: { remote_host: \"http://10.0.0.1:9200\" } }\n");
    let got: Vec<(&str, &str, bool)> = p
        .indexes
        .iter()
        .map(|i| (i.source.as_str(), i.destination(), i.is_pattern()))
        .collect();
    assert_eq!(
        got,
        [
            ("movies", "movies", false),
            ("books", "books-v2", false),
            ("logs-*", "logs-*", true)
        ]
    );
    assert_eq!(p.indexes[2].exclude, ["logs-debug-*"]);
}

#[test]
fn partition_by_builds_disjoint_ranges_and_a_missing_field_part() {
    let p = load(
        "strategy: { reindex: { remote_host: \"http://10.0.0.1:9200\", partition_by: { field: ts, boundaries: [10, 20] } } }\n",
    );
    let Strategy::Reindex(r) = &p.strategy else {
        panic!()
    };
    let parts: Vec<(String, String)> = r
        .partitions
        .iter()
        .map(|x| (x.name.clone(), x.query.to_string()))
        .collect();
    assert_eq!(
        parts,
        [
            (
                "range-1".to_owned(),
                r#"{"range":{"ts":{"lt":10}}}"#.to_owned()
            ),
            (
                "range-2".to_owned(),
                r#"{"range":{"ts":{"gte":10,"lt":20}}}"#.to_owned()
            ),
            (
                "range-3".to_owned(),
                r#"{"range":{"ts":{"gte":20}}}"#.to_owned()
            ),
            (
                "missing".to_owned(),
                r#"{"bool":{"must_not":{"exists":{"field":"ts"}}}}"#.to_owned()
            ),
        ]
    );
}

#[test]
fn unordered_boundaries_are_an_error() {
    let text = format!(
        "{BASE}strategy: {{ reindex: {{ remote_host: \"http://10.0.0.1:9200\", partition_by: {{ field: ts, boundaries: [20, 10] }} }} }}\n"
    );
    let err = load_str("t.yaml", &text, &LoadOptions::default()).expect_err("invalid");
    assert!(render(&err, &RenderOptions::plain()).contains("strictly ascending"));
}

#[test]
fn snapshot_store_settings_and_copy_settings() {
    let p = load(
        "strategy:
  snapshot:
    repository: r
    source_store: { s3: { bucket: b, region: eu-west-1, settings: { chunk_size: 1gb } } }
    destination_store: { cos: { bucket: b-125, region: ap-guangzhou, access_key_id: { env: K }, access_key_secret: { file: /s } } }
    copy_settings: { number_of_replicas: 0, after: { set: { number_of_replicas: 1 } } }
",
    );
    let Strategy::Snapshot(s) = &p.strategy else {
        panic!()
    };
    assert_eq!(s.destination_repository, "r");
    assert_eq!(s.source_store.plain("bucket"), Some("b"));
    assert_eq!(
        s.source_store.settings.get("chunk_size"),
        Some(&Setting::Plain("1gb".into()))
    );
    let cos = s.destination_store.as_ref().expect("cos");
    assert_eq!(
        cos.settings.get("access_key_id"),
        Some(&Setting::Secret(Secret::Env("K".into())))
    );
    assert_eq!(
        cos.settings.get("access_key_secret"),
        Some(&Setting::Secret(Secret::File("/s".into())))
    );
    assert!(
        matches!(&s.copy_settings.after, AfterCopy::Set(m) if m.get("number_of_replicas") == Some(&serde_json::json!(1)))
    );
}

#[test]
fn declared_versions_parse_and_print() {
    let v = DeclaredVersion::parse("opensearch-2.11").expect("parses");
    assert_eq!(v.to_string(), "opensearch-2.11.0");
    assert!(DeclaredVersion::parse("elasticsearch-7.x").is_none());
    assert!(DeclaredVersion::parse("solr-9.0.0").is_none());
    assert!(DeclaredVersion::parse("elasticsearch-7.10.2.1").is_none());
}

fn load_text(text: &str) -> Result<Plan, String> {
    load_str("t.yaml", text, &LoadOptions::default())
        .map(|l| l.plan)
        .map_err(|d| render(&d, &RenderOptions::plain()))
}

#[test]
fn mutual_tls_files_load_together() {
    let text = "version: 1\nname: m\nsource: { url: \"https://10.0.0.1:9200\", tls: { client_cert: /etc/m/c.pem, client_key: /etc/m/k.pem } }\ndestination: { url: \"https://10.0.0.2:9200\" }\nindexes: [movies]\nstrategy: { reindex: { remote_host: \"https://10.0.0.1:9200\" } }\n";
    let p = load_text(text).expect("valid");
    assert_eq!(
        p.source.tls.client_cert.as_deref(),
        Some(std::path::Path::new("/etc/m/c.pem"))
    );
    assert_eq!(
        p.source.tls.client_key.as_deref(),
        Some(std::path::Path::new("/etc/m/k.pem"))
    );
    assert_eq!(p.destination.tls.client_cert, None);
    let half = text.replace(", client_key: /etc/m/k.pem", "");
    let err = load_text(&half).expect_err("a certificate without its key");
    assert!(
        err.contains("client_cert") && err.contains("client_key"),
        "{err}"
    );
}

#[test]
fn the_state_location_accepts_the_cli_forms_only() {
    let base = "version: 1\nname: m\nsource: { url: \"http://10.0.0.1:9200\" }\ndestination: { url: \"https://10.0.0.2:9200\" }\nindexes: [movies]\nstrategy: { reindex: { remote_host: \"http://10.0.0.1:9200\" } }\n";
    assert_eq!(load_text(base).expect("valid").settings.state, None);
    for ok in [
        "s3://state-bucket/movies?region=ap-southeast-1&endpoint=http://127.0.0.1:9000",
        "oss://state-bucket/movies?endpoint=oss-cn-hangzhou.aliyuncs.com",
        "cos://state-bucket-1250000000/movies?region=ap-guangzhou",
        "file:///var/lib/migrate",
        "./state",
        "/var/lib/migrate",
    ] {
        let p = load_text(&format!("{base}settings: {{ state: \"{ok}\" }}\n"))
            .unwrap_or_else(|e| panic!("{ok}: {e}"));
        assert_eq!(p.settings.state.as_deref(), Some(ok));
    }
    for bad in [
        "gs://bucket/x",
        "s3:///prefix",
        "file://relative/dir",
        "",
        "s3://key:secret@bucket/x",
    ] {
        let err = load_text(&format!("{base}settings: {{ state: \"{bad}\" }}\n")).expect_err(bad);
        assert!(
            err.contains("plan::state") && err.contains("file:///dir"),
            "{bad}: {err}"
        );
    }
}
