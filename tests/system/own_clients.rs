//! `examples/own_clients.rs`: the application's own client type, derived and read from its own
//! table, with each durable token store: client credentials, the code flow with PKCE, refresh
//! rotation and reuse detection, introspection and revocation, end to end over HTTP.

#[allow(dead_code)]
#[path = "../../examples/own_clients.rs"]
mod app;

use std::future::Future;

use app::Scope;
use oauth2::reqwest::{self, StatusCode};
use oauth2_provider::store::testing::{self, unique_suffix};
use oauth2_provider::store::{
    MysqlOptions, MysqlStore, PostgresOptions, PostgresStore, RedisOptions, RedisStore,
    SqliteStore, TokenStore,
};
use serde_json::Value;

/// A client id and secret.
type Client = (&'static str, &'static str);

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

#[tokio::test]
async fn own_clients_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let tokens = SqliteStore::<Scope>::open(dir.path().join("tokens.db"))
        .await
        .unwrap();
    flows(tokens).await;
}

#[tokio::test]
async fn own_clients_on_postgres() {
    let test = "system::own_clients::own_clients_on_postgres";
    let Some(url) = testing::service_url(test, "DATABASE_URL") else {
        return;
    };
    let schema = format!("oauth2_test_{}", unique_suffix());
    let options = PostgresOptions::new().schema(&schema).max_connections(4);
    let tokens = PostgresStore::<Scope>::connect_with(&url, options)
        .await
        .unwrap();
    flows(tokens.clone()).await;
    let drop = format!("DROP SCHEMA \"{schema}\" CASCADE");
    sqlx::query(&drop).execute(tokens.pool()).await.unwrap();
}

#[tokio::test]
async fn own_clients_on_mysql() {
    let test = "system::own_clients::own_clients_on_mysql";
    let Some(url) = testing::service_url(test, "MYSQL_URL") else {
        return;
    };
    let database = format!("oauth2_test_{}", unique_suffix());
    let options = MysqlOptions::new().database(&database).max_connections(4);
    let tokens = MysqlStore::<Scope>::connect_with(&url, options)
        .await
        .unwrap();
    flows(tokens.clone()).await;
    let drop = format!("DROP DATABASE `{database}`");
    sqlx::query(&drop).execute(tokens.pool()).await.unwrap();
}

#[tokio::test]
async fn own_clients_on_redis() {
    let test = "system::own_clients::own_clients_on_redis";
    let Some(url) = testing::service_url(test, "REDIS_URL") else {
        return;
    };
    // Every key expires with its token; the prefix keeps this test's apart.
    let options = RedisOptions::new().prefix(format!("oauth2_test:{}:", unique_suffix()));
    let tokens = RedisStore::<Scope>::connect_with(&url, options)
        .await
        .unwrap();
    flows(tokens).await;
}

/// Every flow the example serves, its clients read from its own `apps` table.
async fn flows<T: TokenStore<Scope = Scope>>(tokens: T) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = app::router(tokens).await;
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let post = |path: &'static str, client: Client, form: Vec<(&'static str, String)>| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            let response = http
                .post(format!("{base}{path}"))
                .basic_auth(client.0, Some(client.1))
                .form(&form)
                .send()
                .await
                .unwrap();
            let status = response.status();
            let text = response.text().await.unwrap();
            (
                status,
                serde_json::from_str::<Value>(&text).unwrap_or(Value::Null),
            )
        }
    };
    let pro = ("pro-app", "pro-secret");
    let grant = |name: &str| ("grant_type", name.to_owned());

    // Client credentials; the free plan's hook takes `write` away.
    let (status, body) = post(
        "/token",
        pro,
        vec![grant("client_credentials"), ("scope", "read write".into())],
    )
    .await;
    assert_eq!(
        (status, body["scope"].as_str()),
        (StatusCode::OK, Some("read write")),
        "{body}"
    );
    let free = ("free-app", "free-secret");
    let (status, body) = post(
        "/token",
        free,
        vec![grant("client_credentials"), ("scope", "read write".into())],
    )
    .await;
    assert_eq!(
        (status, body["scope"].as_str()),
        (StatusCode::OK, Some("read")),
        "{body}"
    );
    let (status, body) = post(
        "/token",
        ("pro-app", "wrong"),
        vec![grant("client_credentials")],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_client"))
    );
    let (status, _) = post("/token", ("nobody", "x"), vec![grant("client_credentials")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The code flow with PKCE; then rotation, and the rotated token again is reuse, which
    // revokes the family.
    let tokens = code_flow(&http, &base, pro, &post).await;
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    let (status, rotated) = post(
        "/token",
        pro,
        vec![grant("refresh_token"), ("refresh_token", refresh.clone())],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{rotated}");
    let access = rotated["access_token"].as_str().unwrap().to_owned();
    let (_, seen) = post("/introspect", pro, vec![("token", access.clone())]).await;
    assert_eq!(
        (seen["active"].as_bool(), seen["sub"].as_str()),
        (Some(true), Some("alice")),
        "{seen}"
    );
    assert_eq!(seen["client_id"], "pro-app");
    let (status, _) = post(
        "/token",
        pro,
        vec![grant("refresh_token"), ("refresh_token", refresh)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, seen) = post("/introspect", pro, vec![("token", access)]).await;
    assert_eq!(
        seen,
        serde_json::json!({"active": false}),
        "reuse revoked the family"
    );

    // Revocation of an access token.
    let (_, fresh) = post("/token", pro, vec![grant("client_credentials")]).await;
    let fresh = fresh["access_token"].as_str().unwrap().to_owned();
    let (status, _) = post(
        "/revoke",
        pro,
        vec![
            ("token", fresh.clone()),
            ("token_type_hint", "access_token".into()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, seen) = post("/introspect", pro, vec![("token", fresh)]).await;
    assert_eq!(seen["active"], false);
    server.abort();
}

/// A code for `client`, exchanged; then the code again, refused, which revokes what it issued;
/// returns a second code's tokens, untouched.
async fn code_flow<F, Fut>(http: &reqwest::Client, base: &str, client: Client, post: &F) -> Value
where
    F: Fn(&'static str, Client, Vec<(&'static str, String)>) -> Fut,
    Fut: Future<Output = (StatusCode, Value)>,
{
    let mut issued = Vec::new();
    for _ in 0..2 {
        let authorize = format!(
            "{base}/authorize?response_type=code&client_id={}&redirect_uri=https%3A%2F%2Fapp.example%2Fcb\
             &scope=read&state=s1&code_challenge={CHALLENGE}&code_challenge_method=S256",
            client.0
        );
        let redirect = http.get(&authorize).send().await.unwrap();
        assert_eq!(redirect.status(), StatusCode::FOUND);
        let location = url::Url::parse(redirect.headers()["location"].to_str().unwrap()).unwrap();
        let code = location
            .query_pairs()
            .find(|(k, _)| k == "code")
            .unwrap()
            .1
            .into_owned();
        let exchange = vec![
            ("grant_type", "authorization_code".to_owned()),
            ("code", code),
            ("redirect_uri", "https://app.example/cb".into()),
            ("code_verifier", VERIFIER.into()),
        ];
        let (status, tokens) = post("/token", client, exchange.clone()).await;
        assert_eq!(status, StatusCode::OK, "{tokens}");
        issued.push((exchange, tokens));
    }
    let (replayed, tokens) = &issued[0];
    let (status, body) = post("/token", client, replayed.clone()).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let (_, seen) = post("/introspect", client, vec![("token", access)]).await;
    assert_eq!(
        seen["active"], false,
        "the replay revoked what the code issued"
    );
    issued.pop().unwrap().1
}
