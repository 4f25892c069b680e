//! `shine member history <member>`: every quarter of a member's branch as it concerned
//! the member — on the ballot, excluded (and why), votes, star, reported — the basis
//! for democratic appraisal, awards and nominations (§4.2.c); `shine member
//! standing`: a dated standing the rules read (e.g. 留党察看, an approved absence);
//! `shine member transfer`, `remove` and `change`: a roster that lives, each on a date.

use crate::args::MemberCommand;
use crate::command::parse_date;
use crate::context::Context;
use crate::messages::findings::variant_label;
use shine_engine::ops::findings::NewStanding;
use crate::failure::Result;
use crate::messages::readback::{exclusions, star};
use crate::messages::words;
use crate::render::{table, Output};
use shine_engine::domain::{Actor, Quarter};
use shine_engine::entity::MemberChange;
use shine_engine::ops::roster::RosterMove;
use shine_engine::ops::Shine;
use shine_engine::ops::chain::TrailStep;
use shine_engine::ops::history::{MemberHistory, QuarterRecord};

pub fn run(ctx: &Context, command: MemberCommand) -> Result<Output> {
    match command {
        MemberCommand::History { member } => history(ctx, &member),
        MemberCommand::Certificate { member, quarter } => super::certificate::run(ctx, &member, quarter.as_deref()),
        MemberCommand::Standing { member, kind, from, until, approved_by, reason } => {
            let shine = ctx.shine()?;
            let new = NewStanding {
                member: member.clone(),
                kind,
                from: parse_date(&from, "起始日期")?,
                until: until.as_deref().map(|u| parse_date(u, "截止日期")).transpose()?,
                approved_by,
                reason,
            };
            let standing = shine.record_standing(&ctx.actor(Some(shine.current()))?, new.clone())?;
            let rules = &shine.current().rules;
            let kind = variant_label(rules, "standing", "kind", standing.kind.as_str());
            let until = standing.until.map(|u| format!("至 {u}")).unwrap_or_else(|| "起，尚无截止".to_owned());
            let human = format!("已记录 {member} 的状态：{kind}，{} {until}（{}：{}）", standing.from, new.approved_by.trim(), new.reason.trim());
            Ok(Output::new(human, standing))
        }
        MemberCommand::Transfer { member, to, on, note } => {
            let on = parse_date(&on, "转接日期")?;
            roster_move(ctx, |shine, actor| shine.transfer_member(actor, &member, &to, on, &note))
        }
        MemberCommand::Remove { member, on, reason, note } => {
            let on = parse_date(&on, "离开日期")?;
            roster_move(ctx, |shine, actor| shine.remove_member(actor, &member, on, &reason, &note))
        }
        MemberCommand::Change { member, on, party_role, identity, full, probationary, note } => {
            let on = parse_date(&on, "变动日期")?;
            let full = if full { Some(true) } else if probationary { Some(false) } else { None };
            let change = MemberChange { role: party_role, identity, full, ..MemberChange::default() };
            roster_move(ctx, |shine, actor| shine.change_member(actor, &member, on, change, &note))
        }
    }
}

/// A transfer, removal or change, under the current definitions.
fn roster_move(ctx: &Context, op: impl FnOnce(&Shine, &Actor) -> shine_engine::refusal::Result<RosterMove>) -> Result<Output> {
    let shine = ctx.shine()?;
    let actor = ctx.actor(Some(shine.current()))?;
    let done = op(&shine, &actor)?;
    let rules = shine.current_rules();
    Ok(Output::new(crate::messages::roster::moved(Some(&rules), &done), &done))
}

fn history(ctx: &Context, member: &str) -> Result<Output> {
    let engine = ctx.engine()?;
    let h = engine.archive().member_history(engine.current(), member, ctx.today())?;
    let h = match engine.current() {
        Some(current) => h.disclosed_to(&current.workflow, ctx.viewer(Some(current))?.as_deref()),
        None => h,
    };
    let text = if h.quarters.is_empty() { no_quarters(ctx, &h) } else { quarters(&h) };
    Ok(Output::new(text, h))
}

fn no_quarters(ctx: &Context, h: &MemberHistory) -> String {
    let quarter = Quarter::of(ctx.today());
    format!(
        "{}（{}）所在的「{}」还没有开启过季度评选，暂无记录。\n开启本季度评选：`shine quarter open --branch {} --quarter {quarter}`\n",
        h.member.name, h.member.id, h.branch.name, h.branch.id
    )
}

fn quarters(h: &MemberHistory) -> String {
    // A member transferred between branches: each quarter names the branch that ran it.
    let moved = h.quarters.iter().any(|q| q.branch.id != h.branch.id);
    let mut t = table(&["季度", "环节", "候选人", "不能评选情形", "得票", "当选", "报送", "逐级推荐", "支部点评"]);
    for q in &h.quarters {
        let quarter = if moved { format!("{}（{}）", q.quarter, q.branch.name) } else { q.quarter.to_string() };
        t.add_row(vec![
            quarter,
            q.state.title.clone(),
            candidate(q).to_owned(),
            exclusions(q),
            votes(q),
            star(q).to_owned(),
            reported(q),
            upward(q),
            q.register.comment.as_ref().map(crate::messages::readback::comment).unwrap_or_else(|| "—".into()),
        ]);
    }
    let stars = h.quarters.iter().filter(|q| q.star).count();
    let excluded = h.quarters.iter().filter(|q| !q.exclusions.is_empty() || q.withheld > 0).count();
    let mut text = format!(
        "{}（{}，{}）历次党员“闪光言行之星”评选记录\n{t}\n共 {} 个季度：当选 {stars} 次，不能评选 {excluded} 次\n",
        h.member.name,
        h.member.id,
        h.branch.name,
        h.quarters.len()
    );
    if h.quarters.iter().any(|q| !q.ballot_fixed) {
        text.push_str("尚未投票的季度，不能评选情形按今天的记录判断；确定候选人时记入台帐\n");
    }
    text.push_str("报送指支部台帐报上级备案（§4.2.b）；逐级推荐为党总支、党委组织部的公示、推荐和报送（§4.3.b–d）\n");
    text
}

pub(crate) fn candidate(q: &QuarterRecord) -> &'static str {
    match (q.ballot_fixed, q.on_ballot) {
        (false, _) => "尚未确定",
        (true, true) => "是",
        (true, false) => "否",
    }
}


pub(crate) fn votes(q: &QuarterRecord) -> String {
    match q.rounds.as_slice() {
        [] => "—".into(),
        [r] => format!("{} 票，第 {} 名", r.votes, r.place),
        rounds => rounds.iter().map(|r| format!("第 {} 轮 {} 票，第 {} 名", r.round, r.votes, r.place)).collect::<Vec<_>>().join("\n"),
    }
}


pub(crate) fn reported(q: &QuarterRecord) -> String {
    match &q.reported {
        Some(Some(u)) => format!("已报{}备案", u.name),
        Some(None) => "已记入台帐".into(),
        None => "未报送".into(),
    }
}

/// What each level above the branch did with the star.
pub(crate) fn upward(q: &QuarterRecord) -> String {
    trail(&q.upward)
}

/// What each level a star passed did with it, one line each; `—` for none.
pub(crate) fn trail(steps: &[TrailStep]) -> String {
    if steps.is_empty() {
        return "—".into();
    }
    let lines: Vec<String> = steps
        .iter()
        .map(|t| {
            let mut parts = Vec::new();
            parts.extend(words::standing(&t.standing));
            if t.versions > 1 {
                parts.push(format!("更正后重报（共 {} 版）", t.versions));
            }
            if t.published {
                parts.push("公示".into());
            }
            if let Some(r) = &t.picked {
                parts.push(format!("推荐：{r}"));
            }
            if t.forwarded {
                parts.push("已上报".into());
            }
            if parts.is_empty() {
                parts.push("已收到".into());
            }
            format!("{}：{}", t.unit.name, parts.join("，"))
        })
        .collect();
    lines.join("\n")
}
