//! The notice's vocabulary lives in the files, not in Rust: a copy of `rules/` and
//! `workflows/` with every identifier of the notice renamed — kinds of unit, roles,
//! states, steps, levels, rule names, enum variants — runs a whole quarter and the
//! chain to the same stars and picks as the files as shipped.
//!
//! Both worlds run the same commands: people type titles and labels (`党支部`, `出席`,
//! `普通党员`), which the renamed copy keeps, so only the identifiers differ.

use crate::support::{Shine, MEETING, QUARTER};
use serde_json::Value;
use std::ffi::OsStr;

/// Identifiers of the workflow files (ids of kinds, roles, levels, states, steps, and
/// the rules their steps name). `quorum` stays: it is the keyword of its rule form.
const RON_IDS: &[&str] = &[
    "committee", "general_branch", "direct_branch", "branch", "member", "branch_secretary", "organization_department",
    "provincial_education_committee", "directly_affiliated_branch", "registering", "reporting", "meeting", "exchange",
    "commentary", "voting", "runoff", "tallied", "reported", "register_deeds", "report_meeting", "hold_meeting",
    "present_deeds", "comment_on_members", "tally", "tally_runoff", "file_result", "meeting_reported",
    "attendance_recorded", "all_commented", "ballots_recorded", "typical", "per_unit", "province", "window",
    "meeting_reported_ahead", "round_valid",
];

/// Identifiers of the rule files: enum variants, rule names, the levels picks name.
const RULE_IDS: &[&str] = &[
    "secretary", "committee", "leading_cadre", "ordinary", "present", "excused", "unexcused", "x1", "x2", "x3", "x4", "x5",
    "x6", "x7", "x8", "x9", "meeting_reported", "attendance_recorded", "all_commented", "ballots_recorded", "typical",
    "per_unit", "province", "window", "general_branch", "organization_department", "meeting_reported_ahead", "round_valid",
];

/// Variants declared without a label: renamed, with their old name as the label that
/// people type.
const UNLABELLED: &[&str] =
    &["教师", "学生", "离退休同志", "机关", "后勤", "带头学习提高", "带头争创佳绩", "带头服务群众", "带头遵纪守法", "带头弘扬正气"];

fn renamed(id: &str) -> String {
    format!("{id}_改")
}

fn rename_ron(text: &str) -> String {
    let mut out = text.to_owned();
    for id in RON_IDS {
        out = out.replace(&format!("\"{id}\""), &format!("\"{}\"", renamed(id)));
    }
    out
}

/// Whole words only: `member.meeting` keeps its field, `present` becomes `present_改`,
/// and a clause (`§3.4.x8`) is the notice's own reference and stays.
fn rename_words(text: &str, ids: &[&str]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if ids.contains(&word.as_str()) {
            out.push_str(&renamed(word));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        let clause = word.starts_with('§');
        if c.is_alphanumeric() || c == '_' || c == '§' || (clause && c == '.') {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

fn rename_rules(text: &str) -> String {
    let out = rename_words(text, RULE_IDS);
    let lines = out.split_inclusive('\n').map(|line| {
        for item in ["emphasis ", "annex "] {
            if let Some(names) = line.strip_prefix(item) {
                // An emphasis or the form's column names variants: renamed as they are;
                // its quote stays.
                let at = names.find('§').unwrap_or(names.len());
                return format!("{item}{}{}", rename_words(&names[..at], UNLABELLED), &names[at..]);
            }
        }
        let mut line = line.to_owned();
        for v in UNLABELLED {
            for (before, after) in [(" ", ","), (" ", " }"), (" ", "}")] {
                line = line.replace(&format!("{before}{v}{after}"), &format!("{before}{} \"{v}\"{after}", renamed(v)));
            }
        }
        line
    });
    lines.collect()
}

/// A world whose files have every identifier renamed.
fn renamed_world() -> Shine {
    let s = Shine::new().workflow_edit(rename_ron).escalation_edit(rename_ron);
    // quota.shine names nothing of the notice but the clause: it stays as it is.
    for file in ["escalation.shine", "exclusions.shine", "facts.shine", "guards.shine", "recommendation.shine"] {
        s.edit_rules(file, rename_rules);
    }
    s
}

/// `advance`, naming the state the branch is in now.
fn advance(s: &Shine, branch: &str) -> Value {
    s.advancing(branch).json()
}

fn run(s: &Shine, args: &[&str]) -> Value {
    s.args(args).json()
}

fn run_at(s: &Shine, at: &str, args: &[&str]) -> Value {
    s.args(args).at(at).json()
}

/// A university, a quarter and the chain, typed as people type them; what came of it.
fn quarter_and_chain(s: &Shine, x3: &str) -> Value {
    run(s, &["org", "add", "--id", "c", "--name", "测试大学党委", "--kind", "校党委"]);
    run(s, &["org", "add", "--id", "g", "--name", "测试学院党总支", "--kind", "党总支", "--parent", "c"]);
    run(s, &["org", "add", "--id", "b1", "--name", "测试党支部", "--kind", "党支部", "--parent", "g"]);
    run(s, &["org", "add", "--id", "d", "--name", "机关直属党支部", "--kind", "直属党支部", "--parent", "c"]);
    let roster = "姓名,党员编号,身份,职务,类别,流动党员,最近报到\n\
        陈书记,m01,教师,支部书记,正式,否,\n李支委,m02,教师,支委,正式,否,\n王芳,m03,教师,普通党员,正式,否,\n\
        赵敏,m04,学生,普通党员,正式,否,\n钱伟,m05,学生,普通党员,正式,否,\n孙丽,m06,教师,普通党员,正式,否,\n\
        周杰,m07,教师,普通党员,正式,否,\n吴刚,m08,教师,普通党员,正式,否,\n郑新,m09,学生,普通党员,预备,否,\n";
    let file = s.write("b1.csv", roster);
    s.args([OsStr::new("roster"), "import".as_ref(), "--branch".as_ref(), "b1".as_ref(), file.as_os_str()]).ok();
    let file = s.write("d.csv", "姓名,党员编号,身份,职务,类别,流动党员,最近报到\n冯书记,d01,机关,支部书记,正式,否,\n韩平,d02,后勤,普通党员,正式,否,\n杨静,d03,机关,普通党员,正式,否,\n");
    s.args([OsStr::new("roster"), "import".as_ref(), "--branch".as_ref(), "d".as_ref(), file.as_os_str()]).ok();
    // Two absences in a row without valid reason (§3.4.x8) and a discipline (§3.4.x3).
    run(s, &["life", "add", "--member", "m08", "--date", "2026-10-10", "--kind", "支部党员大会", "--absences-only", "--status", "无故缺席"]);
    run(s, &["life", "add", "--member", "m08", "--date", "2026-11-10", "--kind", "支部党员大会", "--absences-only", "--status", "无故缺席"]);
    run(s, &["finding", "add", "--member", "m07", "--clause", x3, "--date", "2026-09-01", "--evidence", "警告处分", "--until", "2027-09-01"]);

    for (branch, members, votes) in [("b1", &["m01", "m02", "m03", "m04", "m05", "m06", "m07", "m08", "m09"][..], &["m03", "m04"][..]), ("d", &["d01", "d02", "d03"][..], &["d02"][..])] {
        run(s, &["quarter", "open", "--branch", branch, "--quarter", QUARTER]);
        for m in members {
            run(s, &["deed", "add", "--member", m, "--kind", "带头服务群众", "--text", "为群众办实事", "--date", "2026-11-02"]);
        }
        advance(s, branch);
        run_at(s, crate::support::REPORTED, &["meeting", "report", "--branch", branch, "--date", MEETING]);
        advance(s, branch);
        let mut attend = vec!["meeting", "attend", "--status", "出席"];
        attend.extend_from_slice(members);
        run(s, &attend);
        advance(s, branch);
        let mut present = vec!["present"];
        present.extend_from_slice(members);
        run(s, &present);
        advance(s, branch);
        for m in members {
            run(s, &["comment", "--member", m, "--text", "事迹具体"]);
        }
        advance(s, branch);
        // Every full member votes with a code, most for the first candidate, a few for the second.
        for i in 0..members.iter().filter(|m| **m != "m09").count() {
            let choice = if i % 3 == 2 { votes[votes.len() - 1] } else { votes[0] };
            s.vote(branch, &[choice]);
        }
        advance(s, branch);
        advance(s, branch);
    }
    // The chain: the general branch and the directly affiliated branch, then the committee.
    let later = "2026-12-18";
    let last = "2026-12-28";
    run(s, &["pull", "--unit", "g", "--quarter", QUARTER]);
    run(s, &["chain", "publish", "--unit", "g", "--quarter", QUARTER]);
    run_at(s, later, &["chain", "pick", "--unit", "g", "--quarter", QUARTER, "--member", "王芳", "--reason", "事迹突出"]);
    run_at(s, later, &["chain", "forward", "--unit", "g", "--quarter", QUARTER]);
    run(s, &["chain", "file", "--unit", "d", "--quarter", QUARTER]);
    run(s, &["chain", "publish", "--unit", "d", "--quarter", QUARTER]);
    run_at(s, later, &["chain", "forward", "--unit", "d", "--quarter", QUARTER]);
    run_at(s, later, &["pull", "--quarter", QUARTER]);
    run_at(s, later, &["chain", "file", "--quarter", QUARTER]);
    run_at(s, later, &["chain", "pick", "--quarter", QUARTER, "--member", "王芳", "--reason", "择优推荐"]);
    run_at(s, later, &["chain", "publish", "--quarter", QUARTER]);
    run_at(s, last, &["chain", "forward", "--quarter", QUARTER]);

    let names = |list: &Value| -> Vec<String> { list.as_array().expect("a list").iter().map(|m| m["name"].as_str().unwrap_or_default().to_owned()).collect() };
    let clauses = |ledger: &Value| -> Vec<(String, Vec<String>)> {
        ledger["excluded"]
            .as_array()
            .expect("exclusions")
            .iter()
            .map(|pair| (pair[0]["name"].as_str().unwrap_or_default().to_owned(), pair[1].as_array().expect("rules").iter().map(|e| e["rule"]["clause"].as_str().unwrap_or_default().to_owned()).collect()))
            .collect()
    };
    let b1 = run(s, &["stars", "--branch", "b1"]);
    let d = run(s, &["stars", "--branch", "d"]);
    let top = run_at(s, last, &["chain", "status", "--quarter", QUARTER]);
    let forwarded: Vec<String> = top["stars"].as_array().expect("stars").iter().filter(|v| v["picked"].is_string()).map(|v| v["record"]["member"]["name"].as_str().unwrap_or_default().to_owned()).collect();
    serde_json::json!({
        "b1": { "stars": names(&b1["stars"]), "excluded": clauses(&b1), "quota": b1["quota"]["value"] },
        "d": { "stars": names(&d["stars"]), "excluded": clauses(&d) },
        "committee": { "held": top["stars"].as_array().map(Vec::len), "picked": forwarded, "forwarded": top["forwarded"]["count"] },
    })
}

#[test]
fn the_notices_vocabulary_renamed_in_the_files_selects_the_same_stars_up_the_chain() {
    let shipped = Shine::new();
    let expected = quarter_and_chain(&shipped, "x3");
    let renamed = renamed_world();
    // The files really are renamed: no identifier of the notice is left.
    let quarter = std::fs::read_to_string(renamed.dir().join("workflows/quarter.ron")).expect("read");
    assert!(quarter.contains("\"branch_secretary_改\"") && !quarter.contains("\"branch_secretary\""), "{quarter}");
    let facts = std::fs::read_to_string(renamed.rules_dir().join("facts.shine")).expect("read");
    assert!(facts.contains("present_改 \"出席\"") && facts.contains("教师_改 \"教师\""), "{facts}");
    let got = quarter_and_chain(&renamed, "x3_改");
    assert_eq!(got, expected);
    // And the run did what the notice asks, so the comparison is not of two empty runs.
    assert_eq!(expected["b1"]["stars"], serde_json::json!(["王芳"]), "{expected}");
    assert_eq!(expected["b1"]["excluded"].as_array().map(Vec::len), Some(2), "{expected}");
    assert_eq!(expected["committee"]["picked"], serde_json::json!(["王芳"]), "{expected}");
    assert_eq!(expected["committee"]["forwarded"], 1, "{expected}");
}
