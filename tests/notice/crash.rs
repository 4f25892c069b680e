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
use std::ffi::OsStr;
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
    /// As `Voting`, with the round's voting codes issued (one kept in `code.txt`).
    Codes,
    /// A provincial store (empty) that pulls from a university's `shine serve`.
    Province,
}

/// One command under test: its name, where it starts, its arguments (`{url}` and
/// `{url}` filled in for the pull, whose token comes from `SHINE_TOKEN`; `{file}` the roster written beside the store),
/// and whether running it again once it has taken effect leaves the store as it is
/// (every command here does: `advance` names the state it leaves, a repeated import,
/// count or pull with nothing new writes nothing). A line marked otherwise is re-run
/// only from the state before.
struct Line {
    name: &'static str,
    stage: Stage,
    args: &'static [&'static str],
    repeat_safe: bool,
}

/// The commands, one line each. The pull takes every record in one
/// page: a pull of several pages saves each page as it comes (by design, so that it
/// resumes), and a crash between pages leaves the pages before it.
const LINES: &[Line] = &[
    Line { name: "first command on a new store", stage: Stage::Nothing, args: &["org", "add", "--id", "c", "--name", "测试大学党委", "--kind", "committee"], repeat_safe: true },
    Line { name: "status (read-only)", stage: Stage::Voting, args: &["status", "--branch", "b1"], repeat_safe: true },
    Line { name: "roster import", stage: Stage::Tree, args: &["roster", "import", "--branch", "b1", "{file}"], repeat_safe: true },
    Line { name: "ballot vote", stage: Stage::Codes, args: &["ballot", "vote", "--branch", "b1", "--code", "{code}", "m02", "m03"], repeat_safe: true },
    Line { name: "ballot totals", stage: Stage::Voting, args: &["ballot", "totals", "--branch", "b1", "--ballots", "20", "--votes", "m01=9", "--votes", "m02=8", "--votes", "m03=7"], repeat_safe: true },
    Line { name: "advance (the tally)", stage: Stage::Totals, args: &["advance", "--branch", "b1", "--from", "voting"], repeat_safe: true },
    Line { name: "pull over HTTP", stage: Stage::Province, args: &["pull", "--from", "{url}", "--quarter", QUARTER, "--page-size", "50"], repeat_safe: true },
    Line { name: "ballot codes", stage: Stage::Voting, args: &["ballot", "codes", "--branch", "b1"], repeat_safe: true },
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
/// The serving side of a pull: the server (first, so that it stops before its store's
/// world is checked), that world, and the token it issued.
type Remote = (Server, Shine, String);

fn prepare(stage: Stage) -> (Shine, Option<Remote>) {
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
        Stage::Voting | Stage::Totals | Stage::Codes => {
            s.branch("b1", &roster);
            s.open("b1");
            s.all_to_voting("b1", &roster);
            if stage == Stage::Totals {
                s.args(LINES[4].args.iter().copied()).ok();
            }
            if stage == Stage::Codes {
                s.write("code.txt", &s.next_code("b1"));
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
            remote = Some((server, u, token)); // the server first: it stops before its store's world is checked
        }
    }
    s.write("roster.csv", &roster_csv(&roster));
    if s.store_dir().exists() {
        copy_tree(&s.store_dir(), &s.dir().join("before"));
    }
    (s, remote)
}

/// The command of `line` on the world's store, the shim loaded as `faults` says.
fn run(s: &Shine, line: &Line, remote: &Option<Remote>, faults: &[(&str, String)]) -> std::process::Output {
    let (url, token) = remote.as_ref().map(|(server, _, token)| (server.url.clone(), token.clone())).unwrap_or_default();
    let file = s.dir().join("roster.csv").display().to_string();
    let code = std::fs::read_to_string(s.dir().join("code.txt")).unwrap_or_default();
    let args = line.args.iter().map(|a| a.replace("{url}", &url).replace("{file}", &file).replace("{code}", &code));
    let mut c = s.command_at(if line.stage == Stage::Province { LATER } else { crate::support::NOW });
    c.args(args);
    if !token.is_empty() {
        c.env("SHINE_TOKEN", &token); // as a puller keeps it: never on the command line
    }
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
    if template.dir().join("code.txt").exists() {
        std::fs::copy(template.dir().join("code.txt"), w.dir().join("code.txt")).unwrap();
    }
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
    /// Points at which some write or rename was not yet durable when killed.
    pending: Vec<usize>,
    /// Trials of those points losing what was not durable.
    lossy: usize,
}

/// Every injection point of one command, both modes, on a few workers, from the
/// prepared world of its stage.
fn crash_every_point(line: &Line, prepared: &(Shine, Option<Remote>)) -> Tally {
    let (s, remote) = (&prepared.0, &prepared.1);
    restore_before(s);
    let before = content(&s.store_dir());
    restore_before(s);
    let counter = s.dir().join("count");
    let clean = run(s, line, remote, &[("SHINE_FAULT_COUNT", counter.display().to_string())]);
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

    // A few more than counted: a background flush may add calls in some runs. Every
    // point is first tried as a plain kill; a point at which nothing was waiting to be
    // made durable (the shim says so) ends the same way when unsynced writes are lost,
    // so only the others are tried again in that mode.
    let plain: Vec<(usize, bool)> = (1..=points + 2).map(|n| (n, false)).collect();
    let first = on_workers(s, line, remote, &plain, &before, &after);
    let lossy: Vec<(usize, bool)> = first.pending.iter().map(|&n| (n, true)).collect();
    let second = on_workers(s, line, remote, &lossy, &before, &after);
    Tally {
        covered: first.covered,
        not_reached: first.not_reached + second.not_reached,
        pending: first.pending,
        lossy: second.covered,
    }
}

/// The trials spread over a few workers, each with a world of its own.
fn on_workers(s: &Shine, line: &Line, remote: &Option<Remote>, trials: &[(usize, bool)], before: &[String], after: &[String]) -> Tally {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 4);
    let tallies: Vec<Tally> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|k| {
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
    let mut all = Tally::default();
    for t in tallies {
        all.covered += t.covered;
        all.not_reached += t.not_reached;
        all.pending.extend(t.pending);
    }
    all.pending.sort_unstable();
    all
}

/// Kill the command before its `n`th call (losing unsynced writes with `loss`), then
/// check the store and run the command again.
#[allow(clippy::too_many_arguments)]
fn trial(w: &Shine, line: &Line, remote: &Option<Remote>, n: usize, loss: bool, before: &[String], after: &[String], tally: &mut Tally) {
    restore_before(w);
    let mut faults = vec![("SHINE_FAULT_AT", n.to_string())];
    if loss {
        faults.push(("SHINE_FAULT_LOSS", "1".into()));
    }
    let crashed = run(w, line, remote, &faults);
    let what = format!("{} killed before call {n}{}", line.name, if loss { " losing unsynced writes" } else { "" });
    match crashed.status.code() {
        Some(76) => tally.pending.push(n),
        Some(77) => {}
        _ => {
            assert!(crashed.status.success(), "{what}: not killed, and failed: {}", String::from_utf8_lossy(&crashed.stderr));
            tally.not_reached += 1;
            return;
        }
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
    let (mut total, mut lossy) = (0, 0);
    // Each stage is prepared once, for every line that starts from it.
    let mut prepared: Vec<(Stage, (Shine, Option<Remote>))> = Vec::new();
    for line in LINES {
        let t = Instant::now();
        if !prepared.iter().any(|(stage, _)| *stage == line.stage) {
            prepared.push((line.stage, prepare(line.stage)));
        }
        let world = &prepared.iter().find(|(stage, _)| *stage == line.stage).unwrap().1;
        let tally = crash_every_point(line, world);
        println!(
            "crash test: {:<30} {:>3} injection points killed at, {:>3} of them again losing unsynced writes ({} past the end of their run) in {:.1} s",
            line.name,
            tally.covered,
            tally.lossy,
            tally.not_reached,
            t.elapsed().as_secs_f64()
        );
        total += tally.covered;
        lossy += tally.lossy;
    }
    println!(
        "crash test: {total} injection points covered in all, {lossy} of them also losing unsynced writes (the others had none to lose): {} trials in {:.1} s",
        total + lossy,
        started.elapsed().as_secs_f64()
    );
}

// ---- the guards one by one, and backups ------------------------------------------------

/// A store with one branch of 20 members and its quarter open.
fn small_store() -> Shine {
    let s = Shine::new();
    s.branch("b1", &members(20));
    s.open("b1");
    s
}

#[test]
fn half_written_snapshot_left_by_a_killed_process_does_not_stop_the_store_opening() {
    // sled 0.34 (bug #1527) takes the last `snap.*` name as the newest snapshot; a
    // killed open leaves `snap.<lsn>.generating` half-written.
    let s = small_store();
    let before = content(&s.store_dir());
    std::fs::write(s.store_dir().join("snap.FFFFFFFFFFFFFFFF.generating"), b"half").unwrap();
    s.args(["status", "--branch", "b1"]).ok();
    s.args(["store", "check"]).ok();
    assert!(!s.store_dir().join("snap.FFFFFFFFFFFFFFFF.generating").exists());
    assert_eq!(content(&s.store_dir()), before);
}

#[test]
fn store_left_half_made_by_a_killed_first_command_is_made_again() {
    // What sled leaves when killed while it writes its `conf`: a directory with a
    // partial `conf` and no data file. And a hidden sibling of a killed creation.
    let s = Shine::new();
    std::fs::create_dir_all(s.store_dir().join("blobs")).unwrap();
    std::fs::write(s.store_dir().join("conf"), b"segment_size: 52428").unwrap();
    let sibling = s.dir().join(".store.new-999999");
    std::fs::create_dir_all(&sibling).unwrap();
    std::fs::write(sibling.join("conf"), b"half").unwrap();
    s.args(["org", "add", "--id", "c", "--name", "测试大学党委", "--kind", "committee"]).ok();
    s.args(["store", "check"]).ok();
    assert!(!sibling.exists(), "the killed creation's directory is swept");
}

#[test]
fn directory_that_is_not_a_store_is_not_taken_over() {
    let s = Shine::new();
    std::fs::create_dir_all(s.store_dir()).unwrap();
    std::fs::write(s.store_dir().join("论文.docx"), b"x").unwrap();
    let e = s.args(["org", "list"]).fails_json();
    assert!(e["message"].as_str().unwrap().contains("不是 shine 存储"), "{e}");
    assert_eq!(std::fs::read_dir(s.store_dir()).unwrap().count(), 1);
}

#[test]
fn damaged_store_is_named_with_the_exact_restore_step() {
    let s = small_store();
    for entry in std::fs::read_dir(s.store_dir()).unwrap().flatten() {
        if entry.file_name().to_string_lossy().starts_with("snap.") {
            std::fs::write(entry.path(), b"not a snapshot at all, damaged on disk").unwrap();
        }
    }
    let run = s.args(["status", "--branch", "b1"]).fails();
    run.stderr_contains("已损坏").stderr_contains("shine store restore --from <备份文件>").stderr_contains("保留这个目录");
}

#[test]
fn store_backup_restores_every_record_and_refuses_damaged_files_and_occupied_stores() {
    let s = small_store();
    let original = content(&s.store_dir());
    let file = s.dir().join("backup.shine-backup");
    let out = s.args([OsStr::new("store"), OsStr::new("backup"), OsStr::new("--out"), file.as_os_str()]).json();
    assert_eq!(out["summary"]["entries"].as_u64(), Some(original.len() as u64), "{out}");

    // Into a new directory: the same content, and it goes on working.
    let target = s.dir().join("restored");
    let restore = |to: &Path, from: &Path, replace: bool| {
        let mut c = Command::new(crate::support::bin());
        c.env_clear().current_dir(s.dir()).arg("--store").arg(to).arg("--rules").arg(s.rules_dir());
        c.args([OsStr::new("--json"), OsStr::new("store"), OsStr::new("restore"), OsStr::new("--from"), from.as_os_str()]);
        if replace {
            c.arg("--replace");
        }
        c.output().unwrap()
    };
    let done = restore(&target, &file, false);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stdout));
    assert_eq!(content(&target), original);

    // Not over an existing store, unless told; then the old one is kept aside.
    let refused = restore(&target, &file, false);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stdout).contains("restore_target_taken"));
    let replaced = restore(&target, &file, true);
    assert!(replaced.status.success(), "{}", String::from_utf8_lossy(&replaced.stdout));
    let v: serde_json::Value = serde_json::from_slice(&replaced.stdout).unwrap();
    let aside = PathBuf::from(v["replaced"].as_str().unwrap());
    assert_eq!(content(&aside), original);

    // A changed byte, a cut file, another file: refused, nothing created.
    let bytes = std::fs::read(&file).unwrap();
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 1;
    for (name, damaged, said) in [
        ("flipped", flipped, "校验和不符"),
        ("cut", bytes[..bytes.len() - 40].to_vec(), "不完整"),
        ("other", b"PK\x03\x04 a zip file".to_vec(), "不是 shine 存储备份文件"),
    ] {
        let bad = s.write(name, "");
        std::fs::write(&bad, damaged).unwrap();
        let to = s.dir().join(format!("never-{name}"));
        let out = restore(&to, &bad, false);
        assert!(!out.status.success(), "{name}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v["error"]["message"].as_str().unwrap().contains(said), "{name}: {v}");
        assert!(!to.exists(), "{name}: a store was created");
    }
}

#[test]
fn demo_killed_while_replacing_its_directory_is_accepted_by_the_next_demo() {
    let s = Shine::new();
    let dir = s.dir().join("demo");
    let demo = || s.command().args([OsStr::new("demo"), OsStr::new("--dir"), dir.as_os_str()]).output().unwrap();
    assert!(demo().status.success());
    // Killed between renaming the old demo aside and renaming the new one in: the old
    // one hidden, half deleted; the new one hidden, unfinished.
    let aside = s.dir().join(".demo.old-999999");
    std::fs::rename(&dir, &aside).unwrap();
    std::fs::remove_file(aside.join(".shine-demo")).unwrap();
    std::fs::create_dir_all(s.dir().join(".demo.demo-999998")).unwrap();
    let again = demo();
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert!(!aside.exists() && !s.dir().join(".demo.demo-999998").exists());
    // And killed while deleting the old one (its marker already gone): the next demo replaces it.
    std::fs::remove_file(dir.join(".shine-demo")).unwrap();
    std::fs::rename(&dir, &aside).unwrap();
    assert!(demo().status.success());
    assert!(demo().status.success());
}
