//! One-line descriptions of what each step does, for every renderer.

use crate::blueprint::{AfterCopy, Store};
use crate::kind::{Pass, RemoteAuth, StepKind};

/// A one-line description of what the step does, for every renderer.
pub fn describe(kind: &StepKind) -> String {
    match kind {
        StepKind::CheckVersions {
            strategy,
            declared_source,
            declared_destination,
        } => {
            let mut s = format!(
                "detect both cluster versions and check the {strategy} strategy can move data between them"
            );
            if let (Some(from), Some(into)) = (declared_source, declared_destination) {
                let judged = if strategy == "snapshot" {
                    crate::preflight::restore_compatibility(*from, *into).map(|()| Vec::new())
                } else {
                    crate::preflight::reindex_compatibility(*from, *into)
                };
                match judged {
                    Ok(notes) if notes.is_empty() => {
                        s.push_str(&format!(" (declared: {from} -> {into}, compatible)"));
                    }
                    Ok(notes) => s.push_str(&format!(
                        " (declared: {from} -> {into}, compatible; {})",
                        notes.join("; ")
                    )),
                    Err(why) => s.push_str(&format!(" (declared: INCOMPATIBLE: {why})")),
                }
            }
            if strategy == "snapshot" {
                s.push_str("; both stores reachable with the plan's credentials (LIST one key each; not checked when both clusters share one store)");
            }
            s
        }
        StepKind::CheckRepositoryName {
            source,
            destination,
        } => {
            let problems: Vec<String> = [source, destination]
                .iter()
                .filter_map(|n| crate::preflight::repository_name_problem(n))
                .collect();
            if problems.is_empty() {
                format!("check repository names `{source}` and `{destination}` (ok)")
            } else {
                format!("check repository names: {}", problems.join("; "))
            }
        }
        StepKind::CheckRemoteAllowlist { remote_host } => {
            let host = remote_host.split("://").nth(1).unwrap_or(remote_host);
            format!(
                "check the destination allows `{host}` in reindex.remote.whitelist / reindex.remote.allowlist"
            )
        }
        StepKind::RegisterRepository {
            side,
            name,
            store,
            readonly,
        } => format!(
            "register {} repository `{name}` ({}{})",
            side.as_str(),
            store_location(store),
            if *readonly { ", read-only" } else { "" }
        ),
        StepKind::CreateSnapshot {
            snapshot,
            indices,
            until,
            ..
        } => {
            let skip = until.as_ref().map_or_else(String::new, |u| {
                format!(", skipped with the rest of its round when the round before it had a delta of {u} (until)")
            });
            format!(
                "snapshot {} index entr{} as `{snapshot}`{skip}",
                indices.len(),
                if indices.len() == 1 { "y" } else { "ies" }
            )
        }
        StepKind::WaitSnapshot { snapshot, .. } => {
            format!("wait until snapshot `{snapshot}` is SUCCESS")
        }
        StepKind::TransferObjects { from, to, round } => format!(
            "copy the repository's new objects for {round} from {} to {} (data first, index.latest last)",
            store_location(from),
            store_location(to)
        ),
        StepKind::CloseIndex { index, .. } => {
            format!("close destination index `{index}` for the incremental restore")
        }
        StepKind::Restore {
            snapshot,
            source_index,
            destination_index,
            ..
        } => {
            if source_index == destination_index {
                format!("restore `{source_index}` from `{snapshot}` (replicas 0, refresh -1)")
            } else {
                format!(
                    "restore `{source_index}` as `{destination_index}` from `{snapshot}` (replicas 0, refresh -1)"
                )
            }
        }
        StepKind::OpenIndex { index, .. } => format!("open destination index `{index}`"),
        StepKind::WaitRecovery { index, .. } => format!("wait until `{index}` has recovered"),
        StepKind::CreateIndex {
            source_index,
            destination_index,
            exclude,
            number_of_replicas,
            refresh_interval,
        } => {
            let excluded = if exclude.is_empty() {
                String::new()
            } else {
                format!(", excluding {}", exclude.join(", "))
            };
            format!(
                "create `{destination_index}` from `{source_index}`'s settings and mappings{excluded} (replicas {number_of_replicas}, refresh {refresh_interval})"
            )
        }
        StepKind::Reindex {
            source_index,
            pass,
            update_field,
            remote,
            ..
        } => {
            let what = pass_text(pass, source_index, update_field.as_deref());
            match &remote.auth {
                RemoteAuth::Unsupported { reason } => {
                    format!("{what} with remote reindex (WILL FAIL: {reason})")
                }
                _ => format!("{what} with remote reindex"),
            }
        }
        StepKind::Copy {
            source_index,
            destination_index,
            pass,
            update_field,
            budget,
            dead_letters,
            ..
        } => {
            let ceiling = match (budget.documents_per_second, budget.bytes_per_second) {
                (None, None) => String::new(),
                (Some(d), None) => format!(", at most {d} docs/s"),
                (None, Some(b)) => format!(", at most {b} bytes/s"),
                (Some(d), Some(b)) => format!(", at most {d} docs/s and {b} bytes/s"),
            };
            format!(
                "{} into `{destination_index}` with _bulk ({} slices, batches of {} docs, {} requests in flight{ceiling}, rate adapting to the destination; refused documents to <state dir>/{dead_letters})",
                pass_text(pass, source_index, update_field.as_deref()),
                budget.slices,
                budget.batch_size,
                budget.concurrency
            )
        }
        StepKind::Gate { approved: true } => {
            "cutover gate: approved (cutover.approved: true)".into()
        }
        StepKind::Gate { approved: false } => {
            "cutover gate: apply stops here until the plan sets cutover.approved: true".into()
        }
        StepKind::SnapshotReindex {
            repository,
            snapshot,
            previous,
            source_index,
            destination_index,
            shard_concurrency,
            ..
        } => {
            let which = match previous {
                Some(p) => format!("the segments new since `{p}`"),
                None => "every live document".to_owned(),
            };
            format!(
                "load {which} of `{source_index}` in snapshot `{snapshot}` (repository `{repository}`, read from its store) into `{destination_index}`, {shard_concurrency} shards at a time"
            )
        }
        StepKind::BlockWrites { index } => format!("block writes on source index `{index}`"),
        StepKind::ReconcileDeletes {
            source_index,
            destination_index,
        } => format!(
            "delete from `{destination_index}` the documents `{source_index}` no longer has (ids compared both sides, deleted by id)"
        ),
        StepKind::RestoreSettings {
            destination_index,
            after,
            ..
        } if matches!(**after, AfterCopy::Set(_)) => {
            let AfterCopy::Set(values) = &**after else {
                return String::new();
            };
            let list: Vec<String> = values.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            format!(
                "set `{destination_index}`'s settings after the copy: {}",
                list.join(", ")
            )
        }
        StepKind::RestoreSettings {
            destination_index, ..
        } => {
            format!(
                "put back `{destination_index}`'s replica count and refresh interval from the source"
            )
        }
        StepKind::Verify {
            destination_index,
            checks,
            ..
        } => {
            let mut parts = Vec::new();
            match checks.level.as_str() {
                "proof" => parts.push(
                    "proof (every document both ways by content, mappings, settings, aliases)"
                        .to_owned(),
                ),
                "counts" => parts.push("document counts only (not proven)".to_owned()),
                _ => {}
            }
            if checks.doc_count {
                parts.push("document count".to_owned());
            }
            if let Some(h) = &checks.health {
                parts.push(format!("health {h}"));
            }
            if checks.recovery {
                parts.push("recovery".to_owned());
            }
            if checks.sample_size() > 0 {
                parts.push(format!(
                    "{} sampled documents (not proven)",
                    checks.sample_size()
                ));
            }
            format!("verify `{destination_index}`: {}", parts.join(", "))
        }
        StepKind::MigrateMetadata {
            object,
            include,
            exclude,
            replace,
        } => {
            let mut text = format!(
                "migrate {} `{}`",
                object.name().replace('-', " "),
                include.join("`, `")
            );
            if !exclude.is_empty() {
                text.push_str(&format!(" except `{}`", exclude.join("`, `")));
            }
            text.push_str(if *replace {
                " (translated; a different destination copy is replaced)"
            } else {
                " (translated; a different destination copy fails the step)"
            });
            text
        }
        StepKind::CopyDataStreams {
            include,
            exclude,
            replace,
        } => format!(
            "data streams {}: template and component templates migrated ({}), stream created, documents written with op_type create (ids and @timestamp kept; a 409 on a re-run is a document already present)",
            selection(include, exclude),
            if *replace {
                "a different destination copy is replaced"
            } else {
                "a different destination copy fails the step"
            }
        ),
        StepKind::VerifyDataStreams { include, exclude } => format!(
            "prove data streams {} equal on both sides: every document of both streams, by id and content",
            selection(include, exclude)
        ),
    }
}

/// The selection as text: `` `a`, `b` except `c` ``.
fn selection(include: &[String], exclude: &[String]) -> String {
    let mut text = format!("`{}`", include.join("`, `"));
    if !exclude.is_empty() {
        text.push_str(&format!(" except `{}`", exclude.join("`, `")));
    }
    text
}

fn store_location(store: &Store) -> String {
    store.kind().location()
}

/// What a pass over `source_index` copies (reindex and copy strategies).
fn pass_text(pass: &Pass, source_index: &str, update_field: Option<&str>) -> String {
    let field = update_field.unwrap_or("");
    match pass {
        Pass::Initial { partition } => {
            format!("copy partition `{partition}` of `{source_index}`")
        }
        Pass::Incremental { n, until: None } => {
            format!("incremental pass {n} of `{source_index}` on `{field}`")
        }
        Pass::Incremental { n, until: Some(u) } => format!(
            "incremental pass {n} of `{source_index}` on `{field}`, skipped when the pass before it had a delta of {u} (until)"
        ),
        Pass::MissingField => format!("copy `{source_index}` documents without `{field}`"),
        Pass::Final if update_field.is_some() => {
            format!("final incremental pass of `{source_index}`")
        }
        Pass::Final => format!("final full pass of `{source_index}`"),
        Pass::FinalMissingField => {
            format!("final pass over `{source_index}` documents without `{field}`")
        }
    }
}
