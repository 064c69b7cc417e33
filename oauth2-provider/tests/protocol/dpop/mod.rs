//! DPoP (RFC 9449): proofs at the token endpoint, bound tokens, nonces, `dpop_jkt`, and the
//! `DPoP` scheme at a resource.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use http::header::AUTHORIZATION;
use http::{Method, Request, StatusCode};
use jsonwebtoken::EncodingKey;
use oauth2_provider::dpop::jwk_thumbprint;
use oauth2_provider::jose::{Algorithm, SigningKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub use super::support::*;

mod bound;
mod device;
mod pushed;
mod token;

pub const ISSUER: &str = "https://auth.example.com";
pub const TOKEN_URL: &str = "https://auth.example.com/token";
pub const API_URL: &str = "https://auth.example.com/api/notes";

/// A client's DPoP key, and the proofs it signs.
pub struct Key {
    public: Value,
    encoding: EncodingKey,
}

impl Key {
    pub fn new() -> Self {
        let key = SigningKey::generate(Algorithm::ES256).unwrap();
        Key {
            public: key.public_jwk(),
            encoding: EncodingKey::from_ec_der(&key.to_pkcs8_der()),
        }
    }

    pub fn jkt(&self) -> String {
        jwk_thumbprint(&self.public).unwrap()
    }

    pub fn header(&self) -> Value {
        json!({ "typ": "dpop+jwt", "alg": "ES256", "jwk": self.public })
    }

    /// A fresh proof for `htm` `htu`, with `extra` claims.
    pub fn proof(&self, htm: &str, htu: &str, extra: Value) -> String {
        let mut claims = json!({ "jti": random_jti(), "htm": htm, "htu": htu, "iat": now() });
        for (name, value) in extra.as_object().unwrap() {
            claims[name] = value.clone();
        }
        self.sign(&self.header(), &claims)
    }

    pub fn token_proof(&self) -> String {
        self.proof("POST", TOKEN_URL, json!({}))
    }

    pub fn sign(&self, header: &Value, claims: &Value) -> String {
        let message = format!("{}.{}", b64(header), b64(claims));
        let signature = jsonwebtoken::crypto::sign(
            message.as_bytes(),
            &self.encoding,
            jsonwebtoken::Algorithm::ES256,
        )
        .unwrap();
        format!("{message}.{signature}")
    }
}

pub fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

pub fn random_jti() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).unwrap();
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn ath(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

pub fn dpop_server() -> TestServer {
    server_with(|c| c.issuer = Some(ISSUER.to_owned()))
}

/// A token request with these `DPoP` headers.
pub async fn token_with(
    server: &TestServer,
    auth: Auth<'_>,
    params: &[(&str, &str)],
    proofs: &[&str],
) -> JsonReply {
    let mut request = token_request(auth, params);
    for proof in proofs {
        request.headers_mut().append("dpop", proof.parse().unwrap());
    }
    JsonReply::from_response(server.token(request).await)
}

pub const CLIENT_CREDENTIALS: &[(&str, &str)] = &[("grant_type", "client_credentials")];

pub async fn introspect(server: &TestServer, token: &str) -> JsonReply {
    let mut request = token_request(Auth::Basic(API, API_SECRET), &[("token", token)]);
    *request.uri_mut() = "/introspect".parse().unwrap();
    JsonReply::from_response(server.introspect(request).await)
}

pub fn api_request(scheme: &str, token: &str, proof: Option<&str>) -> http::request::Parts {
    let mut builder = Request::builder()
        .method(Method::GET)
        .uri("/api/notes?page=2")
        .header(AUTHORIZATION, format!("{scheme} {token}"));
    if let Some(proof) = proof {
        builder = builder.header("dpop", proof);
    }
    builder.body(Bytes::new()).unwrap().into_parts().0
}

pub fn assert_dpop_error(reply: &JsonReply, code: &str) {
    assert_token_error(reply, StatusCode::BAD_REQUEST, code, &[]);
}
