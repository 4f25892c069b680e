//! `shine`: the command line. Parses arguments, builds a checked context, runs one
//! subcommand and renders its result (Chinese text, or JSON with `--json`).

mod admin;
mod api;
mod args;
mod client;
mod command;
mod context;
mod import_file;
mod demo;
mod export;
mod failure;
mod help;
mod layers;
mod listener;
mod messages;
mod page;
mod render;
mod serve_file;
mod slips;
mod web;

use clap::FromArgMatches;
use std::process::ExitCode;

// The engine folds logs and builds facts with many small allocations; mimalloc
// serves them markedly faster than the system allocator (see the quarter benchmark).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let parsed = help::matches(&args).and_then(|matches| {
        let mut cli = args::Cli::from_arg_matches(&matches).map_err(|e| (e, Box::new(help::command())))?;
        cli.global.store_given = matches!(matches.value_source("store"), Some(clap::parser::ValueSource::CommandLine | clap::parser::ValueSource::EnvVariable));
        Ok(cli)
    });
    let cli = match parsed {
        Ok(cli) => cli,
        Err((e, cmd)) => return messages::usage::report(&e, &cmd, &args),
    };
    // A store held by `shine serve`: commands that may are run by the server.
    if let Some(code) = admin::forward(&cli, &args) {
        return code;
    }
    let json = cli.global.json;
    let result = context::Context::new(cli.global).and_then(|ctx| command::run(&ctx, cli.command));
    match result {
        Ok(output) => {
            render::output(&output, json);
            ExitCode::SUCCESS
        }
        Err(report) => {
            render::error(&report, json);
            ExitCode::FAILURE
        }
    }
}
