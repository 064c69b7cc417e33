//! Interoperability with the `oauth2` crate as a real client, against the example server:
//! authorization code with PKCE, client credentials, password, refresh, introspection and
//! revocation.

use std::collections::HashMap;

use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IntrospectionUrl,
    PkceCodeChallenge, RedirectUrl, RefreshToken, ResourceOwnerPassword, ResourceOwnerUsername,
    RevocationUrl, Scope, StandardRevocableToken, TokenIntrospectionResponse, TokenResponse,
    TokenUrl,
};

macro_rules! client_for {
    ($running:expr) => {{
        let issuer = &$running.issuer;
        BasicClient::new(ClientId::new("demo-app".into()))
            .set_client_secret(ClientSecret::new(
                $running.demo_secret.clone().expect("demo secret"),
            ))
            .set_auth_uri(AuthUrl::new(format!("{issuer}/authorize")).unwrap())
            .set_token_uri(TokenUrl::new(format!("{issuer}/token")).unwrap())
            .set_revocation_url(RevocationUrl::new(format!("{issuer}/revoke")).unwrap())
            .set_introspection_url(IntrospectionUrl::new(format!("{issuer}/introspect")).unwrap())
            .set_redirect_uri(RedirectUrl::new(format!("{issuer}/demo/callback")).unwrap())
    }};
}

#[tokio::test]
async fn authorization_code_with_pkce_refresh_and_revocation() {
    // Over HTTPS: the oauth2 crate sends revocations only to an https endpoint (RFC 7009 §2).
    let running = crate::example::start_tls(&[]).await;
    let client = client_for!(running);
    let http = running.http();

    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state) = client
        .authorize_url(CsrfToken::new_random)
        .add_scope(Scope::new("read".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    let location =
        crate::example::sign_in_and_decide(&http, url.as_str(), "alice", "wonderland", "allow")
            .await;
    let query: HashMap<_, _> = location.query_pairs().into_owned().collect();
    assert_eq!(query.get("state"), Some(state.secret()));
    assert_eq!(query.get("iss"), Some(&running.issuer));

    let tokens = client
        .exchange_code(AuthorizationCode::new(query["code"].clone()))
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("the code exchange");
    let scopes: Vec<_> = tokens
        .scopes()
        .expect("scope")
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(scopes, ["read", "profile"]);
    let refresh = tokens.refresh_token().expect("a refresh token").clone();

    let introspection = client
        .introspect(tokens.access_token())
        .request_async(&http)
        .await
        .expect("introspection");
    assert!(introspection.active());
    assert_eq!(introspection.username(), None);
    assert_eq!(introspection.sub(), Some("alice"));

    let refreshed = client
        .exchange_refresh_token(&refresh)
        .request_async(&http)
        .await
        .expect("the refresh");
    let rotated = refreshed
        .refresh_token()
        .expect("a rotated refresh token")
        .clone();
    assert_ne!(rotated.secret(), refresh.secret());
    // The rotated-away token is a replay now: refused, and its family revoked.
    let replay = client
        .exchange_refresh_token(&refresh)
        .request_async(&http)
        .await;
    assert!(replay.is_err());
    let after = client
        .introspect(refreshed.access_token())
        .request_async(&http)
        .await
        .unwrap();
    assert!(!after.active());

    // A fresh family, revoked through RFC 7009.
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, _) = client
        .authorize_url(CsrfToken::new_random)
        .set_pkce_challenge(challenge)
        .url();
    // Alice approved this client for a wider scope before: after signing in she is sent
    // straight back to the authorization request, which now redirects without asking.
    let signed_in = crate::example::sign_in(&http, url.as_str(), "alice", "wonderland").await;
    assert_eq!(signed_in.response.status(), 303);
    let again = crate::example::location(&signed_in.response);
    let back = http
        .get(again.as_str())
        .header(oauth2::reqwest::header::COOKIE, &signed_in.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(back.status(), 302);
    let location = crate::example::location(&back);
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .unwrap();
    let refresh: RefreshToken = tokens.refresh_token().unwrap().clone();
    client
        .revoke_token(StandardRevocableToken::RefreshToken(refresh.clone()))
        .unwrap()
        .request_async(&http)
        .await
        .expect("revocation");
    assert!(
        !client
            .introspect(tokens.access_token())
            .request_async(&http)
            .await
            .unwrap()
            .active()
    );
    assert!(
        client
            .exchange_refresh_token(&refresh)
            .request_async(&http)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn client_credentials_and_password() {
    let running = crate::example::start(&["--enable-password"]).await;
    let client = client_for!(running);
    let http = crate::example::http();

    let tokens = client
        .exchange_client_credentials()
        .add_scope(Scope::new("write".into()))
        .request_async(&http)
        .await
        .expect("client credentials");
    assert!(tokens.refresh_token().is_none(), "RFC 6749 §4.4.3");
    let scopes: Vec<_> = tokens
        .scopes()
        .unwrap()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(scopes, ["write"]);

    let tokens = client
        .exchange_password(
            &ResourceOwnerUsername::new("alice".into()),
            &ResourceOwnerPassword::new("wonderland".into()),
        )
        .request_async(&http)
        .await
        .expect("password grant");
    assert!(tokens.refresh_token().is_some());
    let wrong = client
        .exchange_password(
            &ResourceOwnerUsername::new("alice".into()),
            &ResourceOwnerPassword::new("nope".into()),
        )
        .request_async(&http)
        .await;
    match wrong {
        Err(oauth2::RequestTokenError::ServerResponse(e)) => {
            assert_eq!(e.error().as_ref(), "invalid_grant");
        }
        other => panic!("expected invalid_grant, got {other:?}"),
    }
    running.stop().await.unwrap();
}

#[tokio::test]
async fn the_password_grant_is_off_unless_switched_on() {
    let running = crate::example::start(&[]).await;
    let client = client_for!(running);
    let result = client
        .exchange_password(
            &ResourceOwnerUsername::new("alice".into()),
            &ResourceOwnerPassword::new("wonderland".into()),
        )
        .request_async(&crate::example::http())
        .await;
    match result {
        Err(oauth2::RequestTokenError::ServerResponse(e)) => {
            assert_eq!(e.error().as_ref(), "unsupported_grant_type");
        }
        other => panic!("expected unsupported_grant_type, got {other:?}"),
    }
    running.stop().await.unwrap();
}
