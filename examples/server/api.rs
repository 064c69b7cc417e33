//! A small protected API, validating bearer tokens in-process: the resource server living in
//! the authorization server's process, sharing its store. Both of the framework's forms are
//! here: the `BearerToken` extractor (with `require` for a scope) and the `BearerLayer`.
//!
//! | route | needs |
//! |---|---|
//! | `GET /api/me` | any valid token (client credentials included) |
//! | `GET /api/notes` | `read` |
//! | `POST /api/notes` | `write` |
//!
//! The notes are bounded: the newest hundred are kept, a request body is at most 4 KiB.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::extract::{DefaultBodyLimit, FromRef, State};
use axum::handler::Handler as _;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use oauth2_provider::Server;
use oauth2_provider::axum::BearerToken;
use oauth2_provider::endpoint::bearer::BearerRejection;
use oauth2_provider::provider::Provider;
use oauth2_provider::store::ClientStore;
use oauth2_provider::tower::BearerLayer;
use serde_json::{Value, json};

use super::model::{Client, Scope};

/// A provider of the example's clients and scopes.
pub trait ApiProvider: Provider<Clients: ClientStore<Client = Client>> {}
impl<P: Provider<Clients: ClientStore<Client = Client>>> ApiProvider for P {}

/// How many notes the demo keeps, and how large a note's request body may be.
const MAX_NOTES: usize = 100;
const MAX_NOTE_BODY: usize = 4 * 1024;

struct Api<P> {
    server: Arc<Server<P>>,
    notes: Arc<Mutex<VecDeque<String>>>,
}

impl<P> Clone for Api<P> {
    fn clone(&self) -> Self {
        Api {
            server: Arc::clone(&self.server),
            notes: Arc::clone(&self.notes),
        }
    }
}

/// What the `BearerToken` extractor needs from the state: the server.
impl<P> FromRef<Api<P>> for Arc<Server<P>> {
    fn from_ref(api: &Api<P>) -> Self {
        Arc::clone(&api.server)
    }
}

/// The API's routes, over `server`'s tokens.
pub fn routes<P: ApiProvider, S>(server: Arc<Server<P>>) -> Router<S> {
    let readers = BearerLayer::scope(Arc::clone(&server), Scope::READ);
    let api = Api {
        server,
        notes: Arc::default(),
    };
    Router::new()
        .route("/api/me", get(me::<P>))
        .route(
            "/api/notes",
            get(list_notes::<P>.layer(readers)).post(add_note::<P>),
        )
        .layer(DefaultBodyLimit::max(MAX_NOTE_BODY))
        .with_state(api)
}

/// Who the token speaks for: its subject, or the client for its own token.
fn holder<P: Provider>(token: &BearerToken<P>) -> String {
    token.subject().unwrap_or(token.client_id()).to_owned()
}

async fn me<P: ApiProvider>(token: BearerToken<P>) -> Json<Value> {
    Json(json!({ "sub": holder(&token), "scope": token.scope().to_string() }))
}

/// Behind the `read` layer: the extractor takes the token the layer validated.
async fn list_notes<P: ApiProvider>(
    State(api): State<Api<P>>,
    _token: BearerToken<P>,
) -> Json<Value> {
    let notes = api.notes.lock().expect("notes lock").clone();
    Json(json!({ "notes": notes }))
}

async fn add_note<P: ApiProvider>(
    State(api): State<Api<P>>,
    token: BearerToken<P>,
    Json(note): Json<Value>,
) -> Result<StatusCode, BearerRejection> {
    token.require(Scope::WRITE)?;
    let text = note["text"].as_str().unwrap_or_default();
    let entry = format!("{}: {text}", holder(&token));
    let mut notes = api.notes.lock().expect("notes lock");
    // The oldest go first: what the demo keeps is bounded whoever writes.
    if notes.len() == MAX_NOTES {
        notes.pop_front();
    }
    notes.push_back(entry);
    Ok(StatusCode::CREATED)
}
