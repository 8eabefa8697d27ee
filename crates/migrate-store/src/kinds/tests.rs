//! The registry's opening half: plan stores and URLs to specs, per kind.

use migrate_core::{Secret, SecretRef, Store};
use serde_json::json;

use super::*;
use crate::secret::SecretSource;
use crate::spec::{AzureCredentials, Credentials};

fn store(v: serde_json::Value) -> Store {
    serde_json::from_value(v).unwrap()
}

fn known(r: &SecretRef) -> Option<Secret> {
    match r {
        SecretRef::Env(name) => Some(Secret::new(format!("value-of-{name}"))),
        _ => None,
    }
}

#[test]
fn an_s3_store_with_credentials_is_opened_with_them_not_the_aws_chain() {
    let s = store(
        json!({"s3": {"bucket": "b", "region": "eu-west-1", "base_path": "snap",
        "credentials": {"access_key_id": {"env": "K"}, "secret_access_key": {"env": "S"}}}}),
    );
    let StoreSpec::S3(b) = spec_of(&s, &known).unwrap() else {
        panic!("an s3 spec")
    };
    assert_eq!(
        b.credentials,
        Credentials::Static {
            access_key_id: SecretSource::Value(Secret::new("value-of-K")),
            secret_access_key: SecretSource::Value(Secret::new("value-of-S")),
            session_token: None,
        }
    );
    assert_eq!((b.bucket.as_str(), b.base_path.as_str()), ("b", "snap"));
    let chain = store(json!({"s3": {"bucket": "b"}}));
    let StoreSpec::S3(b) = spec_of(&chain, &known).unwrap() else {
        panic!("an s3 spec")
    };
    assert_eq!(b.credentials, Credentials::AwsChain);
}

#[test]
fn an_unresolved_secret_names_its_field_never_a_value() {
    let s = store(json!({"s3": {"bucket": "b",
        "credentials": {"access_key_id": {"file": "/k"}, "secret_access_key": {"env": "S"}}}}));
    assert_eq!(
        spec_of(&s, &known).unwrap_err(),
        "`credentials.access_key_id` (file `/k`) was not resolved"
    );
}

#[test]
fn oss_at_a_loopback_endpoint_is_plain_s3_and_elsewhere_oss() {
    let oss = |endpoint: &str| {
        store(json!({"oss": {"endpoint": endpoint, "bucket": "b",
            "access_key_id": {"env": "K"}, "secret_access_key": {"env": "S"}}}))
    };
    assert!(matches!(
        spec_of(&oss("http://127.0.0.1:8333"), &known),
        Ok(StoreSpec::S3(_))
    ));
    assert!(matches!(
        spec_of(&oss("http://oss-cn-hangzhou-internal.aliyuncs.com"), &known),
        Ok(StoreSpec::Oss(_))
    ));
}

#[test]
fn azure_and_gcs_stores_carry_their_transfer_credentials() {
    let az = store(
        json!({"azure": {"account": "acct", "container": "c", "base_path": "x",
        "endpoint": "http://127.0.0.1:10000/devstoreaccount1", "key": {"env": "AZ"}}}),
    );
    let StoreSpec::Azure(a) = spec_of(&az, &known).unwrap() else {
        panic!("an azure spec")
    };
    assert_eq!(
        a.credentials,
        AzureCredentials::Key(SecretSource::Value(Secret::new("value-of-AZ")))
    );
    assert_eq!(StoreSpec::Azure(a).display_location(), "azure://c/x");
    let gcs = store(json!({"gcs": {"bucket": "g", "credentials": {"env": "SA"}}}));
    let StoreSpec::Gcs(g) = spec_of(&gcs, &known).unwrap() else {
        panic!("a gcs spec")
    };
    assert!(g.credentials.is_some());
    assert!(spec_of(&store(json!({"fs": {"location": "rel"}})), &known).is_err());
}

#[test]
fn azure_and_gcs_urls_name_their_container_and_bucket() {
    let a = StoreSpec::from_url(
        "azure://snaps/ci/states?account=acct&endpoint=http://127.0.0.1:1/acct",
    )
    .unwrap();
    assert!(
        matches!(&a, StoreSpec::Azure(s) if s.account == "acct" && s.container == "snaps" && s.base_path == "ci/states")
    );
    assert_eq!(
        StoreSpec::from_url("azure://snaps")
            .unwrap_err()
            .to_string(),
        "`azure://snaps` needs `account=…`"
    );
    let g = StoreSpec::from_url("gs://bkt/p?endpoint=http://127.0.0.1:4443").unwrap();
    assert!(matches!(&g, StoreSpec::Gcs(s) if s.bucket == "bkt" && s.endpoint.is_some()));
    assert_eq!(
        StoreSpec::from_url("gs://bkt?region=x")
            .unwrap_err()
            .to_string(),
        "unknown parameter `region` in `gs://bkt?region=…` (known: endpoint)"
    );
}

#[test]
fn every_kind_opens_without_showing_a_secret() {
    for s in [
        json!({"azure": {"account": "acct", "container": "c", "endpoint": "http://127.0.0.1:9/acct", "key": {"env": "AZ"}}}),
        json!({"gcs": {"bucket": "g", "endpoint": "http://127.0.0.1:9"}}),
    ] {
        let spec = spec_of(&store(s), &|_| Some(Secret::new("c2Vrcml0LXZhbHVl"))).unwrap();
        let opened = crate::open(&spec).unwrap();
        assert!(!format!("{opened:?} {spec:?}").contains("c2Vrcml0LXZhbHVl"));
    }
}
