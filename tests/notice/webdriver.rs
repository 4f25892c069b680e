//! A small WebDriver client for the browser tests: Debian's `chromedriver` started on a
//! free port (its own process group, stopped with everything it started when the
//! [`Browser`] drops), one headless Chromium session with its profile in the test's
//! temp dir, and the W3C WebDriver calls the tests need as JSON over HTTP (ureq):
//! navigate, find by CSS, type, click, choose, read text and the page, and screenshots
//! kept as PNG files under `target/browser-artifacts/`.
//!
//! `tests/install-browser.sh` installs chromium and chromium-driver when missing;
//! `SHINE_SKIP_BROWSER=1` skips the browser tests on purpose, with a notice.

// A test that meets an unexpected shape should stop right there, with the value shown.
#![allow(clippy::unwrap_used)]

use crate::support::{Shine, Spawned};
use serde_json::{json, Value};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The W3C name of an element reference in a WebDriver answer.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A phone's viewport (an iPhone 12–14 in CSS pixels).
pub const PHONE: (u32, u32) = (390, 844);

/// One headless Chromium driven through chromedriver.
pub struct Browser {
    base: String,
    agent: ureq::Agent,
    /// Declared before the driver: the session ends before chromedriver is killed.
    session: Option<String>,
    driver: Spawned,
}

/// The binaries, or `None` when `SHINE_SKIP_BROWSER=1` asks to skip; installed by
/// tests/install-browser.sh when missing.
fn binaries() -> Option<(PathBuf, PathBuf)> {
    let [chromium, driver] = installed(["/usr/bin/chromium", "/usr/bin/chromedriver"])?;
    Some((chromium, driver))
}

/// Programs the browser tests need, installed by tests/install-browser.sh when any is
/// missing; `None` when `SHINE_SKIP_BROWSER=1` asks to skip on purpose.
pub fn installed<const N: usize>(paths: [&str; N]) -> Option<[PathBuf; N]> {
    if std::env::var("SHINE_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        eprintln!("SHINE_SKIP_BROWSER=1: the pages were not checked in a browser");
        return None;
    }
    let paths = paths.map(PathBuf::from);
    if !paths.iter().all(|p| p.is_file()) {
        let script = crate::support::repo().join("tests/install-browser.sh");
        let status = Command::new("bash").arg(&script).status();
        assert!(
            status.is_ok_and(|s| s.success()),
            "{paths:?} not installed and `{}` could not install them (it needs root or passwordless sudo): \
             install Debian's `chromium chromium-driver poppler-utils fonts-noto-cjk fonts-hanazono`, or set SHINE_SKIP_BROWSER=1 to skip on purpose",
            script.display()
        );
    }
    assert!(paths.iter().all(|p| p.is_file()), "{paths:?} still missing after tests/install-browser.sh");
    Some(paths)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Browser {
    /// A new headless Chromium with a `(width, height)` window and its profile under
    /// the world's temp dir; `None` when browser tests are skipped on purpose.
    pub fn start(s: &Shine, (width, height): (u32, u32)) -> Option<Browser> {
        let (chromium, chromedriver) = binaries()?;
        let port = free_port();
        let log = std::fs::File::create(s.dir().join("chromedriver.log")).unwrap();
        let driver = Spawned::new(
            Command::new(chromedriver).arg(format!("--port={port}")).stdout(Stdio::null()).stderr(log).process_group(0),
        );
        let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(60)).build();
        let mut browser = Browser { base: format!("http://127.0.0.1:{port}"), agent, session: None, driver };
        let started = Instant::now();
        while browser.agent.get(&format!("{}/status", browser.base)).call().ok().and_then(|r| r.into_json::<Value>().ok()).is_none_or(|v| v["value"]["ready"] != true) {
            assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not start on port {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = s.dir().join("chromium-profile");
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                         "--lang=zh-CN", format!("--window-size={width},{height}"), format!("--user-data-dir={}", profile.display())],
            },
        }}});
        let answer = browser.call("POST", "/session", Some(capabilities));
        browser.session = Some(answer["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {answer}")).to_owned());
        browser.resize((width, height));
        Some(browser)
    }

    /// A WebDriver command; its `value`, or a panic with the driver's error.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.try_call(method, path, body).unwrap_or_else(|e| panic!("{e}"))
    }

    fn try_call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let request = self.agent.request(method, &format!("{}{path}", self.base));
        let result = match body {
            Some(b) => request.send_json(b),
            None => request.call(),
        };
        match result {
            Ok(r) => Ok(r.into_json::<Value>().unwrap()["value"].take()),
            Err(ureq::Error::Status(code, r)) => Err(format!("webdriver {method} {path}: {code} {}", r.into_string().unwrap_or_default())),
            Err(e) => Err(format!("webdriver {method} {path}: {e}")),
        }
    }

    fn in_session(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let id = self.session.as_deref().unwrap();
        self.call(method, &format!("/session/{id}{path}"), body)
    }

    /// Make the page's viewport `(width, height)` CSS pixels: the window is set, then
    /// grown by what the browser's own frame takes.
    pub fn resize(&self, (width, height): (u32, u32)) {
        self.in_session("POST", "/window/rect", Some(json!({"width": width, "height": height})));
        let inner = self.script("return [window.innerWidth, window.innerHeight]", json!([]));
        let (w, h) = (inner[0].as_u64().unwrap() as u32, inner[1].as_u64().unwrap() as u32);
        if (w, h) != (width, height) {
            self.in_session("POST", "/window/rect", Some(json!({"width": 2 * width - w, "height": 2 * height - h})));
        }
    }

    /// Run a script in the page; what it returns.
    pub fn script(&self, script: &str, args: Value) -> Value {
        self.in_session("POST", "/execute/sync", Some(json!({"script": script, "args": args})))
    }

    pub fn goto(&self, url: &str) {
        self.in_session("POST", "/url", Some(json!({"url": url})));
    }

    pub fn url(&self) -> String {
        self.in_session("GET", "/url", None).as_str().unwrap().to_owned()
    }

    /// The page's HTML as the browser has it.
    pub fn source(&self) -> String {
        self.in_session("GET", "/source", None).as_str().unwrap().to_owned()
    }

    /// The elements matching a CSS selector, as element ids.
    pub fn all(&self, css: &str) -> Vec<String> {
        let found = self.in_session("POST", "/elements", Some(json!({"using": "css selector", "value": css})));
        found.as_array().unwrap().iter().map(|e| e[ELEMENT].as_str().unwrap().to_owned()).collect()
    }

    /// The first element matching a CSS selector; a panic naming the page when none.
    pub fn find(&self, css: &str) -> String {
        self.all(css).into_iter().next().unwrap_or_else(|| panic!("no `{css}` on {}:\n{}", self.url(), self.source()))
    }

    /// The rendered text of the first element matching `css`.
    pub fn text(&self, css: &str) -> String {
        let id = self.find(css);
        self.in_session("GET", &format!("/element/{id}/text"), None).as_str().unwrap().to_owned()
    }

    /// Clear a field and type `text` into it.
    pub fn fill(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.in_session("POST", &format!("/element/{id}/clear"), Some(json!({})));
        self.in_session("POST", &format!("/element/{id}/value"), Some(json!({"text": text})));
    }

    /// Set a field's value as the page's own input would (date fields, whose typing
    /// follows the browser's locale).
    pub fn set(&self, css: &str, value: &str) {
        self.script("const e = document.querySelector(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('change'));", json!([css, value]));
    }

    pub fn click(&self, css: &str) {
        self.click_element(&self.find(css));
    }

    /// Click what submits a form or follows a link, and wait until the next page has
    /// loaded (a click may return before the navigation it starts).
    pub fn click_to_load(&self, css: &str) {
        self.script("window.shineOldPage = true", json!([]));
        self.click(css);
        let started = Instant::now();
        // A script run while the browser is between pages may fail ("execution context
        // destroyed"): that is not yet the new page, not an error.
        let id = self.session.as_deref().unwrap().to_owned();
        let ready = json!({"script": "return document.readyState === 'complete' && window.shineOldPage === undefined", "args": []});
        while self.try_call("POST", &format!("/session/{id}/execute/sync"), Some(ready.clone())) != Ok(Value::Bool(true)) {
            assert!(started.elapsed() < Duration::from_secs(20), "no new page after clicking `{css}` on {}", self.url());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Click an element found with [`Browser::all`].
    pub fn click_element(&self, id: &str) {
        self.in_session("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    /// Choose the option with `value` of a drop-down.
    pub fn choose(&self, select: &str, value: &str) {
        self.click(&format!("{select} option[value=\"{value}\"]"));
    }

    /// A screenshot of the viewport kept as `target/browser-artifacts/<name>.png`.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let png = decode_base64(self.in_session("GET", "/screenshot", None).as_str().unwrap());
        assert!(png.starts_with(b"\x89PNG"), "the screenshot {name} is not a PNG");
        let dir = artifacts();
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(format!("{name}.png"));
        std::fs::write(&file, &png).unwrap();
        file
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // End the session (chromium quits), then everything chromedriver started.
        if let Some(id) = self.session.take() {
            let _ = self.agent.delete(&format!("{}/session/{id}", self.base)).timeout(Duration::from_secs(10)).call();
        }
        let _ = Command::new("kill").arg("-KILL").arg("--").arg(format!("-{}", self.driver.pid())).stderr(Stdio::null()).status();
        self.driver.kill();
    }
}

/// Where browser tests keep their screenshots: `target/browser-artifacts/`.
pub fn artifacts() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
        .join("browser-artifacts")
}

/// Standard base64 (the screenshots' encoding), padding and line breaks ignored.
fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let digits: Vec<u8> = text.bytes().filter(|c| !matches!(c, b'=' | b'\n' | b'\r')).map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let bits = chunk.iter().enumerate().fold(0u32, |acc, (i, d)| acc | (u32::from(*d) << (18 - 6 * i)));
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

#[test]
fn s4_3_c_the_webdriver_harness_reads_a_published_star_on_the_public_page_at_phone_size() {
    use crate::chain::{chain, up_to_the_organization_department, AFTER_WINDOW, LATER};
    use crate::support::{Served, QUARTER};
    let s = Shine::new();
    up_to_the_organization_department(&s);
    s.args(["pull", "--quarter", QUARTER]).at(AFTER_WINDOW).ok();
    chain(&s, &["file"]).at(AFTER_WINDOW).ok();
    chain(&s, &["pick", "--member", "欧阳明", "--reason", "带头钻研业务，教学成果突出"]).at(AFTER_WINDOW).ok();
    chain(&s, &["publish"]).at(AFTER_WINDOW).ok();
    let server = Served::start_at(&s, LATER);
    let Some(browser) = Browser::start(&s, PHONE) else { return };
    browser.goto(&format!("{}/", server.url));
    browser.click_to_load("ul.quarters a");
    assert!(browser.url().ends_with(&format!("/display/{QUARTER}")), "{}", browser.url());
    assert_eq!(browser.text("article.star h4"), "欧阳明");
    assert_eq!(browser.script("return [window.innerWidth, window.innerHeight]", json!([])), json!([390, 844]), "a phone's viewport");
    let shot = browser.screenshot("public-page-phone");
    assert!(std::fs::metadata(&shot).unwrap().len() > 10_000, "{} is a real screenshot", shot.display());
}
