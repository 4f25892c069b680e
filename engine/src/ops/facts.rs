//! What the operations reuse between calls: states folded from their logs (kept while
//! the log has not grown, extended in place when it has) and the facts of a quarter
//! with every member's standing under its rules (kept while neither the roster nor
//! the quarter has changed): the members on the roster on the meeting date, with
//! their particulars that day. Each kind is kept for a bounded number of scopes, the
//! least recently used dropped first ([`FOLDS_KEPT`], [`FACTS_KEPT`]), so a process
//! that reads many branches (a level of the chain, the server) stays within bounds.

use crate::domain::Quarter;
use crate::entity::Unit;
use crate::facts::{BranchFacts, MeetingFacts, MemberFacts, QuarterFacts};
use crate::rules::{RuleSet, Scope as RuleScope, Standing};
use crate::state::level::LevelState;
use crate::state::org::{OrgTree, Roster};
use crate::state::quarter::QuarterState;
use crate::state::Fold;
use super::life;
use crate::store::cache::Lru;
use crate::store::Scope;
use chrono::NaiveDate;
use std::sync::{Arc, Mutex, OnceLock};

/// How many states of each kind (rosters, quarters, levels) are kept folded.
pub const FOLDS_KEPT: usize = 256;
/// How many quarters' facts are kept.
pub const FACTS_KEPT: usize = 32;

pub(crate) type Slot<T> = Mutex<Lru<Scope, (usize, Arc<T>)>>;

type FactsEntry = (Arc<Roster>, Arc<QuarterState>, NaiveDate, Arc<FactSet>);

/// Folded states per scope, and facts per quarter.
pub(crate) struct Folds {
    pub orgs: Slot<OrgTree>,
    pub rosters: Slot<Roster>,
    pub quarters: Slot<QuarterState>,
    pub levels: Slot<LevelState>,
    facts: Mutex<Lru<Scope, FactsEntry>>,
}

impl Default for Folds {
    fn default() -> Folds {
        fn slot<T>() -> Slot<T> {
            Mutex::new(Lru::new(FOLDS_KEPT))
        }
        Folds { orgs: slot(), rosters: slot(), quarters: slot(), levels: slot(), facts: Mutex::new(Lru::new(FACTS_KEPT)) }
    }
}

impl Folds {
    /// The state folded from `events`: the cached one when the log has not grown,
    /// else the cached one with the new events applied (in place when nobody else
    /// holds it, as is the case between two commands). The store's logs only ever
    /// grow, and only through this process.
    pub fn get<T: Fold>(slot: &Slot<T>, scope: &Scope, events: &[crate::event::Event]) -> Arc<T> {
        let mut map = slot.lock().unwrap_or_else(|e| e.into_inner());
        let (n, mut state) = map.remove(scope).unwrap_or_default();
        let from = if n > events.len() {
            state = Arc::default();
            0
        } else {
            n
        };
        if from < events.len() {
            let s = Arc::make_mut(&mut state);
            for event in &events[from..] {
                s.apply(event);
            }
        }
        map.insert(scope.clone(), (events.len(), state.clone()), 1);
        state
    }

    /// The facts of a branch's quarter as of `today` (the meeting date until one is
    /// reported), reused while neither the roster nor the quarter has changed.
    pub fn facts(&self, scope: &Scope, unit: &Unit, roster: &Arc<Roster>, q: &Arc<QuarterState>, quarter: Quarter, today: NaiveDate) -> Arc<FactSet> {
        let mut cache = self.facts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((r, s, day, facts)) = cache.get(scope) {
            if Arc::ptr_eq(r, roster) && Arc::ptr_eq(s, q) && *day == today {
                return facts.clone();
            }
        }
        let facts = Arc::new(FactSet::build(unit, roster, q, quarter, today));
        cache.insert(scope.clone(), (roster.clone(), q.clone(), today, facts.clone()), 1);
        facts
    }
}

/// The facts of a branch's quarter, ready to hand to the rules.
pub struct FactSet {
    pub branch: BranchFacts,
    pub meeting: MeetingFacts,
    pub quarter: QuarterFacts,
    /// The quota and each member's standing (in roster order), computed once.
    standings: OnceLock<(i64, Vec<Standing>)>,
}

impl FactSet {
    pub fn scope(&self) -> RuleScope<'_> {
        RuleScope { branch: &self.branch, meeting: &self.meeting, quarter: &self.quarter }
    }

    /// The quota and every member's standing under `rules`: exclusions by the fast
    /// path, the rest without witnesses.
    pub(crate) fn standings(&self, rules: &RuleSet) -> &(i64, Vec<Standing>) {
        self.standings.get_or_init(|| {
            let scope = self.scope();
            let quota = rules.quota(scope).value;
            let prepared = rules.prepare(scope);
            let list = self.branch.members.iter().map(|m| rules.standing(scope, quota, m, prepared.is_excluded(m))).collect();
            (quota, list)
        })
    }

    pub(crate) fn member(&self, id: &str) -> Option<&MemberFacts> {
        self.branch.members.iter().find(|m| m.id == id)
    }

    fn build(unit: &Unit, roster: &Roster, q: &QuarterState, quarter: Quarter, today: NaiveDate) -> FactSet {
        // The members on the roster on the meeting date (today until it is reported),
        // with their role and category as of that day.
        let day = q.meeting.as_ref().map(|m| m.date).unwrap_or(today);
        let sessions = roster.sessions();
        let members = roster
            .on(day)
            .map(|m| MemberFacts {
                id: m.id.to_string(),
                name: m.name.clone(),
                identity: m.identity.as_str().into(),
                role: m.role.as_str().into(),
                full: m.full,
                mobile: m.mobile || life::away_now(roster, &m, day),
                last_report: life::last_report(roster, &m),
                life: life::entries(roster, &sessions, &m.id),
                silences: life::silences(roster, &m),
                findings: roster.findings.get(&m.id).cloned().unwrap_or_default(),
                deeds: q.deeds.get(&m.id).cloned().unwrap_or_default(),
                no_deed_reason: q.excuses.get(&m.id).cloned(),
                meeting: q.attendance.get(&m.id).map(|s| s.as_str().into()),
                presented: q.presented.contains(&m.id),
                presentation: q.presentation_forms.get(&m.id).map(|f| f.as_str().into()),
                standings: roster.standing_facts(m.id.as_str()),
                standing: crate::facts::standing_on(&roster.standing_facts(m.id.as_str()), day),
                commented: q.comments.contains_key(&m.id),
            })
            .collect();
        let round = q.open_round();
        FactSet {
            branch: BranchFacts { id: unit.id.to_string(), name: unit.name.clone(), sessions: life::sessions(roster, &sessions), members },
            meeting: MeetingFacts {
                date: day,
                reported: q.meeting.is_some(),
                reported_on: q.meeting.as_ref().map(|m| m.reported_on),
                activists: q.guests.activists.len() as i64,
                observers: q.guests.observers.len() as i64,
                delegate: q.guests.delegate.is_some(),
                ballots: round.map(|r| r.figures().returned).unwrap_or(0),
                round: round.map(|r| r.round).unwrap_or(0),
                issued: round.map(|r| r.figures().issued).unwrap_or(0),
                returned: round.map(|r| r.figures().returned).unwrap_or(0),
                invalid: round.map(|r| r.figures().invalid).unwrap_or(0),
                voters: round.map(|r| r.voters.unwrap_or(r.figures().issued)).unwrap_or(0),
            },
            quarter: QuarterFacts { id: quarter.to_string(), start: quarter.start(), end: quarter.end() },
            standings: OnceLock::new(),
        }
    }
}
