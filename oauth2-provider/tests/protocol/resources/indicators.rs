//! Resource indicators (RFC 8707): `resource` at the authorization and token endpoints, bound
//! into the tokens' audience, narrowed and never widened, and checked by bearer validation.

use http::StatusCode;
use oauth2_provider::resource::{Requirements, TokenError};
use serde_json::{Value, json};

use crate::support::*;

async fn introspect(server: &TestServer, token: &str) -> Value {
    let mut request = token_request(Auth::Basic(API, API_SECRET), &[("token", token)]);
    *request.uri_mut() = "/introspect".parse().unwrap();
    JsonReply::from_response(server.introspect(request).await).body
}

async fn introspect_refresh(server: &TestServer, token: &str) -> Value {
    let mut request = token_request(Auth::Basic(WEB, WEB_SECRET), &[("token", token)]);
    *request.uri_mut() = "/introspect".parse().unwrap();
    JsonReply::from_response(server.introspect(request).await).body
}

/// Alice approves the web client's code request for `scope` and these `resource`s.
async fn authorize_for(server: &TestServer, scope: &str, resources: &[&str]) -> AuthorizeReply {
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", WEB),
        ("redirect_uri", WEB_CALLBACK),
        ("scope", scope),
        ("state", "s1"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
        ("decision", "approve"),
    ];
    params.extend(resources.iter().map(|r| ("resource", *r)));
    authorize(server, &params, Some(ALICE)).await
}

async fn code_with(server: &TestServer, scope: &str, resources: &[&str]) -> String {
    let reply = authorize_for(server, scope, resources).await;
    let query = reply.query();
    query
        .get("code")
        .unwrap_or_else(|| panic!("no code in {query:?}"))
        .clone()
}

async fn redeem(server: &TestServer, code: &str, resources: &[&str]) -> JsonReply {
    let mut params = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", WEB_CALLBACK),
        ("code_verifier", VERIFIER),
    ];
    params.extend(resources.iter().map(|r| ("resource", *r)));
    token(server, Auth::Basic(WEB, WEB_SECRET), &params).await
}

async fn refresh(server: &TestServer, refresh_token: &str, resources: &[&str]) -> JsonReply {
    let mut params = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ];
    params.extend(resources.iter().map(|r| ("resource", *r)));
    token(server, Auth::Basic(WEB, WEB_SECRET), &params).await
}

/// §2.2: authorized for two resources, a token request names one; the access token is for it
/// alone, the refresh token keeps both, and a refresh without `resource` gets both back.
#[tokio::test]
async fn a_token_request_narrows_the_granted_audience_and_refresh_keeps_it() {
    let server = resource_server(resources());
    let code = code_with(&server, "read", &[MCP_RESOURCE, DOCS_RESOURCE]).await;
    let tokens = redeem(&server, &code, &[DOCS_RESOURCE]).await;
    assert_token_ok(&tokens);
    let access = introspect(&server, tokens.access_token()).await;
    assert_eq!(access["active"], true);
    assert_eq!(access["aud"], DOCS_RESOURCE);
    let kept = introspect_refresh(&server, tokens.refresh_token()).await;
    assert_eq!(kept["aud"], json!([MCP_RESOURCE, DOCS_RESOURCE]));

    let all = refresh(&server, tokens.refresh_token(), &[]).await;
    assert_token_ok(&all);
    let access = introspect(&server, all.access_token()).await;
    assert_eq!(access["aud"], json!([MCP_RESOURCE, DOCS_RESOURCE]));

    let one = refresh(&server, all.refresh_token(), &[MCP_RESOURCE]).await;
    assert_token_ok(&one);
    assert_eq!(
        introspect(&server, one.access_token()).await["aud"],
        MCP_RESOURCE
    );
    let kept = introspect_refresh(&server, one.refresh_token()).await;
    assert_eq!(kept["aud"], json!([MCP_RESOURCE, DOCS_RESOURCE]));
}

/// §2.2: naming a resource the grant did not cover is `invalid_target`, and consumes nothing:
/// the code and the refresh token still work afterwards.
#[tokio::test]
async fn a_token_request_may_not_widen_and_a_refusal_consumes_nothing() {
    let server = resource_server(resources());
    let code = code_with(&server, "read", &[MCP_RESOURCE]).await;
    let widened = redeem(&server, &code, &[MCP_RESOURCE, DOCS_RESOURCE]).await;
    assert_token_error(&widened, StatusCode::BAD_REQUEST, "invalid_target", &[]);
    assert_eq!(counts(&server).access, 0);

    let tokens = redeem(&server, &code, &[]).await;
    assert_token_ok(&tokens);
    assert_eq!(
        introspect(&server, tokens.access_token()).await["aud"],
        MCP_RESOURCE
    );

    let unknown = refresh(
        &server,
        tokens.refresh_token(),
        &["https://elsewhere.example/"],
    )
    .await;
    assert_token_error(&unknown, StatusCode::BAD_REQUEST, "invalid_target", &[]);
    let wider = refresh(&server, tokens.refresh_token(), &[DOCS_RESOURCE]).await;
    assert_token_error(&wider, StatusCode::BAD_REQUEST, "invalid_target", &[]);
    assert_token_ok(&refresh(&server, tokens.refresh_token(), &[MCP_RESOURCE]).await);
}

/// §2: at the authorization endpoint a bad `resource` goes back to the client as
/// `invalid_target`, with `state` and `iss`, and no code is issued.
#[tokio::test]
async fn a_bad_resource_at_authorize_is_redirected_as_invalid_target() {
    let server = resource_server(resources());
    for bad in [
        "https://unknown.example.com/mcp",
        "https://mcp.example.com/mcp#frag",
        "/mcp",
        "mcp.example.com/mcp",
        // Another path is another resource: a trailing slash included.
        "https://mcp.example.com/mcp/",
    ] {
        let reply = authorize_for(&server, "read", &[MCP_RESOURCE, bad]).await;
        assert!(reply.status.is_redirection(), "{bad}");
        let query = reply.query();
        assert_eq!(query["error"], "invalid_target", "{bad}");
        assert_eq!(query["state"], "s1");
        assert_eq!(query["iss"], "https://auth.example.com");
        assert!(!query.contains_key("code"));
    }
    assert_eq!(counts(&server), EMPTY);
}

/// MCP's canonical form: scheme and host in any case, a default port written out; the token
/// carries the identifier as declared.
#[tokio::test]
async fn resources_compare_in_canonical_form() {
    let server = resource_server(resources());
    for sent in [
        "HTTPS://MCP.Example.COM/mcp",
        "https://mcp.example.com:443/mcp",
    ] {
        let code = code_with(&server, "read", &[sent]).await;
        let tokens = redeem(&server, &code, &[sent]).await;
        assert_token_ok(&tokens);
        assert_eq!(
            introspect(&server, tokens.access_token()).await["aud"],
            MCP_RESOURCE
        );
    }
    // The host's own path is `/`, however it is written.
    let code = code_with(&server, "read", &["https://docs.example.com"]).await;
    let tokens = redeem(&server, &code, &[]).await;
    assert_eq!(
        introspect(&server, tokens.access_token()).await["aud"],
        DOCS_RESOURCE
    );
}

/// §2.1: a request naming no resource is for the default one.
#[tokio::test]
async fn no_resource_is_the_default_resource() {
    let server = resource_server(resources());
    let code = code_with(&server, "read write", &[]).await;
    let tokens = redeem(&server, &code, &[]).await;
    assert_eq!(
        introspect(&server, tokens.access_token()).await["aud"],
        MCP_RESOURCE
    );
}

/// A scope none of the requested resources accepts is `invalid_scope`; a client the resource
/// is not for gets `invalid_target`.
#[tokio::test]
async fn the_scope_must_suit_the_resources_and_the_client_may_be_refused_one() {
    let server = resource_server(resources());
    let reply = authorize_for(&server, "write", &[DOCS_RESOURCE]).await;
    assert_eq!(reply.query()["error"], "invalid_scope");
    // Together, the resources accept what each does.
    let code = code_with(&server, "read write", &[DOCS_RESOURCE, MCP_RESOURCE]).await;
    assert_token_ok(&redeem(&server, &code, &[]).await);

    let reply = authorize(
        &server,
        &[
            ("response_type", "code"),
            ("client_id", NATIVE),
            ("redirect_uri", NATIVE_LOOPBACK),
            ("scope", "read"),
            ("resource", ADMIN_RESOURCE),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("decision", "approve"),
        ],
        Some(ALICE),
    )
    .await;
    assert_eq!(reply.query()["error"], "invalid_target");
}

/// Client credentials name their resource at the token endpoint; a bad one issues nothing.
#[tokio::test]
async fn client_credentials_are_bound_to_the_requested_resource() {
    let server = resource_server(resources());
    let auth = Auth::Basic(SERVICE, SERVICE_SECRET);
    let reply = token(
        &server,
        auth,
        &[
            ("grant_type", "client_credentials"),
            ("scope", "admin"),
            ("resource", ADMIN_RESOURCE),
        ],
    )
    .await;
    assert_token_ok(&reply);
    assert_eq!(
        introspect(&server, reply.access_token()).await["aud"],
        ADMIN_RESOURCE
    );
    let before = counts(&server);
    for (scope, resource, code) in [
        ("read", "https://nowhere.example/", "invalid_target"),
        ("read", "not a uri", "invalid_target"),
        ("admin", MCP_RESOURCE, "invalid_scope"),
    ] {
        let params = [
            ("grant_type", "client_credentials"),
            ("scope", scope),
            ("resource", resource),
        ];
        let reply = token(&server, auth, &params).await;
        assert_token_error(&reply, StatusCode::BAD_REQUEST, code, &[resource]);
    }
    assert_eq!(counts(&server), before);
}

/// The framework's bearer validation refuses a token for another resource.
#[tokio::test]
async fn bearer_validation_checks_the_audience() {
    let server = resource_server(resources());
    let code = code_with(&server, "read", &[DOCS_RESOURCE]).await;
    let tokens = redeem(&server, &code, &[]).await;
    let for_docs = Requirements::scope(ApiScope::READ).audience(DOCS_RESOURCE);
    let for_mcp = Requirements::scope(ApiScope::READ).audience(MCP_RESOURCE);
    assert!(
        server
            .validate(tokens.access_token(), &for_docs)
            .await
            .is_ok()
    );
    assert!(matches!(
        server.validate(tokens.access_token(), &for_mcp).await,
        Err(TokenError::WrongAudience)
    ));
}

/// Without declared resource servers, `resource` is checked for form and binds nothing.
#[tokio::test]
async fn without_resource_servers_a_resource_is_only_checked_for_form() {
    let server = server();
    let auth = Auth::Basic(SERVICE, SERVICE_SECRET);
    let malformed = [
        ("grant_type", "client_credentials"),
        ("resource", "https://r.example/#x"),
    ];
    let reply = token(&server, auth, &malformed).await;
    assert_token_error(&reply, StatusCode::BAD_REQUEST, "invalid_target", &[]);
    let params = [
        ("grant_type", "client_credentials"),
        ("resource", "https://r.example/"),
    ];
    let reply = token(&server, auth, &params).await;
    assert_token_ok(&reply);
    assert!(
        introspect(&server, reply.access_token())
            .await
            .get("aud")
            .is_none()
    );
}

/// RFC 9728 §4: the metadata lists the resource servers.
#[tokio::test]
async fn the_metadata_lists_the_protected_resources() {
    let server = resource_server(resources());
    let request = http::Request::get("/.well-known/oauth-authorization-server")
        .body(bytes::Bytes::new())
        .unwrap();
    let reply = JsonReply::from_response(server.handle(request).await);
    assert_eq!(
        reply.body["protected_resources"],
        json!([MCP_RESOURCE, DOCS_RESOURCE, ADMIN_RESOURCE])
    );
    let plain = server_with(|c| c.issuer = Some("https://auth.example.com".into()));
    let request = http::Request::get("/.well-known/oauth-authorization-server")
        .body(bytes::Bytes::new())
        .unwrap();
    let reply = JsonReply::from_response(plain.handle(request).await);
    assert!(reply.body.get("protected_resources").is_none());
}
