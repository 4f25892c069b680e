//! The notice's form (its annex, 基层党组织党员“闪光言行之星”登记表) as typed values: a
//! reporting unit's form for one quarter ([`RegistrationForm`]) — the stars of the
//! branches under it, numbered, each with the identity recorded and the value the
//! form prints for it, as the rules' `annex` items say —, with the branches whose
//! result is not filed yet, so that an incomplete form is never printed unknowingly;
//! and every reporting unit's form under the tree's top for the Organization
//! Department's filing (§4.2.b, [`RollUp`]).
//!
//! Which units report for filing comes from `workflows/escalation.ron`
//! ([`crate::workflow::Escalation::reports_for_filing`]); what the form's column
//! takes and how other values are printed there, from the rules in force, so that a
//! changed rule file changes the next form printed. Reading only; a branch's quarter
//! is loaded only when it has stars to print.

use super::org::kind_ref;
use super::overview::{subtree, Stage};
use super::{Archive, Shine};
use crate::domain::Quarter;
use crate::entity::Unit;
use crate::refs::{KindRef, MemberRef, UnitRef, VariantRef};
use crate::refusal::{Hint, Kind, Refusal, Result, Thing};
use crate::rules::{AnnexRule, FormValue, RuleSet};
use crate::state::org::OrgTree;
use chrono::NaiveDate;
use serde::Serialize;

/// One reporting unit's registration form for a quarter.
#[derive(Debug, Clone, Serialize)]
pub struct RegistrationForm {
    /// 填报单位党组织.
    pub unit: UnitRef,
    pub kind: KindRef,
    pub quarter: Quarter,
    /// The `annex` items that list the values the identity column takes (the
    /// notice's words), as the rules in force declare them.
    pub column: Vec<AnnexRule>,
    /// The stars of the branches under the unit (the unit itself when it runs
    /// quarters), branch by branch in the tree's order, each branch's as its ledger
    /// seats them.
    pub rows: Vec<FormRow>,
    /// The branches whose result is not filed yet, with how far each has come: their
    /// stars are missing from the form (or, once tallied, not yet filed).
    pub pending: Vec<PendingBranch>,
}

impl RegistrationForm {
    /// Every branch under the unit has filed its result.
    pub fn complete(&self) -> bool {
        self.pending.is_empty()
    }
}

/// One line of the form.
#[derive(Debug, Clone, Serialize)]
pub struct FormRow {
    /// 序号, from 1.
    pub serial: usize,
    /// 党员姓名 and the member's id.
    pub member: MemberRef,
    pub branch: UnitRef,
    /// The identity as recorded for the quarter, with its label.
    pub identity: VariantRef,
    /// 党员身份 as the form prints it, with the rule that maps the recorded value when
    /// it is mapped; `None` when the rules in force give the form no value for it (no
    /// `annex` column for the identity, or a value their enum no longer has).
    pub on_form: Option<FormValue>,
}

/// A branch under the unit that has not filed its result for the quarter.
#[derive(Debug, Clone, Serialize)]
pub struct PendingBranch {
    pub branch: UnitRef,
    pub stage: Stage,
}

/// Every reporting unit's form under the tree's top, for the Organization
/// Department's filing (§4.2.b).
#[derive(Debug, Clone, Serialize)]
pub struct RollUp {
    pub top: UnitRef,
    pub quarter: Quarter,
    /// In the tree's order.
    pub forms: Vec<RegistrationForm>,
}

impl RollUp {
    /// The stars on all the forms.
    pub fn stars(&self) -> usize {
        self.forms.iter().map(|f| f.rows.len()).sum()
    }

    /// Every form is complete.
    pub fn complete(&self) -> bool {
        self.forms.iter().all(RegistrationForm::complete)
    }
}

impl Shine {
    /// The registration form of a reporting unit (`unit`) for `quarter`, as of
    /// `today` (the day a quarter not yet reported reads its roster). Refused for a
    /// unit that does not report for filing, with the form that holds its stars.
    pub fn registration_form(&self, unit: &str, quarter: Quarter, today: NaiveDate) -> Result<RegistrationForm> {
        let tree = self.org()?;
        let u = tree.unit(unit).ok_or_else(|| Refusal::new(Kind::NotFound { what: Thing::Unit, given: unit.to_owned() }).next(Hint::ListUnits))?;
        if !self.reports_for_filing(u) {
            return Err(self.no_form(&tree, u, quarter));
        }
        self.form_of(&tree, u, quarter, today)
    }

    /// Every reporting unit's form under the tree's top for `quarter`.
    pub fn registration_roll_up(&self, quarter: Quarter, today: NaiveDate) -> Result<RollUp> {
        let tree = self.org()?;
        let top = tree.root().ok_or_else(|| Refusal::new(Kind::NotFound { what: Thing::Unit, given: String::new() }).next(Hint::ListUnits))?;
        let forms = subtree(&tree, top.id.as_str())
            .into_iter()
            .filter(|u| self.reports_for_filing(u))
            .map(|u| self.form_of(&tree, u, quarter, today))
            .collect::<Result<Vec<_>>>()?;
        Ok(RollUp { top: Archive::unit_ref(&tree, top.id.as_str()), quarter, forms })
    }

    /// Whether the unit's level reports its branches' results for filing.
    pub(crate) fn reports_for_filing(&self, unit: &Unit) -> bool {
        let escalation = &self.current().escalation;
        escalation.level_for_kind(&unit.kind).is_some_and(|l| escalation.reports_for_filing(l))
    }

    /// The reporting unit at or above `unit` (on its path in the tree), if any.
    pub(crate) fn reporting_unit<'t>(&self, tree: &'t OrgTree, unit: &str) -> Option<&'t Unit> {
        tree.path(unit).into_iter().rev().find(|u| self.reports_for_filing(u))
    }

    fn form_of(&self, tree: &OrgTree, unit: &Unit, quarter: Quarter, today: NaiveDate) -> Result<RegistrationForm> {
        let current = self.current();
        let mut rows = Vec::new();
        let mut pending = Vec::new();
        for b in subtree(tree, unit.id.as_str()).into_iter().filter(|b| current.workflow.runs_in(&b.kind)) {
            let branch = Archive::unit_ref(tree, b.id.as_str());
            let stage = self.own_stage(&b.id, quarter, &self.quarters(&b.id)?)?;
            if stage < Stage::Filed {
                pending.push(PendingBranch { branch: branch.clone(), stage });
            }
            if stage < Stage::Tallied {
                continue;
            }
            let ctx = self.quarter_ctx(Some(current), b.id.as_str(), Some(quarter))?;
            let day = ctx.roster_day(today);
            for star in &ctx.q.stars {
                let Some(m) = ctx.roster.as_of(star.as_str(), day).or_else(|| ctx.roster.member(star.as_str()).map(std::borrow::Cow::Borrowed)) else { continue };
                rows.push(FormRow {
                    serial: rows.len() + 1,
                    member: MemberRef { id: m.id.clone(), name: m.name.clone() },
                    branch: branch.clone(),
                    identity: member_variant(&ctx.rules, "identity", &m.identity),
                    on_form: current.rules.on_form("member", "identity", &m.identity),
                });
            }
        }
        Ok(RegistrationForm {
            unit: Archive::unit_ref(tree, unit.id.as_str()),
            kind: kind_ref(&current.escalation, &unit.kind),
            quarter,
            column: current.rules.form_column("member", "identity").into_iter().cloned().collect(),
            rows,
            pending,
        })
    }

    /// Why `unit` has no form, and where its stars are.
    fn no_form(&self, tree: &OrgTree, unit: &Unit, quarter: Quarter) -> Refusal {
        let escalation = &self.current().escalation;
        let reporting = escalation.levels.iter().filter(|l| escalation.reports_for_filing(l)).filter_map(|l| l.units.as_deref()).map(|k| kind_ref(escalation, k)).collect();
        let refusal = Refusal::new(Kind::NotAReportingUnit { unit: Archive::unit_ref(tree, unit.id.as_str()), kind: kind_ref(escalation, &unit.kind), reporting });
        match self.reporting_unit(tree, unit.id.as_str()) {
            Some(above) => refusal.next(Hint::RegistrationForm { unit: above.id.clone(), quarter }),
            None => refusal.next(Hint::RegistrationRollUp { quarter }),
        }
    }
}

/// A value of a member's enum field (`identity`, `role`) with its label under `rules`.
pub(crate) fn member_variant(rules: &RuleSet, field: &str, value: &str) -> VariantRef {
    let label = rules.field_enum("member", field).and_then(|e| e.variants.iter().find(|v| v.name == value)).and_then(|v| v.label.clone());
    VariantRef { name: value.to_owned(), label }
}
