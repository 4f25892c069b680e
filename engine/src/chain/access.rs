//! Credentials of the units that pull over HTTP: one token per pulling unit, created
//! with the CLI, kept only as its SHA-256 (scope `access`). A token names the unit it
//! acts for: a unit of this store's tree, or the level above the tree's top (the
//! provincial committee, which runs its own instance).

use super::record::token_digest;
use crate::error::{invalid, Result, ShineError};
use crate::event::{Action, Actor};
use crate::service::Shine;
use crate::store::Writes;
use rand::RngCore;
use serde::{Deserialize, Serialize};

/// A credential as kept: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credential {
    pub id: String,
    pub unit: String,
    pub label: String,
    pub digest: String,
    pub issued_at: String,
    pub revoked: bool,
}

/// A new credential and the token, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issued {
    pub credential: Credential,
    pub token: String,
}

const SCOPE: &str = "access";

impl Shine {
    /// Every credential issued, in order; revoked ones marked.
    pub fn credentials(&self) -> Result<Vec<Credential>> {
        let mut out: Vec<Credential> = Vec::new();
        for event in self.store().events(SCOPE)?.iter() {
            for action in &event.actions {
                match action {
                    Action::TokenIssued { id, unit, label, digest } => out.push(Credential {
                        id: id.clone(),
                        unit: unit.clone(),
                        label: label.clone(),
                        digest: digest.clone(),
                        issued_at: event.at.clone(),
                        revoked: false,
                    }),
                    Action::TokenRevoked { id } => {
                        if let Some(c) = out.iter_mut().find(|c| &c.id == id) {
                            c.revoked = true;
                        }
                    }
                    _ => {}
                }
            }
        }
        Ok(out)
    }

    /// Issue a token for `unit`: a unit of the tree, or the id of the level the tree's
    /// top reports to.
    pub fn issue_token(&self, actor: &Actor, unit: &str, label: &str) -> Result<Issued> {
        let tree = self.org()?;
        let escalation = self.current_checked()?.escalation.clone();
        let above_top = tree
            .root()
            .and_then(|r| escalation.level_for_kind(r.kind.id()))
            .and_then(|l| l.reports_to.clone());
        if tree.unit(unit).is_none() && above_top.as_deref() != Some(unit) {
            let mut known: Vec<String> = tree.order.clone();
            known.extend(above_top);
            return Err(ShineError::NotFound {
                kind: "单位",
                id: unit.to_owned(),
                help: format!("可发放凭据的单位：{}", known.join("、")),
            });
        }
        let mut secret = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut secret);
        let token = format!("shine_{}", hex::encode(secret));
        let digest = token_digest(&token);
        let id = digest[..8].to_owned();
        let label = label.trim().to_owned();
        let mut w = Writes::default();
        self.store().stage(&mut w, SCOPE, actor, None, vec![Action::TokenIssued {
            id: id.clone(),
            unit: unit.to_owned(),
            label: label.clone(),
            digest: digest.clone(),
        }])?;
        self.store().commit(w)?;
        Ok(Issued {
            credential: Credential { id, unit: unit.to_owned(), label, digest, issued_at: actor.at.clone(), revoked: false },
            token,
        })
    }

    pub fn revoke_token(&self, actor: &Actor, id: &str) -> Result<Credential> {
        let found = self.credentials()?.into_iter().find(|c| c.id == id && !c.revoked).ok_or_else(|| {
            invalid(format!("没有有效的凭据 `{id}`"), "用 `shine token list` 查看凭据编号")
        })?;
        let mut w = Writes::default();
        self.store().stage(&mut w, SCOPE, actor, None, vec![Action::TokenRevoked { id: id.to_owned() }])?;
        self.store().commit(w)?;
        Ok(Credential { revoked: true, ..found })
    }

    /// The live credential a token belongs to, if any.
    pub fn authenticate(&self, token: &str) -> Result<Option<Credential>> {
        let digest = token_digest(token.trim());
        Ok(self.credentials()?.into_iter().find(|c| !c.revoked && c.digest == digest))
    }

    /// Whether a credential of `viewer` may see the members of `unit`: the unit
    /// itself, a unit above it in the tree, or the level the tree's top reports to.
    /// A branch sees only its own members.
    pub fn may_see(&self, viewer: &str, unit: &str) -> Result<bool> {
        let tree = self.org()?;
        if tree.unit(unit).is_none() {
            return Ok(false);
        }
        if tree.path(unit).iter().any(|u| u.id == viewer) {
            return Ok(true);
        }
        match tree.root() {
            Some(root) if tree.unit(viewer).is_none() => self.may_pull(viewer, &root.id),
            _ => Ok(false),
        }
    }
}
