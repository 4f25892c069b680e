//! The quarter as a workflow (§3.2–§4.2): guards, which records each step takes,
//! who may act, repeated commands, crashes, text as entered, and the demo.

use crate::support::{m, members, witness, Shine, MEETING};
use std::time::Duration;

#[test]
fn advance_says_which_guard_blocks_and_why() {
    let s = Shine::new();
    s.branch("b1", &members(2));
    s.open("b1");
    assert_eq!(s.advance("b1")["to"]["id"], "reporting");

    // §4.2.a: the meeting has not been reported.
    let err = s.advancing("b1").fails_json();
    let failed = &err["failed"][0];
    assert_eq!(failed["rule"]["name"], "meeting_reported", "{err}");
    assert_eq!(failed["rule"]["clause"], "§4.2.a");
    assert_eq!(witness(failed, "meeting.reported_on"), "none");
    s.advancing("b1").fails().stderr_contains("meeting_reported").stderr_contains("§4.2.a");
    assert_eq!(s.state("b1"), "reporting");

    // §3.2: one member's attendance is not recorded.
    s.args(["meeting", "report", "--branch", "b1", "--date", MEETING]).at(crate::support::REPORTED).ok();
    s.advance("b1");
    s.args(["meeting", "attend", "--status", "present", "m01"]).ok();
    let err = s.advancing("b1").fails_json();
    assert_eq!(err["failed"][0]["rule"]["name"], "attendance_recorded", "{err}");
    assert_eq!(err["failed"][0]["rule"]["clause"], "§3.2");
    s.args(["meeting", "attend", "--status", "excused", "m02"]).ok();
    assert_eq!(s.advance("b1")["to"]["id"], "exchange");

    // §3.3: the secretary has not commented on everyone present.
    s.args(["present", "m01"]).ok();
    s.advance("b1");
    let err = s.advancing("b1").fails_json();
    let names: Vec<_> = err["failed"].as_array().expect("failed").iter().map(|d| d["rule"]["name"].clone()).collect();
    assert!(names.contains(&"all_commented".into()), "{err}");
    // … and names who is still waiting for a comment.
    let commented = err["failed"].as_array().expect("failed").iter().find(|d| d["rule"]["name"] == "all_commented").expect("all_commented");
    let waiting = commented["witnesses"].as_array().expect("witnesses").iter().find(|w| w["value"]["type"] == "elements" && w["value"]["value"]["role"] == "failing");
    assert!(waiting.is_some_and(|w| w["value"]["value"]["items"].to_string().contains("m01")), "{commented}");
    // The status names the same guard before anyone tries.
    let st = s.args(["status", "--branch", "b1"]).json();
    let guards = st["next_step"]["guards"].as_array().expect("guards");
    assert!(guards.iter().any(|g| g["rule"]["name"] == "all_commented" && g["value"] == false), "{st}");
}

#[test]
fn advance_without_ballots_blocked_by_ballots_recorded() {
    let s = Shine::new();
    let roster = members(3);
    s.branch("b1", &roster);
    s.open("b1");
    s.all_to_voting("b1", &roster);
    let err = s.advancing("b1").fails_json();
    assert_eq!(err["failed"][0]["rule"]["name"], "ballots_recorded", "{err}");
    assert_eq!(err["failed"][0]["rule"]["clause"], "§3.4");
}

#[test]
fn record_outside_its_step_is_refused_with_next_step_named() {
    let s = Shine::new();
    s.branch("b1", &members(2));
    s.open("b1");
    // Attendance before the meeting: the refusal names the state that takes it.
    s.args(["meeting", "attend", "--status", "present", "m01"]).fails().stderr_contains("召开专题组织生活会");
    s.args(["ballot", "codes", "--branch", "b1"]).fails().stderr_contains("无记名投票民主推荐");
    s.advance("b1");
    // A deed after registration closed.
    s.args(["deed", "add", "--member", "m01", "--kind", "带头服务群众", "--text", "补登", "--date", "2026-11-01"])
        .fails()
        .stderr_contains("党员登记“闪光言行”");
    let err = s.args(["present", "m01"]).fails_json();
    assert_eq!(err["code"], "not_accepted_now", "{err}");
    let states: Vec<&str> = err["accepted_in"].as_array().expect("states").iter().filter_map(|s| s["title"].as_str()).collect();
    assert_eq!(states, ["党员交流“闪光言行”"], "{err}");
}

#[test]
fn role_not_allowed_for_step_refused() {
    let s = Shine::new();
    s.branch("b1", &members(2));
    s.open("b1");
    // Members register their own deeds (§2.1) …
    s.args(["deed", "add", "--member", "m01", "--kind", "带头学习提高", "--text", "自学", "--date", "2026-11-01"]).role("member").ok();
    s.advancing("b1").role("member").ok();
    // … but the secretary reports the meeting (§4.2.a).
    s.args(["meeting", "report", "--branch", "b1", "--date", MEETING]).role("member").fails().stderr_contains("branch_secretary");
    s.args(["meeting", "report", "--branch", "b1", "--date", MEETING]).role("organization_department").fails();
    s.args(["status", "--branch", "b1"]).role("nobody").ok();
    s.args(["meeting", "report", "--branch", "b1", "--date", MEETING]).role("nobody").fails().stderr_contains("`nobody`");
    assert_eq!(s.state("b1"), "reporting");
    s.args(["meeting", "report", "--branch", "b1", "--date", MEETING]).at(crate::support::REPORTED).ok();
}

#[test]
fn repeating_a_command_is_safe() {
    let s = Shine::new();
    s.branch("b1", &members(2));
    s.branch("b1", &members(2)); // org add ×3 and the roster import, again
    assert_eq!(s.args(["org", "list"]).json().as_array().map(Vec::len), Some(3));
    assert_eq!(s.args(["members", "--branch", "b1"]).json().as_array().map(Vec::len), Some(2));
    // The same id for a different unit is refused.
    s.args(["org", "add", "--id", "b1", "--name", "另一个支部", "--kind", "branch", "--parent", "g"]).fails();
    s.open("b1");
    s.open("b1");
    for _ in 0..2 {
        s.args(["deed", "add", "--member", "m01", "--kind", "带头服务群众", "--text", "义务献血", "--date", "2026-11-01"]).ok();
    }
    let e = s.explain("m01");
    assert_eq!(witness(crate::support::exclusion(&e, "x9"), "count(d in member.deeds)"), "1", "the same deed twice is one deed");
    let st = s.args(["status", "--branch", "b1"]).json();
    assert_eq!(st["deeds_registered"], 1);
    assert_eq!(st["state"]["id"], "registering");
}

/// A command run again after a crash that hid its answer (or simply twice) must not
/// take one more step: `advance` names the state it leaves, and a quarter that has
/// left it answers with that step, taken once. Records that set a value (attendance,
/// guests, comments, the meeting report, paper totals) write nothing when repeated.
#[test]
fn s3_repeating_advance_takes_its_step_once() {
    let s = Shine::new();
    let roster = members(3);
    s.branch("b1", &roster);
    s.open("b1");
    // Without naming the state to leave, nothing moves, and the message says how.
    let err = s.args(["advance", "--branch", "b1"]).fails_json();
    assert_eq!(err["code"], "advance_unnamed", "{err}");
    assert_eq!(err["now"]["id"], "registering", "{err}");
    s.args(["advance", "--branch", "b1"]).fails().stderr_contains("--from registering");
    assert_eq!(s.state("b1"), "registering");

    let first = s.args(["advance", "--branch", "b1", "--from", "registering"]).json();
    assert_eq!(first["to"]["id"], "reporting");
    assert!(first.get("repeated").is_none(), "{first}");
    // The same command again: the step was taken, once; by title too.
    for from in ["registering", "党员登记“闪光言行”"] {
        let again = s.args(["advance", "--branch", "b1", "--from", from]).json();
        assert_eq!(again["repeated"]["now"]["id"], "reporting", "{again}");
        assert_eq!(again["step"]["id"], "register_deeds", "{again}");
    }
    s.args(["advance", "--branch", "b1", "--from", "registering"]).ok().contains("没有再推进");
    assert_eq!(s.state("b1"), "reporting");
    // A state the quarter has not reached is refused, changing nothing.
    let err = s.args(["advance", "--branch", "b1", "--from", "voting"]).fails_json();
    assert_eq!(err["code"], "not_in_state", "{err}");
    s.args(["advance", "--branch", "b1", "--from", "没有这个环节"]).fails().stderr_contains("没有名为");

    // Value-setting records, repeated, add nothing to the quarter's log.
    let log = |s: &Shine, branch: &str| s.engine().quarter_events(None, branch, None).expect("events").len();
    s.args(["meeting", "report", "--branch", "b1", "--date", MEETING]).at(crate::support::REPORTED).ok();
    let before = log(&s, "b1");
    s.args(["meeting", "report", "--branch", "b1", "--date", MEETING]).at(crate::support::REPORTED).ok();
    assert_eq!(log(&s, "b1"), before, "the same report again");
    s.advancing("b1").ok();
    let before = log(&s, "b1");
    for _ in 0..2 {
        s.args(["meeting", "attend", "--status", "出席", "m01", "m02", "m03"]).ok();
        s.args(["meeting", "guests", "--branch", "b1", "--activist", "孙明", "--delegate", "组织员"]).ok();
    }
    assert_eq!(log(&s, "b1"), before + 2, "attendance and guests once each");

    // Through the tally and the ledger: each repeat reports the step as taken.
    let roster = [m("n01"), m("n02"), m("n03")];
    s.branch("b2", &roster);
    s.open("b2");
    s.to_commentary("b2", &roster, &["n01", "n02", "n03"]);
    let before = log(&s, "b2");
    s.args(["comment", "--member", "n01", "--text", "立足岗位，表现突出"]).ok();
    assert_eq!(log(&s, "b2"), before, "the same comment again");
    s.advancing("b2").ok();
    for _ in 0..2 {
        s.args(["ballot", "totals", "--branch", "b2", "--ballots", "3", "--votes", "n01=3"]).ok();
    }
    let before = log(&s, "b2");
    let tally = s.args(["advance", "--branch", "b2", "--from", "voting"]).json();
    let again = s.args(["advance", "--branch", "b2", "--from", "voting"]).json();
    assert_eq!(again["selection"], tally["selection"], "{again}");
    assert_eq!(again["stars"], tally["stars"]);
    let filed = s.args(["advance", "--branch", "b2", "--from", "tallied"]).json();
    let again = s.args(["advance", "--branch", "b2", "--from", "tallied"]).json();
    assert_eq!(again["reported"], filed["reported"], "{again}");
    assert_eq!(log(&s, "b2"), before + 2, "the totals once, one tally and one ledger, however often asked");
    assert_eq!(s.state("b2"), "reported");
}

#[test]
fn chinese_text_round_trips_byte_for_byte() {
    let names = ["𠀀𬭎", "龘靐", "欧阳𫗧"];
    let deed = "在𠀀村扶贫时“带头”服务群众——龘字碑修缮，𬭎 冶炼\u{3000}调研（第２期）";
    let roster: Vec<_> = names.iter().enumerate().map(|(i, n)| m(&format!("m0{}", i + 1)).name(n)).collect();
    let s = Shine::new();
    s.branch("b1", &roster);
    let listed = s.args(["members", "--branch", "b1"]).json();
    let got: Vec<_> = listed.as_array().expect("members").iter().map(|m| m["name"].as_str().unwrap_or_default().to_owned()).collect();
    assert_eq!(got, names);
    s.open("b1");
    let out = s.args(["deed", "add", "--member", names[0], "--kind", "带头服务群众", "--text", deed, "--date", "2026-11-01"]).json();
    assert_eq!(out["deed"]["text"], deed);
    s.all_to_voting("b1", &roster);
    let engine = s.engine();
    let events = engine.quarter_events(Some(engine.current()), "b1", None).expect("events");
    let stored: Vec<&str> = events
        .iter()
        .flat_map(|e| &e.actions)
        .filter_map(|a| match a {
            shine_engine::event::Action::DeedRegistered { deed, .. } => Some(deed.text.as_str()),
            _ => None,
        })
        .collect();
    assert!(stored.contains(&deed), "the deed text is stored as entered");
    drop(engine);
    s.vote("b1", &[names[0]]);
    s.vote("b1", &[names[0]]);
    s.advance("b1");
    let stars = s.args(["stars", "--branch", "b1"]).json();
    assert_eq!(stars["stars"][0]["name"], names[0]);
    let e = s.explain(names[0]);
    assert_eq!(e["member"]["name"], names[0]);
    assert_eq!(e["star"], true);
    let human = s.args(["stars", "--branch", "b1"]).ok();
    assert!(human.contains(names[0]), "{human}");
}

/// Spawn `args`, kill it with SIGKILL after `after`, and wait.
fn kill_after(s: &Shine, args: &[&std::ffi::OsStr], after: Duration) {
    let mut child = crate::support::Spawned::new(s.command().args(args).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()));
    std::thread::sleep(after);
    child.kill(); // SIGKILL, and waited for
}

#[test]
fn crash_between_steps_leaves_nothing_half_done() {
    const N: usize = 5000;
    let mut csv = String::from("姓名,党员编号,身份,职务,类别,流动党员,最近报到\n");
    for i in 0..N {
        csv.push_str(&format!("党员{i},p{i:05},教师,ordinary,正式,否,\n"));
    }
    let mut life = String::from("member,date,status,note\n");
    for i in 0..N {
        life.push_str(&format!("p{i:05},2026-10-1{},present,\n", i % 10));
    }
    for ms in [5u64, 40, 120, 250, 400] {
        let s = Shine::new();
        s.branch("b1", &[m("m01")]);
        s.args(["org", "add", "--id", "b2", "--name", "大支部", "--kind", "branch", "--parent", "g"]).ok();
        let roster = s.write("big.csv", &csv);
        kill_after(&s, &["roster".as_ref(), "import".as_ref(), "--branch".as_ref(), "b2".as_ref(), roster.as_os_str()], Duration::from_millis(ms));
        {
            let engine = s.engine();
            let n = engine.roster(&shine_engine::domain::UnitId::parse("b2").expect("id")).expect("roster after crash").members.len();
            assert!(n == 0 || n == N, "killed after {ms} ms: {n} of {N} members imported");
            let indexed = engine.store().dump().expect("dump").iter().filter(|(k, _)| k.starts_with(b"i/m/p")).count();
            assert_eq!(indexed, n, "killed after {ms} ms: index and roster disagree");
        }
        // The next command works, and the import can be run again.
        s.args([std::ffi::OsStr::new("roster"), "import".as_ref(), "--branch".as_ref(), "b2".as_ref(), roster.as_os_str()]).ok();
        assert_eq!(s.args(["members", "--branch", "b2"]).json().as_array().map(Vec::len), Some(N));

        let file = s.write("life.csv", &life);
        kill_after(&s, &["life".as_ref(), "import".as_ref(), file.as_os_str()], Duration::from_millis(ms));
        {
            let engine = s.engine();
            let scope = shine_engine::store::Scope::parse("branch/b2").expect("scope");
            let events = engine.store().events(&scope).expect("events after crash");
            let recorded = events.iter().flat_map(|e| &e.actions).filter(|a| matches!(a, shine_engine::event::Action::LifeRecorded { .. })).count();
            assert!(recorded == 0 || recorded == N, "killed after {ms} ms: {recorded} of {N} life records");
        }
        s.args(["life", "add", "--member", "m01", "--date", "2026-10-01", "--status", "present"]).ok();
    }
}

#[test]
fn demo_runs_every_branch_through_a_quarter() {
    let s = Shine::new();
    let dir = s.dir().join("demo");
    let out = s.args([std::ffi::OsStr::new("demo"), "--dir".as_ref(), dir.as_os_str()]).json();
    let branches = out["branches"].as_array().expect("branches");
    assert!(branches.len() >= 3, "{out}");
    let mut runoffs = 0;
    for b in branches {
        let id = &b["branch"]["id"];
        assert_eq!(b["state"]["id"], "reported", "{id} did not finish");
        let stars = b["stars"].as_array().expect("stars");
        assert!(!stars.is_empty(), "{id} has no star");
        assert!(stars.len() as i64 <= b["quota"]["value"].as_i64().expect("quota"), "{id} has more stars than its quota");
        assert!(b["reported"]["id"].as_str().is_some_and(|s| !s.is_empty()), "{id} not reported");
        if b["rounds"].as_array().is_some_and(|r| r.len() > 1) {
            runoffs += 1;
        }
    }
    assert!(runoffs >= 1, "no branch went to a runoff");
}

#[test]
fn explanation_cites_each_rule_as_written_without_the_comments_after_it() {
    let s = Shine::new();
    s.branch("b1", &members(2));
    s.open("b1");
    let e = s.explain("m01");
    for d in [&e["quota"], &e["cap"], &e["judgement"]["voter"], &e["judgement"]["candidate"], &e["judgement"]["preferred"]] {
        let source = d["rule"]["source"].as_str().expect("source");
        assert!(!source.contains("//"), "rule `{}` source carries a comment: {source:?}", d["rule"]["name"]);
        for w in d["witnesses"].as_array().expect("witnesses") {
            let expr = w["expr"].as_str().unwrap_or_default();
            assert_eq!(expr, expr.trim(), "witness expression with surrounding whitespace: {expr:?}");
        }
    }
}

#[test]
fn json_output_is_only_json_even_for_errors() {
    let s = Shine::new();
    s.branch("b1", &members(1));
    // An engine error: an unknown branch.
    let err = s.args(["status", "--branch", "nowhere"]).fails_json();
    assert!(err["message"].as_str().is_some_and(|m| m.contains("nowhere")), "{err}");
    // A usage error: a missing argument.
    s.args(["members"]).fails_json();
}

#[test]
fn an_earlier_quarter_cannot_be_opened_after_a_later_one() {
    let s = Shine::new();
    s.branch("b1", &members(2));
    s.open("b1");
    s.args(["quarter", "open", "--branch", "b1", "--quarter", "2026Q3"]).fails().stderr_contains("2026Q4");
    assert_eq!(s.args(["quarter", "list", "--branch", "b1"]).json(), serde_json::json!(["2026Q4"]));
}

#[test]
fn ledger_keeps_the_exclusions_decided_when_the_ballot_was_fixed() {
    let s = Shine::new();
    let roster = members(4);
    s.branch("b1", &roster);
    s.open("b1");
    s.all_to_voting("b1", &roster);
    for _ in 0..3 {
        s.vote("b1", &["m02"]);
    }
    s.advance("b1");
    // A finding recorded afterwards, dated back into the quarter, does not rewrite the 台帐.
    s.args(["finding", "add", "--member", "m02", "--clause", "x6", "--date", "2026-11-20", "--evidence", "补录"]).ok();
    let ledger = s.args(["stars", "--branch", "b1"]).json();
    assert_eq!(ledger["excluded"], serde_json::json!([]), "{ledger}");
    assert_eq!(ledger["stars"][0]["id"], "m02");
}

#[test]
fn only_the_roles_the_workflow_names_may_open_a_quarter() {
    let s = Shine::new();
    s.branch("b1", &members(2));
    s.args(["quarter", "open", "--branch", "b1", "--quarter", "2026Q4"]).role("member").fails().stderr_contains("党支部书记");
    assert_eq!(s.args(["quarter", "list", "--branch", "b1"]).json(), serde_json::json!([]));
}

/// The number of the first line containing `needle`, and that line.
fn line_with<'t>(text: &'t str, needle: &str) -> (usize, &'t str) {
    text.lines().enumerate().find(|(_, line)| line.contains(needle)).map(|(i, line)| (i + 1, line)).expect("needle in text")
}

#[test]
fn a_workflow_problem_after_chinese_text_is_worded_in_chinese_and_underlined_where_the_header_says() {
    let s = Shine::new().workflow_edit(|t| {
        t.replace(
            "State(id: \"voting\", title: \"无记名投票民主推荐\", clause: \"§3.4\")",
            "State(id: \"voting\", title: \"无记名投票民主推荐\", clause: \"3.4\")",
        )
    });
    let path = s.dir().join("workflows/quarter.ron");
    let text = std::fs::read_to_string(&path).expect("read");
    let (n, line) = line_with(&text, "clause: \"3.4\"");
    let run = s.args(["workflow", "check"]).fails();
    let gutter = " ".repeat(n.to_string().len());
    assert_eq!(
        run.stderr,
        format!(
            "错误：状态 `voting` 引用的 `3.4` 不是条款编号\n\
             {gutter}--> {}:{n}:57\n\
             {gutter} |\n\
             {n} | {line}\n\
             {gutter} | {}^^^^^ 不是条款编号\n  \
             = 帮助：写出它所执行的通知条款，如 `§3.2` 或 `§4.2.a`\n",
            path.display(),
            " ".repeat(65),
        )
    );
    // The header counts characters (56 before the clause, nine of them Chinese); the
    // caret sits at their display width, two columns for each Chinese character.
    let before = &line[..line.find("\"3.4\"").expect("the clause")];
    assert_eq!(before.chars().count() + 1, 57);
    assert_eq!(unicode_width::UnicodeWidthStr::width(before), 65);
}

#[test]
fn a_ron_syntax_error_says_what_kind_of_error_it_is_in_chinese() {
    let s = Shine::new().workflow_edit(|t| {
        t.replace("State(id: \"meeting\", title: \"召开专题组织生活会\", clause: \"§3.2\"),", "State(id: \"meeting\", title: \"召开专题组织生活会\", clause: \"§3.2\")")
    });
    let path = s.dir().join("workflows/quarter.ron");
    let text = std::fs::read_to_string(&path).expect("read");
    let (n, line) = line_with(&text, "State(id: \"exchange\"");
    let run = s.args(["workflow", "check"]).fails();
    let gutter = " ".repeat(n.to_string().len());
    assert_eq!(
        run.stderr,
        format!(
            "错误：无法读取 `{path}`：RON 语法错误\n\
             {gutter}--> {path}:{n}:9\n\
             {gutter} |\n\
             {n} | {line}\n\
             {gutter} |         ^ 此处有误\n  \
             = 帮助：检查此处附近的逗号、括号、冒号和引号（RON 的说明：Expected comma）；格式见 docs/WORKFLOWS.md\n",
            path = path.display(),
        )
    );
    // `--json` gives the same problem as data.
    let err = s.args(["workflow", "check"]).fails_json();
    let problem = &err["problems"][0];
    assert_eq!(problem["place"]["line"], n, "{err}");
    assert_eq!(problem["problem"]["code"], "syntax", "{err}");
    assert_eq!(problem["problem"]["problem"]["code"], "malformed", "{err}");
}
