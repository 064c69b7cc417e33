//! A flow per grant, end to end.

use super::*;

// ---------------------------------------------------------------------------------------------
// Flows, one per grant.

#[tokio::test]
async fn client_credentials_flow() {
    let server = server();
    let reply = token(
        &server,
        Auth::Basic(SERVICE, SERVICE_SECRET),
        &[
            ("grant_type", "client_credentials"),
            ("scope", "read admin"),
        ],
    )
    .await;
    assert_token_ok(&reply);
    assert_eq!(reply.str("scope"), "read admin");
    assert_eq!(reply.body["expires_in"], 3600);
    // §4.4.3: no refresh token.
    assert!(reply.body.get("refresh_token").is_none());
    assert_eq!(
        counts(&server),
        Counts {
            codes: 0,
            access: 1,
            refresh: 0
        }
    );

    let token = server
        .bearer(&bearer_headers(reply.access_token()), scope("admin"))
        .await
        .expect("the issued token validates");
    assert_eq!(token.client_id(), SERVICE);
    assert_eq!(token.subject(), None);
}

#[tokio::test]
async fn client_credentials_with_client_secret_post_and_default_scope() {
    let server = server();
    let reply = token(
        &server,
        Auth::Post(WEB, WEB_SECRET),
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_token_ok(&reply);
    // §3.3: no scope requested means the default scope.
    assert_eq!(reply.str("scope"), "read");
}

#[tokio::test]
async fn only_the_sha256_of_a_token_is_stored() {
    let server = server();
    let reply = token(
        &server,
        Auth::Basic(SERVICE, SERVICE_SECRET),
        &[("grant_type", "client_credentials")],
    )
    .await;
    let token = reply.access_token();
    let store = &server.provider().store;
    let record = store
        .find_access_token(&TokenHash::of(token))
        .await
        .unwrap()
        .expect("the token is stored under its hash");
    assert_eq!(*record.token_hash(), TokenHash::of(token));
    assert!(!format!("{record:?}").contains(token));
    // Two issues never give the same token.
    let again = token_value(&server).await;
    assert_ne!(again, token);
}

#[tokio::test]
async fn authorization_code_flow_confidential_client_with_pkce() {
    let server = server();
    let code = code_for(&server, WEB, WEB_CALLBACK, "read write").await;
    assert_is_256_bit_token(&code);
    assert_eq!(
        counts(&server),
        Counts {
            codes: 1,
            access: 0,
            refresh: 0
        }
    );

    let reply = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", WEB_CALLBACK),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_token_ok(&reply);
    assert_eq!(reply.str("scope"), "read write");
    assert_ne!(reply.access_token(), reply.refresh_token());
    assert_eq!(
        counts(&server),
        Counts {
            codes: 1,
            access: 1,
            refresh: 1
        }
    );
    let token = server
        .bearer(&bearer_headers(reply.access_token()), scope("write"))
        .await
        .unwrap();
    assert_eq!(token.subject(), Some("user:alice"));
    assert_eq!(token.client_id(), WEB);
}

#[tokio::test]
async fn authorization_code_flow_public_client() {
    let server = server();
    let redirect = "http://127.0.0.1:49152/callback";
    let code = code_for(&server, NATIVE, redirect, "read").await;
    let reply = token(
        &server,
        Auth::Public(NATIVE),
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_token_ok(&reply);
    assert_eq!(reply.str("scope"), "read");
    assert!(token_is_valid(&server, reply.access_token(), scope("read")).await);
}

#[tokio::test]
async fn authorization_code_flow_confidential_client_without_pkce() {
    let server = server();
    // No redirect_uri in the request: the only registered one is used, and the token request
    // need not repeat it (§4.1.3).
    let reply = authorize(
        &server,
        &[
            ("response_type", "code"),
            ("client_id", WEB),
            ("decision", "approve"),
        ],
        Some(ALICE),
    )
    .await;
    assert_eq!(reply.target(), WEB_CALLBACK);
    let code = reply.query()["code"].clone();
    let reply = token(
        &server,
        Auth::Post(WEB, WEB_SECRET),
        &[("grant_type", "authorization_code"), ("code", &code)],
    )
    .await;
    assert_token_ok(&reply);
    assert_eq!(reply.str("scope"), "read");
}

#[tokio::test]
async fn password_flow() {
    let server = password_server();
    let reply = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", "password"),
            ("username", ALICE),
            ("password", ALICE_PASSWORD),
            ("scope", "write"),
        ],
    )
    .await;
    assert_token_ok(&reply);
    assert_eq!(reply.str("scope"), "write");
    assert_is_256_bit_token(reply.refresh_token());
    assert_eq!(
        counts(&server),
        Counts {
            codes: 0,
            access: 1,
            refresh: 1
        }
    );
    let token = server
        .bearer(&bearer_headers(reply.access_token()), scope("write"))
        .await
        .unwrap();
    assert_eq!(token.subject(), Some("user:alice"));
}

#[tokio::test]
async fn extension_grant_flow() {
    let server = server();
    let reply = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", JWT_BEARER),
            ("assertion", GOOD_ASSERTION),
            ("scope", "read"),
        ],
    )
    .await;
    assert_token_ok(&reply);
    assert_eq!(reply.str("scope"), "read");
    assert!(reply.body.get("refresh_token").is_none());
    assert!(token_is_valid(&server, reply.access_token(), scope("read")).await);
}
