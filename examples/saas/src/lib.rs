//! What a new user builds: own client and user structs, scopes, an own password grant, RFC 8693
//! token exchange, an audit hook, a protected route; tokens in SQLite beside the application's
//! own `apps` and `members` tables. The same provider and handlers serve axum and actix-web.

use std::sync::{Arc, Mutex};

use oauth2_provider::axum::BearerToken;
use oauth2_provider::endpoint::bearer::BearerRejection;
use oauth2_provider::grant::{Grant, TokenRequest};
use oauth2_provider::provider::TokenEvent;
use oauth2_provider::resource::{self, Requirements};
use oauth2_provider::secret::verify_secret;
use oauth2_provider::store::{ClientStore, SqliteStore};
use oauth2_provider::{Config, OAuthClient, OAuthError, ResourceOwner, Server, StoreError, scopes};
use sqlx::SqlitePool;

#[scopes(read = 1 << 0, write = 1 << 1, admin = 1 << 2, default = read)]
pub struct Scope;

/// A row of the application's `apps` table, with a column of its own.
#[derive(OAuthClient)]
pub struct App {
    #[oauth(client_id)]
    pub id: String,
    #[oauth(secret_hash)]
    pub secret_hash: Option<String>,
    #[oauth(redirect_uris)]
    pub callbacks: Vec<String>,
    #[oauth(scope)]
    pub scope: Scope,
    #[oauth(grant_types)]
    pub grants: Vec<String>,
    pub plan: String,
}

/// A member who signs in with email and password.
#[derive(ResourceOwner)]
pub struct Member {
    #[oauth(subject)]
    pub email: String,
}

/// The `apps` table, read as the provider's client store.
pub struct Apps(pub SqlitePool);

impl ClientStore for Apps {
    type Client = App;

    async fn find_client(&self, id: &str) -> Result<Option<Arc<App>>, StoreError> {
        let row: Option<(String, Option<String>, String, String, String, String)> = sqlx::query_as(
            "SELECT id, secret_hash, callbacks, scope, grants, plan FROM apps WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.0)
        .await
        .map_err(unavailable)?;
        let Some((id, secret_hash, callbacks, scope, grants, plan)) = row else {
            return Ok(None);
        };
        let words = |s: String| s.split_whitespace().map(str::to_owned).collect();
        let scope = scope.parse().map_err(|e| StoreError::Other(Box::new(e)))?;
        Ok(Some(Arc::new(App {
            id,
            secret_hash,
            callbacks: words(callbacks),
            scope,
            grants: words(grants),
            plan,
        })))
    }
}

fn unavailable(error: sqlx::Error) -> StoreError {
    StoreError::Unavailable(Box::new(error))
}

type Granted = Result<Grant<Scope>, OAuthError>;

/// RFC 8693 §3: the token type of an access token.
pub const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";

pub struct Saas {
    pub apps: Apps,
    pub tokens: SqliteStore<Scope>,
    pub config: Config,
    /// What the audit hook saw: `grant_type client_id scope`.
    pub audit: Mutex<Vec<String>>,
}

#[oauth2_provider::provider(owner = Member, grants(password, client_credentials, refresh_token))]
impl Saas {
    #[provider(clients)]
    fn apps(&self) -> &Apps {
        &self.apps
    }
    #[provider(tokens)]
    fn tokens(&self) -> &SqliteStore<Scope> {
        &self.tokens
    }
    #[provider(config)]
    fn config(&self) -> &Config {
        &self.config
    }

    /// Members sign in against the application's own table; free-plan apps never get `write`.
    #[grant(password)]
    async fn password(&self, req: &TokenRequest<'_>, app: &App) -> Granted {
        let (email, password) = (req.required("username")?, req.required("password")?);
        let hash: Option<(String,)> =
            sqlx::query_as("SELECT password_hash FROM members WHERE email = ?")
                .bind(email)
                .fetch_optional(&self.apps.0)
                .await
                .map_err(unavailable)?;
        if !hash.is_some_and(|(hash,)| verify_secret(&hash, password)) {
            return Err(OAuthError::invalid_grant("wrong email or password"));
        }
        let mut scope = req.scope_within(app.scope)?;
        if app.plan == "free" {
            scope -= Scope::WRITE;
        }
        Ok(Grant::for_owner(email, scope))
    }

    /// RFC 8693: a valid access token of this server, for a token of at most its scope.
    #[grant("urn:ietf:params:oauth:grant-type:token-exchange")]
    async fn exchange(&self, req: &TokenRequest<'_>, _: &App) -> Granted {
        let subject_token = req.required("subject_token")?;
        if req.required("subject_token_type")? != ACCESS_TOKEN_TYPE {
            return Err(OAuthError::invalid_request(
                "only access tokens are exchanged",
            ));
        }
        let subject = resource::validate(self, subject_token, &Requirements::any())
            .await
            .map_err(|_| OAuthError::invalid_grant("the subject token is invalid"))?;
        let scope = match req.param("scope") {
            None => subject.scope(),
            Some(_) => req.scope_within(subject.scope())?,
        };
        let owner = subject.subject().unwrap_or(subject.client_id());
        Ok(Grant::for_owner(owner, scope)
            .without_refresh_token()
            .with_response_member("issued_token_type", ACCESS_TOKEN_TYPE))
    }

    #[hook(token_issued)]
    async fn audit(&self, event: &TokenEvent<'_, Scope>) {
        let grant = event.grant_type.as_str();
        let line = format!("{grant} {} {}", event.client_id, event.scope);
        self.audit.lock().expect("audit lock").push(line);
    }
}

/// Opens the application's database (its tables and the framework's) at `path`.
pub async fn open(path: &std::path::Path) -> Result<Saas, Box<dyn std::error::Error>> {
    let tokens = SqliteStore::open(path).await?;
    let pool =
        SqlitePool::connect_with(sqlx::sqlite::SqliteConnectOptions::new().filename(path)).await?;
    sqlx::raw_sql(include_str!("schema.sql"))
        .execute(&pool)
        .await?;
    let config = Config::builder().issuer("https://saas.example").build();
    Ok(Saas {
        apps: Apps(pool),
        tokens,
        config,
        audit: Mutex::default(),
    })
}

/// One handler for both frameworks: `BearerToken` is an extractor of each, and its
/// rejection a response of each.
pub async fn notes(token: BearerToken<Saas>) -> Result<String, BearerRejection> {
    token.require(Scope::READ)?;
    let holder = token.subject().unwrap_or(token.client_id());
    Ok(format!("notes of {holder}"))
}

/// The endpoints and the API under axum.
pub fn axum_app(server: Arc<Server<Saas>>) -> axum::Router {
    axum::Router::new()
        .route("/api/notes", axum::routing::get(notes))
        .merge(oauth2_provider::axum::router(Arc::clone(&server)))
        .with_state(server)
}

/// The endpoints and the API under actix-web: `App::new().configure(actix_app(server))`.
pub fn actix_app(server: Arc<Server<Saas>>) -> impl FnOnce(&mut actix_web::web::ServiceConfig) {
    use actix_web::web;
    move |config| {
        oauth2_provider::actix::configure(server)(config);
        config.route("/api/notes", web::get().to(notes));
    }
}
