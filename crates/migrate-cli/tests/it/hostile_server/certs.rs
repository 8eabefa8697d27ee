//! Certificates made at test time (no key is committed): a CA, and server certificates for
//! 127.0.0.1 that are self-signed, expired, or valid only for another name.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, date_time_ymd,
};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A server identity: its TLS config, and the PEM of the CA a client must trust for it.
pub struct Identity {
    pub server: Arc<ServerConfig>,
    /// The PEM to give as `tls.ca_file` (the signing CA, or the certificate itself when self-signed).
    pub trust_pem: String,
}

fn server_config(chain: Vec<CertificateDer<'static>>, key: &KeyPair) -> Arc<ServerConfig> {
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let config = ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .expect("server certificate");
    Arc::new(config)
}

fn ca() -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, "migrate hostile-server test CA");
    CertifiedIssuer::self_signed(params, KeyPair::generate().expect("CA key")).expect("CA")
}

/// A certificate for `name` signed by a fresh CA; `expired` puts its validity in 2000–2001.
pub fn ca_signed(name: &str, expired: bool) -> Identity {
    let ca = ca();
    let key = KeyPair::generate().expect("server key");
    let mut params = CertificateParams::new(vec![name.to_owned()]).expect("server params");
    if expired {
        params.not_before = date_time_ymd(2000, 1, 1);
        params.not_after = date_time_ymd(2001, 1, 1);
    }
    let cert = params.signed_by(&key, &ca).expect("server certificate");
    Identity {
        server: server_config(vec![cert.der().clone(), ca.der().clone()], &key),
        trust_pem: ca.pem(),
    }
}

/// A self-signed certificate for 127.0.0.1 (trusted by no one).
pub fn self_signed() -> Identity {
    let key = KeyPair::generate().expect("key");
    let params = CertificateParams::new(vec!["127.0.0.1".to_owned()]).expect("params");
    let cert = params.self_signed(&key).expect("certificate");
    Identity {
        server: server_config(vec![cert.der().clone()], &key),
        trust_pem: cert.pem(),
    }
}
