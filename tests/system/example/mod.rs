//! The example server, run in-process on an ephemeral port, and a browser-like client for its
//! pages: what the end-to-end tests drive.

#![allow(dead_code)]

#[path = "../../../examples/server/main.rs"]
pub mod server;

use clap::Parser;
use oauth2::reqwest;

/// Starts the example server with these command-line flags (plus `--listen 127.0.0.1:0`).
pub async fn start(flags: &[&str]) -> server::Running {
    let args = ["server", "--listen", "127.0.0.1:0"].iter().chain(flags);
    let cli = server::Cli::try_parse_from(args).expect("valid flags");
    server::start(cli).await.expect("the example server starts")
}

/// Starts the example server on `127.0.0.1:port` with these fixtures and `flags`; the file
/// lives as long as the returned handle.
pub async fn start_with_fixtures(
    port: u16,
    fixtures: &serde_json::Value,
    flags: &[&str],
) -> (server::Running, tempfile::NamedTempFile) {
    let file = tempfile::NamedTempFile::new().expect("a fixtures file");
    std::fs::write(file.path(), fixtures.to_string()).expect("the fixtures written");
    let listen = format!("127.0.0.1:{port}");
    let path = file.path().display().to_string();
    let args = ["server", "--listen", &listen, "--fixtures", &path];
    let cli = server::Cli::try_parse_from(args.iter().chain(flags)).expect("valid flags");
    let running = server::start(cli).await.expect("the example server starts");
    (running, file)
}

/// An HTTP client that does not follow redirects, so each step of a flow can be checked.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}

/// The value of the hidden input `name` in an HTML page.
pub fn hidden_input<'a>(html: &'a str, name: &str) -> Option<&'a str> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let len = html[start..].find('"')?;
    Some(&html[start..start + len])
}

/// The cookie `name` a response sets (with the `__Host-` prefix over HTTPS), as a `Cookie`
/// header value; `None` when it sets none, or removes it.
pub fn cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    let plain = format!("{name}=");
    let prefixed = format!("__Host-{name}=");
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|v| (v.starts_with(&plain) || v.starts_with(&prefixed)) && !v.ends_with('='))
        .map(str::to_owned)
}

/// The session cookie a response sets: once signed in.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    cookie(response, "oauth2_session")
}

/// A browser session that signed in on the example's sign-in page.
pub struct SignedIn {
    /// The session cookie, rotated at sign-in.
    pub cookie: String,
    /// The answer to the sign-in POST: the consent page, or a 303 back to the authorization
    /// request when the user approved this client and scope before.
    pub response: reqwest::Response,
    endpoint: String,
    oauth_params: Vec<(String, String)>,
}

/// Opens `authorize_url` and signs `username` in, as a person at a browser would.
pub async fn sign_in(
    http: &reqwest::Client,
    authorize_url: &str,
    username: &str,
    password: &str,
) -> SignedIn {
    let url = url::Url::parse(authorize_url).expect("an authorization URL");
    let oauth_params: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let endpoint = format!("{}://{}{}", url.scheme(), url.authority(), url.path());

    let login = http.get(authorize_url).send().await.expect("GET authorize");
    assert_eq!(login.status(), 200);
    assert!(session_cookie(&login).is_none(), "a session before sign-in");
    let cookie = cookie(&login, "oauth2_csrf").expect("a CSRF cookie");
    let page = login.text().await.expect("the sign-in page");
    let csrf = hidden_input(&page, "csrf_token")
        .expect("a CSRF token")
        .to_owned();

    let mut form = oauth_params.clone();
    form.extend([
        ("csrf_token".into(), csrf),
        ("username".into(), username.into()),
        ("password".into(), password.into()),
        ("action".into(), "login".into()),
    ]);
    let response = http
        .post(&endpoint)
        .header(reqwest::header::COOKIE, &cookie)
        .form(&form)
        .send()
        .await
        .expect("POST sign-in");
    let cookie = session_cookie(&response).expect("a new session at sign-in");
    SignedIn {
        cookie,
        response,
        endpoint,
        oauth_params,
    }
}

impl SignedIn {
    /// Clicks `Allow` or `Deny` on the consent page; returns the redirect's `Location`.
    pub async fn decide(self, http: &reqwest::Client, decision: &str) -> url::Url {
        assert_eq!(self.response.status(), 200);
        let page = self.response.text().await.expect("the consent page");
        assert!(page.contains(">Allow</button>"), "a consent page: {page}");
        let csrf = hidden_input(&page, "csrf_token")
            .expect("a CSRF token")
            .to_owned();
        let mut form = self.oauth_params;
        form.extend([
            ("csrf_token".into(), csrf),
            ("decision".into(), decision.into()),
        ]);
        let redirect = http
            .post(&self.endpoint)
            .header(reqwest::header::COOKIE, &self.cookie)
            .form(&form)
            .send()
            .await
            .expect("POST consent");
        assert_eq!(
            redirect.status(),
            303,
            "the consent POST is answered with 303"
        );
        location(&redirect)
    }
}

/// The `WWW-Authenticate` challenge of a refusal.
pub fn challenge(response: &reqwest::Response) -> String {
    let value = &response.headers()[reqwest::header::WWW_AUTHENTICATE];
    value.to_str().expect("a visible challenge").to_owned()
}

/// The `Location` of a redirect, resolved against the request's URL (RFC 9110 §10.2.2).
pub fn location(response: &reqwest::Response) -> url::Url {
    let location = response.headers()[reqwest::header::LOCATION]
        .to_str()
        .expect("a Location");
    response.url().join(location).expect("a valid Location")
}

/// Signs in and decides on the consent page; returns the final redirect's `Location`.
pub async fn sign_in_and_decide(
    http: &reqwest::Client,
    authorize_url: &str,
    username: &str,
    password: &str,
    decision: &str,
) -> url::Url {
    sign_in(http, authorize_url, username, password)
        .await
        .decide(http, decision)
        .await
}

/// The example server behind TLS with a throwaway self-signed certificate for `127.0.0.1`.
pub struct TlsServer {
    pub issuer: String,
    pub demo_secret: Option<String>,
    /// The certificate a client must trust.
    pub certificate: reqwest::Certificate,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TlsServer {
    /// A client that trusts this server and follows no redirects.
    pub fn http(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .add_root_certificate(self.certificate.clone())
            .build()
            .expect("an HTTPS client")
    }
}

/// Starts the example server over HTTPS with these flags; its issuer is `https://127.0.0.1:PORT`.
pub async fn start_tls(flags: &[&str]) -> TlsServer {
    use std::sync::Arc;

    use hyper_util::rt::{TokioExecutor, TokioIo};
    use hyper_util::server::conn::auto;
    use hyper_util::service::TowerToHyperService;
    use tokio_rustls::rustls;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("an address");
    let issuer = format!("https://{addr}");
    let args = ["server", "--issuer", issuer.as_str()]
        .into_iter()
        .chain(flags.iter().copied());
    let cli = server::Cli::try_parse_from(args).expect("valid flags");
    let app = server::build(&cli, addr)
        .await
        .expect("the example server builds");

    let generated = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()])
        .expect("a self-signed certificate");
    let certificate =
        reqwest::Certificate::from_der(generated.cert.der()).expect("a DER certificate");
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(generated.signing_key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_no_client_auth()
    .with_single_cert(vec![generated.cert.der().clone()], key)
    .expect("a TLS configuration");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));

    let router = app.router;
    let task = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let service = TowerToHyperService::new(router.clone());
            tokio::spawn(async move {
                if let Ok(tls) = acceptor.accept(tcp).await {
                    let _ = auto::Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(tls), service)
                        .await;
                }
            });
        }
    });
    TlsServer {
        issuer: app.issuer,
        demo_secret: app.demo_secret,
        certificate,
        task,
    }
}
