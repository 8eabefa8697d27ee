//! The source's write-guard is deny by default: it lets through reads and the writes the compiled
//! plan makes on the source, and refuses anything else, by name, before it leaves the process.

use migrate_cluster::ClusterError;
use migrate_core::Side;
use migrate_core::request::{Fills, Method, MutatingCall, Request, Role};
use migrate_graph::blueprint::{SnapshotReindexStrategy, Strategy};
use migrate_sandbox::Flavor;
use migrate_steps::{Env, planned_source_writes};

use crate::common::{reindex_plan, sandbox, sandbox_allowing, test_options};

fn source(method: Method, path: &[&'static str]) -> Request {
    let mut r = Request::new(Role::Act, Side::Source, method);
    for p in path {
        r = r.at(p);
    }
    r
}

#[tokio::test]
async fn an_unplanned_write_to_the_source_is_refused_by_name_and_never_reaches_it() {
    let src = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    let dst = sandbox_allowing(Flavor::Elasticsearch, "7.10.2", &src).await;
    let bp = reindex_plan(&src, &dst, &["movies"], None, 0, false);
    // The reindex strategy writes nothing on the source but the cutover's write block.
    assert_eq!(
        planned_source_writes(&bp, None).unwrap(),
        [MutatingCall::WriteBlock].into()
    );
    let env = Env::from_blueprint(&bp, &test_options()).await.unwrap();
    src.request_log().clear();

    // A write no step plans, with no mutating call named: refused, naming the request.
    let doc = source(Method::Post, &["_doc"]);
    let wire = env.source().fill(&doc, &Fills::new()).await.unwrap();
    let err = env.source().send_wire(&wire).await.unwrap_err();
    assert!(
        matches!(&err, ClusterError::UnplannedRequest { method, path } if method == "POST" && path == "/_doc"),
        "{err}"
    );
    assert!(err.to_string().contains("`POST /_doc`"), "{err}");
    // A mutating call the plan does not make on the source: refused too.
    let delete = source(Method::Delete, &[]).mutates(MutatingCall::DeleteIndex, "movies");
    let wire = env.source().fill(&delete, &Fills::new()).await.unwrap();
    let err = env.source().send_wire(&wire).await.unwrap_err();
    assert!(matches!(err, ClusterError::WriteRefused { .. }), "{err}");
    // A read-only POST goes through.
    let search = source(Method::Post, &["_search"]);
    let wire = env.source().fill(&search, &Fills::new()).await.unwrap();
    env.source().send_wire(&wire).await.unwrap();

    let reached: Vec<String> = src
        .request_log()
        .entries()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(reached, ["POST /_search"]);
}

#[tokio::test]
async fn a_snapshot_reindex_plan_may_register_and_snapshot_on_the_source_only_when_it_takes_the_snapshot()
 {
    let src = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    let dst = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    let mut bp = reindex_plan(&src, &dst, &["movies"], None, 0, false);
    let dir = tempfile::tempdir().unwrap();
    let strategy = |snapshot: Option<String>| {
        Strategy::SnapshotReindex(SnapshotReindexStrategy {
            repository: "r".into(),
            store: crate::common::fs_store(dir.path()),
            snapshot,
            incremental_rounds: 0,
            shard_concurrency: 1,
            copy_settings: Default::default(),
            reconcile_deletes: true,
        })
    };
    bp.strategy = strategy(None);
    assert_eq!(
        planned_source_writes(&bp, None).unwrap(),
        [
            MutatingCall::PutRepository,
            MutatingCall::CreateSnapshot,
            MutatingCall::WriteBlock
        ]
        .into()
    );
    bp.strategy = strategy(Some("nightly".into()));
    assert_eq!(
        planned_source_writes(&bp, None).unwrap(),
        [MutatingCall::WriteBlock].into()
    );
}
