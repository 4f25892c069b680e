//! Why a command failed: the engine refused ([`Refusal`], typed, worded by
//! `messages`), or the edge itself could not do its part (a file it cannot read, a CSV
//! row it cannot parse, a server it cannot reach) — those it words at once, with a
//! stable code for `--json`.

use shine_engine::refusal::Refusal;

/// A failure of the edge, already in Chinese.
#[derive(Debug)]
pub struct EdgeError {
    /// Stable, for programs: `file_unreadable`, `bad_date`, `http_status`, ….
    pub code: &'static str,
    pub message: String,
    /// What to do next.
    pub help: Option<String>,
    /// Extra fields of the JSON error.
    pub details: serde_json::Value,
}

#[derive(Debug)]
pub enum Failure {
    Refused(Box<Refusal>),
    Edge(EdgeError),
    /// The engine refused after the edge had done part of the work it reports.
    After { done: String, refusal: Box<Refusal> },
}

pub type Result<T, E = Failure> = std::result::Result<T, E>;

impl From<Refusal> for Failure {
    fn from(r: Refusal) -> Failure {
        Failure::Refused(Box::new(r))
    }
}

impl From<EdgeError> for Failure {
    fn from(e: EdgeError) -> Failure {
        Failure::Edge(e)
    }
}

impl From<shine_engine::store::StoreError> for Failure {
    fn from(e: shine_engine::store::StoreError) -> Failure {
        Failure::Refused(Box::new(e.into()))
    }
}

impl EdgeError {
    pub fn new(code: &'static str, message: impl Into<String>) -> EdgeError {
        EdgeError { code, message: message.into(), help: None, details: serde_json::Value::Null }
    }

    pub fn help(mut self, help: impl Into<String>) -> EdgeError {
        self.help = Some(help.into());
        self
    }

    pub fn details(mut self, details: serde_json::Value) -> EdgeError {
        self.details = details;
        self
    }
}

/// `fail!(code, "message {}", x)` and `fail!(code, help = "…", "message")`: an
/// [`EdgeError`] as a [`Failure`].
#[macro_export]
macro_rules! fail {
    ($code:literal, help = $help:expr, $($arg:tt)+) => {
        $crate::failure::Failure::Edge($crate::failure::EdgeError::new($code, format!($($arg)+)).help($help))
    };
    ($code:literal, $($arg:tt)+) => {
        $crate::failure::Failure::Edge($crate::failure::EdgeError::new($code, format!($($arg)+)))
    };
}
