//! The checked tree: every expression with its type, every name resolved. What the
//! compiler and the tracer read.

use super::super::ast::{AggKind, BinOp, Span};
use super::super::host::HostRecord;
use super::super::{AnnexRule, Emphasis, EnumDecl, PickRule, PublicityRule, RuleInfo, TiePolicy};
use chrono::NaiveDate;


#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Base {
    Bool,
    Int,
    Dec,
    Date,
    Months,
    Text,
    Enum(usize),
    List(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ty {
    pub base: Base,
    pub opt: bool,
}

impl Ty {
    pub(crate) const fn of(base: Base) -> Ty {
        Ty { base, opt: false }
    }
    pub(crate) fn is_num(self) -> bool {
        matches!(self.base, Base::Int | Base::Dec)
    }
}

/// A literal value after checking; enum variants are text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lit {
    Bool(bool),
    /// Int, dec (scaled 10^6) and months.
    Num(i64),
    Date(NaiveDate),
    Text(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Src {
    Root(HostRecord),
    /// The element bound by the enclosing aggregate.
    Var,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arith {
    Add,
    Sub,
    MulInt,
    MulDec,
    DivDec,
    DateAddMonths,
    DateSubMonths,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpKind {
    Num,
    Date,
    Text,
    Bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    Floor,
    Ceil,
    Round,
    Max,
    Min,
    Months,
    Days,
}

#[derive(Debug, Clone)]
pub(crate) struct TExpr {
    pub kind: TKind,
    pub ty: Ty,
    pub span: Span,
    /// Depends on the member or `excluded`.
    pub varying: bool,
    /// Depends on the element bound by the enclosing aggregate.
    pub elem: bool,
}

impl TExpr {
    /// A node whose flags follow from its children.
    pub fn new(kind: TKind, ty: Ty, span: Span) -> TExpr {
        let (varying, elem) = match &kind {
            TKind::Field(Src::Var, ..) => (false, true),
            TKind::Field(Src::Root(h), ..) => (*h == HostRecord::Member, false),
            TKind::Excluded => (true, false),
            TKind::Agg { list, filter, pred, .. } => {
                let v = list.varying || filter.as_ref().is_some_and(|f| f.varying) || pred.as_ref().is_some_and(|p| p.varying);
                (v, false)
            }
            k => k.children().iter().fold((false, false), |(v, e), c| (v || c.varying, e || c.elem)),
        };
        TExpr { kind, ty, span, varying, elem }
    }
    /// Hoistable: the same for every member of the scope, and worth computing once.
    pub fn scope_constant(&self) -> bool {
        !self.varying && !self.elem && !matches!(self.kind, TKind::Lit(_))
    }
}

impl TKind {
    pub fn children(&self) -> Vec<&TExpr> {
        match self {
            TKind::Lit(_) | TKind::Field(..) | TKind::Excluded | TKind::Quota => vec![],
            TKind::ToDec(a) | TKind::Neg(a) | TKind::Not(a) | TKind::Is(a, _) | TKind::In(a, _) => vec![a],
            TKind::And(a, b) | TKind::Or(a, b) | TKind::Arith(_, a, b) | TKind::Cmp(_, _, a, b) => vec![a, b],
            TKind::Call(_, args) => args.iter().collect(),
            TKind::Agg { list, filter, pred, .. } => {
                let mut v: Vec<&TExpr> = vec![list];
                v.extend(filter.as_deref());
                v.extend(pred.as_deref());
                v
            }
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum TKind {
    Lit(Lit),
    Field(Src, HostRecord, String),
    Excluded,
    Quota,
    ToDec(Box<TExpr>),
    Neg(Box<TExpr>),
    Not(Box<TExpr>),
    And(Box<TExpr>, Box<TExpr>),
    Or(Box<TExpr>, Box<TExpr>),
    Arith(Arith, Box<TExpr>, Box<TExpr>),
    Cmp(BinOp, CmpKind, Box<TExpr>, Box<TExpr>),
    Is(Box<TExpr>, bool),
    In(Box<TExpr>, Vec<String>),
    Call(Func, Vec<TExpr>),
    Agg {
        kind: AggKind,
        list: Box<TExpr>,
        elem: HostRecord,
        filter: Option<Box<TExpr>>,
        pred: Option<Box<TExpr>>,
    },
}

/// One checked rule.
#[derive(Debug, Clone)]
pub(crate) struct CheckedRule {
    pub info: RuleInfo,
    pub value: Option<TExpr>,
    pub when: Option<TExpr>,
    pub policy: Option<TiePolicy>,
    /// Index into the sources, for the trace's source text.
    pub file: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct RecordDecl {
    pub name: String,
    pub is_facts: bool,
    pub host: Option<HostRecord>,
    pub fields: Vec<(String, Ty)>,
}

/// Everything the checker found, before it is sorted into a program.
#[derive(Debug, Clone)]
pub(crate) struct Checked {
    pub enums: Vec<EnumDecl>,
    pub records: Vec<RecordDecl>,
    pub rules: Vec<CheckedRule>,
    /// The `pick` rules in file order (also in `rules`, with no expression).
    pub picks: Vec<PickRule>,
    /// Where each pick names its level: (file index, span of the level), as `picks`.
    pub pick_levels: Vec<(usize, Span)>,
    pub publicity: Option<PublicityRule>,
    pub clauses: Vec<super::super::NoticeClause>,
    pub cited_sources: Vec<super::super::CitedSource>,
    /// The `emphasis` items, in file order.
    pub emphases: Vec<Emphasis>,
    /// The `annex` items, in file order.
    pub annexes: Vec<AnnexRule>,
}

