//! Renders diagnostics with miette's graphical handler: `file:line:col`, the snippet with labels, and
//! the help line. Colour only on a terminal and never with `NO_COLOR`; tests render plain.

use miette::{GraphicalReportHandler, GraphicalTheme};

use crate::diagnostic::PlanDiagnostic;

/// How to render.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    /// ANSI colours.
    pub color: bool,
    /// Line width for wrapping; `None` never wraps.
    pub width: Option<usize>,
}

impl RenderOptions {
    /// No colour, no wrapping: stable text for files, pipes and snapshot tests.
    pub fn plain() -> Self {
        RenderOptions {
            color: false,
            width: None,
        }
    }

    /// Colour when `stderr` is a terminal and `NO_COLOR` is unset (or empty).
    pub fn for_stderr() -> Self {
        use std::io::IsTerminal;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        RenderOptions {
            color: !no_color && std::io::stderr().is_terminal(),
            width: None,
        }
    }
}

/// Renders one diagnostic.
pub fn render_diagnostic(d: &PlanDiagnostic, opts: &RenderOptions) -> String {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut handler = GraphicalReportHandler::new_themed(theme).with_links(false);
    handler = match opts.width {
        Some(w) => handler.with_width(w),
        None => handler.with_width(usize::MAX).with_wrap_lines(false),
    };
    let mut out = String::new();
    if handler.render_report(&mut out, d).is_err() {
        out = format!("{}: {}\n", d.code, d.message);
    }
    out
}

/// Renders every diagnostic, each followed by a blank line.
pub fn render<'a>(
    diags: impl IntoIterator<Item = &'a PlanDiagnostic>,
    opts: &RenderOptions,
) -> String {
    let mut out = String::new();
    for d in diags {
        out.push_str(&render_diagnostic(d, opts));
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push('\n');
    }
    out
}
