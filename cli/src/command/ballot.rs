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
        BallotCommand::Totals { branch, ballots, votes } => {
            let mut parsed = Vec::new();
            for v in &votes {
                let (who, n) = v.split_once(['=', '＝']).ok_or_else(|| crate::fail!("bad_votes", help = "写作 --votes 张三=12", "`{v}` 应为 候选人=票数"))?;
                let n: i64 = n.trim().parse().map_err(|_| crate::fail!("bad_votes", help = "票数为非负整数", "`{v}` 的票数无效"))?;
                parsed.push((who.trim().to_owned(), n));
            }
            archive.enter_totals(current, &actor, &branch, PaperCount { ballots, votes: parsed.clone() })?;
            let human = format!("已录入纸质选票计票结果：选票 {ballots} 张，{} 名候选人得票", parsed.len());
            Ok(Output::new(human, serde_json::json!({ "ballots": ballots, "votes": parsed })))
        }
    }
}
