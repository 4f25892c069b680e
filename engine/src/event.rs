//! Events: the only thing the store keeps about what happened. Every command is one
//! event (who, in which role, when, under which rule set, what changed); current
//! state is a fold over them (`state::*`).
//!
//! These are the engine's own types and are not written to disk as they are: the
//! log's versioned record types (`store::log`) are, and convert to and from these.
//! Ballot contents are deliberately not events, and casting one writes no event: see
//! `store` for how they are kept apart from the record that a member received a code.

use crate::domain::{MemberId, Quarter, RulesHash, Timestamp, UnitId, WorkflowHash};
use crate::entity::{Departure, MemberChange, MemberRecord, Unit};
use crate::facts::{Deed, Finding, LifeRecord, Standing};
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
    /// The member's deed of that number on the certificate (the order it was
    /// registered in, 1 first) now reads `deed`.
    DeedEdited { member: MemberId, number: u32, deed: Deed },
    /// The member's deed of that number is withdrawn; the others keep their numbers.
    DeedWithdrawn { member: MemberId, number: u32 },
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
    /// The "has voted" record of the named electronic ballot, written by versions
    /// before voting codes: read, never written now. No ballot content, no ballot key.
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

    // ---- web accounts (scope `users`) ---------------------------------------------------
    /// An account of the web workspace, bound to a person, a role and a unit (and, for
    /// a role acting for a member, that member); `password` is a PHC string (Argon2id).
    UserAdded { login: String, name: String, role: String, unit: UnitId, member: Option<MemberId>, password: String },
    UserDisabled { login: String },
    UserEnabled { login: String },
    /// A new password (PHC string); sessions signed in with the old one end.
    PasswordReset { login: String, password: String },

    // ---- added later (scope `branch/<id>` for the first two, the quarter's for the last)
    /// The branch closed a finding (the one under `clause` dated `date`) on `on`:
    /// `how` is one of the ways of closing the rules declare, `note` what happened.
    FindingClosed { member: MemberId, clause: String, date: NaiveDate, on: NaiveDate, how: String, note: String },
    /// A dated standing of a member (a kind the rules declare), who approved or
    /// decided it, and why.
    StandingRecorded { member: MemberId, standing: Standing, approved_by: String, reason: String },
    /// A presentation recorded in a form the rules declare (e.g. written, for a
    /// member on leave).
    PresentedAs { member: MemberId, form: String },
    // ---- added later: the meeting's superior, and rounds' figures ------------------
    /// The superior names the delegate it sends to the branch's special meeting
    /// (scope `quarter/<branch>/<quarter>`); the role and day are the event's.
    DelegateSent { name: String },
    /// The members with a vote when a round opened: the electronic round's ballots issued.
    RoundVoters { round: i64, voters: i64 },
    /// A paper round's count: ballots issued, returned and of those invalid, the votes
    /// per candidate on the valid ones, and the tellers (监票人, 计票人).
    PaperCounted {
        round: i64,
        issued: i64,
        returned: i64,
        invalid: i64,
        votes: Vec<(MemberId, i64)>,
        scrutineers: Vec<String>,
        counters: Vec<String>,
    },
    /// The figures a round was tallied on.
    RoundCounted { round: i64, issued: i64, returned: i64, invalid: i64 },
    /// A level forwarded without picking the one its pick rule allows, for this reason
    /// (scope `chain/<unit>/<quarter>`).
    NoPickReasoned { reason: String },
    // ---- a branch's quarter, continued ----------------------------------------------
    /// The roster's facts the rules read, as they stood when the ballot was fixed
    /// (written with round 1's `RoundOpened`): the number of the branch's roster events
    /// folded then. The quarter is explained from the roster as of those events ever
    /// after, whatever is recorded later; every kind of roster record is frozen alike.
    FactsFrozen { roster_events: u64 },
    // ---- a roster over time (scope `branch/<id>`) ------------------------------------
    /// The member is on the branch's roster from `on`: transferred in from `from`
    /// with their life records and findings, or added to a roster already kept.
    MemberJoined {
        member: MemberRecord,
        on: NaiveDate,
        from: Option<UnitId>,
        life: Vec<LifeRecord>,
        findings: Vec<Finding>,
        note: String,
    },
    /// The member is off the branch's roster from `on`; nothing of theirs is deleted.
    MemberLeft { member: MemberId, on: NaiveDate, departure: Departure, note: String },
    /// The member's particulars change from `on` (转正, a new role…).
    MemberChanged { member: MemberId, on: NaiveDate, change: MemberChange, note: String },
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
    // ---- electronic voting by one-time codes (scope `quarter/<branch>/<quarter>`) ----
    /// The round's voting codes were issued, one to each member in `to` (sorted by id):
    /// the record that each received a code, never which one. The codes themselves are
    /// stored hashed beside the event, in no order that follows `to`.
    CodesIssued { round: i64, count: i64, to: Vec<MemberId> },
    /// The round's unused codes were voided and as many new ones issued.
    CodesReissued { round: i64, voided: i64 },
    /// The round's electronic voting closed: codes issued, ballots returned; every
    /// unused code is voided with it.
    VotingClosed { round: i64, issued: i64, returned: i64 },
    /// The round's closed electronic voting is held again, for the reason given: its
    /// codes are withdrawn and its ballots sealed apart (kept, never counted); the
    /// figures it had are kept here. New codes are issued for the voting held again.
    VotingHeldAgain { round: i64, issued: i64, returned: i64, reason: String },
}
