//! §4.2.b, §4.3.d over a network that is not trusted: `shine serve` over HTTPS and
//! `shine pull --from https://… --ca`, and a server that stays up — half-open
//! connections do not keep a real request out, a body announced too large is refused
//! unread, a burst is limited, pages carry the security headers, and the request log
//! names the credential, never the token. Every server is killed when its guard drops.

// A test that meets an unexpected shape should stop right there, with the value shown.
#![allow(clippy::unwrap_used)]

use crate::chain::LATER;
use crate::serve::university_copy;
use crate::support::{Shine, QUARTER};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PROVINCE: &str = "provincial_education_committee";

/// A running `shine serve`, killed (and waited for) when dropped, even when a test fails.
struct Server {
    child: Child,
    url: String,
    log: PathBuf,
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Server {
    /// `shine serve --listen 127.0.0.1:0 <extra>` (or the `--listen` in `extra`) on the
    /// world's store; with `files`, under
    /// an open-file limit of that many (through `sh -c 'ulimit -n …; exec shine …'`).
    fn start(s: &Shine, extra: &[&str], files: Option<u32>) -> Server {
        let log = s.dir().join("serve.log");
        let mut shine = s.command_at(LATER);
        shine.arg("serve");
        if !extra.contains(&"--listen") {
            shine.args(["--listen", "127.0.0.1:0"]);
        }
        shine.args(extra);
        let mut command = match files {
            None => shine,
            Some(n) => {
                let mut sh = Command::new("sh");
                sh.arg("-c").arg(format!("ulimit -n {n} && exec \"$0\" \"$@\"")).arg(shine.get_program()).args(shine.get_args());
                sh.env_clear();
                for (k, v) in shine.get_envs() {
                    if let Some(v) = v {
                        sh.env(k, v);
                    }
                }
                sh.current_dir(s.dir());
                sh
            }
        };
        let mut child = command.stdout(Stdio::piped()).stderr(std::fs::File::create(&log).unwrap()).spawn().expect("spawn shine serve");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("first line");
        let Some(url) = line.trim().strip_prefix("shine serve: ").map(str::to_owned) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("shine serve did not start: {line:?}\n{}", std::fs::read_to_string(&log).unwrap_or_default());
        };
        Server { child, url, log, _stdout: stdout }
    }

    fn address(&self) -> String {
        self.url.split("://").nth(1).unwrap().to_owned()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A request written by hand; the status line, the headers and the body of the answer.
fn raw(address: &str, request: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head.to_ascii_lowercase(), body.to_owned())
}

fn get(address: &str, path: &str) -> (u16, String, String) {
    raw(address, &format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"))
}

/// The university's credential for the province: its id and the token.
fn credential(university: &Shine) -> (String, String) {
    let issued = university.args(["token", "create", "--unit", PROVINCE, "--label", "省委教育工委"]).json();
    (issued["credential"]["id"].as_str().unwrap().to_owned(), issued["token"].as_str().unwrap().to_owned())
}

/// `shine pull --from url` by the province, the token in `SHINE_TOKEN`, never in argv.
fn pull(province: &Shine, url: &str, token: &str, extra: &[&str]) -> std::process::Output {
    province
        .command_at(LATER)
        .env("SHINE_TOKEN", token)
        .args(["--json", "pull", "--from", url, "--quarter", QUARTER])
        .args(extra)
        .output()
        .expect("run shine pull")
}

fn held(province: &Shine) -> usize {
    let status = province.args(["chain", "status", "--quarter", QUARTER]).at(LATER).json();
    status["stars"].as_array().map_or(0, Vec::len)
}

#[test]
fn s4_3_d_over_https_the_province_pulls_with_the_universitys_certificate_and_refuses_without_it() {
    let university = university_copy("示范大学党委");
    let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
    let cert_file = university.write("cert.pem", &cert.cert.pem());
    let key_file = university.write("key.pem", &cert.key_pair.serialize_pem());
    let (_, token) = credential(&university);
    let server = Server::start(&university, &["--tls-cert", cert_file.to_str().unwrap(), "--tls-key", key_file.to_str().unwrap()], None);
    assert!(server.url.starts_with("https://127.0.0.1:"), "{}", server.url);

    let province = Shine::new();
    // Without `--ca` the self-signed certificate is not trusted: refused, nothing stored.
    let refused = pull(&province, &server.url, &token, &[]);
    assert!(!refused.status.success());
    let error: Value = serde_json::from_slice(&refused.stdout).unwrap_or_else(|_| serde_json::from_slice(&refused.stderr).unwrap());
    assert_eq!(error["error"]["code"], "untrusted_certificate", "{error}");
    let worded = error.to_string();
    assert!(worded.contains("不信任") && worded.contains("--ca"), "{worded}");
    assert_eq!(held(&province), 0);

    let ca = province.write("university.pem", &cert.cert.pem());
    let pulled = pull(&province, &server.url, &token, &["--ca", ca.to_str().unwrap()]);
    assert!(pulled.status.success(), "{}", String::from_utf8_lossy(&pulled.stderr));
    let pulled: Value = serde_json::from_slice(&pulled.stdout).unwrap();
    assert_eq!(pulled["received"].as_array().unwrap().len(), 3, "{pulled}");
    assert_eq!(held(&province), 3);

    // A plain-HTTP client talking to the HTTPS port gets nothing.
    let (status, _, _) = get(&server.address(), "/api/v1/health");
    assert_ne!(status, 200);
    drop(server);

    // A self-signed certificate marked as an authority, as `openssl req -x509` makes
    // them, is trusted as itself when `--ca` names it.
    let mut params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let key = rcgen::KeyPair::generate().unwrap();
    let authority = params.self_signed(&key).unwrap();
    let cert_file = university.write("authority.pem", &authority.pem());
    let key_file = university.write("authority-key.pem", &key.serialize_pem());
    let server = Server::start(&university, &["--tls-cert", cert_file.to_str().unwrap(), "--tls-key", key_file.to_str().unwrap()], None);
    let refused = pull(&province, &server.url, &token, &["--ca", ca.to_str().unwrap()]);
    assert!(!refused.status.success(), "another certificate than the one in --ca is refused");
    let ca = province.write("authority.pem", &authority.pem());
    let again = pull(&province, &server.url, &token, &["--ca", ca.to_str().unwrap()]);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert_eq!(held(&province), 3, "nothing taken twice");
}

#[test]
fn serve_refuses_a_missing_or_mismatched_certificate_before_listening() {
    let s = Shine::new();
    let one = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let other = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let cert = s.write("cert.pem", &one.cert.pem());
    let wrong_key = s.write("other-key.pem", &other.key_pair.serialize_pem());
    let not_pem = s.write("notes.txt", "这不是证书\n");
    let serve = |cert: &str, key: &str| s.args(["serve", "--listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", key]).fails();
    serve(cert.to_str().unwrap(), wrong_key.to_str().unwrap()).stderr_contains("不配对");
    serve(cert.to_str().unwrap(), "missing-key.pem").stderr_contains("找不到文件").stderr_contains("missing-key.pem");
    serve(not_pem.to_str().unwrap(), wrong_key.to_str().unwrap()).stderr_contains("没有 PEM 格式的证书");
    serve(cert.to_str().unwrap(), not_pem.to_str().unwrap()).stderr_contains("没有 PEM 格式的私钥");
    // Nothing was left listening or named as listening.
    assert!(!s.store_dir().join("serve.json").exists());
}

#[test]
fn health_answers_within_a_second_while_1100_half_open_connections_are_held_under_1024_open_files() {
    let s = Shine::new();
    let server = Server::start(&s, &[], Some(1024));
    // This process holds 1,100 sockets: its own soft limit is raised for that.
    let files = rlimit::increase_nofile_limit(4096).unwrap();
    assert!(files >= 1200, "the test needs 1,200 open files, the system allows {files}");
    let address = server.address();
    let mut held = Vec::with_capacity(1100);
    for i in 0..1100 {
        let mut c = TcpStream::connect(&address).unwrap_or_else(|e| panic!("connection {i}: {e}"));
        // Half of them start a request and never finish its header.
        if i % 2 == 0 {
            c.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n").unwrap();
        }
        held.push(c);
    }
    // Held for a moment, as an attacker holds them: the server has taken them all in.
    std::thread::sleep(Duration::from_secs(1));
    let started = Instant::now();
    let (status, _, body) = get(&address, "/api/v1/health");
    let took = started.elapsed();
    assert_eq!(status, 200, "{body}");
    assert!(took < Duration::from_secs(1), "health took {took:?} with 1,100 half-open connections held");
    drop(held);
    // And the server is still there afterwards.
    assert_eq!(get(&address, "/api/v1/health").0, 200);
}

#[test]
fn plain_http_beyond_loopback_warns_that_tokens_travel_in_clear() {
    let s = Shine::new();
    let open = Server::start(&s, &["--listen", "0.0.0.0:0"], None);
    assert!(open.url.starts_with("http://0.0.0.0:"), "{}", open.url);
    let log = open.log();
    assert!(log.contains("未启用 TLS") && log.contains("明文") && log.contains("--tls-cert"), "{log}");
    drop(open);
    let local = Server::start(&s, &[], None);
    assert_eq!(get(&local.address(), "/api/v1/health").0, 200);
    assert!(!local.log().contains("未启用 TLS"), "no warning on loopback");
}

#[test]
fn a_body_announced_as_a_terabyte_gets_413_at_once_unread() {
    let s = Shine::new();
    let server = Server::start(&s, &[], None);
    let started = Instant::now();
    let (status, head, body) = raw(
        &server.address(),
        "POST /api/v1/pull HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n{\"quarter\":",
    );
    let took = started.elapsed();
    assert_eq!(status, 413, "{head}{body}");
    assert!(took < Duration::from_millis(500), "413 took {took:?}");
    let error: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["error"]["code"], "too_large");
    assert!(error["error"]["message"].as_str().unwrap().contains("请求体超过"), "{error}");
}

#[test]
fn a_burst_beyond_the_rate_limit_gets_429_in_chinese_and_pages_carry_security_headers() {
    let s = Shine::new();
    let server = Server::start(&s, &[], None);
    let (status, head, _) = get(&server.address(), "/");
    assert_eq!(status, 200);
    for header in [
        "content-security-policy: default-src 'none'",
        "frame-ancestors 'none'",
        "x-content-type-options: nosniff",
        "referrer-policy: no-referrer",
        "x-frame-options: deny",
    ] {
        assert!(head.contains(header), "{header} missing in\n{head}");
    }
    // One keep-alive connection, 300 requests as fast as they go: the burst is 120.
    let mut stream = TcpStream::connect(server.address()).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let request = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n".repeat(300);
    stream.write_all(request.as_bytes()).unwrap();
    let mut reader = BufReader::new(stream);
    let (mut ok, mut limited, mut limited_body, mut retry_after) = (0, 0, String::new(), None);
    for _ in 0..300 {
        let mut status = String::new();
        reader.read_line(&mut status).unwrap();
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let line = line.trim_end().to_ascii_lowercase();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("content-length: ") {
                length = v.parse().unwrap();
            }
            if let Some(v) = line.strip_prefix("retry-after: ") {
                retry_after = Some(v.parse::<u64>().unwrap());
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        match status.split(' ').nth(1) {
            Some("200") => ok += 1,
            Some("429") => {
                limited += 1;
                limited_body = String::from_utf8(body).unwrap();
            }
            other => panic!("unexpected status {other:?}"),
        }
    }
    // The page fetched above took one of the 120 from the same address.
    assert!(ok >= 119 && limited > 0, "{ok} answered, {limited} limited");
    assert!(retry_after.is_some_and(|s| s >= 1), "Retry-After missing");
    let error: Value = serde_json::from_str(&limited_body).unwrap();
    assert_eq!(error["error"]["code"], "rate_limited");
    assert!(error["error"]["message"].as_str().unwrap().contains("过于频繁"), "{error}");
}

#[test]
fn the_request_log_names_the_client_and_credential_id_and_never_the_token() {
    let university = university_copy("示范大学党委");
    let (id, token) = credential(&university);
    let server = Server::start(&university, &[], None);
    let province = Shine::new();
    let pulled = pull(&province, &server.url, &token, &[]);
    assert!(pulled.status.success(), "{}", String::from_utf8_lossy(&pulled.stderr));
    // A wrong token is logged without a credential, and is not written either.
    let wrong = format!("{token}x");
    let refused = pull(&province, &server.url, &wrong, &[]);
    assert!(!refused.status.success());
    let log = server.log();
    let line = log.lines().find(|l| l.contains("path=/api/v1/pull") && l.contains("status=200")).unwrap_or_else(|| panic!("{log}"));
    assert!(line.contains(&format!("credential={id}")), "{line}");
    assert!(line.contains("client=127.0.0.1:") && line.contains("method=POST") && line.contains("latency_ms="), "{line}");
    // Timestamped: the line starts with the date and time (RFC 3339).
    assert!(line.get(..4).is_some_and(|y| y.parse::<u32>().is_ok()) && line.contains('T'), "{line}");
    assert!(log.lines().any(|l| l.contains("status=401") && l.contains("credential=-")), "{log}");
    let secret = token.trim_start_matches("shine_");
    assert!(!log.contains(secret) && !log.contains(&wrong), "the token is in the log:\n{log}");
}

#[test]
fn s3_4_the_request_log_names_no_client_on_the_pages_where_ballots_are_cast() {
    // 无记名投票: a log line with the voter's address beside the time of a vote would
    // link the device to the ballot the store keeps in the order cast.
    let s = Shine::new();
    let server = Server::start(&s, &[], None);
    for path in ["/work/me/vote", "/work/vote?code=K7QX-MP3A-9RTW5", "/work/login"] {
        get(&server.address(), path);
    }
    let log = server.log();
    let line = |path: &str| log.lines().find(|l| l.contains(&format!("path={path} "))).unwrap_or_else(|| panic!("{path} not logged:\n{log}")).to_owned();
    for path in ["/work/me/vote", "/work/vote"] {
        let line = line(path);
        assert!(line.contains("client=-") && line.contains("credential=-"), "{line}");
    }
    assert!(line("/work/login").contains("client=127.0.0.1:"), "{log}");
    assert!(!log.contains("K7QX"), "the code is in the log:\n{log}");
}
