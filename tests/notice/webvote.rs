//! §3.4 (无记名投票) at the secretary's vote desk of the web workspace: issuing the
//! codes answers with the printable slips (as `ballot codes --out` makes them), their
//! QR codes opening this server's `/work/vote?branch=…&code=…`, and shows them one at
//! a time; a member votes with a code through that address, with no account and no
//! session (the code is the credential), on their phone or one after another on a
//! shared device; the progress "已投 1 / 发出 6" refreshes itself; the secretary closes
//! the round and the tally counts it.

#![allow(clippy::unwrap_used)]

use crate::support::{members, Served};
use crate::web::{result, world, Browser};

/// The codes on a page of slips, in the order shown.
fn codes(slips: &str) -> Vec<String> {
    slips.split("<div class=\"code\">").skip(1).map(|rest| rest[..rest.find("</div>").unwrap()].to_owned()).collect()
}

#[test]
fn s3_4_codes_issued_on_the_web_vote_through_their_qr_address_and_the_secretary_closes_and_counts() {
    let (s, pw) = world();
    s.all_to_voting("b1", &members(6));
    let mut server = Served::start(&s);
    let mut sec = Browser::new(&server);
    assert_eq!(sec.sign_in("sec", &pw["sec"]).status, 303);
    let desk = sec.get("/work/branch/vote");
    for id in ["codes-form", "close-form", "again-form", "progress-link"] {
        assert!(desk.body.contains(&format!("id=\"{id}\"")), "{id}: {}", desk.body);
    }

    // Issuing answers with the slips: one per voter present, each with its QR code,
    // the stylesheet linked (the CSP refuses inline styles), and the one-at-a-time view.
    let slips = sec.submit("/work/branch/vote", "/work/branch/codes", &[]);
    assert_eq!(slips.status, 200, "{}", slips.body);
    let issued = codes(&slips.body);
    assert_eq!(issued.len(), 6, "{}", slips.body);
    assert_eq!(slips.body.matches("<svg").count(), 6, "a QR code on every slip");
    assert!(slips.body.contains(&format!("扫码或打开 {}/work/vote?branch=b1 输入投票码投票", server.url)), "{}", slips.body);
    assert!(slips.body.contains("href=\"/work/slips.css\"") && !slips.body.contains("<style") && !slips.body.contains("style="), "{}", slips.body);
    assert!(slips.body.contains("id=\"show-one\" href=\"#code-1\"") && slips.body.contains("href=\"#code-2\">下一张"), "{}", slips.body);
    let css = sec.get("/work/slips.css");
    assert!(css.body.contains(".slip:target") && css.body.contains("@media print"), "{}", css.body);
    // Shown once: the desk does not show them again.
    assert!(!sec.get("/work/branch/vote").body.contains(&issued[0]));

    // A member signed in finds the vote page of their branch.
    let mut signed_in = Browser::new(&server);
    assert_eq!(signed_in.sign_in("mem", &pw["mem"]).status, 303);
    let mine = signed_in.get("/work/me/vote");
    assert_eq!((mine.status, mine.location.as_deref()), (303, Some("/work/vote?branch=b1")));

    // A member scans a slip, signed in nowhere: the vote page with the code filled in
    // and the round's candidates.
    let mut mem = Browser::new(&server);
    let code = &issued[3];
    let scanned = format!("/work/vote?branch=b1&code={code}");
    let page = mem.get(&scanned);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(&format!("name=\"code\" value=\"{code}\"")), "{}", page.body);
    assert!(page.body.contains("name=\"choices\" value=\"m01\""), "{}", page.body);
    let voted = mem.submit(&scanned, "/work/vote?branch=b1", &[("step", "cast"), ("code", code), ("choices", "m01")]);
    assert_eq!(voted.status, 200, "{}", voted.body);
    assert!(result(&voted).contains("已投 1 / 发出 6"), "{}", result(&voted));
    // The code votes once.
    let again = mem.submit("/work/vote?branch=b1", "/work/vote?branch=b1", &[("step", "cast"), ("code", code), ("choices", "m01")]);
    assert_eq!(again.status, 422, "{}", again.body);

    // The progress view refreshes itself and has the close button.
    let progress = sec.get("/work/branch/progress");
    assert_eq!(progress.status, 200);
    let head = &progress.body[..progress.body.find("</head>").unwrap()];
    assert!(head.contains("<meta http-equiv=\"refresh\" content=\"5\">"), "{head}");
    assert!(progress.body.contains("已投 1 / 发出 6") && progress.body.contains("id=\"close-form\""), "{}", progress.body);
    assert!(!sec.get("/work/branch/vote").body.contains("http-equiv=\"refresh\""), "only the progress view refreshes");

    // Three more vote (through the CLI, carried out by the server); the secretary
    // closes the round on the web and the tally counts four of six: a valid round.
    for c in &issued[..3] {
        s.args(["ballot", "vote", "--branch", "b1", "--code", c, "m01"]).ok();
    }
    assert!(sec.get("/work/branch/progress").body.contains("已投 4 / 发出 6"));
    let closed = sec.submit("/work/branch/vote", "/work/branch/close", &[]);
    assert!(result(&closed).contains("已投 4 / 发出 6，未使用的投票码 2 个已作废"), "{}", result(&closed));
    let token = crate::web::csrf(&again.body);
    let late = mem.post("/work/vote?branch=b1", &[("csrf", &token), ("step", "cast"), ("code", &issued[4]), ("choices", "m01")]);
    assert_eq!(late.status, 404, "no voting open once the round is closed: {}", late.body);
    assert!(late.body.contains("请向党支部书记询问投票网址"), "{}", late.body);
    let tally = sec.submit("/work", "/work/branch/advance", &[]);
    assert_eq!(tally.status, 200, "{}", result(&tally));
    server.stop_gracefully();
    let stars = s.args(["stars", "--branch", "b1"]).json();
    assert_eq!(stars["stars"][0]["id"], "m01", "{stars}");
}

/// A voting round of six open in b1 with its codes issued (through the CLI, carried out
/// by the server), and the server.
fn voting_with_codes() -> (crate::support::Shine, Served, Vec<String>) {
    let (s, _) = world();
    s.all_to_voting("b1", &members(6));
    let server = Served::start(&s);
    let issued = s.args(["ballot", "codes", "--branch", "b1"]).json();
    let codes = issued["codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect();
    (s, server, codes)
}

#[test]
fn s3_4_a_shared_device_takes_codes_one_after_another_with_no_account_and_shows_nothing_of_the_last_ballot() {
    let (_s, server, codes) = voting_with_codes();
    let mut device = Browser::new(&server);
    let desk = "/work/vote?branch=b1";
    let page = device.get(desk);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("id=\"vote-form\"") && page.body.contains("name=\"code\" value=\"\""), "{}", page.body);
    assert!(!page.body.contains("name=\"choices\""), "no candidates before a valid code: {}", page.body);
    assert!(!page.body.contains("logout-form") && !page.body.contains("class=\"who\""), "the page names no one");
    for (n, code) in codes[..2].iter().enumerate() {
        let checked = device.submit(desk, desk, &[("step", "check"), ("code", code)]);
        assert_eq!(checked.status, 200, "{}", checked.body);
        assert!(checked.body.contains("name=\"choices\" value=\"m02\""), "{}", checked.body);
        let voted = device.submit(desk, desk, &[("step", "cast"), ("code", code), ("choices", "m02"), ("choices", "m03")]);
        assert_eq!(voted.status, 200, "{}", voted.body);
        assert_eq!(result(&voted), format!("选票已投入票箱（已投 {} / 发出 6）", n + 1));
        assert!(voted.body.contains("name=\"code\" value=\"\"") && !voted.body.contains("name=\"choices\""), "an empty form: {}", voted.body);
        assert!(!voted.body.contains("m02") && !voted.body.contains(code.as_str()), "nothing of the last voter: {}", voted.body);
    }
}

#[test]
fn s3_4_a_used_code_is_refused_in_chinese_and_shows_no_candidates() {
    let (s, server, codes) = voting_with_codes();
    s.args(["ballot", "vote", "--branch", "b1", "--code", &codes[0], "m01"]).ok();
    let mut device = Browser::new(&server);
    let scanned = device.get(&format!("/work/vote?branch=b1&code={}", codes[0]));
    assert_eq!(scanned.status, 422, "{}", scanned.body);
    assert!(result(&scanned).contains("这个投票码已经投过票（第 1 轮）"), "{}", scanned.body);
    assert!(!scanned.body.contains("name=\"choices\""), "{}", scanned.body);
    let cast = device.submit("/work/vote?branch=b1", "/work/vote?branch=b1", &[("step", "cast"), ("code", &codes[0]), ("choices", "m01")]);
    assert_eq!(cast.status, 422, "{}", cast.body);
    assert!(result(&cast).contains("已经投过票"), "{}", cast.body);
    let wrong = device.get("/work/vote?branch=b1&code=2222-2222-22222");
    assert!(result(&wrong).contains("没有这个投票码") && !wrong.body.contains("name=\"choices\""), "{}", wrong.body);
    assert!(s.args(["status", "--branch", "b1"]).ok().contains("已投 1 / 发出 6"));
}

#[test]
fn s3_4_a_vote_posted_without_the_pages_token_or_its_cookie_is_refused() {
    let (s, server, codes) = voting_with_codes();
    let mut device = Browser::new(&server);
    let vote = [("step", "cast"), ("code", codes[0].as_str()), ("choices", "m01")];
    let bare = device.post("/work/vote?branch=b1", &vote);
    assert_eq!(bare.status, 403, "{}", bare.body);
    assert!(bare.body.contains("校验码不符"), "{}", bare.body);
    // The page's token without its cookie (another browser's page) is refused too.
    let token = crate::web::csrf(&device.get("/work/vote?branch=b1").body);
    let mut other = Browser::new(&server);
    let mut fields = vec![("csrf", token.as_str())];
    fields.extend_from_slice(&vote);
    assert_eq!(other.post("/work/vote?branch=b1", &fields).status, 403);
    assert!(s.args(["status", "--branch", "b1"]).ok().contains("已投 0 / 发出 6"), "nothing was cast");
}

#[test]
fn s3_4_an_unknown_branch_or_no_vote_open_says_to_ask_the_secretary() {
    let (s, _) = world();
    s.all_to_voting("b1", &members(6));
    let server = Served::start(&s);
    let mut device = Browser::new(&server);
    for path in ["/work/vote?branch=nowhere", "/work/vote?branch=b1", "/work/vote"] {
        let page = device.get(path);
        assert_eq!(page.status, 404, "{path}: {}", page.body);
        assert!(page.body.contains("请向党支部书记询问投票网址") && !page.body.contains("vote-form"), "{path}: {}", page.body);
    }
}

#[test]
fn s3_4_twenty_wrong_codes_from_one_address_make_it_wait() {
    let (_s, server, codes) = voting_with_codes();
    let mut device = Browser::new(&server);
    for _ in 0..20 {
        assert_eq!(device.get("/work/vote?branch=b1&code=2222-2222-22222").status, 422);
    }
    let waits = device.get(&format!("/work/vote?branch=b1&code={}", codes[0]));
    assert_eq!(waits.status, 429, "even a right code waits: {}", waits.body);
    assert!(result(&waits).contains("投票码输错次数过多，请 ") && result(&waits).contains("秒后再试"), "{}", waits.body);
}

#[test]
fn s3_4_university_rule_the_secretary_holds_a_voting_with_too_few_ballots_again_on_the_web() {
    let (s, pw) = world();
    s.all_to_voting("b1", &members(6));
    let server = Served::start(&s);
    let issued = s.args(["ballot", "codes", "--branch", "b1"]).json();
    let first = issued["codes"][0].as_str().unwrap().to_owned();
    s.args(["ballot", "vote", "--branch", "b1", "--code", &first, "m01"]).ok();
    s.args(["ballot", "close", "--branch", "b1"]).ok();
    let mut sec = Browser::new(&server);
    assert_eq!(sec.sign_in("sec", &pw["sec"]).status, 303);
    let again = sec.submit("/work/branch/vote", "/work/branch/again", &[("reason", "收回选票未过半数")]);
    assert_eq!(again.status, 200, "{}", again.body);
    assert!(result(&again).contains("收回 1 张选票全部作废，封存不计（理由：收回选票未过半数）"), "{}", result(&again));
    // New codes can be issued at once on the same desk.
    let slips = sec.submit("/work/branch/vote", "/work/branch/codes", &[]);
    assert_eq!(codes(&slips.body).len(), 6, "{}", slips.body);
}
