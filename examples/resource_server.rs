//! A resource server that validates the authorization server's tokens through introspection
//! (RFC 7662), with a scope per route. Start the authorization server, then:
//!
//! ```text
//! cargo run --example resource_server -- --introspection-url http://127.0.0.1:8080/introspect \
//!     --client-id demo-app --client-secret SECRET --listen 127.0.0.1:8090
//! curl -H "Authorization: Bearer ACCESS_TOKEN" http://127.0.0.1:8090/api/notes
//! ```
//!
//! | route | needs |
//! |---|---|
//! | `GET /api/me` | any active token |
//! | `GET /api/notes` | `read` |
//! | `POST /api/notes` | `write` |
//!
//! Every request costs one introspection call; a production resource server would cache
//! active answers for a few seconds, trading that much revocation latency for fewer calls.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::{Json, Router};
use clap::Parser;
use oauth2_provider::endpoint::bearer::{BearerRejection, extract};
use oauth2_provider::scopes;
use reqwest::Client;
use serde::Deserialize;
use serde_json::{Value, json};

/// The scopes this API understands: the contract it shares with the authorization server.
#[scopes(read = 1 << 0, write = 1 << 1, profile = 1 << 2)]
pub struct Scope;

/// A resource server validating bearer tokens by RFC 7662 introspection.
#[derive(Parser, Debug)]
#[command(about)]
pub struct Cli {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8090")]
    pub listen: SocketAddr,
    /// The authorization server's introspection endpoint.
    #[arg(long)]
    pub introspection_url: String,
    /// This resource server's client id at the authorization server (a confidential client).
    #[arg(long)]
    pub client_id: String,
    /// Its client secret.
    #[arg(long)]
    pub client_secret: String,
}

struct Api {
    http: Client,
    cli: Cli,
    notes: Mutex<Vec<String>>,
}

/// An RFC 7662 §2.2 answer; unknown members are ignored.
#[derive(Deserialize)]
struct Introspection {
    active: bool,
    scope: Option<String>,
    sub: Option<String>,
    client_id: Option<String>,
}

/// The API's routes.
pub fn router(cli: Cli) -> Router {
    let api = Arc::new(Api {
        http: Client::new(),
        cli,
        notes: Mutex::new(Vec::new()),
    });
    Router::new()
        .route("/api/me", get(me))
        .route("/api/notes", get(list_notes).post(add_note))
        .with_state(api)
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let listen = cli.listen;
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on {listen}: {e}");
            std::process::exit(1);
        }
    };
    println!("resource server listening on http://{listen}");
    if let Err(e) = axum::serve(listener, router(cli)).await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

/// Who the token speaks for, if it is active and carries `required`.
async fn authorize(
    api: &Api,
    headers: &HeaderMap,
    required: Scope,
) -> Result<String, BearerRejection> {
    let token = extract(headers)?;
    let answer = api
        .http
        .post(&api.cli.introspection_url)
        .basic_auth(&api.cli.client_id, Some(&api.cli.client_secret))
        .form(&[("token", token), ("token_type_hint", "access_token")])
        .send()
        .await;
    // The authorization server is down, refused us, or answered nonsense: fail closed.
    let introspection: Introspection = match answer {
        Ok(response) if response.status().is_success() => response
            .bytes()
            .await
            .ok()
            .and_then(|body| serde_json::from_slice(&body).ok())
            .ok_or_else(BearerRejection::unavailable)?,
        _ => return Err(BearerRejection::unavailable()),
    };
    if !introspection.active {
        return Err(BearerRejection::invalid_token());
    }
    let granted = introspection.scope.as_deref().map(Scope::parse).transpose();
    match granted {
        Ok(granted) if granted.unwrap_or_default().contains(required) => {}
        _ => return Err(BearerRejection::insufficient_scope(required)),
    }
    Ok(introspection
        .sub
        .or(introspection.client_id)
        .unwrap_or_default())
}

async fn me(
    State(api): State<Arc<Api>>,
    headers: HeaderMap,
) -> Result<Json<Value>, BearerRejection> {
    let sub = authorize(&api, &headers, Scope::empty()).await?;
    Ok(Json(json!({ "sub": sub })))
}

async fn list_notes(
    State(api): State<Arc<Api>>,
    headers: HeaderMap,
) -> Result<Json<Value>, BearerRejection> {
    authorize(&api, &headers, Scope::READ).await?;
    Ok(Json(
        json!({ "notes": *api.notes.lock().expect("notes lock") }),
    ))
}

async fn add_note(
    State(api): State<Arc<Api>>,
    headers: HeaderMap,
    Json(note): Json<Value>,
) -> Result<StatusCode, BearerRejection> {
    let sub = authorize(&api, &headers, Scope::WRITE).await?;
    let text = note["text"].as_str().unwrap_or_default();
    api.notes
        .lock()
        .expect("notes lock")
        .push(format!("{sub}: {text}"));
    Ok(StatusCode::CREATED)
}
