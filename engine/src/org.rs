//! The organization tree (university Party committee → general branches and directly
//! affiliated branches → branches) and each branch's roster, life history and conduct
//! findings, folded from the `org` and `branch/<id>` event scopes.

use crate::event::{Action, Event};
use crate::facts::{Finding, LifeRecord};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The kind of a unit in the tree; it fixes which parent a unit may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// The university Party committee: the root.
    Committee,
    /// A general branch (党总支), under the committee.
    GeneralBranch,
    /// A directly affiliated branch (直属党支部), under the committee; runs quarters itself.
    DirectBranch,
    /// A branch (党支部), under a general branch; runs quarters.
    Branch,
}

impl UnitKind {
    const ALL: [UnitKind; 4] = [UnitKind::Committee, UnitKind::GeneralBranch, UnitKind::DirectBranch, UnitKind::Branch];

    /// The kind's serde name, which is its id among the kinds declared in
    /// `workflows/escalation.ron`. A bridge while the tree still uses this enum:
    /// `escalation.level_for_kind(unit.kind.id())`.
    pub fn id(self) -> &'static str {
        match self {
            UnitKind::Committee => "committee",
            UnitKind::GeneralBranch => "general_branch",
            UnitKind::DirectBranch => "direct_branch",
            UnitKind::Branch => "branch",
        }
    }

    /// The kind whose [`UnitKind::id`] is `id`; the other half of the bridge.
    pub fn from_id(id: &str) -> Option<UnitKind> {
        UnitKind::ALL.into_iter().find(|kind| kind.id() == id)
    }

    pub fn runs_quarters(self) -> bool {
        matches!(self, UnitKind::Branch | UnitKind::DirectBranch)
    }

    /// The kinds this kind may sit under.
    pub fn allowed_parents(self) -> &'static [UnitKind] {
        match self {
            UnitKind::Committee => &[],
            UnitKind::GeneralBranch | UnitKind::DirectBranch => &[UnitKind::Committee],
            UnitKind::Branch => &[UnitKind::GeneralBranch],
        }
    }
}

/// One Party organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub id: String,
    pub name: String,
    pub kind: UnitKind,
    pub parent: Option<String>,
}

/// A member as imported from the roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRecord {
    pub id: String,
    pub name: String,
    pub identity: String,
    pub role: String,
    pub full: bool,
    pub mobile: bool,
    pub last_report: Option<NaiveDate>,
}

/// The tree of units, folded from the `org` scope.
#[derive(Debug, Clone, Default)]
pub struct OrgTree {
    pub units: BTreeMap<String, Unit>,
    /// Units in the order they were added.
    pub order: Vec<String>,
}

impl OrgTree {
    pub fn fold(events: &[Event]) -> OrgTree {
        let mut tree = OrgTree::default();
        for event in events {
            tree.apply(event);
        }
        tree
    }

    /// Apply one more event of the `org` log.
    pub fn apply(&mut self, event: &Event) {
        for action in &event.actions {
            if let Action::UnitAdded { unit } = action {
                if self.units.insert(unit.id.clone(), unit.clone()).is_none() {
                    self.order.push(unit.id.clone());
                }
            }
        }
    }

    pub fn root(&self) -> Option<&Unit> {
        self.units.values().find(|u| u.kind == UnitKind::Committee)
    }

    pub fn unit(&self, id: &str) -> Option<&Unit> {
        self.units.get(id)
    }

    pub fn parent_of(&self, id: &str) -> Option<&Unit> {
        self.units.get(id)?.parent.as_deref().and_then(|p| self.units.get(p))
    }

    /// Units that run quarters, in the order they were added.
    pub fn branches(&self) -> impl Iterator<Item = &Unit> {
        self.order
            .iter()
            .filter_map(|id| self.units.get(id))
            .filter(|u| u.kind.runs_quarters())
    }

    /// `党委 / 党总支 / 党支部` path of names from the root down to `id`.
    pub fn path(&self, id: &str) -> Vec<&Unit> {
        let mut path = Vec::new();
        let mut next = self.units.get(id);
        while let Some(unit) = next {
            path.push(unit);
            next = unit.parent.as_deref().and_then(|p| self.units.get(p));
            if path.len() > self.units.len() {
                break;
            }
        }
        path.reverse();
        path
    }
}

/// A branch's roster with each member's history, folded from `branch/<id>`.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    pub members: Vec<MemberRecord>,
    pub life: BTreeMap<String, Vec<LifeRecord>>,
    pub findings: BTreeMap<String, Vec<Finding>>,
}

impl Roster {
    pub fn fold(events: &[Event]) -> Roster {
        let mut roster = Roster::default();
        for event in events {
            roster.apply(event);
        }
        roster
    }

    /// Apply one more event of the branch's log.
    pub fn apply(&mut self, event: &Event) {
        let roster = self;
        for action in &event.actions {
            match action {
                Action::MembersImported { members, .. } => {
                    for member in members {
                        match roster.members.iter_mut().find(|m| m.id == member.id) {
                            Some(existing) => *existing = member.clone(),
                            None => roster.members.push(member.clone()),
                        }
                    }
                }
                Action::LifeRecorded { member, record, .. } => {
                    let list = roster.life.entry(member.clone()).or_default();
                    // One record per member and date: a later one corrects the earlier.
                    // The history stays sorted by date: rules count runs in date order.
                    match list.binary_search_by(|r| r.date.cmp(&record.date)) {
                        Ok(at) => list[at] = record.clone(),
                        Err(at) => list.insert(at, record.clone()),
                    }
                }
                Action::FindingRecorded { member, finding } => {
                    // A finding under the same clause and date replaces the earlier one:
                    // that is how an investigation is closed or a period corrected.
                    let list = roster.findings.entry(member.clone()).or_default();
                    match list.iter_mut().find(|f| f.clause == finding.clause && f.date == finding.date) {
                        Some(f) => *f = finding.clone(),
                        None => list.push(finding.clone()),
                    }
                }
                _ => {}
            }
        }
    }

    pub fn member(&self, id: &str) -> Option<&MemberRecord> {
        self.members.iter().find(|m| m.id == id)
    }
}
