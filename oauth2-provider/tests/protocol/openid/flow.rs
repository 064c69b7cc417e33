//! The code flow's ID token (Core §3.1.3.6–7), refresh (§12.2) and `offline_access` (§11).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::StatusCode;
use sha2::{Digest, Sha256};

use super::support::*;

/// `oidcc-server`: a code flow with `openid` gets an ID token a relying party accepts.
#[tokio::test]
async fn oidcc_server_code_flow_returns_a_valid_id_token() {
    let server = oidc_server();
    let body = code_flow(&server, "openid email", &[("nonce", "n-0S6_WzA2Mj")]).await;
    let id_token = body["id_token"].as_str().expect("an ID token");
    let header = jwt_part(id_token, 0);
    assert_eq!(header["alg"], "RS256");
    assert_eq!(header["typ"], "JWT");
    assert!(header["kid"].as_str().is_some_and(|k| !k.is_empty()));

    let claims = id_token_claims(&server, id_token);
    assert_eq!(claims["iss"], ISSUER);
    assert_eq!(claims["sub"], "alice");
    assert_eq!(claims["aud"], RP);
    assert_eq!(claims["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(claims["acr"], "urn:example:pwd");
    assert_eq!(claims["amr"], serde_json::json!(["pwd"]));
    let (iat, exp) = (
        claims["iat"].as_u64().unwrap(),
        claims["exp"].as_u64().unwrap(),
    );
    assert_eq!(exp - iat, 3600);
    let auth_time = claims["auth_time"].as_u64().unwrap();
    assert!(
        auth_time <= iat && iat - auth_time <= 7,
        "{auth_time} {iat}"
    );
    // §3.1.3.6: the left half of SHA-256 of the access token.
    let digest = Sha256::digest(body["access_token"].as_str().unwrap().as_bytes());
    assert_eq!(claims["at_hash"], URL_SAFE_NO_PAD.encode(&digest[..16]));
    // The ID token carries no profile or email claim: those are UserInfo's (§5.4).
    assert!(claims.get("email").is_none());
}

/// Core §3.1.2.1: `nonce` is optional in the code flow; without one, none is in the token.
#[tokio::test]
async fn without_a_nonce_the_id_token_has_none() {
    let server = oidc_server();
    let body = code_flow(&server, "openid", &[]).await;
    let claims = id_token_claims(&server, body["id_token"].as_str().unwrap());
    assert!(claims.get("nonce").is_none());
}

/// A request without `openid` is plain OAuth: no ID token.
#[tokio::test]
async fn no_openid_scope_no_id_token() {
    let server = oidc_server();
    let body = code_flow(&server, "read", &[]).await;
    assert!(body.get("access_token").is_some());
    assert!(body.get("id_token").is_none());
    assert!(
        body.get("refresh_token").is_some(),
        "plain OAuth keeps its refresh token"
    );
}

/// Core §11: with `openid`, a refresh token only when `offline_access` was granted.
#[tokio::test]
async fn offline_access_decides_the_refresh_token() {
    let server = oidc_server();
    let without = code_flow(&server, "openid", &[]).await;
    assert!(without.get("refresh_token").is_none(), "{without}");
    let with = code_flow(&server, "openid offline_access", &[("nonce", "abc")]).await;
    assert!(with["refresh_token"].as_str().is_some(), "{with}");
}

/// Core §12.2: a refresh returns a new ID token with the same `iss`, `sub`, `aud` and
/// `auth_time`, and no `nonce`.
#[tokio::test]
async fn refresh_returns_an_id_token_of_the_same_authentication() {
    let server = oidc_server();
    let first = code_flow(&server, "openid offline_access", &[("nonce", "abc")]).await;
    let before = id_token_claims(&server, first["id_token"].as_str().unwrap());
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, refreshed) = post(
        &server,
        "/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", first["refresh_token"].as_str().unwrap()),
            ("client_id", RP),
            ("client_secret", RP_SECRET),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{refreshed}");
    let after = id_token_claims(&server, refreshed["id_token"].as_str().unwrap());
    for claim in ["iss", "sub", "aud", "auth_time"] {
        assert_eq!(after[claim], before[claim], "{claim}");
    }
    assert!(after["iat"].as_u64() > before["iat"].as_u64());
    assert!(after.get("nonce").is_none());
}

/// `oidcc-codereuse`: a code used twice gets `invalid_grant`, and what it issued is revoked.
#[tokio::test]
async fn oidcc_codereuse_revokes_the_first_tokens() {
    let server = oidc_server();
    let reply = authorize(&server, &auth_params("openid", &[("who", "alice")])).await;
    let code = redirected(&reply, "code").unwrap();
    let (status, first) = exchange(&server, &code).await;
    assert_eq!(status, StatusCode::OK);
    let (status, second) = exchange(&server, &code).await;
    assert_eq!(
        (status, second["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    assert!(second.get("id_token").is_none());
    let userinfo = get(&server, "/userinfo", first["access_token"].as_str()).await;
    assert_eq!(userinfo.status(), StatusCode::UNAUTHORIZED);
}

/// An ID token is not an access token: presented as one it is refused.
#[tokio::test]
async fn an_id_token_is_no_bearer_token() {
    let server = oidc_server();
    let body = code_flow(&server, "openid", &[]).await;
    let response = get(&server, "/userinfo", body["id_token"].as_str()).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

/// No key of the configured algorithm: the exchange fails with `server_error` and issues
/// nothing; the code is still unused.
#[tokio::test]
async fn without_a_signing_key_nothing_is_issued() {
    let server = oidc_server_with(Default::default());
    let reply = authorize(&server, &auth_params("openid", &[("who", "alice")])).await;
    let code = redirected(&reply, "code").unwrap();
    let (status, body) = exchange(&server, &code).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::INTERNAL_SERVER_ERROR, Some("server_error"))
    );
    assert!(body.get("access_token").is_none());
    assert_eq!(server.provider().store.access_token_count(), 0);
}
