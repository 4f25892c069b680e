//! One file per subcommand; this file only dispatches and holds small parsers of
//! user input shared by several of them.

mod advance;
pub(crate) mod certificate;
mod ballot;
mod chain;
mod clauses;
mod completions;
mod display;
pub mod explain;
pub mod history;
mod man;
mod meetings;
pub(crate) mod member;
mod org;
mod overview;
mod quarter;
pub mod records;
pub(crate) mod remote;
pub mod roster;
mod rules;
pub mod serve;
mod store;
pub mod stars;
mod status;
mod template;
mod token;
pub mod user;
mod workflow;

use crate::args::Command;
use crate::context::Context;
use crate::failure::Result;
use crate::render::Output;
use chrono::NaiveDate;

pub fn run(ctx: &Context, command: Command) -> Result<Output> {
    match command {
        Command::Org(c) => org::run(ctx, c),
        Command::Roster(c) => roster::import(ctx, c),
        Command::Members { branch } => roster::members(ctx, &branch),
        Command::Template { import, out, force } => template::run(ctx, import, &out, force),
        Command::Life(c) => history::life(ctx, c),
        Command::Finding(c) => history::finding(ctx, c),
        Command::Quarter(c) => quarter::run(ctx, c),
        Command::Deed(c) => records::deed(ctx, c),
        Command::Meeting(c) => records::meeting(ctx, c),
        Command::Meetings { unit, quarter } => meetings::list(ctx, &unit, quarter.as_deref()),
        Command::Overview { unit, quarter } => overview::run(ctx, unit.as_deref(), quarter.as_deref()),
        Command::Present { members, written, form } => records::present(ctx, members, written, form),
        Command::Comment { member, text } => records::comment(ctx, &member, &text),
        Command::Ballot(c) => ballot::run(ctx, c),
        Command::Advance { branch, from } => advance::run(ctx, &branch, from.as_deref()),
        Command::Status { branch, quarter } => status::run(ctx, &branch, quarter.as_deref()),
        Command::Explain { member, quarter } => explain::run(ctx, &member, quarter.as_deref()),
        Command::Member(c) => member::run(ctx, c),
        Command::Stars { branch, quarter } => stars::run(ctx, &branch, quarter.as_deref()),
        Command::Rules(c) => rules::run(ctx, c),
        Command::Store(c) => store::run(ctx, c),
        Command::Workflow(c) => workflow::run(ctx, c),
        Command::Pull { unit, quarter, from: None, .. } => chain::pull_local(ctx, unit.as_deref(), &quarter),
        Command::Pull { unit, quarter, from: Some(from), token_file, ca, page_size } => {
            remote::pull(ctx, unit.as_deref(), &quarter, &from, token_file.as_deref(), ca.as_deref(), page_size)
        }
        Command::Serve { listen, tls_cert, tls_key } => serve::run(ctx, &listen, tls_cert.as_deref().zip(tls_key.as_deref()), run),
        Command::Token(c) => token::run(ctx, c),
        Command::User(c) => user::run(ctx, c),
        Command::Chain(c) => chain::run(ctx, c),
        Command::Display { quarter, out } => display::run(ctx, &quarter, out),
        Command::Export(c) => crate::export::run(ctx, c),
        Command::Demo { dir, quarter, name } => crate::demo::run(ctx, &crate::demo::where_to(ctx, dir), &quarter, name.as_deref()),
        Command::Completions { shell } => completions::run(shell),
        Command::Man { out } => man::run(out.as_deref()),
        Command::Clauses => clauses::run(ctx),
    }
}

/// A date as administrators write it: `2026-10-15`, `2026/10/15` or `2026年10月15日`.
pub fn parse_date(text: &str, what: &str) -> Result<NaiveDate> {
    let t = text.trim();
    for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m.%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, fmt) {
            return Ok(d);
        }
    }
    Err(crate::fail!("bad_date", help = "日期写作 2026-10-15", "{what} `{text}` 不是有效日期"))
}
