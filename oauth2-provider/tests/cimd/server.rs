//! The loopback HTTPS server the suite reads documents from: an rcgen CA and a leaf for
//! `localhost` and 127.0.0.1, tokio-rustls, hyper's HTTP/1; a route per path, each request
//! counted and its headers kept.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, StreamBody, combinators::BoxBody};
use hyper::body::Frame;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use oauth2_provider::cimd::ClientIdDocuments;
use oauth2_provider::fetch::SafeFetcher;
use oauth2_provider::scope::{ScopeDef, Scopes};
use serde_json::json;
use tokio_rustls::rustls;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Scope(pub u8);

impl Scopes for Scope {
    type Bits = u8;
    const DEFS: &'static [ScopeDef<u8>] =
        &[ScopeDef::single("read", 1), ScopeDef::single("write", 2)];
    const DEFAULT: u8 = 1;
    fn from_bits_retain(bits: u8) -> Self {
        Scope(bits)
    }
    fn bits(&self) -> u8 {
        self.0
    }
}

/// What the server answers on one path.
#[derive(Clone)]
pub struct Route {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
    pub delay: Duration,
}

#[derive(Clone)]
pub enum Body {
    Whole(Bytes),
    /// Sent chunked, without a `Content-Length`.
    Chunks(Vec<Bytes>),
}

pub fn json_route(body: serde_json::Value, cache_control: Option<&str>) -> Route {
    let mut headers = vec![("content-type", "application/json".to_owned())];
    if let Some(cc) = cache_control {
        headers.push(("cache-control", cc.to_owned()));
    }
    Route {
        status: 200,
        headers,
        body: Body::Whole(body.to_string().into()),
        delay: Duration::ZERO,
    }
}

pub struct Server {
    pub addr: SocketAddr,
    pub ca: Vec<u8>,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    pub seen: Arc<Mutex<Vec<http::HeaderMap>>>,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.addr.port())
    }

    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    pub fn trusting(&self) -> SafeFetcher {
        SafeFetcher::builder()
            .add_root_certificate(&self.ca)
            .allow_loopback_for_tests()
            .build()
    }

    pub fn documents(&self) -> ClientIdDocuments {
        ClientIdDocuments::new(self.trusting())
    }

    /// Serves `routes` (by path; the `{base}` in a body is the server's `https://localhost:port`).
    pub async fn start(routes: impl FnOnce(&str) -> Vec<(&'static str, Route)>) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let routes: HashMap<&'static str, Route> =
            routes(&format!("https://localhost:{}", addr.port()))
                .into_iter()
                .collect();
        let routes = Arc::new(routes);

        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::DigitalSignature,
        ];
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let issuer = rcgen::Issuer::new(ca_params, ca_key);
        let leaf_key = rcgen::KeyPair::generate().unwrap();
        let leaf =
            rcgen::CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
                .unwrap()
                .signed_by(&leaf_key, &issuer)
                .unwrap();
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone()], key)
        .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));

        let hits = Arc::new(Mutex::new(HashMap::new()));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (task_hits, task_seen) = (hits.clone(), seen.clone());
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let (acceptor, routes, hits, seen) = (
                    acceptor.clone(),
                    routes.clone(),
                    task_hits.clone(),
                    task_seen.clone(),
                );
                tokio::spawn(async move {
                    let Ok(tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let service = hyper::service::service_fn(
                        move |request: Request<hyper::body::Incoming>| {
                            let (routes, hits, seen) = (routes.clone(), hits.clone(), seen.clone());
                            async move {
                                Ok::<_, Infallible>(answer(&routes, &hits, &seen, request).await)
                            }
                        },
                    );
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(tls), service)
                        .await;
                });
            }
        });
        Server {
            addr,
            ca: ca.der().to_vec(),
            hits,
            seen,
        }
    }
}

async fn answer(
    routes: &HashMap<&'static str, Route>,
    hits: &Mutex<HashMap<String, usize>>,
    seen: &Mutex<Vec<http::HeaderMap>>,
    request: Request<hyper::body::Incoming>,
) -> Response<BoxBody<Bytes, Infallible>> {
    let path = request.uri().path().to_owned();
    *hits.lock().unwrap().entry(path.clone()).or_default() += 1;
    seen.lock().unwrap().push(request.headers().clone());
    let Some(route) = routes.get(path.as_str()) else {
        let mut response = Response::new(Full::new(Bytes::new()).boxed());
        *response.status_mut() = http::StatusCode::NOT_FOUND;
        return response;
    };
    tokio::time::sleep(route.delay).await;
    let body = match &route.body {
        Body::Whole(bytes) => Full::new(bytes.clone()).boxed(),
        Body::Chunks(chunks) => {
            let frames = chunks
                .iter()
                .cloned()
                .map(|c| Ok::<_, Infallible>(Frame::data(c)));
            StreamBody::new(futures::stream::iter(frames.collect::<Vec<_>>())).boxed()
        }
    };
    let mut response = Response::new(body);
    *response.status_mut() = http::StatusCode::from_u16(route.status).unwrap();
    for (name, value) in &route.headers {
        response.headers_mut().insert(*name, value.parse().unwrap());
    }
    response
}

pub fn doc(base: &str, path: &str) -> serde_json::Value {
    json!({
        "client_id": format!("{base}{path}"),
        "client_name": "Notes",
        "redirect_uris": ["https://notes.example/cb", "http://localhost/callback"],
        "grant_types": ["authorization_code", "refresh_token"],
        "scope": "read unknown",
        "logo_uri": "https://notes.example/logo.png",
        "application_type": "native",
    })
}
