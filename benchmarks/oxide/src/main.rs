//! oxide-auth 0.6 behind oxide-auth-axum 0.6, serving what the HTTP benchmarks measure on the
//! example server:
//!
//! - `POST /token`: `client_credentials`, the client authenticated with HTTP Basic;
//! - `GET /api/notes`: a bearer-protected resource needing scope `read`, whose handler does
//!   exactly what the example server's does (lock a `Mutex<Vec<String>>` and serialize it as
//!   `{"notes": [...]}` under the lock).
//!
//! oxide-auth has no introspection endpoint (RFC 7662), so there is none here.
//!
//! Secret hashing is made equal to the example server's `sha256$` client secrets: the client
//! registrar's password policy is one SHA-256 of the presented secret compared in constant
//! time, not oxide-auth's default Argon2 (`rfc9106_low_mem`). Tokens are 32 random bytes from
//! the OS, like the example server's 256-bit tokens.
//!
//! The issuer is oxide-auth's `TokenMap` behind an `RwLock`: issuing takes the write lock,
//! validation the read lock (oxide-auth's `Issuer` needs `&mut` for both; the wrapper in
//! `src/lib.rs` lets readers share).
//!
//! ```text
//! bench-oxide 127.0.0.1:9200 CLIENT_ID SECRET
//! ```

use std::sync::{Arc, Mutex, RwLock};

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use oxide_auth::endpoint::{OwnerConsent, Solicitation};
use oxide_auth::frontends::simple::endpoint::{
    FnSolicitor, client_credentials_flow, resource_flow,
};
use oxide_auth::primitives::generator::RandomGenerator;
use oxide_auth::primitives::issuer::TokenMap;
use oxide_auth::primitives::registrar::{Client, ClientMap, RegisteredUrl};
use oxide_auth::primitives::scope::Scope;
use oxide_auth_axum::{OAuthRequest, OAuthResource, OAuthResponse, WebError};

use bench_oxide::{Sha256Policy, SharedIssuer};

struct AppState {
    registrar: ClientMap,
    issuer: RwLock<TokenMap<RandomGenerator>>,
    read: Vec<Scope>,
    notes: Mutex<Vec<String>>,
}

async fn token(
    State(state): State<Arc<AppState>>,
    request: OAuthRequest,
) -> Result<OAuthResponse, WebError> {
    let mut issuer = SharedIssuer(&state.issuer);
    // A client acting for itself: the client is the owner.
    let mut solicitor = FnSolicitor(|_: &mut OAuthRequest, solicitation: Solicitation| {
        OwnerConsent::Authorized(solicitation.pre_grant().client_id.clone())
    });
    client_credentials_flow(&state.registrar, &mut issuer, &mut solicitor)
        .execute(request)
        .map_err(WebError::from)
}

/// The body of `GET /api/notes`, as the example server writes it.
#[derive(serde::Serialize)]
struct Notes<'a> {
    notes: &'a [String],
}

async fn list_notes(State(state): State<Arc<AppState>>, resource: OAuthResource) -> Response {
    let mut issuer = SharedIssuer(&state.issuer);
    let request: OAuthRequest = resource.into();
    match resource_flow(&mut issuer, &state.read).execute(request) {
        Ok(_grant) => {
            let notes = state.notes.lock().expect("notes lock");
            Json(Notes { notes: &notes }).into_response()
        }
        Err(Ok(response)) => response.into_response(),
        Err(Err(error)) => WebError::from(error).into_response(),
    }
}

// The allocator the example server runs on, as for the bare ceiling.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(listen), Some(client_id), Some(secret)) = (args.next(), args.next(), args.next())
    else {
        eprintln!("usage: bench-oxide LISTEN CLIENT_ID SECRET");
        std::process::exit(2);
    };
    let mut registrar = ClientMap::new();
    registrar.set_password_policy(Sha256Policy);
    let redirect = RegisteredUrl::Exact("https://app.example/cb".parse().expect("a URL"));
    registrar.register_client(Client::confidential(
        &client_id,
        redirect,
        "read".parse().expect("a scope"),
        secret.as_bytes(),
    ));
    let mut issuer = TokenMap::new(RandomGenerator::new(32));
    issuer.valid_for(chrono::Duration::seconds(3600));
    let state = Arc::new(AppState {
        registrar,
        issuer: RwLock::new(issuer),
        read: vec!["read".parse().expect("a scope")],
        notes: Mutex::new(Vec::new()),
    });
    let app = Router::new()
        .route("/token", post(token))
        .route("/api/notes", get(list_notes))
        .with_state(state);
    let listener = match tokio::net::TcpListener::bind(&listen).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on {listen}: {e}");
            std::process::exit(1);
        }
    };
    println!("bench-oxide listening on http://{listen}");
    if let Err(e) = axum::serve(listener, app).await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
