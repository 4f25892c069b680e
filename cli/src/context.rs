//! The checked configuration of one run: where the store is, which definitions are
//! in force (a `rules/` directory or the embedded defaults), who acts and when.

use crate::args::Global;
use crate::failure::{EdgeError, Failure, Result};
use crate::serve_file::ServeFile;
use shine_engine::domain::{Actor, Quarter, Timestamp};
use shine_engine::ops::{Archive, Current, Definitions, Shine};
use shine_engine::refusal::Refusal;
use shine_engine::rules::SourceFile;
use shine_engine::store::{Store, StoreError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// Where a set of definition files came from, for messages.
#[derive(Debug, Clone)]
pub enum Origin {
    Dir(PathBuf),
    Embedded,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Dir(p) => write!(f, "{}", p.display()),
            Origin::Embedded => write!(f, "内置默认"),
        }
    }
}

pub struct Context {
    pub global: Global,
    /// When the command acts: `--now`, else the clock; checked once here.
    now: chrono::DateTime<chrono::FixedOffset>,
    /// The store as `shine serve` holds it, for a command forwarded to the server
    /// (`admin`): the command acts on it, under the server's definitions.
    held: Option<Shine>,
    /// The caller's environment variables a command reads itself, for a forwarded
    /// command (`admin::CALLER_ENV`): the server's own environment is not the caller's.
    caller_env: BTreeMap<String, String>,
}

/// The engine for a command on the store: with the current definitions when they
/// check, else the archive alone together with why not.
pub enum Engine {
    Current(Shine),
    /// The current definitions do not load (already reported as a warning).
    Archive(Archive),
}

impl Engine {
    pub fn archive(&self) -> &Archive {
        match self {
            Engine::Current(shine) => shine,
            Engine::Archive(archive) => archive,
        }
    }

    pub fn current(&self) -> Option<&Current> {
        match self {
            Engine::Current(shine) => Some(shine.current()),
            Engine::Archive(_) => None,
        }
    }
}

impl Context {
    pub fn new(global: Global) -> Result<Context> {
        let now = match global.now.as_deref() {
            None => beijing_now(),
            Some(text) => parse_now(text).map(|t| t.with_timezone(&beijing())).ok_or_else(|| {
                crate::fail!("bad_time", help = "写作 2026-12-10T10:00:00+08:00，或只写日期 2026-12-10", "`--now {text}` 不是有效的时间")
            })?,
        };
        Ok(Context { global, now, held: None, caller_env: BTreeMap::new() })
    }

    /// This context acting on the store a server holds, not opening it.
    pub fn holding(self, shine: Shine, caller_env: BTreeMap<String, String>) -> Context {
        Context { held: Some(shine), caller_env, ..self }
    }

    /// The value of an environment variable the command reads as the caller's: the
    /// caller's own when the command was forwarded, else this process's.
    pub fn caller_env(&self, name: &str) -> Option<String> {
        match self.held {
            Some(_) => self.caller_env.get(name).cloned(),
            None => std::env::var(name).ok(),
        }
    }

    /// Who acts: `--by` (else the login name), in the role `--as` names (by id or by
    /// its title, e.g. `党员`), else the quarter workflow's default role.
    pub fn actor(&self, current: Option<&Current>) -> Result<Actor> {
        let role = match &self.global.role {
            Some(given) => resolve_role(current, given)?,
            None => default_role(current),
        };
        Ok(self.actor_in(role))
    }

    /// Who reads, for what a role may not see (`restricted` in the workflow file): the
    /// role `--as` names (by id or title), or `None` — the administrator at the
    /// terminal, or a command without `--as` — who sees everything.
    pub fn viewer(&self, current: Option<&Current>) -> Result<Option<String>> {
        self.global.role.as_deref().map(|given| resolve_role(current, given)).transpose()
    }

    /// The actor for a chain step: `--as` when given, else the acting level's role.
    pub fn actor_as(&self, current: &Current, level_role: &str) -> Result<Actor> {
        let role = match &self.global.role {
            Some(given) => resolve_role(Some(current), given)?,
            None => level_role.to_owned(),
        };
        Ok(self.actor_in(role))
    }

    fn actor_in(&self, role: String) -> Actor {
        let who = self.global.by.clone().or_else(|| std::env::var("USER").ok()).unwrap_or_else(|| "shine".into());
        Actor { who, role, at: Timestamp::new(self.now) }
    }

    pub fn today(&self) -> chrono::NaiveDate {
        self.now.date_naive()
    }

    /// A quarter as typed: `2026Q4`.
    pub fn quarter(&self, text: &str) -> Result<Quarter> {
        text.trim().parse::<Quarter>().map_err(|e| Failure::from(Refusal::from(e)))
    }

    pub fn quarter_opt(&self, text: Option<&str>) -> Result<Option<Quarter>> {
        text.map(|t| self.quarter(t)).transpose()
    }

    /// The rule files: `--rules`, else `./rules` if present, else the embedded defaults.
    pub fn rule_files(&self) -> Result<(Origin, Vec<SourceFile>)> {
        load_dir(self.global.rules.as_deref(), "rules", "shine", embedded::RULES)
    }

    /// The quarter workflow file `quarter.ron`, found the same way.
    pub fn workflow_file(&self) -> Result<(Origin, SourceFile)> {
        self.workflows_file("quarter.ron", "季度流程文件")
    }

    /// The escalation file `escalation.ron`, found the same way.
    pub fn escalation_file(&self) -> Result<(Origin, SourceFile)> {
        self.workflows_file("escalation.ron", "逐级报送流程文件")
    }

    fn workflows_file(&self, name: &str, what: &str) -> Result<(Origin, SourceFile)> {
        let (origin, files) = load_dir(self.global.workflows.as_deref(), "workflows", "ron", embedded::WORKFLOWS)?;
        let file = files
            .into_iter()
            .find(|f| f.name.ends_with(name))
            .ok_or_else(|| crate::fail!("file_missing", help = "从仓库的 workflows/ 复制该文件", "{origin} 中没有{what} `{name}`"))?;
        Ok((origin, file))
    }

    /// The working-day calendar `calendar.ron`: the administrator's copy beside the
    /// workflows, else the one built in (a `workflows/` directory made before the
    /// calendar existed keeps working).
    pub fn calendar_file(&self) -> Result<(Origin, SourceFile)> {
        match self.workflows_file("calendar.ron", "工作日历") {
            Ok(found) => Ok(found),
            Err(_) => {
                let builtin = embedded(embedded::WORKFLOWS).into_iter().find(|f| f.name.ends_with("calendar.ron"));
                let file = builtin.ok_or_else(|| crate::fail!("file_missing", help = "从仓库的 workflows/ 复制该文件", "没有工作日历 `calendar.ron`"))?;
                Ok((Origin::Embedded, file))
            }
        }
    }

    pub fn definitions(&self) -> Result<Definitions> {
        Ok(Definitions {
            rules: self.rule_files()?.1,
            workflow: self.workflow_file()?.1,
            escalation: self.escalation_file()?.1,
            calendar: self.calendar_file()?.1,
        })
    }

    /// The store, opened for this process alone. A store held by `shine serve` is
    /// refused at once with the server's process and address (from `serve.json`).
    pub fn store(&self) -> Result<Store> {
        if let Some(held) = &self.held {
            return Ok(held.store().clone());
        }
        let path = &self.global.store;
        Store::open(path).map_err(|e| match (&e, ServeFile::read(path)) {
            (StoreError::Locked { .. }, Some(server)) => Failure::Edge(
                EdgeError::new(
                    "store_served",
                    format!("存储 `{}` 正由 `shine serve`（进程 {}，{}）使用；本命令要独占存储，不能在服务运行时办理", path.display(), server.pid, server.url),
                )
                .help(format!(
                    "先停止该服务（在其终端按 Ctrl-C，或 `kill {}`）再运行本命令（服务运行时，其他命令都由服务代为办理；只有再启动一个服务、恢复备份需要先停止它）；上级单位可通过服务拉取：shine pull --from {} --token-file <凭据文件>",
                    server.pid, server.url
                )),
            ),
            _ => e.into(),
        })
    }

    /// The engine with the current definitions checked and attached: for commands
    /// that act under the current `rules/` (opening a quarter, imports, the chain).
    /// Broken definitions are refused here with every error and its location.
    pub fn shine(&self) -> Result<Shine> {
        if let Some(held) = &self.held {
            return Ok(held.clone());
        }
        let defs = self.definitions()?;
        Archive::new(self.store()?).with_definitions(defs).map_err(|(_, refusal)| refusal.into())
    }

    /// The engine for commands on quarters already open: they run under the rules and
    /// workflow stored with the quarter, so a broken `rules/` does not stop them; it
    /// is reported as a warning on standard error.
    pub fn engine(&self) -> Result<Engine> {
        if let Some(held) = &self.held {
            return Ok(Engine::Current(held.clone()));
        }
        Ok(self.engine_on(self.store()?))
    }

    /// The same over a store already open (one being restored, before it is in place).
    pub fn engine_on(&self, store: Store) -> Engine {
        let archive = Archive::new(store);
        let defs = match self.definitions() {
            Ok(defs) => defs,
            Err(failure) => {
                warn(&failure);
                return Engine::Archive(archive);
            }
        };
        match archive.with_definitions(defs) {
            Ok(shine) => Engine::Current(shine),
            Err((archive, refusal)) => {
                warn(&refusal.into());
                Engine::Archive(archive)
            }
        }
    }
}

/// A problem with the current definitions while a command runs under stored ones.
fn warn(failure: &Failure) {
    eprintln!("注意：当前规则或流程文件未能载入，本命令按季度开启时保存的规则和流程办理。\n{}", crate::render::terminal_safe(&crate::messages::text(failure)));
}

/// A role by id or by title, from the quarter workflow or the escalation chain.
fn resolve_role(current: Option<&Current>, given: &str) -> Result<String> {
    let given = given.trim();
    let Some(c) = current else { return Ok(given.to_owned()) };
    let found = c.workflow.role_named(given).or_else(|| c.escalation.role_named(given)).map(|r| r.id.clone());
    found.ok_or_else(|| {
        let mut known: Vec<shine_engine::refs::RoleRef> = Vec::new();
        for r in c.workflow.roles.iter().chain(&c.escalation.roles) {
            if !known.iter().any(|k| k.id == r.id) {
                known.push(shine_engine::refs::RoleRef { id: r.id.clone(), title: r.title.clone() });
            }
        }
        Refusal::new(shine_engine::refusal::Kind::UnknownRole { given: given.to_owned(), known }).into()
    })
}

fn default_role(current: Option<&Current>) -> String {
    match current {
        // Checked together with the escalation file, the workflow in force names one.
        Some(c) => c.workflow.default_role().map(|r| r.id.clone()).unwrap_or_default(),
        // The definitions in force are broken: the embedded workflow names the default.
        None => embedded_workflow().and_then(|w| w.default_role().map(|r| r.id.clone())).unwrap_or_default(),
    }
}

fn embedded_workflow() -> Option<shine_engine::workflow::Workflow> {
    let (name, text) = embedded::WORKFLOWS.iter().find(|(n, _)| n.ends_with("quarter.ron"))?;
    shine_engine::workflow::Workflow::load(name, text).ok()
}

/// China Standard Time (UTC+8, no daylight saving): the zone of every date and time
/// shine records and shows, whatever the machine's zone.
pub fn beijing() -> chrono::FixedOffset {
    use chrono::Offset as _;
    chrono::FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| chrono::Utc.fix())
}

/// The clock, read in Beijing time.
pub fn beijing_now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Utc::now().with_timezone(&beijing())
}

/// An RFC 3339 time, or a date (taken at midnight, China Standard Time).
fn parse_now(text: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text.trim()) {
        return Some(t);
    }
    let date = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()?;
    date.and_hms_opt(0, 0, 0)?.and_local_timezone(beijing()).single()
}

/// Embedded definitions as source files.
pub fn embedded(files: &[(&str, &str)]) -> Vec<SourceFile> {
    files.iter().map(|(n, t)| SourceFile { name: (*n).into(), text: (*t).into() }).collect()
}

fn load_dir(given: Option<&Path>, default: &str, ext: &str, builtin: &[(&str, &str)]) -> Result<(Origin, Vec<SourceFile>)> {
    let dir = match given {
        Some(d) => d.to_path_buf(),
        None if Path::new(default).is_dir() => PathBuf::from(default),
        None => return Ok((Origin::Embedded, embedded(builtin))),
    };
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| crate::fail!("dir_unreadable", help = "检查目录是否存在及其权限", "无法读取目录 `{}`：{e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(crate::fail!("dir_empty", help = "从仓库复制默认文件，或去掉该选项使用内置默认", "目录 `{}` 中没有 `.{ext}` 文件", dir.display()));
    }
    let mut files = Vec::new();
    for p in paths {
        let name = p.display().to_string();
        let bytes = std::fs::read(&p)
            .map_err(|e| crate::fail!("file_unreadable", help = "检查文件是否存在及其权限", "无法读取 `{name}`：{e}"))?;
        let text = shine_engine::encoding::decode(&name, bytes).map_err(|e| not_utf8(ext, &name, e))?;
        files.push(SourceFile { name, text });
    }
    Ok((Origin::Dir(dir), files))
}

/// A definition file that is not UTF-8, refused as a problem of its language, placed at
/// its first invalid byte.
fn not_utf8(ext: &str, name: &str, e: shine_engine::encoding::NotUtf8) -> Failure {
    use shine_engine::rules::{RuleError, RuleErrors, RuleProblem};
    use shine_engine::workflow::{WorkflowError, WorkflowErrors, WorkflowProblem};
    let refusal = if ext == "ron" {
        let error = WorkflowError { place: e.place, problem: WorkflowProblem::NotUtf8 { byte: e.byte } };
        Refusal::from(WorkflowErrors { file: name.to_owned(), errors: vec![error] })
    } else {
        Refusal::from(RuleErrors { errors: vec![RuleError { place: e.place, problem: RuleProblem::NotUtf8 { byte: e.byte } }] })
    };
    refusal.into()
}
