//! Errors of the rule language: plain data with a span, rendered by the caller.
//!
//! Every stage reports through [`RuleError`]; a load returns every error of every file
//! as one [`RuleErrors`]. Messages follow cedar's style: lowercase, no final period,
//! user text in backticks, and a `help` that says what to do.

use super::ast::Span;
use miette::{NamedSource, SourceSpan};

/// One problem in a rule file, with where it is.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{file}:{line}:{col}: {message}")]
pub struct RuleError {
    pub message: String,
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters (not bytes).
    pub col: usize,
    #[source_code]
    pub src: NamedSource<String>,
    #[label("{label}")]
    pub span: SourceSpan,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

/// Every error found while loading a rule set.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{}", render_all(.errors))]
pub struct RuleErrors {
    #[related]
    pub errors: Vec<RuleError>,
}

fn render_all(errors: &[RuleError]) -> String {
    match errors.len() {
        1 => errors[0].to_string(),
        n => format!("{n} errors in the rule files"),
    }
}

impl RuleErrors {
    /// `file:line:col: message` per error, one a line, with help lines indented.
    pub fn render_plain(&self) -> String {
        let mut out = String::new();
        for e in &self.errors {
            out.push_str(&e.to_string());
            out.push('\n');
            if let Some(h) = &e.help {
                out.push_str("  help: ");
                out.push_str(h);
                out.push('\n');
            }
        }
        out
    }
}

/// 1-based line and character column of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// A builder for errors of one file.
#[derive(Clone)]
pub(crate) struct Reporter<'f> {
    pub file: &'f str,
    pub text: &'f str,
}

impl Reporter<'_> {
    pub fn error(
        &self,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) -> RuleError {
        let (line, col) = line_col(self.text, span.start);
        RuleError {
            message: message.into(),
            file: self.file.to_string(),
            line,
            col,
            src: NamedSource::new(self.file, self.text.to_string()),
            span: (span.start, span.end.saturating_sub(span.start)).into(),
            label: label.into(),
            help,
        }
    }
}
