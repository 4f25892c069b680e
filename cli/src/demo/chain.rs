//! The demo's escalation chain (§4.2.b, §4.3.b–d): every general branch pulls its
//! branches' stars, publishes them, hears one objection (dismissed after checking),
//! picks its typical star with a reason and forwards; the directly affiliated branch
//! files, publishes and forwards; the Organization Department pulls, files, picks for
//! the province within the rules' bounds, publishes and, once the window has closed,
//! forwards its picks to the provincial committee.
//!
//! Dates follow the meeting: each step is taken on the day after the previous
//! window closed, so the demo shows the windows the rules set.

use crate::render::table;
use miette::Result;
use shine_engine::chain::{days::window_end, LevelStatus, StarView};
use shine_engine::event::Actor;
use shine_engine::org::UnitKind;
use shine_engine::service::Shine;
use chrono::NaiveDate;

/// What the chain did, for the demo's output.
pub struct ChainRun {
    pub levels: Vec<LevelStatus>,
    pub top: LevelStatus,
    pub forwarded_on: NaiveDate,
}

fn actor(shine: &Shine, unit: Option<&str>, who: &str, day: NaiveDate) -> Result<Actor> {
    Ok(Actor { who: who.into(), role: shine.level_role(unit)?, at: format!("{day}T10:00:00+08:00") })
}

/// The star to pick among `stars`: the largest share of the votes, then the most deeds.
fn best(stars: &[&StarView]) -> Option<String> {
    stars
        .iter()
        .max_by_key(|v| (v.record.votes * 1000 / v.record.ballots.max(1), v.record.deeds.len()))
        .map(|v| v.key.clone())
}

/// A general branch's reason: the star's first deed. (Reasons are published: no votes in them.)
fn reason(v: &StarView) -> String {
    match v.record.deeds.first() {
        Some(d) => format!("{}：{}。民主推荐中得到党员普遍认可", d.kind, d.text),
        None => "在支部民主推荐中得到党员普遍认可".into(),
    }
}

/// The Organization Department's reason, building on the general branch's.
fn reason_for_province(v: &StarView) -> String {
    let below = v.record.picks.last().map(|p| format!("经{}推荐，", p.unit.name)).unwrap_or_default();
    format!("{below}事迹具体、群众认可，择优推荐")
}

pub fn run(shine: &Shine, quarter: &str, reported: NaiveDate) -> Result<ChainRun> {
    let tree = shine.org()?;
    let days = shine.current_rules()?.publicity().map(|p| p.working_days).unwrap_or(0);
    let publish_on = reported.succ_opt().unwrap_or(reported);
    let after_window = window_end(publish_on, days).succ_opt().unwrap_or(publish_on);
    let mut levels = Vec::new();
    let mut objected = false;
    for unit in tree.order.iter().filter_map(|id| tree.unit(id)) {
        let id = Some(unit.id.as_str());
        match unit.kind {
            UnitKind::GeneralBranch => {
                let who = format!("{}书记", unit.name.trim_end_matches("党总支"));
                shine.pull(&actor(shine, id, &who, publish_on)?, id, quarter)?;
                shine.publish(&actor(shine, id, &who, publish_on)?, id, quarter, publish_on)?;
                let status = shine.level_status(id, quarter, publish_on)?;
                if !objected {
                    if let Some(first) = status.stars.first() {
                        let a = actor(shine, id, &who, publish_on)?;
                        shine.object(&a, id, quarter, &first.key, "有群众反映其登记的事迹时间有出入", publish_on)?;
                        let a = actor(shine, id, &who, after_window)?;
                        shine.decide(&a, id, quarter, &first.key, false, "经核对登记证和活动记录，事迹属实，异议不成立")?;
                        objected = true;
                    }
                }
                let status = shine.level_status(id, quarter, after_window)?;
                let candidates: Vec<&StarView> = status.stars.iter().filter(|v| v.recommended).collect();
                if let Some(key) = best(&candidates) {
                    let v = status.stars.iter().find(|v| v.key == key).expect("picked from the list");
                    shine.pick(&actor(shine, id, &who, after_window)?, id, quarter, &key, &reason(v), after_window)?;
                }
                shine.forward(&actor(shine, id, &who, after_window)?, id, quarter, after_window)?;
                levels.push(shine.level_status(id, quarter, after_window)?);
            }
            UnitKind::DirectBranch => {
                let who = format!("{}书记", unit.name.trim_end_matches("党支部"));
                shine.file(&actor(shine, id, &who, publish_on)?, id, quarter, publish_on)?;
                shine.publish(&actor(shine, id, &who, publish_on)?, id, quarter, publish_on)?;
                shine.forward(&actor(shine, id, &who, after_window)?, id, quarter, after_window)?;
                levels.push(shine.level_status(id, quarter, after_window)?);
            }
            _ => {}
        }
    }

    // The Organization Department: pull, file, pick the best of each unit (as many as
    // the rules allow), publish, and forward after its own window.
    let od = "党委组织部";
    let day = after_window;
    shine.pull(&actor(shine, None, od, day)?, None, quarter)?;
    shine.file(&actor(shine, None, od, day)?, None, quarter, day)?;
    let status = shine.level_status(None, quarter, day)?;
    let mut by_unit: Vec<(String, Vec<&StarView>)> = Vec::new();
    for v in status.stars.iter().filter(|v| v.recommended) {
        match by_unit.iter_mut().find(|(u, _)| *u == v.from) {
            Some((_, list)) => list.push(v),
            None => by_unit.push((v.from.clone(), vec![v])),
        }
    }
    for (_, stars) in &by_unit {
        let Some(key) = best(stars) else { continue };
        let v = stars.iter().find(|v| v.key == key).expect("picked from the list");
        // A pick beyond the rules' bounds is refused by the engine; the demo stops picking then.
        if shine.pick(&actor(shine, None, od, day)?, None, quarter, &key, &reason_for_province(v), day).is_err() {
            break;
        }
    }
    shine.publish(&actor(shine, None, od, day)?, None, quarter, day)?;
    let forwarded_on = window_end(day, days).succ_opt().unwrap_or(day);
    shine.forward(&actor(shine, None, od, forwarded_on)?, None, quarter, forwarded_on)?;
    let top = shine.level_status(None, quarter, forwarded_on)?;
    Ok(ChainRun { levels, top, forwarded_on })
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
                Some((true, r)) => format!("异议成立：{r}"),
                Some((false, r)) => format!("异议不成立：{r}"),
                None => "待处理".into(),
            };
            h.push_str(&format!("公示期异议：「{}」{} —— {}（{}）\n", l.unit.name, star.record.member.name, o.reason, decided));
        }
    }
    let top = &run.top;
    h.push_str(&format!(
        "\n{}（{}）收到并备案 {} 名，择优遴选报{}：\n",
        top.unit.name,
        top.level_title,
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
    h.push_str(&crate::command::chain::pick_lines(&top.picks));
    if let Some(p) = &top.publication {
        h.push_str(&format!("公示 {} 至 {}，期满无异议，于 {} 报送。\n", p.on, p.until, run.forwarded_on));
    }
    h
}

/// JSON for `--json`.
pub fn json(run: &ChainRun) -> serde_json::Value {
    serde_json::json!({ "levels": run.levels, "organization_department": run.top, "forwarded_on": run.forwarded_on })
}

