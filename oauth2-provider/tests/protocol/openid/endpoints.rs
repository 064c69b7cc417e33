//! UserInfo (Core §5.3), the JWK Set (§10.1.1) and discovery (Discovery §3, §4).

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{
    ACCESS_CONTROL_ALLOW_ORIGIN, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, WWW_AUTHENTICATE,
};
use http::{Method, Request, StatusCode};
use oauth2_provider::jose::{Algorithm, KeySet, Keyring, RotationPolicy};

use super::support::*;

/// `oidcc-userinfo-get`: `sub` and what the scope releases (§5.4), from the owner's claims;
/// never the owner's own `sub` claim in place of the subject.
#[tokio::test]
async fn oidcc_userinfo_get() {
    let server = oidc_server();
    let body = code_flow(&server, "openid email", &[]).await;
    let response = get(&server, "/userinfo", body["access_token"].as_str()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CACHE_CONTROL], "no-store");
    assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert!(
        response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let info = json(&response);
    assert_eq!(info["sub"], "alice");
    assert_eq!(info["email"], "alice@example.com");
    assert_eq!(info["email_verified"], true);
    assert!(
        info.get("name").is_none(),
        "profile was not granted: {info}"
    );
}

/// `oidcc-userinfo-post-header`: POST with the token in the header, and `profile` releases
/// `name`.
#[tokio::test]
async fn oidcc_userinfo_post_header() {
    let server = oidc_server();
    let body = code_flow(&server, "openid profile", &[]).await;
    let request = Request::post(format!("{ISSUER}/userinfo"))
        .header(
            AUTHORIZATION,
            format!("Bearer {}", body["access_token"].as_str().unwrap()),
        )
        .body(Bytes::new())
        .unwrap();
    let response = server.handle(request).await;
    assert_eq!(response.status(), StatusCode::OK);
    let info = json(&response);
    assert_eq!(
        (info["sub"].as_str(), info["name"].as_str()),
        (Some("alice"), Some("Alice Liddell"))
    );
    assert!(info.get("email").is_none());
}

/// RFC 6750 §3.1 at UserInfo: no token, a bad token, a token without `openid`.
#[tokio::test]
async fn userinfo_refusals_carry_the_challenge() {
    let server = oidc_server();
    let none = get(&server, "/userinfo", None).await;
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert!(
        none.headers()[WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    let bad = get(&server, "/userinfo", Some("not-a-token")).await;
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    assert!(
        bad.headers()[WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .contains(r#"error="invalid_token""#)
    );
    assert_eq!(bad.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    let oauth_only = code_flow(&server, "read", &[]).await;
    let forbidden = get(&server, "/userinfo", oauth_only["access_token"].as_str()).await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    let challenge = forbidden.headers()[WWW_AUTHENTICATE].to_str().unwrap();
    assert!(
        challenge.contains(r#"error="insufficient_scope""#)
            && challenge.contains(r#"scope="openid""#),
        "{challenge}"
    );
}

/// A browser-based relying party's preflight is answered.
#[tokio::test]
async fn userinfo_answers_a_cors_preflight() {
    let server = oidc_server();
    let request = Request::builder()
        .method(Method::OPTIONS)
        .uri(format!("{ISSUER}/userinfo"))
        .body(Bytes::new())
        .unwrap();
    let response = server.handle(request).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert!(
        response.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("Authorization")
    );
}

/// `oidcc-server-rotate-keys` (§10.1.1): the JWK Set has only public members and a cache
/// lifetime; after a rotation both keys are published, the old one still signs until the new
/// one activates, and a token signed before the rotation still verifies.
#[tokio::test]
async fn oidcc_server_rotate_keys() {
    let mut keys = KeySet::new();
    let now = SystemTime::now();
    let policy = RotationPolicy::new().publish_ahead(Duration::from_secs(2));
    let first = keys.rotate(Algorithm::RS256, now, &policy).unwrap().added;
    let keyring = Keyring::new(keys);
    let server = oidc_server_with(keyring.clone());
    let before = code_flow(&server, "openid", &[]).await;

    let jwks = get(&server, "/jwks", None).await;
    assert_eq!(jwks.status(), StatusCode::OK);
    assert_eq!(jwks.headers()[CACHE_CONTROL], "public, max-age=300");
    let set = json(&jwks);
    let key = &set["keys"][0];
    assert_eq!(
        (
            key["kid"].as_str(),
            key["alg"].as_str(),
            key["use"].as_str()
        ),
        (Some(first.as_str()), Some("RS256"), Some("sig"))
    );
    for private in ["d", "p", "q", "dp", "dq", "qi"] {
        assert!(key.get(private).is_none(), "{private} published");
    }

    let mut rotated = (*keyring.snapshot()).clone();
    let second = rotated
        .rotate(Algorithm::RS256, SystemTime::now(), &policy)
        .unwrap()
        .added;
    keyring.replace(rotated);
    let kids: Vec<String> = json(&get(&server, "/jwks", None).await)["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect();
    assert!(kids.contains(&first) && kids.contains(&second), "{kids:?}");
    // Published ahead: the old key still signs.
    let during = code_flow(&server, "openid", &[]).await;
    assert_eq!(
        jwt_part(during["id_token"].as_str().unwrap(), 0)["kid"],
        first
    );
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let after = code_flow(&server, "openid", &[]).await;
    assert_eq!(
        jwt_part(after["id_token"].as_str().unwrap(), 0)["kid"],
        second
    );
    // Retired, still published: the token signed first still verifies.
    id_token_claims(&server, before["id_token"].as_str().unwrap());
}

/// `oidcc-discovery-endpoint-verification` (Discovery §3, §4): every REQUIRED member, the
/// exact issuer, RS256, the trap defaults spelled out, and the RFC 8414 document the same.
#[tokio::test]
async fn oidcc_discovery_endpoint_verification() {
    let server = oidc_server();
    let response = get(&server, "/.well-known/openid-configuration", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    let doc = json(&response);
    assert_eq!(doc["issuer"], ISSUER);
    assert_eq!(doc["authorization_endpoint"], format!("{ISSUER}/authorize"));
    assert_eq!(doc["token_endpoint"], format!("{ISSUER}/token"));
    assert_eq!(doc["userinfo_endpoint"], format!("{ISSUER}/userinfo"));
    assert_eq!(doc["jwks_uri"], format!("{ISSUER}/jwks"));
    assert_eq!(doc["response_types_supported"], serde_json::json!(["code"]));
    assert_eq!(
        doc["subject_types_supported"],
        serde_json::json!(["public"])
    );
    assert_eq!(
        doc["id_token_signing_alg_values_supported"],
        serde_json::json!(["RS256"])
    );
    assert_eq!(
        doc["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(doc["request_parameter_supported"], false);
    assert_eq!(doc["request_uri_parameter_supported"], false);
    assert_eq!(doc["claims_parameter_supported"], false);
    let grants = doc["grant_types_supported"].as_array().unwrap();
    assert!(
        grants.iter().any(|g| g == "authorization_code") && !grants.iter().any(|g| g == "implicit")
    );
    let scopes = doc["scopes_supported"].as_array().unwrap();
    assert!(scopes.iter().any(|s| s == "openid"));
    let claims = doc["claims_supported"].as_array().unwrap();
    assert!(claims.iter().any(|c| c == "email") && claims.iter().any(|c| c == "name"));
    assert!(
        !claims.iter().any(|c| c == "phone_number"),
        "the phone scope is not declared"
    );
    let oauth = json(&get(&server, "/.well-known/oauth-authorization-server", None).await);
    assert_eq!(oauth, doc);
}

/// Without OpenID Connect configured, none of its endpoints exists.
#[tokio::test]
async fn plain_oauth_serves_no_openid_endpoint() {
    let server = crate::support::server_with(|config| config.issuer = Some(ISSUER.into()));
    for path in ["/.well-known/openid-configuration", "/userinfo", "/jwks"] {
        let request = Request::get(format!("{ISSUER}{path}"))
            .body(Bytes::new())
            .unwrap();
        assert_eq!(
            server.handle(request).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let request = Request::get(format!("{ISSUER}/.well-known/oauth-authorization-server"))
        .body(Bytes::new())
        .unwrap();
    let doc: serde_json::Value =
        serde_json::from_slice(server.handle(request).await.body()).unwrap();
    assert!(doc.get("jwks_uri").is_none() && doc.get("userinfo_endpoint").is_none());
}
