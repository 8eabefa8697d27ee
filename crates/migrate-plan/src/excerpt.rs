//! What a diagnostic shows of the plan: the lines around each label, with long lines cut to a
//! window around the label (`…` marks a cut), so one diagnostic stays small and cheap to render
//! whatever the file — a 4 MB flow map on one line included. Line and column numbers are the
//! file's own.
//!
//! [`Shown`] is the (masked, printable) text of one load with its line index, built once.
//! [`Shown::excerpt`] cuts one diagnostic's [`Excerpt`] out of it in time proportional to the
//! excerpt; the excerpt is the `miette::SourceCode` the diagnostic renders from, and it answers
//! miette's reads with the file's real line and column numbers.

use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::diagnostic::Label;

/// Lines longer than this (in bytes) are cut to windows around the labels.
const LONG_LINE: usize = 200;
/// Bytes shown on either side of a label in a cut line.
const AROUND: usize = 40;
/// Bytes of a context line (one without a label) shown when it is long.
const CONTEXT_HEAD: usize = 80;
/// At most this many bytes of a label are shown (and underlined).
const LABEL_BYTES: usize = 160;
/// At most this many lines of a multi-line label are shown.
const LABEL_LINES: usize = 3;

/// The text diagnostics show for one load, indexed by line.
#[derive(Debug)]
pub(crate) struct Shown {
    name: Arc<str>,
    text: String,
    /// Byte offset of the start of every line (never empty).
    starts: Vec<usize>,
}

impl Shown {
    pub fn new(name: &str, text: String) -> Self {
        // The end of the text after a final line break starts no line.
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .filter(|&s| s == 0 || s < text.len())
            .collect();
        Shown {
            name: Arc::from(name),
            text,
            starts,
        }
    }

    /// 0-based line of a byte offset.
    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// Byte range of a line without its line break.
    fn line_range(&self, line: usize) -> (usize, usize) {
        let start = self.starts[line];
        let end = self.starts.get(line + 1).map_or(self.text.len(), |&n| n);
        let body = self.text[start..end].trim_end_matches('\n');
        let body = body.strip_suffix('\r').unwrap_or(body);
        (start, start + body.len())
    }

    /// 0-based line and column (in characters) of a byte offset.
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        let (start, end) = self.line_range(line);
        (
            line,
            self.text[start..offset.clamp(start, end)].chars().count(),
        )
    }

    fn floor(&self, mut i: usize) -> usize {
        i = i.min(self.text.len());
        while !self.text.is_char_boundary(i) {
            i -= 1;
        }
        i
    }

    fn ceil(&self, mut i: usize) -> usize {
        i = i.min(self.text.len());
        while !self.text.is_char_boundary(i) {
            i += 1;
        }
        i
    }

    /// The excerpt one diagnostic with these labels shows.
    pub fn excerpt(&self, labels: &[Label]) -> Excerpt {
        // Each label clamped to the text and cut to a few lines and bytes.
        let spans: Vec<(usize, usize)> = labels
            .iter()
            .map(|l| {
                let start = self.floor(l.span.start);
                let last = (self.line_of(start) + LABEL_LINES - 1).min(self.starts.len() - 1);
                let end = (start + l.span.len)
                    .min(start + LABEL_BYTES)
                    .min(self.line_range(last).1.max(start));
                (start, self.ceil(end))
            })
            .collect();
        // The lines to show: each label's lines with one more on either side, merged.
        let mut ranges: Vec<(usize, usize)> = spans
            .iter()
            .map(|&(s, e)| {
                let first = self.line_of(s);
                let last = self.line_of(e.saturating_sub(1).max(s));
                (
                    first.saturating_sub(1),
                    (last + 1).min(self.starts.len() - 1),
                )
            })
            .collect();
        ranges.sort_unstable();
        let mut segments: Vec<(usize, usize)> = Vec::new();
        for (a, b) in ranges {
            match segments.last_mut() {
                Some(last) if a <= last.1 + 1 => last.1 = last.1.max(b),
                _ => segments.push((a, b)),
            }
        }
        let mut ex = Excerpt {
            name: Arc::clone(&self.name),
            text: String::new(),
            lines: Vec::new(),
            labels: Vec::new(),
            primary: None,
        };
        for (segment, &(a, b)) in segments.iter().enumerate() {
            for line in a..=b {
                self.push_line(&mut ex, segment, line, &spans);
            }
        }
        ex.labels = spans
            .iter()
            .map(|&(s, e)| {
                let start = ex.map(s, false);
                let end = ex.map(e, true).max(start);
                SourceSpan::new(start.into(), end - start)
            })
            .collect();
        ex.primary = spans.first().map(|&(s, _)| self.line_col(s));
        ex
    }

    /// Adds one line of the text to the excerpt: whole, or the windows around its labels.
    fn push_line(&self, ex: &mut Excerpt, segment: usize, line: usize, spans: &[(usize, usize)]) {
        let (ls, le) = self.line_range(line);
        let mut windows: Vec<(usize, usize)> = Vec::new();
        if le - ls <= LONG_LINE {
            windows.push((ls, le));
        } else {
            for &(s, e) in spans.iter().filter(|&&(s, e)| s <= le && e >= ls) {
                let from = self.floor(s.max(ls).saturating_sub(AROUND).max(ls));
                let to = self.ceil((e.min(le) + AROUND).min(le));
                windows.push((from, to));
            }
            if windows.is_empty() {
                windows.push((ls, self.ceil(ls + CONTEXT_HEAD)));
            }
            windows.sort_unstable();
            windows.dedup_by(|next, prev| {
                let overlaps = next.0 <= prev.1;
                if overlaps {
                    prev.1 = prev.1.max(next.1);
                }
                overlaps
            });
        }
        let start = ex.text.len();
        let mut pieces = Vec::with_capacity(windows.len());
        let mut at = ls;
        for (i, &(from, to)) in windows.iter().enumerate() {
            if from > at {
                ex.text.push_str(if i == 0 { "… " } else { " … " });
            }
            pieces.push(Piece {
                ex_start: ex.text.len(),
                real_start: from,
                len: to - from,
                col: self.text[ls..from].chars().count(),
            });
            ex.text.push_str(&self.text[from..to]);
            at = to;
        }
        if at < le {
            ex.text.push_str(" …");
        }
        let end = ex.text.len();
        ex.text.push('\n');
        ex.lines.push(ExLine {
            start,
            end,
            line,
            segment,
            pieces,
        });
    }
}

/// A stretch of one line of the text, shown in the excerpt.
#[derive(Debug)]
struct Piece {
    ex_start: usize,
    real_start: usize,
    len: usize,
    /// 0-based column (in characters) of `real_start` in its line.
    col: usize,
}

/// One line of the excerpt.
#[derive(Debug)]
struct ExLine {
    /// Byte range in the excerpt, without the line break.
    start: usize,
    end: usize,
    /// 0-based line in the file.
    line: usize,
    /// Lines of one segment are consecutive in the file.
    segment: usize,
    pieces: Vec<Piece>,
}

/// What one diagnostic shows: a few lines of the text, possibly cut, with its labels mapped onto
/// them.
#[derive(Debug)]
pub(crate) struct Excerpt {
    name: Arc<str>,
    text: String,
    lines: Vec<ExLine>,
    /// The diagnostic's labels, in excerpt offsets.
    labels: Vec<SourceSpan>,
    /// 0-based line and column of the primary label in the file.
    primary: Option<(usize, usize)>,
}

impl Excerpt {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// 1-based line and column of the primary label.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        self.primary.map(|(l, c)| (l + 1, c + 1))
    }

    /// The span of the `i`th label in the excerpt.
    pub fn label(&self, i: usize) -> Option<SourceSpan> {
        self.labels.get(i).copied()
    }

    /// Excerpt offset of a file offset: inside the piece that holds it, or the nearest piece edge
    /// (the start of a later piece, or with `end` the end of an earlier one).
    fn map(&self, real: usize, end: bool) -> usize {
        let mut best = None;
        for p in self.lines.iter().flat_map(|l| &l.pieces) {
            if (p.real_start..=p.real_start + p.len).contains(&real) {
                return p.ex_start + (real - p.real_start);
            }
            if end && p.real_start + p.len <= real {
                best = Some(p.ex_start + p.len);
            }
            if !end && p.real_start > real && best.is_none() {
                best = Some(p.ex_start);
            }
        }
        best.unwrap_or(self.text.len())
    }

    /// The excerpt line holding an excerpt offset.
    fn line_at(&self, offset: usize) -> usize {
        self.lines
            .partition_point(|l| l.start <= offset)
            .saturating_sub(1)
    }

    /// File column (0-based, characters) of an excerpt offset on `line`.
    fn column(&self, line: &ExLine, offset: usize) -> usize {
        let Some(p) = line
            .pieces
            .iter()
            .rev()
            .find(|p| p.ex_start <= offset)
            .or(line.pieces.first())
        else {
            return 0;
        };
        let inside = offset.clamp(p.ex_start, p.ex_start + p.len);
        p.col + self.text[p.ex_start..inside].chars().count()
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let (start, len) = (span.offset(), span.len());
        if start + len > self.text.len() || self.lines.is_empty() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.line_at(start);
        let last = self.line_at((start + len).saturating_sub(1).max(start));
        let segment = self.lines[first].segment;
        if self.lines[last].segment != segment {
            return Err(MietteError::OutOfBounds);
        }
        let mut lo = first;
        while lo > 0 && first - lo < before && self.lines[lo - 1].segment == segment {
            lo -= 1;
        }
        let mut hi = last;
        while hi + 1 < self.lines.len()
            && hi - last < after
            && self.lines[hi + 1].segment == segment
        {
            hi += 1;
        }
        let from = self.lines[lo].start;
        let to = (self.lines[hi].end + 1).min(self.text.len());
        let column = self.column(&self.lines[first], start);
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            &self.text.as_bytes()[from..to],
            SourceSpan::new(from.into(), to - from),
            self.lines[lo].line,
            column,
            hi - lo + 1,
        )))
    }
}

/// The real span of a label, for tests.
#[cfg(test)]
fn shown_of(ex: &Excerpt, i: usize) -> &str {
    let s = ex.labels[i];
    &ex.text[s.offset()..s.offset() + s.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::Span;

    fn label(start: usize, len: usize) -> Label {
        Label {
            span: Span::new(start, len),
            text: String::new(),
        }
    }

    #[test]
    fn short_lines_are_shown_whole_with_one_line_of_context() {
        let text = "a: 1\nb: 2\nc: 3\nd: 4\n";
        let shown = Shown::new("p.yaml", text.to_owned());
        let ex = shown.excerpt(&[label(10, 1)]);
        assert_eq!(ex.text, "b: 2\nc: 3\nd: 4\n");
        assert_eq!(shown_of(&ex, 0), "c");
        assert_eq!(ex.line_col(), Some((3, 1)));
    }

    #[test]
    fn a_long_line_is_cut_to_a_window_around_each_label() {
        let line = format!("m: {{{}}}", "k: v, ".repeat(100_000));
        let at = line.len() / 2;
        let at = at - at % 6 + 4; // the start of a `k`
        let shown = Shown::new("p.yaml", format!("version: 1\n{line}\n"));
        let ex = shown.excerpt(&[label(11 + at, 1), label(11 + 4, 1)]);
        assert!(ex.text.len() < 400, "{}", ex.text);
        assert_eq!(shown_of(&ex, 0), "k");
        assert_eq!(shown_of(&ex, 1), "k");
        assert!(ex.text.contains(" … "), "{}", ex.text);
        assert_eq!(ex.line_col(), Some((2, at + 1)));
    }

    #[test]
    fn labels_far_apart_get_separate_segments() {
        let text: String = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
        let shown = Shown::new("p.yaml", text.clone());
        let second = text.find("k90").expect("k90");
        let ex = shown.excerpt(&[label(0, 2), label(second, 3)]);
        assert_eq!(
            ex.lines.iter().map(|l| l.line).collect::<Vec<_>>(),
            [0, 1, 89, 90, 91]
        );
        assert_eq!(shown_of(&ex, 1), "k90");
    }
}
