//! A small protected API, validating bearer tokens in-process: the resource server living in
//! the authorization server's process, sharing its store.
//!
//! | route | scope |
//! |---|---|
//! | `GET /api/me` | `profile` |
//! | `GET /api/notes` | `read` |
//! | `POST /api/notes` | `write` |

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use oauth2_provider::Server;
use oauth2_provider::provider::Provider;
use oauth2_provider::store::ClientStore;
use serde_json::{Value, json};

use super::model::{Client, Scope};

struct Api<P> {
    server: Arc<Server<P>>,
    notes: Mutex<Vec<String>>,
}

/// The API's routes, over `server`'s tokens.
pub fn routes<P: Provider<Clients: ClientStore<Client = Client>>>(
    server: Arc<Server<P>>,
) -> Router {
    let api = Arc::new(Api {
        server,
        notes: Mutex::new(Vec::new()),
    });
    Router::new()
        .route("/api/me", get(me::<P>))
        .route("/api/notes", get(list_notes::<P>).post(add_note::<P>))
        .with_state(api)
}

/// The token's subject (or client) if it carries `required`, else the RFC 6750 rejection.
async fn authorize<P: Provider<Clients: ClientStore<Client = Client>>>(
    api: &Api<P>,
    headers: &HeaderMap,
    required: Scope,
) -> Result<(String, String), Response> {
    match api.server.bearer(headers, required).await {
        Ok(token) => Ok((
            token.subject().unwrap_or(token.client_id()).to_owned(),
            token.scope().to_string(),
        )),
        Err(rejection) => Err(rejection.into_response().map(Body::from)),
    }
}

async fn me<P: Provider<Clients: ClientStore<Client = Client>>>(
    State(api): State<Arc<Api<P>>>,
    headers: HeaderMap,
) -> Response {
    match authorize(&api, &headers, Scope::PROFILE).await {
        Ok((sub, scope)) => Json(json!({ "sub": sub, "scope": scope })).into_response(),
        Err(rejection) => rejection,
    }
}

async fn list_notes<P: Provider<Clients: ClientStore<Client = Client>>>(
    State(api): State<Arc<Api<P>>>,
    headers: HeaderMap,
) -> Response {
    match authorize(&api, &headers, Scope::READ).await {
        Ok(_) => {
            let notes = api.notes.lock().expect("notes lock").clone();
            Json(json!({ "notes": notes })).into_response()
        }
        Err(rejection) => rejection,
    }
}

async fn add_note<P: Provider<Clients: ClientStore<Client = Client>>>(
    State(api): State<Arc<Api<P>>>,
    headers: HeaderMap,
    Json(note): Json<Value>,
) -> Response {
    match authorize(&api, &headers, Scope::WRITE).await {
        Ok((sub, _)) => {
            let text = note["text"].as_str().unwrap_or_default().to_owned();
            api.notes
                .lock()
                .expect("notes lock")
                .push(format!("{sub}: {text}"));
            StatusCode::CREATED.into_response()
        }
        Err(rejection) => rejection,
    }
}
