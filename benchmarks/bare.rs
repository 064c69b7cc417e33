//! The ceiling for the HTTP benchmarks (BENCHMARKS.md): bare axum handlers on the same axum,
//! hyper and tokio as the example server, answering each benchmarked route with a fixed body
//! of exactly the size the real endpoint sends, and the same headers.
//!
//! ```text
//! cargo run --release --example bench_bare -- --listen 127.0.0.1:9100 \
//!     --token-body token.json --notes-body notes.json --introspect-body introspect.json
//! ```
//!
//! The bodies are files holding one real response of each endpoint, captured by
//! `benchmarks/http.sh`, so the sizes match byte for byte.

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::Router;
use axum::body::Bytes;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, PRAGMA};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use clap::Parser;

/// Bare handlers with fixed bodies.
#[derive(Parser, Debug)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:9100")]
    listen: SocketAddr,
    /// The body `POST /token` answers with.
    #[arg(long)]
    token_body: PathBuf,
    /// The body `GET /api/notes` answers with.
    #[arg(long)]
    notes_body: PathBuf,
    /// The body `POST /introspect` answers with.
    #[arg(long)]
    introspect_body: PathBuf,
}

const JSON: HeaderValue = HeaderValue::from_static("application/json");
const NO_STORE: HeaderValue = HeaderValue::from_static("no-store");
const NO_CACHE: HeaderValue = HeaderValue::from_static("no-cache");

fn read(path: &PathBuf) -> Bytes {
    match std::fs::read(path) {
        Ok(body) => Bytes::from(body),
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            std::process::exit(1);
        }
    }
}

/// JSON with the RFC 6749 §5.1 cache headers, as the token and introspection endpoints send.
fn no_store_json(body: Bytes) -> Response {
    (
        [
            (CONTENT_TYPE, JSON),
            (CACHE_CONTROL, NO_STORE),
            (PRAGMA, NO_CACHE),
        ],
        body,
    )
        .into_response()
}

// The allocator the example server runs on, so the ceiling differs from it by the handler only.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let token = read(&args.token_body);
    let notes = read(&args.notes_body);
    let introspect = read(&args.introspect_body);
    // Each POST handler takes the request body, as the real endpoints must.
    let app = Router::new()
        .route(
            "/token",
            post(move |_body: Bytes| std::future::ready(no_store_json(token.clone()))),
        )
        .route(
            "/api/notes",
            get(move || {
                std::future::ready(([(CONTENT_TYPE, JSON)], notes.clone()).into_response())
            }),
        )
        .route(
            "/introspect",
            post(move |_body: Bytes| std::future::ready(no_store_json(introspect.clone()))),
        );
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on {}: {e}", args.listen);
            std::process::exit(1);
        }
    };
    println!("bench_bare listening on http://{}", args.listen);
    if let Err(e) = axum::serve(listener, app).await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
