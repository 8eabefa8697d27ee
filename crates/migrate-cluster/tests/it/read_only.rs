//! A read-only client (`plan --refresh`) against the sandbox: reads and searches go out, every
//! write is refused before it is sent, on either side, and the sandbox's log shows no write.

use crate::common::calls::Calls;
use migrate_cluster::{ClusterClient, ClusterConfig, ClusterError, Side};
use serde_json::json;

#[tokio::test]
async fn a_read_only_client_reads_and_searches_and_sends_no_write_on_either_side() {
    let sb =
        migrate_test_support::sandboxes::sandbox(migrate_sandbox::Flavor::Elasticsearch, "7.10.2")
            .await;
    let url = sb.url().parse().unwrap();
    let writer = ClusterClient::new(&ClusterConfig::new(url, Side::Destination))
        .await
        .unwrap();
    writer.create_index("logs", None, None, None).await.unwrap();
    sb.request_log().clear();
    for side in [Side::Source, Side::Destination] {
        let mut c = ClusterConfig::new(sb.url().parse().unwrap(), side);
        c.read_only = true;
        let r = ClusterClient::new(&c).await.unwrap();
        assert_eq!(r.count("logs", None).await.unwrap(), 0);
        r.search("logs", json!({"query": {"match_all": {}}}))
            .await
            .unwrap();
        for refused in [
            r.set_write_block("logs", true).await,
            r.create_index("other", None, None, None).await.map(|_| ()),
            r.delete_index("logs").await,
        ] {
            assert!(
                matches!(refused, Err(ClusterError::ReadOnly { .. })),
                "{refused:?}"
            );
        }
    }
    let writes: Vec<String> = sb
        .request_log()
        .mutating_requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(writes.is_empty(), "{writes:?}");
}
