//! The syntax tree of one rule file, as written: our own nodes, each with a [`Span`].
//!
//! Spans are byte ranges into the file's text and are left out of equality, so two
//! trees that say the same thing compare equal wherever they were written. Nothing
//! here is checked: names and types are the checker's business.

use super::RuleKind;
use chrono::NaiveDate;

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
    /// The text the span covers.
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

impl PartialEq for Span {
    fn eq(&self, _: &Span) -> bool {
        true
    }
}
impl Eq for Span {}

/// An identifier with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // a handful per file
pub enum Item {
    Enum(EnumItem),
    Record(RecordItem),
    Rule(RuleItem),
    Source(SourceItem),
    Clause(ClauseItem),
    Emphasis(EmphasisItem),
    Annex(AnnexItem),
}

/// `source local "本校实施细则"`: a source other than the notice that rules may quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceItem {
    pub name: Ident,
    pub label: String,
    pub span: Span,
}

/// `clause §3.4.x8 "…"` (or `clause §1 context "…"`): a clause of the notice, with its
/// exact text; `context` when it has nothing to implement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClauseItem {
    /// The id as written, `§3.4.x8`.
    pub id: Ident,
    /// `as annex`: the word tests named after the clause start with.
    pub tested_as: Option<Ident>,
    pub context: bool,
    pub text: String,
    pub span: Span,
}

/// `emphasis <enum> <variant>, … §clause "text"`: the emphasis for members of those
/// variants, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmphasisItem {
    pub enum_name: Ident,
    pub variants: Vec<Ident>,
    pub clause: String,
    pub text: String,
    pub span: Span,
}

/// `annex <enum> <variant>, … [as <variant>] §clause [per <source>] "text"`: variants
/// the notice's form takes in the enum's column, or (with `as`) the value they are
/// printed as there, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnexItem {
    pub enum_name: Ident,
    pub variants: Vec<Ident>,
    pub printed_as: Option<Ident>,
    pub cited: Citation,
    pub span: Span,
}

/// `§3.4 per local "…"`: a clause, whose words the text is (`per`; none: the
/// notice's), and the text, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub clause: String,
    pub clause_span: Span,
    pub per: Option<Ident>,
    pub text: String,
    pub text_span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumItem {
    pub name: Ident,
    pub label: Option<String>,
    pub variants: Vec<(Ident, Option<String>)>,
    pub span: Span,
}

/// `record r { … }` or `facts f { … }`: both declare fields; `facts` names a root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordItem {
    pub is_facts: bool,
    pub name: Ident,
    pub label: Option<String>,
    pub fields: Vec<FieldDecl>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeExpr {
    Named { name: Ident, optional: bool },
    List(Ident),
}

/// How a pick bound compares; a publicity window has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoundOp {
    Exactly,
    AtMost,
    AtLeast,
    /// `in principle N`: at most N; fewer only with a recorded reason.
    InPrinciple,
}

/// `each unit at most 1` (a pick) or `5 working days` (a publicity window), as
/// written. The number is kept as text: the checker says why `-1` or `1.5` is no count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundItem {
    pub each_unit: bool,
    /// `None` for `… working days`.
    pub op: Option<BoundOp>,
    pub number: Ident,
    pub span: Span,
}

/// A rule as written. Its form is the [`RuleKind`] the checked rule will have (one
/// enum for the syntax tree and the checked program); the parts a form does not have
/// are `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleItem {
    pub kind: RuleKind,
    /// Exclusions, guards, picks and publicity windows are named; the other forms are not.
    pub name: Option<Ident>,
    /// `pick … by <level>`.
    pub level: Option<Ident>,
    pub clause: String,
    pub clause_span: Span,
    /// `per local`: the source the text is quoted from; `None`: the notice's own words.
    pub per: Option<Ident>,
    pub text: String,
    pub text_span: Span,
    /// `quota = e`, `cap … to e`: the value expression.
    pub value: Option<Expr>,
    /// `when e`.
    pub when: Option<Expr>,
    /// `tie … runoff`.
    pub policy: Option<Ident>,
    /// `pick …` and `publicity …`: the bound.
    pub bound: Option<BoundItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    And,
    Or,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
    pub fn is_comparison(self) -> bool {
        matches!(self, BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggKind {
    Count,
    Any,
    All,
    Streak,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExprKind {
    Bool(bool),
    Int(i64),
    /// A fixed-point decimal, scaled by 10^6 (`15%` is 150_000).
    Dec(i64),
    Months(i64),
    Date(NaiveDate),
    Str(String),
    /// A bare name: a root (`member`), a bound element, `excluded`, `quota`, or an
    /// enum variant resolved against the other operand.
    Name(String),
    Field(Box<Expr>, Ident),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `e is some` (true) / `e is none` (false).
    Is(Box<Expr>, bool),
    In(Box<Expr>, Vec<Expr>),
    Call(Ident, Vec<Expr>),
    Agg {
        kind: AggKind,
        var: Ident,
        list: Box<Expr>,
        filter: Option<Box<Expr>>,
        pred: Option<Box<Expr>>,
    },
}
