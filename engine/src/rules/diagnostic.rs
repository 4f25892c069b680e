//! Errors of the rule language: where a problem sits and what kind of problem it is,
//! as plain data. The engine words nothing: the edge (`cli/src/messages/rules.rs`)
//! renders a [`RuleProblem`] in Chinese, with the snippet at its [`Place`].
//!
//! Every stage reports through [`RuleError`]; a load returns every error of every file
//! as one [`RuleErrors`], in reading order. A problem holds the offending text as
//! written, the types it saw, and the names to choose from ([`Choices`]), never prose.
//! `Display` is the stable text form tests compare (`file:line:col: Problem { … }`),
//! not a message for people.

use super::ast::Span;
use super::host::{HostRecord, HostTy};
use super::RuleKind;
use crate::place::Place;
use serde::Serialize;
use std::fmt;
use std::sync::OnceLock;

/// One problem in a rule file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleError {
    #[serde(flatten)]
    pub place: Place,
    pub problem: RuleProblem,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {:?}", self.place.position(), self.problem)
    }
}

impl std::error::Error for RuleError {}

/// Every error found while loading a rule set, in reading order: by file, then by
/// position. Serialised as the list of errors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(transparent)]
#[error("{}", lines(.errors))]
pub struct RuleErrors {
    pub errors: Vec<RuleError>,
}

fn lines(errors: &[RuleError]) -> String {
    errors.iter().map(|e| format!("{e}\n")).collect()
}

/// What is wrong, one variant per kind of problem. Offending text is carried as
/// written in the file (`expr`, `written`, names); the help a reader needs to mend
/// it is derived from the variant and its data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RuleProblem {
    // ---- syntax --------------------------------------------------------------------
    /// The parser expected one of `expected` where it found `found` (`None`: the end
    /// of the file).
    Syntax { expected: Vec<Expected>, found: Option<String> },
    /// A number beyond what rules hold (9 000 000 000 000).
    NumberTooLarge { written: String },
    /// A decimal with more than four places.
    TooManyDecimals { written: String },
    /// A date literal naming no day, such as `2026-02-30`.
    NotADate { written: String },
    /// Brackets, `not` or a leading `-` nested deeper than `limit` levels; placed at
    /// the first token past the limit, found before the parser descends into them.
    NestedTooDeep { limit: usize },
    /// An expression whose tree of operators is deeper than `limit` (a long chain of
    /// `or`, `+`, … adds one level per operator); placed at the operator past it.
    ExpressionTooDeep { limit: usize },
    /// The file is not UTF-8; placed at its first invalid byte, `byte`.
    NotUtf8 { byte: u8 },

    // ---- declarations --------------------------------------------------------------
    EnumDeclaredTwice { name: String },
    VariantListedTwice { variant: String, enum_name: String },
    /// A `record` or `facts` block declared a second time.
    RecordDeclaredTwice { name: String },
    FieldDeclaredTwice { field: String },
    /// A `facts` block for a root the engine does not have.
    UnknownFacts { name: String, roots: Vec<String> },
    /// A declared field the engine does not provide on this record.
    FieldNotInEngine {
        record: String,
        field: String,
        #[serde(flatten)]
        choices: Choices,
    },
    /// A declared field whose type does not match the engine's.
    FieldTypeNotInEngine { field: String, declared: ValueType, engine: HostType },
    /// One record declared as the element of two different kinds of list.
    RecordForTwoLists { record: String },
    /// `[name]` where no record `name` is declared.
    UnknownRecord { name: String, records: Vec<String> },
    /// A record's name used as a field type without the brackets of a list.
    RecordUsedAsType { name: String },
    UnknownType {
        name: String,
        #[serde(flatten)]
        choices: Choices,
    },

    /// A variant given an emphasis by two `emphasis` items.
    EmphasisTwice { variant: String, enum_name: String },

    // ---- the notice's form (`annex`) ---------------------------------------------
    /// A variant given its place on the form twice: listed twice among the values the
    /// form takes, printed as two values, or both on the form and printed as another.
    AnnexVariantTwice { variant: String, enum_name: String },
    /// `as <printed>` where `printed` is not among the values the form takes
    /// (`on_form`, as the `annex` items without `as` list them).
    AnnexNotOnForm { printed: String, enum_name: String, on_form: Vec<String> },
    /// Variants of an enum the form has a column for that are neither on the form nor
    /// printed as a value on it: the form would print them raw. Placed at the first
    /// `annex` item of the enum.
    AnnexUnprinted { enum_name: String, variants: Vec<String>, on_form: Vec<String> },

    // ---- rules ---------------------------------------------------------------------
    /// Two rules of one kind with one name.
    DuplicateRule { rule: RuleKind, name: String },
    /// A second rule of a kind the set holds at most one of.
    MoreThanOneRule { rule: RuleKind },
    /// A pick's or publicity window's name already names a rule of another kind (the
    /// escalation workflow names these rules, so their names are unique among all).
    NameOfAnotherRule { name: String, rule: RuleKind, other: RuleKind },
    /// More `exclude` rules than the bits of an exclusion mask.
    TooManyExclusions { limit: usize },
    /// A rule the set must have is missing.
    MissingRule { rule: RuleKind },
    /// A bound below zero.
    NegativeBound { written: String, of: BoundOf },
    /// A bound that is no whole number, such as `0.5` or `50%`.
    BoundNotWhole { written: String, of: BoundOf },

    // ---- names and types -----------------------------------------------------------
    /// An expression of the wrong type where a rule wants a condition or a number.
    WrongType { wanted: Wanted, expr: String, found: ValueType },
    /// An operand of `not`, `and`, `or`, `where` or `:` that is not a condition.
    NotACondition { operator: String, expr: String, found: ValueType },
    CannotNegate { expr: String, found: ValueType },
    /// `is none`/`is some` on a value that is never missing.
    NeverMissing { expr: String, some: bool },
    /// `in` on a value that is neither text nor an enum.
    InNeedsText { expr: String, found: ValueType },
    /// Something other than a variant or a quoted text in the list after `in`.
    NotAFixedValue { expr: String },
    UnknownVariant {
        name: String,
        enum_name: String,
        #[serde(flatten)]
        choices: Choices,
    },
    /// A name that means nothing here; `choices` are the names this rule can read.
    UnknownName {
        name: String,
        #[serde(flatten)]
        choices: Choices,
    },
    /// `excluded` outside the `candidate` rule.
    ExcludedOutsideCandidate,
    /// `quota` outside the `to` part of the `cap` rule.
    QuotaOutsideCap,
    /// `member` in a rule about the branch as a whole.
    MemberInBranchRule,
    /// A root the rules read with no `facts` block declaring it.
    UndeclaredFacts { root: String },
    /// A declared root used as a value, without a field.
    RootWithoutField { root: String, fields: Vec<String> },
    /// A field read from something that has no fields.
    NoFields { expr: String },
    UnknownField {
        /// The text the field is read from, e.g. `member` or `l`.
        of: String,
        /// The record whose fields are declared, e.g. `member` or `life`.
        record: String,
        field: String,
        #[serde(flatten)]
        choices: Choices,
    },
    /// `<`, `<=`, `>`, `>=` on values that are only equal or not.
    CannotOrder { operator: String, left: String, right: String, found: ValueType },
    CannotCompare { left: String, left_type: ValueType, right: String, right_type: ValueType },
    CannotApply { operator: String, left: String, left_type: ValueType, right: String, right_type: ValueType },
    /// A division by a literal `0`.
    DivisionByZero,
    /// `count`, `any`, `all` or `streak` called like a function.
    AggregateWithoutList { function: String },
    UnknownFunction {
        name: String,
        #[serde(flatten)]
        choices: Choices,
    },
    WrongArguments { function: String, wants: Arguments },
    NestedAggregate,
    /// An aggregate over something that is not a list.
    NotAList { expr: String, found: ValueType },
    /// An aggregate binding its element to a name rules already use.
    ElementNameTaken { name: String },

    // ---- rules against the escalation chain ---------------------------------------
    /// `pick … by LEVEL` where the chain has no level `LEVEL`.
    UnknownLevel {
        pick: String,
        level: String,
        /// The escalation file, e.g. `workflows/escalation.ron`.
        chain: String,
        #[serde(flatten)]
        choices: Choices,
    },
    /// The level exists but its `Pick` step does not list the pick.
    LevelDoesNotPick { pick: String, level: String, chain: String },

    // ---- citations -----------------------------------------------------------------
    /// A `source` declared a second time.
    SourceDeclaredTwice { name: String },
    /// A `clause` declared a second time.
    ClauseDeclaredTwice { clause: String },
    /// `per <name>` where no `source <name>` is declared.
    UnknownSource {
        name: String,
        #[serde(flatten)]
        choices: Choices,
    },
    /// A rule citing a clause the declared clauses do not have.
    UnknownClause {
        clause: String,
        #[serde(flatten)]
        choices: Choices,
    },
    /// A rule without `per` whose quoted text is not the clause's own words: `piece` is
    /// the first part (between `……`) not found, in order, in the clause's text.
    NotVerbatim { clause: String, piece: String },
}

/// Names to choose from, and the one closest to what was written ("did you mean").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choices {
    pub closest: Option<String>,
    /// Every valid name, in declaration order.
    pub names: Vec<String>,
}

impl Choices {
    /// The valid `names` for something written as `written`.
    pub(crate) fn among<'n>(written: &str, names: impl IntoIterator<Item = &'n str>) -> Choices {
        let names: Vec<String> = names.into_iter().map(str::to_owned).collect();
        Choices { closest: closest(written, names.iter().map(String::as_str)).map(str::to_owned), names }
    }
}

/// What the parser could have accepted at the place of a syntax error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expected {
    EndOfFile,
    /// `enum`, `record` or `facts`.
    Declaration,
    /// `exclude`, `quota`, `guard`, ….
    Rule,
    Name,
    /// A quoted text.
    Text,
    /// `§3.4.x8`.
    Clause,
    /// `when` and a condition.
    When,
    /// `to` and the cap's limit.
    To,
    /// `runoff`, `exceed` or `drop`.
    TiePolicy,
    /// `by` and the level that picks.
    By,
    /// `exactly 1`, `at most 5`, `each unit at most 1`.
    PickBound,
    Unit,
    MostOrLeast,
    /// A whole number written in digits.
    Number,
    WorkingDays,
    Days,
    Variant,
    /// `name: type`.
    Field,
    Type,
    /// The `?` of an optional type.
    Optional,
    Expression,
    /// `==`, `>=`, ….
    Comparison,
    /// `+`, `*`, ….
    Operator,
    AndOr,
    IsNoneOrSome,
    In,
    Where,
    NoneOrSome,
    /// `[a, b]`.
    List,
    Other,
    /// `per` and the source a rule's text is quoted from.
    Per,
    /// `as` and the value a variant is printed as on the notice's form.
    As,
}

/// The type of a value in a rule, as a message names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValueType {
    pub base: BaseType,
    /// Declared with `?`: the value may be missing.
    pub optional: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BaseType {
    Bool,
    Int,
    Dec,
    Date,
    Months,
    Text,
    /// A declared enum, by name.
    Enum(String),
    /// A list of a declared record, by name.
    List(String),
}

/// The type of a field as the engine provides it (`engine/src/rules/host.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HostType {
    Bool,
    Int,
    Date,
    OptionalDate,
    /// Text, which a rule file may declare as an enum.
    Text,
    OptionalText,
    MemberList,
    LifeList,
    FindingList,
    DeedList,
    OtherList,
}

impl From<HostTy> for HostType {
    fn from(t: HostTy) -> HostType {
        match t {
            HostTy::Bool => HostType::Bool,
            HostTy::Int => HostType::Int,
            HostTy::Date => HostType::Date,
            HostTy::OptDate => HostType::OptionalDate,
            HostTy::Text => HostType::Text,
            HostTy::OptText => HostType::OptionalText,
            HostTy::List(HostRecord::Member) => HostType::MemberList,
            HostTy::List(HostRecord::Life) => HostType::LifeList,
            HostTy::List(HostRecord::Finding) => HostType::FindingList,
            HostTy::List(HostRecord::Deed) => HostType::DeedList,
            HostTy::List(_) => HostType::OtherList,
        }
    }
}

/// What a rule wants where [`RuleProblem::WrongType`] found something else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Wanted {
    /// A `bool`, for `when`.
    Condition,
    /// An `int`, for the quota and a cap's limit.
    WholeNumber,
}

/// What a function takes, for [`RuleProblem::WrongArguments`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Arguments {
    /// `floor`, `ceil`, `round`.
    OneNumber,
    /// `max`, `min`.
    TwoOrMoreNumbers,
    /// `months`, `days`: from and to.
    TwoDates,
}

/// What a bound counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BoundOf {
    /// A pick's stars.
    Stars,
    /// A publicity window's working days.
    WorkingDays,
}

/// The edit distance between two names, for "did you mean" suggestions.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The option nearest to `name`, if it is near enough to be a slip of the keyboard.
fn closest<'n>(name: &str, options: impl IntoIterator<Item = &'n str>) -> Option<&'n str> {
    options
        .into_iter()
        .map(|o| (distance(name, o), o))
        .filter(|(d, o)| *d <= 1.max(o.chars().count() / 3) && *d < name.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, o)| o)
}

/// 1-based line and character column of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let p = Place::locate("", text, offset..offset);
    (p.line, p.col)
}

/// A builder for errors of one file.
#[derive(Clone)]
pub(crate) struct Reporter<'f> {
    pub file: &'f str,
    pub text: &'f str,
    /// Where each line starts, found once at the first error, so that placing many
    /// errors in a long file does not read it from the start each time.
    starts: OnceLock<Vec<usize>>,
}

impl<'f> Reporter<'f> {
    pub fn new(file: &'f str, text: &'f str) -> Reporter<'f> {
        Reporter { file, text, starts: OnceLock::new() }
    }

    pub fn error(&self, span: Span, problem: RuleProblem) -> RuleError {
        let starts = self.starts.get_or_init(|| {
            std::iter::once(0).chain(self.text.match_indices('\n').map(|(i, _)| i + 1)).collect()
        });
        let start = span.start.min(self.text.len());
        // The line the span starts on, placed within the text from that line on.
        let line = starts.partition_point(|s| *s <= start).saturating_sub(1);
        let from = starts.get(line).copied().unwrap_or(0);
        let mut place = Place::locate(self.file, &self.text[from..], start - from..span.end.max(start) - from);
        place.line += line;
        place.span = place.span.start + from..place.span.end + from;
        RuleError { place, problem }
    }
}
