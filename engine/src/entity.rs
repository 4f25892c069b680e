//! What users create and the engine keeps as it was given: the units of the
//! organization tree and the members of a branch's roster. Plain data; the trees and
//! rosters folded from the log are in [`crate::state::org`]; why a member left a roster
//! and the dated changes of their particulars.

use crate::domain::{MemberId, UnitId};
use chrono::NaiveDate;
use serde::Serialize;

/// One Party organization of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unit {
    pub id: UnitId,
    pub name: String,
    /// The id of a unit kind declared in the escalation workflow file.
    pub kind: String,
    pub parent: Option<UnitId>,
}

/// A member as imported from the roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberRecord {
    pub id: MemberId,
    pub name: String,
    /// A variant of the enum the rules declare for `member.identity`.
    pub identity: String,
    /// A variant of the enum the rules declare for `member.role`.
    pub role: String,
    /// A full member; `false` for a probationary member.
    pub full: bool,
    pub mobile: bool,
    pub last_report: Option<NaiveDate>,
}

/// Why a member left a branch's roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Departure {
    /// The member's organizational relationship moved to another branch (组织关系转接).
    Transferred { to: UnitId },
    /// The member left for a reason: a variant of the enum the rules declare as
    /// `departure` (any text when they declare none).
    Removed { reason: String },
}

/// A dated change of a member's particulars: the fields given change, the rest stay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MemberChange {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile: Option<bool>,
    /// `Some(None)`: the date of the last report is cleared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_report: Option<Option<NaiveDate>>,
}

impl MemberChange {
    /// The fields in which `new` differs from `old`.
    pub fn between(old: &MemberRecord, new: &MemberRecord) -> MemberChange {
        fn differ<T: PartialEq + Clone>(a: &T, b: &T) -> Option<T> {
            (a != b).then(|| b.clone())
        }
        MemberChange {
            name: differ(&old.name, &new.name),
            identity: differ(&old.identity, &new.identity),
            role: differ(&old.role, &new.role),
            full: differ(&old.full, &new.full),
            mobile: differ(&old.mobile, &new.mobile),
            last_report: differ(&old.last_report, &new.last_report),
        }
    }

    /// Nothing changes.
    pub fn is_empty(&self) -> bool {
        *self == MemberChange::default()
    }

    /// `record` with this change applied.
    pub fn apply_to(&self, record: &mut MemberRecord) {
        if let Some(v) = &self.name {
            record.name.clone_from(v);
        }
        if let Some(v) = &self.identity {
            record.identity.clone_from(v);
        }
        if let Some(v) = &self.role {
            record.role.clone_from(v);
        }
        if let Some(v) = self.full {
            record.full = v;
        }
        if let Some(v) = self.mobile {
            record.mobile = v;
        }
        if let Some(v) = self.last_report {
            record.last_report = v;
        }
    }

    /// Only the fields that would change `record`.
    pub fn against(&self, record: &MemberRecord) -> MemberChange {
        let mut new = record.clone();
        self.apply_to(&mut new);
        MemberChange::between(record, &new)
    }
}
