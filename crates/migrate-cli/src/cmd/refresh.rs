//! `migrate plan --refresh [--out FILE]`: the dry run plus what the clusters hold now, read with
//! clients that refuse every write (`migrate_cluster::read_only`); with `--out`, the saved plan
//! `migrate apply FILE` runs or refuses. Only the saved plan file is written.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use migrate_graph::{Progress, render_with_live};
use migrate_plan::Plan;
use migrate_state::Measured;
use migrate_steps::PlanRunner;

use super::live::{self, saved::SavedPlan};
use super::load::EXIT_BAD_INPUT;
use super::plan::PlanArgs;

pub fn run(args: &PlanArgs) -> ExitCode {
    let Ok((plan, _warnings)) = super::load::load_plan(&args.plan, false) else {
        return ExitCode::from(EXIT_BAD_INPUT);
    };
    let graph = match migrate_graph::compile(&plan) {
        Ok(g) => Arc::new(g),
        Err(e) => {
            eprintln!("error: {}: {e}", args.plan.display());
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let progress = match super::plan::read_recorded(&args.plan, &plan, args.state.as_deref()) {
        Ok(map) => map.map(|(m, _)| Progress::resolve(&graph, &m)),
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let measured = measured(&args.plan, &plan, args.state.as_deref());
    let Ok(rt) = tokio::runtime::Runtime::new() else {
        eprintln!("error: could not start the async runtime");
        return ExitCode::from(1);
    };
    let read = rt.block_on(async {
        let env = live::read_only_env(&args.plan, &plan).await?;
        let runner = PlanRunner::new(Arc::clone(&graph), env);
        let inventory = live::read_inventory(&plan, &runner).await?;
        let checks = live::preflight(&runner).await;
        // The lint of `migrate lint`, over what the source holds now (nothing is written: the
        // capture file stays `migrate lint`'s).
        let bp = migrate_graph::blueprint::Blueprint::from(&plan);
        let capture = crate::lint::collect::collect(&bp, runner.env().source())
            .await
            .map_err(|e| runner.env().redact(&e.to_string()));
        Ok::<_, String>((inventory, checks, capture))
    });
    let (inventory, checks, capture) = match read {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: refreshing `{}`: {e}", args.plan.display());
            return ExitCode::from(1);
        }
    };
    let failed = checks.iter().filter(|c| !c.ok).count();
    let destination_version = inventory
        .clusters
        .iter()
        .find(|c| c.side == "destination")
        .and_then(|c| c.version.clone());
    let lint = crate::lint::live_report(&plan, capture, destination_version.as_deref());
    let mut report = live::report(&plan, &graph, &inventory, checks, &lint, &measured);
    if let Some(out) = args.out.as_ref().filter(|_| failed == 0) {
        let saved = match SavedPlan::new(&args.plan, &plan, &graph, inventory) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(EXIT_BAD_INPUT);
            }
        };
        report.fingerprint = Some(saved.fingerprint.clone());
        let text = serde_json::to_string_pretty(&saved).unwrap_or_default();
        if let Err(e) = std::fs::write(out, text + "\n") {
            eprintln!(
                "error: cannot write the saved plan `{}`: {e}",
                out.display()
            );
            return ExitCode::from(1);
        }
        eprintln!(
            "saved plan written to {} (apply it with `migrate apply {}`)",
            out.display(),
            out.display()
        );
    }
    super::stdout::stream(|w| {
        render_with_live(
            &graph,
            progress.as_ref(),
            args.format.into(),
            Some(&lint),
            &report,
            w,
        )
    });
    let lint_fails = crate::lint::print_failures(&lint, args.strict);
    if failed > 0 {
        eprintln!("error: {failed} preflight check(s) failed (see the Preflight section)");
        if let Some(out) = &args.out {
            eprintln!(
                "no saved plan written to {}: a plan whose preflight fails is not one to approve",
                out.display()
            );
        }
        return ExitCode::from(1);
    }
    if lint_fails {
        return ExitCode::from(EXIT_BAD_INPUT);
    }
    ExitCode::SUCCESS
}

/// The rates the last complete apply of this state measured (none when there is no state).
fn measured(path: &Path, plan: &Plan, flag: Option<&str>) -> BTreeMap<String, Measured> {
    let arg = super::state_store::StateArg {
        location: flag.map(str::to_owned),
    };
    super::state_store::open_backend(path, plan, &arg)
        .ok()
        .and_then(|b| b.as_store().load().ok().flatten())
        .map(|s| s.live.measured)
        .unwrap_or_default()
}
