//! What the logs add up to: each module folds one kind of scope's events into the
//! state the operations decide on. Pure: no store, no rules, no workflow.
//!
//! - [`org`]: the organization tree (`org`) and each branch's roster with its
//!   organizational life and findings (`branch/<id>`).
//! - [`quarter`]: one branch's quarter (`quarter/<branch>/<quarter>`).
//! - [`level`]: one level's quarter in the escalation chain (`chain/<unit>/<quarter>`).
//! - [`access`]: the credentials issued for pulling over HTTP (`access`).
//! - [`users`]: the accounts of the web workspace (`users`).

pub mod access;
pub mod level;
pub mod org;
pub mod quarter;
pub mod users;

use crate::event::Event;

/// A state folded from a log, one event at a time.
pub trait Fold: Clone + Default {
    fn apply(&mut self, event: &Event);

    fn fold(events: &[Event]) -> Self {
        let mut state = Self::default();
        for event in events {
            state.apply(event);
        }
        state
    }
}
