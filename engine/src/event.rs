//! Events: the only thing the store keeps about what happened. Every command is one
//! event (who, in which role, when, under which rule set, what changed); current
//! state is a fold over them (`state::*`).
//!
//! These are the engine's own types and are not written to disk as they are: the
//! log's versioned record types (`store::log`) are, and convert to and from these.
//! Ballot contents are deliberately not events: see `store` for how they are kept
//! apart from the "has voted" record.

use crate::domain::{MemberId, Quarter, RulesHash, Timestamp, UnitId, WorkflowHash};
use crate::entity::{MemberRecord, Unit};
use crate::facts::{Deed, Finding, LifeRecord};
use crate::rules::Witness;
use crate::star::Sealed;
use crate::tally::Selection;
use chrono::NaiveDate;

/// One entry of the log: one command, with everything it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub seq: u64,
    pub who: String,
    pub role: String,
    pub at: Timestamp,
    /// The rule set the action was taken under, where one applies.
    pub rules: Option<RulesHash>,
    pub actions: Vec<Action>,
}

/// An exclusion decided when a ballot was fixed: the rule (by name, in the quarter's
/// rule set) and the values that made it fire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excluded {
    pub rule: String,
    pub witnesses: Vec<Witness>,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    // ---- the organization and rosters (scopes `org`, `branch/<id>`) -------------
    UnitAdded { unit: Unit },
    MembersImported { branch: UnitId, members: Vec<MemberRecord> },
    LifeRecorded {
        member: MemberId,
        record: LifeRecord,
        /// The secretary's free-text note; rules never read it.
        note: String,
    },
    FindingRecorded { member: MemberId, finding: Finding },

    // ---- a branch's quarter (scope `quarter/<branch>/<quarter>`) ------------------
    /// The quarter opens under a rule set and workflow, in the workflow's start state.
    QuarterOpened { branch: UnitId, quarter: Quarter, rules: RulesHash, workflow: WorkflowHash, state: String },
    DeedRegistered { member: MemberId, deed: Deed },
    DeedExcused { member: MemberId, reason: String },
    MeetingReported { date: NaiveDate, superior: Option<UnitId> },
    AttendanceRecorded { member: MemberId, status: String },
    GuestsRecorded { activists: Vec<String>, observers: Vec<String>, delegate: Option<String> },
    Presented { member: MemberId },
    Commented { member: MemberId, text: String },
    /// A ballot round opens: the seats to fill and the candidates on the ballot.
    RoundOpened {
        round: i64,
        seats: i64,
        candidates: Vec<MemberId>,
        /// Stars already seated before this round (non-empty for a runoff).
        seated: Vec<MemberId>,
        /// The exclusions that kept members off the ballot, as decided when the ballot
        /// was fixed (round 1): the ledger shows these, whatever is recorded later.
        excluded: Vec<(MemberId, Vec<Excluded>)>,
    },
    /// The "has voted" record. It carries no ballot content and no ballot key.
    Voted { member: MemberId, round: i64 },
    /// Paper ballots counted by the tellers.
    TotalsEntered { round: i64, ballots: i64, votes: Vec<(MemberId, i64)> },
    Advanced { step: String, from: String, to: String },
    Tallied { round: i64, selection: Selection },
    LedgerWritten { stars: Vec<MemberId>, superior: Option<UnitId> },
    RulesAdopted { from: RulesHash, to: RulesHash },

    // ---- the escalation chain (scope `chain/<unit>/<quarter>`) -----------------------
    /// A pull ran: from where, and how many new records it brought.
    StarsPulled { from: Vec<String>, received: usize },
    /// A star came up from a unit below (or from another instance).
    StarReceived { from: String, sealed: Sealed, recommended: bool },
    /// The level put what it holds on record (备案).
    StarsFiled { count: usize },
    /// Published with an objection window ending on `until` (inclusive).
    Published { on: NaiveDate, until: NaiveDate, keys: Vec<String>, rule: String },
    ObjectionRaised { key: String, on: NaiveDate, reason: String },
    ObjectionDecided { key: String, upheld: bool, reason: String },
    StarPicked { key: String, reason: String },
    PickWithdrawn { key: String },
    /// Sent back down to `to` for correction; `hash` is the version returned.
    StarReturned { key: String, to: String, reason: String, hash: String },
    /// A corrected version of one of this level's own stars, after a return.
    StarResubmitted { sealed: Sealed, reason: String },
    StarsForwarded { to: String, sealed: Vec<Sealed> },

    // ---- credentials (scope `access`) -------------------------------------------------
    /// A token for `unit`; only its SHA-256 is kept.
    TokenIssued { id: String, unit: String, label: String, digest: String },
    TokenRevoked { id: String },

    // ---- organizational life and mobile members (scope `branch/<id>`) ---------------
    /// A session of the branch's organizational life, of a kind the rules declare. A
    /// second record for the same date corrects the first. `absences_only`: the branch
    /// records only who was absent; members without a record were present.
    SessionRecorded { branch: UnitId, date: NaiveDate, kind: String, absences_only: bool },
    /// The member went away (外出) on `from`; `to`, if known, is the day they came back.
    AwayRecorded { member: MemberId, from: NaiveDate, to: Option<NaiveDate> },
    /// The member came back on `on`: it closes the away period open on that day.
    BackRecorded { member: MemberId, on: NaiveDate },
    /// The member reported (报到) to their Party organization on `on`.
    ReportRecorded { member: MemberId, on: NaiveDate },
}
