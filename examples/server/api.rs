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
//! Every token must be for the resource `{issuer}/api` (RFC 8707); its metadata (RFC 9728) is at
//! `/.well-known/oauth-protected-resource/api`, and every refusal names it, with the scope a
//! token needs, in `WWW-Authenticate`.
//!
//! The notes are bounded: the newest hundred are kept, a request body is at most 4 KiB.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::extract::{DefaultBodyLimit, FromRef, State};
use axum::handler::Handler as _;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use oauth2_provider::Server;
use oauth2_provider::axum::BearerToken;
use oauth2_provider::provider::Provider;
use oauth2_provider::resource::{ProtectedResource, Requirements};
use oauth2_provider::store::ClientStore;
use oauth2_provider::tower::BearerLayer;
use serde::Serialize;
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

/// The API's routes, over `server`'s tokens, as the resource `{issuer}/api`, and its metadata.
pub fn routes<P: ApiProvider, S: Clone + Send + Sync + 'static>(
    server: Arc<Server<P>>,
    issuer: &str,
) -> Result<Router<S>, String> {
    let resource = ProtectedResource::new(format!("{issuer}/api"))
        .map_err(|e| format!("the issuer cannot name the API: {e}"))?
        .authorization_server(issuer)
        .scopes(Scope::READ.union(Scope::WRITE))
        .name("Notes");
    let needs = |scope: Scope| {
        let requirements = Requirements::scope(scope).for_resource(&resource);
        BearerLayer::new(Arc::clone(&server), requirements)
    };
    let (holders, readers, writers) = (
        needs(Scope::empty()),
        needs(Scope::READ),
        needs(Scope::WRITE),
    );
    let metadata_path = resource.well_known_path().to_owned();
    let api = Api {
        server,
        notes: Arc::default(),
    };
    let routes = Router::new()
        .route("/api/me", get(me::<P>.layer(holders)))
        .route(
            "/api/notes",
            get(list_notes::<P>.layer(readers)).post(add_note::<P>.layer(writers)),
        )
        .layer(DefaultBodyLimit::max(MAX_NOTE_BODY))
        .with_state(api);
    let document = resource.response();
    Ok(routes.route(
        &metadata_path,
        get(move || {
            let document = document.clone();
            async move { document.map(axum::body::Body::from) }
        }),
    ))
}

/// Who the token speaks for: its subject, or the client for its own token.
fn holder<P: Provider>(token: &BearerToken<P>) -> String {
    token.subject().unwrap_or(token.client_id()).to_owned()
}

async fn me<P: ApiProvider>(token: BearerToken<P>) -> Json<Value> {
    Json(json!({ "sub": holder(&token), "scope": token.scope().to_string() }))
}

/// The body of `GET /api/notes`, serialized straight from the list.
#[derive(Serialize)]
struct Notes<'a> {
    notes: &'a VecDeque<String>,
}

/// Behind the `read` layer: the extractor takes the token the layer validated. The list is
/// written out under its lock rather than copied into a JSON value first.
async fn list_notes<P: ApiProvider>(State(api): State<Api<P>>, _token: BearerToken<P>) -> Response {
    let notes = api.notes.lock().expect("notes lock");
    Json(Notes { notes: &notes }).into_response()
}

/// Behind the `write` layer.
async fn add_note<P: ApiProvider>(
    State(api): State<Api<P>>,
    token: BearerToken<P>,
    Json(note): Json<Value>,
) -> StatusCode {
    let text = note["text"].as_str().unwrap_or_default();
    let entry = format!("{}: {text}", holder(&token));
    let mut notes = api.notes.lock().expect("notes lock");
    // The oldest go first: what the demo keeps is bounded whoever writes.
    if notes.len() == MAX_NOTES {
        notes.pop_front();
    }
    notes.push_back(entry);
    StatusCode::CREATED
}
