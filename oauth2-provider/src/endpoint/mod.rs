//! The HTTP face of a provider: each endpoint takes an `http::Request` and returns an
//! `http::Response`, with no web framework involved.
//!
//! ```
//! # use oauth2_provider::endpoint::Server;
//! # async fn serve<P: oauth2_provider::provider::Provider>(server: &Server<P>, req: http::Request<bytes::Bytes>) {
//! let response = server.handle(req).await; // routes on the configured paths
//! # }
//! ```

mod authorize;
pub mod bearer;
pub(crate) mod client_auth;
mod cors;
mod credentials;
mod device;
mod error_page;
mod form;
mod introspect;
mod metadata;
#[cfg(feature = "jwt")]
mod openid;
mod par;
mod registration;
pub(crate) mod response;
mod revoke;
mod token;

pub use cors::Cors;
pub use response::{allow_images_from, html_page};

use std::net::IpAddr;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};

use crate::provider::Provider;

/// The address a request came from, in the request's extensions: the actix-web adapter puts
/// it there, the axum adapter when the app is served with connect info
/// (`into_make_service_with_connect_info`), an application itself otherwise (behind a proxy
/// it trusts, the client's address from `Forwarded`). The guess budgets
/// ([`crate::limit`]) count per source with it.
///
/// ```
/// use std::net::{IpAddr, Ipv4Addr};
/// use oauth2_provider::endpoint::RemoteAddr;
///
/// let mut request = http::Request::new(bytes::Bytes::new());
/// request.extensions_mut().insert(RemoteAddr(IpAddr::V4(Ipv4Addr::LOCALHOST)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RemoteAddr(pub IpAddr);

impl RemoteAddr {
    /// The address in `extensions`, if an adapter or the application put one there.
    pub fn of(extensions: &http::Extensions) -> Option<IpAddr> {
        extensions.get::<RemoteAddr>().map(|addr| addr.0)
    }
}

/// A provider behind its endpoints.
pub struct Server<P> {
    provider: P,
    well_known: metadata::WellKnown,
}

impl<P: Provider> Server<P> {
    /// Serves `provider`.
    pub fn new(provider: P) -> Self {
        let well_known = metadata::WellKnown::of(provider.config());
        Server {
            provider,
            well_known,
        }
    }

    /// The provider.
    pub fn provider(&self) -> &P {
        &self.provider
    }

    /// `true` when `path` is one of this server's endpoints: what a router or a layer in
    /// front of other routes sends to [`handle`](Self::handle).
    pub fn serves(&self, path: &str) -> bool {
        self.endpoint_at(path).is_some()
    }

    /// Every path [`serves`](Self::serves) says yes to: what a router mounts.
    #[cfg(any(feature = "axum", feature = "actix"))]
    pub(crate) fn served_paths(&self) -> Vec<String> {
        let paths = &self.provider.config().paths;
        let mut served = vec![
            paths.authorize.clone(),
            paths.token.clone(),
            paths.revoke.clone(),
            paths.introspect.clone(),
        ];
        served.extend(self.device_path().map(str::to_owned));
        served.extend(self.par_path().map(str::to_owned));
        served.extend(self.metadata_path());
        if let Some(discovery) = self.openid_configuration_path() {
            served.extend([discovery, paths.userinfo.clone(), paths.jwks.clone()]);
        }
        if registration::endpoint_url(self.provider.config()).is_some() {
            // `{client_id}`: a path parameter in both axum's and actix-web's syntax.
            served.extend([
                paths.register.clone(),
                format!("{}/{{client_id}}", paths.register),
            ]);
        }
        served
    }

    fn endpoint_at(&self, path: &str) -> Option<Endpoint> {
        let paths = &self.provider.config().paths;
        if path == paths.token {
            Some(Endpoint::Token)
        } else if path == paths.authorize {
            Some(Endpoint::Authorize)
        } else if path == paths.revoke {
            Some(Endpoint::Revoke)
        } else if path == paths.introspect {
            Some(Endpoint::Introspect)
        } else if self.device_path() == Some(path) {
            Some(Endpoint::Device)
        } else if self.par_path() == Some(path) {
            Some(Endpoint::Par)
        } else if self.well_known.metadata.as_deref() == Some(path) {
            Some(Endpoint::Metadata)
        } else if registration::is_registration_path(self.provider.config(), path) {
            Some(Endpoint::Registration)
        } else {
            self.openid_endpoint_at(path)
        }
    }

    /// The OpenID Connect endpoint at `path`, when OpenID Connect is on.
    fn openid_endpoint_at(&self, path: &str) -> Option<Endpoint> {
        let discovery = self.well_known.openid.as_deref()?;
        let paths = &self.provider.config().paths;
        if path == discovery {
            Some(Endpoint::Metadata)
        } else if cfg!(feature = "jwt") && path == paths.userinfo {
            Some(Endpoint::Userinfo)
        } else if cfg!(feature = "jwt") && path == paths.jwks {
            Some(Endpoint::Jwks)
        } else {
            None
        }
    }

    /// Routes on the paths of [`crate::config::Config::paths`] and the metadata path; `404`
    /// for any other path.
    pub async fn handle<B: AsRef<[u8]>>(&self, request: Request<B>) -> Response<Bytes> {
        match self.endpoint_at(request.uri().path()) {
            Some(Endpoint::Token) => self.token(request).await,
            Some(Endpoint::Authorize) => self.authorize(request).await,
            Some(Endpoint::Revoke) => self.revoke(request).await,
            Some(Endpoint::Introspect) => self.introspect(request).await,
            Some(Endpoint::Device) => self.device_authorization(request).await,
            Some(Endpoint::Par) => self.pushed_authorization(request).await,
            Some(Endpoint::Registration) => self.registration(request).await,
            Some(Endpoint::Metadata) => {
                let method = request.method().clone();
                crate::trace::endpoint("metadata", async move {
                    // Public documents: any origin may read them (a browser-based client).
                    match method {
                        Method::GET | Method::HEAD => response::cors(self.metadata()),
                        Method::OPTIONS => response::cors(response::preflight("GET, HEAD")),
                        _ => response::method_not_allowed("GET, HEAD, OPTIONS"),
                    }
                })
                .await
            }
            #[cfg(feature = "jwt")]
            Some(Endpoint::Userinfo) => self.userinfo(request).await,
            #[cfg(feature = "jwt")]
            Some(Endpoint::Jwks) => {
                let method = request.method().clone();
                crate::trace::endpoint("jwks", async move {
                    match method {
                        Method::GET | Method::HEAD => self.jwks(),
                        Method::OPTIONS => response::cors(response::preflight("GET, HEAD")),
                        _ => response::method_not_allowed("GET, HEAD, OPTIONS"),
                    }
                })
                .await
            }
            #[cfg(not(feature = "jwt"))]
            Some(Endpoint::Userinfo | Endpoint::Jwks) => response::empty(StatusCode::NOT_FOUND),
            None => {
                let mut response = Response::new(Bytes::new());
                *response.status_mut() = StatusCode::NOT_FOUND;
                response
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Endpoint {
    Authorize,
    Token,
    Revoke,
    Introspect,
    Device,
    Par,
    Metadata,
    Userinfo,
    Jwks,
    Registration,
}
