//! §3.1 (登记): a member registers their deeds on the 《党员“闪光言行”登记证》 before
//! the branch meeting, and while the registering window is open edits or withdraws
//! them (`shine deed edit|withdraw --number N`, N as the certificate numbers them). The
//! same checks as registering; a repeat writes nothing; a withdrawn deed leaves the
//! others their numbers. Once the quarter moves on to the meeting (§3.2) the
//! certificate is what the meeting reads: no more edits.

use crate::support::{m, Served, Shine};
use crate::web::{result, Browser};
use serde_json::Value;

/// A branch `b1` of two teachers with the quarter open at `registration`, and m01's
/// three deeds registered by m01 themself.
fn world() -> Shine {
    let s = Shine::new();
    s.branch("b1", &[m("m01"), m("m02")]);
    s.open("b1");
    for (text, date) in [("完成党史学习", "2026-10-20"), ("为独居老人上门维修家电", "2026-11-02"), ("牵头完成专业认证自评报告", "2026-11-05")] {
        s.args(["deed", "add", "--member", "m01", "--kind", "带头服务群众", "--text", text, "--date", date]).role("member").ok();
    }
    s
}

fn deeds(s: &Shine) -> Vec<Value> {
    let c = s.args(["member", "certificate", "--member", "m01"]).json();
    c["quarters"][0]["register"]["deeds"].as_array().expect("deeds").clone()
}

fn numbers(s: &Shine) -> Vec<u64> {
    deeds(s).iter().map(|d| d["number"].as_u64().expect("number")).collect()
}

/// How many events the quarter's log holds.
fn events(s: &Shine) -> usize {
    let engine = s.engine();
    engine.quarter_events(Some(engine.current()), "b1", None).expect("events").len()
}

#[test]
fn s3_1_a_member_edits_their_own_deed_in_the_registering_window() {
    let s = world();
    assert_eq!(numbers(&s), [1, 2, 3]);
    let human = s.args(["member", "certificate", "--member", "m01"]).ok();
    assert!(human.contains("2. 2026-11-02 带头服务群众：为独居老人上门维修家电"), "{human}");

    let out = s
        .args(["deed", "edit", "--member", "m01", "--number", "2", "--kind", "带头争创佳绩", "--form", "重要任务", "--text", "为独居老人上门维修家电三次"])
        .role("member")
        .ok();
    assert!(out.contains("已修改") && out.contains("原为：2026-11-02 带头服务群众：为独居老人上门维修家电"), "{out}");
    let d = &deeds(&s)[1];
    assert_eq!(d["number"], 2);
    assert_eq!(d["kind"]["name"], "带头争创佳绩");
    assert_eq!(d["form"]["name"], "重要任务");
    assert_eq!(d["text"], "为独居老人上门维修家电三次");
    assert_eq!(d["date"], "2026-11-02", "a field not given stays as registered");

    // The same edit again writes nothing.
    let before = events(&s);
    let again = s
        .args(["deed", "edit", "--member", "m01", "--number", "2", "--kind", "带头争创佳绩", "--form", "重要任务", "--text", "为独居老人上门维修家电三次"])
        .role("member")
        .json();
    assert_eq!(again["outcome"], "unchanged", "{again}");
    assert_eq!(events(&s), before);

    // `--form ""` takes the form away; the date moves within the quarter.
    s.args(["deed", "edit", "--member", "m01", "--number", "2", "--form", "", "--date", "2026-11-03"]).ok();
    let d = &deeds(&s)[1];
    assert!(d["form"].is_null(), "{d}");
    assert_eq!(d["date"], "2026-11-03");
}

#[test]
fn s3_1_a_withdrawn_deed_leaves_the_others_their_numbers_and_a_repeat_withdraws_nothing_more() {
    let s = world();
    let out = s.args(["deed", "withdraw", "--member", "m01", "--number", "2"]).role("member").ok();
    assert!(out.contains("已撤回") && out.contains("为独居老人上门维修家电"), "{out}");
    assert_eq!(numbers(&s), [1, 3]);
    let human = s.args(["member", "certificate", "--member", "m01"]).ok();
    assert!(human.contains("3. 2026-11-05") && !human.contains("上门维修"), "{human}");

    let before = events(&s);
    let again = s.args(["deed", "withdraw", "--member", "m01", "--number", "2"]).role("member").json();
    assert_eq!(again["outcome"], "withdrawn_already", "{again}");
    assert_eq!(events(&s), before);
    assert_eq!(numbers(&s), [1, 3], "repeating the withdrawal withdrew nothing more");

    // A deed registered afterwards takes the next number.
    s.args(["deed", "add", "--member", "m01", "--kind", "带头学习提高", "--text", "参加师德培训", "--date", "2026-11-20"]).ok();
    assert_eq!(numbers(&s), [1, 3, 4]);

    // No such deed: said with what the member has.
    let run = s.args(["deed", "edit", "--member", "m01", "--number", "2", "--text", "x"]).fails();
    run.stderr_contains("第 2 条闪光言行已撤回").stderr_contains("现有 3 条：第 1 条、第 3 条、第 4 条").stderr_contains("shine member certificate");
    let err = s.args(["deed", "withdraw", "--member", "m01", "--number", "9"]).fails_json();
    assert_eq!(err["code"], "no_such_deed", "{err}");
    assert!(err["message"].as_str().unwrap_or_default().contains("没有第 9 条"), "{err}");
    s.args(["deed", "withdraw", "--member", "m02", "--number", "1"]).fails().stderr_contains("尚未登记闪光言行");
}

#[test]
fn s3_1_an_edit_is_checked_as_a_registration_is() {
    let s = world();
    let edit = |extra: &[&str]| {
        let mut args = vec!["deed", "edit", "--member", "m01", "--number", "1"];
        args.extend_from_slice(extra);
        s.args(args).role("member").fails()
    };
    edit(&["--kind", "带头唱歌"]).stderr_contains("带头唱歌").stderr_contains("带头学习提高");
    edit(&["--form", "口号"]).stderr_contains("说过的话");
    edit(&["--date", "2026-12-11"]).stderr_contains("晚于今天");
    edit(&["--date", "2026-09-30"]).stderr_contains("不在可登记的日期内");
    edit(&["--text", "隐藏\u{202e}字符"]).stderr_contains("U+202E");
    assert_eq!(deeds(&s)[0]["text"], "完成党史学习", "nothing refused was written");
}

#[test]
fn s3_2_once_the_quarter_moves_on_to_the_meeting_deeds_are_no_longer_edited_or_withdrawn() {
    let s = world();
    // Not a role the registering step allows.
    s.args(["deed", "withdraw", "--member", "m01", "--number", "1"]).role("general_branch").fails();
    s.advance("b1");
    for args in [
        vec!["deed", "edit", "--member", "m01", "--number", "1", "--text", "改写"],
        vec!["deed", "withdraw", "--member", "m01", "--number", "1"],
    ] {
        s.args(args).role("member").fails().stderr_contains("此时不能登记闪光言行").stderr_contains("shine status --branch b1");
    }
    assert_eq!(numbers(&s), [1, 2, 3]);
}

#[test]
fn s3_1_on_the_web_a_member_edits_and_withdraws_only_their_own_deeds() {
    let (s, pw) = crate::web::world();
    s.args(["deed", "add", "--member", "m03", "--kind", "带头服务群众", "--text", "m03 的事迹", "--date", "2026-11-01"]).ok();
    let mut server = Served::start(&s);
    let mut b = Browser::new(&server);
    assert_eq!(b.sign_in("mem", &pw["mem"]).status, 303);
    for text in ["网页登记：第一条", "网页登记：第二条"] {
        assert_eq!(b.submit("/work", "/work/me/deed", &[("kind", "带头服务群众"), ("text", text)]).status, 200);
    }
    let home = b.get("/work");
    for id in ["deed-edit-form-1", "deed-withdraw-form-1", "deed-edit-form-2", "deed-withdraw-form-2"] {
        assert!(home.body.contains(&format!("id=\"{id}\"")), "{id}: {}", home.body);
    }
    assert!(home.body.contains("<textarea id=\"text-2\" name=\"text\">网页登记：第二条</textarea>"), "the form holds the deed as registered");
    // A `member` field is not taken: the deed edited is the account's member's.
    let edited = b.submit("/work", "/work/me/deed/edit", &[("member", "m03"), ("number", "1"), ("kind", "带头学习提高"), ("form", ""), ("text", "网页修改：第一条")]);
    assert_eq!(edited.status, 200, "{}", edited.body);
    assert!(result(&edited).contains("已修改 党员m02 的第 1 条闪光言行"), "{}", result(&edited));
    let withdrawn = b.submit("/work", "/work/me/deed/withdraw", &[("member", "m03"), ("number", "2")]);
    assert!(result(&withdrawn).contains("已撤回 党员m02 的第 2 条闪光言行"), "{}", result(&withdrawn));
    let missing = b.submit("/work", "/work/me/deed/withdraw", &[("number", "7")]);
    assert_eq!(missing.status, 422);
    assert!(result(&missing).contains("没有第 7 条闪光言行") && result(&missing).contains("现有 1 条：第 1 条"), "{}", result(&missing));
    server.stop_gracefully();
    let mine = s.args(["member", "certificate", "--member", "m02"]).ok();
    assert!(mine.contains("1. ") && mine.contains("带头学习提高：网页修改：第一条") && !mine.contains("第二条"), "{mine}");
    assert!(s.args(["member", "certificate", "--member", "m03"]).ok().contains("1. 2026-11-01 带头服务群众：m03 的事迹"));

    // Once the quarter moves on, the page says why the deed stays as it is.
    s.advance("b1");
    let server = Served::start(&s);
    let mut b = Browser::new(&server);
    assert_eq!(b.sign_in("mem", &pw["mem"]).status, 303);
    // The page offers no deed forms outside the registering step, and says why.
    let home = b.get("/work");
    assert!(!home.body.contains("id=\"deed-form\"") && !home.body.contains("deed-edit-form-1"), "{}", home.body);
    assert!(home.body.contains("id=\"deeds-closed\"") && home.body.contains("登记环节已结束"), "{}", home.body);
    // A form posted anyway (an old page) is refused by the engine.
    let late = b.submit("/work", "/work/me/deed/withdraw", &[("number", "1")]);
    assert_eq!(late.status, 422);
    assert!(result(&late).contains("此时不能登记闪光言行"), "{}", result(&late));
}
