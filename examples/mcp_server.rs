//! A Model Context Protocol server protected by the example authorization server, as the MCP
//! authorization specification (2025-11-25) asks of a resource server: its RFC 9728 metadata,
//! a 401 that names it, tokens accepted only when issued for this server (RFC 8707 audience),
//! and a 403 `insufficient_scope` naming the scope a tool needs, so a client can step up.
//!
//! ```text
//! cargo run --example server -- --listen 127.0.0.1:8080 --access-token-format jwt \
//!     --resource http://127.0.0.1:8091/mcp
//! cargo run --example mcp_server -- --issuer http://127.0.0.1:8080 --listen 127.0.0.1:8091
//! ```
//!
//! An MCP client pointed at `http://127.0.0.1:8091/mcp` is refused with the metadata URL,
//! reads `authorization_servers` there, registers or presents its client ID metadata document,
//! and runs the code flow with `resource=http://127.0.0.1:8091/mcp`. The tokens are RFC 9068
//! JWTs, verified here against the issuer's JWK Set (fetched again on an unknown `kid`); the
//! server speaks JSON-RPC over Streamable HTTP, JSON answers only.
//!
//! | tool | needs |
//! |---|---|
//! | `list_notes` | `read` |
//! | `add_note` | `write` |

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use clap::Parser;
use oauth2_provider::endpoint::bearer::{BearerRejection, extract};
use oauth2_provider::resource::{
    AccessTokenClaims, JwksSource, ProtectedResource, RemoteValidator, Requirements,
};
use oauth2_provider::scopes;
use serde_json::{Value, json};

/// The scopes the tools need: the contract shared with the authorization server.
#[scopes(read = 1 << 0, write = 1 << 1)]
pub struct Scope;

/// An MCP server whose tokens come from `--issuer`.
#[derive(Parser, Debug)]
#[command(about)]
pub struct Cli {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8091")]
    pub listen: SocketAddr,
    /// The authorization server's issuer identifier.
    #[arg(long)]
    pub issuer: String,
    /// This server's resource identifier; default `http://{listen}/mcp`.
    #[arg(long)]
    pub resource: Option<String>,
}

/// The issuer's JWK Set, found through its metadata (RFC 8414) on each fetch: a rotation there
/// is seen here.
struct IssuerKeys {
    http: reqwest::Client,
    issuer: String,
}

impl IssuerKeys {
    async fn get_json(&self, url: &str) -> Option<Value> {
        let response = self.http.get(url).send().await.ok()?;
        if !response.status().is_success() {
            return None;
        }
        serde_json::from_slice(&response.bytes().await.ok()?).ok()
    }
}

impl JwksSource for IssuerKeys {
    async fn fetch(&self) -> Option<Value> {
        let metadata_url = format!("{}/.well-known/oauth-authorization-server", self.issuer);
        let metadata = self.get_json(&metadata_url).await?;
        self.get_json(metadata["jwks_uri"].as_str()?).await
    }
}

struct Mcp {
    resource: ProtectedResource,
    tokens: RemoteValidator<IssuerKeys>,
    notes: Mutex<Vec<String>>,
}

/// The MCP endpoint and the resource's metadata, for the resource `cli.resource`.
pub fn router(cli: &Cli) -> Result<Router, String> {
    let identifier = cli
        .resource
        .clone()
        .unwrap_or_else(|| format!("http://{}/mcp", cli.listen));
    let resource = ProtectedResource::new(identifier.clone())
        .map_err(|e| e.to_string())?
        .authorization_server(cli.issuer.clone())
        .scopes(Scope::all())
        .name("Notes (MCP)");
    let keys = IssuerKeys {
        http: reqwest::Client::new(),
        issuer: cli.issuer.clone(),
    };
    let metadata_path = resource.well_known_path().to_owned();
    let mcp = Arc::new(Mcp {
        tokens: RemoteValidator::new(cli.issuer.clone(), identifier, keys),
        resource,
        notes: Mutex::new(Vec::new()),
    });
    let path = url::Url::parse(mcp.resource.resource())
        .map_err(|e| e.to_string())?
        .path()
        .to_owned();
    Ok(Router::new()
        .route(&metadata_path, get(metadata))
        .route(&path, post(rpc))
        .with_state(mcp))
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let app = match router(&cli) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(cli.listen).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on {}: {e}", cli.listen);
            std::process::exit(1);
        }
    };
    println!(
        "MCP server on http://{}, tokens from {}",
        cli.listen, cli.issuer
    );
    if let Err(e) = axum::serve(listener, app).await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

async fn metadata(State(mcp): State<Arc<Mcp>>) -> Response {
    mcp.resource.response().map(axum::body::Body::from)
}

/// A valid token for this resource carrying `scope`, or the challenge that says what to get.
async fn authorize(
    mcp: &Mcp,
    headers: &HeaderMap,
    scope: Scope,
) -> Result<AccessTokenClaims, BearerRejection> {
    let needs = Requirements::scope(scope).for_resource(&mcp.resource);
    let token = extract(headers).map_err(|r| r.for_requirements(&needs))?;
    let claims = mcp
        .tokens
        .validate(token)
        .await
        .map_err(|_| BearerRejection::invalid_token().for_requirements(&needs))?;
    // Names this server does not know are no scope of its own: they are dropped, not refused.
    let granted = claims
        .scope
        .split(' ')
        .filter_map(|name| Scope::parse(name).ok())
        .fold(Scope::empty(), |all, one| all.union(one));
    match granted.contains(scope) {
        true => Ok(claims),
        false => Err(BearerRejection::insufficient_scope(scope).for_requirements(&needs)),
    }
}

/// One JSON-RPC message of Streamable HTTP: a request gets its answer, a notification 202.
async fn rpc(State(mcp): State<Arc<Mcp>>, headers: HeaderMap, body: Json<Value>) -> Response {
    let Json(message) = body;
    // Every message needs a token, initialization included: an unauthorized client learns
    // where to get one at its first request.
    let needed = match (
        message["method"].as_str(),
        message["params"]["name"].as_str(),
    ) {
        (Some("tools/call"), Some("add_note")) => Scope::WRITE,
        _ => Scope::READ,
    };
    let claims = match authorize(&mcp, &headers, needed).await {
        Ok(claims) => claims,
        Err(rejection) => return IntoResponse::into_response(rejection),
    };
    let Some(id) = message.get("id").cloned() else {
        return StatusCode::ACCEPTED.into_response();
    };
    let result = match message["method"].as_str().unwrap_or_default() {
        "initialize" => Ok(json!({
            "protocolVersion": message["params"]["protocolVersion"].as_str().unwrap_or("2025-11-25"),
            "capabilities": { "tools": {} },
            "serverInfo": { "name": "notes", "version": "1.0.0" },
        })),
        "tools/list" => Ok(json!({ "tools": [
            { "name": "list_notes", "description": "The notes (scope read)",
              "inputSchema": { "type": "object" } },
            { "name": "add_note", "description": "Adds a note (scope write)",
              "inputSchema": { "type": "object", "properties": { "text": { "type": "string" } },
                               "required": ["text"] } },
        ]})),
        "tools/call" => call(&mcp, &claims, &message["params"]),
        _ => Err((-32601, "method not found")),
    };
    let answer = match result {
        Ok(result) => json!({ "jsonrpc": "2.0", "id": id, "result": result }),
        Err((code, message)) => {
            json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
        }
    };
    Json(answer).into_response()
}

fn call(
    mcp: &Mcp,
    claims: &AccessTokenClaims,
    params: &Value,
) -> Result<Value, (i64, &'static str)> {
    let mut notes = mcp.notes.lock().expect("notes lock");
    let text = match params["name"].as_str() {
        Some("list_notes") => notes.join("\n"),
        Some("add_note") => {
            let text = params["arguments"]["text"]
                .as_str()
                .ok_or((-32602, "text is required"))?;
            // Bounded whoever writes: the oldest go first.
            if notes.len() == 100 {
                notes.remove(0);
            }
            notes.push(format!("{}: {text}", claims.sub));
            "added".to_owned()
        }
        _ => return Err((-32602, "unknown tool")),
    };
    Ok(json!({ "content": [{ "type": "text", "text": text }] }))
}
