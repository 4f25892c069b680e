//! Version 0: the records written before the log had versions (the code up to
//! commit 941d2ef). Read only; nothing writes them any more.
//!
//! They differ from version 1 in five actions, decoded here; every other action had
//! the same JSON then as in version 1 and is read as version 1 reads it:
//! - `quarter_opened` carried the quarter's dates (derived from the quarter now) and
//!   was followed, in the same event, by `advanced` with step `open` from `""` into
//!   the workflow's start state; the two become one `QuarterOpened` with that state.
//! - `meeting_reported` and `ledger_written` wrote `""` for "no superior".
//! - `round_opened` kept each exclusion as the whole decision, with the rule's text
//!   and its witnesses' values rendered to text; the rule's name and the witnesses
//!   are kept, the values as recorded text.

use super::v1::{self, ActionRec};
use super::Invalid;
use crate::domain::{Quarter, Timestamp};
use crate::event::{Action, Event, Excluded};
use chrono::NaiveDate;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub(super) struct EventRec {
    seq: u64,
    who: String,
    role: String,
    at: String,
    #[serde(default)]
    rules: Option<String>,
    actions: Vec<serde_json::Value>,
}

/// The actions whose JSON changed in version 1.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Changed {
    QuarterOpened {
        branch: String,
        quarter: String,
        // `start` and `end` were the quarter's dates: derived from the quarter now.
        rules: String,
        workflow: String,
    },
    MeetingReported {
        date: NaiveDate,
        superior: String,
    },
    LedgerWritten {
        stars: Vec<String>,
        superior: String,
    },
    RoundOpened {
        round: i64,
        seats: i64,
        candidates: Vec<String>,
        seated: Vec<String>,
        #[serde(default)]
        excluded: Vec<(String, Vec<DecisionRec>)>,
    },
}

#[derive(Debug, Deserialize)]
struct DecisionRec {
    rule: RuleInfoRec,
    witnesses: Vec<v1::WitnessRec<'static>>,
}

#[derive(Debug, Deserialize)]
struct RuleInfoRec {
    name: String,
}

const CHANGED: [&str; 4] = ["quarter_opened", "meeting_reported", "ledger_written", "round_opened"];

fn superior(text: String) -> Result<Option<crate::domain::UnitId>, Invalid> {
    if text.is_empty() {
        Ok(None)
    } else {
        v1::unit(text.into()).map(Some)
    }
}

pub(super) fn event(r: EventRec) -> Result<Event, Invalid> {
    let at = Timestamp::parse(&r.at).ok_or_else(|| Invalid::Time(r.at.clone()))?;
    let mut actions: Vec<Action> = Vec::with_capacity(r.actions.len());
    for value in r.actions {
        let kind = value.get("type").and_then(|t| t.as_str()).unwrap_or_default().to_owned();
        let action = if CHANGED.contains(&kind.as_str()) {
            changed(serde_json::from_value(value).map_err(|e| Invalid::Shape(e.to_string()))?)?
        } else {
            let rec: ActionRec = serde_json::from_value(value).map_err(|e| Invalid::Shape(e.to_string()))?;
            v1::action(rec)?
        };
        // The opening's move into the start state joins the opening.
        if let (Action::Advanced { step, from, to }, Some(Action::QuarterOpened { state, .. })) = (&action, actions.last_mut()) {
            if step == "open" && from.is_empty() && state.is_empty() {
                state.clone_from(to);
                continue;
            }
        }
        actions.push(action);
    }
    Ok(Event { seq: r.seq, who: r.who, role: r.role, at, rules: r.rules.map(|h| v1::rules_hash(h.into())).transpose()?, actions })
}

fn changed(c: Changed) -> Result<Action, Invalid> {
    Ok(match c {
        Changed::QuarterOpened { branch, quarter, rules, workflow, .. } => {
            let quarter: Quarter = quarter.parse().map_err(|_| Invalid::Quarter(quarter))?;
            Action::QuarterOpened {
                branch: v1::unit(branch.into())?,
                quarter,
                rules: v1::rules_hash(rules.into())?,
                workflow: v1::workflow_hash(workflow.into())?,
                state: String::new(),
            }
        }
        Changed::MeetingReported { date, superior: s } => Action::MeetingReported { date, superior: superior(s)? },
        Changed::LedgerWritten { stars, superior: s } => Action::LedgerWritten {
            stars: v1::members(stars.into_iter().map(Into::into).collect())?,
            superior: superior(s)?,
        },
        Changed::RoundOpened { round, seats, candidates, seated, excluded } => Action::RoundOpened {
            round,
            seats,
            candidates: v1::members(candidates.into_iter().map(Into::into).collect())?,
            seated: v1::members(seated.into_iter().map(Into::into).collect())?,
            excluded: excluded
                .into_iter()
                .map(|(m, decisions)| {
                    let list = decisions
                        .into_iter()
                        .map(|d| Excluded {
                            rule: d.rule.name,
                            witnesses: d.witnesses.into_iter().map(v1::witness).collect(),
                        })
                        .collect();
                    Ok((v1::member(m.into())?, list))
                })
                .collect::<Result<_, Invalid>>()?,
        },
    })
}
