//! One branch's quarter, folded from the `quarter/<branch>/<quarter>` events: where
//! it stands in the workflow and every record made in it. Also turns a quarter id
//! such as `2026Q4` into its dates.

use crate::event::{Action, Event};
use crate::facts::Deed;
use crate::tally::Selection;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One ballot round: the recommendation (round 1) or a runoff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    pub round: i64,
    pub seats: i64,
    pub candidates: Vec<String>,
    /// Stars seated before this round.
    pub seated_before: Vec<String>,
    /// The exclusions as decided when the ballot was fixed (round 1 only).
    #[serde(default)]
    pub excluded: Vec<(String, Vec<crate::rules::Decision<bool>>)>,
    pub voted: BTreeSet<String>,
    /// Paper ballots: how many ballots, and votes per candidate.
    pub totals: Option<(i64, Vec<(String, i64)>)>,
    pub selection: Option<Selection>,
}

/// Who besides members attended the special meeting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guests {
    pub activists: Vec<String>,
    pub observers: Vec<String>,
    pub delegate: Option<String>,
}

/// Everything recorded in one branch's quarter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarterState {
    pub branch: String,
    pub quarter: String,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    /// Hash of the rule set the quarter runs under.
    pub rules: String,
    pub workflow: String,
    pub state: String,
    pub deeds: BTreeMap<String, Vec<Deed>>,
    pub excuses: BTreeMap<String, String>,
    pub meeting: Option<(NaiveDate, String)>,
    pub attendance: BTreeMap<String, String>,
    pub guests: Guests,
    pub presented: BTreeSet<String>,
    pub comments: BTreeMap<String, String>,
    pub rounds: Vec<Round>,
    pub stars: Vec<String>,
    pub reported_to: Option<String>,
}

impl QuarterState {
    pub fn fold(events: &[Event]) -> QuarterState {
        let mut q = QuarterState::default();
        for event in events {
            for action in &event.actions {
                q.apply(action);
            }
        }
        q
    }

    pub fn apply(&mut self, action: &Action) {
        match action {
            Action::QuarterOpened { branch, quarter, start, end, rules, workflow } => {
                self.branch = branch.clone();
                self.quarter = quarter.clone();
                self.start = Some(*start);
                self.end = Some(*end);
                self.rules = rules.clone();
                self.workflow = workflow.clone();
            }
            Action::DeedRegistered { member, deed } => {
                self.deeds.entry(member.clone()).or_default().push(deed.clone());
            }
            Action::DeedExcused { member, reason } => {
                self.excuses.insert(member.clone(), reason.clone());
            }
            Action::MeetingReported { date, superior } => self.meeting = Some((*date, superior.clone())),
            Action::AttendanceRecorded { member, status } => {
                self.attendance.insert(member.clone(), status.clone());
            }
            Action::GuestsRecorded { activists, observers, delegate } => {
                self.guests = Guests {
                    activists: activists.clone(),
                    observers: observers.clone(),
                    delegate: delegate.clone(),
                };
            }
            Action::Presented { member } => {
                self.presented.insert(member.clone());
            }
            Action::Commented { member, text } => {
                self.comments.insert(member.clone(), text.clone());
            }
            Action::RoundOpened { round, seats, candidates, seated, excluded } => self.rounds.push(Round {
                round: *round,
                seats: *seats,
                candidates: candidates.clone(),
                seated_before: seated.clone(),
                excluded: excluded.clone(),
                voted: BTreeSet::new(),
                totals: None,
                selection: None,
            }),
            Action::Voted { member, round } => {
                if let Some(r) = self.rounds.iter_mut().find(|r| r.round == *round) {
                    r.voted.insert(member.clone());
                }
            }
            Action::TotalsEntered { round, ballots, votes } => {
                if let Some(r) = self.rounds.iter_mut().find(|r| r.round == *round) {
                    r.totals = Some((*ballots, votes.clone()));
                }
            }
            Action::Tallied { round, selection } => {
                if let Some(r) = self.rounds.iter_mut().find(|r| r.round == *round) {
                    self.stars = r.seated_before.iter().chain(&selection.seated).cloned().collect();
                    r.selection = Some(selection.clone());
                }
            }
            Action::Advanced { to, .. } => self.state = to.clone(),
            Action::LedgerWritten { stars, superior } => {
                self.stars = stars.clone();
                self.reported_to = Some(superior.clone());
            }
            Action::RulesAdopted { to, .. } => {
                self.rules = to.clone();
            }
            // Other scopes' actions: the organization, rosters, the chain, credentials.
            _ => {}
        }
    }

    /// The round being voted on: the last one, if it has not been tallied.
    pub fn open_round(&self) -> Option<&Round> {
        self.rounds.last().filter(|r| r.selection.is_none())
    }
}

/// The first and last day of a quarter written `2026Q4`, `2026-Q4` or `2026q4`.
pub fn quarter_dates(id: &str) -> Option<(String, NaiveDate, NaiveDate)> {
    let cleaned = id.trim().to_ascii_uppercase().replace('-', "");
    let (year, q) = cleaned.split_once('Q')?;
    let year: i32 = year.parse().ok()?;
    let q: u32 = q.parse().ok()?;
    if !(1..=4).contains(&q) || !(2000..=2200).contains(&year) {
        return None;
    }
    let start = NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1)?;
    let next = if q == 4 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, q * 3 + 1, 1)?
    };
    let end = next.pred_opt()?;
    Some((format!("{year}Q{q}"), start, end))
}

/// The quarter a date falls in, as `2026Q4`.
pub fn quarter_of(date: NaiveDate) -> String {
    format!("{}Q{}", date.year(), (date.month() - 1) / 3 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_ids_parse_to_their_dates() {
        let (id, start, end) = quarter_dates("2026-q4").expect("valid");
        assert_eq!(id, "2026Q4");
        assert_eq!(start, NaiveDate::from_ymd_opt(2026, 10, 1).expect("date"));
        assert_eq!(end, NaiveDate::from_ymd_opt(2026, 12, 31).expect("date"));
        assert_eq!(quarter_dates("2026Q1").map(|q| q.2), NaiveDate::from_ymd_opt(2026, 3, 31));
        assert!(quarter_dates("2026Q5").is_none());
        assert!(quarter_dates("第四季度").is_none());
    }
}
