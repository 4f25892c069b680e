//! Rules: each rule's form and expression, its bounds, the rules a set must have.

use super::super::ast::{self, Item, Span};
use super::super::diagnostic::{BoundOf, RuleProblem, Wanted};
use super::super::{PickBound, PickRule, PublicityRule, RuleInfo, RuleKind, TiePolicy};
use super::*;
use std::collections::HashMap;

impl Checker<'_, '_> {
    pub(super) fn rules(&mut self) -> Vec<CheckedRule> {
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
                let (line, _) = super::super::diagnostic::line_col(rep.text, r.span.start);
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
                let attribution = self.attribution(r.per.as_ref());
                let info = RuleInfo { name, kind, clause: r.clause.clone(), text: r.text.clone(), source, location: format!("{}:{line}", rep.file), attribution };
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
    pub(super) fn bound(&mut self, fi: usize, r: &ast::RuleItem, b: &ast::BoundItem, info: &RuleInfo) {
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
                    ast::BoundOp::InPrinciple => PickBound::InPrinciple(n),
                };
                self.pick_levels.push((fi, level.span));
                self.picks.push(PickRule { rule: info.clone(), level: level.name.clone(), each_unit: b.each_unit, bound });
            }
            _ => self.publicity = Some(PublicityRule { rule: info.clone(), working_days: n }),
        }
    }

}
