//! `shine ballot codes|vote|close|status` (electronic voting by one-time codes) and
//! `shine ballot totals` (the tellers' count of paper ballots).

use crate::args::BallotCommand;
use crate::context::Context;
use crate::failure::Result;
use crate::render::Output;
use shine_engine::ops::ballot::{PaperCount, VotingProgress};
use std::io::Write;

/// "已投 7 / 发出 9": all the progress anyone is shown.
pub fn progress_line(p: &VotingProgress) -> String {
    let closed = if p.closed { "，投票已结束" } else { "" };
    format!("第 {} 轮电子投票：已投 {} / 发出 {}{closed}", p.round, p.cast, p.issued)
}

pub fn run(ctx: &Context, command: BallotCommand) -> Result<Output> {
    let engine = ctx.engine()?;
    let (archive, current) = (engine.archive(), engine.current());
    let actor = ctx.actor(current)?;
    match command {
        BallotCommand::Codes { branch, reissue, out, url } => {
            if let Some(u) = &url {
                if !(u.starts_with("https://") || u.starts_with("http://")) {
                    return Err(crate::fail!("bad_url", help = "写作 --url https://投票网站地址", "`{u}` 不是网址"));
                }
            }
            // The file is made before the codes are issued: a file that cannot be
            // written must not cost the round its codes.
            let file = out.as_deref().map(|p| super::token::new_private_file(p, "投票码纸条", "；投票码尚未发出")).transpose()?;
            let issued = archive.issue_codes(current, &actor, &branch, reissue)?;
            let mut human = if issued.reissued {
                format!("已作废未使用的投票码 {} 个，补发新码 {} 个（本轮共发出 {} 个）", issued.voided, issued.codes.len(), issued.issued)
            } else {
                format!("已发放第 {} 轮投票码 {} 个（每位到会、有表决权的党员一个；系统不记录谁领到哪一个）", issued.round, issued.codes.len())
            };
            let names: Vec<&str> = issued.to.iter().map(|m| m.name.as_str()).collect();
            human.push_str(&format!("\n领码党员 {} 人：{}", names.len(), names.join("、")));
            if let (Some(mut f), Some(path)) = (file, out.as_deref()) {
                f.write_all(crate::slips::page(&(&issued).into(), &crate::slips::Shown { url: url.as_deref(), ..Default::default() }).as_bytes())
                    .and_then(|_| f.sync_all())
                    .map_err(|e| crate::fail!("file_unwritable", help = "投票码已发出：用 `shine ballot codes --reissue` 作废未用的码并补发", "无法写入 `{}`：{e}", path.display()))?;
                human.push_str(&format!("\n可打印的投票码纸条已写入 {}（每码一条，附二维码）", path.display()));
            }
            human.push_str("\n投票码只显示这一次，不保存；每人一个，随机发给到会党员：\n");
            for code in &issued.codes {
                human.push_str(&format!("  {code}\n"));
            }
            human.push_str(&format!("投票：shine ballot vote --branch {branch} --code <投票码> <候选人>…；全部投完或书记 `shine ballot close --branch {branch}` 后计票"));
            Ok(Output::new(human, issued))
        }
        BallotCommand::Vote { branch, code, choices } => {
            let progress = archive.vote_with_code(current, &actor, &branch, &code, choices)?;
            // Say nothing about the choices or the voter: the ballot is secret.
            Ok(Output::new(format!("选票已投入票箱（已投 {} / 发出 {}）", progress.cast, progress.issued), progress))
        }
        BallotCommand::Again { branch, reason } => {
            let again = archive.hold_voting_again(current, &actor, &branch, &reason)?;
            let human = format!(
                "第 {} 轮电子投票重新进行：本次发出 {}、收回 {} 张选票全部作废，封存不计（理由：{}）；原投票码已收回\n下一步：`shine ballot codes --branch {branch}` 向到会有表决权的党员发放新的投票码",
                again.round, again.issued, again.returned, again.reason
            );
            Ok(Output::new(human, again))
        }
        BallotCommand::Close { branch } => {
            let closed = archive.close_voting(current, &actor, &branch)?;
            let p = &closed.progress;
            let human = if closed.repeated {
                format!("第 {} 轮电子投票此前已结束（已投 {} / 发出 {}）", p.round, p.cast, p.issued)
            } else {
                format!(
                    "第 {} 轮电子投票已结束：已投 {} / 发出 {}，未使用的投票码 {} 个已作废\n下一步：`shine advance --branch {branch} --from voting` 计票",
                    p.round, p.cast, p.issued, closed.voided
                )
            };
            Ok(Output::new(human, closed))
        }
        BallotCommand::Status { branch } => {
            let progress = archive.voting_progress(current, &branch)?;
            Ok(Output::new(progress_line(&progress), progress))
        }
        BallotCommand::Totals { branch, issued, returned, invalid, scrutineers, counters, votes } => {
            let mut parsed = Vec::new();
            for v in &votes {
                let (who, n) = v.split_once(['=', '＝']).ok_or_else(|| crate::fail!("bad_votes", help = "写作 --votes 张三=12", "`{v}` 应为 候选人=票数"))?;
                let n: i64 = n.trim().parse().map_err(|_| crate::fail!("bad_votes", help = "票数为非负整数", "`{v}` 的票数无效"))?;
                parsed.push((who.trim().to_owned(), n));
            }
            let count = PaperCount { issued, returned, invalid, votes: parsed.clone(), scrutineers: scrutineers.clone(), counters: counters.clone() };
            archive.enter_totals(current, &actor, &branch, count)?;
            let issued_text = issued.map(|n| format!("发出选票 {n} 张，")).unwrap_or_default();
            let valid = returned - invalid;
            let tellers = |list: &[String]| if list.is_empty() { "未记录".to_owned() } else { list.join("、") };
            let human = format!(
                "已录入纸质选票计票结果：{issued_text}收回 {returned} 张，有效 {valid} 张，无效 {invalid} 张；{} 名候选人得票\n监票人：{}；计票人：{}",
                parsed.len(),
                tellers(&scrutineers),
                tellers(&counters)
            );
            let json = serde_json::json!({
                "issued": issued, "returned": returned, "valid": valid, "invalid": invalid,
                "ballots": returned, "votes": parsed, "scrutineers": scrutineers, "counters": counters,
            });
            Ok(Output::new(human, json))
        }
    }
}
