//! The errors of the engine's operations. Plain data; the CLI renders them. Messages
//! are written for the branch secretary: what is wrong, and what to do next.

use crate::rules::{Decision, RuleErrors};
use crate::store::StoreError;
use crate::workflow::WorkflowErrors;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ShineError {
    #[error(transparent)]
    Store(#[from] StoreError),

    #[error("规则文件有错误，未载入；现行规则保持不变")]
    #[diagnostic(help("修改后运行 `shine rules check` 检查"))]
    Rules(#[related] Vec<crate::rules::RuleError>),

    #[error("流程文件有错误，未载入")]
    #[diagnostic(help("修改后运行 `shine workflow check` 检查"))]
    Workflow(#[related] Vec<crate::workflow::WorkflowError>),

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

    /// `advance` was refused by guards; each failed guard comes with the values that decided it.
    #[error("不能进入下一环节「{step}」：{} 项条件未满足", .failed.len())]
    #[diagnostic(help("满足以下条件后再运行 `shine advance`"))]
    Blocked { step: String, failed: Vec<Decision<bool>> },
}

impl From<RuleErrors> for ShineError {
    fn from(e: RuleErrors) -> Self {
        ShineError::Rules(e.errors)
    }
}

impl From<WorkflowErrors> for ShineError {
    fn from(e: WorkflowErrors) -> Self {
        ShineError::Workflow(e.errors)
    }
}

pub type Result<T, E = ShineError> = std::result::Result<T, E>;

pub(crate) fn invalid(what: impl Into<String>, help: impl Into<String>) -> ShineError {
    ShineError::Invalid { what: what.into(), help: help.into() }
}

pub(crate) fn not_now(what: impl Into<String>, help: impl Into<String>) -> ShineError {
    ShineError::NotNow { what: what.into(), help: help.into() }
}
