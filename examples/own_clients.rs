//! Your own clients table, the framework's token stores.
//!
//! A SaaS keeps its OAuth clients in its own `apps` table, with columns the framework knows
//! nothing of (here `plan`). `#[derive(OAuthClient)]` maps the row type; a `ClientStore` of
//! a dozen lines reads it; codes and tokens go to any of the framework's durable stores.
//!
//! ```text
//! cargo run --example own_clients                                  # tokens in own_clients.db
//! cargo run --example own_clients -- postgres://postgres@127.0.0.1/test
//! cargo run --example own_clients -- mysql://root@127.0.0.1/test
//! cargo run --example own_clients -- redis://127.0.0.1:6379
//! ```

use std::sync::Arc;

use oauth2_provider::config::Config;
use oauth2_provider::grant::{Grant, GrantType};
use oauth2_provider::store::TokenStore;
use oauth2_provider::store::{ClientStore, MysqlStore, PostgresStore, RedisStore, SqliteStore};
use oauth2_provider::{
    AuthorizationRequest, Decision, OAuthClient, OAuthError, ResourceOwner, Server, StoreError,
    scopes,
};

#[scopes(read = 1 << 0, write = 1 << 1, default = read)]
pub struct Scope;

/// A row of the application's own `apps` table.
#[derive(OAuthClient, Debug)]
pub struct App {
    #[oauth(client_id)]
    pub id: String,
    #[oauth(secret_hash)]
    pub secret_hash: Option<String>,
    #[oauth(redirect_uris)]
    pub callbacks: Vec<String>,
    #[oauth(scope)]
    pub scope: Scope,
    /// The application's own column: apps on the free plan never get `write`.
    pub plan: String,
}

#[derive(ResourceOwner)]
pub struct User {
    #[oauth(subject)]
    pub id: String,
}

/// The application's registry, read-only to the provider: its own table in its own database.
pub struct Apps(pub sqlx::SqlitePool);

impl ClientStore for Apps {
    type Client = App;

    async fn find_client(&self, id: &str) -> Result<Option<Arc<App>>, StoreError> {
        type Row = (String, Option<String>, String, String, String);
        let row: Option<Row> =
            sqlx::query_as("SELECT id, secret_hash, callbacks, scope, plan FROM apps WHERE id = ?")
                .bind(id)
                .fetch_optional(&self.0)
                .await
                .map_err(|e| StoreError::Unavailable(Box::new(e)))?;
        let Some((id, secret_hash, callbacks, scope, plan)) = row else {
            return Ok(None);
        };
        let scope = scope.parse().map_err(|e| StoreError::Other(Box::new(e)))?;
        let callbacks = callbacks.split_whitespace().map(str::to_owned).collect();
        Ok(Some(Arc::new(App {
            id,
            secret_hash,
            callbacks,
            scope,
            plan,
        })))
    }
}

pub struct MyProvider<T> {
    pub apps: Apps,
    pub tokens: T,
    pub config: Config,
}

#[oauth2_provider::provider(owner = User, grants(authorization_code, refresh_token, client_credentials))]
impl<T: TokenStore<Scope = Scope>> MyProvider<T> {
    #[provider(clients)]
    fn apps(&self) -> &Apps {
        &self.apps
    }

    #[provider(tokens)]
    fn tokens(&self) -> &T {
        &self.tokens
    }

    #[provider(config)]
    fn config(&self) -> &Config {
        &self.config
    }

    /// Who approves: a real application asks its own session; this demo's user is `alice`.
    #[hook(consent)]
    async fn consent(
        &self,
        req: &AuthorizationRequest<'_, App>,
    ) -> Result<Decision<Scope>, OAuthError> {
        Ok(Decision::approve(&User { id: "alice".into() }, req.scope()))
    }

    /// The application's own column at work: the free plan is read-only.
    #[hook(before_issue)]
    async fn plan_limits(
        &self,
        _: GrantType,
        app: &App,
        grant: &mut Grant<Scope>,
    ) -> Result<(), OAuthError> {
        if app.plan == "free" {
            grant.scope -= Scope::WRITE;
        }
        Ok(())
    }
}

/// The application's database with its `apps` table and two apps (secrets `pro-secret` and
/// `free-secret`, stored hashed).
pub async fn apps() -> Apps {
    use oauth2_provider::secret::hash_secret;
    let pool = sqlx::SqlitePool::connect("sqlite::memory:")
        .await
        .expect("SQLite in memory");
    sqlx::query("CREATE TABLE apps (id TEXT PRIMARY KEY, secret_hash TEXT, callbacks TEXT NOT NULL, scope TEXT NOT NULL, plan TEXT NOT NULL)")
        .execute(&pool)
        .await
        .expect("the apps table");
    for (id, secret, plan) in [
        ("pro-app", "pro-secret", "pro"),
        ("free-app", "free-secret", "free"),
    ] {
        sqlx::query("INSERT INTO apps VALUES (?, ?, 'https://app.example/cb', 'read write', ?)")
            .bind(id)
            .bind(hash_secret(secret))
            .bind(plan)
            .execute(&pool)
            .await
            .expect("an app");
    }
    Apps(pool)
}

/// The provider's endpoints over `tokens`, mounted with axum.
pub async fn router<T: TokenStore<Scope = Scope>>(tokens: T) -> axum::Router {
    let provider = MyProvider {
        apps: apps().await,
        tokens,
        config: Config::default(),
    };
    oauth2_provider::axum::router(Arc::new(Server::new(provider)))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "sqlite:own_clients.db".into());
    let app = match url.split_once(':').map(|(scheme, _)| scheme) {
        Some("postgres" | "postgresql") => {
            router(PostgresStore::<Scope>::connect(&url).await?).await
        }
        Some("mysql") => router(MysqlStore::<Scope>::connect(&url).await?).await,
        Some("redis") => router(RedisStore::<Scope>::connect(&url).await?).await,
        _ => router(SqliteStore::<Scope>::open(url.trim_start_matches("sqlite:")).await?).await,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8081").await?;
    println!(
        "tokens in {url}; try:\n  curl -u pro-app:pro-secret -d grant_type=client_credentials -d scope='read write' http://127.0.0.1:8081/token"
    );
    axum::serve(listener, app).await?;
    Ok(())
}
