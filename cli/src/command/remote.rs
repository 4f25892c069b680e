//! `shine pull --from URL`: pull from another machine's `shine serve`, page by page.
//! Each page is checked (its seal under this unit's credential, every record's content
//! hash) and then stored in one write, so an interrupted pull leaves whole pages only
//! and running the same command again takes nothing twice.
//!
//! The credential is never taken from the command line (every local user can read a
//! process's arguments): it comes from `--token-file` or the environment variable
//! `SHINE_TOKEN`.

use crate::api::{ApiError, PullPage, PullRequest, ReturnRequest, PULL, RETURNS};
use crate::messages::chain::pulled_text;
use crate::context::Context;
use crate::failure::{EdgeError, Failure, Result};
use crate::render::Output;
use shine_engine::domain::Quarter;
use shine_engine::ops::chain::Pulled;
use shine_engine::refusal::Refusal;
use shine_engine::star::token_digest;
use std::path::Path;
use std::time::Duration;

/// Where a pull stands when it stops: pages and records already stored.
#[derive(Default)]
struct Progress {
    pages: usize,
    records: usize,
}

impl Progress {
    /// An engine refusal, with what was stored before it when anything was.
    fn stopped(&self, e: Refusal) -> Failure {
        if self.pages == 0 {
            e.into()
        } else {
            Failure::After { done: format!("拉取在第 {} 页停止：{}", self.pages + 1, self.note()), refusal: Box::new(e) }
        }
    }

    fn note(&self) -> String {
        if self.pages == 0 {
            "本次未保存任何记录".into()
        } else {
            format!("已保存 {} 页（{} 条记录）；重新运行同一命令即可继续，已保存的记录不会重复收取", self.pages, self.records)
        }
    }
}

/// The environment variable a credential may come from.
pub const TOKEN_ENV: &str = "SHINE_TOKEN";

/// Where this unit's credential is, for the messages about it.
const TOKEN_HELP: &str = "把凭据存入只有本用户可读的文件（`chmod 600`）用 `--token-file` 指定，或放在环境变量 SHINE_TOKEN 中";

/// The credential from `--token-file` (read, trimmed; a file others may read is
/// refused), else from `SHINE_TOKEN`; `None` when neither gives one.
pub fn read_token(ctx: &Context, file: Option<&Path>) -> Result<Option<String>> {
    let Some(path) = file else {
        return Ok(ctx.caller_env(TOKEN_ENV).map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()));
    };
    let shown = path.display();
    let meta = std::fs::metadata(path)
        .map_err(|e| crate::fail!("token_file_unreadable", help = TOKEN_HELP, "无法读取凭据文件 `{shown}`：{e}"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(crate::fail!(
                "token_file_open",
                help = format!("运行 `chmod 600 {shown}` 后重试；若其他用户可能已读到，请对方吊销后重新发放"),
                "凭据文件 `{shown}` 其他用户也能读取（权限 {mode:o}），凭据可能已经泄露"
            ));
        }
    }
    let _ = meta;
    let text = std::fs::read_to_string(path)
        .map_err(|e| crate::fail!("token_file_unreadable", help = TOKEN_HELP, "无法读取凭据文件 `{shown}`：{e}"))?;
    let token = text.trim();
    if token.is_empty() {
        return Err(crate::fail!("token_file_empty", help = "文件中应当只有对方发放的凭据（`shine token create --out` 写出的文件）", "凭据文件 `{shown}` 是空的"));
    }
    Ok(Some(token.to_owned()))
}

pub fn pull(ctx: &Context, unit: Option<&str>, quarter: &str, from: &str, token_file: Option<&Path>, ca: Option<&Path>, page_size: usize) -> Result<Output> {
    let token = read_token(ctx, token_file)?.ok_or_else(|| {
        crate::fail!(
            "no_token",
            help = format!("请对方单位运行 `shine token create --unit <本单位编号> --out <文件>` 发放凭据；{TOKEN_HELP}"),
            "从 {from} 拉取需要本单位的凭据"
        )
    })?;
    let token = token.as_str();
    let quarter: Quarter = ctx.quarter(quarter)?;
    let shine = ctx.shine()?;
    let actor = ctx.actor_as(shine.current(), &shine.level_role(unit)?.id)?;
    let url = format!("{}{PULL}", from.trim_end_matches('/'));
    let agent = crate::client::agent(ca, Duration::from_secs(60))?;
    let key = token_digest(token);
    let mut progress = Progress::default();
    let mut all: Option<Pulled> = None;
    let mut after = None;
    loop {
        let request = PullRequest { quarter: quarter.to_string(), from: None, after, limit: Some(page_size) };
        let page = fetch(&agent, &url, token, &request).map_err(|e| e.explain(from, &progress))?;
        if page.quarter != quarter.to_string() || page.expected_seal(&key) != page.seal {
            return Err(Failure::Edge(
                EdgeError::new("tampered_page", format!("从 {from} 收到的第 {} 页与其校验值不符，可能在传输中被篡改", progress.pages + 1))
                    .help(format!("请联系对方核实后重新拉取；{}", progress.note())),
            ));
        }
        let next = page.next;
        let count = page.records.len();
        // `receive_remote` checks every content hash, re-checks what each record claims
        // (counts, share, units, the sender's pick bounds) and stores the page in one write.
        let pulled = shine.receive_remote(&actor, unit, quarter, from, &page.from, page.records).map_err(|e| progress.stopped(e))?;
        progress.pages += 1;
        progress.records += count;
        match &mut all {
            None => all = Some(pulled),
            Some(all) => {
                all.received.extend(pulled.received);
                all.unchanged += pulled.unchanged;
            }
        }
        match next {
            Some(n) if n > after.unwrap_or(0) => after = Some(n),
            _ => break,
        }
    }
    let Some(pulled) = all else { return Err(crate::fail!("empty_answer", "{from} 没有返回任何页")) };
    let human = format!("{}从 {from} 拉取 {} 页，共 {} 条", pulled_text(&pulled), progress.pages, progress.records);
    Ok(Output::new(human, pulled))
}

/// Why a page could not be had.
enum Failed {
    Status(u16, String),
    Transport(String),
    /// The server's certificate is not one this puller trusts.
    Untrusted(String),
    Unreadable(String),
}

fn fetch(agent: &ureq::Agent, url: &str, token: &str, request: &PullRequest) -> std::result::Result<PullPage, Failed> {
    let response = agent.post(url).set("Authorization", &format!("Bearer {token}")).send_json(request);
    match response {
        Ok(r) => r.into_json::<PullPage>().map_err(|e| Failed::Unreadable(e.to_string())),
        Err(ureq::Error::Status(code, r)) => {
            let reason = r.into_json::<ApiError>().map(|e| e.error.message).unwrap_or_default();
            Err(Failed::Status(code, reason))
        }
        Err(ureq::Error::Transport(t)) => Err(Failed::transport(&t)),
    }
}

impl Failed {
    fn transport(t: &ureq::Transport) -> Failed {
        match crate::client::tls_error(t) {
            Some(rustls::Error::InvalidCertificate(why)) => Failed::Untrusted(crate::messages::transport::certificate_problem(why)),
            _ => Failed::Transport(t.to_string()),
        }
    }

    fn explain(self, from: &str, progress: &Progress) -> Failure {
        let note = progress.note();
        match self {
            Failed::Transport(e) if progress.pages == 0 => {
                crate::fail!("unreachable", help = format!("确认对方已运行 `shine serve` 且地址正确；{note}"), "无法连接 {from}：服务未启动？（{e}）")
            }
            Failed::Transport(e) => crate::fail!("connection_lost", help = note, "拉取中断：与 {from} 的连接断开（{e}）"),
            Failed::Untrusted(why) => {
                let (message, help) = crate::messages::transport::untrusted(from, &why);
                Failure::Edge(EdgeError::new("untrusted_certificate", message).help(help))
            }
            Failed::Status(401, reason) => crate::fail!(
                "http_401",
                help = format!("向对方单位索取新的凭据（`shine token create`），{TOKEN_HELP}；{note}"),
                "{from} 拒绝了凭据（401）：{reason}"
            ),
            Failed::Status(403, reason) => {
                crate::fail!("http_403", help = format!("凭据须由直属下级单位为本单位发放，检查 --unit 是否正确；{note}"), "{from} 拒绝拉取（403）：{reason}")
            }
            Failed::Status(code, reason) => crate::fail!("http_status", help = note, "{from} 返回 {code}：{reason}"),
            Failed::Unreadable(e) => {
                crate::fail!("unreadable_answer", help = format!("对方返回的数据可能在传输中被改动，或版本不兼容；{note}"), "无法读取 {from} 返回的数据：{e}")
            }
        }
    }
}

/// Tell the instance a record came from (its address is the return's `to`) that it
/// is returned for correction. Repeating it is harmless: the instance records it once.
pub fn send_return(ctx: &Context, r: &shine_engine::state::level::Return, quarter: Quarter, token_file: Option<&Path>) -> Result<()> {
    let from = r.to.as_str();
    let token = read_token(ctx, token_file)?
        .ok_or_else(|| crate::fail!("no_token", help = format!("用拉取时的凭据：{TOKEN_HELP}"), "退回给 {from} 需要对方为本单位发放的凭据"))?;
    let token = token.as_str();
    let url = format!("{}{RETURNS}", from.trim_end_matches('/'));
    let ca = ctx.caller_env("SHINE_CA").filter(|v| !v.is_empty()).map(std::path::PathBuf::from);
    let agent = crate::client::agent(ca.as_deref(), Duration::from_secs(30))?;
    let request = ReturnRequest { quarter: quarter.to_string(), key: r.key.clone(), reason: r.reason.clone() };
    match agent.post(&url).set("Authorization", &format!("Bearer {token}")).send_json(&request) {
        Ok(_) => Ok(()),
        Err(ureq::Error::Status(code, response)) => {
            let reason = response.into_json::<ApiError>().map(|e| e.error.message).unwrap_or_default();
            Err(Failed::Status(code, reason).explain(from, &Progress::default()))
        }
        Err(ureq::Error::Transport(t)) => Err(Failed::transport(&t).explain(from, &Progress::default())),
    }
}

