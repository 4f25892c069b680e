//! Diagnostics of the definition files (rule files, workflow files), one entry each:
//! `file:line:col`, the problem, the underlined text and what to do.

use shine_engine::rules::RuleErrors;
use shine_engine::workflow::WorkflowErrors;

pub fn rule_errors(errors: &RuleErrors) -> Vec<String> {
    super::rules::plain(errors)
}

pub fn workflow_errors(errors: &WorkflowErrors) -> Vec<String> {
    errors.errors.iter().map(|e| super::workflow::problem(&errors.file, e)).collect()
}
