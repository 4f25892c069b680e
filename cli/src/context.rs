//! The checked configuration of one run: where the store is, which definitions are
//! in force (a `rules/` directory or the embedded defaults), who acts and when.

use crate::args::Global;
use miette::{miette, IntoDiagnostic, Result, WrapErr};
use shine_engine::event::Actor;
use shine_engine::rules::SourceFile;
use shine_engine::service::{Definitions, Shine};
use crate::command::serve::ServeFile;
use shine_engine::error::ShineError;
use shine_engine::store::{Store, StoreError};
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
}

impl Context {
    pub fn new(global: Global) -> Result<Context> {
        let now = match global.now.as_deref() {
            None => chrono::Local::now().fixed_offset(),
            Some(text) => parse_now(text).ok_or_else(|| {
                miette!(help = "写作 2026-12-10T10:00:00+08:00，或只写日期 2026-12-10", "`--now {text}` 不是有效的时间")
            })?,
        };
        Ok(Context { global, now })
    }

    pub fn actor(&self) -> Actor {
        let at = self.now.to_rfc3339();
        let who = self
            .global
            .by
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_else(|| "shine".into());
        let role = self.global.role.clone().unwrap_or_else(|| "branch_secretary".into());
        Actor { who, role, at }
    }

    /// The actor for a chain step: `--as` when given, else the acting level's role.
    pub fn actor_as(&self, level_role: &str) -> Actor {
        let mut actor = self.actor();
        if self.global.role.is_none() {
            actor.role = level_role.to_owned();
        }
        actor
    }

    pub fn today(&self) -> chrono::NaiveDate {
        self.now.date_naive()
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
            .ok_or_else(|| miette!("{origin} 中没有{what} `{name}`"))?;
        Ok((origin, file))
    }

    pub fn definitions(&self) -> Result<Definitions> {
        Ok(Definitions { rules: self.rule_files()?.1, workflow: self.workflow_file()?.1, escalation: self.escalation_file()?.1 })
    }

    /// The store, opened for this process alone. A store held by `shine serve` is
    /// refused at once with the server's process and address (from `serve.json`).
    pub fn store(&self) -> Result<Store> {
        let path = &self.global.store;
        Store::open(path).map_err(|e| match (&e, ServeFile::read(path)) {
            (StoreError::Locked { .. }, Some(server)) => miette!(
                help = format!(
                    "先停止该服务（在其终端按 Ctrl-C，或 `kill {}`）再运行本命令；上级单位可通过服务拉取：shine pull --from {} --token <凭据>",
                    server.pid, server.url
                ),
                "存储 `{}` 正由 `shine serve`（进程 {}，{}）使用，其他命令不能同时打开",
                path.display(),
                server.pid,
                server.url
            ),
            _ => ShineError::from(e).into(),
        })
    }

    /// The engine on the store, with the current definitions checked and attached:
    /// for commands that act under the current `rules/` (opening a quarter, imports).
    /// Broken definitions are refused here with every error and its location.
    pub fn shine_with_current(&self) -> Result<Shine> {
        let defs = self.definitions()?;
        Ok(Shine::new(self.store()?).with_definitions(defs)?)
    }

    /// The engine for commands on quarters already open: they run under the rules and
    /// workflow stored with the quarter, so a broken `rules/` does not stop them.
    pub fn shine(&self) -> Result<Shine> {
        let store = self.store()?;
        match self.definitions() {
            Ok(defs) => match Shine::new(store.clone()).with_definitions(defs) {
                Ok(shine) => Ok(shine),
                Err(_) => Ok(Shine::new(store)),
            },
            Err(_) => Ok(Shine::new(store)),
        }
    }
}

/// An RFC 3339 time, or a date (taken at midnight, China Standard Time).
fn parse_now(text: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text.trim()) {
        return Some(t);
    }
    let date = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()?;
    let cst = chrono::FixedOffset::east_opt(8 * 3600)?;
    date.and_hms_opt(0, 0, 0)?.and_local_timezone(cst).single()
}

/// Embedded definitions as source files.
pub fn embedded(files: &[(&str, &str)]) -> Vec<SourceFile> {
    files.iter().map(|(n, t)| SourceFile { name: (*n).into(), text: (*t).into() }).collect()
}

fn load_dir(
    given: Option<&Path>,
    default: &str,
    ext: &str,
    builtin: &[(&str, &str)],
) -> Result<(Origin, Vec<SourceFile>)> {
    let dir = match given {
        Some(d) => d.to_path_buf(),
        None if Path::new(default).is_dir() => PathBuf::from(default),
        None => return Ok((Origin::Embedded, embedded(builtin))),
    };
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .into_diagnostic()
        .wrap_err_with(|| format!("无法读取目录 `{}`", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(miette!("目录 `{}` 中没有 `.{ext}` 文件", dir.display()));
    }
    let mut files = Vec::new();
    for p in paths {
        let text = std::fs::read_to_string(&p)
            .into_diagnostic()
            .wrap_err_with(|| format!("无法读取 `{}`（须为 UTF-8 文本）", p.display()))?;
        files.push(SourceFile { name: p.display().to_string(), text });
    }
    Ok((Origin::Dir(dir), files))
}
