//! The errors of the engine's operations. Plain data; the CLI renders them. Messages
//! are written for the branch secretary: what is wrong, and what to do next.

use crate::rules::{Decision, RuleErrors};
use crate::store::StoreError;
use crate::workflow::WorkflowErrors;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ShineError {
    #[error(transparent)]
    Store(#[from] StoreError),

    /// Nothing was loaded; the definitions in force stay in force.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Rules(RuleErrors),

    /// Typed problems with their places; the edge words them (`cli/src/messages`).
    #[error(transparent)]
    Workflow(WorkflowErrors),

    #[error("{what}")]
    #[diagnostic(help("{help}"))]
    Invalid { what: String, help: String },

    #[error("找不到{kind} `{id}`")]
    #[diagnostic(help("{help}"))]
    NotFound { kind: &'static str, id: String, help: String },

    /// The workflow does not allow this now.
    #[error("{what}")]
    #[diagnostic(help("{help}"))]
    NotNow { what: String, help: String },

    /// A record whose content no longer matches its hash: changed on the way.
    #[error("{what}内容与其校验值不符，可能在传输中被篡改；本次未保存任何记录")]
    #[diagnostic(help("来自 {from}；请联系报送单位核实后重新拉取"))]
    Tampered { what: String, from: String },

    /// `advance` was refused by guards; each failed guard comes with the values that decided it.
    #[error("不能完成「{step}」：{} 项条件未满足", .failed.len())]
    #[diagnostic(help("满足以下条件后再运行 `shine advance`"))]
    Blocked { step: String, failed: Vec<Decision<bool>> },
}

impl From<RuleErrors> for ShineError {
    fn from(e: RuleErrors) -> Self {
        ShineError::Rules(e)
    }
}

impl From<WorkflowErrors> for ShineError {
    fn from(e: WorkflowErrors) -> Self {
        ShineError::Workflow(e)
    }
}

pub type Result<T, E = ShineError> = std::result::Result<T, E>;

pub(crate) fn invalid(what: impl Into<String>, help: impl Into<String>) -> ShineError {
    ShineError::Invalid { what: what.into(), help: help.into() }
}

pub(crate) fn not_now(what: impl Into<String>, help: impl Into<String>) -> ShineError {
    ShineError::NotNow { what: what.into(), help: help.into() }
}
