//! `migrate demo`: a real migration on the embedded default — two sandbox clusters started in this
//! process, local directories as the object stores, the local state file — through the same code
//! path as `migrate apply`.
//!
//! It seeds the source, writes the plan to `<dir>/plan.yaml` (with the sandboxes' URLs), applies it
//! with the cutover not yet approved (apply stops at the gate, as in a GitOps pipeline), writes new
//! documents to the source meanwhile (the incremental round or pass catches them), then approves the
//! cutover in the plan file and applies again: the run resumes after the gate, blocks source writes,
//! runs the final round and verifies.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use bytes::Bytes;
use clap::{Args, ValueEnum};
use migrate_exec::{Event, EventSink};
use migrate_sandbox::model::cluster::Cluster;
use migrate_sandbox::write::{DocWrite, index_doc};
use migrate_sandbox::{Flavor, RunningSandbox, Sandbox};
use serde_json::{Value, json};

use super::apply::{ApplyOptions, apply};
use super::output::OutputMode;
use super::state_store::StateArg;

/// Marks a directory the demo made, so it never deletes anything else.
const MARKER: &str = ".migrate-demo";

/// Run a real migration between two embedded sandbox clusters.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// `snapshot`: ES 5.6 → local store A → transfer → local store B → ES 6.8, with an incremental
    /// round. `reindex`: ES 5.6 → ES 7.10 by remote reindex (mapping types unwrapped), with an
    /// incremental pass on `updated_at`.
    #[arg(long, value_enum, default_value_t = DemoStrategy::Snapshot)]
    pub strategy: DemoStrategy,

    /// Where the plan, the object stores and the state go (recreated if the demo made it).
    #[arg(long, default_value = "migrate-demo")]
    pub dir: PathBuf,

    /// Documents seeded into the source's `movies` index (the two `logs-*` indexes get half each).
    #[arg(long, default_value_t = 3000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub docs: u32,

    /// How to show progress (see `migrate apply --help`).
    #[arg(long, value_enum, default_value_t = OutputMode::Auto)]
    pub output: OutputMode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DemoStrategy {
    Snapshot,
    Reindex,
}

pub fn run(args: &DemoArgs) -> ExitCode {
    super::logging::init(0, false);
    let Ok(rt) = tokio::runtime::Runtime::new() else {
        eprintln!("error: could not start the async runtime");
        return ExitCode::from(1);
    };
    match rt.block_on(demo(args)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

async fn demo(args: &DemoArgs) -> Result<u8, String> {
    let dir = prepare_dir(&args.dir)?;
    let store_a = dir.join("store-source");
    let store_b = dir.join("store-destination");
    for d in [&store_a, &store_b] {
        fs_err::create_dir_all(d).map_err(|e| e.to_string())?;
    }
    let path_repo = |p: &Path| json!([p.display().to_string()]);
    let source = Sandbox::builder()
        .flavor(Flavor::Elasticsearch)
        .version("5.6.16")
        .cluster_name("demo-source")
        .node_setting("path.repo", path_repo(&store_a))
        .start()
        .await
        .map_err(|e| format!("starting the source sandbox: {e}"))?;
    let mut destination = Sandbox::builder()
        .flavor(Flavor::Elasticsearch)
        .cluster_name("demo-destination");
    destination = match args.strategy {
        DemoStrategy::Snapshot => destination
            .version("6.8.23")
            .node_setting("path.repo", path_repo(&store_b)),
        DemoStrategy::Reindex => destination
            .version("7.10.2")
            .remote_allowlist([source.host_port()]),
    };
    let destination = destination
        .start()
        .await
        .map_err(|e| format!("starting the destination sandbox: {e}"))?;
    eprintln!(
        "source:      Elasticsearch 5.6.16 sandbox at {}\ndestination: Elasticsearch {} sandbox at {}",
        source.url(),
        match args.strategy {
            DemoStrategy::Snapshot => "6.8.23",
            DemoStrategy::Reindex => "7.10.2",
        },
        destination.url()
    );

    let n = args.docs as usize;
    seed(&source, n).await?;
    eprintln!(
        "seeded the source: movies ({n} documents), logs-2026.01 and logs-2026.02 ({} each)\n",
        n / 2
    );

    let plan_path = dir.join("plan.yaml");
    let write_plan = |approved: bool| {
        let text = match args.strategy {
            DemoStrategy::Snapshot => {
                snapshot_plan(&source, &destination, &store_a, &store_b, approved)
            }
            DemoStrategy::Reindex => reindex_plan(&source, &destination, approved),
        };
        fs_err::write(&plan_path, text).map_err(|e| e.to_string())
    };
    write_plan(false)?;
    eprintln!("plan: {} (cutover not yet approved)\n", plan_path.display());

    let writer = Arc::new(MidRunWrites {
        source: Arc::clone(source.shared()),
        after: match args.strategy {
            DemoStrategy::Snapshot => "wait-snapshot/round-1".to_owned(),
            DemoStrategy::Reindex => "reindex/movies/part-all".to_owned(),
        },
        first_id: n,
        count: 250,
        done: AtomicBool::new(false),
    });
    let options = ApplyOptions {
        strict: false,
        parallelism: None,
        state: StateArg::default(),
        output: args.output,
        quiet: false,
        env: demo_env(),
        also: Some(Arc::clone(&writer) as Arc<dyn EventSink>),
        verify_only: false,
        auto_approve: false,
    };

    eprintln!("── migrate apply {} ──", plan_path.display());
    let code = apply(&plan_path, options.clone()).await;
    if code != 0 {
        return Ok(code);
    }
    if writer.done.load(Ordering::SeqCst) {
        eprintln!(
            "\n(the demo wrote {} new movies to the source after the first copy, as live traffic would;\n the later {} carry them: compare the doc counts at the end)",
            writer.count,
            match args.strategy {
                DemoStrategy::Snapshot => "rounds",
                DemoStrategy::Reindex => "passes",
            }
        );
    }

    eprintln!(
        "\napproving the cutover: `cutover.approved: true` in {}\n",
        plan_path.display()
    );
    write_plan(true)?;
    eprintln!("── migrate apply {} ──", plan_path.display());
    let code = apply(&plan_path, options).await;
    if code == 0 {
        eprintln!(
            "\nThe plan, the object stores and the state file are in {}/.\n\
             The sandboxes stop with this process; the state stays readable:\n  \
             migrate status {}\n  \
             migrate plan --dry-run {}   (every step with its requests)",
            dir.display(),
            plan_path.display(),
            plan_path.display()
        );
    }
    source.shutdown().await;
    destination.shutdown().await;
    Ok(code)
}

/// Faster polls than against real clusters: the sandboxes answer at once.
fn demo_env() -> migrate_steps::EnvOptions {
    migrate_steps::EnvOptions {
        backoff: migrate_steps::Backoff {
            initial: std::time::Duration::from_millis(20),
            max: std::time::Duration::from_millis(500),
        },
        sample_seed: Some(7),
        ..Default::default()
    }
}

/// Creates `dir` (or empties it when an earlier demo made it) and returns its absolute path.
fn prepare_dir(dir: &Path) -> Result<PathBuf, String> {
    if dir.exists() {
        if !dir.join(MARKER).exists() {
            let empty = fs_err::read_dir(dir)
                .map_err(|e| e.to_string())?
                .next()
                .is_none();
            if !empty {
                return Err(format!(
                    "`{}` exists and was not made by `migrate demo`; choose another with --dir",
                    dir.display()
                ));
            }
        } else {
            fs_err::remove_dir_all(dir).map_err(|e| e.to_string())?;
        }
    }
    fs_err::create_dir_all(dir).map_err(|e| e.to_string())?;
    fs_err::write(
        dir.join(MARKER),
        "made by `migrate demo`; removed by the next demo\n",
    )
    .map_err(|e| e.to_string())?;
    fs_err::canonicalize(dir).map_err(|e| e.to_string())
}

const GENRES: [&str; 6] = [
    "drama",
    "comedy",
    "thriller",
    "documentary",
    "animation",
    "western",
];

fn movie(i: usize) -> Value {
    json!({
        "title": format!("Movie {i}"),
        "year": 1950 + (i * 7) % 75,
        "genre": GENRES[i % GENRES.len()],
        "rating": ((i * 37) % 100) as f64 / 10.0,
        "updated_at": 1_700_000_000_000u64 + (i as u64) * 1000,
    })
}

/// Creates the source indexes (5.x: one mapping type each) and fills them with `_bulk`.
async fn seed(source: &RunningSandbox, n: usize) -> Result<(), String> {
    let http = reqwest::Client::new();
    let url = source.url();
    let mapping = |ty: &str| {
        json!({
            "settings": {"number_of_shards": 2, "number_of_replicas": 1},
            "mappings": {ty: {"properties": {
                "title": {"type": "text"},
                "year": {"type": "integer"},
                "genre": {"type": "keyword"},
                "rating": {"type": "float"},
                "message": {"type": "text"},
                "updated_at": {"type": "date", "format": "epoch_millis"}
            }}}
        })
    };
    for (index, ty, count) in [
        ("movies", "movie", n),
        ("logs-2026.01", "log", n / 2),
        ("logs-2026.02", "log", n / 2),
    ] {
        let r = http
            .put(format!("{url}/{index}"))
            .json(&mapping(ty))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !r.status().is_success() {
            return Err(format!(
                "creating `{index}` on the source: HTTP {}",
                r.status()
            ));
        }
        for chunk in (0..count).collect::<Vec<_>>().chunks(1000) {
            let mut body = String::new();
            for &i in chunk {
                let doc = if ty == "movie" {
                    movie(i)
                } else {
                    json!({"message": format!("request {i} served"), "updated_at": 1_700_000_000_000u64 + i as u64})
                };
                body.push_str(
                    &json!({"index": {"_index": index, "_type": ty, "_id": i.to_string()}})
                        .to_string(),
                );
                body.push('\n');
                body.push_str(&doc.to_string());
                body.push('\n');
            }
            let r = http
                .post(format!("{url}/_bulk?refresh=true"))
                .header("content-type", "application/x-ndjson")
                .body(body)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if !r.status().is_success() {
                return Err(format!("seeding `{index}`: HTTP {}", r.status()));
            }
        }
    }
    Ok(())
}

/// Writes new movies into the source once the first copy is done, as live traffic would.
struct MidRunWrites {
    source: Arc<migrate_sandbox::server::Shared>,
    after: String,
    first_id: usize,
    count: usize,
    done: AtomicBool,
}

impl EventSink for MidRunWrites {
    fn emit(&self, event: &Event) {
        let Event::StepDone { id, .. } = event else {
            return;
        };
        if *id != self.after || self.done.swap(true, Ordering::SeqCst) {
            return;
        }
        let product = self.source.product;
        let mut cluster: std::sync::MutexGuard<'_, Cluster> = self.source.cluster();
        let now = time::OffsetDateTime::now_utc().unix_timestamp() as u64 * 1000;
        for i in self.first_id..self.first_id + self.count {
            let mut doc = movie(i);
            doc["updated_at"] = json!(now);
            let w = DocWrite {
                index: "movies",
                ty: Some("movie"),
                id: Some(i.to_string()),
                source: Bytes::from(doc.to_string()),
                create_only: false,
                if_seq_no: None,
            };
            let _ = index_doc(&mut cluster, &product, w);
        }
    }
}

fn header(
    name: &str,
    source: &RunningSandbox,
    destination: &RunningSandbox,
    dest_version: &str,
) -> String {
    format!(
        "# Written by `migrate demo`: two sandbox clusters started by the demo process.\n\
         version: 1\n\
         name: {name}\n\
         source:\n  url: {}\n  version: elasticsearch-5.6.16\n\
         destination:\n  url: {}\n  version: elasticsearch-{dest_version}\n\
         indexes: [movies, \"logs-2026.*\"]\n",
        source.url(),
        destination.url()
    )
}

fn snapshot_plan(
    source: &RunningSandbox,
    destination: &RunningSandbox,
    store_a: &Path,
    store_b: &Path,
    approved: bool,
) -> String {
    format!(
        "{}strategy:\n  snapshot:\n    repository: demo-repository\n\
         \x20   source_store: {{ fs: {{ location: \"{}\" }} }}\n\
         \x20   destination_store: {{ fs: {{ location: \"{}\" }} }}\n\
         \x20   incremental_rounds: 1\n\
         cutover: {{ approved: {approved}, block_source_writes: true }}\n\
         verify: {{ doc_count: true, health: yellow, recovery: true, sample: 20 }}\n",
        header("demo-snapshot", source, destination, "6.8.23"),
        store_a.display(),
        store_b.display(),
    )
}

fn reindex_plan(source: &RunningSandbox, destination: &RunningSandbox, approved: bool) -> String {
    format!(
        "{}strategy:\n  reindex:\n    remote_host: {}\n    batch_size: 500\n\
         \x20   update_field: updated_at\n    incremental_passes: 1\n\
         cutover: {{ approved: {approved}, block_source_writes: true }}\n\
         verify: {{ doc_count: true, health: yellow, sample: 20 }}\n",
        header("demo-reindex", source, destination, "7.10.2"),
        source.url(),
    )
}
