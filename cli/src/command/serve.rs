//! `shine serve`: the pull API for the level above (over HTTP or HTTPS, with per-unit
//! credentials) and the public display pages. The server opens the store once and
//! holds it; its API only reads. While it runs, `<store>/serve.json` names it, so that
//! another `shine` on the same store can say who holds it, and `shine token …` on that
//! store is run by this process through the local admin channel (`admin.rs`). Every
//! request is authenticated against the credentials as they are now: a token created
//! or revoked while serving counts from the next request. The transport (accept loop,
//! TLS, timeouts, connection limit) is `listener`; the layers around the handlers
//! (log, security headers, body and rate limits) are `layers`.

use crate::api::{ApiError, ApiErrorBody, MemberRow, PullPage, PullRequest, ReturnRequest, BODY_LIMIT, DEFAULT_LIMIT, MAX_LIMIT, RETURNS};
use crate::context::Context;
use crate::failure::Result;
use crate::render::Output;
use crate::serve_file::ServeFile;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use shine_engine::domain::{Actor, Quarter, Timestamp};
use shine_engine::ops::chain::Outbox;
use shine_engine::ops::Shine;
use shine_engine::refusal::{Kind, Refusal};
use shine_engine::star::UnitCard;
use shine_engine::state::access::Credential;
use std::io::Write;
use std::path::Path as FsPath;
use std::sync::Arc;

/// `runner` runs the commands forwarded to the local admin channel (`command::run`).
pub fn run(ctx: &Context, listen: &str, tls: Option<(&FsPath, &FsPath)>, runner: crate::admin::Runner) -> Result<Output> {
    // Certificate and key are checked before anything else: a bad pair never listens.
    let transport = match tls {
        Some((cert, key)) => crate::listener::tls(cert, key)?,
        None => crate::listener::Transport::Plain,
    };
    let shine = ctx.shine()?;
    // One structured, timestamped line per event on stderr (see `layers`).
    let _ = tracing_subscriber::fmt().with_writer(std::io::stderr).with_ansi(false).with_target(false).try_init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| crate::fail!("runtime", "无法启动服务：{e}"))?;
    // With `--now` the server's clock stands still (for tests and rehearsals); else each
    // request reads the clock, so a window that closes while the server runs is seen closed.
    let fixed_today = ctx.global.now.is_some().then(|| ctx.today());
    // The web workspace (`/work`) runs its actions with the CLI's own code, as the
    // admin channel does.
    let tls = !matches!(transport, crate::listener::Transport::Plain);
    let work = crate::web::router(shine.clone(), runner, crate::web::Settings::of(&ctx.global, tls));
    let app = Arc::new(App { shine, fixed_today });
    let url = runtime.block_on(serve(app, work, listen, transport, &ctx.global.store, runner))?;
    // Logged, not printed: whoever read the first line may have closed stdout since.
    tracing::info!(url = %url, "shine serve: 已停止");
    Ok(Output::new("", serde_json::json!({ "stopped": url })))
}

async fn serve(app: Arc<App>, work: Router, listen: &str, transport: crate::listener::Transport, store: &FsPath, runner: crate::admin::Runner) -> Result<String> {
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
        crate::fail!("listen", help = "换一个端口，如 `--listen 127.0.0.1:8081`，或先停止占用该端口的程序", "无法监听 `{listen}`：{e}")
    })?;
    let address = listener.local_addr().map_err(|e| crate::fail!("listen", "无法取得监听地址：{e}"))?;
    let url = format!("{}://{address}", transport.scheme());
    if matches!(transport, crate::listener::Transport::Plain) && !address.ip().is_loopback() {
        eprintln!("{}", crate::messages::transport::clear_text_warning(listen));
    }
    let file = ServeFile::path(store);
    // The local admin channel: `shine token …` on this store is run here while we hold it.
    let admin = crate::admin::Endpoint::bind().await?;
    let info = ServeFile { pid: std::process::id(), url: url.clone(), admin: Some(admin.entry()?) };
    info.write(store).map_err(|e| crate::fail!("file_unwritable", help = "检查存储目录的写权限", "无法写入 `{}`：{e}", file.display()))?;
    let admin = tokio::spawn(admin.serve(app.shine.clone(), runner, stopped()));
    // The first line is the address; callers (and tests) read it to learn the port.
    println!("shine serve: {url}");
    let _ = std::io::stdout().flush();
    crate::listener::serve(listener, transport, router(app, work), crate::listener::Limits::for_this_process(), stopped()).await;
    admin.abort();
    let _ = std::fs::remove_file(&file);
    Ok(url)
}

fn router(app: Arc<App>, work: Router) -> Router {
    let who = app.clone();
    let authenticate: crate::layers::Authenticate = Arc::new(move |token: &str| who.shine.authenticate(token).ok().flatten().map(|c| c.id));
    let routes = Router::new()
        .route("/api/v1/pull", post(pull))
        .route(RETURNS, post(returns))
        .route("/api/v1/units/{unit}/members", get(members))
        .route("/api/v1/health", get(|| async { Json(serde_json::json!({ "status": "ok" })) }))
        .route("/", get(index))
        .route("/display/{quarter}", get(display))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(app)
        .merge(work);
    crate::layers::apply(routes, authenticate)
}

/// Ctrl-C or SIGTERM.
async fn stopped() {
    let term = async {
        #[cfg(unix)]
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
            return;
        }
        std::future::pending::<()>().await
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
}

struct App {
    shine: Shine,
    fixed_today: Option<chrono::NaiveDate>,
}

/// A refusal: a status, a code and a reason in Chinese, nothing else.
struct Refused(StatusCode, &'static str, String);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        (self.0, Json(ApiError { error: ApiErrorBody { code: self.1.to_owned(), message: self.2 } })).into_response()
    }
}

fn refuse(status: StatusCode, code: &'static str, reason: impl Into<String>) -> Refused {
    Refused(status, code, reason.into())
}

/// An engine failure the caller cannot act on: details go to the log, not to the caller.
fn internal(r: Refusal) -> Refused {
    eprintln!("内部错误：{}", crate::messages::refusal::word(&r).message);
    refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal", "服务器内部错误，请联系对方管理员查看服务日志")
}

/// An engine refusal the caller can act on, worded as the CLI words it.
fn refused(status: StatusCode, code: &'static str, r: &Refusal) -> Refused {
    refuse(status, code, crate::messages::refusal::word(r).message)
}

type Answer<T> = std::result::Result<T, Refused>;

fn quarter(text: &str) -> Answer<Quarter> {
    text.parse().map_err(|_| refuse(StatusCode::UNPROCESSABLE_ENTITY, "bad_quarter", format!("`{text}` 不是有效的季度：季度写作 2026Q4")))
}

/// Run engine work off the async threads.
async fn blocking<T: Send + 'static>(app: Arc<App>, work: impl FnOnce(&App) -> Answer<T> + Send + 'static) -> Answer<T> {
    tokio::task::spawn_blocking(move || work(&app))
        .await
        .unwrap_or_else(|_| Err(refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal", "服务器内部错误，请稍后重试")))
}

impl App {
    fn today(&self) -> chrono::NaiveDate {
        self.fixed_today.unwrap_or_else(|| crate::context::beijing_now().date_naive())
    }

    fn credential(&self, headers: &HeaderMap) -> Answer<Credential> {
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| refuse(StatusCode::UNAUTHORIZED, "no_token", "缺少凭据：请在 Authorization 头中以 Bearer 方式提供本单位的凭据"))?;
        self.shine.authenticate(token).map_err(internal)?.ok_or_else(|| {
            refuse(StatusCode::UNAUTHORIZED, "bad_token", "凭据无效或已吊销：请向下级单位索取新的凭据（shine token create）")
        })
    }

    fn unit(&self, id: Option<&str>) -> Answer<UnitCard> {
        let tree = self.shine.org().map_err(internal)?;
        let unit = match id {
            Some(id) => tree.unit(id),
            None => tree.root(),
        };
        unit.map(|u| UnitCard { id: u.id.to_string(), name: u.name.clone() })
            .ok_or_else(|| refuse(StatusCode::NOT_FOUND, "not_found", format!("没有编号为 `{}` 的单位", id.unwrap_or(""))))
    }

    fn pull(&self, headers: &HeaderMap, body: &[u8]) -> Answer<PullPage> {
        let credential = self.credential(headers)?;
        let request: PullRequest = serde_json::from_slice(body)
            .map_err(|e| refuse(StatusCode::BAD_REQUEST, "bad_request", format!("请求体不是有效的拉取请求（{e}）：应为 {{\"quarter\": \"2026Q4\"}}，可选 from、after、limit")))?;
        let quarter = quarter(&request.quarter)?;
        let limit = request.limit.unwrap_or(DEFAULT_LIMIT);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(refuse(StatusCode::UNPROCESSABLE_ENTITY, "bad_limit", format!("limit 应在 1 到 {MAX_LIMIT} 之间")));
        }
        let from = self.unit(request.from.as_deref())?;
        if !self.shine.may_pull(&credential.unit, &from.id).map_err(internal)? {
            return Err(refuse(StatusCode::FORBIDDEN, "forbidden", "该凭据无权拉取这个单位的报送：只能拉取直属下级单位的报送"));
        }
        let tree = self.shine.org().map_err(internal)?;
        let from_id = shine_engine::domain::UnitId::parse(&from.id).map_err(|_| refuse(StatusCode::NOT_FOUND, "not_found", "没有这个单位"))?;
        let sealed = match self.shine.outbox(&tree, self.shine.current(), &from_id, quarter).map_err(internal)? {
            Outbox::Ready(sealed) => sealed,
            Outbox::Waiting(why) => {
                return Err(refuse(StatusCode::CONFLICT, "nothing_sent", format!("尚未报送：{}", crate::messages::words::waiting(&why))))
            }
        };
        let total = sealed.len();
        let start = request.after.unwrap_or(0).min(total);
        let end = (start + limit).min(total);
        let records = sealed[start..end].to_vec();
        let mut page = PullPage { quarter: quarter.to_string(), from, records, total, next: (end < total).then_some(end), seal: String::new() };
        page.seal = page.expected_seal(&credential.digest);
        Ok(page)
    }

    /// The level above sends one of this instance's recommendations back for correction.
    fn returned(&self, headers: &HeaderMap, body: &[u8]) -> Answer<shine_engine::state::level::Return> {
        let credential = self.credential(headers)?;
        let request: ReturnRequest = serde_json::from_slice(body).map_err(|e| {
            refuse(StatusCode::BAD_REQUEST, "bad_request", format!("请求体不是有效的退回请求（{e}）：应为 {{\"quarter\", \"key\", \"reason\"}}"))
        })?;
        let quarter = quarter(&request.quarter)?;
        let top = self.unit(None)?;
        if !self.shine.may_pull(&credential.unit, &top.id).map_err(internal)? {
            return Err(refuse(StatusCode::FORBIDDEN, "forbidden", "该凭据无权退回：只有本校党委报送的上级单位可以退回"));
        }
        let at = match self.fixed_today {
            Some(day) => day.and_hms_opt(12, 0, 0).and_then(|t| t.and_local_timezone(crate::context::beijing()).single()),
            None => Some(crate::context::beijing_now()),
        }
        .ok_or_else(|| refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal", "服务器时间无效"))?;
        let who = if credential.label.is_empty() { credential.unit.clone() } else { credential.label.clone() };
        let actor = Actor { who, role: credential.unit.clone(), at: Timestamp::new(at) };
        self.shine.accept_return(&actor, &credential.unit, quarter, &request.key, &request.reason).map_err(|r| match r.kind.as_ref() {
            Kind::NotFound { .. } => refuse(StatusCode::NOT_FOUND, "not_found", "没有这条报送记录：只能退回本校报送的推荐"),
            Kind::NothingSent { .. } => refused(StatusCode::CONFLICT, "nothing_sent", &r),
            Kind::Empty { .. } | Kind::NotOurSuperior { .. } => refused(StatusCode::UNPROCESSABLE_ENTITY, "invalid", &r),
            _ => internal(r),
        })
    }

    fn members(&self, headers: &HeaderMap, unit: &str) -> Answer<Vec<MemberRow>> {
        let credential = self.credential(headers)?;
        let unit = self.unit(Some(unit))?;
        if !self.shine.may_see(&credential.unit, &unit.id).map_err(internal)? {
            return Err(refuse(StatusCode::FORBIDDEN, "forbidden", "该凭据无权查看这个单位的党员名册：名册只给本单位及其直属上级查看，请查看本单位或直属下级单位的名册"));
        }
        let tree = self.shine.org().map_err(internal)?;
        let mut rows = Vec::new();
        let workflow = &self.shine.current().workflow;
        for branch in tree.in_order().filter(|b| workflow.runs_in(&b.kind) && tree.path(b.id.as_str()).iter().any(|u| u.id.as_str() == unit.id)) {
            // Members on the roster now: one who left or was transferred is not listed
            // under the old branch.
            for m in self.shine.roster(&branch.id).map_err(internal)?.current() {
                rows.push(MemberRow {
                    id: m.id.to_string(),
                    name: m.name.clone(),
                    identity: m.identity.clone(),
                    role: m.role.clone(),
                    full: m.full,
                    branch: branch.id.to_string(),
                });
            }
        }
        Ok(rows)
    }

    fn quarters(&self) -> Answer<Vec<Quarter>> {
        self.shine.chain_quarters().map_err(internal)
    }
}

/// A request body within the limit, or the refusal to answer with.
fn read_body(body: std::result::Result<Bytes, BytesRejection>) -> std::result::Result<Bytes, Refused> {
    body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            refuse(e.status(), "too_large", format!("请求体超过 {} KiB", BODY_LIMIT / 1024))
        } else {
            refuse(e.status(), "bad_request", "无法读取请求体")
        }
    })
}

async fn pull(State(app): State<Arc<App>>, headers: HeaderMap, body: std::result::Result<Bytes, BytesRejection>) -> Response {
    match read_body(body) {
        Ok(body) => blocking(app, move |app| app.pull(&headers, &body)).await.map(Json).into_response(),
        Err(refused) => refused.into_response(),
    }
}

async fn returns(State(app): State<Arc<App>>, headers: HeaderMap, body: std::result::Result<Bytes, BytesRejection>) -> Response {
    match read_body(body) {
        Ok(body) => blocking(app, move |app| app.returned(&headers, &body)).await.map(Json).into_response(),
        Err(refused) => refused.into_response(),
    }
}

async fn members(State(app): State<Arc<App>>, headers: HeaderMap, Path(unit): Path<String>) -> Response {
    blocking(app, move |app| app.members(&headers, &unit)).await.map(Json).into_response()
}

async fn index(State(app): State<Arc<App>>) -> Response {
    blocking(app, |app| {
        let title = app.shine.org().map_err(internal)?.root().map(|r| r.name.clone()).unwrap_or_else(|| "闪光言行之星".into());
        Ok(Html(crate::page::index_page(&title, &app.quarters()?)))
    })
    .await
    .into_response()
}

async fn display(State(app): State<Arc<App>>, Path(quarter): Path<String>) -> Response {
    blocking(app, move |app| {
        let quarter = self::quarter(&quarter)?;
        let display = app.shine.display(quarter, app.today()).map_err(internal)?;
        Ok(Html(crate::page::quarter_page(&display, &app.quarters()?)))
    })
    .await
    .into_response()
}
