//! Commands on a large organisation, run as the real `shine` binary: a university
//! committee, 100 general branches of 100 branches each (10,000 branches × 30
//! members), every quarter opened with deeds registered, one branch in each general
//! branch run to its ledger and pulled by its general branch. Each command's median
//! wall time and peak resident memory (`/usr/bin/time`), against the target of well
//! under 100 ms and 200 MiB. Then a roster of 100,000 members imported into one
//! branch, and commands after it.
//!
//! ```text
//! cargo build --release -p shine
//! cargo bench -p shine-engine --bench scale
//! ```
//!
//! The stores are built once through the engine in bulk mode and kept under
//! `target/scale-bench/<version>/`, keyed by [`VERSION`] (bump it when what is
//! stored changes). `SHINE_BIN` names another binary; `SHINE_BENCH_RUNS` the runs
//! per command (5 by default, after one warm-up).

use chrono::NaiveDate;
use shine_engine::domain::{Actor, MemberId, Quarter, Timestamp, UnitId};
use shine_engine::entity::{MemberRecord, Unit};
use shine_engine::facts::Deed;
use shine_engine::ops::quarter::Record;
use shine_engine::ops::{Archive, Shine};
use shine_engine::store::Store;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "../tests/common/mod.rs"]
mod common;
use common::{definitions, repo as root};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The version of the cached stores: bump it when what the engine stores changes.
const VERSION: &str = "v3";
const GENERALS: usize = 100;
const PER_GENERAL: usize = 100;
const MEMBERS: usize = 30;
const BIG_ROSTER: usize = 100_000;
const NOW: &str = "2026-12-10T10:00:00+08:00";



fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

fn id(text: &str) -> UnitId {
    UnitId::parse(text).expect("an id")
}

fn unit(uid: &str, kind: &str, parent: Option<&str>) -> Unit {
    Unit { name: format!("单位{uid}"), id: id(uid), kind: kind.into(), parent: parent.map(id) }
}

fn actor(role: &str) -> Actor {
    Actor { who: "书记".into(), role: role.into(), at: Timestamp::parse(NOW).expect("a time") }
}

fn member(branch: &str, b: usize, i: usize) -> MemberRecord {
    MemberRecord {
        id: MemberId::parse(&format!("{branch}-{i}")).expect("an id"),
        name: format!("党员{b}之{i}"),
        identity: "教师".into(),
        role: match i {
            0 => "secretary",
            1 | 2 => "committee",
            _ => "ordinary",
        }
        .into(),
        full: i < MEMBERS - 3,
        mobile: false,
        last_report: None,
    }
}

fn open(dir: &Path) -> Shine {
    let mut store = Store::open(dir).expect("store opens");
    store.set_bulk(true);
    let Ok(shine) = Archive::new(store).with_definitions(definitions()) else { panic!("default definitions load") };
    shine
}

/// A branch's quarter from its deeds to the ledger.
fn run_quarter(shine: &Shine, branch: &str) {
    let current = Some(shine.current());
    let actor = actor("branch_secretary");
    let ids: Vec<String> = (0..MEMBERS).map(|i| format!("{branch}-{i}")).collect();
    shine.advance(current, &actor, branch).expect("to reporting");
    // Reported a week ahead (§4.2.a, and the local rule of at least one day before).
    let reporter = Actor { at: Timestamp::parse("2026-12-03T10:00:00+08:00").expect("a time"), ..actor.clone() };
    shine.report_meeting(current, &reporter, branch, d(2026, 12, 10)).expect("report");
    shine.advance(current, &actor, branch).expect("to meeting");
    let attendance = ids.iter().map(|m| Record::Attendance { member: m.clone(), status: "present".into() }).collect();
    shine.record(current, &actor, Some(branch), attendance).expect("attendance");
    shine.advance(current, &actor, branch).expect("to exchange");
    shine.record(current, &actor, Some(branch), ids.iter().map(|m| Record::Presentation { member: m.clone() }).collect()).expect("presentations");
    shine.advance(current, &actor, branch).expect("to commentary");
    let comments = ids.iter().map(|m| Record::Comment { member: m.clone(), text: "事迹突出".into() }).collect();
    shine.record(current, &actor, Some(branch), comments).expect("comments");
    shine.advance(current, &actor, branch).expect("to voting");
    let voters = shine.voters(current, branch, d(2026, 12, 10)).expect("voters");
    // Codes issued, one ballot cast with each, as voters do.
    let ballots = voters.iter().enumerate().map(|(v, _)| vec![ids[3 + v % 19].clone(), ids[22 + v % 6].clone()]);
    vote_with_codes(shine, current, &actor, branch, ballots);
    let mut tally = shine.advance(current, &actor, branch).expect("tally");
    while let Some(runoff) = tally.selection.as_ref().and_then(|s| s.runoff.clone()) {
        let ballots = voters.iter().map(|_| vec![runoff.tied[0].to_string()]);
        vote_with_codes(shine, current, &actor, branch, ballots);
        tally = shine.advance(current, &actor, branch).expect("runoff tally");
    }
    shine.advance(current, &actor, branch).expect("ledger");
}

/// The 10,000-branch store.
fn build_large(dir: &Path) {
    let shine = open(dir);
    let current = Some(shine.current());
    let secretary = actor("branch_secretary");
    let quarter: Quarter = "2026Q4".parse().expect("a quarter");
    shine.add_unit(&secretary, unit("dw", "committee", None)).expect("committee");
    for g in 0..GENERALS {
        shine.add_unit(&secretary, unit(&format!("g{g}"), "general_branch", Some("dw"))).expect("general branch");
    }
    for b in 0..GENERALS * PER_GENERAL {
        let branch = format!("b{b}");
        shine.add_unit(&secretary, unit(&branch, "branch", Some(&format!("g{}", b / PER_GENERAL)))).expect("branch");
        shine.import_members(&secretary, &branch, (0..MEMBERS).map(|i| member(&branch, b, i)).collect()).expect("roster");
        shine.open_quarter(&secretary, &branch, quarter).expect("open");
        let deeds = (0..MEMBERS)
            .map(|i| Record::Deed {
                member: format!("{branch}-{i}"),
                deed: Deed { form: None, kind: "带头服务群众".into(), text: "为师生办实事".into(), date: d(2026, 10, 20) },
            })
            .collect();
        shine.record(current, &secretary, Some(&branch), deeds).expect("deeds");
        if b % PER_GENERAL == 0 {
            run_quarter(&shine, &branch);
        }
        if b % 1000 == 999 {
            eprintln!("  built {} branches", b + 1);
        }
    }
    for g in 0..GENERALS {
        shine.pull(&actor("general_branch"), Some(&format!("g{g}")), quarter).expect("pull");
    }
    shine.store().flush().expect("flush");
}

/// The store for the 100,000-member roster: one branch, no members yet.
fn build_big(dir: &Path) {
    let shine = open(dir);
    let a = actor("branch_secretary");
    shine.add_unit(&a, unit("dw", "committee", None)).expect("committee");
    shine.add_unit(&a, unit("g0", "general_branch", Some("dw"))).expect("general branch");
    shine.add_unit(&a, unit("big", "branch", Some("g0"))).expect("branch");
    shine.store().flush().expect("flush");
}

/// The cached store at `dir`, built by `build` unless a finished one is there.
fn cached(dir: &Path, build: fn(&Path)) -> Duration {
    let done = dir.join("complete");
    if done.exists() {
        return Duration::ZERO;
    }
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("bench dir");
    let start = Instant::now();
    build(&dir.join("store"));
    std::fs::write(&done, VERSION).expect("marker");
    start.elapsed()
}

/// One command's figures.
struct Figures {
    median: Duration,
    max: Duration,
    /// Median processor time (user and system): what the command costs on a machine
    /// whose cores are busy with other work too.
    cpu: Duration,
    peak_kib: u64,
}

/// Run `shine` with `args` on `store`: one warm-up (unless `warmup` is false), then
/// `runs` counted runs.
fn measure(bin: &Path, store: &Path, args: &[&str], runs: usize, warmup: bool, scratch: &Path) -> Figures {
    let mut times = Vec::new();
    let mut cpus = Vec::new();
    let mut peak = 0;
    for i in usize::from(!warmup)..=runs {
        let rss = scratch.join("rss");
        let start = Instant::now();
        let out = Command::new("/usr/bin/time")
            .args(["-f", "%U %S %M", "-o"])
            .arg(&rss)
            .arg(bin)
            .arg("--store")
            .arg(store)
            .args(["--now", NOW])
            .args(args)
            .current_dir(root())
            .env("NO_COLOR", "1")
            .output()
            .expect("/usr/bin/time runs shine");
        let elapsed = start.elapsed();
        if !out.status.success() {
            panic!("shine {} failed:\n{}{}", args.join(" "), String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        }
        let text = std::fs::read_to_string(&rss).unwrap_or_default();
        let fields: Vec<f64> = text.lines().last().unwrap_or_default().split_whitespace().filter_map(|f| f.parse().ok()).collect();
        let [user, system, kib] = fields[..] else { panic!("/usr/bin/time wrote {text:?}") };
        if i > 0 {
            times.push(elapsed);
            cpus.push(Duration::from_secs_f64(user + system));
            peak = peak.max(kib as u64);
        }
    }
    times.sort();
    cpus.sort();
    Figures { median: times[times.len() / 2], max: times[times.len() - 1], cpu: cpus[cpus.len() / 2], peak_kib: peak }
}

fn report(what: &str, f: &Figures, target: bool) {
    let ms = f.median.as_secs_f64() * 1000.0;
    let mib = f.peak_kib as f64 / 1024.0;
    let verdict = if !target {
        ""
    } else if ms < 100.0 && mib < 200.0 {
        "  meets < 100 ms, < 200 MiB"
    } else {
        "  MISSES < 100 ms, < 200 MiB"
    };
    println!(
        "  {what:<48} {ms:>8.1} ms (max {:>7.1}, cpu {:>6.1})  {mib:>6.1} MiB{verdict}",
        f.max.as_secs_f64() * 1000.0,
        f.cpu.as_secs_f64() * 1000.0
    );
}

fn main() {
    // `cargo test --benches` runs this without `--bench`: nothing to do then.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"));
    let bin = std::env::var_os("SHINE_BIN").map(PathBuf::from).unwrap_or_else(|| target.join("release").join("shine"));
    assert!(bin.exists(), "{} is missing: run `cargo build --release -p shine` first (or set SHINE_BIN)", bin.display());
    let runs: usize = std::env::var("SHINE_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5).max(1);
    let base = target.join("scale-bench").join(VERSION);

    let large = base.join("large");
    let built = cached(&large, build_large);
    if built > Duration::ZERO {
        println!("built the 10,000-branch store in {:.1} s", built.as_secs_f64());
    }
    let store = large.join("store");
    let scratch = tempfile::tempdir().expect("temp dir");
    println!("scale: {} branches x {MEMBERS} members ({runs} runs each after a warm-up: median wall time, slowest, median cpu time, peak RSS)", GENERALS * PER_GENERAL);
    let commands: [(&str, &[&str]); 7] = [
        ("status --branch b4217", &["status", "--branch", "b4217"]),
        ("status --branch b4200 (at its ledger)", &["status", "--branch", "b4200"]),
        ("explain 党员4217之5 (by name)", &["explain", "党员4217之5"]),
        ("explain b4200-5 (by id)", &["explain", "b4200-5"]),
        ("member history 党员4200之5", &["member", "history", "党员4200之5"]),
        ("chain status --unit g42", &["chain", "status", "--unit", "g42", "--quarter", "2026Q4"]),
        ("chain status --unit dw (the university)", &["chain", "status", "--unit", "dw", "--quarter", "2026Q4"]),
    ];
    for (what, args) in commands {
        report(what, &measure(&bin, &store, args, runs, true, scratch.path()), true);
    }

    let big = base.join("big");
    cached(&big, build_big);
    let csv = big.join("roster.csv");
    if !csv.exists() {
        let mut text = String::from("姓名,党员编号,身份,职务,类别,流动党员,最近报到\n");
        for i in 0..BIG_ROSTER {
            let role = if i == 0 { "支部书记" } else { "普通党员" };
            text.push_str(&format!("大党员{i},big-{i},教师,{role},正式,否,\n"));
        }
        std::fs::write(&csv, text).expect("roster file");
    }
    // Every run starts from the store without members.
    let fresh = scratch.path().join("big");
    let copy = |to: &Path| {
        let _ = std::fs::remove_dir_all(to);
        let status = Command::new("cp").arg("-r").arg(big.join("store")).arg(to).status().expect("cp runs");
        assert!(status.success(), "copying the store");
    };
    copy(&fresh);
    println!("roster: {BIG_ROSTER} members imported into one branch");
    let csv_arg = csv.display().to_string();
    let import = measure(&bin, &fresh, &["--as", "branch_secretary", "roster", "import", "--branch", "big", &csv_arg], 1, false, scratch.path());
    report("roster import (100,000 rows, one run)", &import, false);
    let open = measure(&bin, &fresh, &["--as", "branch_secretary", "quarter", "open", "--branch", "big", "--quarter", "2026Q4"], 1, false, scratch.path());
    report("quarter open --branch big (one run)", &open, false);
    for (what, args) in [
        ("status --branch big", &["status", "--branch", "big"][..]),
        ("explain 大党员77777 (by name)", &["explain", "大党员77777"][..]),
        ("member history big-77777", &["member", "history", "big-77777"][..]),
    ] {
        report(what, &measure(&bin, &fresh, args, runs, true, scratch.path()), false);
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
