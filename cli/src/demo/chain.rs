//! The demo's escalation chain (§4.2.b, §4.3.b–d), driven by `workflows/escalation.ron`:
//! every unit above the branches, deepest first, takes the steps its level lists, in
//! order — pull, file, publish (the first publication hears one objection, dismissed
//! after checking), pick the best recommended stars within the rules' bounds, forward.
//! A branch's own filing and reporting are its quarter's, already done.
//!
//! Dates follow the meeting: each step after a publication is taken on the day after
//! its window closed, so the demo shows the windows the rules set; a level starts when
//! the levels below it have finished.

use super::at;
use crate::failure::Result;
use crate::render::table;
use chrono::NaiveDate;
use shine_engine::domain::{Actor, Quarter};
use shine_engine::ops::chain::{LevelStatus, StarView};
use shine_engine::ops::Shine;
use shine_engine::state::level::Standing;
use shine_engine::workflow::Action as Step;

/// What the chain did, for the demo's output.
pub struct ChainRun {
    pub levels: Vec<LevelStatus>,
    pub top: LevelStatus,
    pub forwarded_on: NaiveDate,
}

fn actor(shine: &Shine, unit: Option<&str>, who: &str, day: NaiveDate) -> Result<Actor> {
    Ok(Actor { who: who.into(), role: shine.level_role(unit)?.id, at: at(day, 10) })
}

/// How the demo ranks stars: the share of the votes, then the number of deeds.
fn score(v: &StarView) -> (i64, usize) {
    (v.record.votes * 1000 / v.record.ballots.max(1), v.record.deeds.len())
}

/// The star to pick among `stars`.
fn best<'a>(stars: &[&'a StarView]) -> Option<&'a StarView> {
    stars.iter().copied().max_by_key(|v| score(v))
}

/// A first pick's reason: the star's first deed. (Reasons are published: no votes in them.)
fn reason(v: &StarView) -> String {
    match v.record.deeds.first() {
        Some(d) => format!("{}：{}。民主推荐中得到党员普遍认可", d.kind, d.text),
        None => "在支部民主推荐中得到党员普遍认可".into(),
    }
}

/// A reason building on the pick of the level below.
fn reason_building_on(v: &StarView) -> String {
    let below = v.record.picks.last().map(|p| format!("经{}推荐，", p.unit.name)).unwrap_or_default();
    format!("{below}事迹具体、群众认可，择优推荐")
}

pub fn run(shine: &Shine, quarter: Quarter, reported: NaiveDate) -> Result<ChainRun> {
    let tree = shine.org()?;
    // Deepest units first; units of one depth start on the same day.
    let mut units: Vec<&shine_engine::entity::Unit> = tree.in_order().collect();
    units.sort_by_key(|u| std::cmp::Reverse(tree.path(u.id.as_str()).len()));
    let mut start = reported.succ_opt().unwrap_or(reported);
    let mut depth = units.first().map(|u| tree.path(u.id.as_str()).len()).unwrap_or(0);
    let mut finished = start;
    let mut objected = false;
    let mut levels = Vec::new();
    let mut top = None;
    for unit in units {
        let here = tree.path(unit.id.as_str()).len();
        if here != depth {
            (depth, start) = (here, finished.max(start));
        }
        let id = (unit.parent.is_some()).then_some(unit.id.as_str());
        let who = format!("{}书记", unit.name);
        let (status, done) = run_level(shine, id, &who, quarter, start, &mut objected)?;
        finished = finished.max(done);
        match id {
            None => top = Some((status, done)),
            // Branches file and report through their quarter: nothing to show here.
            Some(_) if status.steps.iter().all(|s| matches!(s.action, Step::File | Step::Forward)) => {}
            Some(_) => levels.push(status),
        }
    }
    let (top, forwarded_on) = top.ok_or_else(|| crate::fail!("demo_tree", "示例学校没有校党委"))?;
    Ok(ChainRun { levels, top, forwarded_on })
}

/// Take a level's steps not yet done, in the order of its workflow, from `day` on;
/// returns where it ends and the day of its last step.
fn run_level(
    shine: &Shine,
    unit: Option<&str>,
    who: &str,
    quarter: Quarter,
    mut day: NaiveDate,
    objected: &mut bool,
) -> Result<(LevelStatus, NaiveDate)> {
    let who = if unit.is_none() { "党委组织部" } else { who };
    let a = |day| actor(shine, unit, who, day);
    // A pick step whose bounds admit no pick yet counts as done: the demo picks anyway.
    let steps = shine.level_status(unit, quarter, day)?.steps;
    for step in steps.into_iter().filter(|s| !s.done || s.action == Step::Pick) {
        match step.action {
            Step::Receive => {
                shine.pull(&a(day)?, unit, quarter)?;
            }
            Step::File => {
                shine.file(&a(day)?, unit, quarter)?;
            }
            Step::Publish => {
                // The window as the level published it, by China's working days.
                let published = shine.publish(&a(day)?, unit, quarter)?;
                let after = published.until.succ_opt().unwrap_or(day);
                if !*objected {
                    let status = shine.level_status(unit, quarter, day)?;
                    if let Some(first) = status.stars.iter().find(|v| v.published) {
                        shine.object(&a(day)?, unit, quarter, &first.key, "有群众反映其登记的事迹时间有出入")?;
                        shine.decide(&a(after)?, unit, quarter, &first.key, false, "经核对登记证和活动记录，事迹属实，异议不成立")?;
                        *objected = true;
                    }
                }
                day = after;
            }
            Step::Pick => pick_best(shine, &a(day)?, unit, quarter, day)?,
            Step::Forward => {
                shine.forward(&a(day)?, unit, quarter, None)?;
            }
        }
    }
    Ok((shine.level_status(unit, quarter, day)?, day))
}

/// Pick, with a reason, the best recommended star of each unit below, best units
/// first, until the rules' bounds refuse one more.
fn pick_best(shine: &Shine, actor: &Actor, unit: Option<&str>, quarter: Quarter, day: NaiveDate) -> Result<()> {
    let status = shine.level_status(unit, quarter, day)?;
    let mut by_unit: Vec<(String, Vec<&StarView>)> = Vec::new();
    for v in status.stars.iter().filter(|v| v.recommended && v.standing == Standing::Held) {
        match by_unit.iter_mut().find(|(u, _)| *u == v.from) {
            Some((_, list)) => list.push(v),
            None => by_unit.push((v.from.clone(), vec![v])),
        }
    }
    let mut bests: Vec<&StarView> = by_unit.iter().filter_map(|(_, stars)| best(stars)).collect();
    bests.sort_by_key(|v| std::cmp::Reverse(score(v)));
    for v in bests {
        let why = if v.record.picks.is_empty() { reason(v) } else { reason_building_on(v) };
        if shine.pick(actor, unit, quarter, &v.key, &why).is_err() {
            break;
        }
    }
    Ok(())
}

/// The chain, for people: what each level picked and why, then the Organization Department.
pub fn render(run: &ChainRun) -> String {
    let mut h = String::from("══ 逐级报送（§4.2.b、§4.3.b–d）══\n");
    let mut t = table(&["报送单位", "汇总", "公示期", "推荐典型", "推荐理由", "报送"]);
    for l in &run.levels {
        let picked: Vec<&StarView> = l.stars.iter().filter(|v| v.picked.is_some()).collect();
        let window = l.publication.as_ref().map(|p| format!("{} 至 {}", p.on, p.until)).unwrap_or_default();
        t.add_row(vec![
            l.unit.name.clone(),
            format!("{} 名", l.stars.len()),
            window,
            picked.iter().map(|v| v.record.member.name.clone()).collect::<Vec<_>>().join("、"),
            picked.iter().filter_map(|v| v.picked.clone()).collect::<Vec<_>>().join("；"),
            l.superior.as_ref().map(|s| s.name.clone()).unwrap_or_default(),
        ]);
    }
    h.push_str(&format!("{t}\n"));
    for l in &run.levels {
        for v in l.stars.iter().filter_map(|v| v.objection.as_ref().map(|o| (v, o))) {
            let (star, o) = v;
            let decided = match &o.decision {
                Some(d) if d.upheld => format!("异议成立：{}", d.reason),
                Some(d) => format!("异议不成立：{}", d.reason),
                None => "待处理".into(),
            };
            h.push_str(&format!("公示期异议：「{}」{} —— {}（{}）\n", l.unit.name, star.record.member.name, o.reason, decided));
        }
    }
    let top = &run.top;
    h.push_str(&format!(
        "\n{}（{}）收到并备案 {} 名，择优遴选报{}：\n",
        top.unit.name,
        top.level.title,
        top.stars.len(),
        top.superior.as_ref().map(|s| s.name.as_str()).unwrap_or("上级")
    ));
    let mut t = table(&["姓名", "身份", "所在单位", "推荐理由"]);
    for v in top.stars.iter().filter(|v| v.picked.is_some()) {
        let unit: Vec<&str> = v.record.unit_path.iter().skip(1).map(|u| u.name.as_str()).collect();
        t.add_row(vec![
            v.record.member.name.clone(),
            v.record.member.identity.clone(),
            unit.join(" / "),
            v.picked.clone().unwrap_or_default(),
        ]);
    }
    h.push_str(&format!("{t}\n"));
    h.push_str(&crate::messages::chain::pick_lines(&top.picks));
    if let Some(p) = &top.publication {
        h.push_str(&format!("公示 {} 至 {}，期满无异议，于 {} 报送。\n", p.on, p.until, run.forwarded_on));
    }
    h
}

/// JSON for `--json`.
pub fn json(run: &ChainRun) -> serde_json::Value {
    serde_json::json!({ "levels": run.levels, "organization_department": run.top, "forwarded_on": run.forwarded_on })
}

