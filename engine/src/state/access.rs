//! The credentials issued for pulling over HTTP, folded from the `access` log: one
//! token per pulling unit, kept only as its SHA-256.

use super::Fold;
use crate::domain::Timestamp;
use crate::event::{Action, Event};
use serde::Serialize;

/// A credential as kept: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Credential {
    pub id: String,
    /// The unit it acts for: one of the tree, or the level above the tree's top.
    pub unit: String,
    pub label: String,
    pub digest: String,
    pub issued_at: Timestamp,
    pub revoked: bool,
}

/// Every credential issued, in order; revoked ones marked.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    pub list: Vec<Credential>,
}

impl Fold for Credentials {
    fn apply(&mut self, event: &Event) {
        for action in &event.actions {
            match action {
                Action::TokenIssued { id, unit, label, digest } => self.list.push(Credential {
                    id: id.clone(),
                    unit: unit.clone(),
                    label: label.clone(),
                    digest: digest.clone(),
                    issued_at: event.at,
                    revoked: false,
                }),
                Action::TokenRevoked { id } => {
                    if let Some(c) = self.list.iter_mut().find(|c| &c.id == id) {
                        c.revoked = true;
                    }
                }
                _ => {}
            }
        }
    }
}

impl Credentials {
    /// The live credential with this digest.
    pub fn live(&self, digest: &str) -> Option<&Credential> {
        self.list.iter().find(|c| !c.revoked && c.digest == digest)
    }
}
