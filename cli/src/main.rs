//! `shine`: the command line. Parses arguments, builds a checked context, runs one
//! subcommand and renders its result (Chinese text, or JSON with `--json`).

mod args;
mod command;
mod context;
mod demo;
mod render;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let json = cli.global.json;
    let ctx = context::Context::new(cli.global);
    match command::run(&ctx, cli.command) {
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
