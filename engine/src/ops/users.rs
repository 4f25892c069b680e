//! Accounts of the web workspace (scope `users`): adding one bound to a person, a role
//! and a unit, disabling and enabling it, resetting its password, and checking a
//! password at sign-in. Which units a role acts for comes from the workflow files: a
//! role acting for a level of the escalation chain acts for that level's kind of unit;
//! a role of the quarter that acts for no level acts for one member, in a unit where
//! quarters run. Passwords are hashed here with Argon2id (default parameters, a random
//! salt) and kept as PHC strings; a check runs in the same time whether or not the
//! login exists.

use super::{Archive, Plan, Shine};
use crate::domain::{Actor, MemberId, UnitId};
use crate::event::Action;
use crate::refs::{KindRef, RoleRef};
use crate::refusal::{Hint, Kind, Refusal, Result, Text, Thing};
use crate::state::users::{Account, Accounts};
use crate::state::Fold;
use crate::store::Scope;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::Rng;

/// The fewest characters a password may have.
pub const PASSWORD_MIN: usize = 12;

/// The characters of generated passwords: no look-alikes (0/O/o, 1/l/I, 2/Z, 5/S, 8/B).
const ALPHABET: &[u8] = b"34679ACDEFGHJKLMNPQRTUVWXYabcdefghijkmnpqrstuvwxyz";

/// The length of a generated password (about 96 bits).
const GENERATED: usize = 17;

/// An account to add.
#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    pub login: &'a str,
    pub name: &'a str,
    /// A role id or title of the workflow files.
    pub role: &'a str,
    pub unit: &'a str,
    /// A member id or name, for a role acting for a member (or to tie the account of a
    /// unit's officer to their membership).
    pub member: Option<&'a str>,
}

/// A password nobody chose: `GENERATED` characters of [`ALPHABET`].
pub fn generate_password() -> String {
    let mut rng = rand::thread_rng();
    (0..GENERATED).map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())])).collect()
}

/// The PHC string of `password` (Argon2id, default parameters, random salt).
fn hash(password: &str) -> Result<String> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN {
        return Err(Kind::PasswordTooShort { chars, min: PASSWORD_MIN }.into());
    }
    let salt = SaltString::generate(&mut rand::thread_rng());
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Kind::PasswordHash { reason: e.to_string() }.into())
}

/// Whether `password` is the one `phc` was made from (argon2 compares in constant time).
fn verify(phc: &str, password: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A hash checked when the login does not exist, so that a wrong login takes as long
/// as a wrong password.
fn decoy() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let salt = SaltString::generate(&mut rand::thread_rng());
        Argon2::default().hash_password(b"decoy password", &salt).map(|h| h.to_string()).unwrap_or_default()
    })
}

impl Archive {
    /// Every account, in the order they were added.
    pub fn accounts(&self) -> Result<Vec<Account>> {
        Ok(Accounts::fold(&self.store().events(&Scope::Users)?).list)
    }

    /// The account of `login`, as it is now.
    pub fn account(&self, login: &str) -> Result<Option<Account>> {
        Ok(Accounts::fold(&self.store().events(&Scope::Users)?).get(login.trim()).cloned())
    }

    /// The enabled account whose password this is; `None` for a wrong login or
    /// password or a disabled account, alike and in the same time.
    pub fn sign_in(&self, login: &str, password: &str) -> Result<Option<Account>> {
        let account = self.account(login)?;
        let right = match &account {
            Some(a) => verify(&a.password, password),
            None => {
                // Spend the same time, then refuse.
                let _ = verify(decoy(), password);
                false
            }
        };
        Ok(account.filter(|a| right && !a.disabled))
    }

    fn existing(&self, login: &str) -> Result<Account> {
        self.account(login)?.ok_or_else(|| Refusal::new(Kind::NoSuchAccount { login: login.trim().to_owned() }).next(Hint::ListAccounts))
    }

    /// Disable an account: its sessions end at once. Disabling a disabled account
    /// writes nothing.
    pub fn disable_account(&self, actor: &Actor, login: &str) -> Result<Account> {
        let _write = self.store().exclusive();
        let account = self.existing(login)?;
        if account.disabled {
            return Ok(account);
        }
        self.commit(actor, Plan::event(Scope::Users, None, vec![Action::UserDisabled { login: account.login.clone() }]))?;
        self.existing(login)
    }

    /// Enable a disabled account again (with the password it had). Enabling an enabled
    /// account writes nothing.
    pub fn enable_account(&self, actor: &Actor, login: &str) -> Result<Account> {
        let _write = self.store().exclusive();
        let account = self.existing(login)?;
        if !account.disabled {
            return Ok(account);
        }
        self.commit(actor, Plan::event(Scope::Users, None, vec![Action::UserEnabled { login: account.login.clone() }]))?;
        self.existing(login)
    }

    /// Give an account a new password: its sessions end at once.
    pub fn reset_password(&self, actor: &Actor, login: &str, password: &str) -> Result<Account> {
        let _write = self.store().exclusive();
        let account = self.existing(login)?;
        let password = hash(password)?;
        self.commit(actor, Plan::event(Scope::Users, None, vec![Action::PasswordReset { login: account.login.clone(), password }]))?;
        self.existing(login)
    }
}

impl Shine {
    /// Every role of the workflow files, each once (quarter roles first).
    fn all_roles(&self) -> Vec<RoleRef> {
        let c = self.current();
        let mut roles: Vec<RoleRef> = Vec::new();
        for r in c.workflow.roles.iter().chain(&c.escalation.roles) {
            if !roles.iter().any(|k| k.id == r.id) {
                roles.push(RoleRef { id: r.id.clone(), title: r.title.clone() });
            }
        }
        roles
    }

    /// The kinds of unit a role acts for, and whether it acts for one member: the kinds
    /// of the chain's levels it acts at; else, for a role of the quarter, the kinds where
    /// quarters run, for a member.
    pub fn role_units(&self, role: &str) -> (Vec<String>, bool) {
        let c = self.current();
        let levels: Vec<String> = c.escalation.levels.iter().filter(|l| l.role == role).filter_map(|l| l.units.clone()).collect();
        let at_level = c.escalation.levels.iter().any(|l| l.role == role);
        if at_level {
            return (levels, false);
        }
        if c.workflow.role(role).is_some() {
            return (c.workflow.units.clone(), true);
        }
        (Vec::new(), false)
    }

    /// Add an account; `password` is hashed here and never kept.
    pub fn add_account(&self, actor: &Actor, new: &NewAccount<'_>, password: &str) -> Result<Account> {
        let login = crate::refusal::text(Text::Login, new.login)?;
        let name = crate::refusal::text(Text::AccountName, new.name)?;
        let c = self.current();
        let given = new.role.trim();
        let role = c
            .workflow
            .role_named(given)
            .or_else(|| c.escalation.role_named(given))
            .map(|r| RoleRef { id: r.id.clone(), title: r.title.clone() })
            .ok_or_else(|| Refusal::from(Kind::UnknownRole { given: given.to_owned(), known: self.all_roles() }))?;
        let tree = self.org()?;
        let unit = tree
            .unit(new.unit.trim())
            .ok_or_else(|| Refusal::new(Kind::NotFound { what: Thing::Unit, given: new.unit.trim().to_owned() }).next(Hint::ListUnits))?;
        let (kinds, for_member) = self.role_units(&role.id);
        if !kinds.contains(&unit.kind) {
            let kinds = kinds.iter().map(|k| super::org::kind_ref(&c.escalation, k)).collect::<Vec<KindRef>>();
            let kind = super::org::kind_ref(&c.escalation, &unit.kind);
            return Err(Kind::AccountUnit { role, unit: Archive::unit_ref(&tree, unit.id.as_str()), kind, kinds }.into());
        }
        let member: Option<MemberId> = match new.member.map(str::trim).filter(|m| !m.is_empty()) {
            Some(query) => {
                let roster = self.roster(&unit.id)?;
                Some(super::resolve_in(&roster, &Archive::unit_ref(&tree, unit.id.as_str()), query)?)
            }
            None if for_member => return Err(Kind::AccountNeedsMember { role, unit: Archive::unit_ref(&tree, unit.id.as_str()) }.into()),
            None => None,
        };
        let _write = self.store().exclusive();
        if self.account(&login)?.is_some() {
            return Err(Refusal::new(Kind::LoginTaken { login }).next(Hint::ListAccounts));
        }
        let password = hash(password)?;
        let unit_id: UnitId = unit.id.clone();
        let action = Action::UserAdded { login: login.clone(), name, role: role.id, unit: unit_id, member, password };
        self.commit(actor, Plan::event(Scope::Users, None, vec![action]))?;
        self.existing(&login)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_password_is_long_and_has_no_look_alikes() {
        for _ in 0..50 {
            let p = generate_password();
            assert!(p.chars().count() >= PASSWORD_MIN, "{p}");
            assert!(!p.chars().any(|c| "0Oo1lI2Z5S8B".contains(c)), "{p}");
        }
        assert_ne!(generate_password(), generate_password());
    }

    #[test]
    fn a_password_verifies_against_its_argon2id_hash_only() {
        let phc = hash("correct horse battery").map_err(|r| format!("{r:?}")).expect("hashed");
        assert!(phc.starts_with("$argon2id$"), "{phc}");
        assert!(verify(&phc, "correct horse battery"));
        assert!(!verify(&phc, "correct horse battery "));
        assert!(!verify("not a phc string", "correct horse battery"));
        let again = hash("correct horse battery").map_err(|r| format!("{r:?}")).expect("hashed");
        assert_ne!(phc, again, "a random salt each time");
        assert!(matches!(*hash("too short").expect_err("refused").kind, Kind::PasswordTooShort { chars: 9, min: PASSWORD_MIN }));
    }
}
