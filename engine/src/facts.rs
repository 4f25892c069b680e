//! The facts the engine hands to rules: plain data about a branch, its members,
//! the quarter and its special meeting, as derived from the store.
//!
//! These are the *host* facts. A rule file declares which of them it reads (and with
//! which types) in a `facts` block; the checker compares those declarations with the
//! catalogue in `rules::host`. Nothing here knows what the notice says about them:
//! categories such as identities, roles, attendance statuses or deed kinds are plain
//! text whose valid values are declared by `enum`s in `rules/`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Statuses, kinds, roles and clause names are interned (see [`crate::sym`]): they
/// are read for every member of every tally, and a 4-byte id next to its record keeps
/// a million members' evaluation small and out of pointer chasing.
pub use crate::sym::Sym;

/// One entry of a member's organizational-life history (三会一课 and the like).
///
/// Only what rules read: a member has a dozen of these a year and a tally reads every
/// one, so the record stays 8 bytes. The secretary's free-text note is store data
/// and travels beside the record in the event (`Action::LifeRecorded`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifeRecord {
    pub date: NaiveDate,
    /// An attendance status, e.g. `present`, `excused`, `unexcused`.
    pub status: Sym,
}

/// A conduct finding recorded by the branch against one exclusion clause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The name of the exclusion rule the finding is evidence for, e.g. `x3`.
    pub clause: Sym,
    pub date: NaiveDate,
    pub evidence: String,
    /// An investigation that is still open.
    #[serde(default)]
    pub open: bool,
    /// The end of a disciplinary period, if the finding carries one.
    #[serde(default)]
    pub until: Option<NaiveDate>,
}

/// A deed registered in the member's registration certificate (登记证).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deed {
    /// One of the deed kinds declared in the rules (the five take-the-leads).
    pub kind: Sym,
    pub text: String,
    pub date: NaiveDate,
}

/// Everything known about one member when a rule is evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberFacts {
    pub id: String,
    pub name: String,
    /// e.g. 教师, 学生, 离退休同志, 机关, 后勤.
    pub identity: Sym,
    /// e.g. `secretary`, `committee`, `leading_cadre`, `ordinary`.
    pub role: Sym,
    /// A full member; `false` for a probationary member.
    pub full: bool,
    pub mobile: bool,
    pub last_report: Option<NaiveDate>,
    /// Organizational-life history, sorted by date (oldest first).
    pub life: Vec<LifeRecord>,
    pub findings: Vec<Finding>,
    /// Deeds registered for the quarter being evaluated.
    pub deeds: Vec<Deed>,
    /// A valid reason recorded for registering no deed this quarter.
    pub no_deed_reason: Option<String>,
    /// Attendance at the quarter's special meeting; `None` until recorded.
    pub meeting: Option<Sym>,
    /// The member presented their deeds at the meeting.
    pub presented: bool,
    /// The secretary has commented on the member's deeds.
    pub commented: bool,
}

/// The branch as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchFacts {
    pub id: String,
    pub name: String,
    pub members: Vec<MemberFacts>,
}

impl BranchFacts {
    /// Full and probationary members alike: the roster's size.
    pub fn member_count(&self) -> i64 {
        self.members.len() as i64
    }
}

/// The quarter's special organizational-life meeting (专题组织生活会).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingFacts {
    /// The meeting date once reported; before that, the date the evaluation is made.
    pub date: NaiveDate,
    /// The meeting was reported to the superior organization beforehand.
    pub reported: bool,
    /// Activists applying to join who attended.
    pub activists: i64,
    /// Non-Party observers who attended.
    pub observers: i64,
    /// The superior's delegate attended.
    pub delegate: bool,
    /// Ballots (electronic, or paper ballots counted by the tellers) in the current round.
    pub ballots: i64,
    /// The current ballot round: 1 for the recommendation, 2.. for runoffs.
    pub round: i64,
}

/// The quarter being run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarterFacts {
    /// e.g. `2026Q4`.
    pub id: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}
