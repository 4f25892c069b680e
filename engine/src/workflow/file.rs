//! The RON file formats, exactly as written in `workflows/*.ron`.
//!
//! These structs describe the *file* and nothing else: they are read with serde and
//! converted by `check` and `escalation` into the engine types of `model`, which are
//! not themselves a file format. Optional keys are written without `Some(..)`
//! (`to: "voting"`, `effect: Tally`), so each is read through [`present`]. Every
//! struct is renamed to its name in the file (`Step`, `Outcomes`), because RON names
//! the struct when it reports a key it does not know, and that name reaches the user.

use super::error::{Source, WorkflowErrors, NESTING_LIMIT};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};


/// Reads one file of a format with RON, nesting at most [`NESTING_LIMIT`] levels. A
/// leading byte-order mark (as Windows editors save UTF-8) is skipped; RON's position
/// is then moved back onto the file as written.
pub(crate) fn read<T: DeserializeOwned>(source: &Source, text: &str) -> Result<T, WorkflowErrors> {
    let (body, bom) = match text.strip_prefix('\u{FEFF}') {
        Some(body) => (body, true),
        None => (text, false),
    };
    ron::Options::default().with_recursion_limit(NESTING_LIMIT).from_str(body).map_err(|mut error| {
        if bom && error.position.line == 1 {
            error.position.col += 1;
        }
        source.syntax(&error)
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Workflow", deny_unknown_fields)]
pub(crate) struct WorkflowFile {
    pub name: String,
    pub title: String,
    pub clause: String,
    pub roles: Vec<RoleFile>,
    /// The role of someone who does not say which role they act in.
    #[serde(default, deserialize_with = "present")]
    pub default_role: Option<String>,
    /// The roles that may open the procedure (a quarter, for the quarter workflow);
    /// left out, any declared role may.
    #[serde(default)]
    pub opened_by: Vec<String>,
    /// The kinds of unit that run the procedure: ids of the `kinds` of the
    /// escalation file. Left out only in files stored before it existed.
    #[serde(default)]
    pub units: Vec<String>,
    pub start: String,
    pub states: Vec<StateFile>,
    pub steps: Vec<StepFile>,
    /// Findings only some roles may see; left out, everyone sees them.
    #[serde(default)]
    pub restricted: Vec<RestrictedFile>,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Restricted", deny_unknown_fields)]
pub(crate) struct RestrictedFile {
    pub clauses: Vec<String>,
    pub seen_by: Vec<String>,
    pub note: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Role", deny_unknown_fields)]
pub(crate) struct RoleFile {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "State", deny_unknown_fields)]
pub(crate) struct StateFile {
    pub id: String,
    pub title: String,
    pub clause: String,
    #[serde(default)]
    pub terminal: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Step", deny_unknown_fields)]
pub(crate) struct StepFile {
    pub id: String,
    pub title: String,
    pub clause: String,
    pub from: String,
    #[serde(default, deserialize_with = "present")]
    pub to: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub outcomes: Option<OutcomesFile>,
    pub roles: Vec<String>,
    #[serde(default)]
    pub accepts: Vec<RecordFile>,
    #[serde(default)]
    pub guards: Vec<String>,
    #[serde(default, deserialize_with = "present")]
    pub effect: Option<EffectFile>,
    #[serde(default)]
    pub advisories: Vec<String>,
    /// Attendance recorded in this step is also a session of the branch's
    /// organizational life, of this kind (a variant of the rules' `session.kind`).
    #[serde(default, deserialize_with = "present")]
    pub session: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Outcomes", deny_unknown_fields)]
pub(crate) struct OutcomesFile {
    pub selected: String,
    pub runoff: String,
}

/// The record kinds a step may accept, as spelled in the file.
#[derive(Debug, Clone, Copy, Deserialize)]
pub(crate) enum RecordFile {
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

#[derive(Debug, Clone, Copy, Deserialize)]
pub(crate) enum EffectFile {
    Tally,
    Ledger,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Escalation", deny_unknown_fields)]
pub(crate) struct EscalationFile {
    pub name: String,
    pub title: String,
    pub clause: String,
    /// The kinds of unit of the organization tree and which kind sits under which.
    pub kinds: Vec<KindFile>,
    pub roles: Vec<RoleFile>,
    pub levels: Vec<LevelFile>,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Kind", deny_unknown_fields)]
pub(crate) struct KindFile {
    pub id: String,
    pub title: String,
    /// The kinds a unit of this kind may sit under; left out for the root.
    #[serde(default)]
    pub parents: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Level", deny_unknown_fields)]
pub(crate) struct LevelFile {
    pub id: String,
    pub title: String,
    pub clause: String,
    pub role: String,
    #[serde(default, deserialize_with = "present")]
    pub reports_to: Option<String>,
    /// The kind of unit of the organization tree acting at this level (an id of
    /// `kinds`), written `units: Some("general_branch")`; left out for a level
    /// outside the tree.
    #[serde(default)]
    pub units: Option<String>,
    pub steps: Vec<LevelStepFile>,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Do", deny_unknown_fields)]
pub(crate) struct LevelStepFile {
    pub action: ActionFile,
    pub title: String,
    pub clause: String,
    /// Names of rules: the pick rules of a `Pick`, the publicity rule of a `Publish`.
    #[serde(default)]
    pub rules: Vec<String>,
    /// Only on `Forward`: `All` (the default) or `Picked`.
    #[serde(default, deserialize_with = "present")]
    pub send: Option<SendingFile>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub(crate) enum SendingFile {
    All,
    Picked,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub(crate) enum ActionFile {
    Receive,
    File,
    Pick,
    Forward,
    Publish,
}

/// Reads a key that is present as its bare value; an absent key is `None` by
/// `#[serde(default)]`.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}
