//! `shine demo`: a sample university on a fresh store, every branch run through one
//! full quarter by the workflow in force, and each branch's result printed.
//!
//! The demo drives the same engine operations as the other subcommands, state by
//! state: at each state it supplies the records the workflow's step accepts, then
//! advances. Writes are batched (bulk mode) and flushed at the end.

mod accounts;
mod chain;
mod university;

use crate::command::stars::ranking_table;
use crate::context::Context;
use crate::failure::{Failure, Result};
use crate::messages::values;
use crate::messages::words::rule_line;
use crate::render::{table, Output};
use shine_engine::domain::{Actor, MemberId, Quarter, Timestamp, UnitId};
use shine_engine::entity::{MemberRecord, Unit};
use shine_engine::facts::{Deed, Finding, LifeRecord};
use shine_engine::ops::ballot::PaperCount;
use shine_engine::ops::quarter::Record;
use shine_engine::ops::views::Ledger;
use shine_engine::ops::{Archive, Shine};
use shine_engine::store::Store;
use shine_engine::workflow::RecordKind;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;
use university::{date, units, Lcg};

const MARKER: &str = ".shine-demo";

/// What happens in the sample quarter beyond the ordinary.
struct Scenario {
    meeting: chrono::NaiveDate,
    /// Member id → vote target in round 1 (others get a popularity-based target).
    targets: HashMap<&'static str, usize>,
    /// Round-2 targets for the runoff branch.
    runoff_targets: HashMap<&'static str, usize>,
    paper_branch: &'static str,
    meeting_unexcused: &'static str,
    no_deeds: &'static str,
    no_deeds_excused: &'static str,
}

/// A moment of a demo day, in China Standard Time.
pub fn at(day: chrono::NaiveDate, hour: u32) -> Timestamp {
    let cst = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    let t = day.and_hms_opt(hour, 0, 0).and_then(|t| t.and_local_timezone(cst).single()).expect("a demo day has this hour");
    Timestamp::new(t)
}

fn id(text: &str) -> UnitId {
    UnitId::parse(text).expect("demo ids have no spaces or slashes")
}

/// Where the demo is built: `--dir`, else the store named by `--store` or
/// `SHINE_STORE`, else `shine-demo` (never the default store, which may be real).
pub fn where_to(ctx: &Context, dir: Option<PathBuf>) -> PathBuf {
    match dir {
        Some(dir) => dir,
        None if ctx.global.store_given => ctx.global.store.clone(),
        None => PathBuf::from("shine-demo"),
    }
}

pub fn run(ctx: &Context, dir: &Path, quarter: &str, name: Option<&str>) -> Result<Output> {
    let started = Instant::now();
    let quarter = ctx.quarter(quarter)?;
    let (start, end) = (quarter.start(), quarter.end());
    let build = prepare_dir(dir)?;
    let built = build_in(ctx, dir, &build, quarter, started, (start, end), name);
    match built {
        Ok(out) => {
            swap_in(dir, &build)?;
            Ok(out)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&build);
            Err(e)
        }
    }
}

/// The whole demo, built in `build` (the store and the demo marker); `dir` is only
/// where it will be shown to be.
fn build_in(
    ctx: &Context,
    dir: &Path,
    build: &Path,
    quarter: Quarter,
    started: Instant,
    (start, end): (chrono::NaiveDate, chrono::NaiveDate),
    name: Option<&str>,
) -> Result<Output> {
    let defs = ctx.definitions()?;
    let mut store = Store::open(build)?;
    std::fs::write(build.join(MARKER), "shine demo store; safe to delete\n")
        .map_err(|e| crate::fail!("demo_dir", help = "检查目录权限，或用 `--dir` 指定其他目录", "无法准备演示目录 `{}`：{e}", build.display()))?;
    store.set_bulk(true);
    let shine = Archive::new(store).with_definitions(defs).map_err(|(_, r)| Failure::from(r))?;
    let rules = shine.current_rules();
    let meeting = end.checked_sub_days(chrono::Days::new(16)).unwrap_or(end);
    let admin = Actor { who: "组织部管理员".into(), role: shine.level_role(None)?.id, at: at(start, 9) };

    // 1. The organization tree and rosters.
    // Another university's name gives other members and other votes, the same story.
    let committee = name.map(|n| if n.ends_with("党委") { n.to_owned() } else { format!("{n}党委") });
    let seed = committee.as_deref().map(|n| n.bytes().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))).unwrap_or(0);
    let mut rng = Lcg::new(20_130_401 ^ seed);
    let mut used = HashSet::new();
    let mut rosters: BTreeMap<&str, Vec<MemberRecord>> = BTreeMap::new();
    let all_units = units();
    for u in &all_units {
        let unit_name = match (&committee, u.parent) {
            (Some(c), None) => c.clone(),
            _ => u.name.to_owned(),
        };
        shine.add_unit(&admin, Unit { id: id(u.id), name: unit_name, kind: u.kind.to_owned(), parent: u.parent.map(id) })?;
        if u.members > 0 {
            let mut roster = university::roster(u, &mut rng, &mut used);
            if u.id == "jx-yj" {
                // A mobile member (流动党员): away and report records below.
                roster[5].mobile = true;
            }
            shine.import_members(&admin, u.id, roster.clone())?;
            rosters.insert(u.id, roster);
        }
    }

    // 2. Organizational-life history: monthly sessions over the year before the meeting.
    let statuses = rules.field_enum("life", "status").map(|e| e.variants.iter().map(|v| v.name.clone()).collect::<Vec<_>>());
    let statuses = statuses.unwrap_or_else(|| vec!["present".into(), "excused".into(), "unexcused".into()]);
    // The sample data needs three attendance statuses: present, excused, unexcused.
    let [present, excused, unexcused] = <[String; 3]>::try_from(statuses.into_iter().take(3).collect::<Vec<_>>())
        .map_err(|_| crate::fail!("demo_statuses", help = "rules/facts.shine 的 `enum attendance` 应依次列出出席、请假、无故缺席", "演示需要三种出席情况"))?;
    let sessions: Vec<_> = (1..=12u32)
        .rev()
        .filter_map(|k| meeting.checked_sub_months(chrono::Months::new(k)))
        .map(|d| date(chrono::Datelike::year(&d), chrono::Datelike::month(&d), 10))
        .collect();
    // Each session of a kind the rules declare, in turn; one branch records absences only.
    let kinds: Vec<String> = rules.field_enum("session", "kind").map(|e| e.variants.iter().take(4).map(|v| v.name.clone()).collect()).unwrap_or_default();
    let absences_only = "rw-xs";
    let problem = |id: &str, i: usize| -> &str {
        let n = sessions.len();
        match id {
            "jx-jg-08" if i + 2 >= n => "u", // the last two sessions, in a row
            "xx-jg-09" if [1, 5, 9].contains(&i) => "u", // three within the year, never in a row
            "xx-lt-05" if i + 2 >= n => "e", // excused: a valid reason excludes no one
            "rw-xs-04" if i == 4 => "u", // one unexcused absence only
            _ => "p",
        }
    };
    for (branch, roster) in &rosters {
        let secretary = secretary_actor(&shine, roster, at(start, 9));
        let only = *branch == absences_only;
        for (i, d) in sessions.iter().enumerate() {
            if let Some(kind) = kinds.get(i % kinds.len().max(1)) {
                shine.record_session(&secretary, branch, *d, kind, only)?;
            }
        }
        let mut records = Vec::new();
        for m in roster {
            for (i, d) in sessions.iter().enumerate() {
                let status = match problem(m.id.as_str(), i) {
                    "u" => &unexcused,
                    "e" => &excused,
                    _ if only => continue, // present: not recorded where only absences are
                    _ => &present,
                };
                records.push((m.id.to_string(), LifeRecord { date: *d, status: status.as_str().into() }, String::new()));
            }
        }
        shine.record_life(&secretary, records)?;
    }
    // The mobile member: away six months before the meeting, reported two months later, then
    // silent for four months up to the meeting (x8's third arm). Another left ten
    // months before the meeting and came back three months before it, reporting only when
    // leaving and five months later: a five-month silence that ended before the meeting.
    let months_before = |k: u32| meeting.checked_sub_months(chrono::Months::new(k)).unwrap_or(meeting);
    let jx_yj = secretary_actor(&shine, &rosters["jx-yj"], at(start, 9));
    shine.record_away(&jx_yj, "jx-yj-06", months_before(6), None)?;
    shine.record_report(&jx_yj, "jx-yj-06", months_before(4))?;
    let xx_xs = secretary_actor(&shine, &rosters["xx-xs"], at(start, 9));
    shine.record_away(&xx_xs, "xx-xs-04", months_before(10), None)?;
    shine.record_report(&xx_xs, "xx-xs-04", months_before(10))?;
    shine.record_report(&xx_xs, "xx-xs-04", months_before(5))?;
    shine.record_back(&xx_xs, "xx-xs-04", months_before(3))?;
    // Conduct findings with their evidence.
    let secretary_of = |b: &str| secretary_actor(&shine, &rosters[b], at(start, 9));
    shine.record_finding(&secretary_of("rw-jg"), "rw-jg-07", Finding {
        clause: "x3".into(),
        date: start.checked_sub_months(chrono::Months::new(3)).unwrap_or(start),
        evidence: "因违反工作纪律受党内警告处分，处分期一年（校纪委〔2026〕5号）".into(),
        open: false,
        until: meeting.checked_add_months(chrono::Months::new(6)),
        closed: None,
        closure: None,
    })?;
    shine.record_finding(&secretary_of("jg"), "jg-10", Finding {
        clause: "x6".into(),
        date: start.checked_add_days(chrono::Days::new(20)).unwrap_or(start),
        evidence: "值班期间擅离岗位，致库房漏水造成财产损失，经调查认定为责任事故".into(),
        open: false,
        until: None,
        closed: None,
        closure: None,
    })?;

    let scenario = Scenario {
        meeting,
        targets: HashMap::from([
            // 机械学院教工：cadres lead the vote, the cap (ceil(3/3) = 1) lets one through
            ("jx-jg-01", 17), ("jx-jg-04", 16), ("jx-jg-09", 12), ("jx-jg-13", 11), ("jx-jg-15", 6),
            // 机械学院本科生：two ordinary members tie for the last seat → runoff
            ("jx-bk-05", 9), ("jx-bk-07", 6), ("jx-bk-09", 6),
            // 信息学院教工：a leading cadre and an ordinary member on equal votes → the lean decides
            ("xx-jg-06", 14), ("xx-jg-10", 11), ("xx-jg-04", 10), ("xx-jg-12", 10),
        ]),
        runoff_targets: HashMap::from([("jx-bk-07", 6), ("jx-bk-09", 7)]),
        paper_branch: "xx-lt",
        meeting_unexcused: "xx-xs-12",
        no_deeds: "rw-xs-09",
        no_deeds_excused: "rw-xs-10",
    };

    // 3. One full quarter for every branch.
    let mut ledgers = Vec::new();
    for (branch, roster) in &rosters {
        run_branch(&shine, branch, roster, quarter, start, &scenario)?;
        ledgers.push(shine.ledger(Some(shine.current()), branch, Some(quarter), meeting)?);
    }
    // 4. The escalation chain, from the day after the meetings up to the province.
    let chain = chain::run(&shine, quarter, meeting)?;
    // 5. A roster that lives: a student of 机械学院本科生 leaves on the quarter's last
    // day (the first reason `enum departure` declares: 毕业离校); the quarter just
    // filed counted them on its meeting date and stays as it was.
    let reason = rules.enum_decl("departure").and_then(|e| e.variants.first()).map(|v| v.name.clone());
    let leaver = rosters.get("jx-bk").and_then(|r| r.last());
    let left = match (reason, leaver) {
        (Some(reason), Some(m)) => Some(shine.remove_member(&secretary_actor(&shine, &rosters["jx-bk"], at(end, 17)), m.id.as_str(), end, &reason, "")?),
        _ => None,
    };
    // 6. Accounts of the web workspace to try the demo with.
    let accounts = accounts::add(&shine, &admin, &rosters, &|roster| secretary_actor(&shine, roster, at(end, 17)).who)?;
    shine.store().flush()?;
    let elapsed = started.elapsed();

    let mut human = render(&shine, &ledgers, quarter, dir, elapsed, rules.hash())?;
    human.push_str(&format!("\n{}", chain::render(&chain)));
    if let Some(left) = &left {
        human.push_str(&format!("\n名单变动：{}\n", crate::messages::roster::moved(Some(&rules), left)));
    }
    human.push_str(&accounts::render(&shine, &accounts, dir));
    let json = serde_json::json!({
        "quarter": quarter, "store": dir, "branches": ledgers, "chain": chain::json(&chain), "seconds": elapsed.as_secs_f64(),
        "accounts": accounts,
    });
    Ok(Output::new(human, json))
}

/// The branch's secretary (the first member of the roster's first role), acting in
/// the quarter workflow's default role.
fn secretary_actor(shine: &Shine, roster: &[MemberRecord], at: Timestamp) -> Actor {
    let first_role = shine.current().rules.field_enum("member", "role").and_then(|e| e.variants.first()).map(|v| v.name.clone());
    let who = roster.iter().find(|m| Some(&m.role) == first_role.as_ref()).map(|m| m.name.clone()).unwrap_or_else(|| "书记".into());
    Actor { who, role: shine.current().workflow.default_role().map(|r| r.id.clone()).unwrap_or_default(), at }
}

/// Refuse to replace a directory that is not a previous demo store; otherwise sweep
/// what an interrupted demo left beside it and name the hidden sibling the new demo
/// is built in. Nothing of `dir` is touched until the new demo is complete.
fn prepare_dir(dir: &Path) -> Result<PathBuf> {
    let io = |e: std::io::Error| crate::fail!("demo_dir", help = "检查目录权限，或用 `--dir` 指定其他目录", "无法准备演示目录 `{}`：{e}", dir.display());
    if dir.exists() {
        let empty = std::fs::read_dir(dir).map_err(io)?.next().is_none();
        if !empty && !dir.join(MARKER).exists() {
            return Err(crate::fail!(
                "demo_dir_taken",
                help = "用 `--dir`（或 `--store`）指定一个新目录，演示会在其中建立示例学校",
                "目录 `{}` 不是演示存储，为避免误删，演示不会覆盖它",
                dir.display()
            ));
        }
    }
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "demo".into());
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(io)?;
    for entry in std::fs::read_dir(&parent).map_err(io)?.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        if file.starts_with(&format!(".{name}.demo-")) || file.starts_with(&format!(".{name}.old-")) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    Ok(parent.join(format!(".{name}.demo-{}", std::process::id())))
}

/// Put the finished demo in place: the old directory renamed aside, the new one
/// renamed in, then the old one deleted. Killed at any point, `dir` is the old demo,
/// the new one, or absent, and the next `demo` accepts each.
fn swap_in(dir: &Path, build: &Path) -> Result<()> {
    let io = |e: std::io::Error| crate::fail!("demo_dir", help = "检查目录权限，或用 `--dir` 指定其他目录", "无法替换演示目录 `{}`：{e}", dir.display());
    let old = build.with_file_name(
        build.file_name().map(|n| n.to_string_lossy().replacen(".demo-", ".old-", 1)).unwrap_or_default(),
    );
    if dir.exists() {
        std::fs::rename(dir, &old).map_err(io)?;
    }
    std::fs::rename(build, dir).map_err(io)?;
    if let Some(parent) = build.parent() {
        std::fs::File::open(parent).and_then(|d| d.sync_all()).map_err(io)?;
    }
    if old.exists() {
        std::fs::remove_dir_all(&old).map_err(io)?;
    }
    Ok(())
}

/// Sample deeds, each with the position of its kind in the rules' `enum deed_kind`
/// (带头学习提高, 带头争创佳绩, 带头服务群众, 带头遵纪守法, 带头弘扬正气) and of its
/// form in `enum deed_form` (说过的话, 做过的事, 创新举措, 重要任务).
const DEEDS: &[(usize, usize, &str)] = &[
    (0, 0, "认真学习党的二十大精神，撰写学习体会并在支部分享"),
    (0, 1, "坚持每日理论学习，学习笔记在支部交流展示"),
    (1, 3, "带领课题组完成省级重点实验室年度考核材料"),
    (1, 1, "指导学生参加全国大学生机械创新设计大赛获二等奖"),
    (2, 3, "主动承担新生入学教育工作，连续两周晚间为新生答疑"),
    (2, 1, "组织社区志愿服务，为独居老人上门维修家电"),
    (2, 2, "牵头整理学院党建工作台帐，提升服务效率"),
    (3, 0, "主动劝阻考场违纪行为，维护考试公平"),
    (3, 1, "严格遵守实验室安全规范，带头排查安全隐患"),
    (4, 3, "在疫情防控值守中坚守岗位，连续值班十余天"),
    (4, 0, "主动反映并推动解决食堂卫生问题，维护师生利益"),
];

/// The superior's delegate to every branch's special meeting.
const DELEGATE: &str = "组织员张伟";

const COMMENTS: &[&str] = &[
    "立足本职岗位，事迹具体实在，体现了党员的先锋模范作用",
    "服务师生热情主动，希望继续发挥带头作用",
    "学习认真、成绩突出，值得大家学习",
    "事迹朴实感人，在群众中反响良好",
];

fn run_branch(shine: &Shine, branch: &str, roster: &[MemberRecord], quarter: Quarter, start: chrono::NaiveDate, s: &Scenario) -> Result<()> {
    let secretary = secretary_actor(shine, roster, at(start, 19));
    shine.open_quarter(&secretary, branch, quarter)?;
    let current = Some(shine.current());
    let rules = shine.current_rules();
    let kinds: Vec<String> = rules
        .field_enum("deed", "kind")
        .map(|e| e.variants.iter().map(|v| v.name.clone()).collect())
        .unwrap_or_default();
    let forms: Vec<String> = rules
        .field_enum("deed", "form")
        .map(|e| e.variants.iter().map(|v| v.name.clone()).collect())
        .unwrap_or_default();
    let attendance = rules.field_enum("member", "meeting").map(|e| e.variants.iter().map(|v| v.name.clone()).collect::<Vec<_>>());
    let attendance = attendance.unwrap_or_default();
    let mut rng = Lcg::new(branch.bytes().map(u64::from).sum());
    let is_present = |m: &MemberRecord| m.id != s.meeting_unexcused && !m.mobile;
    for _ in 0..20 {
        let status = shine.status(current, branch, Some(quarter), s.meeting)?;
        let Some(step) = status.next_step else { return Ok(()) };
        let actor = secretary_actor(shine, roster, at(s.meeting, 19));
        for kind in &step.accepts {
            match kind {
                RecordKind::Deed => {
                    let mut records = Vec::new();
                    for m in roster {
                        if m.id == s.no_deeds || m.id == s.no_deeds_excused {
                            continue;
                        }
                        let mut chosen: Vec<usize> = Vec::new();
                        for _ in 0..1 + rng.below(3) {
                            let pick = rng.below(DEEDS.len());
                            if chosen.contains(&pick) {
                                continue;
                            }
                            chosen.push(pick);
                            let (kind, form, text) = DEEDS[pick];
                            records.push(Record::Deed {
                                member: m.id.to_string(),
                                deed: Deed {
                                    kind: kinds.get(kind % kinds.len().max(1)).map(|k| k.as_str().into()).unwrap_or_default(),
                                    text: text.into(),
                                    date: start.checked_add_days(chrono::Days::new(rng.below(60) as u64 + 3)).unwrap_or(start),
                                    form: forms.get(form).map(|f| f.as_str().into()),
                                },
                            });
                        }
                    }
                    // Registered on the meeting's day: no deed is dated after the day it is registered.
                    shine.record(current, &actor, Some(branch), records)?;
                }
                RecordKind::DeedExcuse => {
                    if roster.iter().any(|m| m.id == s.no_deeds_excused) {
                        shine.record(current, &secretary, Some(branch), vec![Record::DeedExcuse {
                            member: s.no_deeds_excused.into(),
                            reason: "本季度住院治疗，无法正常参加工作学习".into(),
                        }])?;
                    }
                }
                RecordKind::MeetingReport => {
                    // Reported a week ahead (§4.2.a); the superior names its delegate the next day.
                    let ahead = s.meeting.checked_sub_days(chrono::Days::new(7)).unwrap_or(s.meeting);
                    let reporting = secretary_actor(shine, roster, at(ahead, 9));
                    shine.report_meeting(current, &reporting, branch, s.meeting)?;
                    if let Some(role) = shine.superior_role(branch)? {
                        let superior = Actor { who: role.title.clone(), role: role.id, at: at(ahead.succ_opt().unwrap_or(ahead), 10) };
                        shine.send_delegate(&superior, branch, DELEGATE)?;
                    }
                }
                RecordKind::Attendance => {
                    let records = roster
                        .iter()
                        .map(|m| Record::Attendance {
                            member: m.id.to_string(),
                            status: attendance.get(if is_present(m) { 0 } else { 2 }).cloned().unwrap_or_default(),
                        })
                        .collect();
                    shine.record(current, &actor, Some(branch), records)?;
                }
                RecordKind::Guests => {
                    let activists = (0..2 + rng.below(3)).map(|i| format!("入党积极分子{}", i + 1)).collect();
                    shine.record_guests(current, &actor, branch, activists, vec!["党外教师代表".into()], Some(DELEGATE.into()))?;
                }
                RecordKind::Presentation => {
                    let records = roster.iter().filter(|m| is_present(m)).map(|m| Record::Presentation { member: m.id.to_string() }).collect();
                    shine.record(current, &actor, Some(branch), records)?;
                }
                RecordKind::Comment => {
                    let records = roster
                        .iter()
                        .filter(|m| is_present(m))
                        .map(|m| Record::Comment { member: m.id.to_string(), text: COMMENTS[rng.below(COMMENTS.len())].into() })
                        .collect();
                    shine.record(current, &actor, Some(branch), records)?;
                }
                RecordKind::Ballot | RecordKind::BallotTotals => {
                    vote(shine, &actor, branch, s, &mut rng, *kind)?;
                }
            }
        }
        shine.advance(current, &actor, branch)?;
    }
    Err(crate::fail!("demo_workflow", help = "检查 workflows/quarter.ron", "「{branch}」的流程在 20 步内没有结束"))
}

/// Cast the round's ballots (or, for the paper branch, enter the tellers' totals).
fn vote(shine: &Shine, actor: &Actor, branch: &str, s: &Scenario, rng: &mut Lcg, kind: RecordKind) -> Result<()> {
    let paper = branch == s.paper_branch;
    if paper != (kind == RecordKind::BallotTotals) {
        return Ok(());
    }
    let current = Some(shine.current());
    let status = shine.status(current, branch, None, s.meeting)?;
    let Some(round) = status.round else { return Ok(()) };
    if round.ballots > 0 {
        return Ok(());
    }
    let voters = shine.voters(current, branch, s.meeting)?;
    let seats = round.seats.max(1) as usize;
    let targets = round
        .candidates
        .iter()
        .map(|c| {
            let t = if round.round > 1 { s.runoff_targets.get(c.id.as_str()) } else { s.targets.get(c.id.as_str()) };
            (c.id.to_string(), t.copied())
        })
        .collect::<Vec<_>>();
    // Candidates without a scripted target get distinct vote counts, so that the only
    // ties are the ones the scenario stages.
    let scripted: HashSet<usize> = targets.iter().filter_map(|t| t.1).collect();
    let ceiling = scripted.iter().min().copied().unwrap_or(voters.len() * 2 / 3);
    let mut free: Vec<usize> = (1..ceiling).collect();
    let targets = targets
        .into_iter()
        .map(|(id, t)| {
            let t = t.unwrap_or_else(|| if free.is_empty() { 0 } else { free.remove(rng.below(free.len())) });
            (id, t.min(voters.len()))
        })
        .collect::<Vec<_>>();
    let ballots = allocate(&voters, seats, targets);
    if paper {
        // The tellers find one ballot invalid (its voter chose more than the seats): it
        // is returned but not counted. One without the leading candidate, so the
        // scenario's result stands.
        let mut all: BTreeMap<&str, i64> = BTreeMap::new();
        for c in ballots.iter().flatten() {
            *all.entry(c.as_str()).or_insert(0) += 1;
        }
        let leader = all.iter().max_by_key(|(_, n)| **n).map(|(c, _)| (*c).to_owned());
        let spoiled = ballots.iter().position(|b| leader.as_ref().is_some_and(|l| !b.contains(l)));
        let mut totals: BTreeMap<String, i64> = BTreeMap::new();
        for b in ballots.iter().enumerate().filter(|(i, _)| Some(*i) != spoiled).map(|(_, b)| b) {
            for c in b {
                *totals.entry(c.clone()).or_insert(0) += 1;
            }
        }
        let count = PaperCount {
            issued: Some(voters.len() as i64),
            returned: voters.len() as i64,
            invalid: i64::from(spoiled.is_some()),
            votes: totals.into_iter().collect(),
            scrutineers: vec!["王建国".to_owned()],
            counters: vec!["李红".to_owned()],
        };
        shine.enter_totals(current, actor, branch, count)?;
    } else {
        // The secretary issues the codes, each voter votes with one, the secretary closes.
        let issued = shine.issue_codes(current, actor, branch, false)?;
        for (code, choices) in issued.codes.iter().zip(ballots) {
            shine.vote_with_code(current, actor, branch, code, choices)?;
        }
        shine.close_voting(current, actor, branch)?;
    }
    Ok(())
}

/// Ballots (the choices of each voter) that give each candidate its target, each
/// voter choosing at most `seats`.
fn allocate(voters: &[MemberId], seats: usize, mut targets: Vec<(String, usize)>) -> Vec<Vec<String>> {
    let mut ballots: Vec<Vec<String>> = vec![Vec::new(); voters.len()];
    targets.sort_by_key(|t| std::cmp::Reverse(t.1));
    for (candidate, target) in targets {
        let mut order: Vec<usize> = (0..ballots.len()).filter(|&i| ballots[i].len() < seats).collect();
        order.sort_by_key(|&i| ballots[i].len());
        for &i in order.iter().take(target) {
            ballots[i].push(candidate.clone());
        }
    }
    ballots
}

fn render(shine: &Shine, ledgers: &[Ledger], quarter: Quarter, dir: &Path, elapsed: std::time::Duration, hash: &str) -> Result<String> {
    let tree = shine.org()?;
    let root = tree.root().map(|u| u.name.clone()).unwrap_or_default();
    let mut h = format!("{root} {quarter} 季度党员“闪光言行之星”评选演示（规则集 {}）\n\n", &hash[..12]);
    let mut summary = table(&["党支部", "党员", "名额", "不能评选", "当选", "报送"]);
    let mut members_total = 0;
    for l in ledgers {
        members_total += l.members;
        let path: Vec<_> = tree.path(&l.branch.id).iter().skip(1).map(|u| u.name.clone()).collect();
        h.push_str(&format!("━━ {} ━━\n", path.join(" / ")));
        h.push_str(&format!(
            "党员 {} 人；名额 {}（{} {}）\n",
            l.members, l.quota.value, crate::messages::words::citation(&l.quota.rule), l.quota.rule.source
        ));
        if let Some(report) = &l.meeting_report {
            for line in crate::messages::meeting::report_lines(report) {
                h.push_str(&format!("{line}\n"));
            }
        }
        if l.excluded.is_empty() {
            h.push_str("不能评选：无\n");
        } else {
            h.push_str("不能评选：\n");
            for (m, entries) in &l.excluded {
                for d in entries {
                    let why = values::deciding(&d.witnesses);
                    h.push_str(&format!("  {} — {}\n      {}\n", m.name, rule_line(&d.rule), why.join("；")));
                }
            }
        }
        let roster = shine.roster(&id(&l.branch.id))?;
        let name = |m: &MemberId| roster.name(m.as_str());
        for r in &l.rounds {
            let Some(sel) = &r.selection else { continue };
            let how = if r.paper { "纸质选票，监票人计票" } else { "无记名电子选票" };
            let cap = sel.cap_room.map(|c| format!("，计入上限者至多 {c} 人")).unwrap_or_default();
            let tellers = if r.paper { format!("；{}", crate::messages::meeting::tellers(&r.scrutineers, &r.counters)) } else { String::new() };
            let figures = crate::messages::meeting::figures(&r.figures);
            h.push_str(&format!("第 {} 轮（{how}，名额 {}{cap}；选票{figures}{tellers}）：\n", r.round, r.seats));
            let shown = sel.ranking.iter().filter(|x| x.votes > 0).take(r.seats as usize + 3);
            h.push_str(&format!("{}\n", ranking_table(shown, name)));
        }
        let stars: Vec<_> = l.stars.iter().map(|m| m.name.clone()).collect();
        let up = l.reported.clone().flatten().map(|u| u.name).unwrap_or_default();
        h.push_str(&format!("当选“闪光言行之星”：{}\n报送：{up} 备案（§4.2.b）\n\n", stars.join("、")));
        summary.add_row(vec![
            l.branch.name.clone(),
            l.members.to_string(),
            l.quota.value.to_string(),
            l.excluded.len().to_string(),
            stars.join("、"),
            up,
        ]);
    }
    h.push_str(&format!("{summary}\n"));
    h.push_str(&format!(
        "共 {} 个党支部、{members_total} 名党员，用时 {:.2} 秒。存储在 `{}`，可继续查看，例如：\n  shine --store {} explain jx-jg-08\n  shine --store {} stars --branch jx-bk\n",
        ledgers.len(),
        elapsed.as_secs_f64(),
        dir.display(),
        dir.display(),
        dir.display()
    ));
    Ok(h)
}

