//! Names and types: syntax trees in, checked rules out (sorted into a
//! [`super::program::Program`] once nothing is left to report).
//!
//! The checker resolves every name (roots, fields, bound elements, enum variants),
//! gives every expression a type, inserts the int-to-dec conversions, and compares the
//! `facts`/`record` declarations with the host catalogue. Everything it accepts can be
//! evaluated without a type error; everything it rejects is reported with a span,
//! across all files. It does not evaluate anything.
//!
//! Files: this one (the checker's state and entry point), `typed` (the checked tree
//! the later stages read), `declare` (enums, records and facts against the host
//! catalogue), `cite` (the notice's clauses, the other sources, each rule's
//! citation), `rules` (each rule's form, its bounds, the rules a set must have),
//! `expr` (names, fields, operators, functions and aggregates), `emphasis` and
//! `annex` (the items naming variants of an enum: emphases, the notice's form).

mod annex;
mod cite;
mod declare;
mod emphasis;
mod expr;
mod rules;
mod typed;

pub(crate) use typed::*;

use super::ast::{self, Span};
use super::diagnostic::{BaseType, Reporter, RuleError, RuleProblem, ValueType};
use super::host::HostRecord;
use super::{AnnexRule, Emphasis, EnumDecl, PickRule, PublicityRule, RuleKind};
use std::collections::HashMap;

struct RecordSrc<'a> {
    file: usize,
    item: &'a ast::RecordItem,
}

pub(crate) fn check(files: &[(Reporter, ast::File)]) -> Result<Checked, Vec<RuleError>> {
    let mut c = Checker { files, errors: Vec::new(), enums: Vec::new(), enum_ix: HashMap::new(), records: Vec::new(), rec_ix: HashMap::new(), facts_ix: HashMap::new(), current_var: None, picks: Vec::new(), pick_levels: Vec::new(), publicity: None, sources: Vec::new(), notice_declared: false, emphases: Vec::new(), annexes: Vec::new() };
    c.declare();
    let (clauses, cited_sources) = c.citations();
    c.emphases();
    c.annexes();
    let rules = c.rules();
    if c.errors.is_empty() {
        Ok(Checked { enums: c.enums, records: c.records, rules, picks: c.picks, pick_levels: c.pick_levels, publicity: c.publicity, clauses, cited_sources, emphases: c.emphases, annexes: c.annexes })
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
    /// The declared sources other than the notice (`source local "…"`).
    sources: Vec<super::CitedSource>,
    /// Whether the files declare the notice's clauses (then citations are checked).
    notice_declared: bool,
    emphases: Vec<Emphasis>,
    annexes: Vec<AnnexRule>,
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
    pub(super) fn err(&mut self, file: usize, span: Span, problem: RuleProblem) {
        let e = self.files[file].0.error(span, problem);
        self.errors.push(e);
    }

    /// A checked type as a diagnostic names it.
    pub(super) fn ty_name(&self, t: Ty) -> ValueType {
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

}

/// The keyword a rule of this kind is written with.
pub fn kind_word(k: RuleKind) -> &'static str {
    k.keyword()
}

