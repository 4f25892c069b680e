//! The stars of a quarter or a year across the university, in numbers
//! ([`StarsReport`]): per quarter and in total, the stars of each reporting unit, of
//! each identity, and on each side of the lean toward ordinary members (§3.4), as the
//! rules' `prefer` and `cap` decide it for each star; and per quarter the branches
//! that have not opened it, not reported their special meeting (§4.2.a) or not met.
//!
//! Reading only, and cheap: a branch's stage is read from its folded quarter
//! ([`super::overview::Stage`]); its facts are built only when it has stars to sort,
//! and only the stars are judged. Nothing of the notice is named here: which side of
//! the lean a star is on is the quarter's own rules' to say, and identities and roles
//! are the rules' enums.

use super::forms::member_variant;
use super::overview::{subtree, Stage};
use super::{Archive, Shine};
use crate::domain::{Period, Quarter};
use crate::entity::Unit;
use crate::refs::{UnitRef, VariantRef};
use crate::refusal::{Hint, Kind, Refusal, Result, Thing};
use crate::rules::{Lean, RuleInfo, RuleSet};
use crate::state::org::OrgTree;
use chrono::NaiveDate;
use serde::Serialize;

/// The stars of a period across the tree.
#[derive(Debug, Clone, Serialize)]
pub struct StarsReport {
    pub period: Period,
    /// The tree's top unit.
    pub top: UnitRef,
    pub quarters: Vec<QuarterStars>,
    /// Over every quarter of the period.
    pub total: StarCounts,
    /// The rules in force that decide the sides of the lean, as written.
    pub prefer: Option<RuleInfo>,
    pub cap: Option<RuleInfo>,
}

/// One quarter of the period.
#[derive(Debug, Clone, Serialize)]
pub struct QuarterStars {
    pub quarter: Quarter,
    pub stars: StarCounts,
    /// How many units run the quarter (branches and directly affiliated branches).
    pub branches: usize,
    /// Branches, in the tree's order, whose quarter is not opened.
    pub not_opened: Vec<UnitRef>,
    /// Opened, the special meeting not reported to the superior yet.
    pub meeting_not_reported: Vec<UnitRef>,
    /// The meeting reported, not held (no attendance recorded) yet.
    pub not_met: Vec<UnitRef>,
}

/// The stars counted three ways.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StarCounts {
    pub stars: usize,
    /// Every reporting unit, in the tree's order, with its branches' stars.
    pub by_unit: Vec<UnitStars>,
    /// Each identity recorded for a star, in the order of the rules' enum.
    pub by_identity: Vec<IdentityStars>,
    pub lean: LeanCounts,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitStars {
    pub unit: UnitRef,
    pub stars: Share,
}

#[derive(Debug, Clone, Serialize)]
pub struct IdentityStars {
    pub identity: VariantRef,
    pub stars: Share,
}

/// The stars on each side of the lean ([`Lean`]).
#[derive(Debug, Clone, Default, Serialize)]
pub struct LeanCounts {
    /// The `prefer` rule holds (ordinary members, in the shipped rules).
    pub preferred: LeanSide,
    /// The `cap` rule's condition holds (leading cadres, secretaries and committee
    /// members, in the shipped rules).
    pub capped: LeanSide,
    pub neither: LeanSide,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct LeanSide {
    pub stars: Share,
    /// The roles these stars held, with their labels, in the order of the rules' enum.
    pub roles: Vec<VariantRef>,
}

/// `count` of `of`: a share, exact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Share {
    pub count: usize,
    pub of: usize,
}

impl Share {
    /// The share in per cent; `None` of nothing.
    pub fn percent(self) -> Option<f64> {
        (self.of > 0).then(|| self.count as f64 * 100.0 / self.of as f64)
    }
}

/// One star as counted.
struct Counted {
    /// Index of its reporting unit.
    unit: Option<usize>,
    identity: String,
    role: String,
    lean: Lean,
}

impl Shine {
    /// The stars of `period` across the tree, as of `today` (the day a quarter not yet
    /// reported reads its roster).
    pub fn stars_report(&self, period: Period, today: NaiveDate) -> Result<StarsReport> {
        let Some(quarters) = period.quarters() else {
            let (first, last) = (*Quarter::YEARS.start(), *Quarter::YEARS.end());
            let year = match period {
                Period::Year(y) => y,
                Period::Quarter(q) => q.year(),
            };
            return Err(Kind::YearOutOfRange { year, first, last }.into());
        };
        let tree = self.org()?;
        let top = tree.root().ok_or_else(|| Refusal::new(Kind::NotFound { what: Thing::Unit, given: String::new() }).next(Hint::ListUnits))?;
        let current = self.current();
        let units = subtree(&tree, top.id.as_str());
        let reporting: Vec<&Unit> = units.iter().copied().filter(|u| self.reports_for_filing(u)).collect();
        let branches: Vec<(&Unit, Option<usize>, Vec<Quarter>)> = units
            .iter()
            .copied()
            .filter(|u| current.workflow.runs_in(&u.kind))
            .map(|u| {
                let above = self.reporting_unit(&tree, u.id.as_str()).and_then(|r| reporting.iter().position(|x| x.id == r.id));
                Ok((u, above, self.quarters(&u.id)?))
            })
            .collect::<Result<_>>()?;
        let mut all = Vec::new();
        let mut out = Vec::new();
        for quarter in quarters {
            let mut counted = Vec::new();
            let mut q = QuarterStars { quarter, stars: StarCounts::default(), branches: branches.len(), not_opened: Vec::new(), meeting_not_reported: Vec::new(), not_met: Vec::new() };
            for (b, above, opened) in &branches {
                let branch = || Archive::unit_ref(&tree, b.id.as_str());
                let stage = self.own_stage(&b.id, quarter, opened)?;
                match stage {
                    Stage::NotOpened => q.not_opened.push(branch()),
                    Stage::Opened => q.meeting_not_reported.push(branch()),
                    Stage::MeetingReported => q.not_met.push(branch()),
                    _ => {}
                }
                if stage >= Stage::Tallied {
                    self.count_stars(b, *above, quarter, today, &mut counted)?;
                }
            }
            q.stars = counts(&counted, &tree, &reporting, &current.rules);
            all.extend(counted);
            out.push(q);
        }
        Ok(StarsReport {
            period,
            top: Archive::unit_ref(&tree, top.id.as_str()),
            total: counts(&all, &tree, &reporting, &current.rules),
            quarters: out,
            prefer: current.rules.prefer_rule().cloned(),
            cap: current.rules.cap_rule().cloned(),
        })
    }

    /// The stars of a tallied branch quarter, each with its identity, role and side of
    /// the lean under the quarter's own rules, on the day the quarter read its roster.
    fn count_stars(&self, branch: &Unit, unit: Option<usize>, quarter: Quarter, today: NaiveDate, out: &mut Vec<Counted>) -> Result<()> {
        let ctx = self.quarter_ctx(Some(self.current()), branch.id.as_str(), Some(quarter))?;
        let facts = ctx.facts(today);
        let day = ctx.roster_day(today);
        for star in &ctx.q.stars {
            let Some(m) = ctx.roster.as_of(star.as_str(), day) else { continue };
            let lean = facts.member(star.as_str()).map(|f| ctx.rules.lean(facts.scope(), f)).unwrap_or(Lean::Neither);
            out.push(Counted { unit, identity: m.identity.clone(), role: m.role.clone(), lean });
        }
        Ok(())
    }
}

/// The stars counted by reporting unit, identity and side of the lean, with the
/// labels of `rules` (those in force).
fn counts(stars: &[Counted], tree: &OrgTree, reporting: &[&Unit], rules: &RuleSet) -> StarCounts {
    let of = stars.len();
    let share = |count: usize| Share { count, of };
    let by_unit = reporting
        .iter()
        .enumerate()
        .map(|(i, u)| UnitStars { unit: Archive::unit_ref(tree, u.id.as_str()), stars: share(stars.iter().filter(|s| s.unit == Some(i)).count()) })
        .collect();
    let by_identity = in_enum_order(rules, "identity", stars.iter().map(|s| s.identity.as_str()))
        .into_iter()
        .map(|identity| {
            let count = stars.iter().filter(|s| s.identity == identity.name).count();
            IdentityStars { identity, stars: share(count) }
        })
        .collect();
    let side = |lean: Lean| {
        let on: Vec<&Counted> = stars.iter().filter(|s| s.lean == lean).collect();
        LeanSide { stars: share(on.len()), roles: in_enum_order(rules, "role", on.iter().map(|s| s.role.as_str())) }
    };
    StarCounts { stars: of, by_unit, by_identity, lean: LeanCounts { preferred: side(Lean::Preferred), capped: side(Lean::Capped), neither: side(Lean::Neither) } }
}

/// The distinct `values` of a member's enum field, in the order of the rules' enum
/// (values it does not have last, as first met), each with its label.
fn in_enum_order<'v>(rules: &RuleSet, field: &str, values: impl Iterator<Item = &'v str>) -> Vec<VariantRef> {
    let mut seen: Vec<&str> = Vec::new();
    for v in values {
        if !seen.contains(&v) {
            seen.push(v);
        }
    }
    let decl = rules.field_enum("member", field);
    let position = |v: &str| decl.and_then(|d| d.variants.iter().position(|x| x.name == v)).unwrap_or(usize::MAX);
    seen.sort_by_key(|v| position(v));
    seen.into_iter().map(|v| member_variant(rules, field, v)).collect()
}
