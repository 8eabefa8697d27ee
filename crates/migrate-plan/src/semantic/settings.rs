//! Execution settings: parallelism, retries, and where the state lives.

use migrate_core::store::url::parse_location;

use super::{Cx, Path};
use crate::model::*;
use crate::wire::*;

pub(super) fn settings(w: Option<&SettingsWire>, p: &Path, cx: &mut Cx<'_>) -> Settings {
    let d = Settings::default();
    let Some(w) = w else { return d };
    let r = w.retry.clone().unwrap_or_default();
    let retry = Retry {
        max_attempts: r.max_attempts.unwrap_or(d.retry.max_attempts),
        initial_backoff_ms: r.initial_backoff_ms.unwrap_or(d.retry.initial_backoff_ms),
        max_backoff_ms: r.max_backoff_ms.unwrap_or(d.retry.max_backoff_ms),
    };
    if retry.initial_backoff_ms > retry.max_backoff_ms {
        let span = cx.value(&p.k("retry").k("initial_backoff_ms"));
        cx.error(
            "plan::range",
            format!(
                "the first backoff ({} ms) is longer than the longest ({} ms)",
                retry.initial_backoff_ms, retry.max_backoff_ms
            ),
            span,
            "longer than `max_backoff_ms`",
            "make `initial_backoff_ms` at most `max_backoff_ms`".into(),
        );
    }
    let state = w
        .state
        .as_deref()
        .and_then(|s| state_location(s, &p.k("state"), cx));
    Settings {
        parallelism: w.parallelism.unwrap_or(d.parallelism),
        retry,
        state,
        stall_timeout_s: w.stall_timeout_s.unwrap_or(d.stall_timeout_s),
        translate: translate(w.translate.as_ref()),
    }
}

/// `settings.translate`, defaults filled in.
fn translate(w: Option<&TranslateWire>) -> Translate {
    let d = Translate::default();
    let Some(w) = w else { return d };
    Translate {
        multi_type: match w.multi_type {
            None | Some(MultiTypeWire::Refuse) => MultiType::Refuse,
            Some(MultiTypeWire::Union) => MultiType::Union,
            Some(MultiTypeWire::Split) => MultiType::Split,
        },
        keep_allocation: w.keep_allocation.unwrap_or(d.keep_allocation),
        string_keyword_subfield: w
            .string_keyword_subfield
            .unwrap_or(d.string_keyword_subfield),
        join_field: w.join_field.clone().unwrap_or(d.join_field),
    }
}

/// `settings.state`: a store URL (checked by the one store-URL parser,
/// `migrate_core::store::url`) or a directory path.
fn state_location(s: &str, p: &Path, cx: &mut Cx<'_>) -> Option<String> {
    const FORMS: &str = "write `s3://bucket/prefix?region=REGION`, `oss://bucket/prefix?endpoint=HOST`, `cos://bucket/prefix?region=REGION`, `azure://container/prefix?account=NAME`, `gs://bucket/prefix`, `file:///dir` or a directory path; credentials come from each provider's chain or the environment, never from the plan";
    let problem = if s.trim().is_empty() {
        Some("the state location is empty".to_owned())
    } else {
        parse_location(s).err().map(|e| e.to_string())
    };
    match problem {
        None => Some(s.to_owned()),
        Some(message) => {
            let span = cx.value(p);
            cx.error(
                "plan::state",
                format!("`{}`: {message}", p.display()),
                span,
                "not a state location",
                FORMS.into(),
            );
            None
        }
    }
}
