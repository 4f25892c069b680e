//! The crash test, as SQLite does it: a representative set of commands (the first
//! command on a new store, a read-only `status`, a roster import, a ballot, paper
//! totals, the tally, a pull over HTTP) is run once counting every write, sync and
//! rename it makes on its store, then once per such call killed just before it — and
//! again with every write not yet made durable lost (`tests/crash/faults.c`, an
//! `LD_PRELOAD` shim this test compiles with `cc`). After each crash the store opens
//! and `shine store check` passes, the store holds what it held before the command or
//! what an uninterrupted run leaves (its [`Store::content`]), and running the command
//! again reaches that same state.

// A test that meets an unexpected shape should stop right there, with the value shown.
#![allow(clippy::unwrap_used)]

use crate::chain::{chain, up_to_the_organization_department_of, AFTER_WINDOW, LATER};
use crate::support::{members, repo, roster_csv, Shine, QUARTER};
use shine_engine::store::Store;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Instant;

/// Where a command starts from: a store prepared once, copied for every trial.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Stage {
    /// No store at all.
    Nothing,
    /// The organization tree `c` → `g` → `b1`, no roster.
    Tree,
    /// `b1` with 20 members, its quarter at `voting`.
    Voting,
    /// As `Voting`, with the paper totals entered: the next `advance` counts.
    Totals,
    /// A provincial store (empty) that pulls from a university's `shine serve`.
    Province,
}

/// One command under test: its name, where it starts, its arguments (`{url}` and
/// `{token}` filled in for the pull), and whether running it again once it has
/// taken effect leaves the store as it is (today's `advance` takes one more step;
/// `{file}` is the roster written beside the store).
struct Line {
    name: &'static str,
    stage: Stage,
    args: &'static [&'static str],
    repeat_safe: bool,
}

/// The commands, one line each (today's syntax).
const LINES: &[Line] = &[
    Line { name: "first command on a new store", stage: Stage::Nothing, args: &["org", "add", "--id", "c", "--name", "测试大学党委", "--kind", "committee"], repeat_safe: true },
    Line { name: "status (read-only)", stage: Stage::Voting, args: &["status", "--branch", "b1"], repeat_safe: true },
    Line { name: "roster import", stage: Stage::Tree, args: &["roster", "import", "--branch", "b1", "{file}"], repeat_safe: true },
    Line { name: "ballot cast", stage: Stage::Voting, args: &["ballot", "cast", "--member", "m01", "m02", "m03"], repeat_safe: true },
    Line { name: "ballot totals", stage: Stage::Voting, args: &["ballot", "totals", "--branch", "b1", "--ballots", "20", "--votes", "m01=9", "--votes", "m02=8", "--votes", "m03=7"], repeat_safe: true },
    Line { name: "advance (the tally)", stage: Stage::Totals, args: &["advance", "--branch", "b1"], repeat_safe: false },
    Line { name: "pull over HTTP", stage: Stage::Province, args: &["pull", "--from", "{url}", "--token", "{token}", "--quarter", QUARTER, "--page-size", "1"], repeat_safe: true },
];

/// The shim, compiled once per test run.
fn shim() -> &'static Path {
    static SO: OnceLock<PathBuf> = OnceLock::new();
    SO.get_or_init(|| {
        let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("shine-faults-{}.so", std::process::id()));
        let status = Command::new("cc")
            .args(["-shared", "-fPIC", "-O1", "-o"])
            .arg(&out)
            .arg(repo().join("tests/crash/faults.c"))
            .args(["-ldl", "-lpthread"])
            .status()
            .expect("run cc (a C compiler is needed for the crash test)");
        assert!(status.success(), "cc failed on tests/crash/faults.c");
        out
    })
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// What the store at `dir` holds; an absent store holds nothing.
fn content(dir: &Path) -> Vec<String> {
    if !dir.exists() {
        return Vec::new();
    }
    let store = Store::open(dir).unwrap_or_else(|e| panic!("the store at {} does not open: {e:?}", dir.display()));
    store.content().unwrap()
}

/// A `shine serve` on another store, stopped when dropped.
struct Server {
    child: std::process::Child,
    url: String,
    _stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(s: &Shine) -> Server {
    let mut child = s
        .command_at(LATER)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("shine serve: ").unwrap_or_else(|| panic!("shine serve did not start: {line:?}")).to_owned();
    Server { child, url, _stdout: stdout }
}

/// A world at `stage`, the store saved beside it as `before/`; for the pull also the
/// university's server and a token it issued to the province.
fn prepare(stage: Stage) -> (Shine, Option<(Shine, Server, String)>) {
    let s = Shine::new();
    let roster = members(20);
    let mut remote = None;
    match stage {
        Stage::Nothing => {}
        Stage::Tree => {
            s.args(["org", "add", "--id", "c", "--name", "测试大学党委", "--kind", "committee"]).ok();
            s.args(["org", "add", "--id", "g", "--name", "测试学院党总支", "--kind", "general", "--parent", "c"]).ok();
            s.args(["org", "add", "--id", "b1", "--name", "测试党支部b1", "--kind", "branch", "--parent", "g"]).ok();
        }
        Stage::Voting | Stage::Totals => {
            s.branch("b1", &roster);
            s.open("b1");
            s.all_to_voting("b1", &roster);
            if stage == Stage::Totals {
                s.args(LINES[4].args.iter().copied()).ok();
            }
        }
        Stage::Province => {
            let u = Shine::new();
            up_to_the_organization_department_of(&u, "示范大学党委");
            u.args(["pull", "--quarter", QUARTER]).at(AFTER_WINDOW).ok();
            chain(&u, &["file"]).at(AFTER_WINDOW).ok();
            for star in ["龘𠀀", "欧阳明", "许诺"] {
                chain(&u, &["pick", "--member", star, "--reason", "择优推荐"]).at(AFTER_WINDOW).ok();
            }
            chain(&u, &["publish"]).at(AFTER_WINDOW).ok();
            chain(&u, &["forward"]).at(LATER).ok();
            let v = u.args(["token", "create", "--unit", "provincial_education_committee", "--label", "测试"]).json();
            let token = v["token"].as_str().unwrap().to_owned();
            let server = serve(&u);
            drop(Store::open(&s.store_dir()).unwrap());
            remote = Some((u, server, token));
        }
    }
    s.write("roster.csv", &roster_csv(&roster));
    if s.store_dir().exists() {
        copy_tree(&s.store_dir(), &s.dir().join("before"));
    }
    (s, remote)
}

/// The command of `line` on the world's store, the shim loaded as `faults` says.
fn run(s: &Shine, line: &Line, remote: &Option<(Shine, Server, String)>, faults: &[(&str, String)]) -> std::process::Output {
    let (url, token) = remote.as_ref().map(|(_, server, token)| (server.url.clone(), token.clone())).unwrap_or_default();
    let file = s.dir().join("roster.csv").display().to_string();
    let args = line.args.iter().map(|a| a.replace("{url}", &url).replace("{token}", &token).replace("{file}", &file));
    let mut c = s.command_at(if line.stage == Stage::Province { LATER } else { crate::support::NOW });
    c.args(args);
    if !faults.is_empty() {
        c.env("LD_PRELOAD", shim()).env("SHINE_FAULT_ROOT", s.dir());
        for (k, v) in faults {
            c.env(k, v);
        }
    }
    c.output().unwrap()
}

fn restore_before(s: &Shine) {
    let store = s.store_dir();
    if store.exists() {
        std::fs::remove_dir_all(&store).unwrap();
    }
    // What a killed creation leaves beside the store goes too: each trial starts clean.
    for entry in std::fs::read_dir(s.dir()).unwrap().flatten() {
        if entry.file_name().to_string_lossy().starts_with(".store.") {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    let before = s.dir().join("before");
    if before.exists() {
        copy_tree(&before, &store);
    }
}

/// A world of its own for one worker, holding a copy of `template`'s `before/` and roster.
fn worker_world(template: &Shine) -> Shine {
    let w = Shine::new();
    let before = template.dir().join("before");
    if before.exists() {
        copy_tree(&before, &w.dir().join("before"));
    }
    std::fs::copy(template.dir().join("roster.csv"), w.dir().join("roster.csv")).unwrap();
    w
}

/// What the store holds after a crash, having checked that it opens and that every
/// record reads back (the engine's half of `shine store check`).
fn reopened(dir: &Path, what: &str) -> Vec<String> {
    if !dir.exists() {
        return Vec::new();
    }
    let store = Store::open(dir).unwrap_or_else(|e| panic!("{what}: the store does not open: {e:?}"));
    let log = store.check_log().unwrap();
    assert!(log.unreadable.is_empty() && log.unknown_scopes.is_empty(), "{what}: records do not read back: {log:?}");
    store.content().unwrap()
}

/// The outcome of the trials of one command.
#[derive(Default)]
struct Tally {
    /// Trials in which the process was killed at the chosen call.
    covered: usize,
    /// Trials whose call number was past the end of that particular run.
    not_reached: usize,
}

/// Every injection point of one command, both modes, on two workers.
fn crash_every_point(line: &Line) -> Tally {
    let (template, remote) = prepare(line.stage);
    let s = &template;
    let before = content(&s.store_dir());
    restore_before(s);
    let counter = s.dir().join("count");
    let clean = run(s, line, &remote, &[("SHINE_FAULT_COUNT", counter.display().to_string())]);
    assert!(clean.status.success(), "{}: the uninterrupted run fails: {}", line.name, String::from_utf8_lossy(&clean.stderr));
    let points: usize = std::fs::read_to_string(&counter).unwrap().trim().parse().unwrap();
    assert!(points > 0, "{}: no write, sync or rename counted", line.name);
    // The uninterrupted end state passes the whole `shine store check` (folds included);
    // every crash below must leave exactly it or the state before, which passed too.
    let check = s.command().args(["store", "check"]).output().unwrap();
    assert!(check.status.success(), "{}: `store check` after the uninterrupted run: {}", line.name, String::from_utf8_lossy(&check.stderr));
    let after = content(&s.store_dir());
    if line.name.starts_with("status") {
        assert_eq!(before, after, "status changed the store");
    } else {
        assert_ne!(before, after, "{}: the command changed nothing", line.name);
    }

    // A few more than counted: a background flush may add calls in some runs.
    let trials: Vec<(usize, bool)> = [false, true].into_iter().flat_map(|loss| (1..=points + 2).map(move |n| (n, loss))).collect();
    let workers = 2;
    let tallies: Vec<Tally> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|k| {
                let (trials, before, after, remote) = (&trials, &before, &after, &remote);
                let w = worker_world(s);
                scope.spawn(move || {
                    let mut tally = Tally::default();
                    for &(n, loss) in trials.iter().skip(k).step_by(workers) {
                        trial(&w, line, remote, n, loss, before, after, &mut tally);
                    }
                    tally
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    Tally { covered: tallies.iter().map(|t| t.covered).sum(), not_reached: tallies.iter().map(|t| t.not_reached).sum() }
}

/// Kill the command before its `n`th call (losing unsynced writes with `loss`), then
/// check the store and run the command again.
#[allow(clippy::too_many_arguments)]
fn trial(w: &Shine, line: &Line, remote: &Option<(Shine, Server, String)>, n: usize, loss: bool, before: &[String], after: &[String], tally: &mut Tally) {
    restore_before(w);
    let mut faults = vec![("SHINE_FAULT_AT", n.to_string())];
    if loss {
        faults.push(("SHINE_FAULT_LOSS", "1".into()));
    }
    let crashed = run(w, line, remote, &faults);
    let what = format!("{} killed before call {n}{}", line.name, if loss { " losing unsynced writes" } else { "" });
    if crashed.status.code() != Some(77) {
        assert!(crashed.status.success(), "{what}: not killed, and failed: {}", String::from_utf8_lossy(&crashed.stderr));
        tally.not_reached += 1;
        return;
    }
    tally.covered += 1;
    let now = reopened(&w.store_dir(), &what);
    assert!(now == before || now == after, "{what}: half-applied:\n{}", diff(before, after, &now));
    if now == after && !line.repeat_safe {
        return;
    }
    let again = run(w, line, remote, &[]);
    assert!(again.status.success() || now == after, "{what}: running it again fails: {}", String::from_utf8_lossy(&again.stderr));
    let end = content(&w.store_dir());
    assert!(end == after, "{what}: running it again does not reach the uninterrupted state:\n{}", diff(before, after, &end));
}

/// The lines of `now` that are in neither `before` nor `after`, and those missing.
fn diff(before: &[String], after: &[String], now: &[String]) -> String {
    let extra: Vec<&String> = now.iter().filter(|l| !after.contains(l) && !before.contains(l)).collect();
    let missing: Vec<&String> = after.iter().filter(|l| !now.contains(l)).collect();
    format!("unexpected: {extra:#?}\nmissing (of the uninterrupted run): {missing:#?}")
}

#[test]
fn crash_at_every_write_sync_and_rename_leaves_an_openable_store_and_nothing_half_applied() {
    let started = Instant::now();
    let mut total = 0;
    for line in LINES {
        let t = Instant::now();
        let tally = crash_every_point(line);
        println!(
            "crash test: {:<30} {:>4} injection points covered ({} past the end of their run) in {:.1} s",
            line.name,
            tally.covered,
            tally.not_reached,
            t.elapsed().as_secs_f64()
        );
        total += tally.covered;
    }
    println!("crash test: {total} injection points covered in all ({:.1} s)", started.elapsed().as_secs_f64());
}
