//! One level's quarter in the chain, folded from the `chain/<unit>/<quarter>` events:
//! the stars it holds (with every version received), its publication and the
//! objections raised in the window, its picks, what it returned and what it forwarded.

use super::Fold;
use crate::domain::Timestamp;
use crate::event::{Action, Event};
use crate::star::Sealed;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// Where a held star stands at this level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Standing {
    /// Held and in play.
    Held,
    /// Sent back to the unit it came from for correction; waits for a new version.
    Returned { reason: String },
    /// An objection against it was upheld: it goes no further.
    Withdrawn { reason: String },
}

/// A star this level holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Held {
    /// The unit it came from (a unit id, or for another instance the address pulled).
    pub from: String,
    /// The sending level picked it (or the sending level picks nothing): this level may pick it.
    pub recommended: bool,
    /// The version now held.
    pub sealed: Sealed,
    /// Every version received, oldest first, with the reason each was returned.
    pub versions: Vec<(Sealed, Option<String>)>,
    pub standing: Standing,
}

/// The objection window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Publication {
    pub on: NaiveDate,
    /// Last day on which an objection may be raised.
    pub until: NaiveDate,
    pub keys: Vec<String>,
    pub rule: String,
}

impl Publication {
    pub fn closed(&self, today: NaiveDate) -> bool {
        today > self.until
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Objection {
    pub key: String,
    pub on: NaiveDate,
    pub reason: String,
    pub by: String,
    /// Once the level decided: upheld or dismissed, and why.
    pub decision: Option<Decision>,
}

/// How an objection was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub upheld: bool,
    pub reason: String,
}

/// What this level sent upward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Forwarded {
    pub at: Timestamp,
    pub to: String,
    pub sealed: Vec<Sealed>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Return {
    pub key: String,
    /// The unit it went back to: a unit id, or for another instance the address pulled.
    pub to: String,
    pub reason: String,
    pub at: Timestamp,
    /// Content hash of the version returned: the return stands until a newer one is sent.
    pub hash: String,
}

/// A level's quarter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LevelState {
    /// Keyed by [`crate::star::StarRecord::key`]; `order` keeps arrival order.
    pub held: BTreeMap<String, Held>,
    pub order: Vec<String>,
    pub pulls: usize,
    pub filed: Option<Timestamp>,
    pub publication: Option<Publication>,
    pub objections: Vec<Objection>,
    /// Picked keys with the written reason, in the order picked.
    pub picks: Vec<(String, String)>,
    pub returns: Vec<Return>,
    /// New versions of this level's own stars, made after a return, by key.
    pub resubmitted: BTreeMap<String, Sealed>,
    pub forwarded: Option<Forwarded>,
    /// Why the level picked fewer than its `in principle` pick rule expects.
    pub no_pick_reason: Option<String>,
}

impl Fold for LevelState {
    fn apply(&mut self, event: &Event) {
        for action in &event.actions {
            self.apply_action(action, event);
        }
    }
}

impl LevelState {
    fn apply_action(&mut self, action: &Action, event: &Event) {
        match action {
            Action::StarsPulled { .. } => self.pulls += 1,
            Action::StarReceived { from, sealed, recommended } => {
                let key = sealed.record.key();
                match self.held.get_mut(&key) {
                    Some(held) => {
                        held.versions.push((sealed.clone(), None));
                        held.sealed = sealed.clone();
                        held.from = from.clone();
                        held.recommended = *recommended;
                        held.standing = Standing::Held;
                    }
                    None => {
                        self.order.push(key.clone());
                        self.held.insert(key, Held {
                            from: from.clone(),
                            recommended: *recommended,
                            sealed: sealed.clone(),
                            versions: vec![(sealed.clone(), None)],
                            standing: Standing::Held,
                        });
                    }
                }
            }
            Action::StarsFiled { .. } => self.filed = Some(event.at),
            Action::Published { on, until, keys, rule } => {
                self.publication = Some(Publication { on: *on, until: *until, keys: keys.clone(), rule: rule.clone() });
            }
            Action::ObjectionRaised { key, on, reason } => self.objections.push(Objection {
                key: key.clone(),
                on: *on,
                reason: reason.clone(),
                by: event.who.clone(),
                decision: None,
            }),
            Action::ObjectionDecided { key, upheld, reason } => {
                if let Some(o) = self.objections.iter_mut().find(|o| &o.key == key && o.decision.is_none()) {
                    o.decision = Some(Decision { upheld: *upheld, reason: reason.clone() });
                }
                if *upheld {
                    if let Some(held) = self.held.get_mut(key) {
                        held.standing = Standing::Withdrawn { reason: reason.clone() };
                    }
                    self.picks.retain(|(k, _)| k != key);
                }
            }
            Action::StarPicked { key, reason } => {
                self.picks.retain(|(k, _)| k != key);
                self.picks.push((key.clone(), reason.clone()));
            }
            Action::PickWithdrawn { key } => self.picks.retain(|(k, _)| k != key),
            Action::StarReturned { key, to, reason, hash } => {
                if let Some(held) = self.held.get_mut(key) {
                    held.standing = Standing::Returned { reason: reason.clone() };
                    if let Some(last) = held.versions.last_mut() {
                        last.1 = Some(reason.clone());
                    }
                }
                self.picks.retain(|(k, _)| k != key);
                self.returns.push(Return {
                    key: key.clone(),
                    to: to.clone(),
                    reason: reason.clone(),
                    at: event.at,
                    hash: hash.clone(),
                });
            }
            Action::StarResubmitted { sealed, .. } => {
                self.resubmitted.insert(sealed.record.key(), sealed.clone());
            }
            Action::StarsForwarded { to, sealed } => {
                self.forwarded = Some(Forwarded { at: event.at, to: to.clone(), sealed: sealed.clone() });
            }
            Action::NoPickReasoned { reason } => self.no_pick_reason = Some(reason.clone()),
            _ => {}
        }
    }

    /// Held stars in arrival order.
    pub fn stars(&self) -> impl Iterator<Item = &Held> {
        self.order.iter().filter_map(|k| self.held.get(k))
    }

    /// Stars still in play (not returned, not withdrawn).
    pub fn in_play(&self) -> impl Iterator<Item = &Held> {
        self.stars().filter(|h| h.standing == Standing::Held)
    }

    /// An objection raised and not yet decided holds the star.
    pub fn objected(&self, key: &str) -> Option<&Objection> {
        self.objections.iter().find(|o| o.key == key && o.decision.is_none())
    }

    pub fn picked(&self, key: &str) -> Option<&str> {
        self.picks.iter().find(|(k, _)| k == key).map(|(_, r)| r.as_str())
    }
}
