//! The registry's pure half: settings, secrets, checks, plugins, locations per kind.

use serde_json::json;

use super::*;
use crate::version::{Flavor, Release};

fn store(yaml: serde_json::Value) -> Store {
    serde_json::from_value(yaml).unwrap()
}

#[test]
fn an_s3_store_registers_its_settings_and_keeps_its_credentials_for_transfers() {
    let s = store(
        json!({"s3": {"bucket": "b", "region": "eu-west-1", "base_path": "x",
        "credentials": {"access_key_id": {"env": "K"}, "secret_access_key": {"file": "/s"}},
        "settings": {"chunk_size": "1gb"}}}),
    );
    let settings = s.settings();
    assert_eq!(
        settings.keys().collect::<Vec<_>>(),
        ["base_path", "bucket", "chunk_size", "region"]
    );
    assert_eq!(s.secrets().len(), 2);
    assert_eq!(
        s.origin("credentials.access_key_id").as_deref(),
        Some("env `K`")
    );
    let fp = serde_json::to_value(s.fingerprint()).unwrap();
    assert_eq!(fp["kind"], "s3");
    assert_eq!(
        fp["credentials"]["credentials.secret_access_key"],
        json!({"file": "/s"})
    );
    assert_eq!(s.kind().location(), "s3://b/x");
}

#[test]
fn stores_without_transfer_credentials_fingerprint_as_before() {
    let s = store(json!({"oss": {"endpoint": "http://e", "bucket": "b",
        "access_key_id": {"env": "K"}, "secret_access_key": {"env": "S"}}}));
    assert_eq!(
        serde_json::to_string(&s.fingerprint()).unwrap(),
        r#"{"kind":"oss","settings":{"access_key_id":{"secret":{"env":"K"}},"bucket":{"plain":"b"},"endpoint":{"plain":"http://e"},"secret_access_key":{"secret":{"env":"S"}}}}"#
    );
}

#[test]
fn checks_name_the_field() {
    let bad =
        store(json!({"oss": {"endpoint": "oss-cn", "bucket": "", "settings": {"bucket": "x"}}}));
    let found: Vec<(Vec<&str>, &str)> = bad
        .checks()
        .iter()
        .map(|f| (f.path.clone(), f.label))
        .collect();
    assert_eq!(
        found,
        [
            (vec!["bucket"], "empty"),
            (vec!["endpoint"], "bad endpoint"),
            (vec![], "no AccessKey pair or RAM role"),
            (vec!["settings"], "duplicate setting"),
        ]
    );
    let both = store(json!({"azure": {"account": "a", "container": "c",
        "key": {"env": "K"}, "sas_token": {"env": "T"}}}));
    assert_eq!(both.checks()[0].label, "two credentials");
}

#[test]
fn plugins_follow_the_destination_version() {
    let es = |m| Some(Release::new(Flavor::Elasticsearch, m, 0, 0));
    let os2 = Some(Release::new(Flavor::OpenSearch, 2, 11, 0));
    let s3 = store(json!({"s3": {"bucket": "b"}}));
    assert_eq!(s3.kind().plugin(es(8), "http://x"), Plugin::BuiltIn);
    assert_eq!(
        s3.kind().plugin(es(7), "http://x"),
        Plugin::Needs("repository-s3")
    );
    assert_eq!(
        s3.kind()
            .plugin(os2, "https://d.eu-west-1.es.amazonaws.com"),
        Plugin::BuiltIn
    );
    let az = store(json!({"azure": {"account": "a", "container": "c"}}));
    assert_eq!(az.kind().plugin(es(8), ""), Plugin::BuiltIn);
    assert_eq!(az.kind().plugin(os2, ""), Plugin::Needs("repository-azure"));
    let gcs = store(json!({"gcs": {"bucket": "b"}}));
    assert_eq!(
        gcs.kind().plugin(es(7), ""),
        Plugin::Needs("repository-gcs")
    );
    assert_eq!(gcs.kind().location(), "gs://b");
    let fs = store(json!({"fs": {"location": "/mnt/x"}}));
    assert_eq!(fs.kind().plugin(es(5), ""), Plugin::None);
    assert_eq!(fs.kind().location(), "fs:///mnt/x");
}
