//! The command line as people read it: the clap command that `args` declares, with
//! clap's own words put in Chinese, the same way for every (sub)command — the
//! headings (用法, 命令, 参数, 选项; `args` sets 全局选项), the help and version
//! flags, the `help` subcommand, and defaults, environment variables and possible
//! values written into an option's description instead of clap's `[default: …]`.
//!
//! What a command or option means is said in `args`, not here; usage errors are
//! worded in `usage`.

use crate::args::Cli;
use clap::builder::{PossibleValue, StyledStr};
use clap::{Arg, ArgAction, Command, CommandFactory};

/// The heading of the options every command takes (`args::Global`), and of the help
/// and version flags, which every command takes too.
pub const GLOBAL: &str = "全局选项";
const OPTIONS: &str = "选项";
const ARGUMENTS: &str = "参数";
const COMMANDS: &str = "命令";
/// How `args` starts a command's examples in `after_help`.
pub const EXAMPLES: &str = "示例:";

/// The command to parse with, to complete and to document: built (so that clap's
/// help flags and `help` subcommands exist) and then put in Chinese.
pub fn command() -> Command {
    built(Cli::command())
}

/// The command line's matches. Parsing needs none of the Chinese help: the command is
/// put in Chinese (`localize`, which clones and renders every subcommand's usage and
/// was most of a debug command's instructions) only when the line does not parse —
/// a mistake, `--help`, `--version` —, and then parsed again, so that what is printed
/// is worded exactly as before. `Err` carries the Chinese command for the report.
pub fn matches<I, T>(args: I) -> Result<clap::ArgMatches, (clap::Error, Box<Command>)>
where
    I: IntoIterator<Item = T> + Clone,
    T: Into<std::ffi::OsString> + Clone,
{
    match Cli::command().bin_name("shine").try_get_matches_from(args.clone()) {
        Ok(matches) => Ok(matches),
        Err(_) => {
            let mut cmd = command();
            match cmd.try_get_matches_from_mut(args) {
                Ok(matches) => Ok(matches),
                Err(e) => Err((e, Box::new(cmd))),
            }
        }
    }
}

/// [`command`] without the `help` subcommands, which a man page does not need.
pub fn command_without_help_subcommand() -> Command {
    built(Cli::command().disable_help_subcommand(true))
}

fn built(cmd: Command) -> Command {
    // Without a bin name, the usage of a subcommand would start with its own name.
    let mut cmd = cmd.bin_name("shine");
    cmd.build();
    localize(cmd)
}

/// One command and, depth first, everything under it.
fn localize(cmd: Command) -> Command {
    let styles = cmd.get_styles().clone();
    let heading = styles.get_usage();
    let mut cmd = cmd
        .help_template(format!("{{before-help}}{{about-with-newline}}\n{heading}用法:{heading:#} {{usage}}\n\n{{all-args}}{{after-help}}"))
        .mut_args(localize_arg)
        .mut_subcommands(localize);
    if cmd.get_name() == "help" {
        cmd = cmd.about("显示本说明，或所给子命令的说明");
    }
    if let Some(after) = cmd.get_after_help().map(ToString::to_string) {
        if let Some(examples) = after.strip_prefix(EXAMPLES) {
            let h = styles.get_header();
            cmd = cmd.after_help(format!("{h}{EXAMPLES}{h:#}{examples}"));
        }
    }
    if cmd.has_subcommands() {
        cmd = cmd.subcommand_help_heading(COMMANDS).subcommand_value_name(COMMANDS);
    }
    // clap's usage says `[OPTIONS]` whatever the headings; ours is written once here
    // and then used both by the help and by usage errors.
    let usage = usage(&cmd).replace("[OPTIONS]", "[选项]");
    cmd.override_usage(usage)
}

/// The usage of `cmd`, without clap's heading: `shine advance [选项] --branch <支部>`.
pub fn usage(cmd: &Command) -> String {
    let usage = cmd.clone().render_usage().to_string();
    usage.strip_prefix("Usage: ").unwrap_or(&usage).to_owned()
}

fn localize_arg(arg: Arg) -> Arg {
    match arg.get_action() {
        ArgAction::Help | ArgAction::HelpShort | ArgAction::HelpLong => {
            let arg = arg.help_heading(GLOBAL).help("显示帮助");
            // clap gives a command whose help has a long form two texts for `-h`.
            if arg.get_long_help().is_some() {
                arg.help("显示帮助（--help 显示详细说明）").long_help("显示帮助（-h 只显示摘要）")
            } else {
                arg
            }
        }
        ArgAction::Version => arg.help_heading(GLOBAL).help("显示版本"),
        _ => {
            let arg = described(arg);
            match arg.get_help_heading() {
                Some(_) => arg,
                None if arg.is_positional() => arg.help_heading(ARGUMENTS),
                None => arg.help_heading(OPTIONS),
            }
        }
    }
}

/// The option's description with, in Chinese, what clap would add in English.
fn described(arg: Arg) -> Arg {
    let takes_value = arg.get_num_args().is_some_and(|n| n.takes_values());
    let mut notes = Vec::new();
    if takes_value && !arg.is_hide_possible_values_set() {
        let possible = arg.get_possible_values();
        let values: Vec<&str> = possible.iter().filter(|v| !v.is_hide_set()).map(PossibleValue::get_name).collect();
        if !values.is_empty() {
            notes.push(format!("可选：{}", values.join("、")));
        }
    }
    let defaults: Vec<String> =
        arg.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).filter(|v| !v.is_empty()).collect();
    if takes_value && !arg.is_hide_default_value_set() && !defaults.is_empty() {
        notes.push(format!("不写时为 {}", defaults.join(" ")));
    }
    if let Some(env) = arg.get_env().filter(|_| !arg.is_hide_env_set()) {
        notes.push(format!("也可用环境变量 {}", env.to_string_lossy()));
    }
    let arg = arg.hide_possible_values(true).hide_default_value(true).hide_env(true);
    if notes.is_empty() {
        return arg;
    }
    let notes = format!("（{}）", notes.join("；"));
    let with_notes = |text: Option<&StyledStr>| format!("{}{notes}", text.map(ToString::to_string).unwrap_or_default());
    let help = with_notes(arg.get_help());
    match arg.get_long_help().map(|h| with_notes(Some(h))) {
        Some(long) => arg.help(help).long_help(long),
        None => arg.help(help),
    }
}
