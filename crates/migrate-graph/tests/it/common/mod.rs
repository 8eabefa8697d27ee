//! Hand-made blueprints shaped like the two runbooks in ../shared/seeds/.
#![allow(dead_code)]

use std::collections::BTreeMap;

use migrate_graph::blueprint::*;
use serde_json::json;

pub fn oss_store() -> Store {
    let mut settings = BTreeMap::new();
    settings.insert(
        "endpoint".into(),
        Setting::Plain(json!("http://oss-cn-hangzhou-internal.aliyuncs.com")),
    );
    settings.insert(
        "access_key_id".into(),
        Setting::Secret(SecretRef::Env("OSS_KEY_ID".into())),
    );
    settings.insert(
        "secret_access_key".into(),
        Setting::Secret(SecretRef::Env("OSS_SECRET".into())),
    );
    settings.insert(
        "bucket".into(),
        Setting::Plain(json!("eric-oss-aws-es-snapshot-s3")),
    );
    settings.insert(
        "base_path".into(),
        Setting::Plain(json!("my/snapshot/directory")),
    );
    settings.insert("compress".into(), Setting::Plain(json!(true)));
    Store {
        kind: StoreKind::Oss,
        settings,
    }
}

pub fn s3_store() -> Store {
    let mut settings = BTreeMap::new();
    settings.insert(
        "bucket".into(),
        Setting::Plain(json!("eric-es-index-backups")),
    );
    settings.insert("region".into(), Setting::Plain(json!("ap-southeast-1")));
    settings.insert("base_path".into(), Setting::Plain(json!("snapshots")));
    settings.insert(
        "role_arn".into(),
        Setting::Plain(json!("arn:aws:iam::123456789012:role/TheSnapshotRole")),
    );
    Store {
        kind: StoreKind::S3,
        settings,
    }
}

fn es(major: u32, minor: u32, patch: u32) -> Version {
    Version {
        flavor: Flavor::Elasticsearch,
        major,
        minor,
        patch,
    }
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
            index_settings: BTreeMap::new(),
            copy_settings: Default::default(),
        }),
        cutover: Cutover {
            approved: false,
            block_source_writes: true,
        },
        verify: Verify {
            doc_count: true,
            health: Some("green".into()),
            recovery: true,
            sample: 5,
        },
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
            incremental_passes: 2,
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
            doc_count: true,
            health: None,
            recovery: false,
            sample: 0,
        },
    }
}
