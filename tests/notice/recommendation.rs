//! §3.4 民主推荐评定: the quota, who votes, the anonymous ballot, the lean toward
//! ordinary members, the cap, the runoff and the quorum — through whole quarters.

use crate::support::{ids, m, members, Shine, M};
use serde_json::Value;

fn status(s: &Shine) -> Value {
    s.args(["status", "--branch", "b1"]).json()
}

fn totals<'a>(s: &'a Shine, ballots: u32, votes: &[(&str, u32)]) -> crate::support::Cmd<'a> {
    let mut args = vec!["ballot".to_owned(), "totals".into(), "--branch".into(), "b1".into(), "--ballots".into(), ballots.to_string()];
    for (who, n) in votes {
        args.push("--votes".into());
        args.push(format!("{who}={n}"));
    }
    s.args(args)
}

fn outcome(s: &Shine, member: &str, round: usize) -> String {
    let e = s.explain(member);
    e["rounds"][round]["ranked"]["outcome"].as_str().unwrap_or_else(|| panic!("no outcome for {member} in round {round}: {e}")).to_owned()
}

// ---- quota ---------------------------------------------------------------------------

/// The default rules, loaded as the library would from `rules/`.
fn default_rules() -> shine_engine::rules::RuleSet {
    let dir = crate::support::repo().join("rules");
    let mut paths: Vec<_> = std::fs::read_dir(&dir).expect("rules/").filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.retain(|p| p.extension().is_some_and(|e| e == "shine"));
    paths.sort();
    let files = paths
        .iter()
        .map(|p| shine_engine::rules::SourceFile { name: p.display().to_string(), text: std::fs::read_to_string(p).expect("read") })
        .collect();
    shine_engine::rules::RuleSet::load(files).unwrap_or_else(|e| panic!("default rules: {e:?}"))
}

fn member_facts(i: usize) -> shine_engine::facts::MemberFacts {
    shine_engine::facts::MemberFacts {
        id: format!("m{i}"),
        name: format!("党员{i}"),
        identity: "教师".into(),
        role: "ordinary".into(),
        full: true,
        mobile: false,
        last_report: None,
        life: Vec::new(),
        findings: Vec::new(),
        deeds: Vec::new(),
        no_deed_reason: None,
        meeting: None,
        presented: false,
        presentation: None,
        standings: Vec::new(),
        standing: None,
        commented: false,
        silences: Vec::new(),
    }
}

#[test]
fn quota_is_fifteen_percent_of_members_floored_min_one() {
    use shine_engine::facts::{BranchFacts, MeetingFacts, QuarterFacts};
    let rules = default_rules();
    let day = crate::support::date("2026-12-01");
    let meeting = MeetingFacts { date: day, reported: true, reported_on: None, activists: 0, observers: 0, delegate: false, ballots: 0, round: 0, issued: 0, returned: 0, invalid: 0, voters: 0 };
    let quarter = QuarterFacts { id: "2026Q4".into(), start: crate::support::date("2026-10-01"), end: crate::support::date("2026-12-31") };
    for n in 1..=200usize {
        let branch = BranchFacts { id: "b1".into(), name: "支部".into(), members: (0..n).map(member_facts).collect(), sessions: Vec::new() };
        let scope = shine_engine::rules::Scope { branch: &branch, meeting: &meeting, quarter: &quarter };
        let expected = ((n * 15) / 100).max(1) as i64;
        let quota = rules.quota(scope);
        assert_eq!(quota.value, expected, "{n} members");
        assert_eq!(quota.rule.clause, "§3.4");
    }
}

#[test]
fn quota_of_a_branch_through_explain() {
    for (n, quota) in [(6, 1), (7, 1), (14, 2), (20, 3)] {
        let s = Shine::new();
        s.branch("b1", &members(n));
        s.open("b1");
        let e = s.explain("m01");
        assert_eq!(e["quota"]["value"], quota, "{n} members");
        assert_eq!(e["quota"]["rule"]["clause"], "§3.4");
    }
}

// ---- lean and cap --------------------------------------------------------------------

#[test]
fn lean_ordinary_member_ranks_above_cadre_at_equal_votes() {
    let s = Shine::new();
    let roster: Vec<M> = std::iter::once(m("m01").role("leading_cadre")).chain(members(7).into_iter().skip(1)).collect();
    s.branch("b1", &roster);
    s.open("b1");
    s.all_to_voting("b1", &roster);
    assert_eq!(status(&s)["round"]["seats"], 1);
    // Three votes each for the cadre m01 and the ordinary member m02, one for m03.
    for choice in ["m01", "m02", "m01", "m02", "m01", "m02", "m03"] {
        s.vote("b1", &[choice]);
    }
    let done = s.advance("b1");
    assert_eq!(done["to"]["id"], "tallied", "{done}");
    assert_eq!(done["stars"], serde_json::json!(["m02"]));
    assert_eq!(outcome(&s, "m01", 0), "behind_on_lean", "same votes, ranked below by the lean");
    let e = s.explain("m02");
    assert_eq!(e["judgement"]["preferred"]["value"], true);
    assert_eq!(e["star"], true);
}

#[test]
fn cap_limits_cadres_to_a_third_of_stars() {
    let s = Shine::new();
    let mut roster = members(20);
    roster[0] = m("m01").role("leading_cadre");
    roster[1] = m("m02").role("committee");
    roster[2] = m("m03").role("secretary");
    s.branch("b1", &roster);
    s.open("b1");
    s.all_to_voting("b1", &roster);
    let e = s.explain("m01");
    assert_eq!(e["quota"]["value"], 3);
    assert_eq!(e["cap"]["value"], 1);
    totals(&s, 20, &[("m01", 15), ("m02", 14), ("m03", 13), ("m04", 5), ("m05", 4), ("m06", 3)]).ok();
    let done = s.advance("b1");
    assert_eq!(done["to"]["id"], "tallied", "{done}");
    let mut stars: Vec<String> = done["stars"].as_array().expect("stars").iter().map(|v| v.as_str().unwrap_or_default().to_owned()).collect();
    stars.sort();
    assert_eq!(stars, ["m01", "m04", "m05"]);
    assert_eq!(outcome(&s, "m02", 0), "cap_reached");
    assert_eq!(outcome(&s, "m03", 0), "cap_reached");
}

// ---- tie and runoff ------------------------------------------------------------------

#[test]
fn tie_at_last_seat_goes_to_runoff_then_resolves() {
    let s = Shine::new();
    let roster = members(7);
    s.branch("b1", &roster);
    s.open("b1");
    s.all_to_voting("b1", &roster);
    totals(&s, 7, &[("m01", 3), ("m02", 3), ("m03", 1)]).ok();
    let done = s.advance("b1");
    assert_eq!(done["to"]["id"], "runoff", "{done}");
    assert_eq!(done["selection"]["runoff"]["seats"], 1);
    let st = status(&s);
    assert_eq!(st["round"]["round"], 2);
    assert_eq!(st["round"]["seats"], 1);
    assert_eq!(ids(&st["round"]["candidates"]), ["m01", "m02"]);
    assert_eq!(outcome(&s, "m01", 0), "tied");
    // Only the tied may be chosen in the runoff.
    let code = s.next_code("b1");
    s.args(["ballot", "vote", "--branch", "b1", "--code", &code, "m03"]).fails().stderr_contains("不在第 2 轮候选人名单中");
    for choice in ["m01", "m02", "m02", "m02", "m01"] {
        s.vote("b1", &[choice]);
    }
    let done = s.advance("b1");
    assert_eq!(done["to"]["id"], "tallied", "{done}");
    assert_eq!(done["stars"], serde_json::json!(["m02"]));
    let done = s.advance("b1");
    assert_eq!(done["to"]["id"], "reported");
    let stars = s.args(["stars", "--branch", "b1"]).json();
    assert_eq!(ids(&stars["stars"]), ["m02"]);
    assert_eq!(stars["rounds"].as_array().map(Vec::len), Some(2));
    assert_eq!(stars["reported"]["id"], "g");
}

// ---- quorum --------------------------------------------------------------------------

#[test]
fn quorum_blocks_recommendation_when_half_or_fewer_voters_present() {
    // Six full members and two probationary ones: the probationary do not count.
    let mut roster = members(8);
    roster[6] = m("m07").probationary();
    roster[7] = m("m08").probationary();
    let s = Shine::new();
    s.branch("b1", &roster);
    s.open("b1");
    s.to_commentary("b1", &roster, &["m01", "m02", "m03", "m07", "m08"]);
    let err = s.advancing("b1").fails_json();
    let failed = err["failed"].as_array().unwrap_or_else(|| panic!("no failed guards: {err}"));
    assert_eq!(failed.len(), 1, "{err}");
    assert_eq!(failed[0]["rule"]["name"], "quorum");
    assert_eq!(failed[0]["rule"]["clause"], "§3.4");
    assert_eq!(failed[0]["value"], false);
    let run = s.advancing("b1").fails();
    run.stderr_contains("quorum").stderr_contains("§3.4");
    assert_eq!(s.state("b1"), "commentary");
}

#[test]
fn quorum_met_when_more_than_half_of_voters_present() {
    let roster = members(6);
    let s = Shine::new();
    s.branch("b1", &roster);
    s.open("b1");
    s.to_commentary("b1", &roster, &["m01", "m02", "m03", "m04"]);
    let done = s.advance("b1");
    assert_eq!(done["to"]["id"], "voting");
    let quorum = done["guards"].as_array().and_then(|g| g.iter().find(|d| d["rule"]["name"] == "quorum").cloned());
    assert_eq!(quorum.expect("quorum among the guards")["value"], true);
}

// ---- the ballot ----------------------------------------------------------------------

#[test]
fn probationary_member_has_no_vote() {
    let roster = vec![m("m01"), m("m02"), m("m03").probationary()];
    let s = Shine::new();
    s.branch("b1", &roster);
    s.open("b1");
    s.all_to_voting("b1", &roster);
    assert_eq!(s.explain("m03")["judgement"]["voter"]["value"], false);
    assert_eq!(s.explain("m01")["judgement"]["voter"]["value"], true);
    // Paper totals cannot count more ballots than there are voters present.
    totals(&s, 3, &[("m01", 2)]).fails().stderr_contains("多于发出的 2 张");
    // Voting codes go to the voters only.
    assert_eq!(crate::support::received(&s.args(["ballot", "codes", "--branch", "b1"]).json()), ["m01", "m02"]);
    assert_eq!(status(&s)["round"]["ballots"], 0);
}

#[test]
fn s3_4_ballot_with_more_choices_than_seats_is_cast_and_counted_invalid() {
    let roster = members(3);
    let s = Shine::new();
    s.branch("b1", &roster);
    s.open("b1");
    s.all_to_voting("b1", &roster);
    assert_eq!(status(&s)["round"]["seats"], 1);
    let code = s.next_code("b1");
    let vote = |choices: &[&str]| {
        let mut args = vec!["ballot", "vote", "--branch", "b1", "--code", &code];
        args.extend_from_slice(choices);
        s.args(args)
    };
    vote(&["m02", "m02"]).fails().stderr_contains("出现了两次");
    assert_eq!(status(&s)["round"]["ballots"], 0, "a refused ballot is not counted");
    // Over-filled: in the box as an invalid ballot (meeting::s3_4_an_over_filled_… counts it).
    vote(&["m02", "m03"]).ok();
    assert_eq!(status(&s)["round"]["figures"]["returned"], 1);
    vote(&["m02"]).fails().stderr_contains("已经投过票");
}

#[test]
fn paper_ballot_totals_validated_against_voters_and_seats() {
    // Seven members, one excluded (x6) and one probationary: six voters, one seat.
    let mut roster = members(7);
    roster[6] = m("m07").probationary();
    let s = Shine::new();
    s.branch("b1", &roster);
    s.args(["finding", "add", "--member", "m06", "--clause", "x6", "--date", "2026-11-01", "--evidence", "值班脱岗"]).ok();
    s.open("b1");
    s.all_to_voting("b1", &roster);
    assert!(!ids(&status(&s)["round"]["candidates"]).contains(&"m06".to_owned()));
    totals(&s, 7, &[("m01", 3)]).fails().stderr_contains("7"); // more ballots than voters
    totals(&s, 6, &[("m01", 7)]).fails(); // more votes than ballots
    totals(&s, 6, &[("m01", 4), ("m02", 3)]).fails(); // 7 votes > 6 ballots × 1 seat
    totals(&s, 6, &[("m06", 2)]).fails(); // not a candidate
    totals(&s, 6, &[("m01", 2), ("m01", 2)]).fails(); // twice
    totals(&s, 6, &[("nobody", 2)]).fails();
    assert_eq!(status(&s)["round"]["ballots"], 0);
    totals(&s, 6, &[("m01", 4), ("m02", 2)]).ok();
    let st = status(&s);
    assert_eq!(st["round"]["ballots"], 6);
    assert_eq!(st["round"]["paper"], true);
    s.args(["ballot", "codes", "--branch", "b1"]).fails().stderr_contains("纸质");
    let done = s.advance("b1");
    assert_eq!(done["stars"], serde_json::json!(["m01"]));
}

// ---- property: the tally never seats more than the seats or the cap allows -------------

mod tally {
    use proptest::prelude::*;
    use shine_engine::rules::TiePolicy;
    use shine_engine::tally::{select, Contender, Outcome};

    fn contenders() -> impl Strategy<Value = Vec<Contender>> {
        prop::collection::vec((0i64..6, any::<bool>()), 0..25).prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, (votes, ordinary))| Contender { member: shine_engine::domain::MemberId::parse(&format!("m{i:02}")).expect("id"), votes, preferred: ordinary, capped: !ordinary })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn stars_never_exceed_quota_under_runoff_policy(cs in contenders(), seats in 1i64..7) {
            let cap = (seats + 2) / 3;
            let s = select(cs.clone(), seats, Some(cap), TiePolicy::Runoff);
            let runoff = s.runoff.as_ref().map(|r| r.seats).unwrap_or(0);
            prop_assert!(s.seated.len() as i64 + runoff <= seats);
            let capped = s.seated.iter().filter(|m| cs.iter().any(|c| &c.member == *m && c.capped)).count() as i64;
            prop_assert!(capped <= cap, "cap {} exceeded: {:?}", cap, s);
            if let Some(r) = &s.runoff {
                prop_assert!(r.seats >= 1 && (r.tied.len() as i64) > r.seats);
            }
            for c in &cs {
                let ranked = s.ranking.iter().find(|r| r.member == c.member).expect("ranked");
                if c.votes == 0 {
                    prop_assert_eq!(ranked.outcome, Outcome::NoVotes);
                    prop_assert!(!s.seated.contains(&c.member));
                }
            }
        }

        #[test]
        fn a_seat_left_empty_only_when_no_one_can_take_it(cs in contenders(), seats in 1i64..7) {
            let cap = (seats + 2) / 3;
            let s = select(cs.clone(), seats, Some(cap), TiePolicy::Runoff);
            let runoff = s.runoff.as_ref().map(|r| r.seats).unwrap_or(0);
            if (s.seated.len() as i64) + runoff < seats {
                // Every unseated member with votes is a capped one the cap keeps out
                // (or holds to fewer runoff seats than tied members).
                for r in &s.ranking {
                    if r.votes > 0 && !s.seated.contains(&r.member) {
                        let held = matches!(r.outcome, Outcome::CapReached | Outcome::Tied);
                        prop_assert!(r.capped && held, "{:?} left out with a seat free: {:?}", r, s);
                    }
                }
            }
        }
    }
}
