//! A runnable OAuth 2.0 authorization server on oauth2-provider.
//!
//! ```text
//! cargo run --example server                      # demo client and user, memory store
//! cargo run --example server -- --fixtures f.json --listen 127.0.0.1:9000 --enable-password
//! cargo run --example server -- --store sqlite:oauth.db
//! cargo run --example server -- --store sqlite:oauth.db client create --redirect-uri https://app.example/cb
//! ```

mod admin;
mod api;
mod cli;
mod device;
mod fixtures;
mod keys;
mod locale;
mod model;
mod pacing;
mod pages;
mod prompt;
mod provider;
mod serve;
mod sessions;
mod settings;
mod stores;
mod trust;
mod upcoming;
mod views;

use std::collections::HashMap;
use std::io::IsTerminal as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use askama::Template;
use axum::Router;
use axum::body::Body;
use axum::extract::Query;
use axum::routing::get;
use clap::Parser as _;
use http::{Response, StatusCode};
use oauth2_provider::Server;
use oauth2_provider::endpoint::html_page;
use oauth2_provider::limit::Rate;
use oauth2_provider::resource::ResourceServers;
use oauth2_provider::secret::{generate_token, hash_password};
use oauth2_provider::store::PurgeTask;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

pub use self::cli::Cli;
use self::cli::Command;
use self::fixtures::Fixtures;
use self::model::Scope;
use self::pages::Pages;
use self::provider::{DemoProvider, DemoStore};
use self::stores::{StoreFlags, WithStore, with_store};

// mimalloc: glibc malloc and free were a seventh of a token request's instructions.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    // Logs go to stderr, filtered by RUST_LOG (default `info`); one line per request when its
    // span closes. The framework never puts a token, code or secret in a span or event.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_span_events(FmtSpan::CLOSE)
        .init();
    let cli = Cli::parse();
    let result = match &cli.command {
        Some(Command::Client(command)) => {
            admin::run(&cli.store, cli.store_namespace.as_deref(), command).await
        }
        Some(Command::Keys(command)) => {
            keys::run(&cli.store, cli.store_namespace.as_deref(), command).await
        }
        None => match start(cli).await {
            Ok(running) => {
                running.print_banner();
                shutdown_requested().await;
                running.stop().await
            }
            Err(message) => Err(message),
        },
    };
    if let Err(message) = result {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

/// Ctrl-C, or SIGTERM (what systemd and Kubernetes send): either stops the server gracefully.
async fn shutdown_requested() {
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}

/// A server started by [`start`].
pub struct Running {
    /// Where it listens (the real port when `--listen` asked for port 0).
    pub addr: SocketAddr,
    /// Its issuer identifier.
    pub issuer: String,
    /// The demo client's secret, when no fixtures were given.
    pub demo_secret: Option<String>,
    password_grant: bool,
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    _purge: Option<PurgeTask>,
    _reload: Option<keys::Reload>,
}

impl Running {
    /// Stops accepting, finishes the requests in flight.
    pub async fn stop(self) -> Result<(), String> {
        let _ = self.shutdown.send(());
        match self.task.await {
            Ok(result) => result.map_err(|e| format!("server failed: {e}")),
            Err(e) => Err(format!("server task failed: {e}")),
        }
    }

    fn print_banner(&self) {
        println!(
            "oauth2-provider example server listening on http://{}",
            self.addr
        );
        println!(
            "metadata: {0}/.well-known/oauth-authorization-server\n          {0}/.well-known/openid-configuration",
            self.issuer
        );
        if let Some(secret) = &self.demo_secret {
            print_demo(&self.issuer, secret, self.password_grant);
        }
    }
}

/// The application the flags describe, for a server reachable at `addr`.
pub struct App {
    /// Every endpoint, the pages, the API and the demo client's callback.
    pub router: Router,
    /// The issuer identifier.
    pub issuer: String,
    /// The demo client's secret, when no fixtures were given.
    pub demo_secret: Option<String>,
    /// The store's background purge, running while this lives.
    pub purge: Option<PurgeTask>,
    /// The signing keys' reload from the store, running while this lives.
    pub reload: Option<keys::Reload>,
}

/// Builds the application the flags describe on the store `--store` names; `addr` is where it
/// will be served.
pub async fn build(cli: &Cli, addr: SocketAddr) -> Result<App, String> {
    with_store(
        &cli.store,
        StoreFlags {
            namespace: cli.store_namespace.as_deref(),
            connections: cli.store_connections,
            client_cache: cli.store_client_cache,
        },
        BuildApp { cli, addr },
    )
    .await?
}

struct BuildApp<'a> {
    cli: &'a Cli,
    addr: SocketAddr,
}

impl WithStore for BuildApp<'_> {
    type Output = Result<App, String>;

    async fn run<St: DemoStore>(self, store: St, purge: Option<PurgeTask>) -> Result<App, String> {
        let cli = self.cli;
        let issuer = cli
            .issuer
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.addr));
        let (fixtures, demo_secret) = match &cli.fixtures {
            Some(path) => (Fixtures::load(path)?, None),
            None => {
                let (fixtures, secret) = Fixtures::demo(&issuer);
                (fixtures, Some(secret))
            }
        };

        let signing = keys::signing(&cli.signing_keys, &store).await?;
        let config = settings::config(cli, &issuer, &signing)?;

        // Fixtures are upserted: starting again, or on another node, changes nothing.
        for client in fixtures.clients {
            let client = client.into_client(demo_secret.is_some())?;
            store
                .save_client(client)
                .await
                .map_err(|e| format!("cannot save a client: {e}"))?;
        }
        let mut users = HashMap::new();
        for user in fixtures.users {
            let user = user.into_user()?;
            users.insert(user.username.clone(), user);
        }

        let api = format!("{issuer}/api");
        let resources = cli
            .resources
            .iter()
            .fold(
                ResourceServers::builder().default_resource(api, Scope::all()),
                |servers, uri| servers.resource(uri, Scope::all()),
            )
            .build()
            .map_err(|e| format!("--resource: {e}"))?;

        let authorize_path = config.paths.authorize.clone();
        let provider = DemoProvider {
            store,
            config,
            users,
            pages: Pages::new(issuer.starts_with("https://"), cli.logo_origins.clone()),
            resources,
            dummy_hash: hash_password(&generate_token()),
        };
        let server = Arc::new(Server::new(provider));
        let reload = signing
            .stored
            .then(|| keys::Reload::spawn(Arc::clone(&server), signing.keys));
        let device = device::routes(Arc::clone(&server), issuer.starts_with("https://"));
        let mut router = oauth2_provider::axum::router(Arc::clone(&server))
            .merge(device)
            .merge(api::routes(server, &issuer)?);
        if demo_secret.is_some() {
            router = router.route("/demo/callback", get(demo_callback));
        }
        let page_rate = (cli.page_rate_per_source > 0)
            .then(|| Rate::per_minute(cli.page_rate_per_source, cli.page_burst_per_source));
        let router = pacing::layer(
            router,
            pacing::Pacing {
                pages: authorize_path,
                page_rate,
                refusal_delay: Duration::from_millis(cli.refusal_delay_ms),
            },
        );
        Ok(App {
            router,
            issuer,
            demo_secret,
            purge,
            reload,
        })
    }
}

/// Builds the application the flags describe and starts serving it.
pub async fn start(cli: Cli) -> Result<Running, String> {
    let listener = tokio::net::TcpListener::bind(cli.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", cli.listen))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("no local address: {e}"))?;
    let App {
        router,
        issuer,
        demo_secret,
        purge,
        reload,
    } = build(&cli, addr).await?;
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    let limits = serve::Limits {
        header_timeout: Duration::from_secs(cli.header_timeout),
        request_timeout: Duration::from_secs(cli.request_timeout),
        max_connections: cli.max_connections,
    };
    let task = tokio::spawn(serve::serve(listener, router, limits, stopped));
    Ok(Running {
        addr,
        issuer,
        demo_secret,
        password_grant: cli.enable_password,
        shutdown,
        task,
        _purge: purge,
        _reload: reload,
    })
}

/// The demo callback page: the parameters the demo client's redirect carried.
#[derive(Template)]
#[template(
    source = "<!doctype html><title>Demo callback</title><h1>Demo client callback</h1>\
        <table>{% for (k, v) in params %}<tr><th>{{ k }}</th><td><code>{{ v }}</code></td></tr>\
        {% endfor %}</table>",
    ext = "html"
)]
struct DemoCallback {
    params: Vec<(String, String)>,
}

/// Where the demo client's browser lands: shows the code and how to exchange it. Mounted only
/// for the demo client (no `--fixtures`), with the headers of every page (no framing, no
/// caching: the code is on it).
async fn demo_callback(Query(params): Query<Vec<(String, String)>>) -> Response<Body> {
    let page = match (DemoCallback { params }).render() {
        Ok(body) => html_page(StatusCode::OK, body),
        Err(_) => html_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the page could not be rendered",
        ),
    };
    page.map(Body::from)
}

fn print_demo(issuer: &str, secret: &str, password: bool) {
    let callback = format!("{issuer}/demo/callback");
    println!(
        r#"
Demo client: demo-app / {secret}
Demo user:   alice / wonderland

1. Client credentials:
   curl -s -u 'demo-app:{secret}' -d grant_type=client_credentials -d scope=read {issuer}/token

2. Authorization code with PKCE: open in a browser, sign in as alice, click Allow:
   {issuer}/authorize?response_type=code&client_id=demo-app&redirect_uri={callback}&scope=read%20profile&state=xyz&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256
   then exchange the code shown on the callback page:
   curl -s -u 'demo-app:{secret}' -d grant_type=authorization_code -d code=CODE \
     -d redirect_uri={callback} -d code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk {issuer}/token

3. Refresh:
   curl -s -u 'demo-app:{secret}' -d grant_type=refresh_token -d refresh_token=REFRESH_TOKEN {issuer}/token

4. Introspect and revoke:
   curl -s -u 'demo-app:{secret}' -d token=ACCESS_TOKEN {issuer}/introspect
   curl -s -u 'demo-app:{secret}' -d token=REFRESH_TOKEN {issuer}/revoke"#
    );
    if password {
        println!(
            "\n5. Password grant:\n   curl -s -u 'demo-app:{secret}' -d grant_type=password -d username=alice -d password=wonderland {issuer}/token"
        );
    }
}
