//! A registered client does what a configured one does: authorize and obtain tokens.

use http::StatusCode;
use http::header::CACHE_CONTROL;
use oauth2_provider::secret::verify_secret;
use oauth2_provider::store::ClientStore;

use super::*;
use crate::support::{
    ALICE, Auth, AuthorizeReply, CHALLENGE, VERIFIER, assert_is_256_bit_token, assert_token_ok,
    authorize_request, token_request,
};

const NATIVE: &str = r#"{
    "application_type": "native",
    "redirect_uris": ["http://127.0.0.1/cb", "com.example.app:/oauth2redirect"],
    "token_endpoint_auth_method": "none",
    "client_name": "Desk App",
    "x_unknown_member": {"kept": "never"}
}"#;

/// Alice approves a code request with PKCE; the code.
async fn code(server: &DcrServer, client_id: &str, redirect_uri: &str) -> String {
    let request = authorize_request(
        &[
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", redirect_uri),
            ("scope", "read"),
            ("state", "s1"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ],
        Some(ALICE),
    );
    let reply = AuthorizeReply::from_response(send(server, request).await);
    reply.query().get("code").cloned().expect("a code")
}

#[tokio::test]
async fn a_public_native_client_registers_then_gets_a_token() {
    let server = dcr_server();
    let reply = registered(&server, NATIVE).await;
    assert_eq!(reply.header(CACHE_CONTROL), Some("no-store"));
    let client_id = reply.str("client_id").to_owned();
    assert!(client_id.len() >= 22, "{client_id}");
    assert_is_256_bit_token(reply.str("registration_access_token"));
    assert_eq!(
        reply.str("registration_client_uri"),
        format!("{ENDPOINT}/{client_id}")
    );
    // Defaults, and what was sent, are all shown; the unknown member is not.
    assert_eq!(
        reply.body["grant_types"],
        serde_json::json!(["authorization_code"])
    );
    assert_eq!(reply.body["response_types"], serde_json::json!(["code"]));
    assert_eq!(reply.str("token_endpoint_auth_method"), "none");
    assert_eq!(reply.str("application_type"), "native");
    assert_eq!(reply.str("client_name"), "Desk App");
    assert!(
        reply.body["client_id_issued_at"]
            .as_u64()
            .is_some_and(|t| t > 0)
    );
    assert_eq!(scope_of(&reply.body["scope"]), ApiScope::all());
    for absent in [
        "x_unknown_member",
        "client_secret",
        "client_secret_expires_at",
        "registration_access_token_hash",
    ] {
        assert!(
            reply.body.get(absent).is_none(),
            "{absent} in {}",
            reply.body
        );
    }

    // Any loopback port (RFC 8252 §7.3), PKCE, no secret.
    let code = code(&server, &client_id, "http://127.0.0.1:50123/cb").await;
    let tokens = JsonReply::from_response(
        send(
            &server,
            token_request(
                Auth::Public(&client_id),
                &[
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("redirect_uri", "http://127.0.0.1:50123/cb"),
                    ("code_verifier", VERIFIER),
                ],
            ),
        )
        .await,
    );
    assert_token_ok(&tokens);
}

#[tokio::test]
async fn a_confidential_client_gets_a_secret_once_and_uses_it() {
    let server = dcr_server();
    let reply = registered(
        &server,
        r#"{"redirect_uris":["https://app.example.org/cb"],"grant_types":["authorization_code","refresh_token"],"client_secret":"chosen-by-me"}"#,
    )
    .await;
    let client_id = reply.str("client_id").to_owned();
    let secret = reply.str("client_secret").to_owned();
    assert_is_256_bit_token(&secret);
    assert_ne!(
        secret, "chosen-by-me",
        "POST ignores a client-chosen secret"
    );
    assert_eq!(reply.body["client_secret_expires_at"], 0);
    assert_eq!(
        reply.str("token_endpoint_auth_method"),
        "client_secret_basic"
    );
    assert_eq!(reply.str("application_type"), "web");

    // Stored as a fast hash, not as given.
    let stored = server
        .provider()
        .store
        .find_client(&client_id)
        .await
        .unwrap()
        .unwrap();
    let hash = stored.secret_hash.as_deref().unwrap();
    assert!(hash.starts_with("sha256$") && verify_secret(hash, &secret));
    assert!(
        !stored
            .metadata
            .to_json()
            .contains(reply.str("registration_access_token"))
    );

    let code = code(&server, &client_id, "https://app.example.org/cb").await;
    let exchange = |auth| {
        token_request(
            auth,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", "https://app.example.org/cb"),
                ("code_verifier", VERIFIER),
            ],
        )
    };
    let wrong =
        JsonReply::from_response(send(&server, exchange(Auth::Basic(&client_id, "guess"))).await);
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let tokens =
        JsonReply::from_response(send(&server, exchange(Auth::Basic(&client_id, &secret))).await);
    assert_token_ok(&tokens);
    assert!(tokens.body.get("refresh_token").is_some());
}

#[tokio::test]
async fn unknown_scope_names_are_dropped_and_the_rest_registered() {
    let server = dcr_server();
    let reply = registered(
        &server,
        r#"{"redirect_uris":["https://app.example.org/cb"],"scope":"read nonsense write"}"#,
    )
    .await;
    assert_eq!(
        scope_of(&reply.body["scope"]),
        ApiScope::READ.union(ApiScope::WRITE)
    );
    let stored = server
        .provider()
        .store
        .find_client(reply.str("client_id"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.scope, ApiScope::READ.union(ApiScope::WRITE));
}

/// A `private_key_jwt` registration (feature `jwt`): no secret is issued, the client is never
/// public, and its assertions, signed with the key it registered, authenticate it.
#[cfg(feature = "jwt")]
#[tokio::test]
async fn a_private_key_jwt_client_registers_its_keys_and_signs_with_them() {
    use oauth2_provider::jose::{Algorithm, SigningKey, sign};

    let server = dcr_server();
    let key = SigningKey::generate(Algorithm::ES256).unwrap();
    let body = serde_json::json!({
        "grant_types": ["client_credentials"],
        "token_endpoint_auth_method": "private_key_jwt",
        "jwks": { "keys": [key.public_jwk()] },
    });
    let reply = registered(&server, &body.to_string()).await;
    assert!(reply.body.get("client_secret").is_none(), "{}", reply.body);
    assert_eq!(reply.str("token_endpoint_auth_method"), "private_key_jwt");
    let id = reply.str("client_id").to_owned();

    let grant = [("grant_type", "client_credentials")];
    let public = send(&server, token_request(Auth::Public(&id), &grant)).await;
    assert_eq!(public.status(), StatusCode::UNAUTHORIZED);
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 60;
    let claims = serde_json::json!({ "iss": id, "sub": id, "aud": ISSUER, "exp": exp, "jti": "1" });
    let assertion = sign(&key, "JWT", &claims).unwrap();
    let signed = send(&server, token_request(Auth::Assertion(&assertion), &grant)).await;
    assert_token_ok(&JsonReply::from_response(signed));

    // Keys are required, and a jwks_uri must be https.
    for body in [
        r#"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[]}}"#,
        r#"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"private_key_jwt","jwks_uri":"http://a.example/jwks"}"#,
        r#"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_jwt"}"#,
    ] {
        let reply = register(&server, body).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(reply.str("error"), "invalid_client_metadata");
    }
}
