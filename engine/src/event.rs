//! Events: the only thing the store keeps about what happened. Every action is one
//! event (who, in which role, when, under which rule set, what); current state is a
//! fold over them (`org::OrgState`, `quarter::QuarterState`).
//!
//! Ballot contents are deliberately *not* events: see `store` for how they are kept
//! apart from the "has voted" record.

use crate::chain::Sealed;
use crate::facts::{Deed, Finding, LifeRecord};
use crate::org::{MemberRecord, Unit};
use crate::rules::Decision;
use crate::tally::Selection;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Who acts, in which workflow role, and when (an RFC 3339 timestamp supplied by the caller).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub who: String,
    pub role: String,
    pub at: String,
}

/// One entry of the log: one command, with everything it changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub seq: u64,
    pub who: String,
    pub role: String,
    pub at: String,
    /// Content hash of the rule set the action was taken under, where one applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<String>,
    pub actions: Vec<Action>,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    UnitAdded {
        unit: Unit,
    },
    MembersImported {
        branch: String,
        members: Vec<MemberRecord>,
    },
    LifeRecorded {
        member: String,
        record: LifeRecord,
        /// The secretary's free-text note; rules never read it.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
    },
    FindingRecorded {
        member: String,
        finding: Finding,
    },
    QuarterOpened {
        branch: String,
        quarter: String,
        start: NaiveDate,
        end: NaiveDate,
        rules: String,
        workflow: String,
    },
    DeedRegistered {
        member: String,
        deed: Deed,
    },
    DeedExcused {
        member: String,
        reason: String,
    },
    MeetingReported {
        date: NaiveDate,
        superior: String,
    },
    AttendanceRecorded {
        member: String,
        status: String,
    },
    GuestsRecorded {
        activists: Vec<String>,
        observers: Vec<String>,
        delegate: Option<String>,
    },
    Presented {
        member: String,
    },
    Commented {
        member: String,
        text: String,
    },
    /// A ballot round opens: the seats to fill and the candidates on the ballot.
    RoundOpened {
        round: i64,
        seats: i64,
        candidates: Vec<String>,
        /// Stars already seated before this round (non-empty for a runoff).
        seated: Vec<String>,
        /// The exclusions that kept members off the ballot, as decided when the
        /// ballot was fixed (round 1): the ledger shows these, whatever is recorded later.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        excluded: Vec<(String, Vec<Decision<bool>>)>,
    },
    /// The "has voted" record. It carries no ballot content and no ballot key.
    Voted {
        member: String,
        round: i64,
    },
    /// Paper ballots counted by the tellers.
    TotalsEntered {
        round: i64,
        ballots: i64,
        votes: Vec<(String, i64)>,
    },
    Advanced {
        step: String,
        from: String,
        to: String,
    },
    Tallied {
        round: i64,
        selection: Selection,
    },
    LedgerWritten {
        stars: Vec<String>,
        superior: String,
    },
    RulesAdopted {
        from: String,
        to: String,
    },

    // ---- the escalation chain (scope `chain/<unit>/<quarter>`) -----------------------
    /// A pull ran: from where, and how many new records it brought.
    StarsPulled {
        from: Vec<String>,
        received: usize,
    },
    /// A star came up from a unit below (or from another instance).
    StarReceived {
        from: String,
        sealed: Sealed,
        recommended: bool,
    },
    /// The level put what it holds on record (备案).
    StarsFiled {
        count: usize,
    },
    /// Published with an objection window ending on `until` (inclusive).
    Published {
        on: NaiveDate,
        until: NaiveDate,
        keys: Vec<String>,
        rule: String,
    },
    ObjectionRaised {
        key: String,
        on: NaiveDate,
        reason: String,
    },
    ObjectionDecided {
        key: String,
        upheld: bool,
        reason: String,
    },
    StarPicked {
        key: String,
        reason: String,
    },
    PickWithdrawn {
        key: String,
    },
    /// Sent back down to `to` for correction; `hash` is the version returned.
    StarReturned {
        key: String,
        to: String,
        reason: String,
        #[serde(default)]
        hash: String,
    },
    /// A corrected version of one of this level's own stars, after a return.
    StarResubmitted {
        sealed: Sealed,
        reason: String,
    },
    StarsForwarded {
        to: String,
        sealed: Vec<Sealed>,
    },

    // ---- credentials (scope `access`) -------------------------------------------------
    /// A token for `unit`; only its SHA-256 is kept.
    TokenIssued {
        id: String,
        unit: String,
        label: String,
        digest: String,
    },
    TokenRevoked {
        id: String,
    },
}
