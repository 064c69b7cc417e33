//! The actix-web adapter over a real socket: the same body bounds and protected routes as the
//! axum and tower suites, through actix-web's own request and response types.

use std::net::SocketAddr;
use std::sync::Arc;

use actix_web::{App, HttpServer, web};
use oauth2_provider::actix::BearerToken;
use oauth2_provider::endpoint::bearer::BearerRejection;

use crate::support::*;
use crate::wire::*;

async fn me(token: BearerToken<TestProvider>) -> String {
    token.client_id().to_owned()
}

async fn admin(token: BearerToken<TestProvider>) -> Result<&'static str, BearerRejection> {
    token.require(ApiScope::ADMIN)?;
    Ok("admin")
}

async fn writers(token: BearerToken<TestProvider>) -> Result<String, BearerRejection> {
    Ok(token.require(ApiScope::WRITE)?.client_id().to_owned())
}

/// Runs an actix-web server for `server` on its own thread and system; it stops with the test.
fn serve(server: Arc<TestServer>) -> SocketAddr {
    let (sender, address) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let http = HttpServer::new(move || {
                App::new()
                    .configure(oauth2_provider::actix::configure(Arc::clone(&server)))
                    .route("/me", web::get().to(me))
                    .route("/admin", web::get().to(admin))
                    .route("/writers", web::get().to(writers))
            })
            .workers(1)
            .disable_signals()
            .bind("127.0.0.1:0")
            .expect("a loopback port");
            sender.send(http.addrs()[0]).expect("the test waits");
            http.run().await
        })
    });
    address.recv().expect("the actix server starts")
}

#[tokio::test]
async fn the_actix_adapter_bounds_the_body_whatever_content_length_says() {
    let server = shared(server());
    bounds_the_body(serve(Arc::clone(&server)), &server).await;
}

#[tokio::test]
async fn the_actix_bearer_token_extractor_protects_routes() {
    protects_its_routes(serve(shared(server()))).await;
}
