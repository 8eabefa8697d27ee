//! How `apply` shows a run: progress bars on a terminal, plain timestamped lines otherwise, or one
//! JSON object per event (`--output json`) for pipelines. All three read the executor's event stream.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;

use clap::ValueEnum;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use migrate_exec::{Event, EventSink, describe, json_line, plain_line};
use time::OffsetDateTime;

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputMode {
    /// Progress bars on a terminal, plain lines otherwise.
    Auto,
    /// Timestamped lines, one per transition.
    Plain,
    /// One JSON object per transition on stdout (`event`, `time`, fields).
    Json,
}

impl OutputMode {
    /// The sink for this mode. `quiet` keeps only failures, blocks and the end of the run.
    pub fn sink(self, quiet: bool) -> Box<dyn Presenter> {
        match self {
            OutputMode::Json => Box::new(JsonLines),
            OutputMode::Plain => Box::new(PlainLines { quiet }),
            OutputMode::Auto if !quiet && std::io::stderr().is_terminal() => Box::new(Bars::new()),
            OutputMode::Auto => Box::new(PlainLines { quiet }),
        }
    }
}

/// An event sink that can also print lines of its own without tearing progress bars.
pub trait Presenter: EventSink {
    /// Prints a line for the person running apply (stderr, or nothing in JSON mode).
    fn say(&self, line: &str);
    /// Clears bars before the final report.
    fn finish(&self) {}
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// `--output json`: events on stdout, one per line; nothing else goes to stdout.
struct JsonLines;

impl EventSink for JsonLines {
    fn emit(&self, event: &Event) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", json_line(event, now()));
        let _ = out.flush();
    }
}

impl Presenter for JsonLines {
    fn say(&self, line: &str) {
        eprintln!("{line}");
    }
}

/// Plain lines on stderr (logs, CI without a terminal).
struct PlainLines {
    quiet: bool,
}

fn is_loud(event: &Event) -> bool {
    matches!(
        event,
        Event::StepFailed { .. }
            | Event::StepBlocked { .. }
            | Event::StepInterrupted { .. }
            | Event::StaleLockTakenOver { .. }
            | Event::RunFinished { .. }
    )
}

impl EventSink for PlainLines {
    fn emit(&self, event: &Event) {
        if matches!(event, Event::RunFinished { .. }) {
            return; // the caller prints the summary
        }
        if self.quiet && !is_loud(event) {
            return;
        }
        if let Event::Progress { .. } | Event::StepSkipped { .. } = event {
            // Progress arrives at every poll, and `run_started` already counts the done steps
            // a resumed run skips: plain logs keep one line per transition.
            return;
        }
        eprintln!("{}", plain_line(event, now()));
    }
}

impl Presenter for PlainLines {
    fn say(&self, line: &str) {
        eprintln!("{line}");
    }
}

/// Progress bars: one overall bar (steps) and one line per running step with its own progress.
struct Bars {
    multi: MultiProgress,
    overall: ProgressBar,
    running: Mutex<HashMap<String, ProgressBar>>,
}

impl Bars {
    fn new() -> Self {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(8));
        let overall = multi.add(ProgressBar::new(0));
        overall.set_style(
            ProgressStyle::with_template(
                "{prefix:.bold} [{elapsed_precise}] {wide_bar} {pos}/{len} steps {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        overall.set_prefix("apply");
        overall.enable_steady_tick(Duration::from_millis(250));
        Bars {
            multi,
            overall,
            running: Mutex::new(HashMap::new()),
        }
    }

    fn step_bar(&self, id: &str) -> ProgressBar {
        let bar = self.multi.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("  {spinner} {prefix} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_prefix(id.to_owned());
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }

    fn drop_bar(&self, id: &str) {
        if let Some(bar) = self.lock().remove(id) {
            bar.finish_and_clear();
            self.multi.remove(&bar);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, ProgressBar>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }
}

const BAR: &str = "  {prefix} [{bar:30}] {pos}/{len} {msg} ({per_sec}, eta {eta})";

impl EventSink for Bars {
    fn emit(&self, event: &Event) {
        match event {
            Event::RunStarted { steps, .. } => {
                self.overall.set_length(*steps as u64);
                self.multi.println(describe(event)).ok();
            }
            Event::StepSkipped { .. } => self.overall.inc(1),
            Event::StepStarted { id, .. } => {
                let bar = self.step_bar(id);
                self.lock().insert(id.clone(), bar);
            }
            Event::Progress { id, progress } => {
                let running = self.lock();
                if let Some(bar) = running.get(id) {
                    if let (Some(done), Some(total)) = (progress.done, progress.total) {
                        if bar.length() != Some(total) {
                            bar.set_style(
                                ProgressStyle::with_template(BAR)
                                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                                    .progress_chars("=> "),
                            );
                            bar.set_length(total);
                        }
                        bar.set_position(done);
                        bar.set_message(progress.unit);
                    } else if let Some(msg) = &progress.message {
                        bar.set_message(msg.clone());
                    }
                }
            }
            Event::StepDone { id, .. } => {
                self.drop_bar(id);
                self.overall.inc(1);
                self.multi.println(format!("  ✓ {id}")).ok();
            }
            Event::StepRetrying { .. }
            | Event::StaleLockTakenOver { .. }
            | Event::StepNotice { .. }
            | Event::PostconditionBroken { .. } => {
                self.multi.println(format!("  {}", describe(event))).ok();
            }
            Event::StepFailed { id, .. }
            | Event::StepBlocked { id, .. }
            | Event::StepInterrupted { id } => {
                self.drop_bar(id);
                self.multi.println(format!("  {}", describe(event))).ok();
            }
            Event::RunFinished { .. } => {}
        }
    }
}

impl Presenter for Bars {
    fn say(&self, line: &str) {
        self.multi.println(line).ok();
    }

    fn finish(&self) {
        for (_, bar) in self.lock().drain() {
            bar.finish_and_clear();
        }
        self.overall.finish_and_clear();
    }
}
