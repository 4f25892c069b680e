//! The fast path against a hand-written Rust function deciding the same nine
//! exclusions (§3.4 x1–x9), over a million synthetic members.
//!
//! Before measuring, both are run on every member and must agree.

use chrono::{Months, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use shine_engine::facts::{BranchFacts, Deed, Finding, LifeRecord, MeetingFacts, MemberFacts, QuarterFacts, Silence, Sym};
use shine_engine::par;
use shine_engine::rules::{RuleSet, Scope, SourceFile};
use std::hint::black_box;
use std::time::Duration;

const MEMBERS: usize = 1_000_000;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn load_rules() -> RuleSet {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("rules dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "shine"))
        .collect();
    paths.sort();
    let files = paths
        .into_iter()
        .map(|p| SourceFile {
            name: format!("rules/{}", p.file_name().and_then(|n| n.to_str()).unwrap_or_default()),
            text: std::fs::read_to_string(&p).expect("rule file"),
        })
        .collect();
    match RuleSet::load(files) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

/// ~12 life records over 15 months, 0–2 findings, 0–3 deeds.
fn synthetic(rng: &mut StdRng, meeting: NaiveDate, i: usize) -> MemberFacts {
    let start = meeting - Months::new(15);
    let mut life = Vec::with_capacity(12);
    let mut day = 0i64;
    for _ in 0..12 {
        day += rng.gen_range(25..=50);
        let status = match rng.gen_range(0..100) {
            0..=6 => "unexcused",
            7..=14 => "excused",
            _ => "present",
        };
        life.push(LifeRecord { date: start + chrono::Duration::days(day), status: status.into() }.into());
    }
    let clauses = ["x1", "x2", "x3", "x4", "x5", "x6", "x7"];
    let n_findings = if rng.gen_bool(0.3) { rng.gen_range(1..=2) } else { 0 };
    let findings = (0..n_findings)
        .map(|_| Finding {
            clause: clauses[rng.gen_range(0..clauses.len())].into(),
            date: meeting - chrono::Duration::days(rng.gen_range(-30..700)),
            evidence: String::new(),
            open: rng.gen_bool(0.1),
            until: rng.gen_bool(0.3).then(|| meeting + chrono::Duration::days(rng.gen_range(-400..400))),
            closed: None,
            closure: None,
        })
        .collect();
    let deeds = (0..rng.gen_range(0..=3))
        .map(|_| Deed { form: None, kind: "带头服务群众".into(), text: String::new(), date: meeting })
        .collect();
    let mobile = rng.gen_bool(0.05);
    let last_report = (mobile && rng.gen_bool(0.9)).then(|| meeting - chrono::Duration::days(rng.gen_range(0..150)));
    // Away since the last report (or 100 days), silent since.
    let silences = if mobile {
        let from = last_report.unwrap_or(meeting - chrono::Duration::days(100));
        vec![Silence { away: from, last_report, from, to: None }]
    } else {
        Vec::new()
    };
    MemberFacts {
        id: format!("m{i}"),
        name: String::new(),
        identity: "教师".into(),
        role: if rng.gen_bool(0.2) { "committee" } else { "ordinary" }.into(),
        full: rng.gen_bool(0.9),
        mobile,
        last_report,
        life,
        silences,
        findings,
        deeds,
        no_deed_reason: rng.gen_bool(0.1).then(|| "病假".to_string()),
        meeting: match rng.gen_range(0..100) {
            0..=2 => Some("unexcused".into()),
            3..=8 => Some("excused".into()),
            9 => None,
            _ => Some("present".into()),
        },
        presented: rng.gen_bool(0.97),
        presentation: None,
        standings: Vec::new(),
        standing: None,
        commented: true,
    }
}

/// The nine exclusions of `rules/exclusions.shine`, by hand. Bit i = x(i+1).
/// `unexcused` is the interned status, compared by id as any Rust code over these
/// facts would.
fn excluded_by_hand(m: &MemberFacts, meeting: NaiveDate, unexcused: Sym) -> u64 {
    let year_ago = meeting - Months::new(12);
    let mut mask = 0u64;
    for f in &m.findings {
        let b = f.clause.as_bytes();
        if b.len() != 2 || b[0] != b'x' || !(b'1'..=b'7').contains(&b[1]) || f.date > meeting {
            continue;
        }
        let n = u32::from(b[1] - b'1');
        // A finding counts until it is closed (x1–x7 have no look-back window).
        let open = f.closed.is_none_or(|c| c > meeting);
        let fires = open && (n != 2 || f.open || f.until.is_some_and(|u| u > meeting));
        if fires {
            mask |= 1 << n;
        }
    }
    let (mut run, mut best, mut count) = (0, 0, 0);
    for l in &m.life {
        if l.date < meeting && l.date > year_ago {
            if l.status == unexcused {
                run += 1;
                count += 1;
                best = best.max(run);
            } else {
                run = 0;
            }
        }
    }
    let report = m.silences.iter().any(|s| {
        s.from <= meeting && s.to.is_none_or(|t| t > year_ago) && months(s.from.max(year_ago), s.to.unwrap_or(meeting).min(meeting)) >= 3
    });
    if best >= 2 || count >= 3 || report {
        mask |= 1 << 7;
    }
    // x9: not presenting excludes only a member who was not excused (请假).
    let excused = m.meeting.as_ref().is_some_and(|s| s.as_str() == "excused");
    if m.meeting == Some(unexcused) || (m.deeds.is_empty() && m.no_deed_reason.is_none()) || (!m.presented && !excused) {
        mask |= 1 << 8;
    }
    mask
}

fn months(a: NaiveDate, b: NaiveDate) -> i64 {
    use chrono::Datelike;
    let raw = (i64::from(b.year()) - i64::from(a.year())) * 12 + i64::from(b.month()) - i64::from(a.month());
    if raw > 0 && b.day() < a.day() {
        raw - 1
    } else {
        raw
    }
}

fn bench(c: &mut Criterion) {
    let rules = load_rules();
    let names: Vec<&str> = rules.exclusions().iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9"]);
    let meeting_date = date(2026, 9, 30);
    let mut rng = StdRng::seed_from_u64(0x0053_4849_4e45);
    let members: Vec<MemberFacts> = (0..MEMBERS).map(|i| synthetic(&mut rng, meeting_date, i)).collect();
    let branch = BranchFacts { id: "b".into(), name: "bench".into(), members: Vec::new(), sessions: Vec::new() };
    let meeting = MeetingFacts { date: meeting_date, reported: true, reported_on: None, activists: 0, observers: 0, delegate: false, ballots: 1, round: 1, issued: 0, returned: 0, invalid: 0, voters: 0 };
    let quarter = QuarterFacts { id: "2026Q3".into(), start: date(2026, 7, 1), end: meeting_date };
    let scope = Scope { branch: &branch, meeting: &meeting, quarter: &quarter };
    let prepared = rules.prepare(scope);
    let unexcused = Sym::new("unexcused");

    let mut fired = [0usize; 9];
    for (i, m) in members.iter().enumerate() {
        let (a, b) = (prepared.exclusion_mask(m), excluded_by_hand(m, meeting_date, unexcused));
        assert_eq!(a, b, "member {i} disagrees: rules {a:#011b}, by hand {b:#011b}: {m:?}");
        for (k, f) in fired.iter_mut().enumerate() {
            *f += usize::from(a & (1 << k) != 0);
        }
    }
    eprintln!("members excluded per clause (x1..x9): {fired:?}");
    let batch = prepared.exclusion_masks(&members);
    for (i, m) in members.iter().enumerate() {
        assert_eq!(batch[i], excluded_by_hand(m, meeting_date, unexcused), "member {i}: the batch disagrees");
    }
    eprintln!("batch: {} threads", par::threads_for(members.len()));

    let mut g = c.benchmark_group("exclusions");
    g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    g.throughput(Throughput::Elements(MEMBERS as u64));
    g.bench_function("compiled_rules", |b| {
        b.iter(|| {
            let p = rules.prepare(scope);
            let mut acc = 0u64;
            for m in &members {
                acc ^= p.exclusion_mask(black_box(m));
            }
            acc
        })
    });
    g.bench_function("by_hand", |b| {
        b.iter(|| {
            let mut acc = 0u64;
            for m in &members {
                acc ^= excluded_by_hand(black_box(m), black_box(meeting_date), black_box(unexcused));
            }
            acc
        })
    });
    // The same work spread over the machine's cores (`shine_engine::par`): the
    // engine's batch call, and the hand-written function split the same way.
    g.bench_function("compiled_rules_batch", |b| {
        b.iter(|| {
            let p = rules.prepare(scope);
            p.exclusion_masks(black_box(&members)).iter().fold(0, |a, m| a ^ m)
        })
    });
    g.bench_function("by_hand_batch", |b| {
        b.iter(|| {
            let masks = par::map(black_box(&members), |m| excluded_by_hand(black_box(m), black_box(meeting_date), black_box(unexcused)));
            masks.iter().fold(0, |a, m| a ^ m)
        })
    });
    g.bench_function("compiled_is_excluded", |b| {
        b.iter(|| {
            let p = rules.prepare(scope);
            members.iter().filter(|m| p.is_excluded(black_box(m))).count()
        })
    });
    g.finish();

    // The same work on 10 000 members that stay in cache, a hundred times over: the
    // CPU cost per member without the memory traffic of a million members.
    let hot = &members[..10_000];
    let mut g = c.benchmark_group("exclusions_in_cache");
    g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    g.throughput(Throughput::Elements(MEMBERS as u64));
    g.bench_function("compiled_rules", |b| {
        b.iter(|| {
            let p = rules.prepare(scope);
            let mut acc = 0u64;
            for _ in 0..100 {
                for m in hot {
                    acc ^= p.exclusion_mask(black_box(m));
                }
            }
            acc
        })
    });
    g.bench_function("by_hand", |b| {
        b.iter(|| {
            let mut acc = 0u64;
            for _ in 0..100 {
                for m in hot {
                    acc ^= excluded_by_hand(black_box(m), black_box(meeting_date), black_box(unexcused));
                }
            }
            acc
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
