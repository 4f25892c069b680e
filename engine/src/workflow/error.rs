//! Problems of workflow and escalation files, and the `Source` that places them.
//!
//! A problem is plain data: a [`Place`] in the file and a [`WorkflowProblem`], one
//! variant per kind of problem carrying the ids involved and the declared
//! alternatives. No prose: the edge (`cli/src/messages/workflow.rs`) words them.
//! Semantic problems have no parser token to point at, so `Source` finds the
//! offending id in the text (its definition `id: "x"`, or a quoted reference after
//! the item that makes it), which is good enough to underline.

use serde::Serialize;

use super::model::Action;
use crate::place::Place;
use crate::rules::RuleKind;

/// The deepest nesting of parentheses and brackets RON reads in a workflow file
/// (the formats nest four levels); deeper input is refused before it can exhaust the
/// stack.
pub const NESTING_LIMIT: usize = 32;

/// One problem in a workflow or escalation file, where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkflowError {
    /// The offending text; the start of the file when it could not be found.
    pub place: Place,
    pub problem: WorkflowProblem,
}

/// Every problem found in one file, in file order; loading never stops at the first.
///
/// Its `Display` is only the positions, for logs; the edge words the problems.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}", positions(.errors))]
pub struct WorkflowErrors {
    /// The file name as given to `load`, e.g. `workflows/quarter.ron`.
    pub file: String,
    #[serde(rename = "problems")]
    pub errors: Vec<WorkflowError>,
}

fn positions(errors: &[WorkflowError]) -> String {
    errors.iter().map(|error| error.place.position()).collect::<Vec<_>>().join(", ")
}

/// What kind of item an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Item {
    Role,
    State,
    Step,
    Level,
    /// A kind of unit of the organization tree (`kinds` of the escalation file).
    Kind,
}

/// What names a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleUser {
    /// A step's `roles`.
    Step(String),
    /// The workflow's `opened_by`.
    OpenedBy,
    /// The workflow's `default_role`.
    DefaultRole,
    /// A `Restricted` entry's `seen_by`.
    Restricted,
    /// A level's `role`.
    Level(String),
}

/// What is wrong, with the ids involved and, where a name is unknown, the declared
/// ones (`known`) so that the edge can suggest the closest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum WorkflowProblem {
    // ---- either file ----
    /// RON could not read the file; `ron` is the RON crate's own text, kept as data.
    Syntax { problem: RonProblem, ron: String },
    /// The file is not UTF-8; placed at its first invalid byte, `byte`.
    NotUtf8 { byte: u8 },
    /// An id declared twice; `first_line` is where it was declared first.
    DuplicateId { item: Item, id: String, first_line: Option<usize> },
    /// Two roles with one title, so that the title cannot name one of them.
    DuplicateTitle { item: Item, title: String, first: String, second: String },
    /// A `clause` that is not a clause id of the notice (`§…`).
    NotAClause { item: Item, id: String, clause: String },
    UnknownRole { by: RoleUser, role: String, known: Vec<String> },

    // ---- the quarter workflow ----
    StepWithoutRoles { step: String },
    UnknownFromState { step: String, state: String, known: Vec<String> },
    UnknownTargetState { step: String, state: String, known: Vec<String> },
    UnknownStartState { state: String, known: Vec<String> },
    BothToAndOutcomes { step: String },
    LeadsNowhere { step: String },
    OutcomesWithoutTally { step: String },
    TallyWithoutOutcomes { step: String },
    SecondStepFromState { state: String, first: String, second: String },
    TerminalStateLeft { state: String, step: String },
    DeadEnd { state: String },
    Unreachable { state: String, start: String },
    NoTerminalState,
    /// States caught in a loop from which no terminal state is reachable, in file
    /// order; one state when it loops on itself.
    LoopWithoutExit { states: Vec<String> },
    /// A guard naming no rule (second stage, [`super::Workflow::check_guards`]).
    UnknownGuard { step: String, rule: String },
    /// A clause the rule files do not declare (the notice has no such clause); `known`
    /// are those declared.
    UnknownClause { clause: String, known: Vec<String> },
    /// A step's `session` naming no kind of session the rules declare (second stage,
    /// [`super::Workflow::check_sessions`]).
    UnknownSessionKind { step: String, kind: String },

    // ---- the quarter workflow against the escalation file ----
    /// The workflow's `units` is empty: no kind of unit runs it.
    NoQuarterUnits { known: Vec<String> },
    /// The workflow's `units` names a kind the escalation file does not declare.
    UnknownQuarterKind { kind: String, known: Vec<String> },
    /// The workflow declares no `default_role`.
    NoDefaultRole { known: Vec<String> },

    // ---- the kinds of unit of the escalation file ----
    UnknownParentKind { kind: String, parent: String, known: Vec<String> },
    /// Every kind has a parent: the tree has no root.
    NoRootKind,
    SecondRootKind { first: String, second: String },
    /// Kinds that sit under each other in a loop, in file order.
    KindLoop { kinds: Vec<String> },

    // ---- the levels of the escalation file ----
    UnknownReportsTo { level: String, target: String, known: Vec<String> },
    ReportsButNeverForwards { level: String, reports_to: String },
    ForwardsButReportsToNone { level: String },
    /// Levels that report to each other in a loop, in file order.
    LevelLoop { levels: Vec<String> },
    NoTopLevel,
    SecondTopLevel { first: String, second: String },
    NeverReachesTop { level: String, top: String },
    /// A level's `units` names a kind that is not declared in `kinds`.
    UnknownLevelKind { level: String, kind: String, known: Vec<String> },
    KindActedForTwice { kind: String, first: String, second: String },
    /// A level acts for `kind`, but no level acts for any of its `parents`.
    ParentKindWithoutLevel { level: String, kind: String, parents: Vec<String> },
    /// A level acting for `kind` does not report to `expected`: the level of the
    /// kind's parent, or, for the root kind (`root`), the top level.
    ReportsNotAsTheTree { level: String, kind: String, reports_to: Option<String>, expected: String, root: bool },
    SendOffForward { level: String, action: Action },
    RulesOffPickOrPublish { level: String, action: Action },
    /// A step naming no rule (second stage, [`super::Escalation::check_rules`]).
    UnknownStepRule { level: String, action: Action, rule: String, wanted: RuleKind },
    WrongKindOfRule { level: String, action: Action, rule: String, wanted: RuleKind, found: RuleKind },

    // ---- the calendar file ----
    /// A year listed twice.
    CalendarYearTwice { year: i32 },
    /// Not a date written `YYYY-MM-DD`, or no such day.
    CalendarNotADate { written: String },
    /// A date listed under another year.
    CalendarDateOutsideYear { date: String, year: i32 },
    /// Days off whose last day comes before their first.
    CalendarRangeReversed { first: String, last: String },
}

/// What RON reported, as a kind of problem; the RON crate's text is kept beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum RonProblem {
    /// Not well-formed: a comma, bracket, parenthesis, colon or quote is missing or
    /// out of place.
    Malformed,
    /// The file ends before what it opened is closed.
    UnexpectedEnd,
    /// A key the format does not have, in the item `within`.
    UnknownKey { key: String, expected: Vec<String>, within: Option<String> },
    MissingKey { key: String, within: Option<String> },
    DuplicateKey { key: String, within: Option<String> },
    /// A name outside a fixed set: a record kind, an action, an effect…
    UnknownName { name: String, expected: Vec<String> },
    /// Another definition than the one read, e.g. `Escalation(` where `Workflow(` is.
    WrongDefinition { expected: String, found: String },
    /// A value of the wrong type, e.g. a number where text is expected.
    WrongValue { expected: String, found: String },
    /// Parentheses or brackets nested deeper than `limit` levels.
    TooDeep { limit: usize },
    Other,
}

impl RonProblem {
    /// The key or name that RON did not take, when there is one.
    pub fn name(&self) -> Option<&str> {
        match self {
            RonProblem::UnknownKey { key, .. } | RonProblem::DuplicateKey { key, .. } => Some(key),
            RonProblem::UnknownName { name, .. } => Some(name),
            _ => None,
        }
    }

    fn of(error: &ron::error::Error) -> RonProblem {
        use ron::error::Error as E;
        let names = |expected: &[&str]| expected.iter().map(|name| name.to_string()).collect();
        match error {
            E::Eof => RonProblem::UnexpectedEnd,
            E::NoSuchStructField { expected, found, outer } => {
                RonProblem::UnknownKey { key: found.clone(), expected: names(expected), within: outer.clone() }
            }
            E::MissingStructField { field, outer } => RonProblem::MissingKey { key: field.to_string(), within: outer.clone() },
            E::DuplicateStructField { field, outer } => RonProblem::DuplicateKey { key: field.to_string(), within: outer.clone() },
            // `outer` names the Rust enum here, not anything written in the file.
            E::NoSuchEnumVariant { expected, found, .. } => RonProblem::UnknownName { name: found.clone(), expected: names(expected) },
            E::ExpectedDifferentStructName { expected, found } => {
                RonProblem::WrongDefinition { expected: expected.to_string(), found: found.clone() }
            }
            E::InvalidValueForType { expected, found } => RonProblem::WrongValue { expected: expected.clone(), found: found.clone() },
            E::ExceededRecursionLimit => RonProblem::TooDeep { limit: NESTING_LIMIT },
            E::Io(_) | E::Message(_) | E::Base64Error(_) | E::Utf8Error(_) => RonProblem::Other,
            _ => RonProblem::Malformed,
        }
    }
}

/// A file's name and text, for placing problems in it.
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

    /// The span of the key `name` (written `name:`) at or after `from`.
    pub fn key(&self, name: &str, from: usize) -> Option<(usize, usize)> {
        self.word(&format!("{name}:"), from).map(|offset| (offset, name.len()))
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

    /// 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        self.text.get(..offset.min(self.text.len())).unwrap_or_default().matches('\n').count() + 1
    }

    /// A problem spanning `len` bytes at `offset`, or at the start of the file when
    /// the offending text could not be found.
    pub fn error(&self, at: Option<(usize, usize)>, problem: WorkflowProblem) -> WorkflowError {
        let (offset, len) = at.unwrap_or((0, 0));
        WorkflowError { place: Place::locate(self.name, self.text, offset..offset + len), problem }
    }

    /// All `errors` of this file, or `Ok` when there are none.
    pub fn finish(&self, mut errors: Vec<WorkflowError>) -> Result<(), WorkflowErrors> {
        // In file order, as a reader goes through the file; the sort is stable, so
        // problems at one place keep the order of the checks.
        errors.sort_by_key(|error| error.place.span.start);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors(errors))
        }
    }

    pub fn errors(&self, errors: Vec<WorkflowError>) -> WorkflowErrors {
        WorkflowErrors { file: self.name.to_string(), errors }
    }

    /// The RON parser's error (syntax, unknown key, unknown record kind…), at its position.
    pub fn syntax(&self, error: &ron::error::SpannedError) -> WorkflowErrors {
        let offset = self.offset_of(error.position.line, error.position.col);
        let problem = RonProblem::of(&error.code);
        // RON stops after reading a key or name it does not take; underline the name.
        let named = problem.name().and_then(|name| {
            let before = self.text.get(..offset)?;
            before.rfind(name).map(|at| (at, name.len()))
        });
        let here = (offset, self.text.get(offset..).and_then(|rest| rest.chars().next()).map_or(0, char::len_utf8));
        let at = named.unwrap_or(here);
        let problem = WorkflowProblem::Syntax { problem, ron: error.code.to_string() };
        self.errors(vec![self.error(Some(at), problem)])
    }
}
