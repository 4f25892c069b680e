//! Issue 10 §2: the web workspace on `shine serve` (`/work`), driven over HTTP as a
//! browser would, with a cookie jar: accounts made with `shine user add`, sign-in,
//! throttling, CSRF, who may act on what, and actions recorded and refused exactly as
//! the CLI records and refuses them. Its browser and world serve `webvote` and `deeds` too.

// A test that meets an unexpected shape should stop right there, with the value shown.
#![allow(clippy::unwrap_used)]

use crate::support::{m, members, Served, Shine, NOW, QUARTER};
use std::collections::BTreeMap;

/// A branch `b1` (m01–m06) and a branch `b2` (n01–n03) under one general branch, the
/// quarter open in both, and accounts: `sec` (secretary of b1), `sec2` (secretary of
/// b2), `mem` (member m02 of b1), `mem3` (member m03 of b1). Their passwords, by login.
pub(crate) fn world() -> (Shine, BTreeMap<&'static str, String>) {
    let s = Shine::new();
    s.branch("b1", &members(6));
    s.branch("b2", &[m("n01"), m("n02"), m("n03")]);
    s.open("b1");
    s.open("b2");
    let mut passwords = BTreeMap::new();
    for (login, name, role, unit, member) in [
        ("sec", "张伟", "branch_secretary", "b1", None),
        ("sec2", "王芳", "branch_secretary", "b2", None),
        ("mem", "党员m02", "member", "b1", Some("m02")),
        ("mem3", "党员m03", "member", "b1", Some("m03")),
    ] {
        let mut args = vec!["user", "add", "--login", login, "--name", name, "--role", role, "--unit", unit];
        if let Some(member) = member {
            args.extend(["--member", member]);
        }
        let added = s.args(args).json();
        passwords.insert(login, added["password"].as_str().unwrap().to_owned());
    }
    (s, passwords)
}

/// A browser: one server, a cookie jar, no redirects followed.
pub(crate) struct Browser {
    url: String,
    agent: ureq::Agent,
    cookies: BTreeMap<String, String>,
}

/// A status and a page.
pub(crate) struct Page {
    pub(crate) status: u16,
    pub(crate) body: String,
    pub(crate) location: Option<String>,
}

impl Browser {
    pub(crate) fn new(server: &Served) -> Browser {
        Browser { url: server.url.clone(), agent: ureq::AgentBuilder::new().redirects(0).build(), cookies: BTreeMap::new() }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    fn keep(&mut self, response: ureq::Response) -> Page {
        for set in response.all("set-cookie") {
            let pair = set.split(';').next().unwrap_or_default();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || set.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let status = response.status();
        let location = response.header("location").map(str::to_owned);
        Page { status, location, body: response.into_string().unwrap() }
    }

    fn answer(&mut self, result: Result<ureq::Response, ureq::Error>) -> Page {
        match result {
            Ok(r) | Err(ureq::Error::Status(_, r)) => self.keep(r),
            Err(e) => panic!("transport: {e}"),
        }
    }

    pub(crate) fn get(&mut self, path: &str) -> Page {
        let request = self.agent.get(&format!("{}{path}", self.url)).set("Cookie", &self.cookie_header());
        self.answer(request.call())
    }

    /// A download: its status, `Content-Type`, `Content-Disposition` and bytes.
    pub(crate) fn download(&mut self, path: &str) -> (u16, String, String, Vec<u8>) {
        let request = self.agent.get(&format!("{}{path}", self.url)).set("Cookie", &self.cookie_header());
        let response = match request.call() {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("transport: {e}"),
        };
        let status = response.status();
        let kind = response.header("content-type").unwrap_or_default().to_owned();
        let disposition = response.header("content-disposition").unwrap_or_default().to_owned();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut response.into_reader(), &mut bytes).unwrap();
        (status, kind, disposition, bytes)
    }

    /// Post a form from a page of this server (its `Origin`).
    pub(crate) fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let origin = self.url.clone();
        self.post_from(&origin, path, fields)
    }

    fn post_from(&mut self, origin: &str, path: &str, fields: &[(&str, &str)]) -> Page {
        let request = self.agent.post(&format!("{}{path}", self.url)).set("Cookie", &self.cookie_header()).set("Origin", origin);
        self.answer(request.send_form(fields))
    }

    /// Post a form with the CSRF token of the page it is on.
    pub(crate) fn submit(&mut self, page: &str, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = csrf(&self.get(page).body);
        let mut all = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post(path, &all)
    }

    pub(crate) fn sign_in(&mut self, login: &str, password: &str) -> Page {
        let form = self.get("/work/login");
        assert_eq!(form.status, 200);
        let token = csrf(&form.body);
        self.post("/work/login", &[("csrf", &token), ("login", login), ("password", password)])
    }
}

/// The CSRF token of the first form of a page.
pub(crate) fn csrf(page: &str) -> String {
    let start = page.find("name=\"csrf\" value=\"").unwrap_or_else(|| panic!("no form in {page}")) + 19;
    page[start..start + 64].to_owned()
}

/// The text of the result block of a page, unescaped enough to compare with the CLI.
pub(crate) fn result(page: &Page) -> String {
    let start = page.body.find("<section id=\"result\"").unwrap_or_else(|| panic!("no result in {}", page.body));
    let pre = page.body[start..].find("<pre").unwrap() + start;
    let open = page.body[pre..].find('>').unwrap() + pre + 1;
    let close = page.body[open..].find("</pre>").unwrap() + open;
    page.body[open..close].replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

#[test]
fn sign_in_with_the_right_password_opens_the_workspace_and_a_wrong_one_does_not() {
    let (s, pw) = world();
    let server = Served::start(&s);
    let mut b = Browser::new(&server);
    let first = b.get("/work");
    assert_eq!((first.status, first.location.as_deref()), (303, Some("/work/login")), "not signed in: to the sign-in page");
    let wrong = b.sign_in("sec", "not the password");
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("登录名或密码不正确"), "{}", wrong.body);
    assert!(!b.cookies.contains_key("shine_session"));
    let right = b.sign_in("sec", &pw["sec"]);
    assert_eq!((right.status, right.location.as_deref()), (303, Some("/work")));
    let home = b.get("/work");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("张伟（sec）") && home.body.contains("测试党支部b1"), "{}", home.body);
    assert!(home.body.contains("<meta name=\"viewport\""), "made for phones too");
    let out = b.submit("/work", "/work/logout", &[]);
    assert_eq!(out.status, 303);
    assert_eq!(b.get("/work").status, 303, "signed out");
}

#[test]
fn the_session_cookie_is_http_only_strict_and_scoped_to_the_workspace() {
    let (s, pw) = world();
    let server = Served::start(&s);
    let b = Browser::new(&server);
    let form = b.agent.get(&format!("{}/work/login", b.url)).call().unwrap();
    let login = form.header("set-cookie").unwrap().to_owned();
    let token = login.split(';').next().unwrap().split_once('=').unwrap().1.to_owned();
    let signed = b
        .agent
        .post(&format!("{}/work/login", b.url))
        .set("Cookie", &format!("shine_login={token}"))
        .set("Origin", &b.url)
        .send_form(&[("csrf", &token), ("login", "sec"), ("password", &pw["sec"])])
        .unwrap();
    let session = signed.all("set-cookie").into_iter().find(|c| c.starts_with("shine_session=")).unwrap().to_owned();
    let id = session.split(';').next().unwrap().split_once('=').unwrap().1;
    assert_eq!(id.len(), 64, "256 random bits in hex: {session}");
    for part in ["HttpOnly", "SameSite=Strict", "Path=/work"] {
        assert!(session.contains(part), "{part} in {session}");
    }
    let csp = signed.header("content-security-policy").unwrap();
    assert!(csp.contains("form-action 'self'") && !csp.contains("script"), "{csp}");
}

#[test]
fn repeated_failed_sign_ins_are_throttled_with_429_saying_how_long_in_chinese() {
    let (s, pw) = world();
    let server = Served::start(&s);
    let mut b = Browser::new(&server);
    for _ in 0..5 {
        assert_eq!(b.sign_in("sec", "guessing-password").status, 401);
    }
    let throttled = b.sign_in("sec", &pw["sec"]);
    assert_eq!(throttled.status, 429, "even the right password waits: {}", throttled.body);
    assert!(throttled.body.contains("登录失败次数过多，请") && throttled.body.contains("秒后再试"), "{}", throttled.body);
    // From this address, another login waits too.
    assert_eq!(b.sign_in("mem", &pw["mem"]).status, 429);
}

#[test]
fn a_post_without_the_forms_csrf_token_or_from_another_origin_is_refused() {
    let (s, pw) = world();
    let server = Served::start(&s);
    let mut b = Browser::new(&server);
    assert_eq!(b.sign_in("sec", &pw["sec"]).status, 303);
    let token = csrf(&b.get("/work/branch/meeting").body);
    let fields = |t: &'static str| vec![("csrf", t), ("status", "present"), ("members", "m01")];
    let missing = b.post("/work/branch/attend", &[("status", "present"), ("members", "m01")]);
    assert_eq!(missing.status, 403);
    assert!(missing.body.contains("表单校验码不符或缺失"), "{}", missing.body);
    let wrong = b.post("/work/branch/attend", &fields("0000000000000000000000000000000000000000000000000000000000000000"));
    assert_eq!(wrong.status, 403);
    let elsewhere = b.post_from("http://evil.example", "/work/branch/attend", &[("csrf", &token), ("status", "present"), ("members", "m01")]);
    assert_eq!(elsewhere.status, 403);
    assert!(elsewhere.body.contains("不是从本工作台的页面提交的"), "{}", elsewhere.body);
    // The login form is guarded too: without its own token, no sign-in.
    let mut other = Browser::new(&server);
    let forged = other.post("/work/login", &[("login", "sec"), ("password", &pw["sec"])]);
    assert_eq!(forged.status, 403);
    // With the right token and origin the same form is taken (refused by the quarter,
    // not by the guard).
    let taken = b.post("/work/branch/attend", &[("csrf", &token), ("status", "present"), ("members", "m01")]);
    assert_eq!(taken.status, 422, "{}", taken.body);
}

#[test]
fn s3_2_a_deed_registered_on_the_web_is_the_members_own_and_shows_in_shine_member_certificate() {
    let (s, pw) = world();
    let mut server = Served::start(&s);
    let mut b = Browser::new(&server);
    assert_eq!(b.sign_in("mem", &pw["mem"]).status, 303);
    let home = b.get("/work");
    assert!(home.body.contains("id=\"deed-form\"") && home.body.contains("教书育人"), "the form, with the emphasis for teachers: {}", home.body);
    // A `member` field in the form is not taken: the member is the account's.
    let done = b.submit("/work", "/work/me/deed", &[("member", "m03"), ("kind", "带头服务群众"), ("text", "网页登记：为独居老人上门维修家电")]);
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(result(&done).contains("已为 m02 登记闪光言行"), "{}", result(&done));
    server.stop_gracefully();
    let mine = s.args(["member", "certificate", "--member", "m02", "--quarter", QUARTER]).ok();
    assert!(mine.contains("网页登记：为独居老人上门维修家电"), "{mine}");
    let theirs = s.args(["member", "certificate", "--member", "m03", "--quarter", QUARTER]).ok();
    assert!(!theirs.contains("网页登记"), "{theirs}");
}

#[test]
fn a_member_cannot_act_as_a_secretary_nor_see_the_secretarys_pages() {
    let (s, pw) = world();
    let server = Served::start(&s);
    let mut b = Browser::new(&server);
    assert_eq!(b.sign_in("mem", &pw["mem"]).status, 303);
    let token = csrf(&b.get("/work").body);
    let attend = b.post("/work/branch/attend", &[("csrf", &token), ("status", "present"), ("members", "m02")]);
    assert_eq!(attend.status, 403, "{}", attend.body);
    assert_eq!(b.get("/work/branch/roster").status, 403);
    let advance = b.post("/work/branch/advance", &[("csrf", &token)]);
    assert_eq!(advance.status, 403);
    // And a secretary has no member's desk.
    let mut sec = Browser::new(&server);
    assert_eq!(sec.sign_in("sec", &pw["sec"]).status, 303);
    assert_eq!(sec.get("/work/me/vote").status, 403);
}

#[test]
fn a_secretary_of_one_branch_cannot_act_on_another_branch() {
    let (s, pw) = world();
    let mut server = Served::start(&s);
    let mut b = Browser::new(&server);
    assert_eq!(b.sign_in("sec2", &pw["sec2"]).status, 303);
    let roster = b.get("/work/branch/roster");
    assert!(roster.body.contains("n01") && !roster.body.contains("m01"), "only b2's roster: {}", roster.body);
    let other = b.submit("/work/branch/exchange", "/work/branch/comment", &[("member", "m01"), ("text", "越权点评")]);
    assert_eq!(other.status, 403, "{}", other.body);
    assert!(other.body.contains("只能为本支部的党员办理"), "{}", other.body);
    // `advance` moves the account's branch, whatever the form says.
    let moved = b.submit("/work", "/work/branch/advance", &[("branch", "b1")]);
    assert_eq!(moved.status, 200, "{}", moved.body);
    server.stop_gracefully();
    assert_eq!(s.state("b1"), "registering");
    assert_eq!(s.state("b2"), "reporting");
}

#[test]
fn s4_2_a_a_refusal_on_the_web_reads_as_the_cli_words_it_with_its_clause_and_the_actor_is_the_account() {
    let (s, pw) = world();
    let mut server = Served::start(&s);
    let mut b = Browser::new(&server);
    assert_eq!(b.sign_in("sec", &pw["sec"]).status, 303);
    let first = b.submit("/work", "/work/branch/advance", &[]);
    assert_eq!(first.status, 200, "registering → reporting: {}", first.body);
    // The meeting is not reported upward yet: §4.2.a refuses the next step.
    let refused = b.submit("/work", "/work/branch/advance", &[]);
    assert_eq!(refused.status, 422, "{}", refused.body);
    let web = result(&refused);
    assert!(web.contains("§4.2.a"), "{web}");
    server.stop_gracefully();
    let cli = s.args(["advance", "--branch", "b1", "--from", "reporting"]).fails();
    assert_eq!(web.trim(), cli.stderr.trim(), "the web shows what the CLI says");
}

#[test]
fn s3_3_a_comment_made_on_the_web_is_recorded_as_the_accounts_person_in_the_accounts_role() {
    let (s, pw) = world();
    s.advance("b1");
    s.args(["meeting", "report", "--branch", "b1", "--date", crate::support::MEETING]).at(crate::support::REPORTED).ok();
    s.advance("b1");
    s.args(["meeting", "attend", "--status", "present", "m01", "m02", "m03", "m04", "m05", "m06"]).ok();
    s.advance("b1");
    s.args(["present", "m01", "m02", "m03", "m04", "m05", "m06"]).ok();
    s.advance("b1");
    let mut server = Served::start(&s);
    let mut b = Browser::new(&server);
    assert_eq!(b.sign_in("sec", &pw["sec"]).status, 303);
    let done = b.submit("/work/branch/exchange", "/work/branch/comment", &[("member", "m02"), ("text", "事迹具体实在")]);
    assert_eq!(done.status, 200, "{}", done.body);
    server.stop_gracefully();
    let certificate = s.args(["member", "certificate", "--member", "m02", "--quarter", QUARTER]).ok();
    assert!(certificate.contains("事迹具体实在（点评确认：张伟（sec），党支部书记"), "{certificate}");
}

#[test]
fn a_disabled_accounts_session_ends_at_once_and_so_does_one_whose_password_is_reset() {
    let (s, pw) = world();
    let server = Served::start(&s);
    let mut b = Browser::new(&server);
    assert_eq!(b.sign_in("mem", &pw["mem"]).status, 303);
    assert_eq!(b.get("/work").status, 200);
    s.args(["user", "disable", "--login", "mem"]).ok();
    assert_eq!(b.get("/work").status, 303, "signed out at once");
    assert_eq!(b.sign_in("mem", &pw["mem"]).status, 401);
    s.args(["user", "enable", "--login", "mem"]).ok();
    assert_eq!(b.sign_in("mem", &pw["mem"]).status, 303, "enabled again, with the password it had");
    assert_eq!(b.get("/work").status, 200);
    let reset = s.args(["user", "reset", "--login", "mem"]).json();
    assert_eq!(b.get("/work").status, 303, "a reset password ends the session too");
    assert_eq!(b.sign_in("mem", &pw["mem"]).status, 401, "the old password no longer signs in");
    assert_eq!(b.sign_in("mem", reset["password"].as_str().unwrap()).status, 303);
}

#[test]
fn the_demo_leaves_accounts_of_every_desk_that_sign_in() {
    let s = Shine::new();
    let dir = s.dir().join("demo");
    let demo = s.args([std::ffi::OsStr::new("demo"), "--dir".as_ref(), dir.as_os_str()]).json();
    let accounts = demo["accounts"].as_array().unwrap();
    let roles: Vec<&str> = accounts.iter().map(|a| a["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["branch_secretary", "member", "member", "general_branch", "organization_department"]);
    let mut command = std::process::Command::new(crate::support::bin());
    command.env_clear().env("USER", "tester").current_dir(s.dir()).arg("--store").arg(&dir).args(["--now", NOW, "serve", "--listen", "127.0.0.1:0"]);
    let server = Served::from_command(&mut command, &s.dir().join("serve.log"));
    for account in accounts {
        let mut b = Browser::new(&server);
        let login = account["login"].as_str().unwrap();
        assert_eq!(b.sign_in(login, account["password"].as_str().unwrap()).status, 303, "{login}");
        let home = b.get("/work");
        assert_eq!(home.status, 200, "{login}: {}", home.body);
        assert!(home.body.contains(&format!("（{login}）")), "{login}: {}", home.body);
    }
}

#[test]
fn s3_4_the_vote_page_offers_the_rounds_candidates_and_no_field_naming_the_voter() {
    let (s, pw) = world();
    s.all_to_voting("b1", &members(6));
    let server = Served::start(&s);
    let code = s.args(["ballot", "codes", "--branch", "b1"]).json()["codes"][0].as_str().unwrap().to_owned();
    let mut b = Browser::new(&server);
    assert_eq!(b.sign_in("mem", &pw["mem"]).status, 303);
    let mine = b.get("/work/me/vote");
    assert_eq!(mine.location.as_deref(), Some("/work/vote?branch=b1"), "a member's vote page is their branch's");
    let page = b.get(&format!("/work/vote?branch=b1&code={code}"));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"vote-form\"") && page.body.contains("name=\"code\""), "{}", page.body);
    for candidate in ["m01", "m02", "m03", "m04", "m05", "m06"] {
        assert!(page.body.contains(&format!("name=\"choices\" value=\"{candidate}\"")), "{candidate}: {}", page.body);
    }
    assert!(!page.body.contains("name=\"member\"") && !page.body.contains("name=\"branch\""), "nothing names the voter; the branch is the address's");
}

#[test]
fn s4_1_a_directly_affiliated_branchs_secretary_files_its_stars_on_the_web() {
    // §4.1: a directly affiliated branch reports its stars itself; its secretary's desk
    // has the branch's pages and the level's steps.
    let s = Shine::new();
    crate::chain::university(&s, &["d1"]);
    let added = s.args(["user", "add", "--login", "d1sec", "--name", "许诺", "--role", "branch_secretary", "--unit", "d1"]).json();
    let server = Served::start(&s);
    let mut b = Browser::new(&server);
    b.sign_in("d1sec", added["password"].as_str().unwrap());
    let home = b.get("/work");
    assert!(home.body.contains("/work/branch/vote") && home.body.contains("/work/level/status"), "{}", home.body);
    let filed = b.submit("/work/level/status", "/work/level/file", &[("quarter", QUARTER)]);
    assert_eq!(filed.status, 200, "{}", filed.body);
    let status = s.args(["chain", "status", "--unit", "d1", "--quarter", QUARTER]).json();
    assert_eq!(status["steps"][0]["done"], true, "{status}");
    // A secretary of a branch under a general branch has no level pages.
    let (w, pw) = world();
    let other = Served::start(&w);
    let mut c = Browser::new(&other);
    c.sign_in("sec", &pw["sec"]);
    assert!(!c.get("/work").body.contains("/work/level/status"));
    assert_eq!(c.get("/work/level/status").status, 403);
}
