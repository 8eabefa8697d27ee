//! The rule table and the ILM → ISM mapping as Markdown, for `docs/translation.md` (a test fails
//! when the page drifts from the table).

use crate::lifecycle::{ACTIONS, PHASES};
use crate::rules::RULES;
use crate::span::render_all;

/// Where the generated rule table starts and ends in `docs/translation.md`.
pub const RULES_MARKERS: (&str, &str) = ("<!-- rules:start -->", "<!-- rules:end -->");
/// Where the generated ILM → ISM table starts and ends.
pub const ILM_MARKERS: (&str, &str) = ("<!-- ilm:start -->", "<!-- ilm:end -->");

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The rule table.
pub fn rules_markdown() -> String {
    let mut out = String::from(
        "| rule | action | objects | source | destination | what and why | docs |\n|---|---|---|---|---|---|---|\n",
    );
    for r in RULES {
        let objects = r
            .objects
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(", ");
        let docs = r
            .docs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                if d.starts_with("http") {
                    format!("[{}]({d})", i + 1)
                } else {
                    cell(d)
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} |\n",
            r.id,
            r.action.name(),
            objects,
            render_all(r.source),
            render_all(r.destination),
            cell(r.summary),
            docs
        ));
    }
    out
}

/// The ILM → ISM action mapping.
pub fn ilm_markdown() -> String {
    let mut out = format!(
        "Phases become states in this order: {}. Each state moves to the next present one when \
         the next phase's `min_age` is reached (`min_index_age`).\n\n| ILM action | ISM action | how, or why not |\n|---|---|---|\n",
        PHASES
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(" → ")
    );
    for (ilm, ism, how) in ACTIONS {
        let ism = ism
            .map(|s| format!("`{s}`"))
            .unwrap_or_else(|| "— (refused)".to_string());
        out.push_str(&format!("| `{ilm}` | {ism} | {} |\n", cell(how)));
    }
    out
}
