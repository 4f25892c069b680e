//! §4.2.b, §4.3.b–d: the escalation chain inside one university's store. Branches
//! report their stars to their general branch, which pulls, publishes with an objection
//! window, picks one typical star with a written reason and forwards everything for
//! filing; the Organization Department pulls from the general branches and the directly
//! affiliated branches, files, picks for the province within the rules' bounds, and
//! publishes. A level may return a star for correction; the branch resubmits.
//!
//! The clock is [`NOW`] (Thursday 2026-12-10) unless a step runs `.at(…)`: a window
//! of five working days opened on the 10th runs to Wednesday the 16th.

use crate::support::{m, secretary, Cmd, Shine, M, QUARTER};
use serde_json::Value;

pub const AFTER_WINDOW: &str = "2026-12-17T10:00:00+08:00";
pub const LATER: &str = "2026-12-28T10:00:00+08:00";

/// One branch of seven members (one star: 15% of 7, at least 1), ids `<branch>m1…m7`;
/// everyone votes for `<branch>m1`, so that member is the star.
fn seven(branch: &str, names: [&str; 7]) -> Vec<M> {
    names.iter().enumerate().map(|(i, n)| m(&format!("{branch}m{}", i + 1)).name(n)).collect()
}

/// Run an opened-and-imported branch through its quarter to `reported`.
pub fn run_quarter(s: &Shine, branch: &str, roster: &[M]) {
    s.open(branch);
    run_opened_quarter(s, branch, roster);
}

/// As [`run_quarter`], on a quarter already open.
pub fn run_opened_quarter(s: &Shine, branch: &str, roster: &[M]) {
    s.all_to_voting(branch, roster);
    // Setup, not under test here: the codes issued and every one voting, through the
    // engine (one process, not one per ballot); the last vote leaves the tally free to count.
    let star = roster[0].id.clone();
    let engine = s.engine();
    let current = Some(engine.current());
    let issued = engine.issue_codes(current, &secretary(), branch, false).expect("codes");
    for code in &issued.codes {
        engine.vote_with_code(current, &secretary(), branch, code, vec![star.to_string()]).expect("a ballot");
    }
    drop(engine);
    assert_eq!(s.advance(branch)["to"]["id"], "tallied");
    assert_eq!(s.advance(branch)["to"]["id"], "reported");
}

fn unit(s: &Shine, id: &str, name: &str, kind: &str, parent: Option<&str>) {
    let mut args = vec!["org", "add", "--id", id, "--name", name, "--kind", kind];
    if let Some(p) = parent {
        args.extend(["--parent", p]);
    }
    s.args(args).ok();
}

fn import(s: &Shine, branch: &str, roster: &[M]) {
    let file = s.write(&format!("roster-{branch}.csv"), &crate::support::roster_csv(roster));
    s.args([std::ffi::OsStr::new("roster"), "import".as_ref(), "--branch".as_ref(), branch.as_ref(), file.as_os_str()]).ok();
}

/// The four branches' rosters; the first member of each is its star.
pub fn rosters() -> Vec<(&'static str, Vec<M>)> {
    vec![
        ("b1", seven("b1", ["龘𠀀", "王芳", "李强", "赵敏", "钱伟", "孙丽", "周杰"])),
        ("b2", seven("b2", ["陈𬭎", "林静", "黄磊", "吴婷", "郑浩", "冯雪", "朱琳"])),
        ("b3", seven("b3", ["欧阳明", "何佳", "高翔", "罗兰", "梁晨", "宋雨", "唐宁"])),
        ("d1", seven("d1", ["许诺", "韩梅", "曹阳", "彭博", "邓丽", "萧然", "田甜"])),
    ]
}

/// 示范大学党委 `c`: general branch `g1` (branches `b1`, `b2`), general branch `g2`
/// (branch `b3`), directly affiliated branch `d1`. Branches in `reported` have run
/// their quarter; the others are only imported.
pub fn university(s: &Shine, reported: &[&str]) {
    university_named(s, "示范大学党委", reported);
}

/// [`university`] under another committee name (records of two universities differ by it).
pub fn university_named(s: &Shine, name: &str, reported: &[&str]) {
    unit(s, "c", name, "committee", None);
    unit(s, "g1", "计算机学院党总支", "general", Some("c"));
    unit(s, "g2", "外国语学院党总支", "general", Some("c"));
    unit(s, "b1", "软件工程教工党支部", "branch", Some("g1"));
    unit(s, "b2", "计算机本科生党支部", "branch", Some("g1"));
    unit(s, "b3", "英语系党支部", "branch", Some("g2"));
    unit(s, "d1", "图书馆直属党支部", "direct", Some("c"));
    let rosters = rosters();
    for (branch, roster) in &rosters {
        import(s, branch, roster);
    }
    for (branch, roster) in &rosters {
        if reported.contains(branch) {
            run_quarter(s, branch, roster);
        }
    }
}

/// `shine chain <args> --quarter 2026Q4`.
pub fn chain<'a>(s: &'a Shine, args: &[&str]) -> Cmd<'a> {
    let mut all = vec!["chain"];
    all.extend_from_slice(args);
    all.extend(["--quarter", QUARTER]);
    s.args(all)
}

fn status(s: &Shine, unit: &str, now: &str) -> Value {
    s.args(["chain", "status", "--unit", unit, "--quarter", QUARTER]).at(now).json()
}

fn names(status: &Value) -> Vec<String> {
    status["stars"].as_array().expect("a list").iter().map(|v| v["record"]["member"]["name"].as_str().expect("text").to_owned()).collect()
}

fn pull(s: &Shine, unit: &str) -> Value {
    s.args(["pull", "--unit", unit, "--quarter", QUARTER]).json()
}

fn received(v: &Value) -> Vec<String> {
    v["received"].as_array().expect("a list").iter().map(|v| v["record"]["member"]["name"].as_str().expect("text").to_owned()).collect()
}

/// A general branch's steps up to a closed window: pull, publish now, nothing objected.
pub fn pulled_and_published(s: &Shine, gb: &str) {
    pull(s, gb);
    chain(s, &["publish", "--unit", gb]).ok();
}

#[test]
fn s4_2_b_general_branch_pulls_each_star_of_its_branches_once() {
    let s = Shine::new();
    university(&s, &["b1"]);
    let first = pull(&s, "g1");
    assert_eq!(received(&first), ["龘𠀀"]);
    assert_eq!(first["waiting"][0][0]["id"], "b2", "{first}");

    // Pulling again takes nothing twice.
    let again = pull(&s, "g1");
    assert!(received(&again).is_empty(), "{again}");
    assert_eq!(again["unchanged"], 1);

    // b2 reports later; the next pull brings only its star.
    let (_, b2) = rosters().into_iter().find(|(b, _)| *b == "b2").expect("b2");
    run_quarter(&s, "b2", &b2);
    assert_eq!(received(&pull(&s, "g1")), ["陈𬭎"]);
    let g1 = status(&s, "g1", crate::support::NOW);
    assert_eq!(names(&g1), ["龘𠀀", "陈𬭎"]);
    let record = &g1["stars"][0]["record"];
    assert_eq!(record["unit_path"][2]["name"], "软件工程教工党支部");
    assert_eq!(record["member"]["identity"], "教师");
    assert_eq!(record["votes"], 7);
    // The share (votes / ballots) is shown by whoever renders the record; the record
    // carries the two numbers.
    assert_eq!(record["ballots"], 7);
    assert!(record.get("share").is_none(), "{record}");
    assert_eq!(record["clauses_checked"].as_array().expect("a list").len(), 9);
    assert_eq!(record["deeds"][0]["kind"], "带头服务群众");

    // The other general branch holds nothing of g1's branches.
    assert!(received(&pull(&s, "g2")).is_empty());
}

#[test]
fn s4_2_b_a_level_acts_only_in_its_own_role() {
    let s = Shine::new();
    university(&s, &["b1"]);
    s.args(["pull", "--unit", "g1", "--quarter", QUARTER]).role("branch_secretary").fails().stderr_contains("--as general_branch");
    // A branch's stars reach its superior through the quarter workflow, not `pull`.
    s.args(["pull", "--unit", "b1", "--quarter", QUARTER]).fails().stderr_contains("shine advance");
}

#[test]
fn s4_3_d_general_branch_forwards_exactly_one_typical_star_with_a_reason() {
    let s = Shine::new();
    university(&s, &["b1", "b2"]);
    pull(&s, "g1");
    // Publication comes first: no pick before the window has closed.
    chain(&s, &["pick", "--unit", "g1", "--member", "龘𠀀", "--reason", "事迹突出"]).fails().stderr_contains("公示");
    let published = chain(&s, &["publish", "--unit", "g1"]).json();
    assert_eq!(published["status"]["publication"]["until"], "2026-12-16", "{published}");
    chain(&s, &["pick", "--unit", "g1", "--member", "龘𠀀", "--reason", "事迹突出"]).fails().stderr_contains("2026-12-16");

    // After the window: a pick needs a written reason, and exactly one is forwarded.
    chain(&s, &["pick", "--unit", "g1", "--member", "龘𠀀", "--reason", "  "]).at(AFTER_WINDOW).fails().stderr_contains("推荐理由");
    chain(&s, &["forward", "--unit", "g1"]).at(AFTER_WINDOW).fails().stderr_contains("§4.3.d");
    chain(&s, &["pick", "--unit", "g1", "--member", "龘𠀀", "--reason", "带头服务群众，事迹突出"]).at(AFTER_WINDOW).ok();
    chain(&s, &["pick", "--unit", "g1", "--member", "陈𬭎", "--reason", "也很突出"]).at(AFTER_WINDOW).fails().stderr_contains("§4.3.d");
    let sent = chain(&s, &["forward", "--unit", "g1"]).at(AFTER_WINDOW).json();
    assert!(sent["done"].as_str().expect("text").contains("示范大学党委"), "{sent}");

    // Everything goes up for filing; the typical star carries the pick and its reason.
    let org = s.args(["pull", "--quarter", QUARTER]).at(AFTER_WINDOW).json();
    assert_eq!(received(&org), ["龘𠀀", "陈𬭎"]);
    let picked = &org["received"][0];
    assert_eq!(picked["recommended"], true);
    assert_eq!(picked["record"]["picks"][0]["reason"], "带头服务群众，事迹突出");
    assert_eq!(picked["record"]["picks"][0]["unit"]["id"], "g1");
    assert_eq!(org["received"][1]["recommended"], false);

    // Forwarded means done: no more picks.
    chain(&s, &["pick", "--unit", "g1", "--member", "龘𠀀", "--undo"]).at(AFTER_WINDOW).fails().stderr_contains("已于");
}

#[test]
fn s4_3_b_objection_in_the_window_holds_the_star_until_decided() {
    let s = Shine::new();
    university(&s, &["b1", "b2"]);
    pulled_and_published(&s, "g1");
    chain(&s, &["object", "--unit", "g1", "--member", "龘𠀀", "--reason", "群众反映事迹材料与实际不符"]).ok();
    // Outside the window an objection is not recorded.
    chain(&s, &["object", "--unit", "g1", "--member", "陈𬭎", "--reason", "迟到的意见"])
        .at(AFTER_WINDOW)
        .fails()
        .stderr_contains("2026-12-16");
    // Held: the window has closed but the objection is open, so nothing is picked.
    chain(&s, &["pick", "--unit", "g1", "--member", "陈𬭎", "--reason", "事迹突出"]).at(AFTER_WINDOW).fails().stderr_contains("异议");
    let held = status(&s, "g1", AFTER_WINDOW);
    assert_eq!(held["steps"][1]["done"], false, "{held}");
    assert_eq!(held["stars"][0]["objection"]["reason"], "群众反映事迹材料与实际不符");

    chain(&s, &["decide", "--unit", "g1", "--member", "龘𠀀", "--dismiss", "--reason", "经核实，事迹属实"]).at(AFTER_WINDOW).ok();
    chain(&s, &["pick", "--unit", "g1", "--member", "龘𠀀", "--reason", "事迹突出"]).at(AFTER_WINDOW).ok();
    chain(&s, &["forward", "--unit", "g1"]).at(AFTER_WINDOW).ok();
}

#[test]
fn s4_3_b_upheld_objection_withdraws_the_star() {
    let s = Shine::new();
    university(&s, &["b1", "b2"]);
    pulled_and_published(&s, "g1");
    chain(&s, &["object", "--unit", "g1", "--member", "龘𠀀", "--reason", "存在未如实登记的情况"]).ok();
    chain(&s, &["decide", "--unit", "g1", "--member", "龘𠀀", "--uphold", "--reason", "经核实，异议成立"]).at(AFTER_WINDOW).ok();
    chain(&s, &["pick", "--unit", "g1", "--member", "龘𠀀", "--reason", "事迹突出"]).at(AFTER_WINDOW).fails().stderr_contains("撤销");
    chain(&s, &["pick", "--unit", "g1", "--member", "陈𬭎", "--reason", "事迹突出"]).at(AFTER_WINDOW).ok();
    chain(&s, &["forward", "--unit", "g1"]).at(AFTER_WINDOW).ok();
    // The withdrawn star goes no further.
    let org = s.args(["pull", "--quarter", QUARTER]).at(AFTER_WINDOW).json();
    assert_eq!(received(&org), ["陈𬭎"]);
}

#[test]
fn s4_2_b_returned_star_is_corrected_and_resubmitted_and_history_keeps_both() {
    let s = Shine::new();
    university(&s, &["b1", "b2"]);
    pull(&s, "g1");
    chain(&s, &["return", "--unit", "g1", "--member", "龘𠀀", "--reason", "点评过于简略，请补充具体事迹"]).ok();
    // The level cannot go on while a star is away for correction.
    chain(&s, &["publish", "--unit", "g1"]).fails().stderr_contains("点评过于简略");
    // The branch sees the return, and only a returned star can be resubmitted.
    let b1 = status(&s, "b1", crate::support::NOW);
    assert_eq!(b1["returned"][0]["reason"], "点评过于简略，请补充具体事迹", "{b1}");
    s.args(["chain", "resubmit", "--unit", "b2", "--quarter", QUARTER, "--member", "陈𬭎", "--reason", "无"])
        .fails()
        .stderr_contains("没有被上级退回");
    let fixed = "该同志坚持每周为学生义务辅导，带头服务群众，作用突出";
    s.args(["chain", "resubmit", "--unit", "b1", "--quarter", QUARTER, "--member", "龘𠀀", "--reason", "已补充点评", "--comment", fixed])
        .ok();
    assert!(status(&s, "b1", crate::support::NOW)["returned"].as_array().expect("a list").is_empty());

    let again = pull(&s, "g1");
    assert_eq!(received(&again), ["龘𠀀"]);
    let g1 = status(&s, "g1", crate::support::NOW);
    let star = &g1["stars"][0];
    assert_eq!(star["versions"], 2, "{star}");
    assert_eq!(star["standing"]["state"], "held");
    assert_eq!(star["record"]["version"], 2);
    assert_eq!(star["record"]["comment"], fixed);
    assert_eq!(star["record"]["corrections"][0]["returned_for"], "点评过于简略，请补充具体事迹");
    assert_eq!(star["record"]["corrections"][0]["reason"], "已补充点评");
    // Resubmitting twice is refused: the return has been answered.
    s.args(["chain", "resubmit", "--unit", "b1", "--quarter", QUARTER, "--member", "龘𠀀", "--reason", "再改"])
        .fails()
        .stderr_contains("没有被上级退回");
    chain(&s, &["publish", "--unit", "g1"]).ok();
}

/// Every branch reported; both general branches pick their typical star and forward;
/// the directly affiliated branch files, publishes and forwards straight to the
/// Organization Department.
pub fn up_to_the_organization_department(s: &Shine) {
    up_to_the_organization_department_of(s, "示范大学党委");
}

/// [`up_to_the_organization_department`] for the university named `name`.
pub fn up_to_the_organization_department_of(s: &Shine, name: &str) {
    university_named(s, name, &["b1", "b2", "b3", "d1"]);
    forward_to_the_organization_department(s);
}

/// The levels' steps of [`up_to_the_organization_department`], once every branch has
/// reported.
pub fn forward_to_the_organization_department(s: &Shine) {
    for (gb, star) in [("g1", "龘𠀀"), ("g2", "欧阳明")] {
        pulled_and_published(s, gb);
        chain(s, &["pick", "--unit", gb, "--member", star, "--reason", "事迹突出，群众公认"]).at(AFTER_WINDOW).ok();
        chain(s, &["forward", "--unit", gb]).at(AFTER_WINDOW).ok();
    }
    chain(s, &["file", "--unit", "d1"]).ok();
    chain(s, &["publish", "--unit", "d1"]).ok();
    chain(s, &["forward", "--unit", "d1"]).at(AFTER_WINDOW).ok();
}

#[test]
fn s4_2_b_directly_affiliated_branch_reports_straight_to_the_organization_department() {
    let s = Shine::new();
    up_to_the_organization_department(&s);
    let d1 = status(&s, "d1", AFTER_WINDOW);
    assert_eq!(d1["superior"]["id"], "c");
    let org = s.args(["pull", "--quarter", QUARTER]).at(AFTER_WINDOW).json();
    let from: Vec<(&str, &str)> = org["received"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| (v["record"]["member"]["name"].as_str().expect("text"), v["from"].as_str().expect("text")))
        .collect();
    assert_eq!(from, [("龘𠀀", "g1"), ("陈𬭎", "g1"), ("欧阳明", "g2"), ("许诺", "d1")]);
}

#[test]
fn s4_3_d_organization_department_picks_only_what_came_up_recommended() {
    let s = Shine::new();
    up_to_the_organization_department(&s);
    s.args(["pull", "--quarter", QUARTER]).at(AFTER_WINDOW).ok();
    s.args(["chain", "file", "--quarter", QUARTER]).at(AFTER_WINDOW).ok();
    // 陈𬭎 came up for filing only: g1 recommended 龘𠀀.
    s.args(["chain", "pick", "--quarter", QUARTER, "--member", "陈𬭎", "--reason", "事迹突出"])
        .at(AFTER_WINDOW)
        .fails()
        .stderr_contains("只能从下级推荐的对象中遴选");
    // A member of another university's store is not here at all.
    s.args(["chain", "pick", "--quarter", QUARTER, "--member", "张三", "--reason", "事迹突出"]).at(AFTER_WINDOW).fails().stderr_contains("张三");
    for star in ["龘𠀀", "欧阳明", "许诺"] {
        s.args(["chain", "pick", "--quarter", QUARTER, "--member", star, "--reason", "择优推荐"]).at(AFTER_WINDOW).ok();
    }
    // The Organization Department picks before it publishes; it forwards only its picks.
    let published = s.args(["chain", "publish", "--quarter", QUARTER]).at(AFTER_WINDOW).json();
    assert_eq!(published["status"]["publication"]["until"], "2026-12-23", "{published}");
    s.args(["chain", "forward", "--quarter", QUARTER]).at(AFTER_WINDOW).fails().stderr_contains("2026-12-23");
    let sent = s.args(["chain", "forward", "--quarter", QUARTER]).at(LATER).json();
    assert!(sent["done"].as_str().expect("text").contains("省委教育工委"), "{sent}");
    assert_eq!(sent["status"]["forwarded"]["count"], 3);

    // §4.2.c: the member's history shows every level the star passed and its picks.
    let history = s.args(["member", "history", "龘𠀀"]).at(LATER).json();
    let upward = &history["quarters"][0]["upward"];
    assert_eq!(upward[0]["unit"]["id"], "g1", "{upward}");
    assert_eq!(upward[0]["picked"], "事迹突出，群众公认");
    assert_eq!(upward[0]["forwarded"], true);
    assert_eq!(upward[1]["unit"]["id"], "c");
    assert_eq!(upward[1]["picked"], "择优推荐");
    assert_eq!(upward[1]["published"], true);
    assert_eq!(upward[1]["forwarded"], true);
    // 陈𬭎 was filed with the Organization Department but not picked.
    let filed = s.args(["member", "history", "陈𬭎"]).at(LATER).json();
    assert_eq!(filed["quarters"][0]["upward"][1]["picked"], serde_json::Value::Null);
    assert_eq!(filed["quarters"][0]["upward"][1]["forwarded"], false);
}

#[test]
fn s4_3_d_pick_bounds_are_edited_in_the_rule_file() {
    let s = Shine::new();
    up_to_the_organization_department(&s);
    // …so far under the shipped rules; now the committee allows two typical stars per
    // general branch but still one per unit for the province, and two in all.
    s.edit_rules("escalation.shine", |t| {
        t.replace("in principle 1", "at most 2").replace(" at most 5", " at most 2")
    });
    s.args(["pull", "--quarter", QUARTER]).at(AFTER_WINDOW).ok();
    s.args(["chain", "file", "--quarter", QUARTER]).at(AFTER_WINDOW).ok();
    s.args(["chain", "pick", "--quarter", QUARTER, "--member", "龘𠀀", "--reason", "择优推荐"]).at(AFTER_WINDOW).ok();
    s.args(["chain", "pick", "--quarter", QUARTER, "--member", "欧阳明", "--reason", "择优推荐"]).at(AFTER_WINDOW).ok();
    let over = s.args(["chain", "pick", "--quarter", QUARTER, "--member", "许诺", "--reason", "择优推荐"]).at(AFTER_WINDOW).fails();
    over.stderr_contains("§4.3.d").stderr_contains("至多 2");
}
