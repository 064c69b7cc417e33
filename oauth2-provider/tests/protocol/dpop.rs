//! DPoP (RFC 9449): proofs at the token endpoint, bound tokens, nonces, `dpop_jkt`, and the
//! `DPoP` scheme at a resource.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use http::{Method, Request, StatusCode};
use jsonwebtoken::EncodingKey;
use oauth2_provider::dpop::{Dpop, Nonces, jwk_thumbprint};
use oauth2_provider::jose::{Algorithm, SigningKey};
use oauth2_provider::resource::Requirements;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::support::*;

const ISSUER: &str = "https://auth.example.com";
const TOKEN_URL: &str = "https://auth.example.com/token";
const API_URL: &str = "https://auth.example.com/api/notes";

/// A client's DPoP key, and the proofs it signs.
struct Key {
    public: Value,
    encoding: EncodingKey,
}

impl Key {
    fn new() -> Self {
        let key = SigningKey::generate(Algorithm::ES256).unwrap();
        Key {
            public: key.public_jwk(),
            encoding: EncodingKey::from_ec_der(&key.to_pkcs8_der()),
        }
    }

    fn jkt(&self) -> String {
        jwk_thumbprint(&self.public).unwrap()
    }

    fn header(&self) -> Value {
        json!({ "typ": "dpop+jwt", "alg": "ES256", "jwk": self.public })
    }

    /// A fresh proof for `htm` `htu`, with `extra` claims.
    fn proof(&self, htm: &str, htu: &str, extra: Value) -> String {
        let mut claims = json!({ "jti": random_jti(), "htm": htm, "htu": htu, "iat": now() });
        for (name, value) in extra.as_object().unwrap() {
            claims[name] = value.clone();
        }
        self.sign(&self.header(), &claims)
    }

    fn token_proof(&self) -> String {
        self.proof("POST", TOKEN_URL, json!({}))
    }

    fn sign(&self, header: &Value, claims: &Value) -> String {
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

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn random_jti() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).unwrap();
    URL_SAFE_NO_PAD.encode(bytes)
}

fn ath(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

fn dpop_server() -> TestServer {
    server_with(|c| c.issuer = Some(ISSUER.to_owned()))
}

/// A token request with these `DPoP` headers.
async fn token_with(
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

const CLIENT_CREDENTIALS: &[(&str, &str)] = &[("grant_type", "client_credentials")];

async fn introspect(server: &TestServer, token: &str) -> JsonReply {
    let mut request = token_request(Auth::Basic(API, API_SECRET), &[("token", token)]);
    *request.uri_mut() = "/introspect".parse().unwrap();
    JsonReply::from_response(server.introspect(request).await)
}

fn api_request(scheme: &str, token: &str, proof: Option<&str>) -> http::request::Parts {
    let mut builder = Request::builder()
        .method(Method::GET)
        .uri("/api/notes?page=2")
        .header(AUTHORIZATION, format!("{scheme} {token}"));
    if let Some(proof) = proof {
        builder = builder.header("dpop", proof);
    }
    builder.body(Bytes::new()).unwrap().into_parts().0
}

fn assert_dpop_error(reply: &JsonReply, code: &str) {
    assert_token_error(reply, StatusCode::BAD_REQUEST, code, &[]);
}

#[test]
fn the_thumbprint_is_rfc_7638s() {
    // RFC 7638 §3.1.
    let jwk = json!({
        "kty": "RSA",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
        "e": "AQAB",
        "alg": "RS256",
        "kid": "2011-04-29"
    });
    assert_eq!(
        jwk_thumbprint(&jwk).as_deref(),
        Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    );
}

#[tokio::test]
async fn a_proof_binds_the_access_token() {
    let server = dpop_server();
    let key = Key::new();
    let proof = key.token_proof();
    let reply = token_with(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        CLIENT_CREDENTIALS,
        &[&proof],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.str("token_type"), "DPoP");
    let info = introspect(&server, reply.access_token()).await;
    assert_eq!(info.body["active"], true);
    assert_eq!(info.body["token_type"], "DPoP");
    assert_eq!(info.body["cnf"], json!({ "jkt": key.jkt() }));

    // Without a proof, as before: a bearer token, no `cnf`.
    let plain = token(&server, Auth::Basic(WEB, WEB_SECRET), CLIENT_CREDENTIALS).await;
    assert_token_ok(&plain);
    assert!(
        introspect(&server, plain.access_token())
            .await
            .body
            .get("cnf")
            .is_none()
    );
}

#[tokio::test]
async fn bad_proofs_issue_nothing() {
    let server = dpop_server();
    let key = Key::new();
    let replayed = key.token_proof();
    let first = token_with(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        CLIENT_CREDENTIALS,
        &[&replayed],
    )
    .await;
    assert_eq!(first.status, StatusCode::OK);
    let issued = counts(&server);

    let mut hs256_header =
        json!({ "typ": "dpop+jwt", "alg": "HS256", "jwk": { "kty": "oct", "k": "c2VjcmV0" } });
    let claims = json!({ "jti": random_jti(), "htm": "POST", "htu": TOKEN_URL, "iat": now() });
    let message = format!("{}.{}", b64(&hs256_header), b64(&claims));
    let hmac = jsonwebtoken::crypto::sign(
        message.as_bytes(),
        &EncodingKey::from_secret(b"secret").unwrap(),
        jsonwebtoken::Algorithm::HS256,
    )
    .unwrap();
    let hs256 = format!("{message}.{hmac}");
    hs256_header["alg"] = json!("none");
    let none = format!("{}.{}.", b64(&hs256_header), b64(&claims));
    let mut private = key.header();
    private["jwk"]["d"] = json!("AAAA");
    let with_private = key.sign(&private, &claims);
    let mut untyped = key.header();
    untyped["typ"] = json!("JWT");
    let wrong_type = key.sign(&untyped, &claims);
    let other = Key::new();
    let foreign_signature = {
        let genuine = key.token_proof();
        let forged = other.token_proof();
        let (head, _) = genuine.rsplit_once('.').unwrap();
        let (_, signature) = forged.rsplit_once('.').unwrap();
        format!("{head}.{signature}")
    };

    let cases: Vec<(&str, Vec<String>)> = vec![
        ("replayed", vec![replayed]),
        ("wrong htm", vec![key.proof("GET", TOKEN_URL, json!({}))]),
        (
            "wrong htu",
            vec![key.proof("POST", "https://auth.example.com/other", json!({}))],
        ),
        (
            "Host-based htu",
            vec![key.proof("POST", "https://evil.example/token", json!({}))],
        ),
        (
            "stale iat",
            vec![key.proof("POST", TOKEN_URL, json!({ "iat": now() - 120 }))],
        ),
        (
            "future iat",
            vec![key.proof("POST", TOKEN_URL, json!({ "iat": now() + 120 }))],
        ),
        ("alg none", vec![none]),
        ("HS256", vec![hs256]),
        ("private jwk", vec![with_private]),
        ("typ", vec![wrong_type]),
        ("signature", vec![foreign_signature]),
        ("garbage", vec!["not-a-jwt".to_owned()]),
        ("two headers", vec![key.token_proof(), key.token_proof()]),
    ];
    for (case, proofs) in cases {
        let proofs: Vec<&str> = proofs.iter().map(String::as_str).collect();
        let reply = token_with(
            &server,
            Auth::Basic(WEB, WEB_SECRET),
            CLIENT_CREDENTIALS,
            &proofs,
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{case}: {:?}",
            reply.body
        );
        assert_dpop_error(&reply, "invalid_dpop_proof");
        assert_eq!(counts(&server), issued, "{case}: something was issued");
    }

    // A proof within the window, a few seconds ahead, and with a query in `htu`, is fine.
    let ahead = key.proof(
        "POST",
        "https://AUTH.example.com:443/token?x=1",
        json!({ "iat": now() + 10 }),
    );
    let reply = token_with(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        CLIENT_CREDENTIALS,
        &[&ahead],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
}

#[tokio::test]
async fn nonces_are_required_when_configured() {
    let nonces = Nonces::new(&[9; 32], Duration::from_secs(300)).unwrap();
    let server = server_with(|c| {
        c.issuer = Some(ISSUER.to_owned());
        c.dpop = Dpop::new().with_nonces(nonces);
    });
    let key = Key::new();
    let first = token_with(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        CLIENT_CREDENTIALS,
        &[&key.token_proof()],
    )
    .await;
    assert_dpop_error(&first, "use_dpop_nonce");
    let nonce = first
        .header(http::HeaderName::from_static("dpop-nonce"))
        .expect("a DPoP-Nonce")
        .to_owned();
    assert_eq!(counts(&server), EMPTY);

    let stale = key.proof("POST", TOKEN_URL, json!({ "nonce": "made-up" }));
    let reply = token_with(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        CLIENT_CREDENTIALS,
        &[&stale],
    )
    .await;
    assert_dpop_error(&reply, "use_dpop_nonce");

    let retry = key.proof("POST", TOKEN_URL, json!({ "nonce": nonce }));
    let reply = token_with(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        CLIENT_CREDENTIALS,
        &[&retry],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.str("token_type"), "DPoP");
}

#[tokio::test]
async fn a_bound_token_needs_its_proof_at_the_resource() {
    let server = dpop_server();
    let key = Key::new();
    let reply = token_with(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        CLIENT_CREDENTIALS,
        &[&key.token_proof()],
    )
    .await;
    let token = reply.access_token();
    let any = Requirements::any();

    // As a bearer token: refused.
    let rejection = server
        .bearer_request(&api_request("Bearer", token, None), &any)
        .await
        .unwrap_err();
    assert_eq!(rejection.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(rejection.error().unwrap().code().as_str(), "invalid_token");
    assert!(
        server
            .bearer_with(&api_request("Bearer", token, None).headers, &any)
            .await
            .is_err()
    );

    // With the DPoP scheme and a proof for this request and token: accepted.
    let proof = key.proof("GET", API_URL, json!({ "ath": ath(token) }));
    let valid = server
        .bearer_request(&api_request("DPoP", token, Some(&proof)), &any)
        .await;
    assert_eq!(valid.unwrap().client_id(), WEB);
    // Once.
    let again = server
        .bearer_request(&api_request("DPoP", token, Some(&proof)), &any)
        .await;
    assert!(again.is_err());

    let refused = [
        ("no ath", key.proof("GET", API_URL, json!({}))),
        (
            "wrong ath",
            key.proof("GET", API_URL, json!({ "ath": ath("another") })),
        ),
        (
            "another key",
            Key::new().proof("GET", API_URL, json!({ "ath": ath(token) })),
        ),
        (
            "wrong htm",
            key.proof("POST", API_URL, json!({ "ath": ath(token) })),
        ),
        (
            "wrong htu",
            key.proof(
                "GET",
                "https://auth.example.com/api/me",
                json!({ "ath": ath(token) }),
            ),
        ),
    ];
    for (case, proof) in refused {
        let rejection = server
            .bearer_request(&api_request("DPoP", token, Some(&proof)), &any)
            .await
            .unwrap_err();
        assert_eq!(rejection.status(), StatusCode::UNAUTHORIZED, "{case}");
        let response = rejection.into_response();
        let challenge = response.headers()[WWW_AUTHENTICATE].to_str().unwrap();
        assert!(challenge.starts_with("DPoP "), "{case}: {challenge}");
        assert!(
            challenge.contains("error=\"invalid_dpop_proof\""),
            "{case}: {challenge}"
        );
        assert!(
            challenge.contains("algs=\"ES256 EdDSA PS256 RS256\""),
            "{case}: {challenge}"
        );
    }
    let no_proof = server
        .bearer_request(&api_request("DPoP", token, None), &any)
        .await
        .unwrap_err();
    assert_eq!(no_proof.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_dpop_jkt_code_is_redeemed_only_with_that_key() {
    let server = dpop_server();
    let key = Key::new();
    let jkt = key.jkt();
    let reply = authorize(
        &server,
        &[
            ("response_type", "code"),
            ("client_id", WEB),
            ("redirect_uri", WEB_CALLBACK),
            ("scope", "read"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("dpop_jkt", &jkt),
            ("decision", "approve"),
        ],
        Some(ALICE),
    )
    .await;
    let code = reply.query()["code"].clone();
    let params = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", WEB_CALLBACK),
        ("code_verifier", VERIFIER),
    ];
    let other = token_with(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &params,
        &[&Key::new().token_proof()],
    )
    .await;
    assert_token_error(&other, StatusCode::BAD_REQUEST, "invalid_grant", &[]);
    let none = token(&server, Auth::Basic(WEB, WEB_SECRET), &params).await;
    assert_dpop_error(&none, "invalid_dpop_proof");
    let right = token_with(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &params,
        &[&key.token_proof()],
    )
    .await;
    assert_eq!(right.status, StatusCode::OK, "{:?}", right.body);
    assert_eq!(right.str("token_type"), "DPoP");
    // A confidential client's refresh token is bound to its authentication, not the key.
    let refresh = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", right.refresh_token()),
        ],
    )
    .await;
    assert_token_ok(&refresh);
}

#[tokio::test]
async fn a_public_clients_refresh_token_is_bound() {
    let server = dpop_server();
    let key = Key::new();
    let code = code_for(&server, NATIVE, NATIVE_LOOPBACK, "read").await;
    let params = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", NATIVE_LOOPBACK),
        ("code_verifier", VERIFIER),
    ];
    let tokens = token_with(
        &server,
        Auth::Public(NATIVE),
        &params,
        &[&key.token_proof()],
    )
    .await;
    assert_eq!(tokens.status, StatusCode::OK, "{:?}", tokens.body);
    let refresh = [
        ("grant_type", "refresh_token"),
        ("refresh_token", tokens.refresh_token()),
    ];

    let without = token(&server, Auth::Public(NATIVE), &refresh).await;
    assert_dpop_error(&without, "invalid_dpop_proof");
    let other = token_with(
        &server,
        Auth::Public(NATIVE),
        &refresh,
        &[&Key::new().token_proof()],
    )
    .await;
    assert_token_error(&other, StatusCode::BAD_REQUEST, "invalid_grant", &[]);
    let right = token_with(
        &server,
        Auth::Public(NATIVE),
        &refresh,
        &[&key.token_proof()],
    )
    .await;
    assert_eq!(right.status, StatusCode::OK, "{:?}", right.body);
    assert_eq!(right.str("token_type"), "DPoP");
}

#[tokio::test]
async fn metadata_lists_the_algorithms() {
    let server = dpop_server();
    let reply = JsonReply::from_response(server.metadata());
    assert_eq!(
        reply.body["dpop_signing_alg_values_supported"],
        json!(["ES256", "EdDSA", "PS256", "RS256"])
    );
}
