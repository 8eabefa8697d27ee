//! Cutover, verification and execution settings.

/// The cutover gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutover {
    pub approved: bool,
    pub block_source_writes: bool,
}

impl Default for Cutover {
    fn default() -> Self {
        Cutover {
            approved: false,
            block_source_writes: true,
        }
    }
}

/// Checks after the final round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Verify {
    pub level: VerifyLevel,
    pub doc_count: bool,
    pub health: Option<Health>,
    pub recovery: bool,
    pub sample: u32,
}

/// How documents are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VerifyLevel {
    /// Every document both ways by content, and metadata.
    #[default]
    Proof,
    Sampled,
    Counts,
}

impl VerifyLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            VerifyLevel::Proof => "proof",
            VerifyLevel::Sampled => "sampled",
            VerifyLevel::Counts => "counts",
        }
    }
}

/// An index health colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    Green,
    Yellow,
}

impl Health {
    pub fn as_str(self) -> &'static str {
        match self {
            Health::Green => "green",
            Health::Yellow => "yellow",
        }
    }
}

/// How `apply` runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub parallelism: u32,
    pub retry: Retry,
    /// Where the run's state is kept (`s3://`, `oss://`, `cos://`, `file://` or a directory path),
    /// as the CLI's `--state`; `None` leaves it to the CLI. Never holds credentials.
    pub state: Option<String>,
    /// Seconds a wait's progress may stand still before the wait fails (resumably).
    pub stall_timeout_s: u64,
    /// Choices for translating index definitions and metadata.
    pub translate: Translate,
}

/// What to do where a version jump leaves a choice (`settings.translate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translate {
    pub multi_type: MultiType,
    pub keep_allocation: bool,
    pub string_keyword_subfield: bool,
    pub join_field: String,
}

impl Default for Translate {
    fn default() -> Self {
        Translate {
            multi_type: MultiType::Refuse,
            keep_allocation: false,
            string_keyword_subfield: true,
            join_field: "join_field".into(),
        }
    }
}

/// A multi-type index's fate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MultiType {
    #[default]
    Refuse,
    Union,
    Split,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            parallelism: 4,
            retry: Retry::default(),
            state: None,
            stall_timeout_s: 1800,
            translate: Translate::default(),
        }
    }
}

/// Retry policy for transient failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    pub max_attempts: u32,
    pub initial_backoff_ms: u64,
    pub max_backoff_ms: u64,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            max_attempts: 5,
            initial_backoff_ms: 500,
            max_backoff_ms: 30_000,
        }
    }
}
