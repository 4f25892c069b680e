//! Workflow files (RON) and their checks. Filled in by the workflow work.
