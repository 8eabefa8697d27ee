//! `migrate apply`: runs or resumes a plan. Loads and validates it, reads the state's lineage (a
//! fresh one when there is no state yet), compiles the DAG with it (snapshot names carry it), takes
//! the state's lock, builds both cluster clients and runs the executor with the real
//! steps; Ctrl-C or SIGTERM checkpoints and exits 130. The demo goes through [`apply`] too.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use migrate_exec::{Dag, Event, EventSink, ExecConfig, Executor, RetryPolicy, RunOutcome};
use migrate_graph::blueprint::Blueprint;
use migrate_plan::Plan;
use migrate_steps::{Env, EnvOptions, PlanRunner};
use tokio_util::sync::CancellationToken;

use super::load::{EXIT_BAD_INPUT, load_plan};
use super::output::{OutputMode, Presenter};
use super::report;
use super::state_store::{StateArg, open_state};

const AFTER_HELP: &str = "\
Exit codes:
  0    complete, or stopped at the cutover gate (the message names the plan field to change)
  1    a step failed; the state is kept and `migrate apply` resumes from it
  2    bad input: invalid plan, unreadable secret reference, refused state file, or a saved plan
       (`migrate plan --refresh --out FILE`) whose plan file, steps or clusters moved since
  3    another apply holds the plan's lock (the message names the holder and the lock id)
  130  interrupted (Ctrl-C / SIGTERM); the state is checkpointed and the next apply re-attaches";

/// Run or resume a plan, or a saved plan (`migrate plan --refresh --out FILE`).
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP, after_long_help = AFTER_HELP)]
pub struct ApplyArgs {
    /// The plan file, or a saved plan (checked against the plan file and the clusters first).
    #[arg(default_value = "plan.yaml")]
    pub plan: PathBuf,

    /// Treat warnings (e.g. a literal secret in the plan) as errors.
    #[arg(long)]
    pub strict: bool,

    /// Steps working at once (default: the plan's `settings.parallelism`).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub parallelism: Option<u32>,

    #[command(flatten)]
    pub state: StateArg,

    /// How to show progress: bars on a terminal (auto), plain lines, or JSON event lines on stdout.
    #[arg(long, value_enum, default_value_t = OutputMode::Auto)]
    pub output: OutputMode,

    /// Only failures, gates and the final summary.
    #[arg(short, long)]
    pub quiet: bool,

    /// More log output (-v info, -vv debug, -vvv trace); `RUST_LOG` also works.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Pass the cutover gate without an approval (pipelines that approve by merging).
    #[arg(long)]
    pub auto_approve: bool,
}

/// What [`apply`] needs besides the plan path.
pub struct ApplyOptions {
    pub strict: bool,
    pub parallelism: Option<u32>,
    pub state: StateArg,
    pub output: OutputMode,
    pub quiet: bool,
    pub env: EnvOptions,
    /// Another sink that sees every event (the demo uses it to write between rounds).
    pub also: Option<Arc<dyn EventSink>>,
    /// `migrate verify`: run only the `verify` steps again (everything else must be done).
    pub verify_only: bool,
    /// `--auto-approve`: the cutover gate passes.
    pub auto_approve: bool,
}

pub fn run(args: &ApplyArgs) -> ExitCode {
    super::logging::init(args.verbose, args.quiet);
    let Ok(rt) = tokio::runtime::Runtime::new() else {
        eprintln!("error: could not start the async runtime");
        return ExitCode::from(1);
    };
    let options = ApplyOptions {
        strict: args.strict,
        parallelism: args.parallelism,
        state: args.state.clone(),
        output: args.output,
        quiet: args.quiet,
        env: EnvOptions::default(),
        also: None,
        verify_only: false,
        auto_approve: args.auto_approve,
    };
    if let Some(saved) = super::live::saved::SavedPlan::detect(&args.plan) {
        return ExitCode::from(
            rt.block_on(super::saved_apply::apply_saved(&args.plan, saved, options)),
        );
    }
    ExitCode::from(rt.block_on(apply(&args.plan, options)))
}

/// Loads, compiles and runs the plan at `path`; returns the exit code.
pub async fn apply(path: &Path, options: ApplyOptions) -> u8 {
    let Ok((mut plan, _warnings)) = load_plan(path, options.strict) else {
        return EXIT_BAD_INPUT;
    };
    let store = match open_state(path, &plan, &options.state) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if options.auto_approve {
        plan.cutover.approved = true;
    } else if !plan.cutover.approved {
        plan.cutover.approved = super::saved_apply::approved_in_state(path, &plan, &store);
    }
    // The lineage comes first: the names of the server-side objects the steps create carry it.
    let lineage = match store.load() {
        Ok(Some(state)) => state.lineage,
        Ok(None) => migrate_state::State::new(plan.name.clone()).lineage,
        Err(e) => {
            let e = migrate_exec::ExecError::from(e);
            eprintln!("error: {e}");
            return e.exit_code();
        }
    };
    let short = migrate_state::short_lineage(&lineage);
    let graph = match migrate_graph::compile_in(&plan, Some(&short)) {
        Ok(g) => Arc::new(g),
        Err(e) => {
            eprintln!("error: `{}` does not compile: {e}", path.display());
            return EXIT_BAD_INPUT;
        }
    };
    if options.verify_only
        && let Err(code) = super::verify::reset(path, &graph, &store)
    {
        return code;
    }
    let blueprint = Blueprint::from(&plan);
    let mut env_options = options.env.clone();
    if env_options.work_dir.is_none() {
        let dir = path.parent().unwrap_or(Path::new("."));
        env_options.work_dir = Some(dir.join(".migrate"));
    }
    env_options.source_tls = tls(&plan.source);
    env_options.destination_tls = tls(&plan.destination);
    if env_options.state_dir.is_none() {
        env_options.state_dir = local_state_dir(path, &plan, &options.state);
    }
    env_options.source_http = http(&plan.source, &env_options.timeouts);
    env_options.destination_http = http(&plan.destination, &env_options.timeouts);
    env_options.stall_timeout = Duration::from_secs(plan.settings.stall_timeout_s.max(1));
    env_options.translate = crate::lint::options(&plan);
    env_options.lineage = Some(short);
    let env = match Env::from_blueprint(&blueprint, &env_options).await {
        Ok(env) => env,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!(
                "help: secrets are read when apply starts: set the environment variables and files the plan references"
            );
            return EXIT_BAD_INPUT;
        }
    };
    let runner = Arc::new(PlanRunner::new(Arc::clone(&graph), env));
    let presenter: Arc<dyn Presenter> = Arc::from(options.output.sink(options.quiet));
    let events: Arc<dyn EventSink> = Arc::new(Tee {
        first: Arc::clone(&presenter),
        second: options.also.clone(),
    });
    let cancel = CancellationToken::new();
    let signals = tokio::spawn(cancel_on_signal(cancel.clone(), Arc::clone(&presenter)));
    let config = exec_config(&plan, options.parallelism);
    let executor = Executor::new(
        plan.name.clone(),
        Dag::from(graph.as_ref()),
        Arc::clone(&runner) as Arc<dyn migrate_exec::Runner>,
        Arc::clone(&store),
    )
    .with_postconditions(runner)
    .with_lineage(lineage)
    .with_config(config)
    .with_events(events)
    .with_cancel(cancel);
    let result = executor.run().await;
    signals.abort();
    presenter.finish();
    match result {
        Ok(summary) => {
            let outcome = summary.outcome();
            if (outcome == RunOutcome::Complete || outcome == RunOutcome::Blocked)
                && let Ok(Some(state)) = store.load()
            {
                report::print_verification(&graph, &state);
            }
            if outcome == RunOutcome::Complete && !options.verify_only {
                super::saved_apply::record_measured(&graph, &store);
            }
            eprintln!("{}", summary.describe());
            if outcome == RunOutcome::Failed {
                eprintln!(
                    "help: fix the cause and run `migrate apply {}` again: done steps are skipped and the failed ones resume",
                    path.display()
                );
            }
            summary.exit_code()
        }
        Err(e) => {
            eprintln!("error: {e}");
            if let migrate_exec::ExecError::Locked(migrate_state::StateError::LockHeld {
                lock,
                ..
            }) = &e
            {
                let state = options
                    .state
                    .location
                    .as_deref()
                    .map(|l| format!(" --state {l}"))
                    .unwrap_or_default();
                eprintln!(
                    "help: wait for that apply to finish; if it is gone for good, remove its lock with\n  migrate state unlock {} {}{state}",
                    lock.id,
                    path.display()
                );
            }
            e.exit_code()
        }
    }
}

/// The plan's TLS settings for one cluster.
pub(crate) fn tls(cluster: &migrate_plan::Cluster) -> migrate_cluster::TlsConfig {
    migrate_cluster::TlsConfig {
        ca_file: cluster.tls.ca_file.clone(),
        client_cert: cluster.tls.client_cert.clone(),
        client_key: cluster.tls.client_key.clone(),
        insecure_skip_verify: cluster.tls.insecure_skip_verify,
    }
}

/// The plan's HTTP bounds for one cluster (`http:`), over the run's default timeouts.
pub(crate) fn http(
    cluster: &migrate_plan::Cluster,
    defaults: &migrate_cluster::Timeouts,
) -> migrate_steps::HttpOptions {
    let h = &cluster.http;
    let ms = |v: Option<u64>, d: Duration| v.map_or(d, Duration::from_millis);
    let mut limits = migrate_cluster::Limits::default();
    if let Some(max) = h.max_response_bytes {
        limits.max_response_bytes = max;
    }
    migrate_steps::HttpOptions {
        timeouts: Some(migrate_cluster::Timeouts {
            connect: ms(h.connect_timeout_ms, defaults.connect),
            read: ms(h.read_timeout_ms, defaults.read),
            request: ms(h.request_timeout_ms, defaults.request),
        }),
        limits,
    }
}

fn exec_config(plan: &Plan, parallelism: Option<u32>) -> ExecConfig {
    let s = &plan.settings;
    ExecConfig {
        parallelism: parallelism.unwrap_or(s.parallelism).max(1) as usize,
        retry: RetryPolicy {
            max_attempts: s.retry.max_attempts.max(1),
            base: Duration::from_millis(s.retry.initial_backoff_ms),
            cap: Duration::from_millis(s.retry.max_backoff_ms),
        },
        ..ExecConfig::default()
    }
}

/// Cancels the run on Ctrl-C or SIGTERM; a second Ctrl-C is left to the default (kill).
async fn cancel_on_signal(cancel: CancellationToken, presenter: Arc<dyn Presenter>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut term) = signal(SignalKind::terminate()) else {
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
    }
    presenter.say("interrupted: stopping running steps and checkpointing the state…");
    cancel.cancel();
}

/// Sends every event to the presenter and, if set, a second sink.
struct Tee {
    first: Arc<dyn Presenter>,
    second: Option<Arc<dyn EventSink>>,
}

impl EventSink for Tee {
    fn emit(&self, event: &Event) {
        self.first.emit(event);
        if let Some(s) = &self.second {
            s.emit(event);
        }
    }
}

impl Clone for ApplyOptions {
    fn clone(&self) -> Self {
        ApplyOptions {
            strict: self.strict,
            parallelism: self.parallelism,
            state: self.state.clone(),
            output: self.output,
            quiet: self.quiet,
            env: self.env.clone(),
            also: self.also.clone(),
            verify_only: self.verify_only,
            auto_approve: self.auto_approve,
        }
    }
}

/// The local directory of the plan's state (dead-letter files go under it); for a state on an
/// object store, `.migrate` next to the plan.
pub(crate) fn local_state_dir(
    plan_path: &Path,
    plan: &Plan,
    state: &StateArg,
) -> Option<std::path::PathBuf> {
    use migrate_state_remote::StateLocation;
    let resolved =
        super::state_store::resolve_or_message(plan_path, plan, state.location.as_deref()).ok()?;
    match resolved.location {
        StateLocation::Dir(d) => Some(d),
        StateLocation::File(f) => f.parent().map(Path::to_path_buf),
        _ => plan_path.parent().map(|d| d.join(".migrate")),
    }
}
