//! The Azure Blob Storage and Google Cloud Storage kinds end to end, against their emulators
//! (Azurite and fake-gcs-server, installed by `cargo xtask test`): a plan's store opened through the
//! registry, probed, and a real repository copied fs → Azure → GCS byte for byte, then once more
//! copying nothing.

use std::collections::BTreeMap;

use crate::common::{FIXTURES, contents, fixture_contents, fixture_store, transfer_all};
use migrate_core::{Secret, SecretRef, Store};
use migrate_store::{StoreSpec, open, probe, spec_of};
use migrate_test_support::{Azurite, FakeGcs};
use serde_json::json;

/// The plan's stores, as a plan file spells them, opened through the registry with these secrets.
fn plan_store(store: serde_json::Value, secrets: &BTreeMap<&str, String>) -> StoreSpec {
    let store: Store = serde_json::from_value(store).unwrap();
    let resolve = |r: &SecretRef| match r {
        SecretRef::Env(name) => secrets.get(name.as_str()).map(Secret::new),
        _ => None,
    };
    spec_of(&store, &resolve).unwrap()
}

#[tokio::test]
async fn a_repository_goes_fs_to_azure_to_gcs_byte_for_byte_through_plan_stores() {
    let azurite = Azurite::start()
        .await
        .expect("Azurite (run `cargo xtask test`)");
    azurite.create_container("snapshots").await.unwrap();
    let gcs = FakeGcs::start()
        .await
        .expect("fake-gcs-server (run `cargo xtask test`)");
    gcs.create_bucket("snapshots-gcs").await.unwrap();
    let secrets = BTreeMap::from([
        ("AZURE_KEY", Azurite::KEY.to_owned()),
        ("GCS_KEY", gcs.service_account_key()),
    ]);
    let fixture = &FIXTURES[0];
    let azure = plan_store(
        json!({"azure": {"account": Azurite::ACCOUNT, "container": "snapshots",
            "base_path": format!("repos/{}", fixture.name), "endpoint": azurite.endpoint(),
            "key": {"env": "AZURE_KEY"}}}),
        &secrets,
    );
    let google = plan_store(
        json!({"gcs": {"bucket": "snapshots-gcs", "base_path": format!("repos/{}", fixture.name),
            "endpoint": gcs.endpoint(), "credentials": {"env": "GCS_KEY"}}}),
        &secrets,
    );
    for spec in [&azure, &google] {
        let found = probe(spec).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(found.empty && found.exists, "{found:?}");
    }
    let expected = fixture_contents(fixture.name);
    let to_azure = transfer_all(fixture_store(fixture.name), open(&azure).unwrap()).await;
    assert_eq!(to_azure.objects_copied, expected.len() as u64);
    assert_eq!(contents(&*open(&azure).unwrap()).await, expected);
    let to_gcs = transfer_all(open(&azure).unwrap(), open(&google).unwrap()).await;
    assert_eq!(to_gcs.objects_copied, expected.len() as u64);
    assert_eq!(contents(&*open(&google).unwrap()).await, expected);
    let again = transfer_all(open(&azure).unwrap(), open(&google).unwrap()).await;
    assert_eq!(
        (again.objects_copied, again.objects_skipped),
        (0, expected.len() as u64)
    );
    assert!(!probe(&azure).await.unwrap().empty);
}

#[tokio::test]
async fn a_wrong_azure_key_is_refused_by_the_probe_as_bad_credentials() {
    let azurite = Azurite::start()
        .await
        .expect("Azurite (run `cargo xtask test`)");
    azurite.create_container("snapshots").await.unwrap();
    let wrong = "d3JvbmctYXp1cml0ZS1rZXktY2FuYXJ5LTk5";
    let spec = plan_store(
        json!({"azure": {"account": Azurite::ACCOUNT, "container": "snapshots",
            "endpoint": azurite.endpoint(), "key": {"env": "AZURE_KEY"}}}),
        &BTreeMap::from([("AZURE_KEY", wrong.to_owned())]),
    );
    let err = probe(&spec).await.unwrap_err();
    assert_eq!(
        err.failure,
        migrate_store::ProbeFailure::Credentials,
        "{err}"
    );
    assert!(!err.to_string().contains(wrong), "{err}");
}
