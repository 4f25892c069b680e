//! A bounded fuzz run on stable, in the normal test suite: for each target of
//! `fuzz/targets.rs` (rules, workflow, both together), the shipped files as the
//! corpus, the regression inputs of `fuzz/regressions/`, and a few thousand
//! deterministic mutations of them (bit flips, splices of rule files, deep nesting,
//! long lines, invalid UTF-8, NUL, CRLF, byte-order marks, huge numbers, long names).
//!
//! Each batch runs in a child process (this test binary again, running the ignored
//! test `batch`) on a thread with a 2 MiB stack, the smallest any command runs the
//! definitions on, so that a stack overflow, which aborts the process, is caught as
//! well as a panic: the parent names the input that did it and saves it under
//! `target/tmp/`. The libFuzzer targets (nightly, `cargo +nightly fuzz run rules`)
//! share the bodies run here.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[path = "../../fuzz/targets.rs"]
mod targets;

/// A target's name, its body and how many mutations it runs.
type Target = (&'static str, fn(&[u8]), usize);

/// Each target, and how many mutations it runs: loading a whole rule set takes about
/// 10 ms of CPU in a debug build, a workflow file against a loaded one about 3 ms.
const TARGETS: [Target; 3] =
    [("rules", targets::rules, 600), ("workflow", targets::workflow, 3000), ("definitions", targets::definitions, 500)];

/// A small deterministic generator (xorshift64*), so that every run tries the same
/// inputs and a failure is reproduced by running the test again.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Tokens of both languages and bytes that broke parsers before.
const DICTIONARY: &[&[u8]] = &[
    b"(", b")", b"[", b"]", b"{", b"}", b"not ", b" and ", b" or ", b"-", b"+", b"*", b"/", b"==", b"<=", b"\"", b"\\",
    b"//", b"\n", b"\r\n", b"\r", b"\t", b"\0", b",", b":", b".", b"%", b" in ", b" is none", b" where ", b" when ",
    b"\xc2\xa7", b"\xc2\xa73.4.x9", b"\xef\xbb\xbf", b"\xe3\x80\x80", b"\xf0\xa0\xae\xb7", b"\xe2\x80\xae", b"\xff",
    b"\xd6\xd0", b"\xe4\xb8", b"99999999999999999999", b"9223372036854775807", b"-9223372036854775808",
    b"0.00001", b"2026-02-30", b"12 months", b"15%", b"count(m in branch.members: m.full)", b"member.full",
    b"branch.member_count", b"quota", b"exclude x99 \xc2\xa71 \"t\" when ", b"guard g \xc2\xa71 \"t\" when ",
    b"pick p by branch \xc2\xa71 \"t\" exactly 1", b"publicity w \xc2\xa71 \"t\" 5 working days", b"enum e { a, b }",
    b"record r { f: int }", b"facts member { x: int? }", b"tie \xc2\xa71 \"t\" runoff", b"Workflow(", b"Escalation(",
    b"Step(", b"Level(", b"Some(", b"None", b"id: \"", b"roles: [", b"r#\"", b"0x", b"1e999", b"true", b"false",
];

/// One input changed in one to four ways; `seeds` lends splices.
fn mutate(rng: &mut Rng, input: &[u8], seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(14) {
            0 => {
                if !out.is_empty() {
                    let i = rng.below(out.len());
                    out[i] ^= 1 << rng.below(8);
                }
            }
            1 => {
                if !out.is_empty() {
                    let i = rng.below(out.len());
                    out[i] = [0, 0xff, 0x80, 0xc0, b'(', b')', b'"', b'\n', b'\r', b'[', b'-', b'/'][rng.below(12)];
                }
            }
            2 | 3 => {
                let token = DICTIONARY[rng.below(DICTIONARY.len())];
                out.splice(at..at, token.iter().copied());
            }
            4 => {
                let end = (at + rng.below(64)).min(out.len());
                out.drain(at..end);
            }
            5 => {
                let end = (at + rng.below(256)).min(out.len());
                let copy = out[at..end].to_vec();
                let to = rng.below(out.len() + 1);
                out.splice(to..to, copy);
            }
            6 => {
                let seed = &seeds[rng.below(seeds.len())];
                let from = rng.below(seed.len() + 1);
                let end = (from + rng.below(512)).min(seed.len());
                out.splice(at..at, seed[from..end].iter().copied());
            }
            7 => {
                let unit: &[u8] = [&b"("[..], b"not ", b"-", b"[", b"not (", b"any(m in branch.members: ", b"Some(", b"{"][rng.below(8)];
                let times = [63, 64, 65, 100, 130, 260, 1000, 20_000][rng.below(8)];
                out.splice(at..at, unit.repeat(times));
            }
            8 => {
                let unit: &[u8] = [&b" or member.full"[..], b" + 1", b".x", b" and not x", b", 1"][rng.below(5)];
                out.splice(at..at, unit.repeat([255, 256, 257, 3000][rng.below(4)]));
            }
            9 => {
                let filler: &[u8] = [&b" "[..], b"\n", b"x", b"\xe6\x98\xaf"][rng.below(4)];
                out.splice(at..at, filler.repeat([65_535, 65_536, 70_000][rng.below(3)]));
            }
            10 => {
                out = out.iter().flat_map(|b| if *b == b'\n' { vec![b'\r', b'\n'] } else { vec![*b] }).collect();
            }
            11 => out.splice(0..0, b"\xef\xbb\xbf".iter().copied()).for_each(drop),
            12 => out.truncate(at),
            _ => {
                let bad: &[u8] = [&b"\xff"[..], b"\xe4\xb8", b"\xd6\xd0\xce\xc4", b"\xed\xa0\x80", b"\xc0\xaf", b"\0"][rng.below(6)];
                out.splice(at..at, bad.iter().copied());
            }
        }
        out.truncate(400_000);
    }
    out
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The corpus: each shipped file, as the input of the target that reads it.
fn corpus(target: &str) -> Vec<Vec<u8>> {
    let tagged = |tag: u8, text: &str| [&[tag][..], text.as_bytes()].concat();
    let mut out: Vec<Vec<u8>> = match target {
        "rules" => targets::RULES.iter().enumerate().map(|(i, (_, text))| tagged(i as u8, text)).collect(),
        "workflow" => vec![tagged(0, targets::QUARTER.1), tagged(1, targets::ESCALATION.1)],
        _ => {
            let guards = targets::RULES[3].1;
            let cut = |wf: &str, odd: u8| {
                // The first byte cuts the body where the rule file ends.
                let len = guards.len() + wf.len();
                let pick = ((guards.len() * 255).div_ceil(len.max(1)) as u8) & !1 | odd;
                [&[pick][..], guards.as_bytes(), wf.as_bytes()].concat()
            };
            vec![cut(targets::QUARTER.1, 0), cut(targets::ESCALATION.1, 1)]
        }
    };
    // The regression inputs, found by fuzzing or written by hand.
    let dir = root().join("fuzz/regressions").join(target);
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        out.extend(paths.iter().filter_map(|p| std::fs::read(p).ok()));
    }
    out
}

/// The corpus, then `mutations` mutations of it.
fn inputs(target: &str, salt: u64, mutations: usize) -> Vec<Vec<u8>> {
    let seeds = corpus(target);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ salt);
    let mut out = seeds.clone();
    // The large regression inputs are replayed as they are; mutations start from the
    // small ones, so that the batch stays short.
    let bases: Vec<&Vec<u8>> = seeds.iter().filter(|s| s.len() <= 16 << 10).collect();
    for _ in 0..mutations {
        let base = bases[rng.below(bases.len())].clone();
        out.push(mutate(&mut rng, &base, &seeds));
    }
    out
}

/// The child: runs the batch of the target named in `SHINE_FUZZ_TARGET`, writing the
/// index of each input to `SHINE_FUZZ_PROGRESS` before running it.
#[test]
#[ignore = "run by `definition_files_never_panic` in a child process"]
fn batch() {
    let name = std::env::var("SHINE_FUZZ_TARGET").expect("run by definition_files_never_panic");
    let progress = std::env::var("SHINE_FUZZ_PROGRESS").expect("run by definition_files_never_panic");
    let (salt, (_, run, mutations)) = TARGETS.iter().enumerate().find(|(_, (n, _, _))| *n == name).expect("a target");
    let inputs = inputs(&name, salt as u64, *mutations);
    let run = *run;
    let worker = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let mut log = std::fs::File::create(&progress).expect("progress file");
            for (i, input) in inputs.iter().enumerate() {
                writeln!(log, "{i}").expect("progress written");
                run(input);
            }
            writeln!(log, "done").expect("progress written");
        })
        .expect("thread");
    worker.join().expect("no input panics");
}

#[test]
fn definition_files_never_panic() {
    let exe = std::env::current_exe().expect("this test binary");
    let dir = tempfile::tempdir().expect("temp dir");
    let children: Vec<_> = TARGETS
        .iter()
        .map(|(name, _, mutations)| {
            let progress = dir.path().join(format!("{name}.progress"));
            let child = Command::new(&exe)
                .args(["batch", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
                .env("SHINE_FUZZ_TARGET", name)
                .env("SHINE_FUZZ_PROGRESS", &progress)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn();
            (name, *mutations, progress, child)
        })
        .collect();
    let mut failures = Vec::new();
    for (salt, (name, mutations, progress, child)) in children.into_iter().enumerate() {
        let output = child.and_then(|c| c.wait_with_output()).expect("the child runs");
        let log = std::fs::read_to_string(&progress).unwrap_or_default();
        let last = log.lines().last().unwrap_or("");
        if output.status.success() && last == "done" {
            continue;
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let detail = match last.parse::<usize>() {
            Ok(i) => {
                let input = &inputs(name, salt as u64, mutations)[i];
                let saved = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fuzz-{name}-{i}.bin"));
                std::fs::write(&saved, input).expect("input saved");
                format!("input {i} ({} bytes, saved to {}): {:?}…", input.len(), saved.display(), String::from_utf8_lossy(&input[..input.len().min(160)]))
            }
            Err(_) => "before any input".to_owned(),
        };
        failures.push(format!("target `{name}` failed ({}) at {detail}\n{}", output.status, stderr.lines().rev().take(8).collect::<Vec<_>>().join("\n")));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
