//! §4.2.b, §4.3.d across machines: the provincial committee runs its own `shine` and
//! pulls each university's recommendations over HTTP from the university's
//! `shine serve`, with a credential the university issued. Several servers run on
//! loopback; a small proxy in the test tampers with responses or kills the server
//! in the middle of a pull.
//!
//! A university taken up to forwarding to the province is built once per test run
//! (it takes a few seconds) and its store copied into each test's world.

// A test that meets an unexpected shape should stop right there, with the value shown.
#![allow(clippy::unwrap_used)]

use crate::chain::{chain, pulled_and_published, university, up_to_the_organization_department_of, AFTER_WINDOW, LATER};
use crate::support::{Shine, QUARTER};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

const PROVINCE: &str = "provincial_education_committee";

// ---- worlds -------------------------------------------------------------------------

/// A university whose Organization Department has picked three stars, published them
/// and forwarded them to the province.
fn forwarded_to_the_province(name: &str) -> Shine {
    let s = Shine::new();
    up_to_the_organization_department_of(&s, name);
    s.args(["pull", "--quarter", QUARTER]).at(AFTER_WINDOW).ok();
    chain(&s, &["file"]).at(AFTER_WINDOW).ok();
    for star in ["龘𠀀", "欧阳明", "许诺"] {
        chain(&s, &["pick", "--member", star, "--reason", "择优推荐"]).at(AFTER_WINDOW).ok();
    }
    chain(&s, &["publish"]).at(AFTER_WINDOW).ok();
    chain(&s, &["forward"]).at(LATER).ok();
    s
}

/// A fresh world holding a copy of a university built once per test run: 示范大学党委,
/// or any other name for the second university, 滨海大学党委.
pub(crate) fn university_copy(name: &'static str) -> Shine {
    static FIRST: OnceLock<Shine> = OnceLock::new();
    static SECOND: OnceLock<Shine> = OnceLock::new();
    let cell = if name == "示范大学党委" { &FIRST } else { &SECOND };
    let source = cell.get_or_init(|| forwarded_to_the_province(name));
    let world = Shine::new();
    copy_tree(&source.store_dir(), &world.store_dir());
    world
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let path = entry.expect("dir entry").path();
        let target = to.join(path.file_name().expect("file name"));
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

/// The province's own instance: no organization tree.
fn province() -> Shine {
    Shine::new()
}

fn token(s: &Shine, unit: &str) -> String {
    s.args(["token", "create", "--unit", unit, "--label", "测试"]).json()["token"].as_str().unwrap().to_owned()
}

/// Stars the province holds, by name.
fn held(province: &Shine) -> Vec<String> {
    let status = province.args(["chain", "status", "--quarter", QUARTER]).at(LATER).json();
    status["stars"].as_array().unwrap().iter().map(|v| v["record"]["member"]["name"].as_str().unwrap().to_owned()).collect()
}

/// `token` in a file of the world's directory only its owner may read, as `--token-file` wants it.
fn token_file(s: &Shine, token: &str) -> String {
    let path = s.dir().join(format!("token-{}", &token[token.len() - 8..]));
    std::fs::write(&path, format!("{token}\n")).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    path.display().to_string()
}

fn pull_from<'a>(province: &'a Shine, url: &str, token: &str, page_size: &str) -> crate::support::Cmd<'a> {
    let file = token_file(province, token);
    province.args(["pull", "--from", url, "--token-file", file.as_str(), "--quarter", QUARTER, "--page-size", page_size]).at(LATER)
}

fn received(v: &Value) -> usize {
    v["received"].as_array().unwrap().len()
}

// ---- a server and a proxy ---------------------------------------------------------------

/// `shine serve --listen 127.0.0.1:0` on a world's store, killed and waited for when
/// dropped (the harness's guard).
use crate::support::Served as Server;

/// One HTTP/1.1 message (head and a `Content-Length` body), or `None` at end of stream.
fn read_message(r: &mut BufReader<TcpStream>) -> Option<Vec<u8>> {
    let mut message = Vec::new();
    let mut length = 0;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            }
        }
        message.extend_from_slice(line.as_bytes());
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; length];
    r.read_exact(&mut body).ok()?;
    message.extend(body);
    Some(message)
}

/// A proxy in front of `upstream` that hands each response, with its number, to
/// `change` before passing it on. Returns the proxy's URL.
fn proxy(upstream: &str, change: impl FnMut(usize, &mut Vec<u8>) + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
    let url = format!("http://{}", listener.local_addr().unwrap());
    let upstream = upstream.trim_start_matches("http://").to_owned();
    let change = Arc::new(Mutex::new(change));
    std::thread::spawn(move || {
        let mut n = 0;
        for client in listener.incoming() {
            let Ok(client) = client else { continue };
            let Ok(server) = TcpStream::connect(&upstream) else { continue };
            let (mut to_client, mut to_server) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            let (mut from_client, mut from_server) = (BufReader::new(client), BufReader::new(server));
            while let Some(request) = read_message(&mut from_client) {
                if to_server.write_all(&request).is_err() {
                    break;
                }
                let Some(mut response) = read_message(&mut from_server) else { break };
                (change.lock().unwrap())(n, &mut response);
                n += 1;
                if to_client.write_all(&response).is_err() {
                    break;
                }
            }
        }
    });
    url
}

// ---- raw HTTP ---------------------------------------------------------------------------

/// Status and body of a request to `url`.
fn http(method: &str, url: &str, token: Option<&str>, body: Option<&str>) -> (u16, String) {
    let mut request = ureq::request(method, url).set("Content-Type", "application/json");
    if let Some(t) = token {
        request = request.set("Authorization", &format!("Bearer {t}"));
    }
    let result = match body {
        Some(b) => request.send_string(b),
        None => request.call(),
    };
    match result {
        Ok(r) => (r.status(), r.into_string().unwrap()),
        Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap()),
        Err(e) => panic!("{method} {url}: {e}"),
    }
}

fn post_pull(server: &Server, token: Option<&str>, body: &str) -> (u16, String) {
    http("POST", &format!("{}/api/v1/pull", server.url), token, Some(body))
}

/// A refusal's body: only `{"error": …}`, naming no member, unit or token.
fn refused_without_data(body: &str, token: &str) {
    let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"));
    assert_eq!(v.as_object().unwrap().len(), 1, "{body}");
    assert_eq!(v["error"].as_object().map(|e| e.len()), Some(2), "only a code and a message: {body}");
    assert!(v["error"]["code"].as_str().is_some_and(|e| !e.is_empty()), "{body}");
    assert!(v["error"]["message"].as_str().is_some_and(|e| !e.is_empty()), "{body}");
    for secret in ["龘𠀀", "陈𬭎", "示范大学", "党支部", "votes", token] {
        assert!(!body.contains(secret), "{secret:?} leaked in {body}");
    }
}

// ---- tests ------------------------------------------------------------------------------

/// A day the province acts on whose 5-working-day window ends inside 2026, the one
/// year the shipped calendar covers.
const BEFORE_NEW_YEAR: &str = "2026-12-21T10:00:00+08:00";

#[test]
fn s4_3_d_province_pulls_from_several_universities_over_http() {
    let (a, b) = std::thread::scope(|t| {
        let b = t.spawn(|| university_copy("滨海大学党委"));
        (university_copy("示范大学党委"), b.join().unwrap())
    });
    let (ta, tb) = (token(&a, PROVINCE), token(&b, PROVINCE));
    let (sa, sb) = (Server::start(&a), Server::start(&b));
    let p = province();
    let first = pull_from(&p, &sa.url, &ta, "2").json();
    assert_eq!(received(&first), 3, "{first}");
    let second = pull_from(&p, &sb.url, &tb, "50").json();
    assert_eq!(received(&second), 3, "{second}");

    // What travelled: the whole record, with the picks on the way up.
    let status = p.args(["chain", "status", "--quarter", QUARTER]).at(LATER).json();
    assert_eq!(status["stars"].as_array().unwrap().len(), 6, "{status}");
    let star = status["stars"].as_array().unwrap().iter().find(|v| v["record"]["member"]["name"] == "龘𠀀").unwrap();
    let record = &star["record"];
    assert_eq!(record["unit_path"][2]["name"], "软件工程教工党支部");
    assert_eq!(record["member"]["identity"], "教师");
    assert_eq!(record["deeds"][0]["kind"], "带头服务群众");
    assert_eq!(record["comment"], "立足岗位，表现突出");
    assert_eq!(record["votes"], 7);
    // The share (votes / ballots) is shown by whoever renders the record; the record
    // carries the two numbers.
    assert_eq!(record["ballots"], 7);
    assert!(record.get("share").is_none(), "{record}");
    assert_eq!(record["clauses_checked"].as_array().unwrap().len(), 9);
    assert!(record["rules"].as_str().is_some_and(|h| h.len() == 64), "{record}");
    assert!(star["content_hash"].as_str().is_some_and(|h| h.len() == 64));
    let universities: std::collections::BTreeSet<&str> =
        status["stars"].as_array().unwrap().iter().map(|v| v["record"]["university"].as_str().unwrap()).collect();
    assert_eq!(universities.into_iter().collect::<Vec<_>>(), ["滨海大学党委", "示范大学党委"]);

    // A university's token does not open the other university's server.
    pull_from(&p, &sb.url, &ta, "50").fails().stderr_contains("401").stderr_contains("凭据");
    // And a pull that fails to connect says so.
    let gone = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    pull_from(&p, &gone, &ta, "50").fails().stderr_contains("服务未启动");
}

#[test]
fn s4_2_b_pull_is_idempotent_and_resumes_after_the_server_is_killed() {
    let u = university_copy("示范大学党委");
    let t = token(&u, PROVINCE);
    let server = Arc::new(Mutex::new(Server::start(&u)));
    // The proxy kills the server (SIGKILL) once it has the first page, before passing it on.
    // It holds the server weakly: the proxy's thread outlives the test, the server must not.
    let killer = Arc::downgrade(&server);
    let via = proxy(&server.lock().unwrap().url, move |n, _| {
        if let (0, Some(server)) = (n, killer.upgrade()) {
            server.lock().unwrap().kill();
        }
    });
    let p = province();
    let broken = pull_from(&p, &via, &t, "1").fails();
    broken.stderr_contains("已保存 1 页").stderr_contains("重新运行同一命令");
    assert_eq!(held(&p).len(), 1);

    // Restarted on the same store, the same command brings the rest, nothing twice.
    *server.lock().unwrap() = Server::start(&u);
    let url = server.lock().unwrap().url.clone();
    let rest = pull_from(&p, &url, &t, "1").json();
    assert_eq!((received(&rest), rest["unchanged"].as_u64()), (2, Some(1)), "{rest}");
    let again = pull_from(&p, &url, &t, "1").json();
    assert_eq!((received(&again), again["unchanged"].as_u64()), (0, Some(3)), "{again}");
    let mut names = held(&p);
    names.sort();
    assert_eq!(names, ["欧阳明", "许诺", "龘𠀀"]);
}

#[test]
fn s4_2_b_tampered_record_is_refused() {
    let u = university_copy("示范大学党委");
    let t = token(&u, PROVINCE);
    let server = Server::start(&u);
    let p = province();
    // A vote count changed on the way: the record no longer matches its hash.
    let votes = proxy(&server.url, |_, response| {
        let text = String::from_utf8(std::mem::take(response)).unwrap();
        *response = text.replacen("\"votes\":7", "\"votes\":8", 1).into_bytes();
    });
    pull_from(&p, &votes, &t, "50").fails().stderr_contains("篡改").stderr_contains("本次未保存任何记录");
    // A name changed together with the record's hash: the page seal no longer matches.
    let renamed = proxy(&server.url, |_, response| {
        let text = String::from_utf8(std::mem::take(response)).unwrap();
        let v: Value = serde_json::from_str(text.split("\r\n\r\n").nth(1).unwrap()).unwrap();
        let records = v["records"].as_array().unwrap();
        let star = records.iter().find(|r| r["record"]["member"]["name"] == "龘𠀀").unwrap();
        let mut sealed: shine_engine::star::Sealed = serde_json::from_value(star.clone()).unwrap();
        let old = sealed.content_hash.clone();
        sealed.record.member.name = "龘𠀁".into();
        let new = shine_engine::star::Sealed::seal(sealed.record).content_hash;
        *response = text.replacen("龘𠀀", "龘𠀁", 1).replacen(&old, &new, 1).into_bytes();
    });
    pull_from(&p, &renamed, &t, "50").fails().stderr_contains("篡改");
    // A pull cut short: the first page of two points back to itself, as if it were the last.
    let cut = proxy(&server.url, |_, response| {
        let text = String::from_utf8(std::mem::take(response)).unwrap();
        *response = text.replacen("\"next\":2", "\"next\":0", 1).into_bytes();
    });
    pull_from(&p, &cut, &t, "2").fails().stderr_contains("篡改");
    assert!(held(&p).is_empty());
    // Straight from the server, the same pull is taken.
    assert_eq!(received(&pull_from(&p, &server.url, &t, "50").json()), 3);
}

/// A proxy that forges every page as one who sniffed `token` would: `change` edits
/// the records (and may add some), each record is sealed again, and the page seal is
/// recomputed under the token's digest, so that hashes and seal all hold.
fn forging_proxy(upstream: &str, token: &str, change: impl Fn(&mut Vec<shine_engine::star::Sealed>) + Send + 'static) -> String {
    let key = shine_engine::star::token_digest(token);
    proxy(upstream, move |_, response| {
        let text = String::from_utf8(std::mem::take(response)).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let mut page: Value = serde_json::from_str(body).unwrap();
        let mut records: Vec<shine_engine::star::Sealed> = serde_json::from_value(page["records"].take()).unwrap();
        change(&mut records);
        let records: Vec<_> = records.into_iter().map(|s| shine_engine::star::Sealed::seal(s.record)).collect();
        let hashes: Vec<&str> = records.iter().map(|s| s.content_hash.as_str()).collect();
        let place = format!("{}|{}|", page["quarter"].as_str().unwrap(), records.len());
        page["seal"] = shine_engine::star::page_seal(&key, &place, &hashes).into();
        page["total"] = records.len().into();
        page["next"] = Value::Null;
        page["records"] = serde_json::to_value(&records).unwrap();
        let body = serde_json::to_string(&page).unwrap();
        let head: Vec<String> = head
            .split("\r\n")
            .map(|l| if l.to_ascii_lowercase().starts_with("content-length:") { format!("content-length: {}", body.len()) } else { l.to_owned() })
            .collect();
        *response = format!("{}\r\n\r\n{body}", head.join("\r\n")).into_bytes();
    })
}

#[test]
fn s4_2_b_records_forged_with_a_sniffed_token_are_rechecked_and_refused_whole() {
    let u = university_copy("示范大学党委");
    let t = token(&u, PROVINCE);
    let server = Server::start(&u);
    let p = province();
    type Forge = Box<dyn Fn(&mut Vec<shine_engine::star::Sealed>) + Send>;
    let forgeries: Vec<(Forge, &str)> = vec![
        (Box::new(|r| r[0].record.votes = r[0].record.ballots + 5), "超过选票数"),
        (Box::new(|r| r[0].record.ballots = -1), "不能为负数"),
        (Box::new(|r| r[1].record.recorded_share = Some("99.0%".into())), "得票率 99.0%"),
        (Box::new(|r| r[2].record.unit_path[0] = shine_engine::star::UnitCard { id: "c".into(), name: "滨海大学党委".into() }), "高校「示范大学党委」"),
        (
            Box::new(|r| {
                r[0].record.unit_path[0].name = "滨海大学党委".into();
                r[0].record.university = "滨海大学党委".into();
            }),
            "而该地址报送的是「示范大学党委」",
        ),
        (Box::new(|r| r[0].record.picks.clear()), "没有其推荐"),
        (
            // Three more stars under the units already sent: over the sender's pick bounds.
            Box::new(|r| {
                let extra: Vec<_> = r
                    .iter()
                    .map(|s| {
                        let mut s = s.clone();
                        s.record.member.id = format!("{}x", s.record.member.id);
                        s
                    })
                    .collect();
                r.extend(extra);
            }),
            "超过本校实施细则（落实 §4.3.d）",
        ),
    ];
    for (forge, check) in forgeries {
        let forged = forging_proxy(&server.url, &t, forge);
        let run = pull_from(&p, &forged, &t, "50").fails();
        run.stderr_contains("未通过核对").stderr_contains(check).stderr_contains("本次未保存任何记录");
        assert!(held(&p).is_empty(), "{}", run.stderr);
    }
    // One impossible record among good ones refuses the whole page, naming that record.
    let forged = forging_proxy(&server.url, &t, |r| {
        if let Some(s) = r.iter_mut().find(|s| s.record.member.name == "许诺") {
            s.record.votes = 1000;
        }
    });
    pull_from(&p, &forged, &t, "50").fails().stderr_contains("许诺").stderr_contains("得票 1000");
    assert!(held(&p).is_empty());
    // What the server really sent is taken.
    assert_eq!(received(&pull_from(&p, &server.url, &t, "50").json()), 3);
}

#[test]
fn tokens_come_from_a_private_file_or_the_environment_never_the_command_line() {
    let u = university_copy("示范大学党委");
    let dir = u.dir().to_path_buf();
    // `token create --out`: a new file only its owner may read, never overwritten.
    let created = u.args(["token", "create", "--unit", PROVINCE, "--out", "province.token"]).json();
    assert!(created.get("token").is_none(), "{created}");
    let file = dir.join("province.token");
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&file).unwrap().permissions()) & 0o777;
    assert_eq!(mode, 0o600);
    let t = std::fs::read_to_string(&file).unwrap().trim().to_owned();
    assert!(t.starts_with("shine_"), "{t}");
    u.args(["token", "create", "--unit", PROVINCE, "--out", "province.token"]).fails().stderr_contains("已存在");
    assert_eq!(u.args(["token", "list"]).json().as_array().unwrap().len(), 1, "no token issued without its file");
    assert_eq!(std::fs::read_to_string(&file).unwrap().trim(), t);
    let human = u.args(["token", "create", "--unit", PROVINCE]).ok();
    assert!(human.contains("--token-file") && !human.contains("--token <"), "{human}");

    let server = Server::start(&u);
    let p = province();
    // In argv: a usage error (exit 2) that names the safe ways and never echoes the token.
    for args in [vec!["--token", t.as_str()], vec![]] {
        let mut all = vec!["pull", "--from", server.url.as_str(), "--quarter", QUARTER];
        all.extend(args.iter().copied());
        if args.is_empty() {
            p.args(all).at(LATER).fails().stderr_contains("SHINE_TOKEN").stderr_contains("--token-file");
            continue;
        }
        let run = p.args(all.clone()).at(LATER).fails();
        assert_eq!(run.code, Some(2));
        run.stderr_contains("SHINE_TOKEN").stderr_contains("--token-file");
        assert!(!run.stderr.contains(&t) && !run.stdout.contains(&t), "{}", run.stderr);
        let error = p.args(all).at(LATER).fails_json();
        assert_eq!(error["code"], "usage");
        assert!(!error.to_string().contains(&t));
    }
    // A file others may read, an empty file, no file: refused, nothing pulled.
    let open = p.dir().join("open.token");
    std::fs::write(&open, &t).unwrap();
    std::fs::set_permissions(&open, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let run_with = |path: &Path| p.args(["pull", "--from", server.url.as_str(), "--quarter", QUARTER, "--token-file", path.to_str().unwrap()]).at(LATER);
    run_with(&open).fails().stderr_contains("其他用户也能读取").stderr_contains("chmod 600");
    let empty = p.dir().join("empty.token");
    std::fs::write(&empty, "  \n").unwrap();
    std::fs::set_permissions(&empty, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    run_with(&empty).fails().stderr_contains("是空的");
    run_with(&p.dir().join("missing.token")).fails().stderr_contains("无法读取凭据文件");
    assert!(held(&p).is_empty());
    // From the environment.
    let out = p
        .command_at(LATER)
        .args(["--json", "pull", "--from", server.url.as_str(), "--quarter", QUARTER])
        .env("SHINE_TOKEN", format!(" {t}\n"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(held(&p).len(), 3);
}

#[test]
fn access_tokens_refused_with_401_and_403_without_data() {
    let u = Shine::new();
    university(&u, &["b1"]);
    let g1 = token(&u, "g1");
    let revoked = u.args(["token", "create", "--unit", PROVINCE]).json();
    let revoked_token = revoked["token"].as_str().unwrap().to_owned();
    u.args(["token", "revoke", revoked["credential"]["id"].as_str().unwrap()]).ok();
    let list = u.args(["token", "list"]).json();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert!(!list.to_string().contains(&g1) && !list.to_string().contains("digest"), "{list}");
    let server = Server::start(&u);
    let body = r#"{"quarter": "2026Q4", "from": "b1"}"#;

    for (token, why) in [(None, "no token"), (Some("shine_0000"), "unknown token"), (Some(revoked_token.as_str()), "revoked token")] {
        let (code, text) = post_pull(&server, token, body);
        assert_eq!(code, 401, "{why}: {text}");
        refused_without_data(&text, token.unwrap_or("shine_"));
    }
    // g1 pulls from its own branch b1, not from the committee above it nor from g2's branch.
    let (code, text) = post_pull(&server, Some(&g1), body);
    assert_eq!(code, 200, "{text}");
    assert!(text.contains("龘𠀀"));
    for other in [r#"{"quarter": "2026Q4"}"#, r#"{"quarter": "2026Q4", "from": "b3"}"#] {
        let (code, text) = post_pull(&server, Some(&g1), other);
        assert_eq!(code, 403, "{other}: {text}");
        refused_without_data(&text, &g1);
    }
    // What travels has no ballot in it: votes and ballots only.
    assert!(!text.contains("ballot_key") && !text.contains("choices"), "{text}");
}

#[test]
fn branch_sees_only_its_own_members() {
    let u = Shine::new();
    university(&u, &[]);
    let (b1, b2, g1) = (token(&u, "b1"), token(&u, "b2"), token(&u, "g1"));
    let server = Server::start(&u);
    let members = |unit: &str, token: &str| http("GET", &format!("{}/api/v1/units/{unit}/members", server.url), Some(token), None);

    let (code, text) = members("b1", &b1);
    assert_eq!(code, 200, "{text}");
    let rows: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 7);
    assert_eq!(rows[0]["name"], "龘𠀀");
    assert!(!text.contains("vote"), "{text}");
    // The general branch sees its branches; a branch sees neither its sibling nor above.
    let (code, text) = members("g1", &g1);
    assert_eq!((code, serde_json::from_str::<Value>(&text).unwrap().as_array().unwrap().len()), (200, 14));
    for (unit, token) in [("b1", &b2), ("g1", &b1), ("c", &g1)] {
        let (code, text) = members(unit, token);
        assert_eq!(code, 403, "{unit}: {text}");
        refused_without_data(&text, token);
    }
    let (code, text) = members("b1", &g1);
    assert_eq!((code, serde_json::from_str::<Value>(&text).unwrap().as_array().unwrap().len()), (200, 7));
    assert!(text.contains("identity"), "{text}");
    assert_eq!(members("nowhere", &g1).0, 404);
    assert_eq!(http("GET", &format!("{}/api/v1/units/b1/members", server.url), None, None).0, 401);
}

#[test]
fn s4_2_b_rosters_stay_with_the_branch_and_its_direct_superior() {
    let u = Shine::new();
    university(&u, &[]);
    let (c, province) = (token(&u, "c"), token(&u, PROVINCE));
    let server = Server::start(&u);
    let members = |unit: &str, token: &str| http("GET", &format!("{}/api/v1/units/{unit}/members", server.url), Some(token), None);
    // The committee is the direct superior of a directly affiliated branch: it sees that roster.
    let (code, text) = members("d1", &c);
    assert_eq!(code, 200, "{text}");
    assert!(!serde_json::from_str::<Value>(&text).unwrap().as_array().unwrap().is_empty(), "{text}");
    // Two levels down (a general branch's branches, or the whole university): refused,
    // and the province sees no roster at all.
    for (unit, token) in [("g1", &c), ("b1", &c), ("c", &c), ("c", &province), ("g1", &province), ("b1", &province), ("d1", &province)] {
        let (code, text) = members(unit, token);
        assert_eq!(code, 403, "{unit}: {text}");
        refused_without_data(&text, token);
        let error: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(error["error"]["code"], "forbidden");
        assert!(error["error"]["message"].as_str().unwrap().contains("直属"), "{text}");
    }
}

#[test]
fn bad_api_input_gets_4xx_and_changes_nothing() {
    let u = Shine::new();
    university(&u, &["b1"]);
    let g1 = token(&u, "g1");
    let before = u.engine().store().dump().unwrap();
    let server = Server::start(&u);
    let huge = format!(r#"{{"quarter": "2026Q4", "from": "{}"}}"#, "b".repeat(20 * 1024));
    for (body, code) in [
        ("{\"quarter\": ", 400),
        ("[1, 2]", 400),
        (r#"{"quarter": "2026Q4", "page": 1}"#, 400),
        (huge.as_str(), 413),
        (r#"{"quarter": "Q4-2026"}"#, 422),
        (r#"{"quarter": "2026Q5", "from": "b1"}"#, 422),
        (r#"{"quarter": "2026Q4", "from": "b1", "limit": 0}"#, 422),
        (r#"{"quarter": "2026Q4", "from": "b1", "limit": 501}"#, 422),
        (r#"{"quarter": "2026Q4", "from": "nowhere"}"#, 404),
        (r#"{"quarter": "2026Q4", "from": "b2"}"#, 409),
    ] {
        let (got, text) = post_pull(&server, Some(&g1), body);
        assert_eq!(got, code, "{}: {text}", &body[..body.len().min(60)]);
        let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{code} not JSON ({e}): {text}"));
        assert!(v["error"]["message"].as_str().is_some_and(|e| !e.is_empty()), "{text}");
    }
    assert_eq!(http("GET", &format!("{}/display/2026-4", server.url), None, None).0, 422);
    let (code, page) = http("GET", &format!("{}/display/2026Q4", server.url), None, None);
    assert_eq!(code, 200, "{page}");
    assert_eq!(http("GET", &format!("{}/api/v1/health", server.url), None, None).0, 200);
    drop(server);
    assert!(before == u.engine().store().dump().unwrap(), "the store changed");
}

#[test]
fn s4_3_b_an_objection_is_recorded_from_the_cli_while_the_public_page_is_served() {
    let u = Shine::new();
    university(&u, &["b1", "b2"]);
    pulled_and_published(&u, "g1");
    let server = Server::start(&u);
    // One store, two ways in: while the server holds the store, a command typed at the
    // terminal is carried out by the server, with the same answer and the same refusals.
    let started = Instant::now();
    chain(&u, &["object", "--unit", "g1", "--member", "龘𠀀", "--reason", "群众反映事迹材料与实际不符"]).ok();
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    let status = u.args(["chain", "status", "--unit", "g1", "--quarter", QUARTER]).json();
    assert_eq!(status["stars"][0]["objection"]["reason"], "群众反映事迹材料与实际不符", "{status}");
    chain(&u, &["object", "--unit", "g1", "--member", "陈𬭎", "--reason", "迟到的意见"]).at(AFTER_WINDOW).fails().stderr_contains("2026-12-16");
    assert!(u.args(["members", "--branch", "b1"]).ok().contains("龘𠀀"));
    assert_eq!(u.args(["token", "list"]).json(), serde_json::json!([]));

    // What needs the store to itself is still refused, naming the server.
    let refused = u.args(["serve", "--listen", "127.0.0.1:0"]).fails();
    refused.stderr_contains("shine serve").stderr_contains(&server.pid().to_string()).stderr_contains("先停止该服务");

    // Stopped gracefully (SIGTERM), the server lets go of the store and its note; the
    // objection it recorded is in the store.
    let mut server = server;
    let status = server.stop_gracefully();
    assert!(status.success(), "{status:?}");
    assert!(!u.store_dir().join("serve.json").exists());
    let status = u.args(["chain", "status", "--unit", "g1", "--quarter", QUARTER]).json();
    assert_eq!(status["stars"][0]["objection"]["reason"], "群众反映事迹材料与实际不符", "{status}");
}

#[test]
fn tokens_created_and_revoked_while_serving_count_at_once() {
    let u = university_copy("示范大学党委");
    let first = token(&u, PROVINCE);
    let mut server = Server::start(&u);
    // serve.json holds the admin channel's secret: only the store's owner may read it.
    let serve_json = u.store_dir().join("serve.json");
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&serve_json).unwrap().permissions()) & 0o777;
    assert_eq!(mode, 0o600);
    let p = province();

    // Created while serving: the store is the server's, the server issues it, and it works at once.
    let created = u.args(["token", "create", "--unit", PROVINCE, "--label", "服务中发放"]).json();
    let second = created["token"].as_str().unwrap().to_owned();
    assert_eq!(created["credential"]["unit"], PROVINCE, "{created}");
    assert_eq!(received(&pull_from(&p, &server.url, &second, "50").json()), 3);
    let list = u.args(["token", "list"]).json();
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");

    // Revoked while serving: the very next request with it is refused.
    let id = created["credential"]["id"].as_str().unwrap();
    u.args(["token", "revoke", id]).ok();
    let (code, text) = post_pull(&server, Some(&second), r#"{"quarter": "2026Q4"}"#);
    assert_eq!(code, 401, "{text}");
    pull_from(&p, &server.url, &second, "50").fails().stderr_contains("401");
    assert_eq!(post_pull(&server, Some(&first), r#"{"quarter": "2026Q4"}"#).0, 200);

    // `--out` while serving: the file is made where the caller asked, owner only.
    u.args(["token", "create", "--unit", PROVINCE, "--out", "served.token"]).ok();
    let file = u.dir().join("served.token");
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&file).unwrap().permissions()) & 0o777;
    assert_eq!(mode, 0o600);
    let third = std::fs::read_to_string(&file).unwrap().trim().to_owned();
    assert_eq!(post_pull(&server, Some(&third), r#"{"quarter": "2026Q4"}"#).0, 200);

    // A refusal comes back worded as the command words it when it runs itself.
    let served = u.args(["token", "revoke", "nosuch"]).fails_json();
    let served_text = u.args(["token", "revoke", "nosuch"]).fails().stderr;
    let served_list = u.args(["token", "list"]).json();
    // Killed, the server leaves serve.json behind; the commands then run here.
    server.kill();
    assert!(serve_json.exists());
    assert_eq!(u.args(["token", "revoke", "nosuch"]).fails_json(), served);
    assert_eq!(u.args(["token", "revoke", "nosuch"]).fails().stderr, served_text);
    assert_eq!(u.args(["token", "list"]).json(), served_list);
    assert_eq!(served_list.as_array().unwrap().iter().filter(|c| c["revoked"] == true).count(), 1);
}

#[test]
fn the_admin_channel_refuses_a_wrong_secret_and_commands_that_need_the_store_alone() {
    let u = Shine::new();
    university(&u, &[]);
    let _server = Server::start(&u);
    let file: Value = serde_json::from_str(&std::fs::read_to_string(u.store_dir().join("serve.json")).unwrap()).unwrap();
    let admin = file["admin"]["url"].as_str().unwrap().to_owned();
    assert!(admin.starts_with("http://127.0.0.1:"), "{admin}");
    let secret = file["admin"]["secret"].as_str().unwrap().to_owned();
    let run = |secret: &str, args: &[&str]| {
        let body = serde_json::json!({ "args": args, "user": "tester" }).to_string();
        http("POST", &format!("{admin}/admin/v1/run"), Some(secret), Some(&body))
    };
    // The last character changed (to `0`, or to `1` when it is `0` already).
    let last = if secret.ends_with('0') { '1' } else { '0' };
    let wrong = format!("{}{last}", &secret[..secret.len() - 1]);
    let (code, text) = run(&wrong, &["shine", "token", "list"]);
    assert_eq!(code, 401, "{text}");
    // What needs the store to itself is not carried out by the server.
    let (code, text) = run(&secret, &["shine", "store", "restore", "--from", "备份.shine-backup", "--replace"]);
    assert_eq!(code, 422, "{text}");
    let (code, text) = run(&secret, &["shine", "org", "add", "--id", "x", "--name", "某学院党总支", "--kind", "general", "--parent", "c"]);
    assert_eq!(code, 200, "{text}");
    let (code, text) = run(&secret, &["shine", "token", "list"]);
    assert_eq!(code, 200, "{text}");
    assert!(text.contains("done"), "{text}");
}

#[test]
fn s4_3_b_objection_at_the_province_holds_the_candidate_off_the_public_page() {
    let u = university_copy("示范大学党委");
    let t = token(&u, PROVINCE);
    let server = Server::start(&u);
    let p = province();
    pull_from(&p, &server.url, &t, "50").ok();
    // Published on Monday 2026-12-21: the window runs to Friday 2026-12-25. (A window
    // opened on 12-28 would reach 2027, which the shipped calendar does not cover.)
    let published = p.args(["chain", "publish", "--quarter", QUARTER]).at(BEFORE_NEW_YEAR).json();
    assert_eq!(published["status"]["publication"]["until"], "2026-12-25", "{published}");
    p.args(["chain", "object", "--quarter", QUARTER, "--member", "龘𠀀", "--reason", "反映其事迹材料有夸大"]).at(BEFORE_NEW_YEAR).ok();

    let after_window = "2026-12-28T10:00:00+08:00";
    let page = |p: &Shine| {
        let site = Server::start_at(p, after_window);
        let (code, html) = http("GET", &format!("{}/display/{QUARTER}", site.url), None, None);
        assert_eq!(code, 200, "{html}");
        html
    };
    // Held while the objection stands, though the window has closed.
    let held_off = page(&p);
    assert!(held_off.contains("欧阳明") && held_off.contains("许诺"), "{held_off}");
    assert!(!held_off.contains("龘𠀀"), "an objected star is not displayed");

    // Dismissed after checking: displayed.
    p.args(["chain", "decide", "--quarter", QUARTER, "--member", "龘𠀀", "--dismiss", "--reason", "经核实，事迹属实"])
        .at(after_window)
        .ok();
    assert!(page(&p).contains("龘𠀀"));
}

/// The same return sent many times at once (a retrying client, a double click) is
/// recorded once: the check and the write are one step.
#[test]
fn s4_2_b_a_return_sent_a_hundred_times_at_once_is_recorded_once() {
    let u = university_copy("示范大学党委");
    let t = token(&u, PROVINCE);
    let mut server = Server::start(&u);
    let p = province();
    pull_from(&p, &server.url, &t, "50").ok();
    let status = p.args(["chain", "status", "--quarter", QUARTER]).at(LATER).json();
    let key = status["stars"][0]["key"].as_str().expect("a star's key").to_owned();
    let body = serde_json::json!({ "quarter": QUARTER, "key": key, "reason": "请补充事迹的具体时间和成效" }).to_string();
    let url = format!("{}/api/v1/returns", server.url);
    let codes: Vec<u16> = std::thread::scope(|scope| {
        let sent: Vec<_> = (0..100).map(|_| scope.spawn(|| http("POST", &url, Some(&t), Some(&body)).0)).collect();
        sent.into_iter().map(|h| h.join().expect("sender")).collect()
    });
    assert!(codes.iter().all(|c| *c == 200), "every repeat is answered as the first: {codes:?}");
    server.kill();
    let returned = u.args(["chain", "status", "--quarter", QUARTER]).at(LATER).json()["returned"].clone();
    assert_eq!(returned.as_array().map(Vec::len), Some(1), "{returned}");
}

#[test]
fn s4_2_b_province_returns_a_recommendation_and_the_university_resubmits() {
    let u = university_copy("示范大学党委");
    let t = token(&u, PROVINCE);
    let mut server = Server::start(&u);
    let p = province();
    pull_from(&p, &server.url, &t, "50").ok();
    let back = ["chain", "return", "--quarter", QUARTER, "--member", "龘𠀀", "--reason", "请补充事迹的具体时间和成效"];
    // The university must hear of it: without its credential nothing is recorded.
    p.args(back).at(BEFORE_NEW_YEAR).fails().stderr_contains("凭据");
    assert_eq!(p.args(["chain", "status", "--quarter", QUARTER]).at(BEFORE_NEW_YEAR).json()["stars"][0]["standing"]["state"], "held");
    let mut with_token = back.to_vec();
    let file = token_file(&p, &t);
    with_token.extend(["--token-file", file.as_str()]);
    p.args(with_token.clone()).at(BEFORE_NEW_YEAR).ok();
    // The province cannot go on while the star is away for correction.
    p.args(["chain", "publish", "--quarter", QUARTER]).at(BEFORE_NEW_YEAR).fails().stderr_contains("请补充事迹的具体时间和成效");

    // The university stops its server, sees the return, corrects and resubmits.
    server.kill();
    let status = u.args(["chain", "status", "--quarter", QUARTER]).at(BEFORE_NEW_YEAR).json();
    assert_eq!(status["returned"][0]["reason"], "请补充事迹的具体时间和成效", "{status}");
    let fixed = "2026年9月起每周两次为学生义务辅导，所带班级课程通过率提高15个百分点";
    u.args(["chain", "resubmit", "--quarter", QUARTER, "--member", "龘𠀀", "--reason", "已补充时间和成效", "--comment", fixed])
        .at(BEFORE_NEW_YEAR)
        .ok();
    assert!(u.args(["chain", "status", "--quarter", QUARTER]).at(BEFORE_NEW_YEAR).json()["returned"].as_array().unwrap().is_empty());

    // Pulled again: the corrected version replaces the returned one; history keeps both.
    let server = Server::start(&u);
    let again = pull_from(&p, &server.url, &t, "50").json();
    assert_eq!(received(&again), 1, "{again}");
    let status = p.args(["chain", "status", "--quarter", QUARTER]).at(BEFORE_NEW_YEAR).json();
    let star = status["stars"].as_array().unwrap().iter().find(|v| v["record"]["member"]["name"] == "龘𠀀").unwrap();
    assert_eq!(star["versions"], 2);
    assert_eq!(star["standing"]["state"], "held");
    assert_eq!(star["record"]["comment"], fixed);
    assert_eq!(star["record"]["corrections"][0]["returned_by"]["id"], PROVINCE);
    assert_eq!(star["record"]["corrections"][0]["returned_for"], "请补充事迹的具体时间和成效");
    p.args(["chain", "publish", "--quarter", QUARTER]).at(BEFORE_NEW_YEAR).ok();
    // A record the university never sent cannot be returned.
    let (code, _) = http(
        "POST",
        &format!("{}/api/v1/returns", server.url),
        Some(&t),
        Some(r#"{"quarter":"2026Q4","key":"no/such/star","reason":"x"}"#),
    );
    assert_eq!(code, 404);
}
