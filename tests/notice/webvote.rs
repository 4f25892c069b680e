//! §3.4 (无记名投票) at the secretary's vote desk of the web workspace: issuing the
//! codes answers with the printable slips (as `ballot codes --out` makes them), their
//! QR codes opening this server's `/work/vote?code=…`, and shows them one at a time;
//! a member votes with a code through that address; the progress "已投 1 / 发出 6"
//! refreshes itself; the secretary closes the round and the tally counts it.

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
    for id in ["codes-form", "close-form", "progress-link"] {
        assert!(desk.body.contains(&format!("id=\"{id}\"")), "{id}: {}", desk.body);
    }

    // Issuing answers with the slips: one per voter present, each with its QR code,
    // the stylesheet linked (the CSP refuses inline styles), and the one-at-a-time view.
    let slips = sec.submit("/work/branch/vote", "/work/branch/codes", &[]);
    assert_eq!(slips.status, 200, "{}", slips.body);
    let issued = codes(&slips.body);
    assert_eq!(issued.len(), 6, "{}", slips.body);
    assert_eq!(slips.body.matches("<svg").count(), 6, "a QR code on every slip");
    assert!(slips.body.contains(&format!("扫码或打开 {}/work 输入投票码投票", server.url)), "{}", slips.body);
    assert!(slips.body.contains("href=\"/work/slips.css\"") && !slips.body.contains("<style") && !slips.body.contains("style="), "{}", slips.body);
    assert!(slips.body.contains("id=\"show-one\" href=\"#code-1\"") && slips.body.contains("href=\"#code-2\">下一张"), "{}", slips.body);
    let css = sec.get("/work/slips.css");
    assert!(css.body.contains(".slip:target") && css.body.contains("@media print"), "{}", css.body);
    // Shown once: the desk does not show them again.
    assert!(!sec.get("/work/branch/vote").body.contains(&issued[0]));

    // A member scans a slip: the vote page with the code filled in.
    let mut mem = Browser::new(&server);
    assert_eq!(mem.sign_in("mem", &pw["mem"]).status, 303);
    let code = &issued[3];
    let page = mem.get(&format!("/work/vote?code={code}"));
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(&format!("name=\"code\" value=\"{code}\"")), "{}", page.body);
    let voted = mem.submit("/work/me/vote", "/work/me/vote", &[("code", code), ("choices", "m01")]);
    assert_eq!(voted.status, 200, "{}", voted.body);
    assert!(result(&voted).contains("已投 1 / 发出 6"), "{}", result(&voted));
    // The code votes once.
    let again = mem.submit("/work/me/vote", "/work/me/vote", &[("code", code), ("choices", "m01")]);
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
    let late = mem.submit("/work/me/vote", "/work/me/vote", &[("code", &issued[4]), ("choices", "m01")]);
    assert_eq!(late.status, 422, "a code left unused is void once the round is closed");
    let tally = sec.submit("/work", "/work/branch/advance", &[]);
    assert_eq!(tally.status, 200, "{}", result(&tally));
    server.stop_gracefully();
    let stars = s.args(["stars", "--branch", "b1"]).json();
    assert_eq!(stars["stars"][0]["id"], "m01", "{stars}");
}
