//! Credentials of the units that pull over HTTP: one token per pulling unit, created
//! with the CLI, kept only as its SHA-256 (scope `access`). A token names the unit it
//! acts for: a unit of this store's tree, or the level above the tree's top (the
//! provincial committee, which runs its own instance).

use super::{Archive, Plan, Shine};
use crate::domain::Actor;
use crate::event::Action;
use crate::refusal::{Hint, Kind, Refusal, Result};
use crate::star::token_digest;
use crate::state::access::{Credential, Credentials};
use crate::state::Fold;
use crate::store::Scope;
use rand::RngCore;
use serde::Serialize;

/// A new credential and the token, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issued {
    pub credential: Credential,
    pub token: String,
}

impl Archive {
    /// Every credential issued, in order; revoked ones marked.
    pub fn credentials(&self) -> Result<Vec<Credential>> {
        Ok(Credentials::fold(&self.store().events(&Scope::Access)?).list)
    }

    /// The live credential a token belongs to, if any.
    pub fn authenticate(&self, token: &str) -> Result<Option<Credential>> {
        let digest = token_digest(token.trim());
        Ok(Credentials::fold(&self.store().events(&Scope::Access)?).live(&digest).cloned())
    }

    pub fn revoke_token(&self, actor: &Actor, id: &str) -> Result<Credential> {
        let _write = self.store().exclusive();
        let found = self
            .credentials()?
            .into_iter()
            .find(|c| c.id == id && !c.revoked)
            .ok_or_else(|| Refusal::new(Kind::NoSuchToken { id: id.to_owned() }).next(Hint::ListTokens))?;
        self.commit(actor, Plan::event(Scope::Access, None, vec![Action::TokenRevoked { id: id.to_owned() }]))?;
        Ok(Credential { revoked: true, ..found })
    }
}

impl Shine {
    /// Issue a token for `unit`: a unit of the tree, or the id of the level the tree's
    /// top reports to.
    pub fn issue_token(&self, actor: &Actor, unit: &str, label: &str) -> Result<Issued> {
        let tree = self.org()?;
        let escalation = &self.current().escalation;
        let above_top = tree.root().and_then(|r| escalation.level_for_kind(&r.kind)).and_then(|l| l.reports_to.clone());
        if tree.unit(unit).is_none() && above_top.as_deref() != Some(unit) {
            let mut known: Vec<String> = tree.order.iter().map(ToString::to_string).collect();
            known.extend(above_top);
            return Err(Kind::TokenUnit { given: unit.to_owned(), known }.into());
        }
        let mut secret = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut secret);
        let token = format!("shine_{}", hex::encode(secret));
        let digest = token_digest(&token);
        let id = digest[..8].to_owned();
        let label = crate::refusal::text(crate::refusal::Text::TokenLabel, label)?;
        let action = Action::TokenIssued { id: id.clone(), unit: unit.to_owned(), label: label.clone(), digest: digest.clone() };
        self.commit(actor, Plan::event(Scope::Access, None, vec![action]))?;
        Ok(Issued { credential: Credential { id, unit: unit.to_owned(), label, digest, issued_at: actor.at, revoked: false }, token })
    }

    /// Whether a credential of `viewer` may see the members of `unit`: rosters stay
    /// with the branch and its direct superior, so every unit of `unit`'s subtree must
    /// be `viewer` itself or a unit directly below it. A general branch sees its own
    /// branches; the committee sees a directly affiliated branch but not the branches
    /// of a general branch; the level above the tree's top sees no roster.
    pub fn may_see(&self, viewer: &str, unit: &str) -> Result<bool> {
        let tree = self.org()?;
        if tree.unit(unit).is_none() || tree.unit(viewer).is_none() {
            return Ok(false);
        }
        let allowed = tree
            .in_order()
            .filter(|u| tree.path(u.id.as_str()).iter().any(|p| p.id == unit))
            .all(|u| u.id == viewer || u.parent.as_ref().is_some_and(|p| p == viewer));
        Ok(allowed)
    }
}
