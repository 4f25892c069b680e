//! What users create and the engine keeps as it was given: the units of the
//! organization tree and the members of a branch's roster. Plain data; the trees and
//! rosters folded from the log are in [`crate::state::org`].

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
