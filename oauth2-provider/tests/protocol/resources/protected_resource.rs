//! Protected resource metadata (RFC 9728) and the challenges that point to it (§5.1): a
//! resource server built on the framework tells a client without a token where to get one.

use http::header::{ACCESS_CONTROL_ALLOW_ORIGIN, AUTHORIZATION, HeaderValue, WWW_AUTHENTICATE};
use http::{HeaderMap, StatusCode};
use oauth2_provider::resource::{ProtectedResource, Requirements};
use oauth2_provider::scope::Scopes;

use crate::support::*;

fn mcp() -> ProtectedResource {
    ProtectedResource::new(MCP_RESOURCE)
        .unwrap()
        .authorization_server("https://auth.example.com")
        .scopes(ApiScope::READ.union(ApiScope::WRITE))
}

fn bearer(token: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let value = HeaderValue::try_from(format!("Bearer {token}")).unwrap();
    headers.insert(AUTHORIZATION, value);
    headers
}

/// What a refusal of `headers` under `requirements` answers: status and challenge.
async fn refused(
    server: &TestServer,
    headers: &HeaderMap,
    requirements: &Requirements<ApiScope>,
) -> (StatusCode, String) {
    let Err(rejection) = server.bearer_with(headers, requirements).await else {
        panic!("the request was accepted");
    };
    let response = rejection.into_response();
    let challenge = response.headers()[WWW_AUTHENTICATE].to_str().unwrap();
    (response.status(), challenge.to_owned())
}

async fn client_token(server: &TestServer, scope: &str, resource: &str) -> String {
    let params = [
        ("grant_type", "client_credentials"),
        ("scope", scope),
        ("resource", resource),
    ];
    let reply = token(server, Auth::Basic(SERVICE, SERVICE_SECRET), &params).await;
    assert_token_ok(&reply);
    reply.access_token().to_owned()
}

/// §3: the document at the path-inserted well-known URL, `resource` exactly the identifier.
#[test]
fn the_document_names_the_resource_and_its_authorization_servers() {
    let resource = mcp().name("Notes MCP");
    assert_eq!(
        resource.well_known_path(),
        "/.well-known/oauth-protected-resource/mcp"
    );
    let response = resource.response();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert!(
        response.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let document: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
    assert_eq!(
        document,
        serde_json::json!({
            "resource": MCP_RESOURCE,
            "authorization_servers": ["https://auth.example.com"],
            "scopes_supported": ["read", "write"],
            "bearer_methods_supported": ["header"],
            "resource_name": "Notes MCP",
        })
    );
}

/// §5.1 and MCP: a request without a token gets 401 naming the metadata and the scope.
#[tokio::test]
async fn a_missing_token_is_challenged_with_resource_metadata_and_scope() {
    let server = resource_server(resources());
    let needs = Requirements::scope(ApiScope::WRITE).for_resource(&mcp());
    let (status, challenge) = refused(&server, &HeaderMap::new(), &needs).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        challenge,
        "Bearer realm=\"oauth2\", scope=\"write\", resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\""
    );
}

/// RFC 8707 at the resource: a token for another audience is `invalid_token` (401) with the
/// metadata; a token lacking a scope is 403 `insufficient_scope` naming it, for step-up.
#[tokio::test]
async fn a_token_for_another_resource_or_without_the_scope_is_refused() {
    let server = resource_server(resources());
    let needs = Requirements::scope(ApiScope::READ).for_resource(&mcp());
    let admin = client_token(&server, "read", ADMIN_RESOURCE).await;
    let (status, challenge) = refused(&server, &bearer(&admin), &needs).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
    assert!(
        challenge.contains(
            "resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\""
        ),
        "{challenge}"
    );

    let reader = client_token(&server, "read", MCP_RESOURCE).await;
    assert!(server.bearer_with(&bearer(&reader), &needs).await.is_ok());
    let writers = Requirements::scope(ApiScope::WRITE).for_resource(&mcp());
    let (status, challenge) = refused(&server, &bearer(&reader), &writers).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );
    assert!(challenge.contains("scope=\"write\""), "{challenge}");
    assert!(challenge.contains("resource_metadata="), "{challenge}");
}
