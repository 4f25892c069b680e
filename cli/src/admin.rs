//! The local admin channel of `shine serve`. While the server runs it holds the store,
//! so another `shine` process cannot open it; a command that may run while the store
//! is served is sent to the server instead, which runs it in its own process on the
//! store it holds — the same command code, the same engine operation — and sends back
//! what the command printed, for people and as JSON, which the caller prints as if it
//! had run the command itself.
//!
//! The channel listens on loopback only, on a port of its own; `<store>/serve.json`
//! (readable by the store's owner only) names it with a random secret, which every
//! request carries and the server compares in constant time: reading that file is what
//! makes the caller the local administrator. What travels is the command line (paths
//! made absolute) and the caller's user name. Which commands are forwarded is decided by
//! [`forwardable`]: every command on the store except those that would take the store
//! from under the server.

use crate::args::{Cli, Command, StoreCommand};
use crate::command::remote::TOKEN_ENV;
use crate::context::Context;
use crate::failure::{Failure, Result};
use crate::render::Output;
use crate::serve_file::{AdminEntry, ServeFile};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use clap::parser::ValueSource;
use clap::FromArgMatches;
use serde::{Deserialize, Serialize};
use shine_engine::ops::Shine;
use std::any::TypeId;
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// The route a forwarded command is posted to.
pub const RUN: &str = "/admin/v1/run";

/// Whether `command` runs in the server's process while the store is served: every
/// command on the store, so that one store has two ways in, except a second server, a
/// demo (which builds its own store) and a restore (which replaces the store); and the
/// commands that never open a store (completions, manual page, the clauses, import
/// templates), which run where they are typed.
pub fn forwardable(command: &Command) -> bool {
    !matches!(
        command,
        Command::Serve { .. }
            | Command::Demo { .. }
            | Command::Store(StoreCommand::Restore { .. })
            | Command::Completions { .. }
            | Command::Template { .. }
            | Command::Man { .. }
            | Command::Clauses
    )
}

/// The environment variables commands read themselves (not through clap), which travel
/// with a forwarded command; `true` for a path.
const CALLER_ENV: &[(&str, bool)] = &[(TOKEN_ENV, false), ("SHINE_CA", true)];

/// A command sent to the server.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Forward {
    /// The command line, program name first, as [`travelling`] makes it.
    pub args: Vec<String>,
    /// Who runs it when `--by` is not given (the caller's login name).
    pub user: Option<String>,
    /// The caller's values of [`CALLER_ENV`].
    #[serde(default)]
    pub env: BTreeMap<String, String>,
}

/// What the command printed in the server's process.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ran {
    /// It succeeded: its output for people and as JSON.
    Done { human: String, json: serde_json::Value },
    /// It failed: the failure for people (stderr) and as JSON (stdout under `--json`).
    Failed { text: String, json: serde_json::Value },
}

// ---- the server's side -------------------------------------------------------------

/// The admin endpoint of a server: its loopback listener and its secret.
pub struct Endpoint {
    listener: tokio::net::TcpListener,
    secret: String,
}

impl Endpoint {
    /// Listen on a free loopback port with a new random secret.
    pub async fn bind() -> Result<Endpoint> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| crate::fail!("listen", help = "检查本机回环地址 127.0.0.1 是否可用", "无法为本机管理接口监听回环地址：{e}"))?;
        let mut bytes = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut bytes);
        Ok(Endpoint { listener, secret: hex::encode(bytes) })
    }

    /// What `serve.json` says of it.
    pub fn entry(&self) -> Result<AdminEntry> {
        let address = self.listener.local_addr().map_err(|e| crate::fail!("listen", "无法取得本机管理接口的地址：{e}"))?;
        Ok(AdminEntry { url: format!("http://{address}"), secret: self.secret.clone() })
    }

    /// Serve forwarded commands on `shine` until `stop` completes, each run by `runner`
    /// (the CLI's own dispatch, handed in by its caller so that this channel depends on
    /// no command).
    pub async fn serve(self, shine: Shine, runner: Runner, stop: impl std::future::Future<Output = ()> + Send + 'static) {
        let state = Arc::new(Admin { shine, secret: self.secret, runner });
        let router = Router::new().route(RUN, post(run)).with_state(state);
        if let Err(e) = axum::serve(self.listener, router).with_graceful_shutdown(stop).await {
            eprintln!("shine serve: 本机管理接口异常退出：{e}");
        }
    }
}

/// How a command is run: `command::run`.
pub type Runner = fn(&Context, crate::args::Command) -> Result<Output>;

struct Admin {
    shine: Shine,
    secret: String,
    runner: Runner,
}

fn refuse(status: StatusCode, message: &str) -> Response {
    let body = crate::api::ApiError { error: crate::api::ApiErrorBody { code: "admin".into(), message: message.into() } };
    (status, Json(body)).into_response()
}

async fn run(State(admin): State<Arc<Admin>>, headers: HeaderMap, body: Bytes) -> Response {
    let given = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).unwrap_or("");
    if !bool::from(subtle::ConstantTimeEq::ct_eq(given.as_bytes(), admin.secret.as_bytes())) {
        return refuse(StatusCode::UNAUTHORIZED, "管理密钥不符");
    }
    let Ok(forward) = serde_json::from_slice::<Forward>(&body) else {
        return refuse(StatusCode::BAD_REQUEST, "请求体不是有效的命令");
    };
    let work = tokio::task::spawn_blocking(move || ran(&admin.shine, admin.runner, forward)).await;
    match work {
        Ok(Ok(ran)) => Json(ran).into_response(),
        Ok(Err(message)) => refuse(StatusCode::UNPROCESSABLE_ENTITY, &message),
        Err(_) => refuse(StatusCode::INTERNAL_SERVER_ERROR, "服务器内部错误，请查看服务日志"),
    }
}

/// Run a forwarded command line on the store the server holds.
fn ran(shine: &Shine, runner: Runner, forward: Forward) -> std::result::Result<Ran, String> {
    let matches = crate::help::matches(&forward.args).map_err(|(e, _)| format!("命令行有误：{}", e.kind()))?;
    let mut cli = Cli::from_arg_matches(&matches).map_err(|e| format!("命令行有误：{}", e.kind()))?;
    if !forwardable(&cli.command) {
        return Err("该命令不能通过本机管理接口办理".to_owned());
    }
    if cli.global.by.is_none() {
        cli.global.by = forward.user;
    }
    let result = Context::new(cli.global).and_then(|ctx| runner(&ctx.holding(shine.clone(), forward.env), cli.command));
    Ok(match result {
        Ok(Output { human, json }) => Ran::Done { human, json },
        Err(failure) => Ran::Failed { text: crate::messages::text(&failure), json: crate::messages::json(&failure) },
    })
}

// ---- the caller's side -------------------------------------------------------------

/// When the store is served and `command` may be forwarded: send it to the server,
/// print what it answers and say with which code to exit. `None` when the command is to
/// run here (not forwardable, or no server answers on the store: one that stopped
/// without removing `serve.json` is not running).
pub fn forward(cli: &Cli, args: &[OsString]) -> Option<ExitCode> {
    if !forwardable(&cli.command) {
        return None;
    }
    let store = &cli.global.store;
    let server = ServeFile::read(store)?;
    let admin = server.admin.as_ref()?;
    // A command line that is not UTF-8 cannot travel as text; it runs here.
    let args: Vec<&str> = args.iter().map(|a| a.to_str()).collect::<Option<_>>()?;
    let cwd = std::env::current_dir().unwrap_or_default();
    let env = CALLER_ENV
        .iter()
        .filter_map(|(name, is_path)| {
            let value = std::env::var(name).ok()?;
            Some((name.to_string(), if *is_path { cwd.join(value).display().to_string() } else { value }))
        })
        .collect();
    let forward = Forward { args: travelling(&args), user: std::env::var("USER").ok(), env };
    let agent = ureq::AgentBuilder::new().timeout_connect(Duration::from_secs(2)).timeout(Duration::from_secs(600)).build();
    let answer = agent.post(&format!("{}{RUN}", admin.url)).set("Authorization", &format!("Bearer {}", admin.secret)).send_json(&forward);
    let failed = |failure: Failure| {
        crate::render::error(&failure, cli.global.json);
        Some(ExitCode::FAILURE)
    };
    match answer {
        Ok(response) => match response.into_json::<Ran>() {
            Ok(Ran::Done { human, json }) => {
                crate::render::output(&Output { human, json }, cli.global.json);
                Some(ExitCode::SUCCESS)
            }
            Ok(Ran::Failed { text, json }) => {
                crate::render::printed_error(&text, &json, cli.global.json);
                Some(ExitCode::FAILURE)
            }
            Err(e) => failed(unsure(&server, &e.to_string())),
        },
        // Nothing listens: the server is gone; the command runs here.
        Err(ureq::Error::Transport(t)) if t.kind() == ureq::ErrorKind::ConnectionFailed => None,
        Err(ureq::Error::Transport(t)) => failed(unsure(&server, &t.to_string())),
        Err(ureq::Error::Status(code, response)) => {
            let reason = response.into_json::<crate::api::ApiError>().map(|e| e.error.message).unwrap_or_default();
            failed(crate::fail!(
                "admin_refused",
                help = format!("重启 `shine serve`（进程 {}）后重试", server.pid),
                "本机的 `shine serve`（{}）拒绝办理（{code}）：{reason}",
                server.url
            ))
        }
    }
}

/// The answer was lost on the way: the command may or may not have been done.
fn unsure(server: &ServeFile, why: &str) -> Failure {
    crate::fail!(
        "admin_lost",
        help = "先用查看命令（如 `shine status`、`shine token list`）确认是否已办理；重新运行同一命令是安全的，已办理的不会重复记录",
        "已把命令交给本机的 `shine serve`（进程 {}），但未收到完整答复：{why}",
        server.pid
    )
}

/// The command line as it travels. The server runs neither in the caller's directory
/// nor with the caller's environment, so every value clap reads as a path is made
/// absolute, and every value the environment gave (`SHINE_ROLE`, `SHINE_NOW`, …) is
/// written out as an option. Which arguments are paths is clap's own knowledge (their
/// value parser), found through the matches, so a path argument added later travels
/// right without a list kept here.
fn travelling(args: &[&str]) -> Vec<String> {
    // `--option=value` split in two, so that clap's indices are positions in `out`;
    // nothing after a bare `--` is an option.
    let mut out: Vec<String> = Vec::with_capacity(args.len());
    for arg in args {
        let options_ended = out.iter().any(|a| a == "--");
        match arg.split_once('=') {
            Some((option, value)) if option.starts_with("--") && option.len() > 2 && !out.is_empty() && !options_ended => {
                out.push(option.to_owned());
                out.push(value.to_owned());
            }
            _ => out.push((*arg).to_owned()),
        }
    }
    let mut cmd = crate::help::command();
    let Ok(matches) = cmd.try_get_matches_from_mut(&out) else { return out };
    let cwd = std::env::current_dir().unwrap_or_default();
    let absolute = |value: &str| {
        let path = Path::new(value);
        if path.is_absolute() { value.to_owned() } else { cwd.join(path).display().to_string() }
    };
    let (mut made_absolute, mut from_env) = (BTreeSet::new(), BTreeSet::new());
    let mut extra = Vec::new();
    // Each subcommand's matches count positions from its own name: `base` is where it is.
    let (mut level, mut found, mut base) = (&cmd, &matches, 0);
    loop {
        let mut values_here = BTreeSet::new();
        for arg in level.get_arguments() {
            let id = arg.get_id().as_str();
            let is_path = arg.get_value_parser().type_id() == TypeId::of::<PathBuf>();
            // A global option's value is seen at every level, with positions that are
            // not this level's: it is found by its name instead, below.
            let global = arg.is_global_set();
            let at: Vec<usize> = if global { Vec::new() } else { found.indices_of(id).into_iter().flatten().map(|i| base + i).collect() };
            values_here.extend(at.iter().copied());
            if global && is_path {
                if let Some(long) = arg.get_long() {
                    let option = format!("--{long}");
                    made_absolute.extend((1..out.len()).filter(|i| out[i - 1] == option));
                }
            }
            match found.value_source(id) {
                Some(ValueSource::CommandLine) if is_path => made_absolute.extend(at),
                Some(ValueSource::EnvVariable) if from_env.insert(id.to_owned()) => {
                    let (Some(long), Some(values)) = (arg.get_long(), found.get_raw(id)) else { continue };
                    for value in values.filter_map(|v| v.to_str()) {
                        extra.push(format!("--{long}"));
                        extra.push(if is_path { absolute(value) } else { value.to_owned() });
                    }
                }
                _ => {}
            }
        }
        let Some((name, sub)) = found.subcommand() else { break };
        let Some(next) = level.find_subcommand(name) else { break };
        let names: Vec<&str> = std::iter::once(next.get_name()).chain(next.get_all_aliases()).collect();
        let Some(at) = (base + 1..out.len()).find(|i| !values_here.contains(i) && names.contains(&out[*i].as_str())) else { break };
        (level, found, base) = (next, sub, at);
    }
    for i in made_absolute {
        if let Some(value) = out.get_mut(i) {
            *value = absolute(value);
        }
    }
    out.extend(extra);
    out
}

#[cfg(test)]
mod tests {
    use super::travelling;

    fn here(path: &str) -> String {
        std::env::current_dir().expect("a working directory").join(path).display().to_string()
    }

    #[test]
    fn a_forwarded_command_line_carries_its_paths_absolute_and_what_the_environment_gave() {
        let args = ["shine", "--store", "数据", "roster", "import", "--branch", "b1", "名单.csv", "--apply"];
        let sent = travelling(&args);
        assert_eq!(sent, ["shine", "--store", &here("数据"), "roster", "import", "--branch", "b1", &here("名单.csv"), "--apply"]);
        // `--option=value` travels as two words; a value that is not a path stays as typed.
        let sent = travelling(&["shine", "display", "--quarter=2026Q4", "--out=公示.html"]);
        assert_eq!(sent, ["shine", "display", "--quarter", "2026Q4", "--out", &here("公示.html")]);
        let absolute = here("x.html");
        assert_eq!(travelling(&["shine", "display", "--quarter", "2026Q4", "--out", &absolute]).last(), Some(&absolute));
        // After a bare `--` every word is a value, kept as typed.
        let sent = travelling(&["shine", "ballot", "vote", "--branch", "b1", "--code", "K7QX", "--", "--张=三"]);
        assert_eq!(sent[7..], ["--".to_owned(), "--张=三".to_owned()]);

        // What the environment gave is written out (in this one test: no other test of
        // this binary sets or reads SHINE_WORKFLOWS).
        std::env::set_var("SHINE_WORKFLOWS", "流程");
        let sent = travelling(&["shine", "status", "--branch", "b1"]);
        std::env::remove_var("SHINE_WORKFLOWS");
        assert_eq!(sent[4..], ["--workflows".to_owned(), here("流程")]);
    }
}
