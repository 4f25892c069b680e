//! Organizational life as sessions, and mobile members' time away: the operations
//! that record them (`life session|add|import|away|back|report`) and what the facts
//! of a quarter make of them — a member's `life` (every session of the branch, with
//! the member's status), the branch's `sessions` (with who has no status), and a
//! member's `silences` (stretches away without a report).
//!
//! Nothing here knows what counts: which kinds of session there are, which status is
//! an absence, how long a silence may last and over which look-back are the rules'.

use super::{member_ref, Archive, Plan, Shine};
use crate::domain::{Actor, MemberId, UnitId};
use crate::entity::MemberRecord;
use crate::event::Action;
use crate::facts::{LifeEntry, LifeRecord, SessionFacts, Silence, Sym};
use crate::refusal::{text, Kind, Refusal, Result, Text};
use crate::state::org::{Roster, Session};
use crate::store::Scope;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// One row of organizational-life attendance: who, the record, the secretary's note,
/// and — when the row names it — the session's kind and whether the branch records
/// absences only at it.
#[derive(Debug, Clone)]
pub struct LifeRow {
    /// A member id or name.
    pub member: String,
    pub record: LifeRecord,
    pub note: String,
    pub kind: Option<String>,
    pub absences_only: bool,
}

impl Shine {
    /// Record organizational-life attendance (member, record, note), all or none (one
    /// record or a whole import). A record the member already has is not recorded
    /// again, so importing the same file twice changes nothing; a record for a date
    /// already recorded corrects it. Returns how many records were new.
    pub fn record_life(&self, actor: &Actor, records: Vec<(String, LifeRecord, String)>) -> Result<usize> {
        let rows = records.into_iter().map(|(member, record, note)| super::life::LifeRow { member, record, note, kind: None, absences_only: false }).collect();
        self.record_life_rows(actor, rows)
    }

    /// Record one session of a branch's organizational life. A session recorded again
    /// as it is changes nothing; with another kind or absences-only flag, it is
    /// corrected. Returns whether anything was written.
    pub fn record_session(&self, actor: &Actor, branch: &str, date: NaiveDate, kind: &str, absences_only: bool) -> Result<bool> {
        let _write = self.store().exclusive();
        let tree = self.org()?;
        let unit = self.branch_unit(&tree, branch)?;
        let rules = self.current_rules();
        let kind = super::org::check_enum(&rules, "session", "kind", kind)?;
        let session = Session { kind: Some(kind.as_str().into()), absences_only };
        if self.roster(&unit.id)?.sessions.get(&date) == Some(&session) {
            return Ok(false);
        }
        let hash = crate::domain::RulesHash::of_hex(rules.hash().to_owned());
        let action = Action::SessionRecorded { branch: unit.id.clone(), date, kind, absences_only };
        self.commit(actor, Plan::event(Scope::Branch(unit.id), Some(&hash), vec![action]))?;
        Ok(true)
    }

    /// Record organizational-life attendance, all or none (one row or a whole import).
    /// A row that names a kind records its session too (once per branch and date; two
    /// kinds for one session in the same rows are refused). A record the member
    /// already has is not recorded again, so importing the same file twice changes
    /// nothing; a record for a date already recorded corrects it. Returns how many
    /// attendance records were new.
    pub fn record_life_rows(&self, actor: &Actor, rows: Vec<LifeRow>) -> Result<usize> {
        let _write = self.store().exclusive();
        let rules = self.current_rules();
        let n = rows.len();
        let mut by_branch: BTreeMap<UnitId, Vec<Action>> = BTreeMap::new();
        let mut ids: HashMap<String, (UnitId, MemberId)> = HashMap::new();
        let mut sessions: HashMap<(UnitId, NaiveDate), String> = HashMap::new();
        let mut new = 0;
        for (i, row) in rows.into_iter().enumerate() {
            let at_row = |e: Refusal| if n > 1 { Refusal::new(Kind::RowRejected { row: i + 1, problem: e.kind }) } else { e };
            let LifeRow { member: query, mut record, note, kind, absences_only } = row;
            let note = text(Text::LifeNote, &note).map_err(at_row)?;
            let (branch, member) = match ids.get(&query) {
                Some(found) => found.clone(),
                None => {
                    let (b, m) = self.find_member(&query).map_err(at_row)?;
                    ids.insert(query.clone(), (b.clone(), m.id.clone()));
                    (b, m.id)
                }
            };
            record.status = super::org::check_enum(&rules, "life", "status", record.status.as_str()).map_err(at_row)?.into();
            let roster = self.roster(&branch)?;
            if let Some(kind) = kind {
                let kind = super::org::check_enum(&rules, "session", "kind", &kind).map_err(at_row)?;
                match sessions.get(&(branch.clone(), record.date)) {
                    Some(first) if *first != kind => {
                        let tree = self.org()?;
                        let problem = Kind::SessionKindTwice { branch: Archive::unit_ref(&tree, branch.as_str()), date: record.date, first: first.clone(), second: kind };
                        return Err(at_row(problem.into()));
                    }
                    Some(_) => {}
                    None => {
                        sessions.insert((branch.clone(), record.date), kind.clone());
                        let session = Session { kind: Some(kind.as_str().into()), absences_only };
                        if roster.sessions.get(&record.date) != Some(&session) {
                            let action = Action::SessionRecorded { branch: branch.clone(), date: record.date, kind, absences_only };
                            by_branch.entry(branch.clone()).or_default().push(action);
                        }
                    }
                }
            }
            let known = roster.life.get(&member).is_some_and(|l| l.contains(&record));
            let actions = by_branch.entry(branch).or_default();
            let repeated = actions.iter().any(|a| matches!(a, Action::LifeRecorded { member: m, record: r, .. } if *m == member && *r == record));
            if !known && !repeated {
                actions.push(Action::LifeRecorded { member, record, note });
                new += 1;
            }
        }
        let hash = crate::domain::RulesHash::of_hex(rules.hash().to_owned());
        let mut plan = Plan::default();
        for (branch, actions) in by_branch {
            if !actions.is_empty() {
                plan = plan.and_event(Scope::Branch(branch), Some(&hash), actions);
            }
        }
        self.commit(actor, plan)?;
        Ok(new)
    }

    /// Record that a member went away (外出) on `from`, and, if known, came back on
    /// `to`. The same period recorded again changes nothing. Returns whether anything
    /// was written.
    pub fn record_away(&self, actor: &Actor, member: &str, from: NaiveDate, to: Option<NaiveDate>) -> Result<bool> {
        let _write = self.store().exclusive();
        let (branch, m) = self.find_member(member)?;
        let roster = self.roster(&branch)?;
        if let Some(to) = to.filter(|to| *to < from) {
            return Err(Kind::AwayEndsBeforeStart { member: member_ref(&roster, m.id.as_str()), from, to }.into());
        }
        if roster.away.get(&m.id).and_then(|p| p.get(&from)) == Some(&to) {
            return Ok(false);
        }
        self.write_member(actor, branch, Action::AwayRecorded { member: m.id, from, to })
    }

    /// Record that a member came back on `on`: it ends the away period they were in.
    pub fn record_back(&self, actor: &Actor, member: &str, on: NaiveDate) -> Result<bool> {
        let _write = self.store().exclusive();
        let (branch, m) = self.find_member(member)?;
        let roster = self.roster(&branch)?;
        match roster.away.get(&m.id).and_then(|p| p.range(..=on).next_back()) {
            Some((_, Some(to))) if *to == on => Ok(false),
            Some((_, to)) if to.is_none_or(|t| t > on) => self.write_member(actor, branch, Action::BackRecorded { member: m.id, on }),
            _ => Err(Kind::NotAway { member: member_ref(&roster, m.id.as_str()), on }.into()),
        }
    }

    /// Record a member's report (报到) to their Party organization on `on`.
    pub fn record_report(&self, actor: &Actor, member: &str, on: NaiveDate) -> Result<bool> {
        let _write = self.store().exclusive();
        let (branch, m) = self.find_member(member)?;
        if self.roster(&branch)?.reports.get(&m.id).is_some_and(|r| r.contains(&on)) {
            return Ok(false);
        }
        self.write_member(actor, branch, Action::ReportRecorded { member: m.id, on })
    }

    fn write_member(&self, actor: &Actor, branch: UnitId, action: Action) -> Result<bool> {
        let hash = crate::domain::RulesHash::of_hex(self.current_rules().hash().to_owned());
        self.commit(actor, Plan::event(Scope::Branch(branch), Some(&hash), vec![action]))?;
        Ok(true)
    }
}

// ---- what the facts make of them ------------------------------------------------------

/// The member's `life`: every session of the branch, oldest first, with the status
/// recorded for the member, if any.
pub(crate) fn entries(roster: &Roster, sessions: &BTreeMap<NaiveDate, Session>, member: &MemberId) -> Vec<LifeEntry> {
    let records = roster.life.get(member).map(Vec::as_slice).unwrap_or_default();
    let tenure = roster.tenure(member.as_str());
    let on_roster = |date: &NaiveDate| tenure.is_none_or(|t| t.on(*date));
    // The branch's sessions while the member was on its roster …
    let mut entries: Vec<LifeEntry> = sessions
        .iter()
        .filter(|(date, _)| on_roster(date))
        .map(|(date, session)| {
            let status = records.binary_search_by(|r| r.date.cmp(date)).ok().map(|i| records[i].status);
            LifeEntry { date: *date, kind: session.kind, status: status.unwrap_or_else(|| Sym::from("")), recorded: status.is_some(), absences_only: session.absences_only }
        })
        .collect();
    // … and, before that, their own records brought along by a transfer (the sessions
    // of the branch they were on then).
    entries.extend(records.iter().filter(|r| !on_roster(&r.date)).map(|r| LifeEntry {
        date: r.date,
        kind: None,
        status: r.status,
        recorded: true,
        absences_only: false,
    }));
    entries.sort_by_key(|e| e.date);
    entries
}

/// The branch's `sessions`, oldest first, each with the members of the roster who
/// have no status at it.
pub(crate) fn sessions(roster: &Roster, sessions: &BTreeMap<NaiveDate, Session>) -> Vec<SessionFacts> {
    sessions
        .iter()
        .map(|(date, session)| {
            let missing: Vec<&MemberRecord> = roster
                .members
                .iter()
                .filter(|m| roster.tenure(m.id.as_str()).is_none_or(|t| t.on(*date)))
                .filter(|m| roster.life.get(&m.id).is_none_or(|l| l.binary_search_by(|r| r.date.cmp(date)).is_err()))
                .collect();
            SessionFacts {
                date: *date,
                kind: session.kind,
                absences_only: session.absences_only,
                missing: missing.len() as i64,
                missing_names: missing.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(" "),
            }
        })
        .collect()
}

/// The member's away periods (first day → day back): their own records; for a member
/// with none whom the roster marks mobile (the `mobile` column of older imports), one
/// period still open, from their last report (`last_report` column) or else from the
/// day the roster first said so.
fn away_periods(roster: &Roster, m: &MemberRecord) -> BTreeMap<NaiveDate, Option<NaiveDate>> {
    match roster.away.get(&m.id) {
        Some(periods) if !periods.is_empty() => periods.clone(),
        _ => match (m.mobile, m.last_report.or_else(|| roster.mobile_since.get(&m.id).copied())) {
            (true, Some(from)) => BTreeMap::from([(from, None)]),
            _ => BTreeMap::new(),
        },
    }
}

/// The member's reports, with the roster's `last_report` column as one of them.
fn reports(roster: &Roster, m: &MemberRecord) -> Vec<NaiveDate> {
    let mut all: Vec<NaiveDate> = roster.reports.get(&m.id).map(|r| r.iter().copied().collect()).unwrap_or_default();
    if let Some(d) = m.last_report {
        if let Err(at) = all.binary_search(&d) {
            all.insert(at, d);
        }
    }
    all
}

/// The member is away on `on`: an away period covers it.
pub(crate) fn away_now(roster: &Roster, m: &MemberRecord, on: NaiveDate) -> bool {
    away_periods(roster, m).range(..=on).next_back().is_some_and(|(_, to)| to.is_none_or(|t| t > on))
}

/// The member's latest report, for rule sets that read `member.last_report`.
pub(crate) fn last_report(roster: &Roster, m: &MemberRecord) -> Option<NaiveDate> {
    reports(roster, m).last().copied()
}

/// The member's stretches away without a report, oldest first: each away period cut
/// at every report inside it.
pub(crate) fn silences(roster: &Roster, m: &MemberRecord) -> Vec<Silence> {
    let reports = reports(roster, m);
    let mut out = Vec::new();
    for (away, back) in away_periods(roster, m) {
        let (mut from, mut last) = (away, None);
        for r in reports.iter().copied().filter(|r| *r >= away && back.is_none_or(|b| *r <= b)) {
            if r > from {
                out.push(Silence { away, last_report: last, from, to: Some(r) });
            }
            (from, last) = (r, Some(r));
        }
        if back.is_none_or(|b| b > from) {
            out.push(Silence { away, last_report: last, from, to: back });
        }
    }
    out
}
