//! The words of the transport: what `shine serve` answers before a handler runs (a body
//! too large, too many requests, a request too slow), its warnings, and what
//! `shine serve --tls-*` and `shine pull --from https://…` say when a certificate or key
//! will not do.

use std::path::Path;

/// `{"error": {"code", "message"}}` for a body announced larger than the limit.
pub fn too_large(limit: usize) -> String {
    format!("请求体超过 {} KiB，已拒绝：拉取和退回请求都很小，请检查请求内容", limit / 1024)
}

pub fn rate_limited(retry_after: u64, by_credential: bool) -> String {
    let who = if by_credential { "该凭据" } else { "本地址" };
    format!("{who}的请求过于频繁，已暂时拒绝：请在 {retry_after} 秒后重试")
}

pub fn too_slow(seconds: u64) -> String {
    format!("请求处理超过 {seconds} 秒，已中止：请稍后重试；如反复出现，请联系对方管理员查看服务日志")
}

/// Printed (to stderr) when a plain-HTTP server listens beyond this machine.
pub fn clear_text_warning(address: &str) -> String {
    format!(
        "警告：`{address}` 可从其他机器访问，但未启用 TLS：凭据将以明文在网络上传输，可被截获并用于伪造报送。\
         请用 `--tls-cert 证书.pem --tls-key 私钥.pem` 启用 HTTPS，或只监听 127.0.0.1"
    )
}

/// What went wrong with the server's certificate or key, found before listening.
#[derive(Debug)]
pub enum PemProblem {
    Missing,
    Unreadable(String),
    NoCertificate,
    NoKey,
    /// The key is not one rustls can use, or it does not belong to the certificate.
    Mismatch(String),
}

pub fn pem_problem(cert: &Path, key: &Path, which: &Path, problem: &PemProblem) -> (String, String) {
    let which_shown = which.display();
    let help = "证书和私钥须为 PEM 格式（以 `-----BEGIN CERTIFICATE-----` 和 `-----BEGIN PRIVATE KEY-----` 开头），且私钥与证书配对；\
                可向学校网络中心申请，或用 `openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem` 生成自签名证书"
        .to_owned();
    let message = match problem {
        PemProblem::Missing => format!("找不到文件 `{which_shown}`"),
        PemProblem::Unreadable(e) => format!("无法读取 `{which_shown}`：{e}"),
        PemProblem::NoCertificate => format!("`{}` 中没有 PEM 格式的证书", cert.display()),
        PemProblem::NoKey => format!("`{}` 中没有 PEM 格式的私钥", key.display()),
        PemProblem::Mismatch(e) => {
            format!("证书 `{}` 与私钥 `{}` 不能一起使用（私钥与证书不配对，或私钥类型不受支持：{e}）", cert.display(), key.display())
        }
    };
    (format!("无法启用 TLS：{message}"), help)
}

/// The puller does not trust the server's certificate.
pub fn untrusted(from: &str, detail: &str) -> (String, String) {
    (
        format!("不信任 {from} 的证书，未连接（{detail}）"),
        "请向对方（如大学党委）索取其服务的证书文件（PEM），用 `--ca 证书.pem` 指定后重新拉取；本次未保存任何记录".to_owned(),
    )
}

/// Why a certificate was not trusted, in a few words.
pub fn certificate_problem(e: &rustls::CertificateError) -> String {
    use rustls::CertificateError as E;
    match e {
        E::UnknownIssuer => "证书的签发者不在信任列表中".into(),
        E::Expired | E::ExpiredContext { .. } => "证书已过期".into(),
        E::NotValidYet | E::NotValidYetContext { .. } => "证书尚未生效".into(),
        E::NotValidForName | E::NotValidForNameContext { .. } => "证书上的名称与所连接的地址不符".into(),
        E::Revoked => "证书已被吊销".into(),
        E::BadSignature | E::BadEncoding => "证书已损坏或签名无效".into(),
        other => format!("{other:?}"),
    }
}

/// `--ca FILE` will not do.
pub fn bad_ca(file: &Path, why: &str) -> (String, String) {
    (
        format!("无法使用 `--ca {}`：{why}", file.display()),
        "`--ca` 应为对方服务的证书（PEM 格式，以 `-----BEGIN CERTIFICATE-----` 开头）".to_owned(),
    )
}
