//! §4.3.c: the public display page, checked in a real headless browser. The
//! Organization Department of 示范大学党委 picks three stars and publishes them;
//! `shine display` writes the quarter's page, which shows nobody while the objection
//! window is open and the three stars once it has closed. Chromium loads the file, the
//! test reads the DOM it built, and a screenshot is kept in `target/artifacts/`.
//!
//! Debian's chromium is required: `tests/install-browser.sh` installs it when missing
//! (root or passwordless sudo). `SHINE_SKIP_BROWSER=1` skips the browser part on
//! purpose, with a notice.

use crate::chain::{chain, forward_to_the_organization_department, rosters, run_opened_quarter, university, AFTER_WINDOW, LATER};
use crate::support::{date, Shine, QUARTER};
use shine_engine::facts::Deed;
use shine_engine::ops::quarter::Record;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every branch reports, each star with deeds of three 五带头 kinds; the general
/// branches and the directly affiliated branch go up to the Organization Department,
/// which pulls, files, picks three stars with reasons and publishes (window until the 23rd).
fn published_by_the_organization_department(s: &Shine) {
    university(s, &[]);
    for (branch, roster) in rosters() {
        s.open(branch);
        let star = &roster[0].id;
        let deed = |kind: &str, text: &str, on: &str| Record::Deed {
            member: star.clone(),
            deed: Deed { form: None, kind: kind.into(), text: text.into(), date: date(on) },
        };
        s.records(
            branch,
            vec![
                deed("带头学习提高", "系统学习党的二十大精神，撰写学习体会三篇", "2026-10-12"),
                deed("带头争创佳绩", "指导学生团队获省级竞赛一等奖", "2026-11-18"),
            ],
        );
        run_opened_quarter(s, branch, &roster);
    }
    forward_to_the_organization_department(s);
    s.args(["pull", "--quarter", QUARTER]).at(AFTER_WINDOW).ok();
    chain(s, &["file"]).at(AFTER_WINDOW).ok();
    for (star, reason) in [
        ("龘𠀀", "潜心育人、服务学生，事迹感人"),
        ("欧阳明", "带头钻研业务，教学成果突出"),
        ("许诺", "扎根基层岗位，服务师生热情周到"),
    ] {
        chain(s, &["pick", "--member", star, "--reason", reason]).at(AFTER_WINDOW).ok();
    }
    chain(s, &["publish"]).at(AFTER_WINDOW).ok();
}

#[test]
fn s4_3_c_public_page_shows_published_stars_after_the_window_in_a_browser() {
    let s = Shine::new();
    published_by_the_organization_department(&s);

    // In the window: the page exists and shows nobody yet.
    let early = s.dir().join("early.html");
    let said = s.args([OsStr::new("display"), "--quarter".as_ref(), QUARTER.as_ref(), "--out".as_ref(), early.as_os_str()]).at(AFTER_WINDOW).ok();
    assert!(said.contains("尚无可展示的人选"), "{said}");
    let html = std::fs::read_to_string(&early).expect("page written");
    assert!(html.contains("公示期至2026年12月23日"), "{html}");
    assert!(!html.contains("龘𠀀"), "{html}");

    // After the window: the default file name, and the Display as JSON.
    let v = s.args(["display", "--quarter", QUARTER]).at(LATER).json();
    let shown: Vec<&str> = v["stars"].as_array().expect("stars").iter().filter_map(|r| r["member"]["name"].as_str()).collect();
    assert_eq!(shown, ["龘𠀀", "欧阳明", "许诺"]);
    let page = s.dir().join(format!("display-{QUARTER}.html"));
    assert!(page.exists(), "no {}", page.display());

    let Some(chromium) = chromium() else { return };
    let dom = browser(&chromium, &s, &["--dump-dom".into(), url(&page)]);
    for expected in [
        "2026年第四季度 党员“闪光言行之星”展示",
        "示范大学党委",
        "党委组织部",
        "公示期满",
        "2026年12月23日",
        "计算机学院党总支",
        "外国语学院党总支",
        "图书馆直属党支部",
        "直属党支部",
        "龘𠀀",
        "欧阳明",
        "许诺",
        "软件工程教工党支部",
        "教师",
        "带头学习提高",
        "带头争创佳绩",
        "带头服务群众",
        "推荐理由",
        "潜心育人、服务学生，事迹感人",
        "事迹突出，群众公认",
    ] {
        assert!(dom.contains(expected), "the page lacks {expected:?}:\n{dom}");
    }
    // Not picked by the Organization Department, so not displayed; and nothing of the vote.
    for hidden in ["陈𬭎", "b1m1", "d1m1", "7/7", "100.0%", "票", "§"] {
        assert!(!dom.contains(hidden), "the page shows {hidden:?}:\n{dom}");
    }

    screenshot(&chromium, &s, &page, &format!("display-{QUARTER}.png"));
    screenshot(&chromium, &s, &early, &format!("display-{QUARTER}-in-window.png"));
}

/// A screenshot of `page` kept as `target/artifacts/<name>`.
fn screenshot(chromium: &Path, s: &Shine, page: &Path, name: &str) {
    let artifacts = target_dir().join("artifacts");
    std::fs::create_dir_all(&artifacts).expect("create target/artifacts");
    let shot = artifacts.join(name);
    let _ = std::fs::remove_file(&shot);
    browser(chromium, s, &[format!("--screenshot={}", shot.display()), "--window-size=1280,2000".into(), url(page)]);
    let png = std::fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot at {}: {e}", shot.display()));
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "{} is not a screenshot", shot.display());
    println!("screenshot: {}", shot.display());
}

/// Debian's chromium, or a failure that says how to install it; `None` only when
/// `SHINE_SKIP_BROWSER=1` asks to skip.
fn chromium() -> Option<PathBuf> {
    if std::env::var("SHINE_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        eprintln!("SHINE_SKIP_BROWSER=1: the public page was not checked in a browser");
        return None;
    }
    let find = || {
        let on_path = std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).map(|d| d.join("chromium")).collect::<Vec<_>>())
            .unwrap_or_default();
        std::iter::once(PathBuf::from("/usr/bin/chromium")).chain(on_path).find(|p| p.is_file())
    };
    if find().is_none() {
        // The project installs what its tests need: Debian's chromium and CJK fonts.
        let script = crate::support::repo().join("tests/install-browser.sh");
        let status = Command::new("bash").arg(&script).status();
        assert!(
            status.is_ok_and(|s| s.success()),
            "chromium is not installed and `{}` could not install it (it needs root or passwordless sudo): \
             install Debian's `chromium fonts-noto-cjk fonts-hanazono`, or set SHINE_SKIP_BROWSER=1 to skip this check on purpose",
            script.display()
        );
    }
    let found = find();
    assert!(found.is_some(), "chromium is still missing after tests/install-browser.sh");
    found
}

/// Run headless chromium with its own profile in the test's temp dir; returns stdout.
fn browser(chromium: &Path, s: &Shine, args: &[String]) -> String {
    let out = Command::new(chromium)
        .args(["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"])
        .arg(format!("--user-data-dir={}", s.dir().join("chromium").display()))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", chromium.display()));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "chromium failed ({:?}):\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    stdout
}

fn url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The workspace's target directory, where test artifacts are kept.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target")))
}
