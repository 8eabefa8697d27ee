//! Optional authentication: HTTP basic, or AWS SigV4 (service `es`) verified by recomputing the expected
//! signature with the `aws-sigv4` crate. Secrets never appear in Debug output or errors.

use std::fmt;
use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, SignableBody, SignableRequest, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use axum::http::{HeaderMap, Method, Uri};
use base64::Engine;
use time::PrimitiveDateTime;
use time::macros::format_description;

use crate::error::ApiError;

/// What the sandbox accepts.
#[derive(Clone)]
pub enum Auth {
    /// `Authorization: Basic ...` with these credentials.
    Basic {
        /// User name.
        username: String,
        /// Password (never printed).
        password: String,
    },
    /// SigV4-signed requests for a service (normally `es`) and region.
    SigV4 {
        /// Access key id.
        access_key_id: String,
        /// Secret key (never printed).
        secret_access_key: String,
        /// Region.
        region: String,
        /// Service name.
        service: String,
    },
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", &"<redacted>")
                .finish(),
            Auth::SigV4 {
                access_key_id,
                region,
                service,
                ..
            } => f
                .debug_struct("SigV4")
                .field("access_key_id", access_key_id)
                .field("secret_access_key", &"<redacted>")
                .field("region", region)
                .field("service", service)
                .finish(),
        }
    }
}

impl Auth {
    /// Basic auth.
    pub fn basic(username: &str, password: &str) -> Self {
        Auth::Basic {
            username: username.into(),
            password: password.into(),
        }
    }

    /// SigV4 for service `es`.
    pub fn sigv4(access_key_id: &str, secret_access_key: &str, region: &str) -> Self {
        Auth::SigV4 {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            region: region.into(),
            service: "es".into(),
        }
    }

    /// Checks a request; the error is what the server answers.
    pub fn verify(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<(), ApiError> {
        match self {
            Auth::Basic { username, password } => {
                let expected = format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD
                        .encode(format!("{username}:{password}"))
                );
                let got = headers.get("authorization").and_then(|v| v.to_str().ok());
                match got {
                    Some(g) if g == expected => Ok(()),
                    Some(_) => Err(ApiError::unauthorized(format!(
                        "unable to authenticate user [{}] for REST request [{}]",
                        basic_user(got).unwrap_or_default(),
                        uri.path()
                    ))
                    .with("header", serde_json::json!({"WWW-Authenticate": "Basic realm=\"security\" charset=\"UTF-8\""}))),
                    None => Err(ApiError::unauthorized(format!(
                        "missing authentication credentials for REST request [{}]",
                        uri.path()
                    ))
                    .with("header", serde_json::json!({"WWW-Authenticate": "Basic realm=\"security\" charset=\"UTF-8\""}))),
                }
            }
            Auth::SigV4 {
                access_key_id,
                secret_access_key,
                region,
                service,
            } => verify_sigv4(
                method,
                uri,
                headers,
                body,
                access_key_id,
                secret_access_key,
                region,
                service,
            ),
        }
    }
}

fn basic_user(header: Option<&str>) -> Option<String> {
    let b64 = header?.strip_prefix("Basic ")?;
    let raw = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    let s = String::from_utf8(raw).ok()?;
    Some(s.split(':').next().unwrap_or_default().to_string())
}

fn forbidden(msg: &str) -> ApiError {
    ApiError::new(axum::http::StatusCode::FORBIDDEN, "security_exception", msg)
}

#[allow(clippy::too_many_arguments)]
fn verify_sigv4(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    akid: &str,
    secret: &str,
    region: &str,
    service: &str,
) -> Result<(), ApiError> {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| forbidden("Authorization header requires 'Credential' parameter."))?;
    let rest = auth
        .strip_prefix("AWS4-HMAC-SHA256 ")
        .ok_or_else(|| forbidden("Authorization header requires 'Credential' parameter."))?;
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(v) = part.strip_prefix("Credential=") {
            credential = Some(v);
        } else if let Some(v) = part.strip_prefix("SignedHeaders=") {
            signed_headers = Some(v);
        } else if let Some(v) = part.strip_prefix("Signature=") {
            signature = Some(v);
        }
    }
    let (Some(credential), Some(signed_headers), Some(signature)) =
        (credential, signed_headers, signature)
    else {
        return Err(forbidden(
            "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.",
        ));
    };
    let scope: Vec<&str> = credential.split('/').collect();
    if scope.len() != 5 || scope[0] != akid {
        return Err(forbidden(
            "The security token included in the request is invalid.",
        ));
    }
    if scope[2] != region || scope[3] != service {
        return Err(forbidden(&format!(
            "Credential should be scoped to a valid region and service, not '{}/{}'.",
            scope[2], scope[3]
        )));
    }
    let amz_date = headers
        .get("x-amz-date")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| forbidden("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."))?;
    let fmt = format_description!("[year][month][day]T[hour][minute][second]Z");
    let when: SystemTime = PrimitiveDateTime::parse(amz_date, fmt)
        .map_err(|_| forbidden("X-Amz-Date is not a valid date."))?
        .assume_utc()
        .into();
    let names: Vec<&str> = signed_headers.split(';').collect();
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    for name in &names {
        if matches!(
            *name,
            "x-amz-date" | "x-amz-security-token" | "x-amz-content-sha256"
        ) {
            continue;
        }
        if let Some(v) = headers.get(*name).and_then(|v| v.to_str().ok()) {
            pairs.push((name, v));
        }
    }
    let mut settings = SigningSettings::default();
    if names.contains(&"x-amz-content-sha256") {
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    }
    let token = headers
        .get("x-amz-security-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let identity = Credentials::new(akid, secret, token, None, "sandbox").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(when)
        .settings(settings)
        .build()
        .map_err(|_| forbidden("signature parameters are invalid"))?
        .into();
    let full_uri = format!(
        "http://{}{}",
        headers
            .get("host")
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost"),
        uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
    );
    let request = SignableRequest::new(
        method.as_str(),
        full_uri,
        pairs.into_iter(),
        SignableBody::Bytes(body),
    )
    .map_err(|_| forbidden("the request cannot be signed"))?;
    let expected = sign(request, &params).map_err(|_| forbidden("the request cannot be signed"))?;
    if expected.signature() == signature {
        Ok(())
    } else {
        Err(forbidden(
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_secrets() {
        let a = format!("{:?}", Auth::basic("u", "hunter2"));
        assert!(!a.contains("hunter2"));
        let s = format!("{:?}", Auth::sigv4("AKID", "topsecret", "us-east-1"));
        assert!(!s.contains("topsecret"));
    }

    #[test]
    fn basic_auth_accepts_right_and_rejects_wrong() {
        let a = Auth::basic("admin", "pw");
        let mut h = HeaderMap::new();
        let uri: Uri = "/".parse().unwrap();
        let e = a.verify(&Method::GET, &uri, &h, b"").unwrap_err();
        assert_eq!(e.status.as_u16(), 401);
        h.insert("authorization", "Basic YWRtaW46cHc=".parse().unwrap());
        assert!(a.verify(&Method::GET, &uri, &h, b"").is_ok());
        h.insert("authorization", "Basic YWRtaW46eA==".parse().unwrap());
        assert!(a.verify(&Method::GET, &uri, &h, b"").is_err());
    }
}
