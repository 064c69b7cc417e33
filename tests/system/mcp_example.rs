//! `examples/mcp_server.rs` with the example authorization server, as an MCP client meets
//! them: refused with the metadata URL, the metadata naming the authorization server, a token
//! for this resource (RFC 8707) accepted and one for another refused, and step-up on
//! `insufficient_scope`.

#[allow(dead_code)]
#[path = "../../examples/mcp_server.rs"]
mod mcp_server;

use oauth2::reqwest::{self, StatusCode};
use serde_json::{Value, json};

use crate::example::{challenge, http, start};

async fn body(response: reqwest::Response) -> Value {
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap_or(Value::Null)
}

async fn rpc(url: &str, token: Option<&str>, message: Value) -> reqwest::Response {
    let mut request = http()
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(message.to_string());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn an_mcp_client_discovers_gets_a_token_for_the_server_and_steps_up() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mcp = format!("http://{addr}/mcp");
    let authorization = start(&["--access-token-format", "jwt", "--resource", &mcp]).await;
    let issuer = authorization.issuer.clone();
    let secret = authorization.demo_secret.clone().unwrap();
    let cli = mcp_server::Cli {
        listen: addr,
        issuer: issuer.clone(),
        resource: None,
    };
    let app = mcp_server::router(&cli).unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });

    // Discovery: the 401 names the metadata, the metadata the authorization server.
    let initialize = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                   "clientInfo": {"name": "test", "version": "1"}}});
    let refused = rpc(&mcp, None, initialize.clone()).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let metadata_url = format!("http://{addr}/.well-known/oauth-protected-resource/mcp");
    assert!(challenge(&refused).contains(&format!("resource_metadata=\"{metadata_url}\"")));
    assert!(challenge(&refused).contains("scope=\"read\""));
    let metadata = body(http().get(&metadata_url).send().await.unwrap()).await;
    assert_eq!(metadata["resource"], mcp);
    assert_eq!(metadata["authorization_servers"], json!([issuer]));

    let token = |scope: &'static str, resource: Option<String>| {
        let (issuer, secret) = (issuer.clone(), secret.clone());
        async move {
            let mut form = vec![
                ("grant_type", "client_credentials".to_owned()),
                ("scope", scope.to_owned()),
            ];
            form.extend(resource.map(|r| ("resource", r)));
            let reply = http()
                .post(format!("{issuer}/token"))
                .basic_auth("demo-app", Some(secret))
                .form(&form)
                .send()
                .await
                .unwrap();
            body(reply).await["access_token"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };

    // A token for the authorization server's own API is not for this server.
    let elsewhere = token("read", None).await;
    let reply = rpc(&mcp, Some(&elsewhere), initialize.clone()).await;
    assert_eq!(reply.status(), StatusCode::UNAUTHORIZED);
    assert!(challenge(&reply).contains("error=\"invalid_token\""));

    let reader = token("read", Some(mcp.clone())).await;
    let reply = rpc(&mcp, Some(&reader), initialize).await;
    assert_eq!(reply.status(), StatusCode::OK);
    assert_eq!(body(reply).await["result"]["serverInfo"]["name"], "notes");
    let tools = body(
        rpc(
            &mcp,
            Some(&reader),
            json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}),
        )
        .await,
    )
    .await;
    assert_eq!(tools["result"]["tools"][1]["name"], "add_note");

    // Step-up: writing needs `write`, and the 403 says so.
    let add = json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call",
        "params": {"name": "add_note", "arguments": {"text": "hello"}}});
    let reply = rpc(&mcp, Some(&reader), add.clone()).await;
    assert_eq!(reply.status(), StatusCode::FORBIDDEN);
    let step_up = challenge(&reply);
    assert!(
        step_up.contains("error=\"insufficient_scope\"") && step_up.contains("scope=\"write\""),
        "{step_up}"
    );
    let writer = token("read write", Some(mcp.clone())).await;
    assert_eq!(rpc(&mcp, Some(&writer), add).await.status(), StatusCode::OK);
    let list = json!({"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {"name": "list_notes"}});
    let notes = body(rpc(&mcp, Some(&reader), list).await).await;
    assert_eq!(notes["result"]["content"][0]["text"], "demo-app: hello");
}
