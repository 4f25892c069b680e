//! Names and types: syntax trees in, a checked [`Program`] out.
//!
//! The checker resolves every name (roots, fields, bound elements, enum variants),
//! gives every expression a type, inserts the int-to-dec conversions, and compares the
//! `facts`/`record` declarations with the host catalogue. Everything it accepts can be
//! evaluated without a type error; everything it rejects is reported with a span,
//! across all files. It does not evaluate anything.

use super::ast::{self, AggKind, BinOp, ExprKind, Ident, Item, RuleForm, Span, TypeExpr};
use super::diagnostic::{Reporter, RuleError};
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

/// Everything the later stages need.
#[derive(Debug, Clone)]
pub(crate) struct Program {
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

pub(crate) fn check(files: &[(Reporter, ast::File)]) -> Result<Program, Vec<RuleError>> {
    let mut c = Checker { files, errors: Vec::new(), enums: Vec::new(), enum_ix: HashMap::new(), records: Vec::new(), rec_ix: HashMap::new(), facts_ix: HashMap::new(), current_var: None, picks: Vec::new(), pick_levels: Vec::new(), publicity: None };
    c.declare();
    let rules = c.rules();
    if c.errors.is_empty() {
        Ok(Program { enums: c.enums, records: c.records, rules, picks: c.picks, pick_levels: c.pick_levels, publicity: c.publicity })
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

pub(super) fn closest<'n>(name: &str, options: impl IntoIterator<Item = &'n str>) -> Option<&'n str> {
    options
        .into_iter()
        .map(|o| (distance(name, o), o))
        .filter(|(d, o)| *d <= 1.max(o.chars().count() / 3) && *d < name.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, o)| o)
}

fn ticks<'n>(names: impl IntoIterator<Item = &'n str>) -> String {
    names.into_iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

impl<'a, 'f> Checker<'a, 'f> {
    fn err(&mut self, file: usize, span: Span, msg: String, label: &str, help: Option<String>) {
        let e = self.files[file].0.error(span, msg, label, help);
        self.errors.push(e);
    }

    pub fn ty_name(&self, t: Ty) -> String {
        let b = match t.base {
            Base::Bool => "bool".to_string(),
            Base::Int => "int".into(),
            Base::Dec => "dec".into(),
            Base::Date => "date".into(),
            Base::Months => "months".into(),
            Base::Text => "text".into(),
            Base::Enum(i) => format!("enum `{}`", self.enums[i].name),
            Base::List(r) => format!("a list of `{}`", self.records[r].name),
        };
        if t.opt {
            format!("optional {b}")
        } else {
            b
        }
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
                            self.err(fi, e.name.span, format!("the enum `{}` is declared twice", e.name.name), "declared again here", Some("give each enum one declaration".into()));
                            continue;
                        }
                        let mut variants: Vec<EnumVariant> = Vec::new();
                        for (v, l) in &e.variants {
                            if variants.iter().any(|x| x.name == v.name) {
                                self.err(fi, v.span, format!("the variant `{}` appears twice in `{}`", v.name, e.name.name), "repeated", Some("list each variant once".into()));
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
                            self.err(fi, r.name.span, format!("`{key}` is declared twice"), "declared again here", Some("declare each record and facts block once".into()));
                            continue;
                        }
                        let host = if r.is_facts {
                            match HostRecord::root(&key) {
                                Some(h) => Some(h),
                                None => {
                                    self.err(fi, r.name.span, format!("the engine provides no facts named `{key}`"), "unknown facts", Some(format!("facts blocks describe one of {}", ticks(HostRecord::roots().iter().copied()))));
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
                    self.err(rs.file, f.name.span, format!("the field `{}` is declared twice", f.name.name), "declared again here", None);
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
                    let names = host.field_names();
                    let help = match closest(&f.name.name, names.iter().copied()) {
                        Some(c) => format!("did you mean `{c}`? the engine's fields here are {}", ticks(names.iter().copied())),
                        None => format!("the engine's fields here are {}", ticks(names.iter().copied())),
                    };
                    self.err(file, f.name.span, format!("the engine has no field `{}` on `{}`", f.name.name, rs.item.name.name), "not provided by the engine", Some(help));
                    continue;
                };
                let ok = match (t.base, t.opt, ht) {
                    (Base::Bool, false, HostTy::Bool) | (Base::Int, false, HostTy::Int) | (Base::Date, false, HostTy::Date) | (Base::Date, true, HostTy::OptDate) => true,
                    (Base::Text | Base::Enum(_), false, HostTy::Text) | (Base::Text | Base::Enum(_), true, HostTy::OptText) => true,
                    (Base::List(r), _, HostTy::List(h)) => {
                        match self.records[r].host {
                            Some(existing) if existing != h => {
                                self.err(file, f.span, format!("the record `{}` is used for two different lists", self.records[r].name), "a different list", Some("declare one record per kind of list".into()));
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
                    let msg = format!("the field `{}` is declared as {} but the engine provides {}", f.name.name, self.ty_name(t), ht.describe());
                    self.err(file, f.span, msg, "wrong type", Some(format!("declare `{}` with a type matching the engine's: {}", f.name.name, ht.describe())));
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
                    let names: Vec<String> = self.rec_ix.keys().cloned().collect();
                    self.err(file, id.span, format!("no record named `{}`", id.name), "unknown record", Some(format!("declare it with `record {} {{ … }}`; declared records: {}", id.name, ticks(names.iter().map(|s| s.as_str())))));
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
                            let hint = if self.rec_ix.contains_key(n) { format!("`{n}` is a record: write `[{n}]` for a list of them") } else {
                                let mut all = vec!["bool", "int", "dec", "date", "months", "text"];
                                let enums: Vec<String> = self.enums.iter().map(|e| e.name.clone()).collect();
                                all.extend(enums.iter().map(|s| s.as_str()));
                                format!("use one of {}", ticks(all))
                            };
                            self.err(file, name.span, format!("unknown type `{n}`"), "unknown type", Some(hint));
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
                let kind = match r.form {
                    RuleForm::Quota => RuleKind::Quota,
                    RuleForm::Exclude => RuleKind::Exclude,
                    RuleForm::Voter => RuleKind::Voter,
                    RuleForm::Candidate => RuleKind::Candidate,
                    RuleForm::Quorum => RuleKind::Quorum,
                    RuleForm::Prefer => RuleKind::Prefer,
                    RuleForm::Cap => RuleKind::Cap,
                    RuleForm::Tie => RuleKind::Tie,
                    RuleForm::Guard => RuleKind::Guard,
                    RuleForm::Pick => RuleKind::Pick,
                    RuleForm::Publicity => RuleKind::Publicity,
                };
                let kw = kind_word(kind);
                let name = r.name.as_ref().map(|n| n.name.clone()).unwrap_or_else(|| kw.to_string());
                let singleton = !matches!(kind, RuleKind::Exclude | RuleKind::Guard);
                if names.insert((kind, name.clone()), ()).is_some() {
                    let (sp, msg, help) = match &r.name {
                        Some(n) => (n.span, format!("there are two `{kw}` rules named `{name}`"), format!("give each `{kw}` rule its own name")),
                        None => (Span::new(r.span.start, r.span.start + kw.len()), format!("there is more than one `{kw}` rule"), format!("keep exactly one `{kw}` rule in the rule set")),
                    };
                    self.err(fi, sp, msg, "duplicate", Some(help));
                    continue;
                }
                let _ = singleton;
                let workflow_named = |k: RuleKind| matches!(k, RuleKind::Pick | RuleKind::Publicity);
                match any_kind.get(&name) {
                    Some(&other) if other != kind && (workflow_named(kind) || workflow_named(other)) => {
                        let sp = r.name.as_ref().map(|n| n.span).unwrap_or(Span::new(r.span.start, r.span.start + kw.len()));
                        let msg = format!("`{name}` is already the name of a `{}` rule", kind_word(other));
                        self.err(fi, sp, msg, "duplicate", Some("give each rule its own name: the escalation workflow names `pick` and `publicity` rules".into()));
                        continue;
                    }
                    Some(_) => {}
                    None => {
                        any_kind.insert(name.clone(), kind);
                    }
                }
                if kind == RuleKind::Publicity && out.iter().any(|o| o.info.kind == RuleKind::Publicity) {
                    let sp = Span::new(r.span.start, r.span.start + kw.len());
                    self.err(fi, sp, "there is more than one `publicity` rule".into(), "duplicate", Some("keep at most one `publicity` rule in the rule set".into()));
                    continue;
                }
                let (line, _) = super::diagnostic::line_col(rep.text, r.span.start);
                let value_ctx = Ctx { file: fi, member: false, excluded: false, quota: kind == RuleKind::Cap, var: None };
                let when_ctx = Ctx {
                    file: fi,
                    member: matches!(kind, RuleKind::Exclude | RuleKind::Voter | RuleKind::Candidate | RuleKind::Prefer | RuleKind::Cap),
                    excluded: kind == RuleKind::Candidate,
                    quota: false,
                    var: None,
                };
                let value = r.value.as_ref().and_then(|e| self.expect(e, value_ctx, Base::Int, "the quota and a cap are whole numbers: use `floor`, `ceil` or `round`"));
                let when = r.when.as_ref().and_then(|e| self.expect(e, when_ctx, Base::Bool, "a condition is true or false: compare values, e.g. `member.full` or `x >= 2`"));
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
                self.err(fi, Span::default(), "there are more than 64 `exclude` rules".into(), "the 65th", Some("merge related exclusions into one rule".into()));
            }
        }
        for kind in [RuleKind::Quota, RuleKind::Voter, RuleKind::Candidate, RuleKind::Quorum, RuleKind::Tie] {
            if !out.iter().any(|r| r.info.kind == kind) && !files.is_empty() {
                let kw = kind_word(kind);
                self.err(0, Span::new(0, 0), format!("the rule set has no `{kw}` rule"), "required", Some(format!("add exactly one `{kw}` rule, e.g. `{}`", example(kind))));
            }
        }
        out
    }

    /// A pick's or publicity window's bound: a whole number, not negative.
    fn bound(&mut self, fi: usize, r: &ast::RuleItem, b: &ast::BoundItem, info: &RuleInfo) {
        let written = b.number.name.as_str();
        let (what, help) = match b.op {
            Some(_) => ("stars", "a pick's bound is a whole number of stars, e.g. `exactly 1` or `at most 5`"),
            None => ("working days", "a publicity window is a whole number of working days, e.g. `5 working days` (`0` for none)"),
        };
        let n = match written.parse::<i64>() {
            Ok(n) if n < 0 => {
                self.err(fi, b.number.span, format!("`{written}` is a negative number of {what}"), "negative", Some(help.into()));
                return;
            }
            Ok(n) if n <= i64::MAX / 1_000_000 => n,
            Ok(_) => {
                self.err(fi, b.number.span, format!("the number `{written}` is too large"), "too large", Some("numbers in rules stay below 9 000 000 000 000".into()));
                return;
            }
            Err(_) if written.trim_start_matches('-').chars().all(|c| c.is_ascii_digit()) => {
                self.err(fi, b.number.span, format!("the number `{written}` is too large"), "too large", Some("numbers in rules stay below 9 000 000 000 000".into()));
                return;
            }
            Err(_) => {
                self.err(fi, b.number.span, format!("`{written}` is not a whole number of {what}"), "not a whole number", Some(help.into()));
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

    fn expect(&mut self, e: &ast::Expr, cx: Ctx, base: Base, help: &str) -> Option<TExpr> {
        let t = self.expr(e, cx, None)?;
        let t = if t.ty.base == base && !t.ty.opt { t } else {
            let msg = format!("expected {} but `{}` is {}", match base { Base::Bool => "a condition (bool)", _ => "a whole number (int)" }, e.span.text(self.files[cx.file].0.text), self.ty_name(t.ty));
            let help = if t.ty.opt { "the value may be missing: test it with `is some` first".to_string() } else { help.to_string() };
            self.err(cx.file, e.span, msg, "wrong type", Some(help));
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
                    self.err(cx.file, sp, format!("cannot negate `{}`, which is {}", self.src(x.span, cx.file), self.ty_name(t.ty)), "not a number", Some("only numbers can be negated".into()));
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
                    let w = if *some { "some" } else { "none" };
                    self.err(cx.file, sp, format!("`{}` is never missing, so `is {w}` cannot be false or true", self.src(x.span, cx.file)), "always present", Some("only optional fields (declared with `?`) can be tested with `is none` / `is some`".into()));
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
                        self.err(cx.file, x.span, format!("`in` needs text or an enum value but `{}` is {}", self.src(x.span, cx.file), self.ty_name(t.ty)), "not text", Some("use `in` with text or enum values, e.g. `member.role in [secretary, committee]`".into()));
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
                        _ => self.err(cx.file, it.span, format!("`{}` is not a fixed value", self.src(it.span, cx.file)), "not a literal", Some("the list after `in` holds enum variants or quoted texts".into())),
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
        let names: Vec<&str> = d.variants.iter().map(|v| v.name.as_str()).collect();
        let help = match closest(name, names.iter().copied()) {
            Some(c) => format!("did you mean `{c}`? the variants of `{}` are {}", d.name, ticks(names.iter().copied())),
            None => format!("the variants of `{}` are {}", d.name, ticks(names.iter().copied())),
        };
        let msg = format!("`{name}` is not a variant of the enum `{}`", d.name);
        self.err(file, sp, msg, "unknown variant", Some(help));
    }

    fn bool_operand(&mut self, x: &ast::Expr, cx: Ctx, op: &str) -> Option<TExpr> {
        let t = self.expr(x, cx, None)?;
        if t.ty != Ty::of(Base::Bool) {
            self.err(cx.file, x.span, format!("`{op}` needs a condition but `{}` is {}", self.src(x.span, cx.file), self.ty_name(t.ty)), "not a condition", Some("compare the value to something, e.g. `x >= 2` or `x == present`".into()));
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
        let help = match n {
            "excluded" => "`excluded` can only be used in the `candidate` rule".to_string(),
            "quota" => "`quota` can only be used in the `to` part of the `cap` rule".to_string(),
            "member" => "this rule is about the branch as a whole, so it cannot read `member`; use `branch`, `meeting` or `quarter`, or an aggregate such as `count(m in branch.members: …)`".to_string(),
            _ if HostRecord::root(n).is_some() => format!("declare it with `facts {n} {{ … }}`"),
            _ => "a name is a root such as `member`, `branch`, `meeting` or `quarter` followed by a field, an element bound by an aggregate, or an enum variant compared with an enum value".to_string(),
        };
        self.err(cx.file, sp, format!("unknown name `{n}`"), "not known here", Some(help));
        None
    }

    fn field(&mut self, base: &ast::Expr, f: &Ident, cx: Ctx) -> Option<TExpr> {
        let ExprKind::Name(root) = &base.kind else {
            self.err(cx.file, base.span, format!("`{}` has no fields", self.src(base.span, cx.file)), "no fields", Some("fields are read from a root (`member.full`) or from an element bound by an aggregate (`l.date`)".into()));
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
                    self.err(cx.file, base.span, format!("`{root}` is not declared"), "undeclared facts", Some(format!("declare the fields rules may read with `facts {root} {{ … }}`")));
                    return None;
                }
            }
        } else {
            self.name(root, base.span, cx, None);
            return None;
        };
        let rd = &self.records[rec];
        let Some((_, ty)) = rd.fields.iter().find(|(n, _)| *n == f.name) else {
            let names: Vec<&str> = rd.fields.iter().map(|(n, _)| n.as_str()).collect();
            let help = match closest(&f.name, names.iter().copied()) {
                Some(c) => format!("did you mean `{c}`? the declared fields of `{}` are {}", rd.name, ticks(names.iter().copied())),
                None => format!("the declared fields of `{}` are {}", rd.name, ticks(names.iter().copied())),
            };
            let msg = format!("`{}` has no field `{}`", self.src(base.span, cx.file), f.name);
            self.err(cx.file, f.span, msg, "unknown field", Some(help));
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
                let (msg, help) = if same && ordered {
                    (format!("cannot order `{sa}` and `{sb}` with `{}`: {na} values are only equal or not", op.symbol()), "use `==` or `!=`".to_string())
                } else {
                    (format!("cannot compare `{sa}` ({na}) with `{sb}` ({nb})"), "compare values of the same kind: numbers with numbers, dates with dates, an enum with one of its variants".to_string())
                };
                self.err(cx.file, sp, msg, "mismatched types", Some(help));
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
                    self.err(cx.file, b.span, "division by zero".into(), "zero", Some("divide by a number other than 0".into()));
                    return None;
                }
                (Arith::DivDec, ty(Base::Dec), Self::to_dec(ta), Self::to_dec(tb))
            }
            _ => {
                let (na, nb) = (self.ty_name(ta.ty), self.ty_name(tb.ty));
                let (sa, sb) = (self.src(a.span, cx.file), self.src(b.span, cx.file));
                let help = if ta.ty.base == Base::Date && tb.ty.base == Base::Date {
                    "to measure between two dates use `months(a, b)` or `days(a, b)`".to_string()
                } else {
                    "numbers combine with numbers, and a date with a duration such as `12 months`".to_string()
                };
                self.err(cx.file, sp, format!("cannot apply `{}` to `{sa}` ({na}) and `{sb}` ({nb})", op.symbol()), "mismatched types", Some(help));
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
                self.err(cx.file, sp, format!("`{n}` needs an element name and a list"), "not an aggregate", Some(format!("write `{n}(x in member.life where … : …)`")));
                return None;
            }
            n => {
                let all = ["floor", "ceil", "round", "max", "min", "months", "days", "count", "any", "all", "streak"];
                let help = match closest(n, all) {
                    Some(c) => format!("did you mean `{c}`? the functions are {}", ticks(all)),
                    None => format!("the functions are {}", ticks(all)),
                };
                self.err(cx.file, f.span, format!("unknown function `{n}`"), "unknown function", Some(help));
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
        let bad = |me: &mut Self, want: &str| {
            me.err(cx.file, sp, format!("`{name}` expects {want}"), "wrong arguments", Some(format!("e.g. {}", match func {
                Func::Floor | Func::Ceil | Func::Round => "`floor(branch.member_count * 15%)`",
                Func::Max | Func::Min => "`max(1, floor(x))`",
                _ => "`months(member.last_report, meeting.date)`",
            })));
        };
        match func {
            Func::Floor | Func::Ceil | Func::Round => {
                if targs.len() != 1 || !targs[0].ty.is_num() {
                    bad(self, "one number");
                    return None;
                }
                let a = Self::to_dec(targs.remove(0));
                Some(TExpr::new(TKind::Call(func, vec![a]), Ty { base: Base::Int, opt }, sp))
            }
            Func::Max | Func::Min => {
                if targs.len() < 2 || !targs.iter().all(|t| t.ty.is_num()) {
                    bad(self, "two or more numbers");
                    return None;
                }
                let dec = targs.iter().any(|t| t.ty.base == Base::Dec);
                let targs: Vec<TExpr> = if dec { targs.into_iter().map(Self::to_dec).collect() } else { targs };
                Some(TExpr::new(TKind::Call(func, targs), Ty { base: if dec { Base::Dec } else { Base::Int }, opt }, sp))
            }
            Func::Months | Func::Days => {
                if targs.len() != 2 || !targs.iter().all(|t| t.ty.base == Base::Date) {
                    bad(self, "two dates, from and to");
                    return None;
                }
                Some(TExpr::new(TKind::Call(func, targs), Ty { base: Base::Int, opt }, sp))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn agg(&mut self, kind: AggKind, var: &Ident, list: &ast::Expr, filter: Option<&ast::Expr>, pred: Option<&ast::Expr>, sp: Span, cx: Ctx) -> Option<TExpr> {
        if self.current_var.is_some() {
            self.err(cx.file, sp, "aggregates cannot be nested".into(), "inside another aggregate", Some("split the condition into two rules, or count in one aggregate with a `where` filter".into()));
            return None;
        }
        let tl = self.expr(list, cx, None)?;
        let Base::List(r) = tl.ty.base else {
            self.err(cx.file, list.span, format!("`{}` is {}, not a list", self.src(list.span, cx.file), self.ty_name(tl.ty)), "not a list", Some("aggregate over a list field such as `member.life` or `branch.members`".into()));
            return None;
        };
        let elem = self.records[r].host.unwrap_or(HostRecord::Member);
        if HostRecord::root(&var.name).is_some() || matches!(var.name.as_str(), "excluded" | "quota") {
            self.err(cx.file, var.span, format!("`{}` is already a name in rules", var.name), "taken", Some("bind the element to a short new name such as `l`, `f` or `m`".into()));
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

pub(crate) fn kind_word(k: RuleKind) -> &'static str {
    match k {
        RuleKind::Quota => "quota",
        RuleKind::Exclude => "exclude",
        RuleKind::Voter => "voter",
        RuleKind::Candidate => "candidate",
        RuleKind::Quorum => "quorum",
        RuleKind::Prefer => "prefer",
        RuleKind::Cap => "cap",
        RuleKind::Tie => "tie",
        RuleKind::Guard => "guard",
        RuleKind::Pick => "pick",
        RuleKind::Publicity => "publicity",
    }
}

fn example(k: RuleKind) -> &'static str {
    match k {
        RuleKind::Quota => "quota §3.4 \"…\" = max(1, floor(branch.member_count * 15%))",
        RuleKind::Voter => "voter §3.4 \"…\" when member.full and member.meeting == present",
        RuleKind::Candidate => "candidate §3.4 \"…\" when not excluded",
        RuleKind::Quorum => "quorum §3.4 \"…\" when count(m in branch.members: m.full and m.meeting == present) * 2 > count(m in branch.members: m.full)",
        _ => "tie §3.4 \"…\" runoff",
    }
}
