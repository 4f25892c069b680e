//! Version 1 of the event log's records: what this version writes.
//!
//! These types are the disk format and nothing else; they convert to and from the
//! engine's [`crate::event`] types. Once a version of shine that writes them has been
//! released, they never change: a new shape is a new version beside this one, and
//! this one keeps being read.

use super::Invalid;
use crate::domain::{MemberId, Quarter, RulesHash, Timestamp, UnitId, WorkflowHash};
use crate::entity::{MemberRecord, Unit};
use crate::event::{Action, Event, Excluded};
use crate::facts::{Deed, Finding, LifeRecord};
use crate::rules::Witness;
use crate::star::Sealed;
use crate::tally::{Outcome, Ranked, Runoff, Selection};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub(super) const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EventRec {
    pub v: u32,
    pub seq: u64,
    pub who: String,
    pub role: String,
    pub at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<String>,
    pub actions: Vec<ActionRec>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct UnitRec {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub parent: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct MemberRec {
    pub id: String,
    pub name: String,
    pub identity: String,
    pub role: String,
    pub full: bool,
    pub mobile: bool,
    pub last_report: Option<NaiveDate>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct LifeRec {
    pub date: NaiveDate,
    pub status: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct FindingRec {
    pub clause: String,
    pub date: NaiveDate,
    pub evidence: String,
    #[serde(default)]
    pub open: bool,
    #[serde(default)]
    pub until: Option<NaiveDate>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct DeedRec {
    pub kind: String,
    pub text: String,
    pub date: NaiveDate,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct WitnessRec {
    pub expr: String,
    pub value: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct ExcludedRec {
    pub rule: String,
    pub witnesses: Vec<WitnessRec>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct RankedRec {
    pub member: String,
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
pub(super) struct RunoffRec {
    pub seats: i64,
    pub tied: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct SelectionRec {
    pub seats: i64,
    pub cap_room: Option<i64>,
    pub ranking: Vec<RankedRec>,
    pub seated: Vec<String>,
    pub runoff: Option<RunoffRec>,
}

/// The star records travel as [`Sealed`]: their JSON is pinned by their content hash
/// (see `crate::star`), so the log keeps them as they are.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(super) enum ActionRec {
    UnitAdded { unit: UnitRec },
    MembersImported { branch: String, members: Vec<MemberRec> },
    LifeRecorded {
        member: String,
        record: LifeRec,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
    },
    FindingRecorded { member: String, finding: FindingRec },
    QuarterOpened { branch: String, quarter: Quarter, rules: String, workflow: String, state: String },
    DeedRegistered { member: String, deed: DeedRec },
    DeedExcused { member: String, reason: String },
    MeetingReported { date: NaiveDate, superior: Option<String> },
    AttendanceRecorded { member: String, status: String },
    GuestsRecorded { activists: Vec<String>, observers: Vec<String>, delegate: Option<String> },
    Presented { member: String },
    Commented { member: String, text: String },
    RoundOpened {
        round: i64,
        seats: i64,
        candidates: Vec<String>,
        seated: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        excluded: Vec<(String, Vec<ExcludedRec>)>,
    },
    Voted { member: String, round: i64 },
    TotalsEntered { round: i64, ballots: i64, votes: Vec<(String, i64)> },
    Advanced { step: String, from: String, to: String },
    Tallied { round: i64, selection: SelectionRec },
    LedgerWritten { stars: Vec<String>, superior: Option<String> },
    RulesAdopted { from: String, to: String },
    StarsPulled { from: Vec<String>, received: usize },
    StarReceived { from: String, sealed: Sealed, recommended: bool },
    StarsFiled { count: usize },
    Published { on: NaiveDate, until: NaiveDate, keys: Vec<String>, rule: String },
    ObjectionRaised { key: String, on: NaiveDate, reason: String },
    ObjectionDecided { key: String, upheld: bool, reason: String },
    StarPicked { key: String, reason: String },
    PickWithdrawn { key: String },
    StarReturned { key: String, to: String, reason: String, hash: String },
    StarResubmitted { sealed: Sealed, reason: String },
    StarsForwarded { to: String, sealed: Vec<Sealed> },
    TokenIssued { id: String, unit: String, label: String, digest: String },
    TokenRevoked { id: String },
}

// ---- engine → record -------------------------------------------------------------

pub(super) fn record(e: &Event) -> EventRec {
    EventRec {
        v: VERSION,
        seq: e.seq,
        who: e.who.clone(),
        role: e.role.clone(),
        at: e.at,
        rules: e.rules.as_ref().map(|h| h.as_str().to_owned()),
        actions: e.actions.iter().map(action_rec).collect(),
    }
}

fn ids<T: AsRef<str>>(list: &[T]) -> Vec<String> {
    list.iter().map(|x| x.as_ref().to_owned()).collect()
}

fn action_rec(a: &Action) -> ActionRec {
    match a {
        Action::UnitAdded { unit } => ActionRec::UnitAdded {
            unit: UnitRec {
                id: unit.id.to_string(),
                name: unit.name.clone(),
                kind: unit.kind.clone(),
                parent: unit.parent.as_ref().map(ToString::to_string),
            },
        },
        Action::MembersImported { branch, members } => ActionRec::MembersImported {
            branch: branch.to_string(),
            members: members
                .iter()
                .map(|m| MemberRec {
                    id: m.id.to_string(),
                    name: m.name.clone(),
                    identity: m.identity.clone(),
                    role: m.role.clone(),
                    full: m.full,
                    mobile: m.mobile,
                    last_report: m.last_report,
                })
                .collect(),
        },
        Action::LifeRecorded { member, record, note } => ActionRec::LifeRecorded {
            member: member.to_string(),
            record: LifeRec { date: record.date, status: record.status.as_str().to_owned() },
            note: note.clone(),
        },
        Action::FindingRecorded { member, finding: f } => ActionRec::FindingRecorded {
            member: member.to_string(),
            finding: FindingRec { clause: f.clause.as_str().to_owned(), date: f.date, evidence: f.evidence.clone(), open: f.open, until: f.until },
        },
        Action::QuarterOpened { branch, quarter, rules, workflow, state } => ActionRec::QuarterOpened {
            branch: branch.to_string(),
            quarter: *quarter,
            rules: rules.to_string(),
            workflow: workflow.to_string(),
            state: state.clone(),
        },
        Action::DeedRegistered { member, deed } => ActionRec::DeedRegistered {
            member: member.to_string(),
            deed: DeedRec { kind: deed.kind.as_str().to_owned(), text: deed.text.clone(), date: deed.date },
        },
        Action::DeedExcused { member, reason } => ActionRec::DeedExcused { member: member.to_string(), reason: reason.clone() },
        Action::MeetingReported { date, superior } => {
            ActionRec::MeetingReported { date: *date, superior: superior.as_ref().map(ToString::to_string) }
        }
        Action::AttendanceRecorded { member, status } => {
            ActionRec::AttendanceRecorded { member: member.to_string(), status: status.clone() }
        }
        Action::GuestsRecorded { activists, observers, delegate } => ActionRec::GuestsRecorded {
            activists: activists.clone(),
            observers: observers.clone(),
            delegate: delegate.clone(),
        },
        Action::Presented { member } => ActionRec::Presented { member: member.to_string() },
        Action::Commented { member, text } => ActionRec::Commented { member: member.to_string(), text: text.clone() },
        Action::RoundOpened { round, seats, candidates, seated, excluded } => ActionRec::RoundOpened {
            round: *round,
            seats: *seats,
            candidates: ids(candidates),
            seated: ids(seated),
            excluded: excluded
                .iter()
                .map(|(m, list)| {
                    let list = list
                        .iter()
                        .map(|x| ExcludedRec {
                            rule: x.rule.clone(),
                            witnesses: x.witnesses.iter().map(|w| WitnessRec { expr: w.expr.clone(), value: w.value.clone() }).collect(),
                        })
                        .collect();
                    (m.to_string(), list)
                })
                .collect(),
        },
        Action::Voted { member, round } => ActionRec::Voted { member: member.to_string(), round: *round },
        Action::TotalsEntered { round, ballots, votes } => ActionRec::TotalsEntered {
            round: *round,
            ballots: *ballots,
            votes: votes.iter().map(|(m, n)| (m.to_string(), *n)).collect(),
        },
        Action::Advanced { step, from, to } => ActionRec::Advanced { step: step.clone(), from: from.clone(), to: to.clone() },
        Action::Tallied { round, selection } => ActionRec::Tallied { round: *round, selection: selection_rec(selection) },
        Action::LedgerWritten { stars, superior } => {
            ActionRec::LedgerWritten { stars: ids(stars), superior: superior.as_ref().map(ToString::to_string) }
        }
        Action::RulesAdopted { from, to } => ActionRec::RulesAdopted { from: from.to_string(), to: to.to_string() },
        Action::StarsPulled { from, received } => ActionRec::StarsPulled { from: from.clone(), received: *received },
        Action::StarReceived { from, sealed, recommended } => {
            ActionRec::StarReceived { from: from.clone(), sealed: sealed.clone(), recommended: *recommended }
        }
        Action::StarsFiled { count } => ActionRec::StarsFiled { count: *count },
        Action::Published { on, until, keys, rule } => {
            ActionRec::Published { on: *on, until: *until, keys: keys.clone(), rule: rule.clone() }
        }
        Action::ObjectionRaised { key, on, reason } => ActionRec::ObjectionRaised { key: key.clone(), on: *on, reason: reason.clone() },
        Action::ObjectionDecided { key, upheld, reason } => {
            ActionRec::ObjectionDecided { key: key.clone(), upheld: *upheld, reason: reason.clone() }
        }
        Action::StarPicked { key, reason } => ActionRec::StarPicked { key: key.clone(), reason: reason.clone() },
        Action::PickWithdrawn { key } => ActionRec::PickWithdrawn { key: key.clone() },
        Action::StarReturned { key, to, reason, hash } => {
            ActionRec::StarReturned { key: key.clone(), to: to.clone(), reason: reason.clone(), hash: hash.clone() }
        }
        Action::StarResubmitted { sealed, reason } => ActionRec::StarResubmitted { sealed: sealed.clone(), reason: reason.clone() },
        Action::StarsForwarded { to, sealed } => ActionRec::StarsForwarded { to: to.clone(), sealed: sealed.clone() },
        Action::TokenIssued { id, unit, label, digest } => {
            ActionRec::TokenIssued { id: id.clone(), unit: unit.clone(), label: label.clone(), digest: digest.clone() }
        }
        Action::TokenRevoked { id } => ActionRec::TokenRevoked { id: id.clone() },
    }
}

fn selection_rec(s: &Selection) -> SelectionRec {
    SelectionRec {
        seats: s.seats,
        cap_room: s.cap_room,
        ranking: s
            .ranking
            .iter()
            .map(|r| RankedRec {
                member: r.member.to_string(),
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
        seated: ids(&s.seated),
        runoff: s.runoff.as_ref().map(|r| RunoffRec { seats: r.seats, tied: ids(&r.tied) }),
    }
}

// ---- record → engine -------------------------------------------------------------

/// An id read back: it was checked when it was first recorded, but a store is input
/// too, so an id that could not have been recorded is an error, not a guess.
pub(super) fn unit(text: String) -> Result<UnitId, Invalid> {
    UnitId::parse(&text).map_err(|_| Invalid::Id(text))
}

pub(super) fn member(text: String) -> Result<MemberId, Invalid> {
    MemberId::parse(&text).map_err(|_| Invalid::Id(text))
}

fn members(list: Vec<String>) -> Result<Vec<MemberId>, Invalid> {
    list.into_iter().map(member).collect()
}

pub(super) fn rules_hash(text: String) -> Result<RulesHash, Invalid> {
    hash_hex(&text)?;
    Ok(RulesHash::of_hex(text))
}

fn workflow_hash(text: String) -> Result<WorkflowHash, Invalid> {
    hash_hex(&text)?;
    Ok(WorkflowHash::of_hex(text))
}

fn hash_hex(text: &str) -> Result<(), Invalid> {
    if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(Invalid::Hash(text.to_owned()))
    }
}

pub(super) fn event(r: EventRec) -> Result<Event, Invalid> {
    Ok(Event {
        seq: r.seq,
        who: r.who,
        role: r.role,
        at: r.at,
        rules: r.rules.map(rules_hash).transpose()?,
        actions: r.actions.into_iter().map(action).collect::<Result<_, _>>()?,
    })
}

pub(super) fn witness(w: WitnessRec) -> Witness {
    Witness { expr: w.expr, value: w.value }
}

pub(super) fn action(a: ActionRec) -> Result<Action, Invalid> {
    Ok(match a {
        ActionRec::UnitAdded { unit: u } => Action::UnitAdded {
            unit: Unit { id: unit(u.id)?, name: u.name, kind: u.kind, parent: u.parent.map(unit).transpose()? },
        },
        ActionRec::MembersImported { branch, members: list } => Action::MembersImported {
            branch: unit(branch)?,
            members: list
                .into_iter()
                .map(|m| {
                    Ok(MemberRecord {
                        id: member(m.id)?,
                        name: m.name,
                        identity: m.identity,
                        role: m.role,
                        full: m.full,
                        mobile: m.mobile,
                        last_report: m.last_report,
                    })
                })
                .collect::<Result<_, Invalid>>()?,
        },
        ActionRec::LifeRecorded { member: m, record, note } => {
            Action::LifeRecorded { member: member(m)?, record: LifeRecord { date: record.date, status: record.status.into() }, note }
        }
        ActionRec::FindingRecorded { member: m, finding: f } => Action::FindingRecorded {
            member: member(m)?,
            finding: Finding { clause: f.clause.into(), date: f.date, evidence: f.evidence, open: f.open, until: f.until },
        },
        ActionRec::QuarterOpened { branch, quarter, rules, workflow, state } => Action::QuarterOpened {
            branch: unit(branch)?,
            quarter,
            rules: rules_hash(rules)?,
            workflow: workflow_hash(workflow)?,
            state,
        },
        ActionRec::DeedRegistered { member: m, deed } => {
            Action::DeedRegistered { member: member(m)?, deed: Deed { kind: deed.kind.into(), text: deed.text, date: deed.date } }
        }
        ActionRec::DeedExcused { member: m, reason } => Action::DeedExcused { member: member(m)?, reason },
        ActionRec::MeetingReported { date, superior } => Action::MeetingReported { date, superior: superior.map(unit).transpose()? },
        ActionRec::AttendanceRecorded { member: m, status } => Action::AttendanceRecorded { member: member(m)?, status },
        ActionRec::GuestsRecorded { activists, observers, delegate } => Action::GuestsRecorded { activists, observers, delegate },
        ActionRec::Presented { member: m } => Action::Presented { member: member(m)? },
        ActionRec::Commented { member: m, text } => Action::Commented { member: member(m)?, text },
        ActionRec::RoundOpened { round, seats, candidates, seated, excluded } => Action::RoundOpened {
            round,
            seats,
            candidates: members(candidates)?,
            seated: members(seated)?,
            excluded: excluded
                .into_iter()
                .map(|(m, list)| {
                    let list = list
                        .into_iter()
                        .map(|x| Excluded { rule: x.rule, witnesses: x.witnesses.into_iter().map(witness).collect() })
                        .collect();
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
        ActionRec::Advanced { step, from, to } => Action::Advanced { step, from, to },
        ActionRec::Tallied { round, selection: s } => Action::Tallied { round, selection: selection(s)? },
        ActionRec::LedgerWritten { stars, superior } => {
            Action::LedgerWritten { stars: members(stars)?, superior: superior.map(unit).transpose()? }
        }
        ActionRec::RulesAdopted { from, to } => Action::RulesAdopted { from: rules_hash(from)?, to: rules_hash(to)? },
        ActionRec::StarsPulled { from, received } => Action::StarsPulled { from, received },
        ActionRec::StarReceived { from, sealed, recommended } => Action::StarReceived { from, sealed, recommended },
        ActionRec::StarsFiled { count } => Action::StarsFiled { count },
        ActionRec::Published { on, until, keys, rule } => Action::Published { on, until, keys, rule },
        ActionRec::ObjectionRaised { key, on, reason } => Action::ObjectionRaised { key, on, reason },
        ActionRec::ObjectionDecided { key, upheld, reason } => Action::ObjectionDecided { key, upheld, reason },
        ActionRec::StarPicked { key, reason } => Action::StarPicked { key, reason },
        ActionRec::PickWithdrawn { key } => Action::PickWithdrawn { key },
        ActionRec::StarReturned { key, to, reason, hash } => Action::StarReturned { key, to, reason, hash },
        ActionRec::StarResubmitted { sealed, reason } => Action::StarResubmitted { sealed, reason },
        ActionRec::StarsForwarded { to, sealed } => Action::StarsForwarded { to, sealed },
        ActionRec::TokenIssued { id, unit, label, digest } => Action::TokenIssued { id, unit, label, digest },
        ActionRec::TokenRevoked { id } => Action::TokenRevoked { id },
    })
}

pub(super) fn selection(s: SelectionRec) -> Result<Selection, Invalid> {
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
