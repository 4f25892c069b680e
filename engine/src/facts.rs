//! The facts the engine hands to rules: plain data about a branch, its members,
//! the quarter and its special meeting, as derived from the store.
//!
//! These are the *host* facts, and this file is their one description: each struct is
//! declared through `host_facts!` with the kind of each field (how rules see it), and
//! the rules' host catalogue — the names and types the checker compares a rule file's
//! `facts` and `record` declarations with, the accessors the compiler and the tracer
//! read — is derived from it (see `rules::host`). Adding a field is one line here.
//! Nothing here knows what the notice says about them: categories such as
//! identities, roles, attendance statuses or deed kinds are plain text whose valid
//! values are declared by `enum`s in `rules/`.

use crate::rules::host::host_facts;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Statuses, kinds, roles and clause names are interned (see [`crate::sym`]): they
/// are read for every member of every tally, and a 4-byte id next to its record keeps
/// a million members' evaluation small and out of pointer chasing.
pub use crate::sym::Sym;

host_facts! {
    /// A member's status at one session of organizational life, as recorded
    /// (`life add`, `life import`): the session is the branch's on that date. Rules
    /// read it through [`LifeEntry`], which lists every session of the branch. The
    /// secretary's free-text note is store data and travels beside the record in the
    /// event (`Action::LifeRecorded`).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct LifeRecord shown by (date, status) {
        pub date: NaiveDate => date,
        /// An attendance status, e.g. `present`, `excused`, `unexcused`.
        pub status: Sym => sym,
    }
}

host_facts! {
    /// One session of the member's branch's organizational life, in date order, with
    /// the member's status at it: what `member.life` lists.
    ///
    /// `status` is the status recorded for the member; without one, `recorded` is false
    /// and `status` is empty (no enum variant matches it) — a member who was present
    /// if the session records absences only, a status missing otherwise.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct LifeEntry shown by (date, kind, status) {
        pub date: NaiveDate => date,
        /// The session's kind, `None` for a session known only from attendance
        /// recorded before sessions were records of their own.
        pub kind: Option<Sym> => opt_sym,
        pub status: Sym => sym,
        /// A status is recorded for the member at this session.
        pub recorded: bool => bool,
        /// The branch records absences only at this session: no record means present.
        pub absences_only: bool => bool,
    }
}

impl From<LifeRecord> for LifeEntry {
    /// A session known only by the member's recorded status (no kind).
    fn from(r: LifeRecord) -> LifeEntry {
        LifeEntry { date: r.date, kind: None, status: r.status, recorded: true, absences_only: false }
    }
}

host_facts! {
    /// One session of a branch's organizational life, in date order: what
    /// `branch.sessions` lists.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct SessionFacts shown by (date, kind, missing, missing_names) {
        pub date: NaiveDate => date,
        pub kind: Option<Sym> => opt_sym,
        /// The branch records absences only at this session: members without a record
        /// were present.
        pub absences_only: bool => bool,
        /// How many members of the roster have no status at this session.
        pub missing: i64 => int,
        /// The names of those members, in roster order, separated by spaces.
        pub missing_names: String => text,
    }
}

host_facts! {
    /// A stretch of a member's time away (外出) with no report (报到) to their Party
    /// organization: from the day they left or the day of a report, to the next report,
    /// the day they came back, or — `to` none — still open.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Silence shown by (away, last_report, to) {
        /// The first day of the away period the stretch is part of.
        pub away: NaiveDate => date,
        /// The report the stretch starts from; `None` when it starts the day they left.
        pub last_report: Option<NaiveDate> => opt_date,
        /// The first day of the stretch: `last_report`, or else `away`.
        pub from: NaiveDate => date,
        /// The next report or the day they came back; `None` while neither is recorded.
        pub to: Option<NaiveDate> => opt_date,
    }
}

host_facts! {
    /// A conduct finding recorded by the branch against one exclusion clause.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Finding shown by (date, clause, evidence) {
        /// The name of the exclusion rule the finding is evidence for, e.g. `x3`.
        pub clause: Sym => sym,
        pub date: NaiveDate => date,
        pub evidence: String => text,
        /// An investigation that is still open.
        #[serde(default)]
        pub open: bool => bool,
        /// The end of a disciplinary period, if the finding carries one.
        #[serde(default)]
        pub until: Option<NaiveDate> => opt_date,
        /// The day the branch closed the finding (revoked, rectified, period over),
        /// if it has; what happened travels beside it in the event (`Action::FindingClosed`).
        #[serde(default)]
        pub closed: Option<NaiveDate> => opt_date,
        /// How it was closed, one of the ways the rules declare; `None` while open.
        #[serde(default)]
        pub closure: Option<Sym> => opt_sym,
    }
}

host_facts! {
    /// A dated standing of a member that rules may read (e.g. a party discipline
    /// that takes away the vote, or an approved long absence): its kind, one of the
    /// kinds the rules declare, and the days it runs. Who approved it and why travel
    /// beside it in the event (`Action::StandingRecorded`).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Standing shown by (kind, from) {
        pub kind: Sym => sym,
        pub from: NaiveDate => date,
        /// The last day it runs; `None` while it has no end.
        #[serde(default)]
        pub until: Option<NaiveDate> => opt_date,
    }
}

host_facts! {
    /// A deed registered in the member's registration certificate (登记证).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Deed shown by (date, kind, text) {
        /// One of the deed kinds declared in the rules (the five take-the-leads).
        pub kind: Sym => sym,
        pub text: String => text,
        pub date: NaiveDate => date,
        /// The deed's form, one of the forms declared in the rules (`record deed`'s
        /// `form`), when the member gave one. Left out of the record when absent, so a
        /// deed recorded without one keeps its content hash.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub form: Option<Sym> => opt_sym,
    }
}

host_facts! {
    /// Everything known about one member when a rule is evaluated.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct MemberFacts shown by (name, id) {
        pub id: String => text,
        pub name: String => text,
        /// e.g. 教师, 学生, 离退休同志, 机关, 后勤.
        pub identity: Sym => sym,
        /// e.g. `secretary`, `committee`, `leading_cadre`, `ordinary`.
        pub role: Sym => sym,
        /// A full member; `false` for a probationary member.
        pub full: bool => bool,
        pub mobile: bool => bool,
        pub last_report: Option<NaiveDate> => opt_date,
        /// The sessions of the member's branch, oldest first, with the member's status.
        pub life: Vec<LifeEntry> => list,
        pub findings: Vec<Finding> => list,
        /// Deeds registered for the quarter being evaluated.
        pub deeds: Vec<Deed> => list,
        /// A valid reason recorded for registering no deed this quarter.
        pub no_deed_reason: Option<String> => opt_text,
        /// Attendance at the quarter's special meeting; `None` until recorded.
        pub meeting: Option<Sym> => opt_sym,
        /// The member presented their deeds at the meeting.
        pub presented: bool => bool,
        /// The form the presentation was recorded in, one of the forms the rules
        /// declare; `None` when no form was given (or nothing was presented).
        #[serde(default)]
        pub presentation: Option<Sym> => opt_sym,
        /// Dated standings (kinds the rules declare), in the order recorded.
        #[serde(default)]
        pub standings: Vec<Standing> => list,
        /// The kind of the standing that runs on the meeting date (of several, the one
        /// that began last); `None` when none runs. For rules over other members
        /// (`count(m in branch.members: …)`), where an aggregate over `m.standings`
        /// cannot nest.
        #[serde(default)]
        pub standing: Option<Sym> => opt_sym,
        /// The secretary has commented on the member's deeds.
        pub commented: bool => bool,
        /// The stretches away without a report, oldest first (see [`Silence`]).
        pub silences: Vec<Silence> => list,
    }
}

host_facts! {
    /// The branch as a whole.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct BranchFacts shown by (name, id) {
        pub id: String => text,
        pub name: String => text,
        pub members: Vec<MemberFacts> => list,
        /// The branch's organizational-life sessions, oldest first.
        pub sessions: Vec<SessionFacts> => list,
    }
    computed {
        member_count: int = BranchFacts::member_count,
    }
}

impl Standing {
    /// Whether it runs on `day` (`from` and `until` inclusive).
    pub fn runs_on(&self, day: NaiveDate) -> bool {
        self.from <= day && self.until.is_none_or(|u| u >= day)
    }
}

/// The kind of the standing of `list` that runs on `day`: of several, the one that
/// began last.
pub fn standing_on(list: &[Standing], day: NaiveDate) -> Option<Sym> {
    list.iter().filter(|s| s.runs_on(day)).max_by_key(|s| s.from).map(|s| s.kind)
}

impl BranchFacts {
    /// Full and probationary members alike: the roster's size.
    pub fn member_count(&self) -> i64 {
        self.members.len() as i64
    }
}

host_facts! {
    /// The quarter's special organizational-life meeting (专题组织生活会).
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct MeetingFacts shown by (date) {
        /// The meeting date once reported; before that, the date the evaluation is made.
        pub date: NaiveDate => date,
        /// The meeting was reported to the superior organization beforehand.
        pub reported: bool => bool,
        /// The day the report was made (the reporting command's date); `None` before.
        #[serde(default)]
        pub reported_on: Option<NaiveDate> => opt_date,
        /// Activists applying to join who attended.
        pub activists: i64 => int,
        /// Non-Party observers who attended.
        pub observers: i64 => int,
        /// The superior's delegate attended.
        pub delegate: bool => bool,
        /// Ballots (electronic, or paper ballots counted by the tellers) in the current round.
        pub ballots: i64 => int,
        /// The current ballot round: 1 for the recommendation, 2.. for runoffs.
        pub round: i64 => int,
        /// Ballots issued in the current round: the paper count as recorded, or for an
        /// electronic round the members the voter rule lets vote.
        #[serde(default)]
        pub issued: i64 => int,
        /// Ballots returned in the current round (cast, for an electronic round).
        #[serde(default)]
        pub returned: i64 => int,
        /// Ballots returned that the tellers declared invalid.
        #[serde(default)]
        pub invalid: i64 => int,
        /// The members the voter rule let vote when the current round opened.
        #[serde(default)]
        pub voters: i64 => int,
    }
}

host_facts! {
    /// The quarter being run.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct QuarterFacts shown by (id) {
        /// e.g. `2026Q4`.
        pub id: String => text,
        pub start: NaiveDate => date,
        pub end: NaiveDate => date,
    }
}
