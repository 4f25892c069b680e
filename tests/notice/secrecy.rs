//! §3.4 无记名投票: electronic voting by one-time codes. A code votes once; the codes
//! go to the voters present, all at once; the tally waits until the voting is closed
//! or every code has voted; codes issued again void the unused ones. And the store,
//! read raw by an attacker who knows the voter list, links no ballot to its voter
//! better than chance.

use crate::support::{members, received, Shine};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn voting(n: usize) -> Shine {
    let roster = members(n);
    let s = Shine::new();
    s.branch("b1", &roster);
    s.open("b1");
    s.all_to_voting("b1", &roster);
    s
}

fn codes(s: &Shine) -> Vec<String> {
    let issued = s.args(["ballot", "codes", "--branch", "b1"]).json();
    issued["codes"].as_array().expect("codes").iter().map(|c| c.as_str().expect("a code").to_owned()).collect()
}

fn vote<'a>(s: &'a Shine, code: &'a str, choices: &[&'a str]) -> crate::support::Cmd<'a> {
    let mut args = vec!["ballot", "vote", "--branch", "b1", "--code", code];
    args.extend_from_slice(choices);
    s.args(args)
}

fn figures(s: &Shine) -> Value {
    s.args(["stars", "--branch", "b1"]).json()["rounds"][0]["figures"].clone()
}

#[test]
fn s3_4_anonymous_ballot_a_code_votes_once_typed_any_way() {
    let s = voting(3);
    let codes = codes(&s);
    assert_eq!(codes.len(), 3);
    for c in &codes {
        assert!(c.len() == 15 && c.chars().filter(|&c| c == '-').count() == 2, "shown in groups: {c}");
        assert!(!c.contains(['0', 'O', '1', 'I', 'L']), "no ambiguous characters: {c}");
    }
    // Lower case, spaces instead of dashes, full-width characters: the same code.
    let typed = codes[0].to_lowercase().replace('-', " ");
    let said = vote(&s, &typed, &["m02"]).ok();
    assert!(said.contains("选票已投入票箱（已投 1 / 发出 3）"), "{said}");
    assert!(!said.contains("m02") && !said.contains("党员"), "the answer says nothing of the choice: {said}");
    let full_width: String = codes[0].chars().map(|c| if c.is_ascii_alphanumeric() { char::from_u32(c as u32 + 0xFEE0).unwrap_or(c) } else { '－' }).collect();
    vote(&s, &full_width, &["m02"]).fails().stderr_contains("这个投票码已经投过票");
    vote(&s, &codes[0], &["m03"]).fails().stderr_contains("每个投票码只能投一次");
    // A code of the right shape that was never issued; one of the wrong shape.
    vote(&s, "2345-6789-ABCDE", &["m02"]).fails().stderr_contains("没有这个投票码");
    let err = vote(&s, "K7QX-MP3A", &["m02"]).fails_json();
    assert_eq!(err["code"], "code_malformed", "{err}");
    assert!(err["message"].as_str().unwrap_or_default().contains("应为 13 位"), "{err}");
    assert_eq!(s.args(["ballot", "status", "--branch", "b1"]).ok().trim(), "第 1 轮电子投票：已投 1 / 发出 3");
    // Every code used: the tally counts without the secretary closing the voting.
    vote(&s, &codes[1], &["m02"]).ok();
    vote(&s, &codes[2], &["m03"]).ok();
    assert_eq!(s.advancing("b1").json()["to"]["id"], "tallied");
    assert_eq!(figures(&s), serde_json::json!({ "issued": 3, "returned": 3, "valid": 3, "invalid": 0 }));
    vote(&s, &codes[2], &["m03"]).fails().stderr_contains("已结束");
}

#[test]
fn s3_4_anonymous_ballot_one_code_to_each_voter_present_all_at_once_printed_as_slips() {
    // m05 is excused, m06 probationary: four voters present.
    let roster: Vec<_> = members(6).into_iter().enumerate().map(|(i, m)| if i == 5 { m.probationary() } else { m }).collect();
    let s = Shine::new();
    s.branch("b1", &roster);
    s.open("b1");
    let ids: Vec<&str> = roster.iter().map(|m| m.id.as_str()).collect();
    s.to_voting("b1", &roster, &ids[..4]);
    let out = s.dir().join("slips.html");
    let issued = s
        .args(["ballot", "codes", "--branch", "b1", "--out", out.to_str().expect("a path"), "--url", "https://vote.example.edu.cn/"])
        .json();
    assert_eq!(issued["issued"], 4, "{issued}");
    assert_eq!(received(&issued), ["m01", "m02", "m03", "m04"]);
    let html = std::fs::read_to_string(&out).expect("slips");
    for code in issued["codes"].as_array().expect("codes") {
        let code = code.as_str().expect("a code");
        assert!(html.contains(&format!("<div class=\"code\">{code}</div>")), "a slip shows {code}");
    }
    assert_eq!(html.matches("<svg").count(), 4, "a QR code on every slip");
    assert!(html.contains("测试党支部b1") && html.contains("第 1 轮"), "the slip names the branch and the round");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&out).expect("slips").permissions().mode() & 0o777, 0o600, "only the secretary reads the codes");
    }
    assert!(s.args(["status", "--branch", "b1"]).ok().contains("已投 0 / 发出 4"));
    // Late arrivals get no code: a second issue is refused, and says why.
    let again = s.args(["ballot", "codes", "--branch", "b1"]).fails();
    again.stderr_contains("已经发放").stderr_contains("再到会的党员不再领码").stderr_contains("--reissue");
    // The quarter log records who received a code: the four, in one action, sorted by id.
    let log: Vec<String> = dump(&s).into_iter().filter(|(k, _)| k.starts_with(b"e/quarter/b1/")).map(|(_, v)| String::from_utf8_lossy(&v).into_owned()).collect();
    let receipts: Vec<&String> = log.iter().filter(|e| e.contains(r#""type":"codes_issued""#)).collect();
    assert_eq!(receipts.len(), 1, "{log:?}");
    assert!(receipts[0].contains(r#""count":4,"to":["m01","m02","m03","m04"]"#), "{}", receipts[0]);
}

#[test]
fn s3_4_anonymous_ballot_the_tally_waits_until_the_voting_is_closed() {
    let s = voting(4);
    let codes = codes(&s);
    for c in &codes[..3] {
        vote(&s, c, &["m02"]).ok();
    }
    let err = s.advancing("b1").fails_json();
    assert_eq!(err["code"], "voting_open", "{err}");
    s.advancing("b1").fails().stderr_contains("尚未结束（已投 3 / 发出 4）").stderr_contains("shine ballot close --branch b1");
    let closed = s.args(["ballot", "close", "--branch", "b1"]).ok();
    assert!(closed.contains("已投 3 / 发出 4，未使用的投票码 1 个已作废"), "{closed}");
    // Closing again changes nothing; the unused code no longer votes.
    assert!(s.args(["ballot", "close", "--branch", "b1"]).ok().contains("此前已结束"));
    vote(&s, &codes[3], &["m02"]).fails().stderr_contains("第 1 轮电子投票已结束");
    assert_eq!(s.advancing("b1").json()["to"]["id"], "tallied");
    assert_eq!(figures(&s), serde_json::json!({ "issued": 4, "returned": 3, "valid": 3, "invalid": 0 }));
}

#[test]
fn s3_4_anonymous_ballot_codes_issued_again_void_the_unused_ones() {
    let s = voting(4);
    let first = codes(&s);
    vote(&s, &first[0], &["m02"]).ok();
    let again = s.args(["ballot", "codes", "--branch", "b1", "--reissue"]).json();
    assert_eq!((again["voided"].as_i64(), again["issued"].as_i64()), (Some(3), Some(4)), "{again}");
    let second: Vec<&str> = again["codes"].as_array().expect("codes").iter().filter_map(|c| c.as_str()).collect();
    assert_eq!(second.len(), 3);
    assert!(second.iter().all(|c| !first.contains(&(*c).to_owned())));
    vote(&s, &first[1], &["m02"]).fails().stderr_contains("已作废");
    vote(&s, &first[0], &["m02"]).fails().stderr_contains("已经投过票");
    assert!(s.args(["ballot", "status", "--branch", "b1"]).ok().contains("已投 1 / 发出 4"));
    for c in &second {
        vote(&s, c, &["m03"]).ok();
    }
    // All used: nothing left to issue again.
    s.args(["ballot", "codes", "--branch", "b1", "--reissue"]).fails().stderr_contains("都已投票");
    assert_eq!(s.advancing("b1").json()["to"]["id"], "tallied");
    assert_eq!(figures(&s), serde_json::json!({ "issued": 4, "returned": 4, "valid": 4, "invalid": 0 }));
}

/// The raw store: what each key holds.
fn dump(s: &Shine) -> Vec<(Vec<u8>, Vec<u8>)> {
    let store = shine_engine::store::Store::open(&s.store_dir()).expect("open store");
    store.dump().expect("dump")
}

#[test]
fn s3_4_anonymous_ballot_a_vote_writes_its_choices_under_a_random_key_and_no_event() {
    let s = voting(3);
    let codes = codes(&s);
    let before = dump(&s);
    let events = |d: &[(Vec<u8>, Vec<u8>)]| d.iter().filter(|(k, _)| k.starts_with(b"e/")).count();
    vote(&s, &codes[1], &["m03", "m02"]).ok();
    let after = dump(&s);
    assert_eq!(events(&after), events(&before), "a vote writes no event");
    let new: Vec<(String, String)> = after
        .iter()
        .filter(|kv| !before.contains(kv))
        .map(|(k, v)| (String::from_utf8_lossy(k).into_owned(), String::from_utf8_lossy(v).into_owned()))
        .collect();
    assert_eq!(new.len(), 2, "the ballot and its code's record: {new:?}");
    let (ballot_key, ballot) = new.iter().find(|(k, _)| k.starts_with("b/")).expect("the ballot");
    let random = ballot_key.strip_prefix("b/b1/2026Q4/1/").expect("the round's ballots");
    assert!(random.len() == 32 && random.chars().all(|c| c.is_ascii_hexdigit()), "{ballot_key}");
    assert_eq!(ballot, r#"[["m02","m03"]]"#, "the choices, sorted, and nothing else");
    let (code_key, state) = new.iter().find(|(k, _)| k.starts_with("c/")).expect("the code's record");
    assert_eq!(state, r#""used""#);
    let digest = code_key.strip_prefix("c/b1/2026Q4/1/").expect("the round's codes");
    assert_eq!(digest.len(), 64, "a SHA-256, not the code");
    let plain: String = codes[1].chars().filter(|c| *c != '-').collect();
    for (k, v) in &after {
        let (k, v) = (String::from_utf8_lossy(k), String::from_utf8_lossy(v));
        assert!(!k.contains(&plain) && !v.contains(&plain) && !v.contains(&codes[1]), "the code is stored: {k}");
    }
}

// ---- the attacker ---------------------------------------------------------------------------

/// What an attacker holds: every file under the store directory, read raw and joined
/// (sorted by path), and each ballot as the store lists it (key, value).
struct Evidence {
    raw: Vec<u8>,
    ballots: Vec<(Vec<u8>, Vec<u8>)>,
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Where each voter's id occurs in the raw bytes (`m07` not inside a longer token).
fn id_positions(raw: &[u8], voters: &[String]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for i in 0..raw.len().saturating_sub(3) {
        if raw[i] != b'm' || (i > 0 && raw[i - 1].is_ascii_alphanumeric()) || raw.get(i + 3).is_some_and(|b| b.is_ascii_digit()) {
            continue;
        }
        if let Some(v) = voters.iter().position(|v| v.as_bytes() == &raw[i..i + 3]) {
            out.push((i, v));
        }
    }
    out
}

/// Where a timestamp (`2026-12-10T…`) occurs in the raw bytes.
fn timestamp_positions(raw: &[u8]) -> Vec<usize> {
    let shape = b"dddd-dd-ddTdd:";
    (0..raw.len().saturating_sub(shape.len()))
        .filter(|&i| shape.iter().zip(&raw[i..]).all(|(s, b)| if *s == b'd' { b.is_ascii_digit() } else { s == b }))
        .collect()
}

/// How far a place is from a span of bytes.
fn gap(p: usize, span: &std::ops::Range<usize>) -> usize {
    if p < span.start {
        span.start - p
    } else {
        p.saturating_sub(span.end)
    }
}

/// The voter named by the id occurrence nearest to `near`, outside the ballot's `span`.
fn nearest_id(ids: &[(usize, usize)], near: &std::ops::Range<usize>, span: &std::ops::Range<usize>) -> Option<usize> {
    ids.iter().filter(|(p, _)| !span.contains(p)).min_by_key(|(p, _)| gap(*p, near)).map(|(_, v)| *v)
}

/// Every method the attacker tries: for each, a guessed voter per ballot (by index
/// into `voters`, the roster order, which is also the order `CodesIssued` lists).
fn attacks(e: &Evidence, voters: &[String]) -> Vec<(&'static str, Vec<Option<usize>>)> {
    let ids = id_positions(&e.raw, voters);
    let stamps = timestamp_positions(&e.raw);
    let at: Vec<usize> = e.ballots.iter().map(|(_, v)| find(&e.raw, v).expect("every ballot is somewhere in the files")).collect();
    let n = e.ballots.len();
    let span = |b: usize| at[b]..at[b] + e.ballots[b].1.len();
    // The k-th ballot by some order goes to the k-th voter.
    let by_rank = |order: Vec<usize>| -> Vec<Option<usize>> {
        let mut guess = vec![None; n];
        for (rank, &b) in order.iter().enumerate() {
            guess[b] = Some(rank);
        }
        guess
    };
    let sorted_by = |key: &dyn Fn(usize) -> (usize, Vec<u8>)| -> Vec<usize> {
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&b| key(b));
        order
    };
    let file_order = sorted_by(&|b| (at[b], Vec::new()));
    let mut reversed = file_order.clone();
    reversed.reverse();
    vec![
        ("adjacency to a member's id in the files", (0..n).map(|b| nearest_id(&ids, &span(b), &span(b))).collect()),
        ("order in the files vs the roster and CodesIssued", by_rank(file_order)),
        ("reverse order in the files", by_rank(reversed)),
        ("key order", by_rank(sorted_by(&|b| (0, e.ballots[b].0.clone())))),
        ("size, then place in the files", by_rank(sorted_by(&|b| (e.ballots[b].1.len(), at[b].to_be_bytes().to_vec())))),
        (
            "the timestamp nearest the ballot, and the member nearest it",
            (0..n)
                .map(|b| {
                    let stamp = stamps.iter().min_by_key(|p| gap(**p, &span(b)))?;
                    nearest_id(&ids, &(*stamp..*stamp + 1), &span(b))
                })
                .collect(),
        ),
    ]
}

/// How many ballots each method links to their true voter.
fn linked(e: &Evidence, voters: &[String], truth: &BTreeMap<Vec<u8>, usize>) -> Vec<(&'static str, usize)> {
    attacks(e, voters)
        .into_iter()
        .map(|(method, guesses)| {
            // A leaky layout's padding is not part of the ballot.
            let choices = |v: &[u8]| v.iter().rposition(|b| *b != b' ').map(|end| v[..=end].to_vec()).unwrap_or_default();
            let right = guesses.iter().zip(&e.ballots).filter(|(g, (_, v))| g.is_some() && **g == truth.get(&choices(v)).copied()).count();
            (method, right)
        })
        .collect()
}

/// Distinct choice sets, one per voter: each candidate alone, then pairs of neighbours.
fn choice_sets(candidates: &[String], n: usize) -> Vec<Vec<String>> {
    let singles = candidates.iter().map(|c| vec![c.clone()]);
    let pairs = candidates.windows(2).map(|w| w.to_vec());
    singles.chain(pairs).take(n).collect()
}

/// A ballot as the store keeps it: one ballot in a box, the choices sorted.
fn stored(choices: &[String]) -> Vec<u8> {
    let mut sorted = choices.to_vec();
    sorted.sort();
    serde_json::to_vec(&vec![sorted]).expect("json")
}

#[test]
fn s3_4_anonymous_ballot_an_attacker_with_the_raw_store_and_the_voter_list_links_no_more_than_chance() {
    const VOTERS: usize = 32;
    let s = voting(VOTERS);
    let voters: Vec<String> = members(VOTERS).iter().map(|m| m.id.clone()).collect();
    let candidates: Vec<String> = s.args(["status", "--branch", "b1"]).json()["round"]["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .filter_map(|c| c["id"].as_str().map(str::to_owned))
        .collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x5EC2E7);
    let mut sets = choice_sets(&candidates, VOTERS);
    assert_eq!(sets.len(), VOTERS, "a distinct choice set for every voter");
    sets.shuffle(&mut rng);
    // Voter i chooses sets[i]; the voters come to vote in an order the attacker does
    // not know, and each takes whichever slip is next.
    let mut order: Vec<usize> = (0..VOTERS).collect();
    order.shuffle(&mut rng);
    let codes = codes(&s);
    assert_eq!(codes.len(), VOTERS);
    for (code, &voter) in codes.iter().zip(&order) {
        let choices: Vec<&str> = sets[voter].iter().map(String::as_str).collect();
        vote(&s, code, &choices).ok();
    }
    s.args(["ballot", "close", "--branch", "b1"]).ok();

    let truth: BTreeMap<Vec<u8>, usize> = sets.iter().enumerate().map(|(v, set)| (stored(set), v)).collect();
    let ballots: Vec<(Vec<u8>, Vec<u8>)> = dump(&s).into_iter().filter(|(k, _)| k.starts_with(b"b/")).collect();
    assert_eq!(ballots.len(), VOTERS);
    let mut files = Vec::new();
    files_under(&s.store_dir(), &mut files);
    files.sort();
    let raw: Vec<u8> = files.iter().flat_map(|f| std::fs::read(f).expect("read a store file")).collect();
    let evidence = Evidence { raw, ballots };

    // Were nothing linked, each method's guess for a ballot is right with probability
    // about 1/32, near enough independently: right guesses ~ Binomial(32, 1/32), and
    // P(X ≥ 10) ≈ 3.0e-8, so over the six methods a false alarm has probability
    // < 2e-7 (< 1e-6). Nine or fewer is chance.
    const CHANCE: usize = 9;
    for (method, right) in linked(&evidence, &voters, &truth) {
        println!("attacker: {method}: {right} of {VOTERS} ballots linked to their voters");
        assert!(right <= CHANCE, "{method}: links {right} of {VOTERS} ballots to their voters");
    }

    // The negative control: the same attacker on deliberately leaky layouts finds
    // every ballot's voter, so the assertions above can fail.
    let line = |v: usize, stamp: &str| -> Vec<u8> { [stored(&sets[v]), format!(" {} {stamp}\n", voters[v]).into_bytes()].concat() };
    let leaky_ballots = |keyed: &dyn Fn(usize) -> Vec<u8>| -> Vec<(Vec<u8>, Vec<u8>)> { (0..VOTERS).map(|v| (keyed(v), stored(&sets[v]))).collect() };
    // 1. Each ballot beside its voter's id and a timestamp, written as votes came.
    let adjacent = Evidence { raw: order.iter().flat_map(|&v| line(v, &format!("2026-12-01T10:{v:02}:00"))).collect(), ballots: leaky_ballots(&|v| format!("b/{v:02}").into_bytes()) };
    // 2. Ballots written in roster order, keys in roster order, sizes growing with it.
    let padded = |v: usize| {
        let ballot = stored(&sets[v]);
        [ballot.clone(), vec![b' '; 32 + v - ballot.len()]].concat()
    };
    let ordered = Evidence {
        raw: (0..VOTERS).flat_map(|v| [padded(v), b"|".to_vec()].concat()).collect(),
        ballots: (0..VOTERS).map(|v| (format!("b/{v:02}").into_bytes(), padded(v))).collect(),
    };
    let leaks: BTreeMap<&str, usize> = linked(&adjacent, &voters, &truth).into_iter().chain(
        linked(&ordered, &voters, &truth).into_iter().filter(|(m, _)| !m.starts_with("adjacency") && !m.starts_with("the timestamp")),
    )
    .fold(BTreeMap::new(), |mut all, (m, n)| {
        let e = all.entry(m).or_insert(0);
        *e = (*e).max(n);
        all
    });
    for (method, right) in &leaks {
        println!("attacker on a leaky layout: {method}: {right} of {VOTERS}");
        if !method.starts_with("reverse") {
            assert_eq!(*right, VOTERS, "{method} must find every voter on a leaky layout: {leaks:?}");
        }
    }
}

#[test]
fn s3_4_university_rule_a_voting_too_few_returned_is_held_again_its_ballots_sealed_and_not_counted() {
    // The ballot-return rule (`round_valid`, 本校实施细则) refuses a round with too few
    // ballots back; the branch then votes again rather than being stuck.
    let s = voting(4);
    let first = codes(&s);
    vote(&s, &first[0], &["m02"]).ok();
    s.args(["ballot", "close", "--branch", "b1"]).ok();
    s.advancing("b1").fails().stderr_contains("round_valid");
    // Issuing codes after the close points to voting again.
    s.args(["ballot", "codes", "--branch", "b1"]).fails().stderr_contains("shine ballot again --branch b1");
    // Not while the voting is still open; and not without a reason.
    let fresh = voting(2);
    codes(&fresh);
    fresh.args(["ballot", "again", "--branch", "b1", "--reason", "重来"]).fails().stderr_contains("尚未结束");
    s.args(["ballot", "again", "--branch", "b1", "--reason", " "]).fails();

    let again = s.args(["ballot", "again", "--branch", "b1", "--reason", "收回选票未过半数"]).json();
    assert_eq!((again["issued"].as_i64(), again["returned"].as_i64()), (Some(4), Some(1)), "{again}");
    // The old codes are withdrawn; new ones go to the voters present.
    vote(&s, &first[1], &["m02"]).fails();
    let second = codes(&s);
    assert_eq!(second.len(), 4);
    for c in &second {
        vote(&s, c, &["m01"]).ok();
    }
    assert_eq!(s.advancing("b1").json()["to"]["id"], "tallied");
    // Counted: the four ballots of the voting held again, not the sealed one for m02.
    let stars = s.args(["stars", "--branch", "b1"]).json();
    assert_eq!(stars["rounds"][0]["figures"], serde_json::json!({ "issued": 4, "returned": 4, "valid": 4, "invalid": 0 }), "{stars}");
    assert_eq!(stars["rounds"][0]["held_again"][0]["reason"], "收回选票未过半数", "{stars}");
    let votes = |m: &str| stars["rounds"][0]["selection"]["ranking"].as_array().expect("ranking").iter().find(|r| r["member"] == m).map(|r| r["votes"].clone());
    assert_eq!((votes("m01"), votes("m02")), (Some(4.into()), Some(0.into())), "{stars}");
    let ledger = s.args(["stars", "--branch", "b1"]).ok();
    assert!(ledger.contains("第 1 轮曾重新投票：原发出 4、收回 1 张选票作废封存，不计票（理由：收回选票未过半数）"), "{ledger}");
    // The sealed ballot is kept in the store, apart.
    let store = shine_engine::store::Store::open(&s.store_dir()).expect("store");
    assert!(store.content().expect("content").iter().any(|line| line.starts_with("bv/b1/")), "the sealed ballot is kept");
}
