//! Version 1 of the event log's records: what this version writes.
//!
//! These types are the disk format and nothing else; they convert to and from the
//! engine's [`crate::event`] types. Once a version of shine that writes them has been
//! released, they never change: a new shape is a new version beside this one, and
//! this one keeps being read.

use super::Invalid;
use crate::domain::{MemberId, Quarter, RulesHash, Timestamp, UnitId, WorkflowHash};
use crate::entity::{Departure, MemberChange, MemberRecord, Unit};
use crate::event::{Action, Event, Excluded};
use crate::facts::{Deed, Finding, LifeRecord, Standing};
use crate::rules::{ElementField, ElementRole, ElementSummary, Elements, Value, Witness};
use crate::star::Sealed;
use crate::tally::{Outcome, Ranked, Runoff, Selection};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

pub(super) const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EventRec<'a> {
    pub v: u32,
    pub seq: u64,
    pub who: Cow<'a, str>,
    pub role: Cow<'a, str>,
    pub at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<Cow<'a, str>>,
    pub actions: Vec<ActionRec<'a>>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct UnitRec<'a> {
    pub id: Cow<'a, str>,
    pub name: Cow<'a, str>,
    pub kind: Cow<'a, str>,
    pub parent: Option<Cow<'a, str>>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct MemberRec<'a> {
    pub id: Cow<'a, str>,
    pub name: Cow<'a, str>,
    pub identity: Cow<'a, str>,
    pub role: Cow<'a, str>,
    pub full: bool,
    pub mobile: bool,
    pub last_report: Option<NaiveDate>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct LifeRec<'a> {
    pub date: NaiveDate,
    pub status: Cow<'a, str>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct FindingRec<'a> {
    pub clause: Cow<'a, str>,
    pub date: NaiveDate,
    pub evidence: Cow<'a, str>,
    #[serde(default)]
    pub open: bool,
    #[serde(default)]
    pub until: Option<NaiveDate>,
    /// The day the branch closed it and how, when a transfer carries a closed finding
    /// (a finding recorded by itself is closed by its own `finding_closed` record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closure: Option<Cow<'a, str>>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct DeedRec<'a> {
    pub kind: Cow<'a, str>,
    pub text: Cow<'a, str>,
    pub date: NaiveDate,
    /// Added after the first release: records without it read as a deed of no form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<Cow<'a, str>>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct WitnessRec<'a> {
    pub expr: Cow<'a, str>,
    pub value: ValueRec<'a>,
    /// Added after the first release: absent (false) in older records.
    #[serde(default, skip_serializing_if = "is_false")]
    pub decisive: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A witness's value: as text, as version 0 wrote it (read as `Value::Recorded`), or
/// typed (an object with `type` and `value`, never a bare string).
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub(super) enum ValueRec<'a> {
    Text(Cow<'a, str>),
    Typed(TypedRec<'a>),
}

/// A typed value of a witness, the record's own copy of the engine's `Value`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub(super) enum TypedRec<'a> {
    Bool(bool),
    Int(i64),
    /// Fixed point, scale 1 000 000.
    Dec(i64),
    Date(NaiveDate),
    Months(i64),
    Text(Cow<'a, str>),
    Enum { name: Cow<'a, str>, label: Option<Cow<'a, str>> },
    None,
    Elements(ElementsRec<'a>),
    Recorded(Cow<'a, str>),
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct ElementsRec<'a> {
    pub role: ElementRoleRec,
    pub items: Vec<SummaryRec<'a>>,
    pub total: usize,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum ElementRoleRec {
    Matching,
    Failing,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct SummaryRec<'a> {
    pub fields: Vec<FieldRec<'a>>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct FieldRec<'a> {
    pub name: Cow<'a, str>,
    pub value: TypedRec<'a>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct ExcludedRec<'a> {
    pub rule: Cow<'a, str>,
    pub witnesses: Vec<WitnessRec<'a>>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct RankedRec<'a> {
    pub member: Cow<'a, str>,
    pub votes: i64,
    pub place: usize,
    pub preferred: bool,
    pub capped: bool,
    pub outcome: OutcomeRec,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum OutcomeRec {
    Seated,
    Tied,
    SeatedOnTie,
    DroppedOnTie,
    CapReached,
    BelowLine,
    BehindOnLean,
    NoVotes,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct RunoffRec<'a> {
    pub seats: i64,
    pub tied: Vec<Cow<'a, str>>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct SelectionRec<'a> {
    pub seats: i64,
    pub cap_room: Option<i64>,
    pub ranking: Vec<RankedRec<'a>>,
    pub seated: Vec<Cow<'a, str>>,
    pub runoff: Option<RunoffRec<'a>>,
}

/// The star records travel as [`Sealed`]: their JSON is pinned by their content hash
/// (see `crate::star`), so the log keeps them as they are.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(super) enum ActionRec<'a> {
    UnitAdded { unit: UnitRec<'a> },
    MembersImported { branch: Cow<'a, str>, members: Vec<MemberRec<'a>> },
    LifeRecorded {
        member: Cow<'a, str>,
        record: LifeRec<'a>,
        #[serde(default, skip_serializing_if = "str::is_empty")]
        note: Cow<'a, str>,
    },
    FindingRecorded { member: Cow<'a, str>, finding: FindingRec<'a> },
    QuarterOpened { branch: Cow<'a, str>, quarter: Quarter, rules: Cow<'a, str>, workflow: Cow<'a, str>, state: Cow<'a, str> },
    DeedRegistered { member: Cow<'a, str>, deed: DeedRec<'a> },
    DeedExcused { member: Cow<'a, str>, reason: Cow<'a, str> },
    DeedEdited { member: Cow<'a, str>, number: u32, deed: DeedRec<'a> },
    DeedWithdrawn { member: Cow<'a, str>, number: u32 },
    MeetingReported { date: NaiveDate, superior: Option<Cow<'a, str>> },
    AttendanceRecorded { member: Cow<'a, str>, status: Cow<'a, str> },
    GuestsRecorded { activists: Vec<Cow<'a, str>>, observers: Vec<Cow<'a, str>>, delegate: Option<Cow<'a, str>> },
    Presented { member: Cow<'a, str> },
    Commented { member: Cow<'a, str>, text: Cow<'a, str> },
    RoundOpened {
        round: i64,
        seats: i64,
        candidates: Vec<Cow<'a, str>>,
        seated: Vec<Cow<'a, str>>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        excluded: Vec<(Cow<'a, str>, Vec<ExcludedRec<'a>>)>,
    },
    Voted { member: Cow<'a, str>, round: i64 },
    TotalsEntered { round: i64, ballots: i64, votes: Vec<(Cow<'a, str>, i64)> },
    Advanced { step: Cow<'a, str>, from: Cow<'a, str>, to: Cow<'a, str> },
    Tallied { round: i64, selection: SelectionRec<'a> },
    LedgerWritten { stars: Vec<Cow<'a, str>>, superior: Option<Cow<'a, str>> },
    RulesAdopted { from: Cow<'a, str>, to: Cow<'a, str> },
    StarsPulled { from: Vec<Cow<'a, str>>, received: usize },
    StarReceived { from: Cow<'a, str>, sealed: Cow<'a, Sealed>, recommended: bool },
    StarsFiled { count: usize },
    Published { on: NaiveDate, until: NaiveDate, keys: Vec<Cow<'a, str>>, rule: Cow<'a, str> },
    ObjectionRaised { key: Cow<'a, str>, on: NaiveDate, reason: Cow<'a, str> },
    ObjectionDecided { key: Cow<'a, str>, upheld: bool, reason: Cow<'a, str> },
    StarPicked { key: Cow<'a, str>, reason: Cow<'a, str> },
    PickWithdrawn { key: Cow<'a, str> },
    StarReturned { key: Cow<'a, str>, to: Cow<'a, str>, reason: Cow<'a, str>, hash: Cow<'a, str> },
    StarResubmitted { sealed: Cow<'a, Sealed>, reason: Cow<'a, str> },
    StarsForwarded { to: Cow<'a, str>, sealed: Cow<'a, [Sealed]> },
    TokenIssued { id: Cow<'a, str>, unit: Cow<'a, str>, label: Cow<'a, str>, digest: Cow<'a, str> },
    TokenRevoked { id: Cow<'a, str> },
    UserAdded {
        login: Cow<'a, str>,
        name: Cow<'a, str>,
        role: Cow<'a, str>,
        unit: Cow<'a, str>,
        member: Option<Cow<'a, str>>,
        password: Cow<'a, str>,
    },
    UserDisabled { login: Cow<'a, str> },
    UserEnabled { login: Cow<'a, str> },
    PasswordReset { login: Cow<'a, str>, password: Cow<'a, str> },
    FindingClosed { member: Cow<'a, str>, clause: Cow<'a, str>, date: NaiveDate, on: NaiveDate, how: Cow<'a, str>, note: Cow<'a, str> },
    StandingRecorded { member: Cow<'a, str>, standing: StandingRec<'a>, approved_by: Cow<'a, str>, reason: Cow<'a, str> },
    PresentedAs { member: Cow<'a, str>, form: Cow<'a, str> },
    DelegateSent { name: Cow<'a, str> },
    RoundVoters { round: i64, voters: i64 },
    PaperCounted {
        round: i64,
        issued: i64,
        returned: i64,
        invalid: i64,
        votes: Vec<(Cow<'a, str>, i64)>,
        scrutineers: Vec<Cow<'a, str>>,
        counters: Vec<Cow<'a, str>>,
    },
    RoundCounted { round: i64, issued: i64, returned: i64, invalid: i64 },
    NoPickReasoned { reason: Cow<'a, str> },
    FactsFrozen { roster_events: u64 },
    MemberJoined {
        member: MemberRec<'a>,
        on: NaiveDate,
        from: Option<Cow<'a, str>>,
        life: Vec<LifeRec<'a>>,
        findings: Vec<FindingRec<'a>>,
        #[serde(default, skip_serializing_if = "str::is_empty")]
        note: Cow<'a, str>,
    },
    MemberLeft {
        member: Cow<'a, str>,
        on: NaiveDate,
        departure: DepartureRec<'a>,
        #[serde(default, skip_serializing_if = "str::is_empty")]
        note: Cow<'a, str>,
    },
    MemberChanged {
        member: Cow<'a, str>,
        on: NaiveDate,
        change: ChangeRec<'a>,
        #[serde(default, skip_serializing_if = "str::is_empty")]
        note: Cow<'a, str>,
    },
    SessionRecorded { branch: Cow<'a, str>, date: NaiveDate, kind: Cow<'a, str>, absences_only: bool },
    AwayRecorded { member: Cow<'a, str>, from: NaiveDate, to: Option<NaiveDate> },
    BackRecorded { member: Cow<'a, str>, on: NaiveDate },
    ReportRecorded { member: Cow<'a, str>, on: NaiveDate },
    CodesIssued { round: i64, count: i64, to: Vec<Cow<'a, str>> },
    CodesReissued { round: i64, voided: i64 },
    VotingClosed { round: i64, issued: i64, returned: i64 },
    VotingHeldAgain { round: i64, issued: i64, returned: i64, reason: Cow<'a, str> },
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct StandingRec<'a> {
    pub kind: Cow<'a, str>,
    pub from: NaiveDate,
    #[serde(default)]
    pub until: Option<NaiveDate>,
}

/// Why a member left a roster.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(super) enum DepartureRec<'a> {
    Transferred { to: Cow<'a, str> },
    Removed { reason: Cow<'a, str> },
}

/// The fields a dated change sets; `clears_last_report` stands for a date removed.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct ChangeRec<'a> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_report: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub clears_last_report: bool,
}

// ---- engine → record -------------------------------------------------------------
// Records borrow the engine's texts: writing an event copies nothing before encoding.

fn b<'a>(text: &'a (impl AsRef<str> + ?Sized)) -> Cow<'a, str> {
    Cow::Borrowed(text.as_ref())
}

fn all<'a, T: AsRef<str>>(list: &'a [T]) -> Vec<Cow<'a, str>> {
    list.iter().map(b).collect()
}

pub(super) fn record(e: &Event) -> EventRec<'_> {
    EventRec {
        v: VERSION,
        seq: e.seq,
        who: b(&e.who),
        role: b(&e.role),
        at: e.at,
        rules: e.rules.as_ref().map(|h| b(h.as_str())),
        actions: e.actions.iter().map(action_rec).collect(),
    }
}

fn action_rec(a: &Action) -> ActionRec<'_> {
    match a {
        Action::UnitAdded { unit } => ActionRec::UnitAdded {
            unit: UnitRec { id: b(&unit.id), name: b(&unit.name), kind: b(&unit.kind), parent: unit.parent.as_ref().map(b) },
        },
        Action::MembersImported { branch, members } => ActionRec::MembersImported {
            branch: b(branch),
            members: members
                .iter()
                .map(|m| MemberRec {
                    id: b(&m.id),
                    name: b(&m.name),
                    identity: b(&m.identity),
                    role: b(&m.role),
                    full: m.full,
                    mobile: m.mobile,
                    last_report: m.last_report,
                })
                .collect(),
        },
        Action::LifeRecorded { member, record, note } => {
            ActionRec::LifeRecorded { member: b(member), record: LifeRec { date: record.date, status: b(record.status.as_str()) }, note: b(note) }
        }
        Action::FindingRecorded { member, finding: f } => ActionRec::FindingRecorded {
            member: b(member),
            finding: FindingRec { clause: b(f.clause.as_str()), date: f.date, evidence: b(&f.evidence), open: f.open, until: f.until, closed: None, closure: None },
        },
        Action::QuarterOpened { branch, quarter, rules, workflow, state } => ActionRec::QuarterOpened {
            branch: b(branch),
            quarter: *quarter,
            rules: b(rules.as_str()),
            workflow: b(workflow.as_str()),
            state: b(state),
        },
        Action::DeedRegistered { member, deed } => ActionRec::DeedRegistered { member: b(member), deed: deed_rec(deed) },
        Action::DeedExcused { member, reason } => ActionRec::DeedExcused { member: b(member), reason: b(reason) },
        Action::DeedEdited { member, number, deed } => ActionRec::DeedEdited { member: b(member), number: *number, deed: deed_rec(deed) },
        Action::DeedWithdrawn { member, number } => ActionRec::DeedWithdrawn { member: b(member), number: *number },
        Action::MeetingReported { date, superior } => ActionRec::MeetingReported { date: *date, superior: superior.as_ref().map(b) },
        Action::AttendanceRecorded { member, status } => ActionRec::AttendanceRecorded { member: b(member), status: b(status) },
        Action::GuestsRecorded { activists, observers, delegate } => {
            ActionRec::GuestsRecorded { activists: all(activists), observers: all(observers), delegate: delegate.as_ref().map(b) }
        }
        Action::Presented { member } => ActionRec::Presented { member: b(member) },
        Action::Commented { member, text } => ActionRec::Commented { member: b(member), text: b(text) },
        Action::RoundOpened { round, seats, candidates, seated, excluded } => ActionRec::RoundOpened {
            round: *round,
            seats: *seats,
            candidates: all(candidates),
            seated: all(seated),
            excluded: excluded
                .iter()
                .map(|(m, list)| {
                    let list = list
                        .iter()
                        .map(|x| ExcludedRec { rule: b(&x.rule), witnesses: x.witnesses.iter().map(witness_rec).collect() })
                        .collect();
                    (b(m), list)
                })
                .collect(),
        },
        Action::Voted { member, round } => ActionRec::Voted { member: b(member), round: *round },
        Action::TotalsEntered { round, ballots, votes } => {
            ActionRec::TotalsEntered { round: *round, ballots: *ballots, votes: votes.iter().map(|(m, n)| (b(m), *n)).collect() }
        }
        Action::Advanced { step, from, to } => ActionRec::Advanced { step: b(step), from: b(from), to: b(to) },
        Action::Tallied { round, selection } => ActionRec::Tallied { round: *round, selection: selection_rec(selection) },
        Action::LedgerWritten { stars, superior } => ActionRec::LedgerWritten { stars: all(stars), superior: superior.as_ref().map(b) },
        Action::RulesAdopted { from, to } => ActionRec::RulesAdopted { from: b(from.as_str()), to: b(to.as_str()) },
        Action::StarsPulled { from, received } => ActionRec::StarsPulled { from: all(from), received: *received },
        Action::StarReceived { from, sealed, recommended } => {
            ActionRec::StarReceived { from: b(from), sealed: Cow::Borrowed(sealed), recommended: *recommended }
        }
        Action::StarsFiled { count } => ActionRec::StarsFiled { count: *count },
        Action::Published { on, until, keys, rule } => ActionRec::Published { on: *on, until: *until, keys: all(keys), rule: b(rule) },
        Action::ObjectionRaised { key, on, reason } => ActionRec::ObjectionRaised { key: b(key), on: *on, reason: b(reason) },
        Action::ObjectionDecided { key, upheld, reason } => ActionRec::ObjectionDecided { key: b(key), upheld: *upheld, reason: b(reason) },
        Action::StarPicked { key, reason } => ActionRec::StarPicked { key: b(key), reason: b(reason) },
        Action::PickWithdrawn { key } => ActionRec::PickWithdrawn { key: b(key) },
        Action::StarReturned { key, to, reason, hash } => ActionRec::StarReturned { key: b(key), to: b(to), reason: b(reason), hash: b(hash) },
        Action::StarResubmitted { sealed, reason } => ActionRec::StarResubmitted { sealed: Cow::Borrowed(sealed), reason: b(reason) },
        Action::StarsForwarded { to, sealed } => ActionRec::StarsForwarded { to: b(to), sealed: Cow::Borrowed(sealed) },
        Action::TokenIssued { id, unit, label, digest } => ActionRec::TokenIssued { id: b(id), unit: b(unit), label: b(label), digest: b(digest) },
        Action::TokenRevoked { id } => ActionRec::TokenRevoked { id: b(id) },
        Action::UserAdded { login, name, role, unit, member, password } => ActionRec::UserAdded {
            login: b(login),
            name: b(name),
            role: b(role),
            unit: b(unit),
            member: member.as_ref().map(b),
            password: b(password),
        },
        Action::UserDisabled { login } => ActionRec::UserDisabled { login: b(login) },
        Action::UserEnabled { login } => ActionRec::UserEnabled { login: b(login) },
        Action::PasswordReset { login, password } => ActionRec::PasswordReset { login: b(login), password: b(password) },
        Action::FindingClosed { member, clause, date, on, how, note } => {
            ActionRec::FindingClosed { member: b(member), clause: b(clause), date: *date, on: *on, how: b(how), note: b(note) }
        }
        Action::StandingRecorded { member, standing: st, approved_by, reason } => ActionRec::StandingRecorded {
            member: b(member),
            standing: StandingRec { kind: b(st.kind.as_str()), from: st.from, until: st.until },
            approved_by: b(approved_by),
            reason: b(reason),
        },
        Action::PresentedAs { member, form } => ActionRec::PresentedAs { member: b(member), form: b(form) },
        Action::DelegateSent { name } => ActionRec::DelegateSent { name: b(name) },
        Action::RoundVoters { round, voters } => ActionRec::RoundVoters { round: *round, voters: *voters },
        Action::PaperCounted { round, issued, returned, invalid, votes, scrutineers, counters } => ActionRec::PaperCounted {
            round: *round,
            issued: *issued,
            returned: *returned,
            invalid: *invalid,
            votes: votes.iter().map(|(m, n)| (b(m), *n)).collect(),
            scrutineers: all(scrutineers),
            counters: all(counters),
        },
        Action::RoundCounted { round, issued, returned, invalid } => {
            ActionRec::RoundCounted { round: *round, issued: *issued, returned: *returned, invalid: *invalid }
        }
        Action::NoPickReasoned { reason } => ActionRec::NoPickReasoned { reason: b(reason) },
        Action::FactsFrozen { roster_events } => ActionRec::FactsFrozen { roster_events: *roster_events },
        Action::SessionRecorded { branch, date, kind, absences_only } => ActionRec::SessionRecorded { branch: b(branch), date: *date, kind: b(kind), absences_only: *absences_only },
        Action::AwayRecorded { member, from, to } => ActionRec::AwayRecorded { member: b(member), from: *from, to: *to },
        Action::BackRecorded { member, on } => ActionRec::BackRecorded { member: b(member), on: *on },
        Action::ReportRecorded { member, on } => ActionRec::ReportRecorded { member: b(member), on: *on },
        Action::CodesIssued { round, count, to } => ActionRec::CodesIssued { round: *round, count: *count, to: to.iter().map(b).collect() },
        Action::CodesReissued { round, voided } => ActionRec::CodesReissued { round: *round, voided: *voided },
        Action::VotingClosed { round, issued, returned } => ActionRec::VotingClosed { round: *round, issued: *issued, returned: *returned },
        Action::VotingHeldAgain { round, issued, returned, reason } => {
            ActionRec::VotingHeldAgain { round: *round, issued: *issued, returned: *returned, reason: b(reason) }
        }
        Action::MemberJoined { member, on, from, life, findings, note } => ActionRec::MemberJoined {
            member: member_rec(member),
            on: *on,
            from: from.as_ref().map(b),
            life: life.iter().map(life_rec).collect(),
            findings: findings.iter().map(finding_rec).collect(),
            note: b(note),
        },
        Action::MemberLeft { member, on, departure, note } => ActionRec::MemberLeft {
            member: b(member),
            on: *on,
            departure: match departure {
                Departure::Transferred { to } => DepartureRec::Transferred { to: b(to) },
                Departure::Removed { reason } => DepartureRec::Removed { reason: b(reason) },
            },
            note: b(note),
        },
        Action::MemberChanged { member, on, change: c, note } => ActionRec::MemberChanged {
            member: b(member),
            on: *on,
            change: ChangeRec {
                name: c.name.as_ref().map(b),
                identity: c.identity.as_ref().map(b),
                role: c.role.as_ref().map(b),
                full: c.full,
                mobile: c.mobile,
                last_report: c.last_report.flatten(),
                clears_last_report: c.last_report == Some(None),
            },
            note: b(note),
        },
    }
}

fn member_rec(m: &MemberRecord) -> MemberRec<'_> {
    MemberRec { id: b(&m.id), name: b(&m.name), identity: b(&m.identity), role: b(&m.role), full: m.full, mobile: m.mobile, last_report: m.last_report }
}

fn deed_rec(d: &Deed) -> DeedRec<'_> {
    DeedRec { kind: b(d.kind.as_str()), text: b(&d.text), date: d.date, form: d.form.map(|f| b(f.as_str())) }
}

fn life_rec(r: &LifeRecord) -> LifeRec<'_> {
    LifeRec { date: r.date, status: b(r.status.as_str()) }
}

fn finding_rec(f: &Finding) -> FindingRec<'_> {
    FindingRec {
        clause: b(f.clause.as_str()),
        date: f.date,
        evidence: b(&f.evidence),
        open: f.open,
        until: f.until,
        closed: f.closed,
        closure: f.closure.map(|c| b(c.as_str())),
    }
}

fn witness_rec(w: &Witness) -> WitnessRec<'_> {
    WitnessRec { expr: b(&w.expr), value: ValueRec::Typed(typed_rec(&w.value)), decisive: w.decisive }
}

fn typed_rec(v: &Value) -> TypedRec<'_> {
    match v {
        Value::Bool(x) => TypedRec::Bool(*x),
        Value::Int(x) => TypedRec::Int(*x),
        Value::Dec(x) => TypedRec::Dec(*x),
        Value::Date(x) => TypedRec::Date(*x),
        Value::Months(x) => TypedRec::Months(*x),
        Value::Text(x) => TypedRec::Text(b(x)),
        Value::Enum { name, label } => TypedRec::Enum { name: b(name), label: label.as_ref().map(b) },
        Value::None => TypedRec::None,
        Value::Elements(e) => TypedRec::Elements(ElementsRec {
            role: match e.role {
                ElementRole::Matching => ElementRoleRec::Matching,
                ElementRole::Failing => ElementRoleRec::Failing,
            },
            items: e
                .items
                .iter()
                .map(|s| SummaryRec { fields: s.fields.iter().map(|f| FieldRec { name: b(&f.name), value: typed_rec(&f.value) }).collect() })
                .collect(),
            total: e.total,
        }),
        Value::Recorded(x) => TypedRec::Recorded(b(x)),
    }
}

fn selection_rec(s: &Selection) -> SelectionRec<'_> {
    SelectionRec {
        seats: s.seats,
        cap_room: s.cap_room,
        ranking: s
            .ranking
            .iter()
            .map(|r| RankedRec {
                member: b(&r.member),
                votes: r.votes,
                place: r.place,
                preferred: r.preferred,
                capped: r.capped,
                outcome: match r.outcome {
                    Outcome::Seated => OutcomeRec::Seated,
                    Outcome::Tied => OutcomeRec::Tied,
                    Outcome::SeatedOnTie => OutcomeRec::SeatedOnTie,
                    Outcome::DroppedOnTie => OutcomeRec::DroppedOnTie,
                    Outcome::CapReached => OutcomeRec::CapReached,
                    Outcome::BelowLine => OutcomeRec::BelowLine,
                    Outcome::BehindOnLean => OutcomeRec::BehindOnLean,
                    Outcome::NoVotes => OutcomeRec::NoVotes,
                },
            })
            .collect(),
        seated: all(&s.seated),
        runoff: s.runoff.as_ref().map(|r| RunoffRec { seats: r.seats, tied: all(&r.tied) }),
    }
}

// ---- record → engine -------------------------------------------------------------

fn own(text: Cow<'_, str>) -> String {
    text.into_owned()
}

fn owned(list: Vec<Cow<'_, str>>) -> Vec<String> {
    list.into_iter().map(own).collect()
}

/// An id read back: it was checked when it was first recorded, but a store is input
/// too, so an id that could not have been recorded is an error, not a guess.
pub(super) fn unit(text: Cow<'_, str>) -> Result<UnitId, Invalid> {
    UnitId::read(&text).ok_or_else(|| Invalid::Id(text.into_owned()))
}

pub(super) fn member(text: Cow<'_, str>) -> Result<MemberId, Invalid> {
    MemberId::read(&text).ok_or_else(|| Invalid::Id(text.into_owned()))
}

pub(super) fn members(list: Vec<Cow<'_, str>>) -> Result<Vec<MemberId>, Invalid> {
    list.into_iter().map(member).collect()
}

pub(super) fn rules_hash(text: Cow<'_, str>) -> Result<RulesHash, Invalid> {
    hash_hex(&text)?;
    Ok(RulesHash::of_hex(text.into_owned()))
}

pub(super) fn workflow_hash(text: Cow<'_, str>) -> Result<WorkflowHash, Invalid> {
    hash_hex(&text)?;
    Ok(WorkflowHash::of_hex(text.into_owned()))
}

fn hash_hex(text: &str) -> Result<(), Invalid> {
    if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(Invalid::Hash(text.to_owned()))
    }
}

pub(super) fn event(r: EventRec<'_>) -> Result<Event, Invalid> {
    Ok(Event {
        seq: r.seq,
        who: own(r.who),
        role: own(r.role),
        at: r.at,
        rules: r.rules.map(rules_hash).transpose()?,
        actions: r.actions.into_iter().map(action).collect::<Result<_, _>>()?,
    })
}

pub(super) fn witness(w: WitnessRec<'_>) -> Witness {
    let value = match w.value {
        ValueRec::Text(text) => Value::Recorded(own(text)),
        ValueRec::Typed(value) => typed(value),
    };
    Witness { expr: own(w.expr), value, decisive: w.decisive }
}

fn typed(v: TypedRec<'_>) -> Value {
    match v {
        TypedRec::Bool(x) => Value::Bool(x),
        TypedRec::Int(x) => Value::Int(x),
        TypedRec::Dec(x) => Value::Dec(x),
        TypedRec::Date(x) => Value::Date(x),
        TypedRec::Months(x) => Value::Months(x),
        TypedRec::Text(x) => Value::Text(own(x)),
        TypedRec::Enum { name, label } => Value::Enum { name: own(name), label: label.map(own) },
        TypedRec::None => Value::None,
        TypedRec::Elements(e) => Value::Elements(Elements {
            role: match e.role {
                ElementRoleRec::Matching => ElementRole::Matching,
                ElementRoleRec::Failing => ElementRole::Failing,
            },
            items: e
                .items
                .into_iter()
                .map(|s| ElementSummary { fields: s.fields.into_iter().map(|f| ElementField { name: own(f.name), value: typed(f.value) }).collect() })
                .collect(),
            total: e.total,
        }),
        TypedRec::Recorded(x) => Value::Recorded(own(x)),
    }
}

pub(super) fn action(a: ActionRec<'_>) -> Result<Action, Invalid> {
    Ok(match a {
        ActionRec::UnitAdded { unit: u } => Action::UnitAdded {
            unit: Unit { id: unit(u.id)?, name: own(u.name), kind: own(u.kind), parent: u.parent.map(unit).transpose()? },
        },
        ActionRec::MembersImported { branch, members: list } => Action::MembersImported {
            branch: unit(branch)?,
            members: list
                .into_iter()
                .map(|m| {
                    Ok(MemberRecord {
                        id: member(m.id)?,
                        name: own(m.name),
                        identity: own(m.identity),
                        role: own(m.role),
                        full: m.full,
                        mobile: m.mobile,
                        last_report: m.last_report,
                    })
                })
                .collect::<Result<_, Invalid>>()?,
        },
        ActionRec::LifeRecorded { member: m, record, note } => {
            Action::LifeRecorded { member: member(m)?, record: LifeRecord { date: record.date, status: record.status.as_ref().into() }, note: own(note) }
        }
        ActionRec::FindingRecorded { member: m, finding: f } => Action::FindingRecorded {
            member: member(m)?,
            finding: Finding { clause: f.clause.as_ref().into(), date: f.date, evidence: own(f.evidence), open: f.open, until: f.until, closed: None, closure: None },
        },
        ActionRec::QuarterOpened { branch, quarter, rules, workflow, state } => Action::QuarterOpened {
            branch: unit(branch)?,
            quarter,
            rules: rules_hash(rules)?,
            workflow: workflow_hash(workflow)?,
            state: own(state),
        },
        ActionRec::DeedRegistered { member: m, deed } => Action::DeedRegistered { member: member(m)?, deed: deed_of(deed) },
        ActionRec::DeedExcused { member: m, reason } => Action::DeedExcused { member: member(m)?, reason: own(reason) },
        ActionRec::DeedEdited { member: m, number, deed } => Action::DeedEdited { member: member(m)?, number, deed: deed_of(deed) },
        ActionRec::DeedWithdrawn { member: m, number } => Action::DeedWithdrawn { member: member(m)?, number },
        ActionRec::MeetingReported { date, superior } => Action::MeetingReported { date, superior: superior.map(unit).transpose()? },
        ActionRec::AttendanceRecorded { member: m, status } => Action::AttendanceRecorded { member: member(m)?, status: own(status) },
        ActionRec::GuestsRecorded { activists, observers, delegate } => {
            Action::GuestsRecorded { activists: owned(activists), observers: owned(observers), delegate: delegate.map(own) }
        }
        ActionRec::Presented { member: m } => Action::Presented { member: member(m)? },
        ActionRec::Commented { member: m, text } => Action::Commented { member: member(m)?, text: own(text) },
        ActionRec::RoundOpened { round, seats, candidates, seated, excluded } => Action::RoundOpened {
            round,
            seats,
            candidates: members(candidates)?,
            seated: members(seated)?,
            excluded: excluded
                .into_iter()
                .map(|(m, list)| {
                    let list = list.into_iter().map(|x| Excluded { rule: own(x.rule), witnesses: x.witnesses.into_iter().map(witness).collect() }).collect();
                    Ok((member(m)?, list))
                })
                .collect::<Result<_, Invalid>>()?,
        },
        ActionRec::Voted { member: m, round } => Action::Voted { member: member(m)?, round },
        ActionRec::TotalsEntered { round, ballots, votes } => Action::TotalsEntered {
            round,
            ballots,
            votes: votes.into_iter().map(|(m, n)| Ok((member(m)?, n))).collect::<Result<_, Invalid>>()?,
        },
        ActionRec::Advanced { step, from, to } => Action::Advanced { step: own(step), from: own(from), to: own(to) },
        ActionRec::Tallied { round, selection: s } => Action::Tallied { round, selection: selection(s)? },
        ActionRec::LedgerWritten { stars, superior } => Action::LedgerWritten { stars: members(stars)?, superior: superior.map(unit).transpose()? },
        ActionRec::RulesAdopted { from, to } => Action::RulesAdopted { from: rules_hash(from)?, to: rules_hash(to)? },
        ActionRec::StarsPulled { from, received } => Action::StarsPulled { from: owned(from), received },
        ActionRec::StarReceived { from, sealed, recommended } => Action::StarReceived { from: own(from), sealed: sealed.into_owned(), recommended },
        ActionRec::StarsFiled { count } => Action::StarsFiled { count },
        ActionRec::Published { on, until, keys, rule } => Action::Published { on, until, keys: owned(keys), rule: own(rule) },
        ActionRec::ObjectionRaised { key, on, reason } => Action::ObjectionRaised { key: own(key), on, reason: own(reason) },
        ActionRec::ObjectionDecided { key, upheld, reason } => Action::ObjectionDecided { key: own(key), upheld, reason: own(reason) },
        ActionRec::StarPicked { key, reason } => Action::StarPicked { key: own(key), reason: own(reason) },
        ActionRec::PickWithdrawn { key } => Action::PickWithdrawn { key: own(key) },
        ActionRec::StarReturned { key, to, reason, hash } => Action::StarReturned { key: own(key), to: own(to), reason: own(reason), hash: own(hash) },
        ActionRec::StarResubmitted { sealed, reason } => Action::StarResubmitted { sealed: sealed.into_owned(), reason: own(reason) },
        ActionRec::StarsForwarded { to, sealed } => Action::StarsForwarded { to: own(to), sealed: sealed.into_owned() },
        ActionRec::TokenIssued { id, unit, label, digest } => Action::TokenIssued { id: own(id), unit: own(unit), label: own(label), digest: own(digest) },
        ActionRec::TokenRevoked { id } => Action::TokenRevoked { id: own(id) },
        ActionRec::UserAdded { login, name, role, unit: u, member: m, password } => Action::UserAdded {
            login: own(login),
            name: own(name),
            role: own(role),
            unit: unit(u)?,
            member: m.map(member).transpose()?,
            password: own(password),
        },
        ActionRec::UserDisabled { login } => Action::UserDisabled { login: own(login) },
        ActionRec::UserEnabled { login } => Action::UserEnabled { login: own(login) },
        ActionRec::PasswordReset { login, password } => Action::PasswordReset { login: own(login), password: own(password) },
        ActionRec::FindingClosed { member: m, clause, date, on, how, note } => {
            Action::FindingClosed { member: member(m)?, clause: own(clause), date, on, how: own(how), note: own(note) }
        }
        ActionRec::StandingRecorded { member: m, standing: st, approved_by, reason } => Action::StandingRecorded {
            member: member(m)?,
            standing: Standing { kind: st.kind.as_ref().into(), from: st.from, until: st.until },
            approved_by: own(approved_by),
            reason: own(reason),
        },
        ActionRec::PresentedAs { member: m, form } => Action::PresentedAs { member: member(m)?, form: own(form) },
        ActionRec::DelegateSent { name } => Action::DelegateSent { name: own(name) },
        ActionRec::RoundVoters { round, voters } => Action::RoundVoters { round, voters },
        ActionRec::PaperCounted { round, issued, returned, invalid, votes, scrutineers, counters } => Action::PaperCounted {
            round,
            issued,
            returned,
            invalid,
            votes: votes.into_iter().map(|(m, n)| Ok((member(m)?, n))).collect::<Result<_, Invalid>>()?,
            scrutineers: owned(scrutineers),
            counters: owned(counters),
        },
        ActionRec::RoundCounted { round, issued, returned, invalid } => Action::RoundCounted { round, issued, returned, invalid },
        ActionRec::NoPickReasoned { reason } => Action::NoPickReasoned { reason: own(reason) },
        ActionRec::FactsFrozen { roster_events } => Action::FactsFrozen { roster_events },
        ActionRec::MemberJoined { member: m, on, from, life, findings, note } => Action::MemberJoined {
            member: member_record(m)?,
            on,
            from: from.map(unit).transpose()?,
            life: life.into_iter().map(life_record).collect(),
            findings: findings.into_iter().map(finding_record).collect(),
            note: own(note),
        },
        ActionRec::MemberLeft { member: m, on, departure, note } => Action::MemberLeft {
            member: member(m)?,
            on,
            departure: match departure {
                DepartureRec::Transferred { to } => Departure::Transferred { to: unit(to)? },
                DepartureRec::Removed { reason } => Departure::Removed { reason: own(reason) },
            },
            note: own(note),
        },
        ActionRec::MemberChanged { member: m, on, change: c, note } => Action::MemberChanged {
            member: member(m)?,
            on,
            change: MemberChange {
                name: c.name.map(own),
                identity: c.identity.map(own),
                role: c.role.map(own),
                full: c.full,
                mobile: c.mobile,
                last_report: if c.clears_last_report { Some(None) } else { c.last_report.map(Some) },
            },
            note: own(note),
        },
        ActionRec::SessionRecorded { branch, date, kind, absences_only } => Action::SessionRecorded { branch: unit(branch)?, date, kind: own(kind), absences_only },
        ActionRec::AwayRecorded { member: m, from, to } => Action::AwayRecorded { member: member(m)?, from, to },
        ActionRec::BackRecorded { member: m, on } => Action::BackRecorded { member: member(m)?, on },
        ActionRec::ReportRecorded { member: m, on } => Action::ReportRecorded { member: member(m)?, on },
        ActionRec::CodesIssued { round, count, to } => {
            Action::CodesIssued { round, count, to: to.into_iter().map(member).collect::<Result<_, _>>()? }
        }
        ActionRec::CodesReissued { round, voided } => Action::CodesReissued { round, voided },
        ActionRec::VotingClosed { round, issued, returned } => Action::VotingClosed { round, issued, returned },
        ActionRec::VotingHeldAgain { round, issued, returned, reason } => Action::VotingHeldAgain { round, issued, returned, reason: reason.into_owned() },
    })
}

fn member_record(m: MemberRec<'_>) -> Result<MemberRecord, Invalid> {
    Ok(MemberRecord {
        id: member(m.id)?,
        name: own(m.name),
        identity: own(m.identity),
        role: own(m.role),
        full: m.full,
        mobile: m.mobile,
        last_report: m.last_report,
    })
}

fn deed_of(d: DeedRec<'_>) -> Deed {
    Deed { kind: d.kind.as_ref().into(), text: own(d.text), date: d.date, form: d.form.map(|f| f.as_ref().into()) }
}

fn life_record(r: LifeRec<'_>) -> LifeRecord {
    LifeRecord { date: r.date, status: r.status.as_ref().into() }
}

fn finding_record(f: FindingRec<'_>) -> Finding {
    Finding {
        clause: f.clause.as_ref().into(),
        date: f.date,
        evidence: own(f.evidence),
        open: f.open,
        until: f.until,
        closed: f.closed,
        closure: f.closure.map(|c| c.as_ref().into()),
    }
}

pub(super) fn selection(s: SelectionRec<'_>) -> Result<Selection, Invalid> {
    Ok(Selection {
        seats: s.seats,
        cap_room: s.cap_room,
        ranking: s
            .ranking
            .into_iter()
            .map(|r| {
                Ok(Ranked {
                    member: member(r.member)?,
                    votes: r.votes,
                    place: r.place,
                    preferred: r.preferred,
                    capped: r.capped,
                    outcome: match r.outcome {
                        OutcomeRec::Seated => Outcome::Seated,
                        OutcomeRec::Tied => Outcome::Tied,
                        OutcomeRec::SeatedOnTie => Outcome::SeatedOnTie,
                        OutcomeRec::DroppedOnTie => Outcome::DroppedOnTie,
                        OutcomeRec::CapReached => Outcome::CapReached,
                        OutcomeRec::BelowLine => Outcome::BelowLine,
                        OutcomeRec::BehindOnLean => Outcome::BehindOnLean,
                        OutcomeRec::NoVotes => Outcome::NoVotes,
                    },
                })
            })
            .collect::<Result<_, Invalid>>()?,
        seated: members(s.seated)?,
        runoff: s.runoff.map(|r| Ok::<_, Invalid>(Runoff { seats: r.seats, tied: members(r.tied)? })).transpose()?,
    })
}
