//! The server's transport under `shine serve`: the accept loop, TLS (rustls with the
//! ring provider), and the bounds that keep the server answering: a deadline for the
//! first complete request header (the TLS handshake included), an idle deadline
//! between requests, a deadline for each request, and a connection limit under the
//! open-file limit. When the table is full, the oldest connection that has not yet
//! sent a complete request header makes room (then the oldest idle one), so a client
//! holding many half-open connections cannot keep a real request out. Accept errors
//! (EMFILE among them) cost a short pause, never the server.

use crate::failure::Result;
use crate::messages::transport::{pem_problem, PemProblem};
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::time::Instant;
use tower::ServiceExt;

/// The bounds of one server.
#[derive(Debug, Clone)]
pub struct Limits {
    /// From accept to the first complete request header (TLS handshake included).
    pub header: Duration,
    /// From a request's header to its response.
    pub request: Duration,
    /// A kept-alive connection with no request in flight is closed after this. (hyper's
    /// header timeout also runs from the end of the last response: the next header must
    /// be complete within `header`; this is the backstop.)
    pub idle: Duration,
    /// Connections held at once.
    pub connections: usize,
}

/// File descriptors kept free of connections: the store, the log, blocking threads.
const RESERVED_FILES: u64 = 128;
const MAX_CONNECTIONS: u64 = 1024;

impl Limits {
    /// The defaults, the connection limit under this process's open-file limit (its
    /// soft limit first raised to the hard one).
    pub fn for_this_process() -> Limits {
        let files = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(1024);
        Limits {
            header: Duration::from_secs(10),
            request: Duration::from_secs(30),
            idle: Duration::from_secs(15),
            connections: files.saturating_sub(RESERVED_FILES).clamp(16, MAX_CONNECTIONS) as usize,
        }
    }
}

/// Plain HTTP, or HTTPS with this configuration.
pub enum Transport {
    Plain,
    Tls(tokio_rustls::TlsAcceptor),
}

impl Transport {
    pub fn scheme(&self) -> &'static str {
        match self {
            Transport::Plain => "http",
            Transport::Tls(_) => "https",
        }
    }
}

/// Read a PEM certificate chain and its key and check that they go together: every
/// problem is found here, before the server listens.
pub fn tls(cert: &Path, key: &Path) -> Result<Transport> {
    let fail = |which: &Path, problem: PemProblem| {
        let (message, help) = pem_problem(cert, key, which, &problem);
        crate::failure::Failure::Edge(crate::failure::EdgeError::new("tls_config", message).help(help))
    };
    let read = |which: &Path| {
        std::fs::read(which).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => fail(which, PemProblem::Missing),
            _ => fail(which, PemProblem::Unreadable(e.to_string())),
        })
    };
    let cert_pem = read(cert)?;
    let key_pem = read(key)?;
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| fail(cert, PemProblem::Unreadable(e.to_string())))?;
    if chain.is_empty() {
        return Err(fail(cert, PemProblem::NoCertificate));
    }
    let key_der = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| match e {
        rustls::pki_types::pem::Error::NoItemsFound => fail(key, PemProblem::NoKey),
        e => fail(key, PemProblem::Unreadable(e.to_string())),
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| fail(key, PemProblem::Mismatch(e.to_string())))?
        .with_no_client_auth()
        .with_single_cert(chain, key_der)
        .map_err(|e| fail(key, PemProblem::Mismatch(e.to_string())))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Transport::Tls(tokio_rustls::TlsAcceptor::from(Arc::new(config))))
}

/// One connection as the table sees it.
struct Conn {
    /// A complete request header has been read on it.
    headed: AtomicBool,
    /// Requests being answered.
    in_flight: AtomicUsize,
    /// Milliseconds since the server's start of the last request's end (or the accept).
    last: AtomicU64,
    close: Notify,
}

/// Every open connection, oldest first.
struct Table {
    started: Instant,
    conns: Mutex<BTreeMap<u64, Arc<Conn>>>,
    limit: usize,
}

impl Table {
    fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    /// Room for one more: when full, the oldest connection without a complete request
    /// header is closed, else the oldest idle one. `None` when every one is busy.
    fn admit(&self, id: u64) -> Option<Arc<Conn>> {
        let mut conns = self.conns.lock().unwrap_or_else(|p| p.into_inner());
        if conns.len() >= self.limit {
            let victim = conns
                .iter()
                .find(|(_, c)| !c.headed.load(Ordering::Acquire))
                .or_else(|| conns.iter().find(|(_, c)| c.in_flight.load(Ordering::Acquire) == 0))
                .map(|(id, _)| *id);
            let victim = conns.remove(&victim?)?;
            victim.close.notify_one();
        }
        let conn = Arc::new(Conn {
            headed: AtomicBool::new(false),
            in_flight: AtomicUsize::new(0),
            last: AtomicU64::new(self.now_ms()),
            close: Notify::new(),
        });
        conns.insert(id, conn.clone());
        Some(conn)
    }

    /// Out of file descriptors: close the oldest connection still without a header.
    fn shed(&self) {
        let mut conns = self.conns.lock().unwrap_or_else(|p| p.into_inner());
        let victim = conns.iter().find(|(_, c)| !c.headed.load(Ordering::Acquire)).map(|(id, _)| *id);
        if let Some(conn) = victim.and_then(|id| conns.remove(&id)) {
            conn.close.notify_one();
        }
    }

    fn remove(&self, id: u64) {
        self.conns.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
    }
}

/// A request in flight; the connection is idle again when it is dropped.
struct InFlight {
    conn: Arc<Conn>,
    table: Arc<Table>,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.conn.last.store(self.table.now_ms(), Ordering::Release);
        self.conn.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Serve `router` on `listener` until `shutdown` completes.
pub async fn serve(listener: TcpListener, transport: Transport, router: Router, limits: Limits, shutdown: impl Future<Output = ()>) {
    let table = Arc::new(Table { started: Instant::now(), conns: Mutex::new(BTreeMap::new()), limit: limits.connections });
    let transport = Arc::new(transport);
    let limits = Arc::new(limits);
    tracing::info!(connections = limits.connections, header_timeout_s = limits.header.as_secs(), "listening");
    tokio::pin!(shutdown);
    let mut next_id = 0u64;
    loop {
        let accepted = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                pause_after(&e, &table).await;
                continue;
            }
        };
        next_id += 1;
        let id = next_id;
        let Some(conn) = table.admit(id) else {
            tracing::warn!(client = %peer, "connection refused: every connection is busy");
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let (table, transport, limits, router) = (table.clone(), transport.clone(), limits.clone(), router.clone());
        tokio::spawn(async move {
            connection(stream, peer, &transport, router, &limits, conn, table.clone()).await;
            table.remove(id);
        });
    }
}

/// After an accept error: a short pause, longer when out of file descriptors (and one
/// half-open connection closed to make room), so the loop never spins.
async fn pause_after(e: &std::io::Error, table: &Table) {
    let out_of_files = matches!(e.raw_os_error(), Some(23 | 24)); // ENFILE, EMFILE
    if out_of_files {
        table.shed();
        tracing::warn!(error = %e, "accept failed: out of file descriptors");
        tokio::time::sleep(Duration::from_millis(50)).await;
    } else {
        tracing::warn!(error = %e, "accept failed");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn connection(stream: TcpStream, peer: SocketAddr, transport: &Transport, router: Router, limits: &Limits, conn: Arc<Conn>, table: Arc<Table>) {
    let header_deadline = Instant::now() + limits.header;
    match transport {
        Transport::Plain => http(stream, peer, router, limits, conn, table, header_deadline).await,
        Transport::Tls(acceptor) => {
            let handshake = tokio::select! {
                done = tokio::time::timeout_at(header_deadline, acceptor.accept(stream)) => done,
                _ = conn.close.notified() => return,
            };
            match handshake {
                Ok(Ok(tls)) => http(tls, peer, router, limits, conn, table, header_deadline).await,
                Ok(Err(e)) => tracing::debug!(client = %peer, error = %e, "TLS handshake failed"),
                Err(_) => tracing::debug!(client = %peer, "TLS handshake timed out"),
            }
        }
    }
}

async fn http<S>(stream: S, peer: SocketAddr, router: Router, limits: &Limits, conn: Arc<Conn>, table: Arc<Table>, header_deadline: Instant)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let request_limit = limits.request;
    let service = {
        let (conn, table) = (conn.clone(), table.clone());
        hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            conn.headed.store(true, Ordering::Release);
            conn.in_flight.fetch_add(1, Ordering::AcqRel);
            let in_flight = InFlight { conn: conn.clone(), table: table.clone() };
            let mut request = request.map(axum::body::Body::new);
            request.extensions_mut().insert(ConnectInfo(peer));
            let answer = router.clone().oneshot(request);
            async move {
                let response = match tokio::time::timeout(request_limit, answer).await {
                    Ok(Ok(response)) => response,
                    Ok(Err(never)) => match never {},
                    Err(_) => crate::layers::too_slow(request_limit),
                };
                drop(in_flight);
                Ok::<_, std::convert::Infallible>(response)
            }
        })
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header).keep_alive(true).max_buf_size(64 * 1024);
    let served = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(served);
    loop {
        let deadline = if !conn.headed.load(Ordering::Acquire) {
            header_deadline
        } else if conn.in_flight.load(Ordering::Acquire) > 0 {
            // A request's own deadline answers it; this only ends a connection stuck after.
            Instant::now() + limits.request
        } else {
            table.started + Duration::from_millis(conn.last.load(Ordering::Acquire)) + limits.idle
        };
        tokio::select! {
            done = served.as_mut() => {
                if let Err(e) = done {
                    tracing::debug!(client = %peer, error = %e, "connection ended");
                }
                return;
            }
            _ = conn.close.notified() => {
                tracing::debug!(client = %peer, "connection closed to make room");
                return;
            }
            _ = tokio::time::sleep_until(deadline) => {
                let idle = conn.in_flight.load(Ordering::Acquire) == 0;
                let headed = conn.headed.load(Ordering::Acquire);
                let since_last = table.now_ms().saturating_sub(conn.last.load(Ordering::Acquire));
                if !headed && Instant::now() >= header_deadline {
                    tracing::debug!(client = %peer, "no request header in time");
                    return;
                }
                if headed && idle && since_last >= limits.idle.as_millis() as u64 {
                    return;
                }
            }
        }
    }
}
