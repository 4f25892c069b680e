//! Names and types: syntax trees in, checked rules out (sorted into a
//! [`super::program::Program`] once nothing is left to report).
//!
//! The checker resolves every name (roots, fields, bound elements, enum variants),
//! gives every expression a type, inserts the int-to-dec conversions, and compares the
//! `facts`/`record` declarations with the host catalogue. Everything it accepts can be
//! evaluated without a type error; everything it rejects is reported with a span,
//! across all files. It does not evaluate anything.

use super::ast::{self, AggKind, BinOp, ExprKind, Ident, Item, Span, TypeExpr};
use super::diagnostic::{Arguments, BaseType, BoundOf, Choices, Reporter, RuleError, RuleProblem, ValueType, Wanted};
use super::host::{HostRecord, HostTy};
use super::{EnumDecl, EnumVariant, PickBound, PickRule, PublicityRule, RuleInfo, RuleKind, TiePolicy};
use chrono::NaiveDate;
use std::collections::HashMap;

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
    const fn of(base: Base) -> Ty {
        Ty { base, opt: false }
    }
    fn is_num(self) -> bool {
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
}

struct RecordSrc<'a> {
    file: usize,
    item: &'a ast::RecordItem,
}

pub(crate) fn check(files: &[(Reporter, ast::File)]) -> Result<Checked, Vec<RuleError>> {
    let mut c = Checker { files, errors: Vec::new(), enums: Vec::new(), enum_ix: HashMap::new(), records: Vec::new(), rec_ix: HashMap::new(), facts_ix: HashMap::new(), current_var: None, picks: Vec::new(), pick_levels: Vec::new(), publicity: None };
    c.declare();
    let rules = c.rules();
    if c.errors.is_empty() {
        Ok(Checked { enums: c.enums, records: c.records, rules, picks: c.picks, pick_levels: c.pick_levels, publicity: c.publicity })
    } else {
        Err(c.errors)
    }
}

struct Checker<'a, 'f> {
    files: &'a [(Reporter<'f>, ast::File)],
    errors: Vec<RuleError>,
    enums: Vec<EnumDecl>,
    enum_ix: HashMap<String, usize>,
    records: Vec<RecordDecl>,
    /// `record` names (and `facts member`, usable as a record) to record index.
    rec_ix: HashMap<String, usize>,
    /// `facts` roots to record index.
    facts_ix: HashMap<HostRecord, usize>,
    /// The name bound by the aggregate being checked (aggregates do not nest).
    current_var: Option<String>,
    picks: Vec<PickRule>,
    pick_levels: Vec<(usize, Span)>,
    publicity: Option<PublicityRule>,
}

#[derive(Clone, Copy)]
struct Ctx {
    file: usize,
    member: bool,
    excluded: bool,
    quota: bool,
    /// The bound element's record index.
    var: Option<usize>,
}

impl<'a, 'f> Checker<'a, 'f> {
    fn err(&mut self, file: usize, span: Span, problem: RuleProblem) {
        let e = self.files[file].0.error(span, problem);
        self.errors.push(e);
    }

    /// A checked type as a diagnostic names it.
    pub fn ty_name(&self, t: Ty) -> ValueType {
        let base = match t.base {
            Base::Bool => BaseType::Bool,
            Base::Int => BaseType::Int,
            Base::Dec => BaseType::Dec,
            Base::Date => BaseType::Date,
            Base::Months => BaseType::Months,
            Base::Text => BaseType::Text,
            Base::Enum(i) => BaseType::Enum(self.enums[i].name.clone()),
            Base::List(r) => BaseType::List(self.records[r].name.clone()),
        };
        ValueType { base, optional: t.opt }
    }

    // ---- declarations ---------------------------------------------------------------

    fn declare(&mut self) {
        let files = self.files;
        let mut recs: Vec<RecordSrc> = Vec::new();
        for (fi, (_, file)) in files.iter().enumerate() {
            for item in &file.items {
                match item {
                    Item::Enum(e) => {
                        if self.enum_ix.contains_key(&e.name.name) {
                            self.err(fi, e.name.span, RuleProblem::EnumDeclaredTwice { name: e.name.name.clone() });
                            continue;
                        }
                        let mut variants: Vec<EnumVariant> = Vec::new();
                        for (v, l) in &e.variants {
                            if variants.iter().any(|x| x.name == v.name) {
                                self.err(fi, v.span, RuleProblem::VariantListedTwice { variant: v.name.clone(), enum_name: e.name.name.clone() });
                                continue;
                            }
                            variants.push(EnumVariant { name: v.name.clone(), label: l.clone() });
                        }
                        self.enum_ix.insert(e.name.name.clone(), self.enums.len());
                        self.enums.push(EnumDecl { name: e.name.name.clone(), label: e.label.clone(), variants });
                    }
                    Item::Record(r) => {
                        let key = r.name.name.clone();
                        let dup = if r.is_facts {
                            HostRecord::root(&key).is_some_and(|h| self.facts_ix.contains_key(&h))
                        } else {
                            self.rec_ix.contains_key(&key)
                        };
                        if dup {
                            self.err(fi, r.name.span, RuleProblem::RecordDeclaredTwice { name: key });
                            continue;
                        }
                        let host = if r.is_facts {
                            match HostRecord::root(&key) {
                                Some(h) => Some(h),
                                None => {
                                    self.err(fi, r.name.span, RuleProblem::UnknownFacts { name: key, roots: HostRecord::roots().iter().map(|r| (*r).to_owned()).collect() });
                                    continue;
                                }
                            }
                        } else {
                            None
                        };
                        let ix = self.records.len();
                        self.records.push(RecordDecl { name: key.clone(), is_facts: r.is_facts, host, fields: Vec::new() });
                        if let Some(h) = host {
                            self.facts_ix.insert(h, ix);
                            if h == HostRecord::Member && !self.rec_ix.contains_key(&key) {
                                self.rec_ix.insert(key, ix);
                            }
                        } else {
                            self.rec_ix.insert(key, ix);
                        }
                        recs.push(RecordSrc { file: fi, item: r });
                    }
                    Item::Rule(_) => {}
                }
            }
        }
        // Field types, now that every enum and record name is known.
        for rs in &recs {
            let mut fields = Vec::new();
            for f in &rs.item.fields {
                if fields.iter().any(|(n, _): &(String, Ty)| *n == f.name.name) {
                    self.err(rs.file, f.name.span, RuleProblem::FieldDeclaredTwice { field: f.name.name.clone() });
                    continue;
                }
                if let Some(t) = self.decl_ty(rs.file, &f.ty) {
                    fields.push((f.name.name.clone(), t));
                }
            }
            let rec_index = self.record_index_of(rs.item);
            self.records[rec_index].fields = fields;
        }
        // Compare with the host: facts first (they decide the hosts of listed records).
        let mut pending: Vec<(usize, usize, Span)> = Vec::new();
        for rs in &recs {
            let ri = self.record_index_of(rs.item);
            if self.records[ri].is_facts {
                pending.push((ri, rs.file, rs.item.name.span));
            }
        }
        let mut done: Vec<usize> = Vec::new();
        while let Some((ri, file, _)) = pending.pop() {
            if done.contains(&ri) {
                continue;
            }
            done.push(ri);
            let Some(host) = self.records[ri].host else { continue };
            let rs = recs.iter().find(|r| self.record_index_of(r.item) == ri);
            let Some(rs) = rs else { continue };
            let _ = file;
            let file = rs.file;
            for f in &rs.item.fields {
                let Some((_, t)) = self.records[ri].fields.iter().find(|(n, _)| *n == f.name.name).cloned() else { continue };
                let Some(ht) = host.field_ty(&f.name.name) else {
                    let choices = Choices::among(&f.name.name, host.field_names());
                    self.err(file, f.name.span, RuleProblem::FieldNotInEngine { record: rs.item.name.name.clone(), field: f.name.name.clone(), choices });
                    continue;
                };
                let ok = match (t.base, t.opt, ht) {
                    (Base::Bool, false, HostTy::Bool) | (Base::Int, false, HostTy::Int) | (Base::Date, false, HostTy::Date) | (Base::Date, true, HostTy::OptDate) => true,
                    (Base::Text | Base::Enum(_), false, HostTy::Text) | (Base::Text | Base::Enum(_), true, HostTy::OptText) => true,
                    (Base::List(r), _, HostTy::List(h)) => {
                        match self.records[r].host {
                            Some(existing) if existing != h => {
                                self.err(file, f.span, RuleProblem::RecordForTwoLists { record: self.records[r].name.clone() });
                            }
                            Some(_) => {}
                            None => {
                                self.records[r].host = Some(h);
                                pending.push((r, file, f.span));
                            }
                        }
                        // Records of `member` lists are checked through `facts member`.
                        true
                    }
                    _ => false,
                };
                if !ok {
                    let problem = RuleProblem::FieldTypeNotInEngine { field: f.name.name.clone(), declared: self.ty_name(t), engine: ht.into() };
                    self.err(file, f.span, problem);
                }
            }
        }
    }

    fn record_index_of(&self, item: &ast::RecordItem) -> usize {
        if item.is_facts {
            HostRecord::root(&item.name.name).and_then(|h| self.facts_ix.get(&h).copied()).unwrap_or(0)
        } else {
            self.rec_ix.get(&item.name.name).copied().unwrap_or(0)
        }
    }

    fn decl_ty(&mut self, file: usize, t: &TypeExpr) -> Option<Ty> {
        match t {
            TypeExpr::List(id) => match self.rec_ix.get(&id.name) {
                Some(&r) => Some(Ty::of(Base::List(r))),
                None => {
                    // In declaration order, so that the problem is the same every time.
                    let mut records: Vec<(usize, String)> = self.rec_ix.iter().map(|(n, i)| (*i, n.clone())).collect();
                    records.sort();
                    let records = records.into_iter().map(|(_, n)| n).collect();
                    self.err(file, id.span, RuleProblem::UnknownRecord { name: id.name.clone(), records });
                    None
                }
            },
            TypeExpr::Named { name, optional } => {
                let base = match name.name.as_str() {
                    "bool" => Base::Bool,
                    "int" => Base::Int,
                    "dec" => Base::Dec,
                    "date" => Base::Date,
                    "months" => Base::Months,
                    "text" => Base::Text,
                    n => match self.enum_ix.get(n) {
                        Some(&e) => Base::Enum(e),
                        None => {
                            let problem = if self.rec_ix.contains_key(n) { RuleProblem::RecordUsedAsType { name: n.to_owned() } } else {
                                let all = ["bool", "int", "dec", "date", "months", "text"].into_iter().chain(self.enums.iter().map(|e| e.name.as_str()));
                                RuleProblem::UnknownType { name: n.to_owned(), choices: Choices::among(n, all) }
                            };
                            self.err(file, name.span, problem);
                            return None;
                        }
                    },
                };
                Some(Ty { base, opt: *optional })
            }
        }
    }

    // ---- rules ----------------------------------------------------------------------

    fn rules(&mut self) -> Vec<CheckedRule> {
        let files = self.files;
        let mut out: Vec<CheckedRule> = Vec::new();
        let mut names: HashMap<(RuleKind, String), ()> = HashMap::new();
        // Picks and publicity windows are named by the escalation workflow, so their
        // names are unique among all rules, not only among rules of their kind.
        let mut any_kind: HashMap<String, RuleKind> = HashMap::new();
        for (fi, (rep, file)) in files.iter().enumerate() {
            for item in &file.items {
                let Item::Rule(r) = item else { continue };
                let kind = r.kind;
                let kw = kind_word(kind);
                let name = r.name.as_ref().map(|n| n.name.clone()).unwrap_or_else(|| kw.to_string());
                let singleton = !matches!(kind, RuleKind::Exclude | RuleKind::Guard);
                if names.insert((kind, name.clone()), ()).is_some() {
                    let (sp, problem) = match &r.name {
                        Some(n) => (n.span, RuleProblem::DuplicateRule { rule: kind, name: name.clone() }),
                        None => (Span::new(r.span.start, r.span.start + kw.len()), RuleProblem::MoreThanOneRule { rule: kind }),
                    };
                    self.err(fi, sp, problem);
                    continue;
                }
                let _ = singleton;
                let workflow_named = |k: RuleKind| matches!(k, RuleKind::Pick | RuleKind::Publicity);
                match any_kind.get(&name) {
                    Some(&other) if other != kind && (workflow_named(kind) || workflow_named(other)) => {
                        let sp = r.name.as_ref().map(|n| n.span).unwrap_or(Span::new(r.span.start, r.span.start + kw.len()));
                        self.err(fi, sp, RuleProblem::NameOfAnotherRule { name: name.clone(), rule: kind, other });
                        continue;
                    }
                    Some(_) => {}
                    None => {
                        any_kind.insert(name.clone(), kind);
                    }
                }
                if kind == RuleKind::Publicity && out.iter().any(|o| o.info.kind == RuleKind::Publicity) {
                    let sp = Span::new(r.span.start, r.span.start + kw.len());
                    self.err(fi, sp, RuleProblem::MoreThanOneRule { rule: RuleKind::Publicity });
                    continue;
                }
                let (line, _) = super::diagnostic::line_col(rep.text, r.span.start);
                let value_ctx = Ctx { file: fi, member: false, excluded: false, quota: kind == RuleKind::Cap, var: None };
                let when_ctx = Ctx {
                    file: fi,
                    member: matches!(kind, RuleKind::Exclude | RuleKind::Voter | RuleKind::Candidate | RuleKind::Prefer | RuleKind::Cap | RuleKind::Presenter),
                    excluded: kind == RuleKind::Candidate,
                    quota: false,
                    var: None,
                };
                let value = r.value.as_ref().and_then(|e| self.expect(e, value_ctx, Base::Int, Wanted::WholeNumber));
                let when = r.when.as_ref().and_then(|e| self.expect(e, when_ctx, Base::Bool, Wanted::Condition));
                let policy = r.policy.as_ref().map(|p| match p.name.as_str() {
                    "exceed" => TiePolicy::Exceed,
                    "drop" => TiePolicy::Drop,
                    _ => TiePolicy::Runoff,
                });
                let source = match (&r.value, &r.when, &r.policy, &r.bound) {
                    (_, _, _, Some(b)) => b.span.text(rep.text).to_string(),
                    (Some(v), Some(w), _, _) => format!("{} when {}", v.span.text(rep.text), w.span.text(rep.text)),
                    (Some(v), None, _, _) => v.span.text(rep.text).to_string(),
                    (None, Some(w), _, _) => w.span.text(rep.text).to_string(),
                    (None, None, Some(p), _) => p.name.clone(),
                    _ => String::new(),
                };
                let info = RuleInfo { name, kind, clause: r.clause.clone(), text: r.text.clone(), source, location: format!("{}:{line}", rep.file) };
                if let Some(b) = &r.bound {
                    self.bound(fi, r, b, &info);
                }
                out.push(CheckedRule {
                    info,
                    value,
                    when,
                    policy,
                    file: fi,
                });
            }
        }
        if out.iter().filter(|r| r.info.kind == RuleKind::Exclude).count() > 64 {
            if let Some(r) = out.iter().filter(|r| r.info.kind == RuleKind::Exclude).nth(64) {
                let fi = r.file;
                self.err(fi, Span::default(), RuleProblem::TooManyExclusions { limit: 64 });
            }
        }
        for kind in [RuleKind::Quota, RuleKind::Voter, RuleKind::Candidate, RuleKind::Quorum, RuleKind::Tie] {
            if !out.iter().any(|r| r.info.kind == kind) && !files.is_empty() {
                self.err(0, Span::new(0, 0), RuleProblem::MissingRule { rule: kind });
            }
        }
        out
    }

    /// A pick's or publicity window's bound: a whole number, not negative.
    fn bound(&mut self, fi: usize, r: &ast::RuleItem, b: &ast::BoundItem, info: &RuleInfo) {
        let written = b.number.name.as_str();
        let of = match b.op {
            Some(_) => BoundOf::Stars,
            None => BoundOf::WorkingDays,
        };
        let n = match written.parse::<i64>() {
            Ok(n) if n < 0 => {
                self.err(fi, b.number.span, RuleProblem::NegativeBound { written: written.to_owned(), of });
                return;
            }
            Ok(n) if n <= i64::MAX / 1_000_000 => n,
            Ok(_) => {
                self.err(fi, b.number.span, RuleProblem::NumberTooLarge { written: written.to_owned() });
                return;
            }
            Err(_) if written.trim_start_matches('-').chars().all(|c| c.is_ascii_digit()) => {
                self.err(fi, b.number.span, RuleProblem::NumberTooLarge { written: written.to_owned() });
                return;
            }
            Err(_) => {
                self.err(fi, b.number.span, RuleProblem::BoundNotWhole { written: written.to_owned(), of });
                return;
            }
        };
        match (b.op, &r.level) {
            (Some(op), Some(level)) => {
                let bound = match op {
                    ast::BoundOp::Exactly => PickBound::Exactly(n),
                    ast::BoundOp::AtMost => PickBound::AtMost(n),
                    ast::BoundOp::AtLeast => PickBound::AtLeast(n),
                };
                self.pick_levels.push((fi, level.span));
                self.picks.push(PickRule { rule: info.clone(), level: level.name.clone(), each_unit: b.each_unit, bound });
            }
            _ => self.publicity = Some(PublicityRule { rule: info.clone(), working_days: n }),
        }
    }

    fn expect(&mut self, e: &ast::Expr, cx: Ctx, base: Base, wanted: Wanted) -> Option<TExpr> {
        let t = self.expr(e, cx, None)?;
        let t = if t.ty.base == base && !t.ty.opt { t } else {
            let problem = RuleProblem::WrongType { wanted, expr: self.src(e.span, cx.file), found: self.ty_name(t.ty) };
            self.err(cx.file, e.span, problem);
            return None;
        };
        Some(t)
    }

    fn src(&self, sp: Span, file: usize) -> String {
        sp.text(self.files[file].0.text).to_string()
    }

    fn expr(&mut self, e: &ast::Expr, cx: Ctx, hint: Option<usize>) -> Option<TExpr> {
        let sp = e.span;
        let lit = |kind: Lit, base: Base| Some(TExpr::new(TKind::Lit(kind), Ty::of(base), sp));
        match &e.kind {
            ExprKind::Bool(b) => lit(Lit::Bool(*b), Base::Bool),
            ExprKind::Int(n) => lit(Lit::Num(*n), Base::Int),
            ExprKind::Dec(n) => lit(Lit::Num(*n), Base::Dec),
            ExprKind::Months(n) => lit(Lit::Num(*n), Base::Months),
            ExprKind::Date(d) => lit(Lit::Date(*d), Base::Date),
            ExprKind::Str(s) => {
                if let Some(en) = hint {
                    if !self.enums[en].variants.iter().any(|v| v.name == *s) {
                        self.unknown_variant(cx.file, sp, s, en);
                        return None;
                    }
                    return lit(Lit::Text(s.clone()), Base::Enum(en));
                }
                lit(Lit::Text(s.clone()), Base::Text)
            }
            ExprKind::Name(n) => self.name(n, sp, cx, hint),
            ExprKind::Field(base, f) => self.field(base, f, cx),
            ExprKind::Neg(x) => {
                let t = self.expr(x, cx, None)?;
                if !matches!(t.ty.base, Base::Int | Base::Dec | Base::Months) {
                    self.err(cx.file, sp, RuleProblem::CannotNegate { expr: self.src(x.span, cx.file), found: self.ty_name(t.ty) });
                    return None;
                }
                Some(TExpr::new(TKind::Neg(Box::new(t.clone())), t.ty, sp))
            }
            ExprKind::Not(x) => {
                let t = self.bool_operand(x, cx, "not")?;
                Some(TExpr::new(TKind::Not(Box::new(t)), Ty::of(Base::Bool), sp))
            }
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or), a, b) => {
                let ta = self.bool_operand(a, cx, op.symbol());
                let tb = self.bool_operand(b, cx, op.symbol());
                let (ta, tb) = (ta?, tb?);
                let kind = if *op == BinOp::And { TKind::And(Box::new(ta), Box::new(tb)) } else { TKind::Or(Box::new(ta), Box::new(tb)) };
                Some(TExpr::new(kind, Ty::of(Base::Bool), sp))
            }
            ExprKind::Binary(op, a, b) if op.is_comparison() => self.compare(*op, a, b, sp, cx),
            ExprKind::Binary(op, a, b) => self.arith(*op, a, b, sp, cx),
            ExprKind::Is(x, some) => {
                let t = self.expr(x, cx, None)?;
                if !t.ty.opt {
                    self.err(cx.file, sp, RuleProblem::NeverMissing { expr: self.src(x.span, cx.file), some: *some });
                    return None;
                }
                Some(TExpr::new(TKind::Is(Box::new(t), *some), Ty::of(Base::Bool), sp))
            }
            ExprKind::In(x, items) => {
                let t = self.expr(x, cx, None)?;
                let en = match t.ty.base {
                    Base::Enum(en) => Some(en),
                    Base::Text => None,
                    _ => {
                        self.err(cx.file, x.span, RuleProblem::InNeedsText { expr: self.src(x.span, cx.file), found: self.ty_name(t.ty) });
                        return None;
                    }
                };
                let mut vals = Vec::new();
                for it in items {
                    match &it.kind {
                        ExprKind::Str(s) if en.is_none() => vals.push(s.clone()),
                        ExprKind::Str(s) | ExprKind::Name(s) if en.is_some() => {
                            let en = en.unwrap_or(0);
                            if self.enums[en].variants.iter().any(|v| v.name == *s) {
                                vals.push(s.clone());
                            } else {
                                self.unknown_variant(cx.file, it.span, s, en);
                            }
                        }
                        _ => self.err(cx.file, it.span, RuleProblem::NotAFixedValue { expr: self.src(it.span, cx.file) }),
                    }
                }
                Some(TExpr::new(TKind::In(Box::new(t), vals), Ty::of(Base::Bool), sp))
            }
            ExprKind::Call(f, args) => self.call(f, args, sp, cx),
            ExprKind::Agg { kind, var, list, filter, pred } => self.agg(*kind, var, list, filter.as_deref(), pred.as_deref(), sp, cx),
        }
    }

    fn unknown_variant(&mut self, file: usize, sp: Span, name: &str, en: usize) {
        let d = &self.enums[en];
        let choices = Choices::among(name, d.variants.iter().map(|v| v.name.as_str()));
        let problem = RuleProblem::UnknownVariant { name: name.to_owned(), enum_name: d.name.clone(), choices };
        self.err(file, sp, problem);
    }

    fn bool_operand(&mut self, x: &ast::Expr, cx: Ctx, op: &str) -> Option<TExpr> {
        let t = self.expr(x, cx, None)?;
        if t.ty != Ty::of(Base::Bool) {
            self.err(cx.file, x.span, RuleProblem::NotACondition { operator: op.to_owned(), expr: self.src(x.span, cx.file), found: self.ty_name(t.ty) });
            return None;
        }
        Some(t)
    }

    fn name(&mut self, n: &str, sp: Span, cx: Ctx, hint: Option<usize>) -> Option<TExpr> {
        match n {
            "excluded" if cx.excluded => return Some(TExpr::new(TKind::Excluded, Ty::of(Base::Bool), sp)),
            "quota" if cx.quota => return Some(TExpr::new(TKind::Quota, Ty::of(Base::Int), sp)),
            _ => {}
        }
        if let Some(en) = hint {
            if self.enums[en].variants.iter().any(|v| v.name == n) {
                return Some(TExpr::new(TKind::Lit(Lit::Text(n.to_string())), Ty::of(Base::Enum(en)), sp));
            }
            self.unknown_variant(cx.file, sp, n, en);
            return None;
        }
        let problem = match (n, HostRecord::root(n)) {
            ("excluded", _) => RuleProblem::ExcludedOutsideCandidate,
            ("quota", _) => RuleProblem::QuotaOutsideCap,
            ("member", _) if !cx.member => RuleProblem::MemberInBranchRule,
            (_, Some(h)) => match self.facts_ix.get(&h) {
                Some(&r) => RuleProblem::RootWithoutField { root: n.to_owned(), fields: self.records[r].fields.iter().map(|(f, _)| f.clone()).collect() },
                None => RuleProblem::UndeclaredFacts { root: n.to_owned() },
            },
            _ => {
                // The names this rule can read: declared roots, the bound element,
                // `excluded` and `quota` where they are allowed.
                let roots = HostRecord::roots().iter().copied().filter(|r| HostRecord::root(r).is_some_and(|h| self.facts_ix.contains_key(&h) && (h != HostRecord::Member || cx.member)));
                let var = self.current_var.as_deref().filter(|_| cx.var.is_some());
                let names = roots.chain(var).chain(cx.excluded.then_some("excluded")).chain(cx.quota.then_some("quota"));
                RuleProblem::UnknownName { name: n.to_owned(), choices: Choices::among(n, names) }
            }
        };
        self.err(cx.file, sp, problem);
        None
    }

    fn field(&mut self, base: &ast::Expr, f: &Ident, cx: Ctx) -> Option<TExpr> {
        let ExprKind::Name(root) = &base.kind else {
            self.err(cx.file, base.span, RuleProblem::NoFields { expr: self.src(base.span, cx.file) });
            return None;
        };
        let (src, rec) = if let (Some(r), true) = (cx.var, self.current_var.as_deref() == Some(root.as_str())) {
            (Src::Var, r)
        } else if let Some(h) = HostRecord::root(root) {
            if h == HostRecord::Member && !cx.member {
                self.name("member", base.span, cx, None);
                return None;
            }
            match self.facts_ix.get(&h) {
                Some(&r) => (Src::Root(h), r),
                None => {
                    self.err(cx.file, base.span, RuleProblem::UndeclaredFacts { root: root.clone() });
                    return None;
                }
            }
        } else {
            self.name(root, base.span, cx, None);
            return None;
        };
        let rd = &self.records[rec];
        let Some((_, ty)) = rd.fields.iter().find(|(n, _)| *n == f.name) else {
            let choices = Choices::among(&f.name, rd.fields.iter().map(|(n, _)| n.as_str()));
            let problem = RuleProblem::UnknownField { of: self.src(base.span, cx.file), record: rd.name.clone(), field: f.name.clone(), choices };
            self.err(cx.file, f.span, problem);
            return None;
        };
        let host = rd.host.unwrap_or(HostRecord::Member);
        let ty = *ty;
        Some(TExpr::new(TKind::Field(src, host, f.name.clone()), ty, Span::new(base.span.start, f.span.end)))
    }

    fn to_dec(t: TExpr) -> TExpr {
        if t.ty.base == Base::Int {
            let ty = Ty { base: Base::Dec, opt: t.ty.opt };
            let sp = t.span;
            TExpr::new(TKind::ToDec(Box::new(t)), ty, sp)
        } else {
            t
        }
    }

    fn is_literal_word(e: &ast::Expr) -> bool {
        matches!(e.kind, ExprKind::Name(_) | ExprKind::Str(_))
    }

    fn enum_of(t: &TExpr) -> Option<usize> {
        match t.ty.base {
            Base::Enum(e) => Some(e),
            _ => None,
        }
    }

    fn compare(&mut self, op: BinOp, a: &ast::Expr, b: &ast::Expr, sp: Span, cx: Ctx) -> Option<TExpr> {
        let (ta, tb) = if Self::is_literal_word(a) && !Self::is_literal_word(b) {
            let tb = self.expr(b, cx, None)?;
            let ta = self.expr(a, cx, Self::enum_of(&tb))?;
            (ta, tb)
        } else {
            let ta = self.expr(a, cx, None)?;
            let tb = self.expr(b, cx, Self::enum_of(&ta))?;
            (ta, tb)
        };
        let ordered = !matches!(op, BinOp::Eq | BinOp::Ne);
        let bool_ty = Ty::of(Base::Bool);
        let (kind, ta, tb) = match (ta.ty.base, tb.ty.base) {
            (Base::Int, Base::Int) | (Base::Months, Base::Months) => (CmpKind::Num, ta, tb),
            (x, y) if ta.ty.is_num() && tb.ty.is_num() && (x == Base::Dec || y == Base::Dec) => (CmpKind::Num, Self::to_dec(ta), Self::to_dec(tb)),
            (Base::Date, Base::Date) => (CmpKind::Date, ta, tb),
            (Base::Text, Base::Text) if !ordered => (CmpKind::Text, ta, tb),
            (Base::Enum(x), Base::Enum(y)) if x == y && !ordered => (CmpKind::Text, ta, tb),
            (Base::Bool, Base::Bool) if !ordered => (CmpKind::Bool, ta, tb),
            _ => {
                let (na, nb) = (self.ty_name(ta.ty), self.ty_name(tb.ty));
                let (sa, sb) = (self.src(a.span, cx.file), self.src(b.span, cx.file));
                let same = ta.ty.base == tb.ty.base || matches!((ta.ty.base, tb.ty.base), (Base::Enum(_), Base::Enum(_)));
                let problem = if same && ordered {
                    RuleProblem::CannotOrder { operator: op.symbol().to_owned(), left: sa, right: sb, found: na }
                } else {
                    RuleProblem::CannotCompare { left: sa, left_type: na, right: sb, right_type: nb }
                };
                self.err(cx.file, sp, problem);
                return None;
            }
        };
        Some(TExpr::new(TKind::Cmp(op, kind, Box::new(ta), Box::new(tb)), bool_ty, sp))
    }

    fn arith(&mut self, op: BinOp, a: &ast::Expr, b: &ast::Expr, sp: Span, cx: Ctx) -> Option<TExpr> {
        let ta = self.expr(a, cx, None);
        let tb = self.expr(b, cx, None);
        let (ta, tb) = (ta?, tb?);
        let opt = ta.ty.opt || tb.ty.opt;
        let ty = |base| Ty { base, opt };
        let (ar, t, ta, tb) = match (op, ta.ty.base, tb.ty.base) {
            (BinOp::Add | BinOp::Sub, Base::Int, Base::Int) => (if op == BinOp::Add { Arith::Add } else { Arith::Sub }, ty(Base::Int), ta, tb),
            (BinOp::Add | BinOp::Sub, Base::Months, Base::Months) => (if op == BinOp::Add { Arith::Add } else { Arith::Sub }, ty(Base::Months), ta, tb),
            (BinOp::Add | BinOp::Sub, _, _) if ta.ty.is_num() && tb.ty.is_num() => (if op == BinOp::Add { Arith::Add } else { Arith::Sub }, ty(Base::Dec), Self::to_dec(ta), Self::to_dec(tb)),
            (BinOp::Add, Base::Date, Base::Months) => (Arith::DateAddMonths, ty(Base::Date), ta, tb),
            (BinOp::Sub, Base::Date, Base::Months) => (Arith::DateSubMonths, ty(Base::Date), ta, tb),
            (BinOp::Mul, Base::Int, Base::Int) => (Arith::MulInt, ty(Base::Int), ta, tb),
            (BinOp::Mul, _, _) if ta.ty.is_num() && tb.ty.is_num() => (Arith::MulDec, ty(Base::Dec), Self::to_dec(ta), Self::to_dec(tb)),
            (BinOp::Div, _, _) if ta.ty.is_num() && tb.ty.is_num() => {
                if let TKind::Lit(Lit::Num(0)) = tb.kind {
                    self.err(cx.file, b.span, RuleProblem::DivisionByZero);
                    return None;
                }
                (Arith::DivDec, ty(Base::Dec), Self::to_dec(ta), Self::to_dec(tb))
            }
            _ => {
                let (na, nb) = (self.ty_name(ta.ty), self.ty_name(tb.ty));
                let (sa, sb) = (self.src(a.span, cx.file), self.src(b.span, cx.file));
                let problem = RuleProblem::CannotApply { operator: op.symbol().to_owned(), left: sa, left_type: na, right: sb, right_type: nb };
                self.err(cx.file, sp, problem);
                return None;
            }
        };
        Some(TExpr::new(TKind::Arith(ar, Box::new(ta), Box::new(tb)), t, sp))
    }

    fn call(&mut self, f: &Ident, args: &[ast::Expr], sp: Span, cx: Ctx) -> Option<TExpr> {
        let func = match f.name.as_str() {
            "floor" => Func::Floor,
            "ceil" => Func::Ceil,
            "round" => Func::Round,
            "max" => Func::Max,
            "min" => Func::Min,
            "months" => Func::Months,
            "days" => Func::Days,
            n @ ("count" | "any" | "all" | "streak") => {
                self.err(cx.file, sp, RuleProblem::AggregateWithoutList { function: n.to_owned() });
                return None;
            }
            n => {
                let all = ["floor", "ceil", "round", "max", "min", "months", "days", "count", "any", "all", "streak"];
                self.err(cx.file, f.span, RuleProblem::UnknownFunction { name: n.to_owned(), choices: Choices::among(n, all) });
                return None;
            }
        };
        let mut targs = Vec::new();
        for a in args {
            targs.push(self.expr(a, cx, None));
        }
        let mut targs: Vec<TExpr> = targs.into_iter().collect::<Option<_>>()?;
        let opt = targs.iter().any(|t| t.ty.opt);
        let name = &f.name;
        let bad = |me: &mut Self, wants: Arguments| {
            me.err(cx.file, sp, RuleProblem::WrongArguments { function: name.clone(), wants });
        };
        match func {
            Func::Floor | Func::Ceil | Func::Round => {
                if targs.len() != 1 || !targs[0].ty.is_num() {
                    bad(self, Arguments::OneNumber);
                    return None;
                }
                let a = Self::to_dec(targs.remove(0));
                Some(TExpr::new(TKind::Call(func, vec![a]), Ty { base: Base::Int, opt }, sp))
            }
            Func::Max | Func::Min => {
                if targs.len() < 2 || !targs.iter().all(|t| t.ty.is_num()) {
                    bad(self, Arguments::TwoOrMoreNumbers);
                    return None;
                }
                let dec = targs.iter().any(|t| t.ty.base == Base::Dec);
                let targs: Vec<TExpr> = if dec { targs.into_iter().map(Self::to_dec).collect() } else { targs };
                Some(TExpr::new(TKind::Call(func, targs), Ty { base: if dec { Base::Dec } else { Base::Int }, opt }, sp))
            }
            Func::Months | Func::Days => {
                if targs.len() != 2 || !targs.iter().all(|t| t.ty.base == Base::Date) {
                    bad(self, Arguments::TwoDates);
                    return None;
                }
                Some(TExpr::new(TKind::Call(func, targs), Ty { base: Base::Int, opt }, sp))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn agg(&mut self, kind: AggKind, var: &Ident, list: &ast::Expr, filter: Option<&ast::Expr>, pred: Option<&ast::Expr>, sp: Span, cx: Ctx) -> Option<TExpr> {
        if self.current_var.is_some() {
            self.err(cx.file, sp, RuleProblem::NestedAggregate);
            return None;
        }
        let tl = self.expr(list, cx, None)?;
        let Base::List(r) = tl.ty.base else {
            self.err(cx.file, list.span, RuleProblem::NotAList { expr: self.src(list.span, cx.file), found: self.ty_name(tl.ty) });
            return None;
        };
        let elem = self.records[r].host.unwrap_or(HostRecord::Member);
        if HostRecord::root(&var.name).is_some() || matches!(var.name.as_str(), "excluded" | "quota") {
            self.err(cx.file, var.span, RuleProblem::ElementNameTaken { name: var.name.clone() });
            return None;
        }
        self.current_var = Some(var.name.clone());
        let icx = Ctx { var: Some(r), ..cx };
        let tf = filter.map(|f| self.bool_operand(f, icx, "where"));
        let tp = pred.map(|p| self.bool_operand(p, icx, ":"));
        self.current_var = None;
        let tf = match tf {
            Some(None) => return None,
            Some(Some(t)) => Some(Box::new(t)),
            None => None,
        };
        let tp = match tp {
            Some(None) => return None,
            Some(Some(t)) => Some(Box::new(t)),
            None => None,
        };
        let ty = Ty::of(match kind {
            AggKind::Count | AggKind::Streak => Base::Int,
            AggKind::Any | AggKind::All => Base::Bool,
        });
        Some(TExpr::new(TKind::Agg { kind, list: Box::new(tl), elem, filter: tf, pred: tp }, ty, sp))
    }
}

/// The keyword a rule of this kind is written with.
pub fn kind_word(k: RuleKind) -> &'static str {
    k.keyword()
}
