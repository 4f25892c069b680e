//! The HTTP(S) client of `shine pull --from` and `shine chain return`: ureq over
//! rustls with the ring provider. It trusts the public certificate authorities and,
//! with `--ca FILE`, the certificates in that PEM file: a university's own authority,
//! or its self-signed server certificate. A certificate named in `--ca` is also
//! trusted as itself when it is the very one the server presents, even if it is marked
//! as an authority (as `openssl req -x509` makes them): the handshake still proves the
//! server holds its key.

use crate::failure::{EdgeError, Failure, Result};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// An agent with these timeouts, trusting `ca` besides the public authorities.
pub fn agent(ca: Option<&Path>, timeout: Duration) -> Result<ureq::Agent> {
    let builder = ureq::AgentBuilder::new().timeout_connect(Duration::from_secs(5)).timeout(timeout);
    let Some(ca) = ca else { return Ok(builder.build()) };
    let bad = |why: String| {
        let (message, help) = crate::messages::transport::bad_ca(ca, &why);
        Failure::Edge(EdgeError::new("bad_ca", message).help(help))
    };
    let pem = std::fs::read(ca).map_err(|e| bad(e.to_string()))?;
    let pinned = CertificateDer::pem_slice_iter(&pem).collect::<std::result::Result<Vec<_>, _>>().map_err(|e| bad(e.to_string()))?;
    if pinned.is_empty() {
        return Err(bad("文件中没有 PEM 格式的证书".into()));
    }
    let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    for cert in &pinned {
        roots.add(cert.clone()).map_err(|e| bad(e.to_string()))?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone()).build().map_err(|e| bad(e.to_string()))?;
    let verifier = Arc::new(Pinned { webpki, pinned });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| bad(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(builder.tls_config(Arc::new(config)).build())
}

/// The usual path validation, and a server certificate byte for byte one of `--ca`.
#[derive(Debug)]
struct Pinned {
    webpki: Arc<WebPkiServerVerifier>,
    pinned: Vec<CertificateDer<'static>>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self.webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Ok(verified) => Ok(verified),
            Err(_) if self.pinned.iter().any(|p| p.as_ref() == end_entity.as_ref()) => Ok(ServerCertVerified::assertion()),
            Err(e) => Err(e),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// The TLS error under a transport error, if that is what it was.
pub fn tls_error(t: &ureq::Transport) -> Option<&rustls::Error> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(t);
    while let Some(e) = next {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        if let Some(tls) = e.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()).and_then(|inner| inner.downcast_ref::<rustls::Error>()) {
            return Some(tls);
        }
        next = e.source();
    }
    None
}
