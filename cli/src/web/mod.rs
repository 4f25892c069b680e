//! The web workspace of `shine serve`, under `/work`: people sign in with the accounts
//! of `shine user`, and each sees the pages of their desk — a member their 登记证, their
//! history and the vote; a branch secretary their branch's quarter; a general branch
//! or the Organization Department their level. Every action is a command line built
//! by the page from its form, with the unit and member taken from the account (never
//! from the form), run by the CLI's own code (`command::run`) on the server's store
//! as the account's person in the account's role, exactly as the local admin channel
//! runs a forwarded command: what it prints, or its failure worded as the CLI words
//! it, is what the page shows. Nothing is decided in page code.
//!
//! Concerns: [`session`] (cookies, idle expiry, the account checked on every request),
//! [`csrf`] (a token in every form, same-origin posts), [`throttle`] (failed sign-ins),
//! [`html`] (layout, forms, escaping), `pages/` (one file per desk; a page is a file
//! there and a line in `pages::routes`).

pub mod csrf;
pub mod html;
mod pages;
pub mod session;
pub mod throttle;

use crate::admin::Runner;
use crate::args::{Cli, Global};
use crate::context::Context;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Router;
use clap::FromArgMatches;
use shine_engine::domain::{MemberId, UnitId};
use shine_engine::ops::Shine;
use shine_engine::state::users::Account;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// Where the workspace lives, and its stylesheet.
pub const HOME: &str = "/work";
pub const STYLE: &str = "/work/style.css";
pub const LOGIN: &str = "/work/login";

/// The pages where a ballot is cast. The request log leaves out who asked for them (the
/// client's address and credential): a line naming the address beside the time of a
/// vote would link the voter's device to the ballot the store keeps in the order cast.
const BALLOT_PAGES: &[&str] = &["/work/me/vote", "/work/vote"];

/// Whether `path` is a page where a ballot is cast.
pub fn casts_ballots(path: &str) -> bool {
    BALLOT_PAGES.iter().any(|page| path == *page || path.strip_prefix(page).is_some_and(|rest| rest.starts_with(['/', '?'])))
}

/// The largest form accepted.
const FORM_LIMIT: usize = 64 * 1024;

/// What the server was started with that every web action runs with too.
#[derive(Debug, Clone)]
pub struct Settings {
    pub store: PathBuf,
    pub rules: Option<PathBuf>,
    pub workflows: Option<PathBuf>,
    /// `--now` of the server: actions are then recorded at that time.
    pub now: Option<String>,
    /// Serving over TLS: cookies are `Secure`, and posts come from `https://`.
    pub tls: bool,
}

impl Settings {
    pub fn of(global: &Global, tls: bool) -> Settings {
        Settings { store: global.store.clone(), rules: global.rules.clone(), workflows: global.workflows.clone(), now: global.now.clone(), tls }
    }
}

pub struct Web {
    pub shine: Shine,
    runner: Runner,
    settings: Settings,
    sessions: session::Sessions,
    throttle: throttle::Throttle,
    /// Voting codes refused on the vote page, per address.
    code_failures: throttle::Throttle,
}

/// Voting codes an address may get wrong before it must wait (a code has 64 bits:
/// guessing is hopeless anyway; this stops trying).
const CODE_FAILURES_FREE: u32 = 20;

/// The workspace's routes, to be merged into the serve router.
pub fn router(shine: Shine, runner: Runner, settings: Settings) -> Router {
    let web = Arc::new(Web { shine, runner, settings, sessions: Default::default(), throttle: Default::default(), code_failures: throttle::Throttle::allowing(CODE_FAILURES_FREE) });
    pages::routes().layer(axum::extract::DefaultBodyLimit::max(FORM_LIMIT)).with_state(web)
}

/// Which pages an account works at, from its role and unit as the workflow files say.
#[derive(Debug, Clone)]
pub enum Desk {
    /// A role acting for one member: their own 登记证.
    Member { branch: UnitId, member: MemberId },
    /// A role acting for a unit where quarters run: the branch's quarter; `level` when
    /// the branch is also a level of the chain whose steps this role takes by hand (a
    /// directly affiliated branch publishes its own stars between filing and
    /// forwarding): its desk has the level's pages too.
    Branch { branch: UnitId, level: bool },
    /// A role acting for a level of the chain above the branches.
    Level { unit: UnitId },
}

/// The person signed in, for a handler.
pub struct Me {
    pub account: Account,
    pub desk: Desk,
    pub csrf: String,
    session: String,
}

impl Me {
    /// The header line: who, in which role, for which unit.
    pub fn line(&self, web: &Web) -> String {
        let role = crate::command::user::role_title(Some(web.shine.current()), &self.account.role);
        format!("{}（{}）· {} · {}", self.account.name, self.account.login, role, web.unit_name(self.account.unit.as_str()))
    }
}

/// A form as posted: its fields in order (a field may repeat).
pub struct Form(Vec<(String, String)>);

impl Form {
    pub fn parse(body: &[u8]) -> Form {
        Form(form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    /// The first value of `name`, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).unwrap_or("")
    }

    /// Every non-empty value of `name`.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, v)| k == name && !v.trim().is_empty()).map(|(_, v)| v.trim().to_owned()).collect()
    }
}

/// What running a command line came to: its text for people, and whether it was done.
pub struct Ran {
    pub done: bool,
    pub text: String,
    /// What `--json` would have printed, when it was done.
    pub json: serde_json::Value,
}

impl Ran {
    /// The block showing it.
    pub fn html(&self) -> String {
        let (class, heading) = if self.done { ("done", "已办理") } else { ("refused", "未能办理") };
        format!("<section id=\"result\" class=\"{class}\"><h2>{heading}</h2>{}</section>", html::printed(&self.text))
    }
}

/// A page to show instead of the one asked for (boxed: it travels in every `Err`).
pub type Refused = Box<Response>;

/// A page or a refusal to show instead.
pub type Answer = std::result::Result<Response, Refused>;

/// Run the handler's work off the async threads (it reads and writes the store).
pub async fn blocking(web: Arc<Web>, work: impl FnOnce(&Web) -> Answer + Send + 'static) -> Response {
    match tokio::task::spawn_blocking(move || work(&web)).await {
        Ok(Ok(r)) => r,
        Ok(Err(r)) => *r,
        Err(_) => notice(StatusCode::INTERNAL_SERVER_ERROR, "服务器内部错误", "请稍后重试；仍不成功请联系管理员查看服务日志"),
    }
}

/// A page saying one thing, with a way back.
pub fn notice(status: StatusCode, title: &str, text: &str) -> Response {
    let body = format!("<section id=\"notice\" class=\"refused\"><p>{}</p><p><a href=\"{HOME}\">返回工作台</a> · <a href=\"{LOGIN}\">登录</a></p></section>", html::esc(text));
    (status, Html(html::page(title, None, &[], &body))).into_response()
}

/// [`notice`], as a refusal.
pub fn refuse(status: StatusCode, title: &str, text: &str) -> Refused {
    Box::new(notice(status, title, text))
}

pub fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_str(to).unwrap_or(HeaderValue::from_static(HOME)))]).into_response()
}

/// A posted request: its headers, the client's address (as the listener saw it) and
/// its form. A body that cannot be read is an empty form (which no check passes).
pub async fn posted_form(request: axum::extract::Request) -> (HeaderMap, Option<IpAddr>, Form) {
    let (parts, body) = request.into_parts();
    let client = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let body = axum::body::to_bytes(body, FORM_LIMIT).await.unwrap_or_default();
    (parts.headers, client, Form::parse(&body))
}

impl Web {
    pub fn unit_name(&self, id: &str) -> String {
        self.shine.org().ok().and_then(|t| t.unit(id).map(|u| u.name.clone())).unwrap_or_else(|| id.to_owned())
    }

    /// The context a command runs in for `account` (or, for reading the clock, none):
    /// the server's store and definitions, the account's person and role.
    fn context(&self, account: Option<&Account>) -> crate::failure::Result<Context> {
        let s = &self.settings;
        let global = Global {
            store: s.store.clone(),
            store_given: true,
            rules: s.rules.clone(),
            workflows: s.workflows.clone(),
            json: false,
            role: account.map(|a| a.role.clone()),
            by: account.map(|a| format!("{}（{}）", a.name, a.login)),
            now: s.now.clone(),
        };
        // No environment of a caller: a web action reads nothing but its form.
        Ok(Context::new(global)?.holding(self.shine.clone(), Default::default()))
    }

    /// The desk of an account: from what its role acts for in the workflow files.
    pub fn desk(&self, account: &Account) -> Desk {
        let (_, for_member) = self.shine.role_units(&account.role);
        let branch = account.unit.clone();
        match &account.member {
            Some(member) if for_member => return Desk::Member { branch, member: member.clone() },
            _ => {}
        }
        let current = self.shine.current();
        let kind = self.shine.org().ok().and_then(|t| t.unit(branch.as_str()).map(|u| u.kind.clone()));
        if kind.as_ref().is_some_and(|k| current.workflow.runs_in(k)) {
            let level = kind.and_then(|k| current.escalation.level_for_kind(&k)).is_some_and(|l| l.role == account.role && current.steps_by_hand(l));
            Desk::Branch { branch, level }
        } else {
            Desk::Level { unit: branch }
        }
    }

    /// The person whose live session the request carries; else the sign-in page (for
    /// a GET) or a refusal (for a POST).
    pub fn me(&self, headers: &HeaderMap) -> std::result::Result<Me, Refused> {
        let gone = || Box::new(see_other(LOGIN));
        let id = session::cookie(headers, session::COOKIE).ok_or_else(gone)?;
        let session = self.sessions.touch(&id, Instant::now()).ok_or_else(gone)?;
        let account = self.shine.account(&session.login).ok().flatten();
        // The store is the truth: a disabled account, or one whose password was reset
        // (or that was disabled and enabled again) since sign-in, has no session.
        match account {
            Some(account) if !account.disabled && account.revision == session.revision => {
                let desk = self.desk(&account);
                Ok(Me { account, desk, csrf: session.csrf, session: id })
            }
            _ => {
                self.sessions.end(&id);
                Err(gone())
            }
        }
    }

    /// The person posting a form of this server, with their session's CSRF token.
    pub fn posted(&self, headers: &HeaderMap, form: &Form) -> std::result::Result<Me, Refused> {
        if !csrf::same_origin(headers, self.scheme()) {
            return Err(refuse(StatusCode::FORBIDDEN, "请求被拒绝", "这个请求不是从本工作台的页面提交的，已拒绝办理。请打开工作台页面重新填写提交。"));
        }
        let me = self.me(headers).map_err(|_| refuse(StatusCode::FORBIDDEN, "请重新登录", "登录已失效（超时、已退出、账号已停用或密码已重设），本次未办理。请重新登录后再提交。"))?;
        if !csrf::same(form.get(csrf::FIELD), &me.csrf) {
            return Err(refuse(StatusCode::FORBIDDEN, "请求被拒绝", "表单校验码不符或缺失，已拒绝办理。请刷新工作台页面后重新填写提交。"));
        }
        Ok(me)
    }

    pub fn scheme(&self) -> &'static str {
        if self.settings.tls { "https" } else { "http" }
    }

    /// Run a command line (without the program name) as `me`, on the server's store,
    /// as the CLI runs it: the global options are the server's and the account's.
    pub fn run(&self, me: &Me, args: &[String]) -> Ran {
        self.run_as(Some(&me.account), args)
    }

    /// Run a command line that needs no one (a vote with a code), as no account.
    pub fn run_as_no_one(&self, args: &[String]) -> Ran {
        self.run_as(None, args)
    }

    fn run_as(&self, account: Option<&Account>, args: &[String]) -> Ran {
        let argv: Vec<String> = std::iter::once("shine".to_owned()).chain(args.iter().cloned()).collect();
        let parsed = crate::help::matches(&argv).and_then(|m| Cli::from_arg_matches(&m).map_err(|e| (e, Box::new(crate::help::command()))));
        let cli = match parsed {
            Ok(cli) => cli,
            Err((e, cmd)) => {
                let os: Vec<std::ffi::OsString> = argv.iter().map(Into::into).collect();
                return Ran { done: false, text: crate::messages::usage::UsageError::new(&e, &cmd, &os).text(), json: serde_json::Value::Null };
            }
        };
        let result = self.context(account).and_then(|ctx| (self.runner)(&ctx, cli.command));
        match result {
            Ok(out) => Ran { done: true, text: out.human, json: out.json },
            Err(failure) => Ran { done: false, text: crate::messages::text(&failure), json: serde_json::Value::Null },
        }
    }

    /// Build the form an `export` command line asks for, as `me`, without writing any
    /// file: its bytes, in the format the `--out` name's extension says, and that name
    /// (the download's). A printed page links the served print stylesheet (the CSP
    /// refuses inline styles). A failure is worded as the CLI words it.
    pub fn export(&self, me: &Me, args: &[String], stylesheet: &str) -> std::result::Result<(Vec<u8>, String, crate::export::Format), String> {
        let argv: Vec<String> = std::iter::once("shine".to_owned()).chain(args.iter().cloned()).collect();
        let cli = crate::help::matches(&argv).and_then(|m| Cli::from_arg_matches(&m).map_err(|e| (e, Box::new(crate::help::command())))).map_err(|(e, cmd)| {
            let os: Vec<std::ffi::OsString> = argv.iter().map(Into::into).collect();
            crate::messages::usage::UsageError::new(&e, &cmd, &os).text()
        })?;
        let crate::args::Command::Export(command) = cli.command else { return Err("只能导出表单。".to_owned()) };
        let built = self.context(Some(&me.account)).and_then(|ctx| {
            let out = crate::export::out_file(&command).out.clone();
            let format = crate::export::Format::of(&out)?;
            let export = crate::export::build(&ctx, &command)?;
            Ok((crate::export::bytes(&export, format, Some(stylesheet))?, out.to_string_lossy().into_owned(), format))
        });
        built.map_err(|failure| crate::messages::text(&failure))
    }

    /// Run a command line for a read view.
    pub fn view(&self, me: &Me, args: &[&str]) -> Ran {
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        self.run(me, &args)
    }

    /// The options of an enum the rules declare for a field, e.g. `("deed", "kind")`:
    /// `(name, shown)`.
    pub fn choices(&self, entity: &str, field: &str) -> Vec<(String, String)> {
        let rules = self.shine.current_rules();
        let Some(e) = rules.field_enum(entity, field) else { return Vec::new() };
        e.variants.iter().map(|v| (v.name.clone(), v.label.clone().unwrap_or_else(|| v.name.clone()))).collect()
    }

    /// The members on a branch's roster now: `(id, "name（id）")`.
    pub fn roster(&self, branch: &UnitId) -> Vec<(String, String)> {
        let Ok(roster) = self.shine.roster(branch) else { return Vec::new() };
        roster.current().map(|m| (m.id.to_string(), format!("{}（{}）", m.name, m.id))).collect()
    }

    /// The latest quarter the branch opened, if any.
    pub fn latest_quarter(&self, branch: &UnitId) -> Option<String> {
        self.shine.quarters(branch).ok().and_then(|q| q.last().map(ToString::to_string))
    }
}

/// `--name=value`: a value that starts with `-` stays a value.
pub fn opt(name: &str, value: &str) -> String {
    format!("--{name}={value}")
}
