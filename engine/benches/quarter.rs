//! A whole quarter for 1,000 branches × 30 members through the sled store: roster,
//! organizational-life attendance, deeds, the meeting, ballots, tally and ledger —
//! beside a baseline that writes the same number of events to sled with no engine
//! logic, in the same run. Target: the quarter under 5 s.
//!
//! `cargo bench -p shine-engine --bench quarter` (set `SHINE_BENCH_BRANCHES` for
//! another size).

use chrono::NaiveDate;
use shine_engine::domain::{Actor, MemberId, Timestamp, UnitId};
use shine_engine::entity::{MemberRecord, Unit};
use shine_engine::facts::{Deed, LifeRecord};
use shine_engine::ops::quarter::Record;
use shine_engine::ops::Archive;
use shine_engine::store::Store;
use std::path::Path;
use std::time::{Duration, Instant};

#[path = "../tests/common/mod.rs"]
mod common;
use common::definitions;

// The allocator the `shine` binary uses too.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const MEMBERS: usize = 30;


fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

/// Run the quarter; returns (elapsed, events written).
fn quarter(dir: &Path, branches: usize) -> (Duration, usize) {
    let mut store = Store::open(dir).expect("store opens");
    store.set_bulk(true);
    let Ok(shine) = Archive::new(store).with_definitions(definitions()) else { panic!("default definitions load") };
    let current = Some(shine.current());
    let at = Timestamp::parse("2026-12-10T10:00:00+08:00").expect("a time");
    let actor = Actor { who: "书记".into(), role: "branch_secretary".into(), at };
    // The meeting is reported upward a week before it is held (§4.2.a, and the local rule
    // of at least one day ahead).
    let reporter = Actor { at: Timestamp::parse("2026-12-03T10:00:00+08:00").expect("a time"), ..actor.clone() };
    let start = Instant::now();
    let id = |text: &str| UnitId::parse(text).expect("an id");
    let unit = |uid: String, kind: &str, parent: Option<&str>| Unit { name: format!("单位{uid}"), id: id(&uid), kind: kind.into(), parent: parent.map(id) };
    shine.add_unit(&actor, unit("dw".into(), "committee", None)).expect("committee");
    let generals = branches.div_ceil(20);
    for g in 0..generals {
        shine.add_unit(&actor, unit(format!("g{g}"), "general_branch", Some("dw"))).expect("general branch");
    }
    let quarter = "2026Q4".parse().expect("a quarter");
    for b in 0..branches {
        let branch = format!("b{b}");
        shine.add_unit(&actor, unit(branch.clone(), "branch", Some(&format!("g{}", b / 20)))).expect("branch");
        let roster: Vec<MemberRecord> = (0..MEMBERS)
            .map(|i| MemberRecord {
                id: MemberId::parse(&format!("{branch}-{i}")).expect("an id"),
                name: format!("党员{b}之{i}"),
                identity: "教师".into(),
                role: match i { 0 => "secretary", 1 | 2 => "committee", _ => "ordinary" }.into(),
                full: i < MEMBERS - 3,
                mobile: false,
                last_report: None,
            })
            .collect();
        shine.import_members(&actor, &branch, roster).expect("roster");
        let life = (0..MEMBERS)
            .flat_map(|i| {
                [d(2026, 9, 10), d(2026, 10, 10), d(2026, 11, 10), d(2026, 12, 1)].into_iter().enumerate().map(move |(k, date)| {
                    let status = if (i + k) % 17 == 0 { "unexcused" } else { "present" };
                    (format!("b{b}-{i}"), LifeRecord { date, status: status.into() }, String::new())
                })
            })
            .collect();
        shine.record_life(&actor, life).expect("life");
        shine.open_quarter(&actor, &branch, quarter).expect("open");
        let ids: Vec<String> = (0..MEMBERS).map(|i| format!("{branch}-{i}")).collect();
        let deeds = ids
            .iter()
            .map(|m| Record::Deed { member: m.clone(), deed: Deed { form: None, kind: "带头服务群众".into(), text: "为师生办实事".into(), date: d(2026, 10, 20) } })
            .collect();
        shine.record(current, &actor, Some(&branch), deeds).expect("deeds");
        shine.advance(current, &actor, &branch).expect("to reporting");
        shine.report_meeting(current, &reporter, &branch, d(2026, 12, 10)).expect("report");
        shine.advance(current, &actor, &branch).expect("to meeting");
        let attendance = ids.iter().map(|m| Record::Attendance { member: m.clone(), status: "present".into() }).collect();
        shine.record(current, &actor, Some(&branch), attendance).expect("attendance");
        shine.advance(current, &actor, &branch).expect("to exchange");
        shine.record(current, &actor, Some(&branch), ids.iter().map(|m| Record::Presentation { member: m.clone() }).collect()).expect("presentations");
        shine.advance(current, &actor, &branch).expect("to commentary");
        let comments = ids.iter().map(|m| Record::Comment { member: m.clone(), text: "事迹突出".into() }).collect();
        shine.record(current, &actor, Some(&branch), comments).expect("comments");
        shine.advance(current, &actor, &branch).expect("to voting");
        let voters = shine.voters(current, &branch, d(2026, 12, 10)).expect("voters");
        // Codes issued, one ballot cast with each, as voters do.
        let ballots = voters.iter().enumerate().map(|(v, _)| vec![ids[3 + v % 19].clone(), ids[22 + v % 6].clone()]);
        vote_with_codes(&shine, current, &actor, &branch, ballots);
        let mut tally = shine.advance(current, &actor, &branch).expect("tally");
        while let Some(runoff) = tally.selection.as_ref().and_then(|s| s.runoff.clone()) {
            // A runoff: every voter backs the first tied candidate.
            let ballots = voters.iter().map(|_| vec![runoff.tied[0].to_string()]);
            vote_with_codes(&shine, current, &actor, &branch, ballots);
            tally = shine.advance(current, &actor, &branch).expect("runoff tally");
        }
        shine.advance(current, &actor, &branch).expect("ledger");
    }
    shine.store().flush().expect("flush");
    let elapsed = start.elapsed();
    let events = shine.store().dump().expect("dump").iter().filter(|(k, _)| k.starts_with(b"e/")).count();
    (elapsed, events)
}

/// Baseline: the same number of events of similar size written to sled in batches
/// of the same count, with no engine logic.
fn baseline(dir: &Path, events: usize, batches: usize) -> Duration {
    let db = sled::Config::new().path(dir).open().expect("sled opens");
    let payload = vec![b'x'; 160];
    let start = Instant::now();
    let per = events.div_ceil(batches.max(1));
    let mut written = 0;
    while written < events {
        let mut batch = sled::Batch::default();
        for _ in 0..per.min(events - written) {
            batch.insert(&(written as u64).to_be_bytes(), payload.clone());
            written += 1;
        }
        db.apply_batch(batch).expect("batch");
    }
    db.flush().expect("flush");
    start.elapsed()
}

fn main() {
    // `cargo test --benches` runs this with `--bench` absent: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let branches: usize = std::env::var("SHINE_BENCH_BRANCHES").ok().and_then(|v| v.parse().ok()).unwrap_or(if quick { 10 } else { 1000 });
    let tmp = tempfile::tempdir().expect("temp dir");
    let (elapsed, events) = quarter(&tmp.path().join("quarter"), branches);
    let commands = branches * 17 + 20;
    let base = baseline(&tmp.path().join("baseline"), events, commands);
    println!("quarter: {branches} branches x {MEMBERS} members through sled");
    println!("  shine quarter          {:>8.3} s   ({events} events, {:.0} members/s)", elapsed.as_secs_f64(), (branches * MEMBERS) as f64 / elapsed.as_secs_f64());
    println!("  baseline raw sled      {:>8.3} s   (same events, {commands} batches, no engine logic)", base.as_secs_f64());
    println!("  engine / baseline      {:>8.1} x", elapsed.as_secs_f64() / base.as_secs_f64().max(1e-9));
    if !quick {
        let verdict = if elapsed < Duration::from_secs(5) { "meets" } else { "MISSES" };
        println!("  target < 5 s: {verdict}");
    }
}

/// Issue the open round's voting codes and cast one ballot with each (the ballots in
/// turn), through the same engine operations as `shine ballot codes` and `ballot vote`.
fn vote_with_codes(shine: &shine_engine::ops::Shine, current: Option<&shine_engine::ops::Current>, actor: &shine_engine::domain::Actor, branch: &str, ballots: impl Iterator<Item = Vec<String>>) {
    let issued = shine.issue_codes(current, actor, branch, false).expect("codes");
    for (code, choices) in issued.codes.iter().zip(ballots) {
        shine.vote_with_code(current, actor, branch, code, choices).expect("a ballot");
    }
}
