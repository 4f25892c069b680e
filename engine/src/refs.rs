//! Things an answer names, each with what a reader needs to recognise it: its id and
//! its title (or name) as the files or the roster give it. The edge decides how to
//! show them; the engine never writes a sentence around them.

use crate::domain::MemberId;
use serde::Serialize;

pub use crate::star::UnitCard as UnitRef;

/// A member: id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberRef {
    pub id: MemberId,
    pub name: String,
}

/// Something declared in a workflow file with an id and a title: a role, a state, a
/// kind of unit, a level of the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Titled {
    pub id: String,
    pub title: String,
}

pub type RoleRef = Titled;
pub type StateRef = Titled;
pub type KindRef = Titled;
pub type LevelRef = Titled;

/// A workflow step: id, title and the clause it carries out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepRef {
    pub id: String,
    pub title: String,
    pub clause: String,
}

/// An enum the rules declare, or one of its variants: name and optional label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Labelled {
    pub name: String,
    pub label: Option<String>,
}

pub type EnumRef = Labelled;
pub type VariantRef = Labelled;

/// A rule by name, with the clause it cites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleRef {
    pub name: String,
    pub clause: String,
}
