//! The engine's workflow types: what the interpreter walks, after `check` has made
//! them from a file and proved them sound.
//!
//! These are not a file format. A `Workflow` only exists once every check of
//! `check` has passed, so the interpreter may rely on it: ids are unique, every
//! reference resolves, at most one step leaves each state, every state is reachable
//! and can reach a terminal state. Titles and clauses come from the file; nothing
//! here knows the notice.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The kinds of record a step accepts while its state is current.
///
/// Serializable because records carry their kind into the store and over HTTP;
/// the workflow file spells them with its own enum (`file::RecordFile`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RecordKind {
    Deed,
    DeedExcuse,
    MeetingReport,
    Attendance,
    Guests,
    Presentation,
    Comment,
    Ballot,
    BallotTotals,
}

impl RecordKind {
    /// Every kind, in the order of the quarter.
    pub const ALL: [RecordKind; 9] = [
        RecordKind::Deed,
        RecordKind::DeedExcuse,
        RecordKind::MeetingReport,
        RecordKind::Attendance,
        RecordKind::Guests,
        RecordKind::Presentation,
        RecordKind::Comment,
        RecordKind::Ballot,
        RecordKind::BallotTotals,
    ];

    /// The kind as spelled in workflow files, for messages.
    pub fn name(self) -> &'static str {
        match self {
            RecordKind::Deed => "Deed",
            RecordKind::DeedExcuse => "DeedExcuse",
            RecordKind::MeetingReport => "MeetingReport",
            RecordKind::Attendance => "Attendance",
            RecordKind::Guests => "Guests",
            RecordKind::Presentation => "Presentation",
            RecordKind::Comment => "Comment",
            RecordKind::Ballot => "Ballot",
            RecordKind::BallotTotals => "BallotTotals",
        }
    }
}

/// What the engine does when a step is taken, besides moving on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Count the ballots; the result picks the outcome (`selected` or `runoff`).
    Tally,
    /// Write the result to the branch ledger (台帐) and report it for filing.
    Ledger,
}

/// Where a step leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    To(String),
    /// Chosen by the tally: `selected` when the stars are decided, `runoff` when
    /// members tied for the last places.
    Outcomes { selected: String, runoff: String },
}

impl Next {
    /// Every state this may lead to.
    pub fn targets(&self) -> Vec<&str> {
        match self {
            Next::To(to) => vec![to],
            Next::Outcomes { selected, runoff } => vec![selected, runoff],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub id: String,
    pub title: String,
}

impl Role {
    /// The role among `roles` whose id, or else whose title, is `name`; loading
    /// refuses two roles of one file with the same title.
    pub(crate) fn named<'r>(roles: &'r [Role], name: &str) -> Option<&'r Role> {
        roles.iter().find(|role| role.id == name).or_else(|| roles.iter().find(|role| role.title == name))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    pub id: String,
    pub title: String,
    /// The notice clause this state carries out, e.g. `§3.2`.
    pub clause: String,
    pub terminal: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub id: String,
    pub title: String,
    pub clause: String,
    pub from: String,
    pub next: Next,
    /// Ids of the roles that may take this step and record what it accepts.
    pub roles: Vec<String>,
    pub accepts: Vec<RecordKind>,
    /// Names of rules that must hold before the step is taken.
    pub guards: Vec<String>,
    pub effect: Option<Effect>,
    /// Names of rules that should hold when the step's records are made and the step
    /// is taken: one that does not is a warning in the answer, never a refusal.
    pub advisories: Vec<String>,
    /// Attendance recorded in this step is also a session of the branch's
    /// organizational life, of this kind (checked by [`Workflow::check_sessions`]).
    pub session: Option<String>,
}

/// What is recorded under `clauses` (the findings and exclusions citing them, with
/// their evidence) is shown only to the roles `seen_by` and to the local
/// administrator; anyone else is told that something is recorded, not what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restricted {
    pub clauses: Vec<String>,
    /// Ids of roles of the workflow.
    pub seen_by: Vec<String>,
    /// Why, as the file says it.
    pub note: String,
}

/// Something recorded under a clause, as a viewer may see it ([`Workflow::disclose`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "disclosure", rename_all = "snake_case")]
pub enum Disclosed<T> {
    Shown(T),
    /// Something is recorded; what, under which clause and on what evidence is not
    /// for this viewer.
    Withheld,
}

impl<T> Disclosed<T> {
    /// What is shown, if anything.
    pub fn shown(&self) -> Option<&T> {
        match self {
            Disclosed::Shown(t) => Some(t),
            Disclosed::Withheld => None,
        }
    }
}

/// A checked workflow, made by [`Workflow::load`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workflow {
    pub name: String,
    pub title: String,
    pub clause: String,
    pub start: String,
    /// The roles that may open the procedure.
    pub opened_by: Vec<String>,
    /// The id of the role of someone who does not say which role they act in;
    /// `None` in files stored before it existed.
    pub default_role: Option<String>,
    /// The kinds of unit that run the procedure (ids of the escalation file's
    /// kinds; [`super::check_together`] checks them). Empty in files stored before
    /// it existed.
    pub units: Vec<String>,
    pub roles: Vec<Role>,
    pub states: Vec<State>,
    pub steps: Vec<Step>,
    /// What is recorded under some clauses is shown only to some roles.
    pub restricted: Vec<Restricted>,
    /// The file name given to `load`, for messages.
    pub file_name: String,
    /// The file text: hashed into the record of each quarter, and searched to place
    /// errors found after loading (`check_guards`).
    pub(crate) text: String,
}

impl Workflow {
    pub fn state(&self, id: &str) -> Option<&State> {
        self.states.iter().find(|state| state.id == id)
    }

    /// The one step leaving `state` (loading refuses a second one); `None` for a
    /// terminal state.
    pub fn step_from(&self, state: &str) -> Option<&Step> {
        self.steps.iter().find(|step| step.from == state)
    }

    /// Whether a record of `kind` may be made while `state` is current.
    pub fn accepts(&self, state: &str, kind: RecordKind) -> bool {
        self.step_from(state).is_some_and(|step| step.accepts.contains(&kind))
    }

    /// The steps during which `kind` may be recorded, in file order, for messages
    /// such as "ballots can only be recorded during …".
    pub fn steps_accepting(&self, kind: RecordKind) -> Vec<&Step> {
        self.steps.iter().filter(|step| step.accepts.contains(&kind)).collect()
    }

    pub fn role(&self, id: &str) -> Option<&Role> {
        self.roles.iter().find(|role| role.id == id)
    }

    /// The role whose id, or else whose title, is `name`, as someone may name the
    /// role they act in.
    pub fn role_named(&self, name: &str) -> Option<&Role> {
        Role::named(&self.roles, name)
    }

    /// The role of someone who does not say which role they act in, as the file's
    /// `default_role` declares it; `None` only for a file stored before it existed
    /// ([`super::check_together`] refuses that as the workflow in force).
    pub fn default_role(&self) -> Option<&Role> {
        self.default_role.as_deref().and_then(|id| self.role(id))
    }

    /// Whether units of kind `kind` (an id of the escalation file's kinds) run
    /// this procedure, as the file's `units` says.
    pub fn runs_in(&self, kind: &str) -> bool {
        self.units.iter().any(|unit| unit == kind)
    }

    /// Whether what is recorded under `clause` may be shown to a viewer acting in the
    /// role `viewer` (an id of the workflow's roles; `None`: the local administrator,
    /// who sees everything): every `restricted` entry naming the clause lets the role
    /// see it.
    pub fn shows(&self, viewer: Option<&str>, clause: &str) -> bool {
        let Some(role) = viewer else { return true };
        self.restricted.iter().filter(|r| r.clauses.iter().any(|c| c == clause)).all(|r| r.seen_by.iter().any(|s| s == role))
    }

    /// `entry`, recorded under `clause`, as `viewer` may see it ([`Workflow::shows`]).
    pub fn disclose<T>(&self, viewer: Option<&str>, clause: &str, entry: T) -> Disclosed<T> {
        if self.shows(viewer, clause) {
            Disclosed::Shown(entry)
        } else {
            Disclosed::Withheld
        }
    }

    /// SHA-256 of the file text, lowercase hex: which version of the workflow a
    /// quarter ran under.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.text.as_bytes()))
    }
}

/// What a level does with the stars that reach it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Receive,
    /// Keep on record (备案).
    File,
    /// Choose among those received, e.g. one typical star per general branch.
    Pick,
    /// Send up to the level it reports to.
    Forward,
    /// Make public.
    Publish,
}

impl Action {
    /// The action as spelled in escalation files, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Action::Receive => "Receive",
            Action::File => "File",
            Action::Pick => "Pick",
            Action::Forward => "Forward",
            Action::Publish => "Publish",
        }
    }
}
