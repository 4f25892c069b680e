//! The test harness: a temp directory with a store and a copy of the default
//! `rules/` that a test may edit, and a builder that runs the real `shine` binary
//! against it with a fixed clock.
//!
//! Setup that is not itself under test (many deeds, comments, attendance at once) may
//! go through the engine library on the same store, so that a whole quarter stays
//! fast; the steps a test is about always go through the binary.
//!
//! Processes a test starts and leaves running ([`Spawned`], [`Served`]) are killed and
//! waited for when their guard drops, even when the test panics; a world checks, as it
//! drops, that no process naming its directory is still alive ([`left_running`]).

#![allow(dead_code)]

use serde_json::Value;
use shine_engine::domain::{Actor, Timestamp};
use shine_engine::facts::Deed;
use shine_engine::ops::quarter::Record;
use shine_engine::ops::{Archive, Definitions};
use shine_engine::rules::SourceFile;
use shine_engine::store::Store;
use std::ffi::{OsStr, OsString};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitStatus, Output, Stdio};

/// The fixed clock of every run.
pub const NOW: &str = "2026-12-10T10:00:00+08:00";
/// The special meeting's date in quarters that report one.
pub const MEETING: &str = "2026-12-01";
/// When the meeting is reported to the superior: before the meeting (§4.2.a).
pub const REPORTED: &str = "2026-11-25T09:00:00+08:00";
pub const QUARTER: &str = "2026Q4";

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_shine")
}

pub fn repo() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// One test's world: a temp directory holding `store/`, `rules/` and, when a test
/// edits it, `workflows/`.
pub struct Shine {
    tmp: tempfile::TempDir,
    workflows: PathBuf,
    /// The voting codes `vote` issued and has not handed out yet, by branch (an entry
    /// stays, empty, once all are handed out, until `advance` closes the voting).
    codes: std::sync::Mutex<std::collections::HashMap<String, Vec<String>>>,
}

impl Default for Shine {
    fn default() -> Self {
        Shine::new()
    }
}

impl Shine {
    /// A fresh store and a copy of the default rules.
    pub fn new() -> Shine {
        let tmp = tempfile::Builder::new().prefix("shine-test").tempdir().expect("temp dir");
        copy_dir(&repo().join("rules"), &tmp.path().join("rules"), "shine");
        Shine { tmp, workflows: repo().join("workflows"), codes: Default::default() }
    }

    /// Edit one rule file; the edit must change it.
    pub fn rules_edit(self, file: &str, edit: impl FnOnce(&str) -> String) -> Shine {
        self.edit_rules(file, edit);
        self
    }

    /// Edit one rule file in place, at any point of a test.
    pub fn edit_rules(&self, file: &str, edit: impl FnOnce(&str) -> String) {
        let path = self.rules_dir().join(file);
        let old = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let new = edit(&old);
        assert_ne!(old, new, "the edit of {file} changed nothing");
        std::fs::write(&path, new).expect("write rule file");
    }

    /// Edit the quarter workflow (first copying `workflows/` into the temp dir).
    pub fn workflow_edit(self, edit: impl FnOnce(&str) -> String) -> Shine {
        self.workflows_edit("quarter.ron", edit)
    }

    /// Edit the escalation chain (first copying `workflows/` into the temp dir).
    pub fn escalation_edit(self, edit: impl FnOnce(&str) -> String) -> Shine {
        self.workflows_edit("escalation.ron", edit)
    }

    fn workflows_edit(mut self, file: &str, edit: impl FnOnce(&str) -> String) -> Shine {
        let dir = self.tmp.path().join("workflows");
        if !dir.exists() {
            copy_dir(&self.workflows, &dir, "ron");
        }
        self.workflows = dir;
        let path = self.workflows.join(file);
        let old = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let new = edit(&old);
        assert_ne!(old, new, "the edit of {file} changed nothing");
        std::fs::write(&path, new).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        self
    }

    pub fn dir(&self) -> &Path {
        self.tmp.path()
    }

    pub fn store_dir(&self) -> PathBuf {
        self.dir().join("store")
    }

    pub fn rules_dir(&self) -> PathBuf {
        self.dir().join("rules")
    }

    /// Write a file into the temp dir and return its path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir().join(name);
        std::fs::write(&path, text).expect("write file");
        path
    }

    /// A `shine` command against this world's store, rules and workflows.
    pub fn args<I, S>(&self, args: I) -> Cmd<'_>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Cmd {
            world: self,
            args: args.into_iter().map(|a| a.as_ref().to_owned()).collect(),
            role: None,
            now: NOW.to_owned(),
        }
    }

    /// The `Command` with the global flags; for tests that spawn and kill.
    pub fn command(&self) -> Command {
        self.command_at(NOW)
    }

    /// [`Shine::command`] at another time.
    pub fn command_at(&self, now: &str) -> Command {
        let mut c = Command::new(bin());
        c.env_clear()
            .env("NO_COLOR", "1")
            .env("COLUMNS", "400")
            .env("USER", "tester")
            .current_dir(self.dir())
            .arg("--store")
            .arg(self.store_dir())
            .arg("--rules")
            .arg(self.rules_dir())
            .arg("--workflows")
            .arg(&self.workflows)
            .arg("--now")
            .arg(now);
        c
    }

    // ---- building a branch --------------------------------------------------------

    /// The committee `c`, the general branch `g` and the branch `branch` under it,
    /// with `members` imported from a CSV roster.
    pub fn branch(&self, branch: &str, members: &[M]) -> &Shine {
        self.args(["org", "add", "--id", "c", "--name", "测试大学党委", "--kind", "committee"]).ok();
        self.args(["org", "add", "--id", "g", "--name", "测试学院党总支", "--kind", "general", "--parent", "c"]).ok();
        let name = format!("测试党支部{branch}");
        self.args(["org", "add", "--id", branch, "--name", &name, "--kind", "branch", "--parent", "g"]).ok();
        let csv = roster_csv(members);
        let file = self.write(&format!("roster-{branch}.csv"), &csv);
        self.args([OsStr::new("roster"), OsStr::new("import"), OsStr::new("--branch"), OsStr::new(branch), file.as_os_str()])
            .ok();
        self
    }

    /// Organizational-life records (member, date, status) through `life import`.
    pub fn life(&self, rows: &[(&str, &str, &str)]) -> &Shine {
        let mut csv = String::from("member,date,status,note\n");
        for (m, d, s) in rows {
            csv.push_str(&format!("{m},{d},{s},\n"));
        }
        let file = self.write("life.csv", &csv);
        self.args([OsStr::new("life"), OsStr::new("import"), file.as_os_str()]).ok();
        self
    }

    pub fn open(&self, branch: &str) -> Value {
        self.args(["quarter", "open", "--branch", branch, "--quarter", QUARTER]).json()
    }

    /// Open the quarter, move past registration and report the meeting for
    /// [`MEETING`]: the quarter then stands at `meeting`.
    pub fn open_with_meeting(&self, branch: &str) -> &Shine {
        self.open(branch);
        self.advance(branch);
        self.args(["meeting", "report", "--branch", branch, "--date", MEETING]).at(REPORTED).ok();
        self.advance(branch);
        self
    }

    /// Take the step leaving the state the branch is in now.
    /// Take the next step; the electronic voting `vote` opened is closed first, as the
    /// secretary does before the tally.
    pub fn advance(&self, branch: &str) -> Value {
        self.close_voting(branch);
        self.advancing(branch).json()
    }

    /// Close the electronic voting of the codes `vote` issued, if any.
    pub fn close_voting(&self, branch: &str) {
        if self.codes.lock().unwrap_or_else(|e| e.into_inner()).remove(branch).is_some() {
            self.args(["ballot", "close", "--branch", branch]).ok();
        }
    }

    /// `advance` naming the state the branch is in now (as the command requires).
    pub fn advancing(&self, branch: &str) -> Cmd<'_> {
        let from = self.state(branch);
        self.args(["advance", "--branch", branch, "--from", &from])
    }

    pub fn state(&self, branch: &str) -> String {
        self.args(["status", "--branch", branch]).json()["state"]["id"].as_str().unwrap_or_default().to_owned()
    }

    pub fn explain(&self, member: &str) -> Value {
        self.args(["explain", member]).json()
    }

    /// The names (rule names, e.g. `x8`) of the exclusions that fire for `member`.
    pub fn exclusions(&self, member: &str) -> Vec<String> {
        excluded_rules(&self.explain(member))
    }

    // ---- the engine on the same store, for fast setup -----------------------------

    /// The engine with the definitions the binary would load from this world.
    pub fn engine(&self) -> shine_engine::ops::Shine {
        let store = Store::open(&self.store_dir()).expect("open store");
        match Archive::new(store).with_definitions(self.definitions()) {
            Ok(shine) => shine,
            Err((_, refusal)) => panic!("definitions check: {refusal:?}"),
        }
    }

    /// The rule files and workflow, named exactly as the binary names them.
    pub fn definitions(&self) -> Definitions {
        let workflows = read_dir(&self.workflows, "ron");
        let named = |name: &str| workflows.iter().find(|f| f.name.ends_with(name)).cloned().unwrap_or_else(|| panic!("{name}"));
        Definitions {
            rules: read_dir(&self.rules_dir(), "shine"),
            workflow: named("quarter.ron"),
            escalation: named("escalation.ron"),
            calendar: named("calendar.ron"),
        }
    }

    /// Records made through the engine as the branch secretary, in one batch.
    pub fn records(&self, branch: &str, records: Vec<Record>) {
        if records.is_empty() {
            return;
        }
        let engine = self.engine();
        engine.record(Some(engine.current()), &secretary(), Some(branch), records).expect("records");
    }

    /// Run a branch's opened quarter up to `voting`: every member registers a deed,
    /// the meeting is reported and held with everyone in `present` present (the
    /// others excused), everyone present presents and is commented on.
    pub fn to_voting(&self, branch: &str, members: &[M], present: &[&str]) {
        self.to_commentary(branch, members, present);
        let v = self.advance(branch);
        assert_eq!(v["to"]["id"], "voting", "{v}");
    }

    /// As [`Shine::to_voting`], but stop in `commentary` with everyone commented on,
    /// before the quorum is checked.
    pub fn to_commentary(&self, branch: &str, members: &[M], present: &[&str]) {
        let deeds = members
            .iter()
            .map(|m| Record::Deed {
                member: m.id.clone(),
                deed: Deed { form: None, kind: "带头服务群众".into(), text: format!("{}的事迹", m.name), date: date("2026-11-02") },
            })
            .collect();
        self.records(branch, deeds);
        self.advance(branch);
        self.args(["meeting", "report", "--branch", branch, "--date", MEETING]).at(REPORTED).ok();
        self.advance(branch);
        let attendance = members
            .iter()
            .map(|m| Record::Attendance {
                member: m.id.clone(),
                status: if present.contains(&m.id.as_str()) { "present" } else { "excused" }.into(),
            })
            .collect();
        self.records(branch, attendance);
        self.advance(branch);
        self.records(branch, present.iter().map(|p| Record::Presentation { member: (*p).into() }).collect());
        self.advance(branch);
        self.records(branch, present.iter().map(|p| Record::Comment { member: (*p).into(), text: "立足岗位，表现突出".into() }).collect());
    }

    /// Everyone in `members` present, through to `voting`.
    pub fn all_to_voting(&self, branch: &str, members: &[M]) {
        let ids: Vec<&str> = members.iter().map(|m| m.id.as_str()).collect();
        self.to_voting(branch, members, &ids);
    }

    /// Cast one electronic ballot through the binary, with the next of the round's
    /// voting codes (issued at the round's first vote, one per voter present).
    pub fn vote(&self, branch: &str, choices: &[&str]) {
        let code = self.next_code(branch);
        let mut args = vec!["ballot", "vote", "--branch", branch, "--code", &code];
        args.extend_from_slice(choices);
        self.args(args).ok();
    }

    /// The next voting code not handed out, issuing the open round's codes first.
    pub fn next_code(&self, branch: &str) -> String {
        let mut stock = self.codes.lock().unwrap_or_else(|e| e.into_inner());
        let codes = stock.entry(branch.to_owned()).or_insert_with(|| {
            let issued = self.args(["ballot", "codes", "--branch", branch]).json();
            let all = issued["codes"].as_array().expect("codes").iter().map(|c| c.as_str().expect("a code").to_owned());
            all.rev().collect()
        });
        codes.pop().unwrap_or_else(|| panic!("every voting code of {branch} is handed out"))
    }
}

/// One invocation of the binary, not yet run.
pub struct Cmd<'a> {
    world: &'a Shine,
    args: Vec<OsString>,
    role: Option<String>,
    now: String,
}

impl Cmd<'_> {
    /// Run at another time than [`NOW`] (RFC 3339, or a date).
    pub fn at(mut self, now: &str) -> Self {
        self.now = now.to_owned();
        self
    }

    /// Act as this workflow role (`--as`).
    pub fn role(mut self, role: &str) -> Self {
        self.role = Some(role.to_owned());
        self
    }

    fn run(&self, json: bool) -> Run {
        let mut c = Command::new(bin());
        c.env_clear()
            .env("NO_COLOR", "1")
            .env("COLUMNS", "400")
            .env("USER", "tester")
            .current_dir(self.world.dir())
            .arg("--store")
            .arg(self.world.store_dir())
            .arg("--rules")
            .arg(self.world.rules_dir())
            .arg("--workflows")
            .arg(&self.world.workflows)
            .arg("--now")
            .arg(&self.now);
        if let Some(r) = &self.role {
            c.arg("--as").arg(r);
        }
        if json {
            c.arg("--json");
        }
        c.args(&self.args);
        let out = c.output().expect("run shine");
        Run::new(&self.args, out)
    }

    /// Run; it must succeed. Returns stdout.
    pub fn ok(self) -> String {
        let run = self.run(false);
        run.assert_success();
        run.stdout
    }

    /// Run with `--json`; it must succeed and print only JSON.
    pub fn json(self) -> Value {
        let run = self.run(true);
        run.assert_success();
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("`{}`: stdout is not JSON ({e}):\n{}", run.shown, run.stdout))
    }

    /// Run; it must fail (non-zero exit).
    pub fn fails(self) -> Run {
        let run = self.run(false);
        assert!(!run.success, "`{}` succeeded, expected a failure\nstdout:\n{}", run.shown, run.stdout);
        run
    }

    /// Run with `--json`; it must fail and print `{"error": …}` on stdout. Returns the error.
    pub fn fails_json(self) -> Value {
        let run = self.run(true);
        assert!(!run.success, "`{}` succeeded, expected a failure\nstdout:\n{}", run.shown, run.stdout);
        let v: Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("`{}`: stdout is not JSON ({e}):\n{}\nstderr:\n{}", run.shown, run.stdout, run.stderr));
        assert!(v.get("error").is_some(), "`{}`: no `error` in {v}", run.shown);
        v["error"].clone()
    }

    /// Run, whatever the outcome.
    pub fn output(self) -> Run {
        self.run(false)
    }
}

/// A finished invocation.
#[derive(Debug)]
pub struct Run {
    pub shown: String,
    pub success: bool,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn new(args: &[OsString], out: Output) -> Run {
        Run {
            shown: format!("shine {}", args.iter().map(|a| a.to_string_lossy()).collect::<Vec<_>>().join(" ")),
            success: out.status.success(),
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn assert_success(&self) {
        assert!(self.success, "`{}` failed ({:?})\nstdout:\n{}\nstderr:\n{}", self.shown, self.code, self.stdout, self.stderr);
    }

    pub fn stderr_contains(&self, needle: &str) -> &Run {
        assert!(self.stderr.contains(needle), "`{}`: stderr lacks {needle:?}:\n{}", self.shown, self.stderr);
        self
    }

    pub fn stdout_contains(&self, needle: &str) -> &Run {
        assert!(self.stdout.contains(needle), "`{}`: stdout lacks {needle:?}:\n{}", self.shown, self.stdout);
        self
    }
}

// ---- processes a test leaves running --------------------------------------------

/// A child process that is killed (SIGKILL) and waited for when dropped: a test that
/// panics, or forgets it, leaves nothing running.
#[derive(Debug)]
pub struct Spawned {
    child: Child,
    done: Option<ExitStatus>,
}

impl Spawned {
    /// Spawn `command`, guarded from the start.
    pub fn new(command: &mut Command) -> Spawned {
        let child = command.spawn().unwrap_or_else(|e| panic!("spawn {:?}: {e}", command.get_program()));
        Spawned { child, done: None }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The child, e.g. to take its stdout.
    pub fn child(&mut self) -> &mut Child {
        &mut self.child
    }

    /// Wait for it to end by itself (or by a signal a test sent).
    pub fn wait(&mut self) -> ExitStatus {
        if let Some(status) = self.done {
            return status;
        }
        let status = self.child.wait().expect("wait for the child");
        self.done = Some(status);
        status
    }

    /// Kill it (SIGKILL) and wait; nothing happens if it has already ended.
    pub fn kill(&mut self) {
        if self.done.is_none() {
            let _ = self.child.kill();
            let _ = self.wait_quietly();
        }
    }

    fn wait_quietly(&mut self) -> Option<ExitStatus> {
        let status = self.child.wait().ok()?;
        self.done = Some(status);
        Some(status)
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A running `shine serve` on a world's store, killed and waited for when dropped.
///
/// ```ignore
/// let server = Served::start(&s);                     // --listen 127.0.0.1:0, clock NOW
/// let server = Served::start_with(&s, NOW, &["--tls-cert", cert]); // flags after `serve`
/// let server = Served::from_command(s.command().env("SHINE_TOKEN", t).args([..., "serve", ...]), &log);
/// http(&server.url); server.pid(); server.kill(); server.stop_gracefully();
/// ```
#[derive(Debug)]
pub struct Served {
    /// What the server printed first: `http://127.0.0.1:PORT` (or `https://…`).
    pub url: String,
    process: Spawned,
    /// Kept open: the server writes its last line here when it stops.
    _stdout: BufReader<ChildStdout>,
}

impl Served {
    /// `shine serve --listen 127.0.0.1:0` at [`NOW`], its log in `serve.log` of the world.
    pub fn start(s: &Shine) -> Served {
        Served::start_with(s, NOW, &[])
    }

    /// As [`Served::start`], with the clock at `now` (the public page shows what is
    /// displayed then).
    pub fn start_at(s: &Shine, now: &str) -> Served {
        Served::start_with(s, now, &[])
    }

    /// As [`Served::start_at`], with more flags after `serve` (e.g. `--tls-cert`).
    pub fn start_with(s: &Shine, now: &str, flags: &[&str]) -> Served {
        let mut command = s.command_at(now);
        command.args(["serve", "--listen", "127.0.0.1:0"]).args(flags);
        Served::from_command(&mut command, &s.dir().join("serve.log"))
    }

    /// Any command that serves and prints `shine serve: URL` as its first line; its
    /// stderr goes to `log`.
    pub fn from_command(command: &mut Command, log: &Path) -> Served {
        let file = std::fs::File::create(log).unwrap_or_else(|e| panic!("{}: {e}", log.display()));
        let mut process = Spawned::new(command.stdout(Stdio::piped()).stderr(file));
        let mut stdout = BufReader::new(process.child().stdout.take().expect("stdout"));
        let mut line = String::new();
        // On failure `process` drops here: the server is killed before the panic ends the test.
        let _ = stdout.read_line(&mut line);
        let Some(url) = line.trim().strip_prefix("shine serve: ") else {
            let log = std::fs::read_to_string(log).unwrap_or_default();
            panic!("shine serve did not start: {line:?}\n{log}")
        };
        Served { url: url.to_owned(), process, _stdout: stdout }
    }

    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// Kill it (SIGKILL) and wait.
    pub fn kill(&mut self) {
        self.process.kill();
    }

    /// Stop it as an operator would (SIGTERM) and wait; returns how it ended.
    pub fn stop_gracefully(&mut self) -> ExitStatus {
        signal(self.pid(), "TERM");
        self.process.wait()
    }
}

/// Send a signal (`TERM`, `INT`, `KILL`) to a process, through kill(1): the tests use
/// no `unsafe`.
pub fn signal(pid: u32, name: &str) {
    let status = Command::new("kill").arg(format!("-{name}")).arg(pid.to_string()).status().expect("run kill");
    assert!(status.success(), "kill -{name} {pid} failed");
}

/// Live processes (pid and command line) that name `dir` or a path under it in their
/// arguments: what a test that used `dir` left running. Zombies have no command line
/// and are not listed.
pub fn left_running(dir: &Path) -> Vec<(u32, String)> {
    let dir = dir.to_string_lossy().into_owned();
    let under = format!("{dir}/");
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else { return found };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        if pid == std::process::id() {
            continue;
        }
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else { continue };
        let args: Vec<String> = cmdline.split(|b| *b == 0).map(|a| String::from_utf8_lossy(a).into_owned()).collect();
        if args.iter().any(|a| a.contains(&under) || a.ends_with(&dir)) {
            found.push((pid, args.join(" ").trim_end().to_owned()));
        }
    }
    found
}

/// Kill (SIGKILL) what [`left_running`] finds under `dir`; returns what was found.
pub fn kill_left_running(dir: &Path) -> Vec<(u32, String)> {
    let found = left_running(dir);
    for (pid, _) in &found {
        let _ = Command::new("kill").arg("-KILL").arg(pid.to_string()).status();
    }
    found
}

impl Drop for Shine {
    /// The last check of every test: nothing it started still runs on its directory.
    /// Leftovers are killed; the test fails unless it is already failing.
    fn drop(&mut self) {
        let left = kill_left_running(self.dir());
        if left.is_empty() {
            return;
        }
        let list: Vec<String> = left.iter().map(|(pid, cmd)| format!("  {pid}: {cmd}")).collect();
        let message = format!("the test left processes running on {} (now killed):\n{}", self.dir().display(), list.join("\n"));
        if std::thread::panicking() {
            eprintln!("{message}");
        } else {
            panic!("{message}");
        }
    }
}

// ---- members ----------------------------------------------------------------------

/// A roster row.
#[derive(Debug, Clone)]
pub struct M {
    pub id: String,
    pub name: String,
    pub identity: String,
    pub role: String,
    pub full: bool,
    pub mobile: bool,
    pub last_report: Option<String>,
}

/// An ordinary full member, a teacher, named after the id.
pub fn m(id: &str) -> M {
    M {
        id: id.to_owned(),
        name: format!("党员{id}"),
        identity: "教师".into(),
        role: "ordinary".into(),
        full: true,
        mobile: false,
        last_report: None,
    }
}

/// `n` ordinary members `m01`, `m02`, ….
pub fn members(n: usize) -> Vec<M> {
    (1..=n).map(|i| m(&format!("m{i:02}"))).collect()
}

impl M {
    pub fn name(mut self, name: &str) -> M {
        self.name = name.to_owned();
        self
    }
    pub fn role(mut self, role: &str) -> M {
        self.role = role.to_owned();
        self
    }
    pub fn identity(mut self, identity: &str) -> M {
        self.identity = identity.to_owned();
        self
    }
    pub fn probationary(mut self) -> M {
        self.full = false;
        self
    }
    /// A mobile member who last reported on `last` (or never).
    pub fn mobile(mut self, last: Option<&str>) -> M {
        self.mobile = true;
        self.last_report = last.map(str::to_owned);
        self
    }
}

pub fn roster_csv(members: &[M]) -> String {
    let mut csv = String::from("姓名,党员编号,身份,职务,类别,流动党员,最近报到\n");
    for m in members {
        csv.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            m.name,
            m.id,
            m.identity,
            m.role,
            if m.full { "正式" } else { "预备" },
            if m.mobile { "是" } else { "否" },
            m.last_report.as_deref().unwrap_or("")
        ));
    }
    csv
}

// ---- reading results ----------------------------------------------------------------

/// Rule names in `judgement.excluded` of an `explain --json`, each checked to cite
/// its clause `§3.4.<name>` and to carry witnesses.
pub fn excluded_rules(explanation: &Value) -> Vec<String> {
    let list = explanation["judgement"]["excluded"].as_array().unwrap_or_else(|| panic!("no judgement.excluded in {explanation}"));
    list.iter()
        .map(|d| {
            let name = d["rule"]["name"].as_str().unwrap_or_default().to_owned();
            assert_eq!(d["rule"]["clause"], format!("§3.4.{name}"), "clause of {name}");
            assert_eq!(d["value"], true);
            assert!(d["witnesses"].as_array().is_some_and(|w| !w.is_empty()), "{name} has no witnesses: {d}");
            name
        })
        .collect()
}

/// The decision of rule `name` among an explanation's exclusions.
pub fn exclusion<'a>(explanation: &'a Value, name: &str) -> &'a Value {
    explanation["judgement"]["excluded"]
        .as_array()
        .and_then(|l| l.iter().find(|d| d["rule"]["name"] == name))
        .unwrap_or_else(|| panic!("{name} did not fire: {}", explanation["judgement"]["excluded"]))
}

/// The value of the witness whose expression starts with `expr`, as plain text (an
/// enum variant by its name) — the value of the expression, not the elements behind
/// an aggregate.
pub fn witness(decision: &Value, expr: &str) -> String {
    decision["witnesses"]
        .as_array()
        .and_then(|ws| ws.iter().find(|w| w["expr"].as_str().is_some_and(|e| e.trim().starts_with(expr)) && w["value"]["type"] != "elements"))
        .map(|w| plain(&w["value"]))
        .unwrap_or_else(|| panic!("no witness `{expr}` in {decision}"))
}

/// A typed value of the engine's JSON (`{"type": "int", "value": 3}`) as plain text.
fn plain(value: &Value) -> String {
    match (value["type"].as_str(), &value["value"]) {
        (Some("enum"), v) => v["name"].as_str().unwrap_or_default().to_owned(),
        (Some("none"), _) => "none".to_owned(),
        (_, Value::String(s)) => s.clone(),
        (_, v) => v.to_string(),
    }
}

/// Member ids of a list of `{id, name}`.
pub fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|l| l.iter().map(|m| m["id"].as_str().unwrap_or_default().to_owned()).collect())
        .unwrap_or_default()
}

pub fn date(s: &str) -> chrono::NaiveDate {
    s.parse().expect("date")
}

pub fn secretary() -> Actor {
    Actor { who: "tester".into(), role: "branch_secretary".into(), at: Timestamp::parse(NOW).expect("NOW is RFC 3339") }
}

// ---- files ------------------------------------------------------------------------

fn copy_dir(from: &Path, to: &Path, ext: &str) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let path = entry.expect("dir entry").path();
        if path.extension().is_some_and(|e| e == ext) {
            std::fs::copy(&path, to.join(path.file_name().expect("file name"))).expect("copy");
        }
    }
}

/// The files of a definitions directory, as the binary reads them (sorted paths).
fn read_dir(dir: &Path, ext: &str) -> Vec<SourceFile> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| SourceFile { name: p.display().to_string(), text: std::fs::read_to_string(&p).expect("read") })
        .collect()
}

// ---- the harness's own process checks ----------------------------------------------

/// A process whose command line names `dir` (bash, not exec'ing its last command).
fn sleeper(dir: &Path) -> Command {
    let mut c = Command::new("bash");
    c.args(["-c", "sleep 30; :"]).arg(dir.join("sleeper"));
    c
}

/// Wait (at most 5 s) until a process naming `dir` is seen: until a child has
/// exec'd, its command line is still the test's own.
fn until_listed(dir: &Path) {
    let started = std::time::Instant::now();
    while left_running(dir).is_empty() && started.elapsed() < std::time::Duration::from_secs(5) {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

#[test]
fn harness_spawned_guard_kills_and_waits_when_dropped() {
    let s = Shine::new();
    let guard = Spawned::new(&mut sleeper(s.dir()));
    let pid = guard.pid();
    until_listed(s.dir());
    // bash itself; for an instant also its fork for `sleep`, until that execs.
    assert!(left_running(s.dir()).iter().any(|(p, _)| *p == pid), "{:?}", left_running(s.dir()));
    drop(guard);
    let dropped = std::time::Instant::now();
    while !left_running(s.dir()).is_empty() && dropped.elapsed() < std::time::Duration::from_secs(2) {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(left_running(s.dir()).is_empty(), "still running after the guard dropped: {:?}", left_running(s.dir()));
}

#[test]
fn harness_world_fails_the_test_that_leaves_a_process_running() {
    let s = Shine::new();
    let dir = s.dir().to_owned();
    let mut forgotten = sleeper(&dir).spawn().expect("spawn");
    until_listed(&dir);
    let dropped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(s)));
    let message = dropped.expect_err("the world's drop let a process run on").downcast::<String>().expect("a message");
    assert!(message.contains("left processes running") && message.contains("sleeper"), "{message}");
    // It was killed (SIGKILL) before the failure was reported.
    let status = forgotten.wait().expect("wait");
    assert!(!status.success(), "{status:?}");
    assert!(left_running(&dir).is_empty());
}

/// The ids of the members a `ballot codes` answer says received a code.
pub fn received(issued: &Value) -> Vec<String> {
    issued["to"].as_array().expect("the members who received codes").iter().filter_map(|m| m["id"].as_str()).map(str::to_owned).collect()
}
