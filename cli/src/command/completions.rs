//! `shine completions <shell>`: the shell's completion script for `shine`, written by
//! clap_complete from the same (Chinese) command the parser uses.

use crate::failure::Result;
use crate::render::Output;
use clap_complete::Shell;

pub fn run(shell: Shell) -> Result<Output> {
    let mut cmd = crate::help::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "shine", &mut script);
    let script = String::from_utf8_lossy(&script).into_owned();
    let json = serde_json::json!({ "shell": shell.to_string(), "script": script });
    Ok(Output::new(script, json))
}
