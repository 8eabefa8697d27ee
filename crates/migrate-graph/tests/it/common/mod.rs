//! Hand-made blueprints shaped like the two runbooks in ../shared/seeds/.
#![allow(dead_code)]

use std::collections::BTreeMap;

use migrate_graph::blueprint::*;
use serde_json::json;

pub fn oss_store() -> Store {
    serde_json::from_value(json!({"oss": {
        "endpoint": "http://oss-cn-hangzhou-internal.aliyuncs.com",
        "bucket": "eric-oss-aws-es-snapshot-s3",
        "base_path": "my/snapshot/directory",
        "compress": true,
        "access_key_id": {"env": "OSS_KEY_ID"},
        "secret_access_key": {"env": "OSS_SECRET"},
    }}))
    .expect("an oss store")
}

pub fn s3_store() -> Store {
    serde_json::from_value(json!({"s3": {
        "bucket": "eric-es-index-backups",
        "region": "ap-southeast-1",
        "base_path": "snapshots",
        "role_arn": "arn:aws:iam::123456789012:role/TheSnapshotRole",
    }}))
    .expect("an s3 store")
}

fn es(major: u32, minor: u32, patch: u32) -> Release {
    Release::new(Flavor::Elasticsearch, major, minor, patch)
}

pub fn snapshot_plan(indexes: &[&str]) -> Blueprint {
    Blueprint {
        name: "movies-aws-to-hangzhou".into(),
        source: Cluster {
            url: "https://search-movies-abc.ap-southeast-1.es.amazonaws.com".into(),
            auth: Auth::AwsSigv4 {
                region: "ap-southeast-1".into(),
                service: "es".into(),
            },
            version: Some(es(5, 5, 2)),
        },
        destination: Cluster {
            url: "https://es-cn-abc.elasticsearch.aliyuncs.com:9200".into(),
            auth: Auth::Basic {
                username: "elastic".into(),
                password: SecretRef::Env("DEST_PASSWORD".into()),
            },
            version: Some(es(5, 5, 3)),
        },
        indexes: indexes.iter().map(|i| IndexSpec::same(*i)).collect(),
        strategy: Strategy::Snapshot(SnapshotStrategy {
            repository: "eric-snapshot-repository".into(),
            destination_repository: "eric-snapshot-repository".into(),
            source_store: s3_store(),
            destination_store: Some(oss_store()),
            incremental_rounds: 1,
            rounds_until: None,
            index_settings: BTreeMap::new(),
            copy_settings: Default::default(),
        }),
        cutover: Cutover {
            approved: false,
            block_source_writes: true,
        },
        verify: Verify {
            level: "proof".into(),
            doc_count: true,
            health: Some("green".into()),
            recovery: true,
            sample: 5,
        },
        metadata: Vec::new(),
    }
}

pub fn reindex_plan(indexes: &[&str]) -> Blueprint {
    Blueprint {
        name: "ecs-to-aliyun".into(),
        source: Cluster {
            url: "http://10.37.1.1:9200".into(),
            auth: Auth::Basic {
                username: "old-user".into(),
                password: SecretRef::Env("SOURCE_PASSWORD".into()),
            },
            version: None,
        },
        destination: Cluster {
            url: "https://es-cn-xyz.elasticsearch.aliyuncs.com:9200".into(),
            auth: Auth::Basic {
                username: "elastic".into(),
                password: SecretRef::File("/run/secrets/dest".into()),
            },
            version: None,
        },
        indexes: indexes.iter().map(|i| IndexSpec::same(*i)).collect(),
        strategy: Strategy::Reindex(ReindexStrategy {
            remote_host: "http://10.37.1.1:9200".into(),
            remote_auth: None,
            update_field: Some("update_time".into()),
            update_field_unit: None,
            incremental_passes: 2,
            passes_until: None,
            reconcile_deletes: true,
            partitions: Vec::new(),
            batch_size: Some(1000),
            requests_per_second: None,
            copy_settings: Default::default(),
        }),
        cutover: Cutover {
            approved: true,
            block_source_writes: true,
        },
        verify: Verify {
            level: "proof".into(),
            doc_count: true,
            health: None,
            recovery: false,
            sample: 0,
        },
        metadata: Vec::new(),
    }
}
