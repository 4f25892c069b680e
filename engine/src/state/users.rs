//! The accounts of the web workspace, folded from the `users` log: each bound to a
//! person (login and name), a role of the workflow files, a unit of the tree and, for
//! a role acting for a member, that member. Passwords are kept only as PHC strings
//! (Argon2id); [`Account::revision`] counts the changes that end its sessions.

use super::Fold;
use crate::domain::{MemberId, Timestamp, UnitId};
use crate::event::{Action, Event};
use serde::Serialize;

/// An account as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub login: String,
    pub name: String,
    /// A role id of the workflow files.
    pub role: String,
    pub unit: UnitId,
    pub member: Option<MemberId>,
    /// The password as a PHC string; never shown.
    #[serde(skip)]
    pub password: String,
    pub added_at: Timestamp,
    pub disabled: bool,
    /// Bumped by every disable, enable and password reset: a session signed in at an
    /// earlier revision is over.
    pub revision: u64,
}

/// Every account, in the order they were added.
#[derive(Debug, Clone, Default)]
pub struct Accounts {
    pub list: Vec<Account>,
}

impl Accounts {
    pub fn get(&self, login: &str) -> Option<&Account> {
        self.list.iter().find(|a| a.login == login)
    }

    fn get_mut(&mut self, login: &str) -> Option<&mut Account> {
        self.list.iter_mut().find(|a| a.login == login)
    }
}

impl Fold for Accounts {
    fn apply(&mut self, event: &Event) {
        for action in &event.actions {
            match action {
                Action::UserAdded { login, name, role, unit, member, password } => self.list.push(Account {
                    login: login.clone(),
                    name: name.clone(),
                    role: role.clone(),
                    unit: unit.clone(),
                    member: member.clone(),
                    password: password.clone(),
                    added_at: event.at,
                    disabled: false,
                    revision: 0,
                }),
                Action::UserDisabled { login } => {
                    if let Some(a) = self.get_mut(login) {
                        a.disabled = true;
                        a.revision += 1;
                    }
                }
                Action::UserEnabled { login } => {
                    if let Some(a) = self.get_mut(login) {
                        a.disabled = false;
                        a.revision += 1;
                    }
                }
                Action::PasswordReset { login, password } => {
                    if let Some(a) = self.get_mut(login) {
                        a.password = password.clone();
                        a.revision += 1;
                    }
                }
                _ => {}
            }
        }
    }
}
