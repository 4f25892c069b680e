//! `shine ballot cast` (one anonymous electronic ballot) and `shine ballot totals`
//! (the tellers' count of paper ballots).

use crate::args::BallotCommand;
use crate::context::Context;
use crate::failure::Result;
use crate::render::Output;
use shine_engine::ops::ballot::{Ballot, PaperCount};

pub fn run(ctx: &Context, command: BallotCommand) -> Result<Output> {
    let engine = ctx.engine()?;
    let (archive, current) = (engine.archive(), engine.current());
    let actor = ctx.actor(current)?;
    match command {
        BallotCommand::Cast { member, choices } => {
            archive.cast_ballots(current, &actor, None, vec![Ballot { member: member.clone(), choices }])?;
            // Say nothing about the choices: the ballot is secret.
            Ok(Output::new(format!("{member} 的选票已投入票箱"), serde_json::json!({ "voter": member, "cast": true })))
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
