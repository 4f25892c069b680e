//! The README's second demo (§4.3.c–d): three university instances and the provincial
//! committee's, each its own `shine` on its own store, over loopback HTTP. The script
//! runs in `--check` mode, writing the province's public page instead of serving it;
//! served and stopped with SIGTERM; and failing half-way. Each way it ends, no
//! process it started is left running.

use crate::support::{bin, kill_left_running, repo, signal, Spawned};
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};

/// A base port with it and the three above it free right now, below the kernel's
/// ephemeral range: ports `bind(…:0)` and outgoing connections take (other tests, other
/// programs) cannot land on them between this check and the script's servers.
fn free_ports() -> u16 {
    let ephemeral = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").unwrap_or_default();
    let low = ephemeral.split_whitespace().next().and_then(|p| p.parse::<u16>().ok()).unwrap_or(32_768);
    let (first, last) = (10_000u16, low.saturating_sub(4).max(10_100));
    // Randomly keyed per process and per call: parallel tests start at different ports.
    let mut seed = RandomState::new().hash_one(std::thread::current().id());
    for _ in 0..200 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let base = first + ((seed >> 33) % u64::from(last - first)) as u16;
        if (0..4).all(|i| TcpListener::bind(("127.0.0.1", base + i)).is_ok()) {
            return base;
        }
    }
    panic!("no four free loopback ports between {first} and {last}");
}

/// The script with its work directory `work` and ports from `base`.
fn demo(work: &Path, base: u16) -> Command {
    let mut c = Command::new("bash");
    c.arg(repo().join("docs/province-demo.sh"))
        .env("SHINE_BIN", bin())
        .env("SHINE_DEMO_DIR", work)
        .env("SHINE_DEMO_PORT", base.to_string());
    c
}

/// Every process the script started names its work directory (`--store …`): none may
/// be alive once the script has ended. Leftovers are killed before the test fails.
fn assert_nothing_left(work: &Path) {
    let left = kill_left_running(work);
    assert!(left.is_empty(), "the province demo left processes running (now killed): {left:?}");
}

#[test]
fn s4_3_c_province_demo_pulls_three_universities_and_displays_them() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let work = tmp.path().join("province-demo");
    let out = demo(&work, free_ports()).arg("--check").output().expect("run the province demo");
    assert_nothing_left(&work);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "province demo failed\nstdout:\n{stdout}\nstderr:\n{stderr}");
    // Each university's picks came over HTTP, once each.
    assert_eq!(stdout.matches("新收到 4 条").count(), 3, "{stdout}");
    assert!(stdout.contains("已公示 12 名"), "{stdout}");
    let page = std::fs::read_to_string(work.join("province-2026Q4.html")).expect("the page");
    for university in ["东湖大学党委", "南山大学党委", "西江大学党委"] {
        assert!(page.contains(university), "{university} missing from the page");
    }
    assert!(!page.contains("得票"), "the public page shows no votes");
}

#[test]
fn province_demo_serving_stops_all_four_servers_on_sigterm() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let work = tmp.path().join("province-demo");
    let mut script = Spawned::new(demo(&work, free_ports()).stdout(Stdio::piped()).stderr(Stdio::null()));
    // Kept open to the end: the script must not meet a closed pipe.
    let mut lines = BufReader::new(script.child().stdout.take().expect("stdout")).lines();
    let mut seen = String::new();
    let mut url = None;
    for line in lines.by_ref() {
        let line = line.expect("read the script's output");
        seen.push_str(&line);
        seen.push('\n');
        if let Some(rest) = line.split_once("公开展示页面：").map(|(_, r)| r) {
            url = rest.split_whitespace().next().map(str::to_owned);
            break;
        }
    }
    let url = url.unwrap_or_else(|| panic!("the demo did not reach serving the page:\n{seen}"));
    let page = ureq::get(&url).call().unwrap_or_else(|e| panic!("GET {url}: {e}")).into_string().expect("page");
    assert!(page.contains("西江大学党委"), "{page}");
    // Three university servers and the province's, all on the work directory.
    let serving = crate::support::left_running(&work);
    assert_eq!(serving.len(), 4, "{serving:?}");

    signal(script.pid(), "TERM");
    let status = script.wait();
    assert_eq!(status.code(), Some(143), "ended by SIGTERM through its trap: {status:?}");
    assert_nothing_left(&work);
}

#[test]
fn province_demo_failing_half_way_stops_the_servers_it_started() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let work = tmp.path().join("province-demo");
    let base = free_ports();
    // The second university's port is taken: the first university is already serving.
    let _taken = TcpListener::bind(("127.0.0.1", base + 2)).expect("hold a port");
    let out = demo(&work, base).arg("--check").output().expect("run the province demo");
    assert_nothing_left(&work);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("port {} did not start", base + 2)), "{stderr}");
}
