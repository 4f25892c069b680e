//! `shine`: the command line. Parses arguments, builds a checked context, runs one
//! subcommand and renders its result (Chinese text, or JSON with `--json`).

mod api;
mod args;
mod command;
mod context;
mod demo;
mod failure;
mod help;
mod messages;
mod page;
mod render;
mod serve_file;

use clap::FromArgMatches;
use std::process::ExitCode;

// The engine folds logs and builds facts with many small allocations; mimalloc
// serves them markedly faster than the system allocator (see the quarter benchmark).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match help::command().try_get_matches().and_then(|matches| args::Cli::from_arg_matches(&matches)) {
        Ok(cli) => cli,
        // Under `--json` even a usage error is JSON on stdout.
        Err(e) if std::env::args().any(|a| a == "--json") && e.use_stderr() => {
            let v = serde_json::json!({ "error": { "message": e.kind().to_string(), "usage": e.render().to_string() } });
            println!("{v}");
            return ExitCode::from(2);
        }
        Err(e) => e.exit(),
    };
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
