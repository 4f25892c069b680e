//! The checked program as the later stages read it: what the checker proved is in
//! its types. A rule set that loads has exactly one quota, voter, candidate, quorum and
//! tie rule ([`Required`]), at most one prefer, cap and presenter rule, and every condition
//! and value it holds is checked; the compiler and the tracer read these fields, so
//! nothing is looked up by kind, and nothing falls back, while rules run.
//!
//! The checker works on a flat list of rules whose expressions may have failed to
//! check (it goes on to report every error); [`Program::assemble`] sorts that list
//! into this shape once the checker found no error. It does not report anything.

use super::ast::Span;
use super::check::{Checked, CheckedRule, RecordDecl, TExpr};
use super::{AnnexRule, CitedSource, Emphasis, EnumDecl, NoticeClause, PickRule, PublicityRule, RuleInfo, RuleKind, TiePolicy};

/// A rule that decides a condition: `exclude`, `voter`, `candidate`, `quorum`,
/// `prefer`, `guard`.
#[derive(Debug, Clone)]
pub(crate) struct Condition {
    pub info: RuleInfo,
    pub when: TExpr,
    /// Index into the sources, for the trace's source text.
    pub file: usize,
}

/// `quota … = e`: a rule that computes a whole number.
#[derive(Debug, Clone)]
pub(crate) struct Valued {
    pub info: RuleInfo,
    pub value: TExpr,
    pub file: usize,
}

/// `cap … to e when c`: the seats (`to`) of the members for whom `when` holds.
#[derive(Debug, Clone)]
pub(crate) struct Cap {
    pub info: RuleInfo,
    pub to: TExpr,
    pub when: TExpr,
    pub file: usize,
}

/// `tie … runoff`.
#[derive(Debug, Clone)]
pub(crate) struct Tie {
    pub info: RuleInfo,
    pub policy: TiePolicy,
}

/// The rules every rule set has exactly one of.
#[derive(Debug, Clone)]
pub(crate) struct Required {
    pub quota: Valued,
    pub voter: Condition,
    pub candidate: Condition,
    pub quorum: Condition,
    pub tie: Tie,
}

/// Everything the later stages need, sorted by what each rule is for.
#[derive(Debug, Clone)]
pub(crate) struct Program {
    pub enums: Vec<EnumDecl>,
    pub records: Vec<RecordDecl>,
    /// Every rule, in file order (files in the order given to the loader).
    pub infos: Vec<RuleInfo>,
    pub required: Required,
    pub prefer: Option<Condition>,
    pub cap: Option<Cap>,
    /// Who may have a presentation recorded; without it, anyone.
    pub presenter: Option<Condition>,
    /// In file order: bit `i` of an exclusion mask is `exclusions[i]`.
    pub exclusions: Vec<Condition>,
    pub guards: Vec<Condition>,
    pub picks: Vec<PickRule>,
    /// Where each pick names its level: (file index, span of the level), as `picks`.
    pub pick_levels: Vec<(usize, Span)>,
    pub publicity: Option<PublicityRule>,
    /// The notice's clauses, as declared.
    pub clauses: Vec<NoticeClause>,
    /// The other sources rules quote (`source local "…"`).
    pub cited_sources: Vec<CitedSource>,
    /// The `emphasis` items, in file order.
    pub emphases: Vec<Emphasis>,
    /// The `annex` items, in file order: every variant of an enum the notice's form
    /// has a column for is on the form or printed as a value on it.
    pub annexes: Vec<AnnexRule>,
}

impl Program {
    /// The checker's rules sorted into a program. `Err` names a required rule that is
    /// missing (or whose expression did not check): the checker reports both, so only a
    /// load without any file meets it.
    pub fn assemble(checked: Checked) -> Result<Program, RuleKind> {
        let Checked { enums, records, rules, picks, pick_levels, publicity, clauses, cited_sources, emphases, annexes } = checked;
        let infos = rules.iter().map(|r| r.info.clone()).collect();
        let (mut quota, mut voter, mut candidate, mut quorum, mut tie) = (None, None, None, None, None);
        let (mut prefer, mut cap, mut presenter, mut exclusions, mut guards) = (None, None, None, Vec::new(), Vec::new());
        for r in rules {
            match r.info.kind {
                RuleKind::Quota => quota = valued(r),
                RuleKind::Voter => voter = condition(r),
                RuleKind::Candidate => candidate = condition(r),
                RuleKind::Quorum => quorum = condition(r),
                RuleKind::Prefer => prefer = condition(r),
                RuleKind::Presenter => presenter = condition(r),
                RuleKind::Exclude => exclusions.push(condition(r).ok_or(RuleKind::Exclude)?),
                RuleKind::Guard => guards.push(condition(r).ok_or(RuleKind::Guard)?),
                RuleKind::Tie => tie = r.policy.map(|policy| Tie { info: r.info, policy }),
                RuleKind::Cap => {
                    cap = match (r.value, r.when) {
                        (Some(to), Some(when)) => Some(Cap { info: r.info, to, when, file: r.file }),
                        _ => return Err(RuleKind::Cap),
                    }
                }
                // Kept apart by the checker, with their bounds.
                RuleKind::Pick | RuleKind::Publicity => {}
            }
        }
        let required = Required {
            quota: quota.ok_or(RuleKind::Quota)?,
            voter: voter.ok_or(RuleKind::Voter)?,
            candidate: candidate.ok_or(RuleKind::Candidate)?,
            quorum: quorum.ok_or(RuleKind::Quorum)?,
            tie: tie.ok_or(RuleKind::Tie)?,
        };
        Ok(Program { enums, records, infos, required, prefer, cap, presenter, exclusions, guards, picks, pick_levels, publicity, clauses, cited_sources, emphases, annexes })
    }
}

fn condition(r: CheckedRule) -> Option<Condition> {
    Some(Condition { when: r.when?, info: r.info, file: r.file })
}

fn valued(r: CheckedRule) -> Option<Valued> {
    Some(Valued { value: r.value?, info: r.info, file: r.file })
}
