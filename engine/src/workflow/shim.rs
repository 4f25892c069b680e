//! Stand-in for the unit kinds until they are declared in the escalation file.

use super::{Escalation, Workflow};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum UnitKind {
    Committee,
    GeneralBranch,
    DirectBranch,
    Branch,
}

impl UnitKind {
    pub fn allowed_parents(self) -> &'static [UnitKind] {
        match self {
            UnitKind::Committee => &[],
            UnitKind::GeneralBranch | UnitKind::DirectBranch => &[UnitKind::Committee],
            UnitKind::Branch => &[UnitKind::GeneralBranch],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitKindDecl {
    pub id: String,
    pub title: String,
    pub parents: Vec<String>,
}

fn table() -> Vec<UnitKindDecl> {
    let k = |id: &str, title: &str, parents: &[&str]| UnitKindDecl { id: id.into(), title: title.into(), parents: parents.iter().map(|p| p.to_string()).collect() };
    vec![
        k("committee", "\u{6821}\u{515a}\u{59d4}", &[]),
        k("general_branch", "\u{515a}\u{603b}\u{652f}", &["committee"]),
        k("direct_branch", "\u{76f4}\u{5c5e}\u{515a}\u{652f}\u{90e8}", &["committee"]),
        k("branch", "\u{515a}\u{652f}\u{90e8}", &["general_branch"]),
    ]
}

impl Escalation {
    pub fn kinds(&self) -> Vec<UnitKindDecl> {
        table()
    }
    pub fn kind(&self, id: &str) -> Option<UnitKindDecl> {
        table().into_iter().find(|k| k.id == id)
    }
}

impl Workflow {
    pub fn runs_in(&self, kind: &str) -> bool {
        kind == "branch" || kind == "direct_branch"
    }
    pub fn default_role(&self) -> &str {
        "branch_secretary"
    }
}
