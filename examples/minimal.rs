//! The README's quick start, whole: `cargo run --example minimal`, then
//! `curl -u demo:demo-secret -d grant_type=client_credentials http://127.0.0.1:8080/token`
//! and `curl -H "Authorization: Bearer TOKEN" http://127.0.0.1:8080/api/me`.

// quick start: from here to the end, the README's code block
use std::sync::Arc;

use axum::{Router, routing::get};
use http::StatusCode;
use oauth2_provider::axum::BearerToken;
use oauth2_provider::config::Config;
use oauth2_provider::secret::hash_secret;
use oauth2_provider::store::MemoryStore;
use oauth2_provider::{AuthorizationRequest, Decision, Grant, OAuthError, Server, TokenRequest};
use oauth2_provider::{OAuthClient, ResourceOwner, scopes};

#[scopes(read = 1 << 0, write = 1 << 1, "user:email" = 1 << 2, default = read)]
pub struct Scope;

#[derive(OAuthClient)]
pub struct App {
    #[oauth(client_id)]
    id: String,
    #[oauth(secret_hash)]
    secret: Option<String>, // None: a public client
    #[oauth(redirect_uris)]
    callbacks: Vec<String>,
    #[oauth(scope)]
    allowed: Scope,
}

#[derive(ResourceOwner)]
pub struct User {
    #[oauth(subject)]
    id: i64,
}

pub struct MyProvider {
    store: MemoryStore<App>,
    config: Config,
}

// The grants served: this list is the one switch (config may only switch one off).
#[oauth2_provider::provider(owner = User, grants(authorization_code, client_credentials, refresh_token))]
impl MyProvider {
    #[provider(store)]
    fn store(&self) -> &MemoryStore<App> {
        &self.store
    }
    #[provider(config)]
    fn config(&self) -> &Config {
        &self.config
    }

    // Who the user is comes from your session; what they approve, from your page's own form
    // POST only (a GET link or another site's form is never a decision).
    #[hook(consent)]
    async fn consent(
        &self,
        req: &AuthorizationRequest<'_, App>,
    ) -> Result<Decision<Scope>, OAuthError> {
        let (user, csrf) = (User { id: 42 }, "the session's CSRF token");
        Ok(match req.form_field("decision", csrf) {
            Some("allow") => Decision::approve(&user, req.scope()),
            Some(_) => Decision::Deny,
            None => Decision::page(StatusCode::OK, consent_page(req, csrf)),
        })
    }

    // An extension grant (RFC 6749 §8.3), dispatched like the built-in ones.
    #[grant("urn:ietf:params:oauth:grant-type:jwt-bearer")]
    async fn jwt_bearer(
        &self,
        req: &TokenRequest<'_>,
        client: &App,
    ) -> Result<Grant<Scope>, OAuthError> {
        let _assertion = req.required("assertion")?; // verify it here
        Ok(Grant::for_owner("42", req.scope_within(client.allowed)?))
    }
}

/// The consent form: the request's own parameters ride along, HTML-escaped by your templates.
fn consent_page(req: &AuthorizationRequest<'_, App>, csrf: &str) -> String {
    let hidden: String = req
        .params()
        .map(|(k, v)| {
            format!(
                "<input type=hidden name=\"{}\" value=\"{}\">",
                escape(k),
                escape(v)
            )
        })
        .collect();
    format!(
        "<form method=post>{hidden}<input type=hidden name=csrf_token value=\"{csrf}\">\
             Allow {} to {}? <button name=decision value=allow>Allow</button>\
             <button name=decision value=deny>Deny</button></form>",
        escape(&req.client().id),
        req.scope()
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Any valid token may ask who it speaks for.
async fn me(token: BearerToken<MyProvider>) -> String {
    format!("hello, {}", token.subject().unwrap_or(token.client_id()))
}

/// The endpoints, and an API route protected by the `BearerToken` extractor.
pub fn app(issuer: &str) -> Router {
    let store = MemoryStore::new();
    store.add_client(App {
        id: "demo".into(),
        secret: Some(hash_secret("demo-secret")),
        callbacks: vec![format!("{issuer}/callback")],
        allowed: Scope::all(),
    });
    let config = Config::builder().issuer(issuer).build();
    let server = Arc::new(Server::new(MyProvider { store, config }));
    Router::new()
        .route("/api/me", get(me))
        .merge(oauth2_provider::axum::router(Arc::clone(&server)))
        .with_state(server)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
    axum::serve(listener, app("http://127.0.0.1:8080")).await
}
