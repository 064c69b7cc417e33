//! The new user's scenario end to end over HTTP, run once under axum and once under actix-web
//! with the same provider and handlers: their password grant, token exchange with its extra
//! response member, the audit hook, the protected routes, and tokens that outlive a restart.

use std::path::Path;
use std::sync::Arc;

use oauth2_provider::Server;
use oauth2_provider::resource::{self, Requirements};
use oauth2_provider::secret::{hash_password, hash_secret};
use reqwest::StatusCode;
use saas_example::{ACCESS_TOKEN_TYPE, Saas, actix_app, axum_app, open};
use serde_json::Value;

const EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";

/// The application's own rows: a pro app, a free-plan app, a service; one member.
async fn seed(path: &Path) {
    let saas = open(path).await.unwrap();
    let pool = &saas.apps.0;
    let all = format!("password refresh_token client_credentials {EXCHANGE}");
    for (id, grants, scope, plan) in [
        ("web", all.as_str(), "read write admin", "pro"),
        ("free", "password", "read write", "free"),
        ("service", "client_credentials", "read", "pro"),
    ] {
        sqlx::query("INSERT INTO apps VALUES (?, ?, '', ?, ?, ?)")
            .bind(id)
            .bind(hash_secret(&format!("{id}-secret")))
            .bind(scope)
            .bind(grants)
            .bind(plan)
            .execute(pool)
            .await
            .unwrap();
    }
    sqlx::query("INSERT INTO members VALUES ('alice@saas.example', ?)")
        .bind(hash_password("wonderland"))
        .execute(pool)
        .await
        .unwrap();
}

struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    async fn token(&self, app: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let response = self
            .http
            .post(format!("{}/token", self.base))
            .basic_auth(app, Some(format!("{app}-secret")))
            .form(form)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (
            status,
            serde_json::from_slice(&response.bytes().await.unwrap()).unwrap(),
        )
    }

    async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, String, String) {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        let challenge = response
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (response.status(), challenge, response.text().await.unwrap())
    }
}

fn password(scope: &str) -> [(&str, &str); 4] {
    [
        ("grant_type", "password"),
        ("username", "alice@saas.example"),
        ("password", "wonderland"),
        ("scope", scope),
    ]
}

async fn scenario(base: String, server: &Server<Saas>) -> String {
    let client = Client {
        http: reqwest::Client::new(),
        base,
    };
    let (status, body) = client.token("web", &password("read write")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["scope"], "read write");
    assert!(body["refresh_token"].is_string());
    let alice = body["access_token"].as_str().unwrap().to_owned();

    // The app's own column at work, and the member's own table.
    let (_, body) = client.token("free", &password("read write")).await;
    assert_eq!(body["scope"], "read", "{body}");
    let mut wrong = password("read");
    wrong[2].1 = "guess";
    let (status, body) = client.token("web", &wrong).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );

    // RFC 8693: a narrower token for the same member, its type named in the response.
    let exchange = |scope| {
        [
            ("grant_type", EXCHANGE),
            ("subject_token", alice.as_str()),
            ("subject_token_type", ACCESS_TOKEN_TYPE),
            ("scope", scope),
        ]
    };
    let (status, body) = client.token("web", &exchange("read")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["issued_token_type"], ACCESS_TOKEN_TYPE);
    assert_eq!(body["scope"], "read");
    assert!(body.get("refresh_token").is_none());
    let exchanged = body["access_token"].as_str().unwrap().to_owned();
    let (_, body) = client.token("web", &exchange("admin")).await;
    assert_eq!(
        body["error"], "invalid_scope",
        "beyond the subject token's scope"
    );
    let (_, body) = client.token("service", &exchange("read")).await;
    assert_eq!(
        body["error"], "unauthorized_client",
        "a client that does not list the grant"
    );

    // The same handlers, the framework's extractor and rejection.
    let (status, _, body) = client.get("/api/notes", Some(&exchanged)).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "notes of alice@saas.example")
    );
    let (status, challenge, _) = client.get("/api/notes", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        challenge.starts_with("Bearer ") && !challenge.contains("error="),
        "{challenge}"
    );
    let (_, body) = client.token("web", &password("write")).await;
    let writer = body["access_token"].as_str().unwrap();
    let (status, challenge, _) = client.get("/api/notes", Some(writer)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        challenge.contains(r#"error="insufficient_scope""#)
            && challenge.contains(r#"scope="read""#)
    );

    let audit = server.provider().audit.lock().unwrap().clone();
    assert_eq!(
        audit,
        [
            "password web read write",
            "password free read",
            &format!("{EXCHANGE} web read"),
            "password web write",
        ]
    );
    exchanged
}

/// After the scenario, a restarted application over the same file still honours the token.
async fn survives_a_restart(path: &Path, token: &str) {
    let saas = open(path).await.unwrap();
    let valid = resource::validate(&saas, token, &Requirements::any())
        .await
        .unwrap();
    assert_eq!(valid.subject(), Some("alice@saas.example"));
}

#[tokio::test]
async fn under_axum() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("saas.db");
    seed(&path).await;
    let server = Arc::new(Server::new(open(&path).await.unwrap()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = axum_app(Arc::clone(&server));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let token = scenario(base, &server).await;
    survives_a_restart(&path, &token).await;
}

#[tokio::test]
async fn under_actix_web() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("saas.db");
    seed(&path).await;
    let (sender, started) = std::sync::mpsc::channel();
    let db = path.clone();
    // actix-web runs on its own system, on its own thread.
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = Arc::new(Server::new(open(&db).await.unwrap()));
            let app = Arc::clone(&server);
            let http = actix_web::HttpServer::new(move || {
                actix_web::App::new().configure(actix_app(Arc::clone(&app)))
            })
            .workers(1)
            .disable_signals()
            .bind("127.0.0.1:0")
            .unwrap();
            sender
                .send((format!("http://{}", http.addrs()[0]), server))
                .unwrap();
            http.run().await
        })
    });
    let (base, server) = started.recv().unwrap();
    let token = scenario(base, &server).await;
    survives_a_restart(&path, &token).await;
}
