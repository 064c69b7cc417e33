//! The axum adapter over a real socket: the body bounds, the router under any state, the
//! `BearerToken` extractor and the rejection as a response.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;
use axum::routing::get;
use oauth2_provider::axum::BearerToken;
use oauth2_provider::endpoint::bearer::BearerRejection;
use oauth2_provider::tower::BearerLayer;
use tokio::net::TcpListener;

use crate::support::*;
use crate::wire::*;

async fn serve(app: Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

#[tokio::test]
async fn the_axum_adapter_bounds_the_body_whatever_content_length_says() {
    let server = shared(server());
    let addr = serve(oauth2_provider::axum::router(Arc::clone(&server))).await;
    bounds_the_body(addr, &server).await;
}

#[derive(Clone)]
struct AppState {
    server: Arc<TestServer>,
}

impl FromRef<AppState> for Arc<TestServer> {
    fn from_ref(state: &AppState) -> Self {
        Arc::clone(&state.server)
    }
}

async fn me(token: BearerToken<TestProvider>) -> String {
    token.client_id().to_owned()
}

async fn admin(token: BearerToken<TestProvider>) -> Result<&'static str, BearerRejection> {
    token.require(ApiScope::ADMIN)?;
    Ok("admin")
}

#[tokio::test]
async fn the_bearer_token_extractor_and_layer_protect_routes_under_the_apps_own_state() {
    let server = shared(server());
    let writers = BearerLayer::scope(Arc::clone(&server), ApiScope::WRITE);
    // The usual order: routes, then the framework's router merged, then the state.
    let app = Router::new()
        .route("/me", get(me))
        .route("/admin", get(admin))
        .route("/writers", get(me).route_layer(writers))
        .merge(oauth2_provider::axum::router(Arc::clone(&server)))
        .with_state(AppState { server });
    protects_its_routes(serve(app).await).await;
}
