//! Issue 10 §3: the web workspace driven in headless Chromium (through chromedriver,
//! `webdriver.rs`), as the people who run a quarter use it. A whole quarter is done
//! on the web alone — the accounts made with `shine user add` and the tree and roster
//! imported are the only CLI set-up —: the secretary opens the quarter, members on a
//! phone-sized screen (390×844) register their deeds, the secretary reports the
//! special meeting (§4.2.a), records attendance, presentations and comments, issues
//! voting codes, members vote with them on their phones (§3.4), the secretary closes
//! and tallies, and the general branch receives, publishes, picks with a reason and
//! forwards (§4.2.b, §4.3.d). Every page is kept as a screenshot under
//! `target/browser-artifacts/`. And what is refused: a wrong password, a form posted
//! without its CSRF token, a member opening a secretary's page, a step refused with
//! the words and clause the CLI gives.
//!
//! The server runs at three clocks, as the quarter does: the report before the
//! meeting, the meeting and the vote, and the chain after the objection window.
//! One browser per test.

// A test that meets an unexpected shape should stop right there, with the value shown.
#![allow(clippy::unwrap_used)]

use crate::chain::AFTER_WINDOW;
use crate::support::{members, Served, Shine, MEETING, NOW, QUARTER, REPORTED};
use crate::webdriver::{Browser, PHONE};
use serde_json::json;
use std::collections::BTreeMap;

/// A desk's window.
const DESK: (u32, u32) = (1280, 900);

/// The branch `b1` (m01–m03) under the general branch `g` of the committee `c`, and
/// the accounts of everyone who works on it; their passwords by login.
fn world() -> (Shine, BTreeMap<&'static str, String>) {
    let s = Shine::new();
    s.branch("b1", &members(3));
    let mut passwords = BTreeMap::new();
    for (login, name, role, unit, member) in [
        ("sec", "张伟", "branch_secretary", "b1", None),
        ("m01", "党员m01", "member", "b1", Some("m01")),
        ("m02", "党员m02", "member", "b1", Some("m02")),
        ("m03", "党员m03", "member", "b1", Some("m03")),
        ("zzb", "李娜", "general_branch", "g", None),
        ("zzbu", "刘洋", "organization_department", "c", None),
    ] {
        let mut args = vec!["user", "add", "--login", login, "--name", name, "--role", role, "--unit", unit];
        if let Some(member) = member {
            args.extend(["--member", member]);
        }
        passwords.insert(login, s.args(args).json()["password"].as_str().unwrap().to_owned());
    }
    (s, passwords)
}

/// A browser on one server: signing in and out, submitting forms, screenshots.
struct Web<'a> {
    browser: &'a Browser,
    url: String,
    shots: usize,
}

impl Web<'_> {
    fn open(&self, path: &str) {
        self.browser.goto(&format!("{}{path}", self.url));
    }

    fn sign_in(&self, login: &str, password: &str) {
        self.open("/work/login");
        self.browser.fill("#login", login);
        self.browser.fill("#password", password);
        self.browser.click_to_load("#login-form button");
        assert!(self.browser.url().ends_with("/work"), "{login} signed in: {}", self.browser.source());
    }

    fn sign_out(&self) {
        self.browser.click_to_load("#logout-form button");
        assert!(self.browser.url().ends_with("/work/login"));
    }

    /// Submit a form of the page; the action must be done. Returns what it printed.
    fn submit(&self, form: &str) -> String {
        self.browser.click_to_load(&format!("#{form} button[type=submit]"));
        let result = self.browser.all("section#result.done");
        assert!(!result.is_empty(), "{form} not done:\n{}", self.text("main"));
        self.text("#result")
    }

    /// Submit a form of the page; the action must be refused. Returns what it printed.
    fn refused(&self, form: &str) -> String {
        self.browser.click_to_load(&format!("#{form} button[type=submit]"));
        assert!(!self.browser.all("section#result.refused").is_empty(), "{form} not refused:\n{}", self.text("main"));
        self.text("#result")
    }

    fn text(&self, css: &str) -> String {
        self.browser.text(css)
    }

    /// A screenshot of the page as it is, numbered in the order taken.
    fn shot(&mut self, name: &str) {
        self.shots += 1;
        self.browser.screenshot(&format!("quarter-{:02}-{name}", self.shots));
    }

    /// Move the quarter on from the secretary's home page.
    fn advance(&self, to: &str) {
        self.open("/work");
        let done = self.submit("advance-form");
        assert!(done.contains(to), "advanced to {to}: {done}");
    }
}

/// The codes a secretary's page shows after issuing them, one a line.
fn codes(printed: &str) -> Vec<String> {
    printed
        .lines()
        .skip_while(|l| !l.contains("投票码只显示这一次"))
        .skip(1)
        .map(str::trim)
        .take_while(|l| !l.is_empty() && !l.starts_with("投票"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn s3_4_a_whole_quarter_is_done_on_the_web_alone_with_members_voting_by_code_on_their_phones() {
    let (s, pw) = world();
    let Some(browser) = Browser::start(&s, DESK) else { return };

    // Before the meeting: opening, deeds, the report to the general branch (§4.2.a).
    let mut server = Served::start_at(&s, REPORTED);
    let mut web = Web { browser: &browser, url: server.url.clone(), shots: 0 };
    web.sign_in("sec", &pw["sec"]);
    web.browser.fill("#open-form #quarter", QUARTER);
    assert!(web.submit("open-form").contains(QUARTER));
    web.shot("secretary-opened");
    web.sign_out();
    browser.resize(PHONE);
    for (i, member) in ["m01", "m02", "m03"].iter().enumerate() {
        web.sign_in(member, &pw[member]);
        web.browser.choose("#kind", "带头服务群众");
        web.browser.fill("#text", &format!("{member} 在社区志愿服务中带头服务群众"));
        assert!(web.submit("deed-form").contains(&format!("已为 {member} 登记闪光言行")));
        assert!(web.text("#certificate").contains("在社区志愿服务中带头服务群众"));
        if i == 0 {
            web.shot("member-deed-phone");
        }
        web.sign_out();
    }
    browser.resize(DESK);
    web.sign_in("sec", &pw["sec"]);
    web.advance("会前向上级党组织报告");
    web.open("/work/branch/meeting");
    web.browser.set("#report-form #date", MEETING);
    assert!(web.submit("report-form").contains(MEETING));
    web.shot("secretary-meeting-reported");
    web.advance("召开专题组织生活会");
    server.stop_gracefully();

    // The meeting and the vote.
    let mut server = Served::start_at(&s, NOW);
    web.url = server.url.clone();
    web.sign_in("sec", &pw["sec"]);
    web.open("/work/branch/meeting");
    web.browser.choose("#attend-form #status", "present");
    for member in web.browser.all("#attend-form input[name=members]") {
        web.browser.click_element(&member);
    }
    web.submit("attend-form");
    web.shot("secretary-attendance");
    web.advance("党员交流");
    web.open("/work/branch/exchange");
    for member in web.browser.all("#present-form input[name=members]") {
        web.browser.click_element(&member);
    }
    web.submit("present-form");
    web.advance("点评");
    for member in ["m01", "m02", "m03"] {
        web.open("/work/branch/exchange");
        web.browser.choose("#comment-form #member", member);
        web.browser.fill("#comment-form #text", "立足岗位，带头服务群众，事迹具体");
        web.submit("comment-form");
    }
    web.shot("secretary-comments");
    web.advance("无记名投票");
    web.open("/work/branch/vote");
    let issued = codes(&web.submit("codes-form"));
    assert_eq!(issued.len(), 3, "one code for each member present: {issued:?}");
    web.shot("secretary-codes");
    web.sign_out();

    browser.resize(PHONE);
    for (member, code) in ["m01", "m02", "m03"].iter().zip(&issued) {
        web.sign_in(member, &pw[member]);
        web.open("/work/me/vote");
        web.browser.fill("#code", code);
        // Step 1: the code checked, the round's candidates shown.
        web.browser.click_to_load("#vote-form button[type=submit]");
        web.browser.click("input[name=choices][value=m01]");
        web.submit("vote-form");
        if *member == "m01" {
            web.shot("member-voted-phone");
        }
        // The vote page reads no session and offers no sign-out: back to the desk.
        web.open("/work");
        web.sign_out();
    }
    browser.resize(DESK);
    web.sign_in("sec", &pw["sec"]);
    web.open("/work/branch/vote");
    assert!(web.text("#progress").contains('3'), "{}", web.text("#progress"));
    web.submit("close-form");
    web.advance("评选结果记入工作台帐");
    web.advance("已报上级备案");
    web.open("/work/branch/stars");
    assert!(web.text("#stars").contains("党员m01"), "{}", web.text("#stars"));
    web.shot("secretary-stars");
    // 导出与打印: the ledger as an A4 page, opened in the browser to print.
    web.open("/work/downloads");
    web.browser.choose("#download-ledger #ledger-format", "html");
    web.browser.click_to_load("#download-ledger button[type=submit]");
    assert_eq!(web.text("h1"), "测试党支部b1党员“闪光言行之星”评选台帐");
    assert!(web.text("body").contains("当选“闪光言行之星”：党员m01"), "{}", web.text("body"));
    web.shot("secretary-ledger-printed");
    web.open("/work");
    web.sign_out();

    // The general branch: receive and publish now, pick and forward after the window.
    web.sign_in("zzb", &pw["zzb"]);
    assert!(web.submit("receive-form").contains("党员m01"));
    web.submit("publish-form");
    web.shot("general-branch-published");
    web.open("/work/level/meetings");
    assert!(web.text("#meetings").contains(MEETING), "the reported meeting: {}", web.text("#meetings"));
    server.stop_gracefully();

    let mut server = Served::start_at(&s, AFTER_WINDOW);
    web.url = server.url.clone();
    web.sign_in("zzb", &pw["zzb"]);
    web.browser.choose("#pick-form #member", "m01");
    web.browser.fill("#pick-form #reason", "带头服务群众，事迹突出，群众公认");
    assert!(web.submit("pick-form").contains("已推荐"));
    let sent = web.submit("forward-form");
    assert!(sent.contains("已报送「测试大学党委」1 名"), "{sent}");
    web.shot("general-branch-forwarded");
    web.sign_out();

    // The Organization Department sees it all in the overview.
    web.sign_in("zzbu", &pw["zzbu"]);
    web.open("/work/level/overview");
    let overview = web.text("#overview");
    assert!(overview.contains("测试党支部b1（b1）") && overview.contains("上级已报送"), "b1's result went on from its general branch: {overview}");
    web.shot("organization-department-overview");
    // The university's roll-up of the Annex form, for filing (§4.2.b).
    web.open("/work/downloads");
    web.browser.fill("#download-form #form-quarter", QUARTER);
    web.browser.choose("#download-form #form-format", "html");
    web.browser.click_to_load("#download-form button[type=submit]");
    let printed = web.text("body");
    assert!(printed.contains("填报单位党组织（盖章）：测试学院党总支") && printed.contains("党员m01"), "{printed}");
    web.shot("organization-department-roll-up");
    server.stop_gracefully();

    // What the web did is what the store holds, as the CLI reads it.
    let ledger = s.args(["stars", "--branch", "b1", "--quarter", QUARTER]).json();
    assert_eq!(ledger["stars"][0]["name"], "党员m01", "{ledger}");
    let level = s.args(["chain", "status", "--unit", "g", "--quarter", QUARTER]).at(AFTER_WINDOW).json();
    assert_eq!(level["forwarded"]["count"], 1, "{level}");
    assert_eq!(json!(level["stars"][0]["picked"]), json!("带头服务群众，事迹突出，群众公认"));
}

#[test]
fn s4_2_b_what_the_web_refuses_a_wrong_password_a_form_without_its_token_another_desk_and_a_step_out_of_turn() {
    let (s, pw) = world();
    s.open("b1");
    let Some(browser) = Browser::start(&s, PHONE) else { return };
    let mut server = Served::start(&s);
    let mut web = Web { browser: &browser, url: server.url.clone(), shots: 100 };

    web.open("/work/login");
    web.browser.fill("#login", "m02");
    web.browser.fill("#password", "not-the-password");
    web.browser.click_to_load("#login-form button");
    assert!(web.text("#problem").contains("登录名或密码不正确"), "{}", web.browser.source());
    web.shot("refused-wrong-password");

    // A member's form posted without its CSRF token is refused, and nothing recorded.
    web.sign_in("m02", &pw["m02"]);
    web.browser.choose("#kind", "带头服务群众");
    web.browser.fill("#text", "不应登记的一条");
    web.browser.script("document.querySelector('#deed-form input[name=csrf]').remove()", json!([]));
    web.browser.click_to_load("#deed-form button[type=submit]");
    assert!(web.text("#notice").contains("表单校验码不符或缺失"), "{}", web.browser.source());
    web.shot("refused-without-csrf");
    // A member opening the secretary's pages.
    for page in ["/work/branch/roster", "/work/level/overview"] {
        web.open(page);
        assert!(web.text("#notice").contains("不属于您的账号所办理的工作"), "{page}: {}", web.browser.source());
    }
    web.shot("refused-another-desk");
    web.open("/work");
    web.sign_out();

    // The general branch forwarding before receiving: refused with the CLI's words,
    // the step and its clause.
    web.sign_in("zzb", &pw["zzb"]);
    let refused = web.refused("forward-form");
    web.shot("refused-step-before");
    server.stop_gracefully();
    let cli = s.args(["chain", "forward", "--unit", "g", "--quarter", QUARTER]).role("general_branch").fails();
    let said = cli.stderr.lines().next().unwrap().trim_start_matches("错误：").to_owned();
    assert!(refused.contains(&said), "the page says what the CLI says: {said:?} in {refused}");
    assert!(refused.contains("§4.2.b"), "with the clause: {refused}");
    let certificate = s.args(["member", "certificate", "--member", "m02", "--quarter", QUARTER]).ok();
    assert!(!certificate.contains("不应登记的一条"), "{certificate}");
}

#[test]
fn s4_3_b_a_general_branch_on_the_web_takes_an_objection_decides_it_and_names_a_delegate_only_for_its_own_branches() {
    let s = Shine::new();
    crate::chain::university(&s, &["b1", "b2"]);
    s.open_with_meeting("b3");
    let mut pw = BTreeMap::new();
    for (login, unit) in [("g1", "g1"), ("g2", "g2")] {
        let added = s.args(["user", "add", "--login", login, "--name", "总支书记", "--role", "general_branch", "--unit", unit]).json();
        pw.insert(login, added["password"].as_str().unwrap().to_owned());
    }
    let Some(browser) = Browser::start(&s, DESK) else { return };
    let mut server = Served::start(&s);
    let mut web = Web { browser: &browser, url: server.url.clone(), shots: 200 };

    web.sign_in("g1", &pw["g1"]);
    assert!(web.submit("receive-form").contains("龘𠀀"));
    web.submit("publish-form");
    web.open("/work/level/review");
    web.browser.choose("#object-form #member", "b1m1");
    web.browser.fill("#object-form #reason", "群众反映事迹材料有出入");
    assert!(web.submit("object-form").contains("已登记对 b1m1 的异议"));
    web.browser.choose("#decide-form #member", "b1m1");
    web.browser.fill("#decide-form #reason", "经核实，事迹属实");
    assert!(web.submit("decide-form").contains("异议不成立，继续推荐"));
    web.shot("general-branch-objection-decided");
    web.sign_out();

    // g2 names the delegate to its own branch's meeting; a branch of g1 is not offered
    // and, posted anyway, refused.
    web.sign_in("g2", &pw["g2"]);
    web.open("/work/level/meetings");
    assert!(web.text("#meetings").contains(MEETING), "{}", web.text("#meetings"));
    assert!(web.browser.all("#delegate-form option[value=b1]").is_empty());
    web.browser.choose("#delegate-form #branch", "b3");
    web.browser.fill("#delegate-form #name", "王主任");
    web.submit("delegate-form");
    assert!(web.text("#meetings").contains("王主任"), "{}", web.text("#meetings"));
    web.shot("general-branch-delegate");
    web.browser.script("document.querySelector('#delegate-form #branch option').value = 'b1'", json!([]));
    web.browser.fill("#delegate-form #name", "李四");
    web.browser.click_to_load("#delegate-form button[type=submit]");
    assert!(web.text("#notice").contains("不是本单位所属的党支部"), "{}", web.browser.source());
    server.stop_gracefully();
    let meetings = s.args(["meetings", "--unit", "g1", "--quarter", QUARTER]).ok();
    assert!(!meetings.contains("李四"), "{meetings}");
}
