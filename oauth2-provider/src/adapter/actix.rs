//! The actix-web adapter (feature `actix`): the endpoints as a service configuration, and a
//! [`BearerToken`] extractor whose rejection is the RFC 6750 §3 challenge.
//!
//! ```no_run
//! # use oauth2_provider::{Server, provider::Provider};
//! use std::sync::Arc;
//! use actix_web::{App, HttpServer, web};
//! use oauth2_provider::actix::BearerToken;
//!
//! async fn me<P: Provider>(token: BearerToken<P>) -> String {
//!     format!("hello, {}", token.subject().unwrap_or(token.client_id()))
//! }
//!
//! # async fn run<P: Provider>(provider: P) -> std::io::Result<()> {
//! let server = Arc::new(Server::new(provider));
//! HttpServer::new(move || {
//!     App::new()
//!         .configure(oauth2_provider::actix::configure(Arc::clone(&server)))
//!         .route("/api/me", web::get().to(me::<P>))
//! })
//! .bind("127.0.0.1:8080")?
//! .run()
//! .await
//! # }
//! ```
//!
//! actix-web speaks `http` 0.2; requests and responses are converted to and from `http` 1
//! header by header, the body read up to `max_body_bytes`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::http::StatusCode as ActixStatus;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use bytes::Bytes;
use http::header::AUTHORIZATION;
use http::{HeaderMap, HeaderName, HeaderValue, Method};

pub use super::BearerToken;
use crate::endpoint::bearer::BearerRejection;
use crate::endpoint::{RemoteAddr, Server, response};
use crate::provider::Provider;
use crate::resource::Requirements;

/// Registers every endpoint of `server` at the paths of its configuration, and the server as
/// app data for [`BearerToken`]: `App::new().configure(configure(server))`.
pub fn configure<P: Provider>(server: Arc<Server<P>>) -> impl FnOnce(&mut web::ServiceConfig) {
    move |config| {
        let served = server.served_paths();
        config.app_data(web::Data::from(Arc::clone(&server)));
        for path in served {
            config.route(&path, web::route().to(endpoint::<P>));
        }
    }
}

async fn endpoint<P: Provider>(
    server: web::Data<Server<P>>,
    request: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let limit = server.provider().config().max_body_bytes;
    let Ok(Ok(body)) = payload.to_bytes_limited(limit).await else {
        // Over the limit or a broken body stream: either way nothing usable arrived.
        return into_actix(response::too_large());
    };
    match from_actix(&request, body) {
        Some(request) => into_actix(server.handle(request).await),
        None => HttpResponse::BadRequest().finish(),
    }
}

/// The request in `http` 1 types; `None` for what `http` 1 would not hold (it holds all
/// actix-web accepts).
fn from_actix(request: &HttpRequest, body: Bytes) -> Option<http::Request<Bytes>> {
    let mut builder = http::Request::builder()
        .method(Method::from_bytes(request.method().as_str().as_bytes()).ok()?)
        .uri(request.uri().to_string());
    if let Some(peer) = request.peer_addr() {
        builder = builder.extension(RemoteAddr(peer.ip()));
    }
    let headers = builder.headers_mut()?;
    for (name, value) in request.headers() {
        headers.append(
            HeaderName::from_bytes(name.as_str().as_bytes()).ok()?,
            HeaderValue::from_bytes(value.as_bytes()).ok()?,
        );
    }
    builder.body(body).ok()
}

fn into_actix(response: http::Response<Bytes>) -> HttpResponse {
    let (parts, body) = response.into_parts();
    let status =
        ActixStatus::from_u16(parts.status.as_u16()).unwrap_or(ActixStatus::INTERNAL_SERVER_ERROR);
    let mut builder = HttpResponse::build(status);
    for (name, value) in &parts.headers {
        builder.append_header((name.as_str(), value.as_bytes()));
    }
    builder.body(body)
}

impl ResponseError for BearerRejection {
    fn status_code(&self) -> ActixStatus {
        ActixStatus::from_u16(self.status().as_u16()).unwrap_or(ActixStatus::UNAUTHORIZED)
    }

    fn error_response(&self) -> HttpResponse {
        into_actix(self.response())
    }
}

/// Needs the [`Server`] as app data, which [`configure`] registers.
impl<P: Provider> FromRequest for BearerToken<P> {
    type Error = BearerRejection;
    type Future = Pin<Box<dyn Future<Output = Result<Self, BearerRejection>>>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let server = request.app_data::<web::Data<Server<P>>>().cloned();
        // Only the credentials, and the method and path a DPoP proof is for (RFC 9449 §7.1):
        // the rest of the request is not the validator's business.
        let mut headers = HeaderMap::new();
        let mut unreadable = false;
        for name in [AUTHORIZATION, HeaderName::from_static("dpop")] {
            for value in request.headers().get_all(name.as_str()) {
                match HeaderValue::from_bytes(value.as_bytes()) {
                    Ok(value) => {
                        headers.append(name.clone(), value);
                    }
                    Err(_) => unreadable = true,
                }
            }
        }
        let method = http::Method::from_bytes(request.method().as_str().as_bytes());
        let uri = http::Uri::try_from(request.path());
        let parts = match (method, uri) {
            (Ok(method), Ok(uri)) => {
                let (mut parts, ()) = http::Request::new(()).into_parts();
                parts.method = method;
                parts.uri = uri;
                parts.headers = headers;
                Some(parts)
            }
            _ => None,
        };
        Box::pin(async move {
            let Some(server) = server else {
                return Err(BearerRejection::misconfigured());
            };
            let Some(parts) = parts.filter(|_| !unreadable) else {
                return Err(BearerRejection::malformed());
            };
            server
                .bearer_request(&parts, &Requirements::any())
                .await
                .map(BearerToken)
        })
    }
}
