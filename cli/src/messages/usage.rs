//! Usage errors: what clap found wrong with the command line, worded in Chinese from
//! the error's kind and context (never from clap's English text, which only shows
//! through for a kind this module does not know), with the command's usage and where
//! to read more. For people on stderr; under `--json` as
//! `{"error": {"code": "usage", "message": …, "usage": …, "help": […]}}` on stdout,
//! the shape of every failure (`messages`). Exit code 2.
//!
//! Help and version, which clap also hands over as errors, are printed as clap
//! renders them (in Chinese, see `help`).

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::Command;
use std::error::Error as _;
use std::ffi::OsString;
use std::process::ExitCode;

/// A usage error, worded.
#[derive(Debug)]
pub struct UsageError {
    /// What is wrong, in one line.
    message: String,
    /// What may be meant instead, one suggestion a line.
    tips: Vec<String>,
    /// The usage of the (sub)command the error is about, without heading.
    usage: String,
    /// That command as typed: `shine chain pick`.
    command: String,
}

/// Print `error` as it should be shown and say with which code to exit.
pub fn report(error: &clap::Error, cmd: &Command, args: &[OsString]) -> ExitCode {
    let code = ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
    let json = wants_json(args);
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            // A reader that stops early (`shine --help | head`) is not an error of ours.
            let _ = error.print();
            return code;
        }
        // `shine chain` alone: the help of `chain`, as clap would print it.
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand if !json => {
            let _ = error.print();
            return code;
        }
        _ => {}
    }
    let worded = UsageError::new(error, cmd, args);
    if json {
        println!("{}", serde_json::to_string_pretty(&worded.json()).unwrap_or_default());
    } else {
        eprintln!("{}", crate::render::terminal_safe(&worded.text()));
    }
    code
}

/// `--json` anywhere before a `--` that ends the options.
fn wants_json(args: &[OsString]) -> bool {
    args.iter().skip(1).take_while(|a| *a != "--").any(|a| a == "--json")
}

impl UsageError {
    pub fn new(error: &clap::Error, cmd: &Command, args: &[OsString]) -> UsageError {
        let sub = typed_subcommand(cmd, args);
        let command = sub.get_bin_name().unwrap_or("shine").to_owned();
        let usage = crate::help::usage(sub);
        let mut tips = Vec::new();
        let message = message(error, sub, args, &mut tips);
        UsageError { message, tips, usage, command }
    }

    /// For people, laid out as every failure is (`messages`): the message, the tips
    /// and the usage under it, and what to do next.
    pub fn text(&self) -> String {
        let mut s = format!("错误：{}\n", self.message);
        for tip in &self.tips {
            s.push_str(&format!("  {tip}\n"));
        }
        s.push_str(&format!("  用法：{}\n下一步：{}", self.usage, self.next()));
        s
    }

    /// The one shape of every `--json` error (`messages`), for a usage error.
    pub fn json(&self) -> serde_json::Value {
        let message = std::iter::once(self.message.as_str()).chain(self.tips.iter().map(String::as_str)).collect::<Vec<_>>().join("；");
        serde_json::json!({ "error": { "code": "usage", "message": message, "usage": self.usage, "help": [self.next()] } })
    }

    fn next(&self) -> String {
        format!("运行 `{} --help` 查看说明和示例", self.command)
    }
}

/// The deepest subcommand named on the command line: `chain pick` in
/// `shine --store s chain pick --bad`. Option values are skipped, so that a store
/// named `chain` is not taken for the command.
fn typed_subcommand<'a>(cmd: &'a Command, args: &[OsString]) -> &'a Command {
    let mut current = cmd;
    let mut rest = args.iter().skip(1);
    while let Some(arg) = rest.next() {
        let Some(text) = arg.to_str() else { break };
        if text == "--" {
            break;
        }
        if let Some(long) = text.strip_prefix("--") {
            let takes_value = !long.contains('=')
                && current.get_arguments().any(|a| a.get_long() == Some(long) && a.get_num_args().is_some_and(|n| n.takes_values()));
            if takes_value {
                rest.next();
            }
            continue;
        }
        if text.starts_with('-') {
            continue;
        }
        // `shine help chain x` is about `shine chain`; clap's `help` has no `--help` to point to.
        if text == "help" {
            continue;
        }
        match current.find_subcommand(text) {
            Some(sub) => current = sub,
            None => break,
        }
    }
    current
}

/// The message for `error`; suggestions go to `tips`.
fn message(error: &clap::Error, sub: &Command, args: &[OsString], tips: &mut Vec<String>) -> String {
    let command = sub.get_bin_name().unwrap_or("shine");
    let arg = string(error, ContextKind::InvalidArg);
    let value = string(error, ContextKind::InvalidValue);
    let message = match error.kind() {
        ErrorKind::UnknownArgument => match arg {
            // A credential on the command line is readable by every local user; the
            // value is never echoed.
            Some(a) if (a == "--token" || a.starts_with("--token=")) && !after_double_dash(args, a) => {
                tips.push("把凭据存入只有本用户可读的文件（`chmod 600`），用 `--token-file 文件` 指定，或放在环境变量 SHINE_TOKEN 中".to_owned());
                tips.push("已在命令行上写过的凭据可能已被看到，请对方吊销（`shine token revoke`）后重新发放".to_owned());
                return "不接受 `--token`：命令行上的凭据本机所有用户都能看到".to_owned();
            }
            Some(a) if a.starts_with('-') && !after_double_dash(args, a) => format!("没有选项 `{a}`"),
            Some(a) => format!("多余的参数 `{a}`"),
            None => "命令行中有多余的内容".to_owned(),
        },
        ErrorKind::InvalidSubcommand => match string(error, ContextKind::InvalidSubcommand) {
            Some(sub) => format!("`{command}` 没有子命令 `{sub}`"),
            None => format!("`{command}` 没有这个子命令"),
        },
        ErrorKind::InvalidValue => {
            let values = strings(error, ContextKind::ValidValue);
            if !values.is_empty() {
                tips.push(format!("可选：{}", values.join("、")));
            }
            match (arg, value) {
                (Some(a), Some("")) => format!("`{a}` 需要写一个值"),
                (Some(a), Some(v)) => format!("`{a}` 不能是 `{v}`"),
                _ => "有一个值不在可选范围内".to_owned(),
            }
        }
        ErrorKind::ValueValidation => {
            let why = error.source().map(|e| match e.downcast_ref::<std::num::ParseIntError>().map(std::num::ParseIntError::kind) {
                Some(std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow) => "数值超出范围".to_owned(),
                Some(_) => "应当是整数".to_owned(),
                None => e.to_string(),
            });
            let what = match (arg, value) {
                (Some(a), Some(v)) => format!("`{a}` 不能是 `{v}`"),
                _ => "有一个值无效".to_owned(),
            };
            match why {
                Some(why) => format!("{what}：{why}"),
                None => what,
            }
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必填的 {}", quoted(&strings(error, ContextKind::InvalidArg))),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let subs: Vec<&str> = sub.get_subcommands().filter(|s| !s.is_hide_set()).map(Command::get_name).collect();
            if !subs.is_empty() {
                tips.push(format!("可用的子命令：{}", subs.join("、")));
            }
            format!("`{command}` 后面要写一个子命令")
        }
        ErrorKind::ArgumentConflict => {
            let prior = strings(error, ContextKind::PriorArg);
            let this = arg.or(string(error, ContextKind::InvalidSubcommand));
            match this {
                Some(a) if prior.len() == 1 && prior[0] == a => format!("`{a}` 只能写一次"),
                Some(a) if !prior.is_empty() => format!("`{a}` 不能和 {} 同时使用", quoted(&prior)),
                Some(a) => format!("`{a}` 不能和其他已写的选项同时使用"),
                None => "有几个选项不能同时使用".to_owned(),
            }
        }
        ErrorKind::NoEquals => match arg {
            Some(a) => format!("`{a}` 的值要用等号写，如 `{a}=值`"),
            None => "选项的值要用等号写".to_owned(),
        },
        ErrorKind::TooManyValues => match (arg, value) {
            (Some(a), Some(v)) => format!("`{a}` 多了一个值 `{v}`"),
            _ => "有选项写了多余的值".to_owned(),
        },
        ErrorKind::TooFewValues => match (arg, number(error, ContextKind::MinValues), number(error, ContextKind::ActualNumValues)) {
            (Some(a), Some(min), Some(actual)) => format!("`{a}` 至少要写 {min} 个值，只写了 {actual} 个"),
            _ => "有选项写的值太少".to_owned(),
        },
        ErrorKind::WrongNumberOfValues => match (arg, number(error, ContextKind::ExpectedNumValues), number(error, ContextKind::ActualNumValues)) {
            (Some(a), Some(expected), Some(actual)) => format!("`{a}` 要写 {expected} 个值，写了 {actual} 个"),
            _ => "有选项写的值的个数不对".to_owned(),
        },
        ErrorKind::InvalidUtf8 => "命令行中有无法识别的字符（不是 UTF-8 编码）".to_owned(),
        // Io, Format and kinds clap may add later: clap's own words, for want of ours.
        _ => format!("命令行有误：{}", clap_line(error)),
    };
    // clap lists the likeliest last.
    let similar: Vec<String> = strings(error, ContextKind::SuggestedSubcommand).iter().rev().map(|s| format!("`{command} {s}`")).collect();
    if !similar.is_empty() {
        tips.push(format!("是否要用 {}？", similar.join(" 或 ")));
    }
    for suggested in strings(error, ContextKind::SuggestedArg) {
        tips.push(format!("是否要用 `{suggested}`？"));
    }
    for suggested in strings(error, ContextKind::SuggestedValue) {
        tips.push(format!("是否要写 `{suggested}`？"));
    }
    if let Some(ContextValue::StyledStrs(suggested)) = error.get(ContextKind::Suggested) {
        tips.extend(suggested.iter().map(|s| tip(&s.to_string())));
    }
    message
}

/// Whether `arg` was written after a `--`, where it is a value, not an option.
fn after_double_dash(args: &[OsString], arg: &str) -> bool {
    args.iter().skip_while(|a| *a != "--").skip(1).any(|a| a == arg)
}

/// One of clap's free-text tips, in Chinese when it is one clap is known to give.
fn tip(english: &str) -> String {
    let quoted: Vec<&str> = english.split('\'').skip(1).step_by(2).collect();
    match quoted.as_slice() {
        [value, written] if english.starts_with("to pass ") => format!("若 `{value}` 是要填写的值，写作 `{written}`"),
        [option] if english.ends_with("' exists") => format!("`{option}` 可以这样写"),
        [sub, _] if english.starts_with("subcommand ") => format!("有子命令 `{sub}`：去掉它前面的 `--`"),
        _ => english.to_owned(),
    }
}

/// The first line of clap's own message, without its `error: `.
fn clap_line(error: &clap::Error) -> String {
    let text = error.render().to_string();
    let line = text.lines().next().unwrap_or_default();
    line.strip_prefix("error: ").unwrap_or(line).to_owned()
}

fn string(error: &clap::Error, kind: ContextKind) -> Option<&str> {
    match error.get(kind) {
        Some(ContextValue::String(s)) => Some(s),
        _ => None,
    }
}

/// A context value that is one or more strings.
fn strings(error: &clap::Error, kind: ContextKind) -> Vec<&str> {
    match error.get(kind) {
        Some(ContextValue::String(s)) => vec![s.as_str()],
        Some(ContextValue::Strings(v)) => v.iter().map(String::as_str).collect(),
        _ => Vec::new(),
    }
}

fn number(error: &clap::Error, kind: ContextKind) -> Option<isize> {
    match error.get(kind) {
        Some(ContextValue::Number(n)) => Some(*n),
        _ => None,
    }
}

/// `` `a`、`b` ``
fn quoted(items: &[&str]) -> String {
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join("、")
}
