//! RFC 9068 access tokens, for a client registered with `access_token_format: jwt`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::StatusCode;
use oauth2_provider::jose::{Algorithm, RotationPolicy};
use oauth2_provider::jose::{JwtError, KeySet, Keyring, PublicKeys};
use oauth2_provider::resource::JwtValidator;

use super::support::*;

async fn validator(server: &OidcServer, audience: &str) -> JwtValidator {
    let jwks = json(&get(server, "/jwks", None).await);
    JwtValidator::new(ISSUER, audience, PublicKeys::from_jwks(&jwks).unwrap())
}

/// §2.1, §2.2: `typ: at+jwt`, a `kid`, and the required claims; verified with the published
/// JWK Set as a resource server would (§4); an ID token is refused by the same check.
#[tokio::test]
async fn a_jwt_client_gets_rfc_9068_access_tokens() {
    let server = oidc_server();
    let body = code_flow_of(&server, JWT_RP, "openid email", &[]).await;
    let token = body["access_token"].as_str().unwrap();
    let header = jwt_part(token, 0);
    assert_eq!(
        (header["typ"].as_str(), header["alg"].as_str()),
        (Some("at+jwt"), Some("ES256"))
    );
    assert!(header["kid"].as_str().is_some());
    let claims = jwt_part(token, 1);
    assert_eq!(claims["iss"], ISSUER);
    assert_eq!(claims["aud"], ISSUER, "no resource, no default: the issuer");
    assert_eq!(
        (claims["sub"].as_str(), claims["client_id"].as_str()),
        (Some("alice"), Some(JWT_RP))
    );
    assert_eq!(claims["scope"], "openid email");
    assert!(claims["jti"].as_str().is_some_and(|j| j.len() == 43));
    // The token names its grant family through its `jti`, as an opaque token does itself.
    use oauth2_provider::model::TokenHash;
    let family = TokenHash::of(token).family();
    assert!(family.is_some());
    assert_eq!(
        family,
        TokenHash::of(claims["jti"].as_str().unwrap()).family()
    );
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        3600
    );
    assert!(claims["auth_time"].as_u64().is_some());

    let rs = validator(&server, ISSUER).await;
    let valid = rs.validate(token).unwrap();
    assert!(valid.has_scope("email") && valid.sub == "alice");
    assert_eq!(
        rs.validate(body["id_token"].as_str().unwrap()),
        Err(JwtError::WrongType)
    );
    let elsewhere = validator(&server, "https://other.example.com").await;
    assert_eq!(elsewhere.validate(token), Err(JwtError::WrongAudience));
    // The ID token beside it hashes this token.
    use sha2::{Digest, Sha256};
    let id = jwt_part(body["id_token"].as_str().unwrap(), 1);
    let digest = Sha256::digest(token.as_bytes());
    assert_eq!(
        (id["aud"].as_str(), id["at_hash"].as_str()),
        (
            Some(JWT_RP),
            Some(URL_SAFE_NO_PAD.encode(&digest[..16]).as_str())
        )
    );
}

/// Introspection, UserInfo and revocation treat a JWT access token like an opaque one: its
/// hash is what the store keeps.
#[tokio::test]
async fn jwt_access_tokens_introspect_and_revoke() {
    let server = oidc_server();
    let body = code_flow_of(&server, JWT_RP, "openid email", &[]).await;
    let token = body["access_token"].as_str().unwrap();
    let with_auth = [
        ("token", token),
        ("client_id", JWT_RP),
        ("client_secret", RP_SECRET),
    ];
    let (_, active) = post(&server, "/introspect", &with_auth).await;
    assert_eq!(
        (active["active"].as_bool(), active["sub"].as_str()),
        (Some(true), Some("alice"))
    );
    assert_eq!(
        get(&server, "/userinfo", Some(token)).await.status(),
        StatusCode::OK
    );
    assert_eq!(post(&server, "/revoke", &with_auth).await.0, StatusCode::OK);
    let (_, inactive) = post(&server, "/introspect", &with_auth).await;
    assert_eq!(inactive["active"], false);
    assert_eq!(
        get(&server, "/userinfo", Some(token)).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

/// §2.2: a client's own token has the client as `sub`; `default_audience` is its `aud`.
#[tokio::test]
async fn client_credentials_tokens_name_the_client() {
    let server = oidc_server();
    let (status, body) = post(
        &server,
        "/token",
        &[
            ("grant_type", "client_credentials"),
            ("scope", "read"),
            ("client_id", JWT_RP),
            ("client_secret", RP_SECRET),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let claims = jwt_part(body["access_token"].as_str().unwrap(), 1);
    assert_eq!(
        (claims["sub"].as_str(), claims["client_id"].as_str()),
        (Some(JWT_RP), Some(JWT_RP))
    );
    assert!(claims.get("auth_time").is_none());
}

/// No key of the access tokens' algorithm: `server_error`, and nothing stored.
#[tokio::test]
async fn without_an_access_token_key_nothing_is_issued() {
    let mut keys = KeySet::new();
    keys.rotate(
        Algorithm::RS256,
        std::time::SystemTime::now(),
        &RotationPolicy::new(),
    )
    .unwrap();
    let server = oidc_server_with(Keyring::new(keys));
    let (status, body) = post(
        &server,
        "/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", JWT_RP),
            ("client_secret", RP_SECRET),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::INTERNAL_SERVER_ERROR, Some("server_error"))
    );
    assert_eq!(server.provider().store.access_token_count(), 0);
}
