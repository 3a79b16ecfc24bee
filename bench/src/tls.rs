//! The bench's own certificate authority. The replay server answers over HTTPS with a
//! certificate for `127.0.0.1` that this CA signs, and the functions trust the CA through
//! `BACKOFFICE_EXTRA_ROOT` (one more root beside the embedded AWS ones, read at start): every
//! cold start and every request the bench measures includes the TLS handshake, certificate
//! verification and record encryption, as on AWS.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// The CA (its certificate written to a file the functions are pointed at) and a TLS acceptor
/// serving a leaf certificate it signed.
#[derive(Clone)]
pub struct BenchCa {
    pub ca_file: PathBuf,
    pub acceptor: TlsAcceptor,
}

impl BenchCa {
    /// A new CA whose certificate is written under `dir`.
    pub fn create(dir: &Path) -> Result<Self, Error> {
        let ca_key = rcgen::KeyPair::generate()?;
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new())?;
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params.distinguished_name.push(rcgen::DnType::CommonName, "backoffice bench CA");
        let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key)?;

        let leaf_key = rcgen::KeyPair::generate()?;
        let leaf = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])?
            .signed_by(&leaf_key, &ca)?;

        std::fs::create_dir_all(dir)?;
        let ca_file = dir.join("bench-ca.pem");
        std::fs::write(&ca_file, ca.pem())?;

        let chain: Vec<CertificateDer<'static>> = vec![leaf.der().clone(), ca.der().clone()];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
        let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
        let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(chain, key)?;
        Ok(Self { ca_file, acceptor: TlsAcceptor::from(Arc::new(config)) })
    }
}

/// The bench's CA, created once per run under `target/bench/`.
pub fn ca() -> Result<&'static BenchCa, Error> {
    static CA: std::sync::OnceLock<Result<BenchCa, String>> = std::sync::OnceLock::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    CA.get_or_init(|| BenchCa::create(&dir).map_err(|e| e.to_string())).as_ref().map_err(|e| e.clone().into())
}
