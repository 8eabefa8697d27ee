//! Every request the sandboxes receive during `migrate apply` is one the dry run showed, with its
//! runtime slots filled: method, encoded path, query and body, for every example plan in `plans/`,
//! every fixture in `tests/plans/`, and index and repository names with `+ ~ % :` and non-ASCII.
//! Each plan file is pointed at sandboxes of the versions it declares (and at SeaweedFS for its
//! buckets), applied to the gate, approved and applied to the end; then the sandboxes' logs are
//! compared with the plan's requests (`support::preview`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::support::preview::{Known, assert_sent_as_previewed};
use crate::support::*;
use migrate_sandbox::{Auth, Flavor, RunningSandbox, Sandbox};
use migrate_test_support::S3Server;
use serde_json::{Value, json};

const S3_KEY: &str = "equality-key";
const S3_SECRET: &str = "equality-secret-5e2b";

fn repo_root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(repo_root().join(relative)).unwrap()
}

/// What a test sandbox has beyond its flavour and version (nothing by default).
#[derive(Default, Clone, Copy)]
struct Node<'a> {
    /// Basic auth: user and password.
    auth: Option<(&'a str, &'a str)>,
    /// Its `path.repo`.
    repo: Option<&'a Path>,
    /// Its s3 repositories use this test server (endpoint and keystore).
    s3: Option<&'a S3Server>,
    /// Its remote-reindex allowlist admits this sandbox.
    allow: Option<&'a RunningSandbox>,
}

impl<'a> Node<'a> {
    fn auth(self, user: &'a str, password: &'a str) -> Self {
        Node {
            auth: Some((user, password)),
            ..self
        }
    }
    fn repo(self, dir: &'a Path) -> Self {
        Node {
            repo: Some(dir),
            ..self
        }
    }
    fn s3(self, server: &'a S3Server) -> Self {
        Node {
            s3: Some(server),
            ..self
        }
    }
    fn allow(self, source: &'a RunningSandbox) -> Self {
        Node {
            allow: Some(source),
            ..self
        }
    }
}

/// A sandbox of `flavor`/`version` set up as `node` says.
async fn sandbox(flavor: Flavor, version: &str, node: Node<'_>) -> RunningSandbox {
    let mut b = Sandbox::builder().flavor(flavor).version(version);
    if let Some((u, p)) = node.auth {
        b = b.auth(Auth::basic(u, p));
    }
    if let Some(dir) = node.repo {
        b = b.node_setting("path.repo", json!([dir.display().to_string()]));
    }
    if let Some(server) = node.s3 {
        b = b
            .node_setting("s3.client.default.endpoint", json!(server.endpoint()))
            .keystore("s3.client.default.access_key", S3_KEY)
            .keystore("s3.client.default.secret_key", S3_SECRET);
    }
    if let Some(src) = node.allow {
        b = b.remote_allowlist([src.host_port()]);
    }
    b.start().await.unwrap()
}

/// A directory under `work` that sandboxes may take as `path.repo`.
fn shared_dir(work: &Path, name: &str) -> PathBuf {
    let dir = work.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A source and a destination sandbox (flavour and version each) whose `path.repo` allows `shared`.
async fn sharing(
    shared: &Path,
    source: (Flavor, &str),
    destination: (Flavor, &str),
) -> (RunningSandbox, RunningSandbox) {
    let node = Node::default().repo(shared);
    let source = sandbox(source.0, source.1, node).await;
    (source, sandbox(destination.0, destination.1, node).await)
}

/// Creates each index (no replicas, dates in `updated_at` and `update_time`) with `n` documents.
async fn seed(http: &Http, base: &str, ty: Option<&str>, indexes: &[&str], n: usize) {
    for index in indexes {
        let date = json!({"type": "date", "format": "epoch_millis"});
        let props = json!({"properties": {
            "title": {"type": "text"}, "updated_at": date, "update_time": date
        }});
        let mappings = match ty {
            Some(t) => json!({ t: props }),
            None => props,
        };
        http.put(
            format!("{base}/{}", migrate_core::request::encode(index)),
            json!({"settings": {"number_of_replicas": 0}, "mappings": mappings}),
        )
        .await;
        let docs: Vec<_> = (0..n)
            .map(|i| {
                let t = 1_500_000_000_000u64 + i as u64 * 10_000_000_000;
                let doc =
                    json!({"title": format!("{index} {i}"), "updated_at": t, "update_time": t});
                (*index, ty, i.to_string(), doc)
            })
            .collect();
        http.bulk(base, &docs).await;
    }
}

/// Runs apply (in a directory of its own) until the plan is done, approving the cutover when apply
/// stops at it, then checks every request the sandboxes received was previewed.
fn apply_and_compare(
    plan_text: &str,
    secrets: &Known,
    (source, destination): (&RunningSandbox, &RunningSandbox),
    source_indexes: &[&str],
) {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    let plan = work.join("plan.yaml");
    std::fs::write(&plan, plan_text).unwrap();
    let p = plan.to_str().unwrap();
    source.request_log().clear();
    destination.request_log().clear();
    let envs: Vec<(&str, &str)> = secrets
        .0
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .chain([
            ("AWS_ACCESS_KEY_ID", S3_KEY),
            ("AWS_SECRET_ACCESS_KEY", S3_SECRET),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_CONFIG_FILE", "/nonexistent"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"),
        ])
        .collect();
    let first = run(work, &["apply", p, "--output", "plain"], &envs);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    if plan_text.contains("approved: false") {
        approve(&plan);
        let second = run(work, &["apply", p, "--output", "plain"], &envs);
        assert_eq!(second.status.code(), Some(0), "{}", text(&second));
    }
    let names: Vec<String> = source_indexes.iter().map(|s| (*s).to_owned()).collect();
    assert_sent_as_previewed(&plan, secrets, source, destination, &names);
}

fn known(pairs: &[(&str, &str)]) -> Known {
    Known(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<BTreeMap<_, _>>(),
    )
}

fn secret_file(dir: &Path, name: &str, value: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, value).unwrap();
    path
}

/// The reindex plans' shape: ES 6.8 → ES 7.10 with basic auth, `movies` and `books` (→ `books-v2`).
async fn self_managed_to_aliyun(plan: &str) {
    let work = tempfile::tempdir().unwrap();
    let old_auth = ("old-user", "old-secret-5d1f");
    let source = sandbox(
        Flavor::Elasticsearch,
        "6.8.23",
        Node::default().auth(old_auth.0, old_auth.1),
    )
    .await;
    let destination = sandbox(
        Flavor::Elasticsearch,
        "7.10.0",
        Node::default()
            .auth("elastic", "new-secret-77ac")
            .allow(&source),
    )
    .await;
    seed(
        &Http::new(Some(old_auth)),
        &source.url(),
        Some("_doc"),
        &["movies", "books"],
        30,
    )
    .await;
    let dest_pw = secret_file(work.path(), "dest-password", "new-secret-77ac");
    let text = read(plan)
        .replace("http://10.37.1.1:9200", &source.url())
        .replace(
            "https://es-cn-xyz.elasticsearch.aliyuncs.com:9200",
            &destination.url(),
        )
        .replace("/run/secrets/dest-password", dest_pw.to_str().unwrap());
    let secrets = known(&[("SOURCE_PASSWORD", "old-secret-5d1f")]);
    apply_and_compare(
        &text,
        &secrets,
        (&source, &destination),
        &["movies", "books"],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reindex_example_plan_sends_what_its_dry_run_shows() {
    self_managed_to_aliyun("plans/reindex-self-managed-to-aliyun.yaml").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reindex_fixture_plan_sends_what_its_dry_run_shows() {
    self_managed_to_aliyun("crates/migrate-cli/tests/plans/reindex-ecs-to-aliyun.yaml").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shared_fs_example_plan_sends_what_its_dry_run_shows() {
    let work = tempfile::tempdir().unwrap();
    let shared = shared_dir(work.path(), "nfs");
    let es = Flavor::Elasticsearch;
    let (source, destination) = sharing(&shared, (es, "6.8.23"), (es, "7.10.2")).await;
    seed(
        &Http::new(None),
        &source.url(),
        Some("_doc"),
        &["catalog", "catalog-archive"],
        20,
    )
    .await;
    let token = secret_file(work.path(), "es710-token", "token-3f9a");
    let text = read("plans/snapshot-fs-shared.yaml")
        .replace("https://es68.internal:9200", &source.url())
        .replace("https://es710.internal:9200", &destination.url())
        .replace("  tls: { ca_file: /etc/migrate/internal-ca.pem }\n", "")
        .replace(
            "/mnt/es-snapshots/catalog",
            shared.join("catalog").to_str().unwrap(),
        )
        .replace("/run/secrets/es710-token", token.to_str().unwrap());
    let secrets = known(&[("ES68_API_KEY", "a2V5OnNlY3JldA==")]);
    let indexes = ["catalog", "catalog-archive"];
    apply_and_compare(&text, &secrets, (&source, &destination), &indexes);
}

/// A started S3 server with the plan's buckets.
async fn s3_with(buckets: &[&str]) -> S3Server {
    let server = S3Server::start(S3_KEY, S3_SECRET)
        .await
        .expect("the S3 test server (run `cargo xtask test`, which installs it)");
    for b in buckets {
        server.create_bucket(b).await.unwrap();
    }
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_multi_index_example_plan_sends_what_its_dry_run_shows() {
    let s3 = s3_with(&["acme-es-snapshots"]).await;
    let node = Node::default().s3(&s3);
    let source = sandbox(
        Flavor::Elasticsearch,
        "7.10.2",
        node.auth("migrate", "es7-pw"),
    )
    .await;
    let destination = sandbox(Flavor::OpenSearch, "2.11.0", node.auth("admin", "os2-pw")).await;
    let indexes = [
        "logs-2026.01",
        "logs-2026.02",
        "logs-2026.02-debug",
        "metrics-cpu",
        "metrics-raw-cpu",
        "audit",
        "users",
    ];
    seed(
        &Http::new(Some(("migrate", "es7-pw"))),
        &source.url(),
        None,
        &indexes,
        12,
    )
    .await;
    let text = read("plans/multi-index-patterns.yaml")
        .replace("https://es7.logs.internal:9200", &source.url())
        .replace("https://os2.logs.internal:9200", &destination.url())
        .replace(
            "bucket: acme-es-snapshots\n",
            &format!(
                "bucket: acme-es-snapshots\n        endpoint: \"{}\"\n",
                s3.endpoint()
            ),
        )
        // One node cannot hold the replica `copy_settings.after` asks for: green is out of reach.
        .replace("health: green", "health: yellow");
    let secrets = known(&[("ES7_PASSWORD", "es7-pw"), ("OS2_PASSWORD", "os2-pw")]);
    apply_and_compare(&text, &secrets, (&source, &destination), &indexes);
}

/// The AWS → Alibaba Cloud runbook's shape: ES 5.5 signed with SigV4 (from the environment's
/// credentials) writing to S3, the transfer to an OSS bucket with keys from the environment.
async fn aws_to_oss(plan: &str, indexes: &[&str]) {
    let s3 = s3_with(&["eric-es-index-backups", "eric-oss-aws-es-snapshot-s3"]).await;
    let node = Node::default().s3(&s3);
    let source = sandbox(Flavor::Elasticsearch, "5.5.2", node).await;
    let destination = sandbox(
        Flavor::Elasticsearch,
        "5.5.3",
        node.auth("elastic", "dest-pw"),
    )
    .await;
    seed(&Http::new(None), &source.url(), Some("doc"), indexes, 15).await;
    let text = read(plan)
        .replace(
            "https://search-movies-abc.ap-southeast-1.es.amazonaws.com",
            &source.url(),
        )
        .replace(
            "https://es-cn-abc.elasticsearch.aliyuncs.com:9200",
            &destination.url(),
        )
        .replace(
            "bucket: eric-es-index-backups\n",
            &format!(
                "bucket: eric-es-index-backups\n        endpoint: \"{}\"\n",
                s3.endpoint()
            ),
        )
        .replace(
            "http://oss-cn-hangzhou-internal.aliyuncs.com",
            s3.endpoint(),
        );
    let secrets = known(&[
        ("DEST_PASSWORD", "dest-pw"),
        ("OSS_KEY_ID", S3_KEY),
        ("OSS_SECRET", S3_SECRET),
    ]);
    apply_and_compare(&text, &secrets, (&source, &destination), indexes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_aws_to_oss_example_plan_sends_what_its_dry_run_shows() {
    aws_to_oss("plans/snapshot-aws-to-oss.yaml", &["movies"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_aws_to_oss_fixture_plan_sends_what_its_dry_run_shows() {
    aws_to_oss(
        "crates/migrate-cli/tests/plans/snapshot-aws-to-oss.yaml",
        &["movies", "logs-2026.01", "logs-2026.02"],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shared_store_fixture_plan_sends_what_its_dry_run_shows() {
    let s3 = s3_with(&["shared-snapshots"]).await;
    let node = Node::default().s3(&s3);
    let source = sandbox(Flavor::OpenSearch, "1.3.0", node).await;
    let destination = sandbox(Flavor::OpenSearch, "2.11.0", node).await;
    seed(&Http::new(None), &source.url(), None, &["catalog"], 20).await;
    let text = read("crates/migrate-cli/tests/plans/snapshot-shared-store.yaml")
        .replace("https://os1.internal:9200", &source.url())
        .replace("https://os2.internal:9200", &destination.url())
        .replace(
            "bucket: shared-snapshots,",
            &format!("bucket: shared-snapshots, endpoint: \"{}\",", s3.endpoint()),
        );
    let secrets = known(&[("OS1_API_KEY", "b3MxOmtleQ=="), ("OS2_TOKEN", "os2-token")]);
    apply_and_compare(&text, &secrets, (&source, &destination), &["catalog"]);
}

/// Names the encoder must escape: `+`, `~`, `%`, non-ASCII (index names cannot hold `#`, `?`,
/// `:` or spaces; the plan refuses them), a repository name with `:` and `+`.
const ODD: [&str; 4] = ["movies+2024", "a~b", "per%cent", "données"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_index_names_are_sent_as_previewed_by_the_reindex_strategy() {
    let source = sandbox(Flavor::Elasticsearch, "7.10.2", Node::default()).await;
    let destination = sandbox(Flavor::OpenSearch, "2.11.0", Node::default().allow(&source)).await;
    seed(&Http::new(None), &source.url(), None, &ODD, 8).await;
    let entries: Vec<String> = ODD.iter().map(|n| format!("\"{n}\"")).collect();
    let text = format!(
        "version: 1\nname: odd-names\nsource: {{ url: \"{}\" }}\ndestination: {{ url: \"{}\" }}\nindexes: [{}]\nstrategy: {{ reindex: {{ remote_host: \"{}\", update_field: updated_at, incremental_passes: 1 }} }}\ncutover: {{ approved: false }}\nverify: {{ doc_count: true, sample: 3 }}\n",
        source.url(),
        destination.url(),
        entries.join(", "),
        source.url()
    );
    apply_and_compare(&text, &known(&[]), (&source, &destination), &ODD);
    assert_eq!(
        Http::new(None)
            .count(&destination.url(), "movies%2B2024")
            .await,
        8
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_index_and_repository_names_are_sent_as_previewed_by_the_snapshot_strategy() {
    let work = tempfile::tempdir().unwrap();
    let shared = shared_dir(work.path(), "repo");
    let es = Flavor::Elasticsearch;
    let (source, destination) = sharing(&shared, (es, "7.10.2"), (es, "7.17.0")).await;
    seed(&Http::new(None), &source.url(), None, &ODD, 8).await;
    let entries: Vec<String> = ODD.iter().map(|n| format!("\"{n}\"")).collect();
    let text = format!(
        "version: 1\nname: odd-names\nsource: {{ url: \"{}\" }}\ndestination: {{ url: \"{}\" }}\nindexes: [{}, {{ name: \"a~b-2\", destination: \"a~b+é\" }}]\nstrategy: {{ snapshot: {{ repository: \"odd:repo+1\", source_store: {{ fs: {{ location: \"{}\" }} }}, incremental_rounds: 1 }} }}\ncutover: {{ approved: false }}\nverify: {{ doc_count: true, sample: 3 }}\n",
        source.url(),
        destination.url(),
        entries.join(", "),
        shared.join("odd").display()
    );
    let mut names: Vec<&str> = ODD.to_vec();
    names.push("a~b-2");
    seed(&Http::new(None), &source.url(), None, &["a~b-2"], 4).await;
    apply_and_compare(&text, &known(&[]), (&source, &destination), &names);
    let copied: Value = Http::new(None)
        .get(format!("{}/a~b%2B%C3%A9/_count", destination.url()))
        .await;
    assert_eq!(copied["count"], json!(4));
}

/// The cloud stores: an `fs` source repository transferred into Azure Blob Storage (Azurite) or
/// Google Cloud Storage (fake-gcs-server), which the destination restores from.
async fn fs_to_cloud(store: &str, cluster: (&str, &str), extra: &[(&str, String)], secrets: Known) {
    let work = tempfile::tempdir().unwrap();
    let fs = shared_dir(work.path(), "fs");
    let source = sandbox(Flavor::Elasticsearch, "7.10.2", Node::default().repo(&fs)).await;
    let mut b = Sandbox::builder().version("7.10.2");
    b = b.node_setting(cluster.0, json!(cluster.1));
    for (k, v) in extra {
        b = b.keystore(k, v);
    }
    let destination = b.start().await.unwrap();
    seed(
        &Http::new(None),
        &source.url(),
        None,
        &["movies", "books"],
        10,
    )
    .await;
    let text = format!(
        "version: 1\nname: to-cloud\nsource: {{ url: \"{}\" }}\ndestination: {{ url: \"{}\" }}\nindexes: [movies, books]\nstrategy:\n  snapshot:\n    repository: local\n    destination_repository: cloud\n    source_store: {{ fs: {{ location: \"{}\" }} }}\n    destination_store: {store}\n    incremental_rounds: 1\ncutover: {{ approved: false, block_source_writes: false }}\nverify: {{ doc_count: true, sample: 3 }}\n",
        source.url(),
        destination.url(),
        fs.join("repo").display()
    );
    apply_and_compare(
        &text,
        &secrets,
        (&source, &destination),
        &["movies", "books"],
    );
    assert_eq!(Http::new(None).count(&destination.url(), "books").await, 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_plan_into_azure_blob_storage_sends_what_its_dry_run_shows() {
    let azurite = migrate_test_support::Azurite::start()
        .await
        .expect("Azurite (run `cargo xtask test`)");
    azurite.create_container("snaps").await.unwrap();
    let store = format!(
        "{{ azure: {{ account: {}, container: snaps, base_path: migrate, endpoint: \"{}\", key: {{ env: AZURE_KEY }} }} }}",
        migrate_test_support::Azurite::ACCOUNT,
        azurite.endpoint()
    );
    fs_to_cloud(
        &store,
        ("azure.client.default.endpoint", azurite.endpoint()),
        &[
            (
                "azure.client.default.account",
                migrate_test_support::Azurite::ACCOUNT.into(),
            ),
            (
                "azure.client.default.key",
                migrate_test_support::Azurite::KEY.into(),
            ),
        ],
        known(&[("AZURE_KEY", migrate_test_support::Azurite::KEY)]),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_plan_into_google_cloud_storage_sends_what_its_dry_run_shows() {
    let gcs = migrate_test_support::FakeGcs::start()
        .await
        .expect("fake-gcs-server (run `cargo xtask test`)");
    gcs.create_bucket("snaps").await.unwrap();
    let key = gcs.service_account_key();
    let work = tempfile::tempdir().unwrap();
    let key_file = secret_file(work.path(), "gcs-key.json", &key);
    let store = format!(
        "{{ gcs: {{ bucket: snaps, base_path: migrate, endpoint: \"{}\", credentials: {{ file: \"{}\" }} }} }}",
        gcs.endpoint(),
        key_file.display()
    );
    fs_to_cloud(
        &store,
        ("gcs.client.default.endpoint", gcs.endpoint()),
        &[("gcs.client.default.credentials_file", key.clone())],
        known(&[]),
    )
    .await;
}

/// A copy plan between `source` and `destination` for `movies` and `books`, passes included.
fn copy_plan(source: &RunningSandbox, destination: &RunningSandbox) -> String {
    format!(
        "version: 1\nname: copy-equality\nsource: {{ url: \"{}\" }}\ndestination: {{ url: \"{}\" }}\n\
         indexes: [movies, books]\n\
         strategy:\n  copy:\n    slices: 2\n    batch_size: 7\n    documents_per_second: 100000\n    update_field: updated_at\n    incremental_passes: 1\n\
         cutover: {{ approved: false, block_source_writes: true }}\n\
         verify: {{ doc_count: true, health: yellow, sample: 3 }}\n",
        source.url(),
        destination.url()
    )
}

async fn copy_pair(from: (Flavor, &str), ty: Option<&str>) {
    let source = sandbox(from.0, from.1, Node::default()).await;
    let destination = sandbox(Flavor::OpenSearch, "2.11.0", Node::default()).await;
    seed(
        &Http::new(None),
        &source.url(),
        ty,
        &["movies", "books"],
        30,
    )
    .await;
    let plan = copy_plan(&source, &destination);
    apply_and_compare(
        &plan,
        &known(&[]),
        (&source, &destination),
        &["movies", "books"],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_plan_read_by_point_in_time_sends_what_its_dry_run_shows() {
    copy_pair((Flavor::Elasticsearch, "7.17.22"), None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_plan_read_by_sliced_scroll_sends_what_its_dry_run_shows() {
    copy_pair((Flavor::Elasticsearch, "6.8.23"), Some("_doc")).await;
}
