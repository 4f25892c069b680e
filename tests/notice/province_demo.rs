//! The README's second demo (§4.3.c–d): three university instances and the provincial
//! committee's, each its own `shine` on its own store, over loopback HTTP. The script
//! runs in `--check` mode, writing the province's public page instead of serving it.

use crate::support::{bin, repo};
use std::net::TcpListener;
use std::process::Command;

/// A base port with it and the three above it free right now.
fn free_ports() -> u16 {
    for _ in 0..50 {
        let Ok(first) = TcpListener::bind("127.0.0.1:0") else { continue };
        let Ok(base) = first.local_addr().map(|a| a.port()) else { continue };
        if base > 65_000 {
            continue;
        }
        drop(first);
        if (0..4).all(|i| TcpListener::bind(("127.0.0.1", base + i)).is_ok()) {
            return base;
        }
    }
    panic!("no four free loopback ports");
}

#[test]
fn s4_3_c_province_demo_pulls_three_universities_and_displays_them() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let work = tmp.path().join("province-demo");
    let out = Command::new("bash")
        .arg(repo().join("docs/province-demo.sh"))
        .arg("--check")
        .env("SHINE_BIN", bin())
        .env("SHINE_DEMO_DIR", &work)
        .env("SHINE_DEMO_PORT", free_ports().to_string())
        .output()
        .expect("run the province demo");
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
