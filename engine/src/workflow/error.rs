//! Errors of workflow and escalation files, and the `Source` that places them.
//!
//! Errors are plain data: a lowercase message naming the offending text in
//! backticks, the file with a 1-based line and column, a byte span for `miette`,
//! and a help line saying what to do. This module never renders them; the `shine`
//! binary does. Semantic errors have no parser token to point at, so `Source`
//! finds the offending id in the text (its definition `id: "x"`, or a quoted
//! reference after the item that makes it), which is good enough to underline.

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

/// One problem in a workflow or escalation file.
#[derive(Debug, Clone, PartialEq, Eq, Error, Diagnostic)]
#[error("{message}")]
pub struct WorkflowError {
    /// What is wrong, lowercase, user text in backticks.
    pub message: String,
    /// The file name as given to `load`, e.g. `workflows/quarter.ron`.
    pub file: String,
    /// 1-based line of the offending text (1 when it could not be found).
    pub line: usize,
    /// 1-based column, counted in characters.
    pub col: usize,
    /// What to do about it.
    #[help]
    pub help: Option<String>,
    /// The offending text, as a byte range of the file.
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    /// The text under the underline, e.g. `no step leaves this state`.
    pub label: String,
}

impl WorkflowError {
    /// `file:line:col`, as editors and terminals link it.
    pub fn position(&self) -> String {
        format!("{}:{}:{}", self.file, self.line, self.col)
    }
}

/// Every problem found in one file; loading never stops at the first.
#[derive(Debug, Error, Diagnostic)]
#[error("{}", summary(file, errors.len()))]
pub struct WorkflowErrors {
    pub file: String,
    #[source_code]
    pub source_code: NamedSource<String>,
    #[related]
    pub errors: Vec<WorkflowError>,
}

fn summary(file: &str, count: usize) -> String {
    match count {
        1 => format!("`{file}` has a problem"),
        n => format!("`{file}` has {n} problems"),
    }
}

/// A file's name and text, for placing errors in it.
pub(crate) struct Source<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

impl<'a> Source<'a> {
    pub fn new(name: &'a str, text: &'a str) -> Self {
        Source { name, text }
    }

    /// Offset of the definition `id: "x"` at or after `from`.
    pub fn definition(&self, id: &str, from: usize) -> Option<usize> {
        let quoted = format!("\"{id}\"");
        let mut at = from.min(self.text.len());
        while let Some(found) = self.text.get(at..)?.find(&quoted) {
            let offset = at + found;
            let before = self.text[..offset].trim_end();
            if before.ends_with(':') && before[..before.len() - 1].trim_end().ends_with("id") {
                return Some(offset);
            }
            at = offset + quoted.len();
        }
        None
    }

    /// Offset of the first quoted `"value"` at or after `from`.
    pub fn quoted(&self, value: &str, from: usize) -> Option<usize> {
        let quoted = format!("\"{value}\"");
        let from = from.min(self.text.len());
        self.text.get(from..)?.find(&quoted).map(|found| from + found)
    }

    /// Offset of the first `word` at or after `from` (unquoted, e.g. an effect).
    pub fn word(&self, word: &str, from: usize) -> Option<usize> {
        let from = from.min(self.text.len());
        self.text.get(from..)?.find(word).map(|found| from + found)
    }

    /// Byte offset of a 1-based line and character column, as RON reports them.
    pub fn offset_of(&self, line: usize, col: usize) -> usize {
        let mut offset = 0;
        for (index, text) in self.text.split_inclusive('\n').enumerate() {
            if index + 1 == line {
                let within: usize = text
                    .chars()
                    .take(col.saturating_sub(1))
                    .map(char::len_utf8)
                    .sum();
                return offset + within;
            }
            offset += text.len();
        }
        self.text.len()
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = self.text.get(..offset).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |at| at + 1);
        let col = before[line_start..].chars().count() + 1;
        (line, col)
    }

    /// An error spanning `len` bytes at `offset`, or the start of the file when
    /// the offending text could not be found.
    pub fn error(&self, at: Option<(usize, usize)>, message: String, label: &str, help: &str) -> WorkflowError {
        let (line, col) = at.map_or((1, 1), |(offset, _)| self.line_col(offset));
        WorkflowError {
            message,
            file: self.name.to_string(),
            line,
            col,
            help: (!help.is_empty()).then(|| help.to_string()),
            span: at.map(|(offset, len)| SourceSpan::from((offset, len))),
            label: label.to_string(),
        }
    }

    /// All `errors` of this file, or `Ok` when there are none.
    pub fn finish(&self, mut errors: Vec<WorkflowError>) -> Result<(), WorkflowErrors> {
        // In file order, as a reader goes through the file; the sort is stable, so
        // errors at one place keep the order of the checks.
        errors.sort_by_key(|error| (error.line, error.col));
        if errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors(errors))
        }
    }

    pub fn errors(&self, errors: Vec<WorkflowError>) -> WorkflowErrors {
        WorkflowErrors {
            file: self.name.to_string(),
            source_code: NamedSource::new(self.name, self.text.to_string()),
            errors,
        }
    }

    /// The RON parser's error (syntax, unknown field, unknown record kind…), at its position.
    pub fn syntax(&self, error: &ron::error::SpannedError) -> WorkflowErrors {
        let offset = self.offset_of(error.position.line, error.position.col);
        let detail = lowercase_first(&error.code.to_string());
        let mut problem = self.error(
            Some((offset, 1)),
            format!("cannot read `{}`: {detail}", self.name),
            "here",
            "fix the RON near this position; docs/WORKFLOWS.md shows the format",
        );
        // RON knows the exact position; ours would only be a search.
        problem.line = error.position.line;
        problem.col = error.position.col;
        self.errors(vec![problem])
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
