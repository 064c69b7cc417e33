//! Durability: the server process is SIGKILLed in the middle of a stream of token requests
//! (client-credentials issuance on several connections, and a chain of refresh-token
//! rotations), then restarted on the same SQLite file, PostgreSQL schema or MySQL database. Every token whose
//! response reached the client still works, the last refresh token received still refreshes,
//! and the tables hold nothing half-written.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::process::{CLIENT_ID, CLIENT_SECRET, Namespace, Reply, ServerProcess, Service};
use oauth2::reqwest::{self, StatusCode};
use oauth2_provider::model::{GrantId, TokenHash};

/// Concurrent client-credentials streams, besides the one refresh chain.
const ISSUERS: usize = 3;
/// What must reach the client in each cycle before the kill is armed.
const ISSUED_BEFORE_KILL: usize = 10;
const ROTATIONS_BEFORE_KILL: usize = 3;
/// Then the kill comes after a random delay below this, so that it does not always land at the
/// same step of the refresh chain (right after a response, say).
const KILL_JITTER_MS: u64 = 600;
/// Kill, check and restart this many times per store.
const CYCLES: usize = 3;

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_token_stream_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("oauth.db");
    let store = vec!["--store".to_owned(), format!("sqlite:{}", path.display())];
    let open = || async {
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&path);
        Tables::Sqlite(sqlx::SqlitePool::connect_with(options).await.unwrap())
    };
    sigkill_during_token_stream(&store, open).await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_token_stream_postgres() {
    const TEST: &str = "durability::sigkill_during_token_stream_postgres";
    let Some(namespace) = Namespace::open(TEST, Service::Postgres).await else {
        return;
    };
    let open = || async { Tables::Postgres(namespace.pg_pool().await) };
    sigkill_during_token_stream(&namespace.store_args(), open).await;
}

#[cfg(feature = "mysql")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_token_stream_mysql() {
    const TEST: &str = "durability::sigkill_during_token_stream_mysql";
    let Some(namespace) = Namespace::open(TEST, Service::Mysql).await else {
        return;
    };
    let open = || async { Tables::Mysql(namespace.mysql_pool().await) };
    sigkill_during_token_stream(&namespace.store_args(), open).await;
}

async fn sigkill_during_token_stream<F, Fut>(store: &[String], open: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = Tables>,
{
    let fixtures = crate::process::Fixtures::new();
    let mut flags = store.to_vec();
    flags.extend(["--fixtures".into(), fixtures.path().into()]);
    let mut server = ServerProcess::start(&flags).await;
    flags.extend(["--issuer".into(), server.issuer().into()]);
    let http = crate::process::http();
    let received = Arc::new(Received::default());
    start_chain(&http, &server.url(""), &received).await;

    for cycle in 1..=CYCLES {
        let in_flight = kill_during_stream(&http, &mut server, &received).await;
        let access = received.access.lock().unwrap().clone();
        let last_refresh = received.refresh.lock().unwrap().clone();

        // Nothing half-written, read straight from the tables before anything runs on them.
        let tables = open().await;
        assert_eq!(
            tables.violations().await,
            Vec::<String>::new(),
            "cycle {cycle}"
        );
        let last_used = tables.refresh_used(&last_refresh).await;
        tables.close().await;

        server = ServerProcess::start(&flags).await;
        let base = server.url("");
        for token in &access {
            let api = crate::process::notes(&http, &base, token).await;
            assert_eq!(
                api.status,
                StatusCode::OK,
                "cycle {cycle}: a token lost: {api:?}"
            );
        }
        let continued = match last_used {
            Some(false) => {
                let refreshed = rotate(&http, &base, &last_refresh).await.unwrap();
                assert_eq!(
                    refreshed.status,
                    StatusCode::OK,
                    "cycle {cycle}: {refreshed:?}"
                );
                received.record_rotation(&refreshed);
                "the last refresh token received refreshed"
            }
            // The rotation in flight at the kill committed, and only its response was lost: the
            // family holds its successor (checked above), and presenting this token again would
            // be a replay, which revokes the family by design. A new chain, from a new code.
            Some(true) => {
                start_chain(&http, &base, &received).await;
                "the rotation in flight committed, its response lost"
            }
            None => panic!("cycle {cycle}: the last refresh token received is not stored"),
        };
        println!(
            "cycle {cycle}: {in_flight}; {} access tokens valid after restart; {continued}",
            access.len()
        );
    }
    drop(server);

    // The checks above are not vacuous: break each invariant by hand and they say so.
    let tables = open().await;
    tables.break_invariants().await;
    let violations = tables.violations().await;
    for expected in [
        "a refresh family without exactly one live token",
        "a refresh family with unequal numbers of access and refresh tokens",
        "a used code without tokens",
    ] {
        assert!(
            violations.iter().any(|v| v.starts_with(expected)),
            "{expected:?} not seen in {violations:?}"
        );
    }
    tables.close().await;
}

/// Runs the token streams against `server` until enough has reached the client, then, after a
/// random delay, SIGKILLs it mid-stream; returns what it did.
async fn kill_during_stream(
    http: &reqwest::Client,
    server: &mut ServerProcess,
    received: &Arc<Received>,
) -> String {
    let base = server.url("");
    let issued = || received.issued.load(Ordering::SeqCst);
    let rotations = || received.rotations.load(Ordering::SeqCst);
    let (issued_before, rotations_before) = (issued(), rotations());
    let mut streams = tokio::task::JoinSet::new();
    for _ in 0..ISSUERS {
        streams.spawn(issue_until_refused(
            http.clone(),
            base.clone(),
            Arc::clone(received),
        ));
    }
    streams.spawn(rotate_until_refused(
        http.clone(),
        base.clone(),
        Arc::clone(received),
    ));
    let jitter = Duration::from_millis(
        u64::from_le_bytes(GrantId::generate().as_bytes()[..8].try_into().unwrap())
            % KILL_JITTER_MS,
    );

    let started = Instant::now();
    let mut armed: Option<Instant> = None;
    loop {
        if let Some(stopped) = streams.try_join_next() {
            panic!("a stream stopped before the kill: {stopped:?}");
        }
        match armed {
            Some(at) if at.elapsed() >= jitter => break,
            Some(_) => {}
            None if issued() - issued_before >= ISSUED_BEFORE_KILL
                && rotations() - rotations_before >= ROTATIONS_BEFORE_KILL =>
            {
                armed = Some(Instant::now());
            }
            None => assert!(
                started.elapsed() < Duration::from_secs(60),
                "too slow: {} issued, {} rotations in a minute",
                issued() - issued_before,
                rotations() - rotations_before
            ),
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill();
    let killed_after = started.elapsed();
    let joined = tokio::time::timeout(crate::process::REQUEST_TIMEOUT, streams.join_all())
        .await
        .expect("the streams stop once the server is gone");
    for stream in joined {
        // A response other than 200 before the kill is a failure; after it, none can arrive.
        stream.unwrap();
    }
    format!(
        "killed after {killed_after:?} ({jitter:?} after arming), when {} client-credentials \
         tokens and {} rotations had reached the client",
        issued() - issued_before,
        rotations() - rotations_before
    )
}

/// A new refresh chain: a code from the pages, exchanged for the chain's first tokens.
async fn start_chain(http: &reqwest::Client, base: &str, received: &Received) {
    let code = crate::sign_in::authorization_code(http, base).await;
    let first = crate::sign_in::redeem(http, base, &code).await;
    assert_eq!(first.status, StatusCode::OK, "{first:?}");
    received
        .access
        .lock()
        .unwrap()
        .push(first.str("access_token").to_owned());
    *received.refresh.lock().unwrap() = first.str("refresh_token").to_owned();
}

/// What reached the client: every access token, the latest refresh token.
#[derive(Default)]
struct Received {
    access: Mutex<Vec<String>>,
    refresh: Mutex<String>,
    issued: AtomicUsize,
    rotations: AtomicUsize,
}

impl Received {
    fn record_rotation(&self, reply: &Reply) {
        let access = reply.str("access_token").to_owned();
        self.access.lock().unwrap().push(access);
        *self.refresh.lock().unwrap() = reply.str("refresh_token").to_owned();
        self.rotations.fetch_add(1, Ordering::SeqCst);
    }
}

/// Client-credentials requests until the server stops answering.
async fn issue_until_refused(
    http: reqwest::Client,
    base: String,
    received: Arc<Received>,
) -> Result<(), String> {
    let url = format!("{base}/token");
    let form = [("grant_type", "client_credentials"), ("scope", "read")];
    loop {
        let reply =
            match crate::process::post_as(&http, &url, (CLIENT_ID, CLIENT_SECRET), &form).await {
                Ok(reply) => reply,
                Err(_) => return Ok(()), // killed
            };
        if reply.status != StatusCode::OK {
            return Err(format!("client credentials: {reply:?}"));
        }
        let token = reply.str("access_token").to_owned();
        received.access.lock().unwrap().push(token);
        received.issued.fetch_add(1, Ordering::SeqCst);
    }
}

/// Refresh-token rotations, each with the latest token, until the server stops answering.
async fn rotate_until_refused(
    http: reqwest::Client,
    base: String,
    received: Arc<Received>,
) -> Result<(), String> {
    loop {
        let current = received.refresh.lock().unwrap().clone();
        let reply = match rotate(&http, &base, &current).await {
            Ok(reply) => reply,
            Err(_) => return Ok(()), // killed
        };
        if reply.status != StatusCode::OK {
            return Err(format!("refresh: {reply:?}"));
        }
        received.record_rotation(&reply);
    }
}

async fn rotate(
    http: &reqwest::Client,
    base: &str,
    refresh_token: &str,
) -> Result<Reply, reqwest::Error> {
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ];
    crate::process::post_as(
        http,
        &format!("{base}/token"),
        (CLIENT_ID, CLIENT_SECRET),
        &form,
    )
    .await
}

/// The store's tables (oauth2-provider/migrations), read directly.
enum Tables {
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::SqlitePool),
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
    #[cfg(feature = "mysql")]
    Mysql(sqlx::MySqlPool),
}

/// Invariants of the atomic exchange, as queries counting what breaks them. Each exchange
/// consumes a code or refresh token and inserts one access and one refresh token in one
/// transaction; the first issue of a family inserts both together too.
const INVARIANTS: [(&str, &str); 4] = [
    // A rotation that committed its consumption without its successor leaves none live; two
    // live ones mean a token was rotated twice.
    (
        "a refresh family without exactly one live token",
        "SELECT COUNT(*) FROM (SELECT grant_id FROM oauth_refresh_tokens GROUP BY grant_id \
         HAVING SUM(CASE WHEN used THEN 0 ELSE 1 END) <> 1) AS families",
    ),
    (
        "a refresh family with unequal numbers of access and refresh tokens",
        "SELECT COUNT(*) FROM (SELECT grant_id, COUNT(*) AS n FROM oauth_refresh_tokens \
         GROUP BY grant_id) AS r LEFT JOIN (SELECT grant_id, COUNT(*) AS n \
         FROM oauth_access_tokens GROUP BY grant_id) AS a ON a.grant_id = r.grant_id \
         WHERE a.n IS NULL OR a.n <> r.n",
    ),
    (
        "a used code without tokens",
        "SELECT COUNT(*) FROM oauth_codes AS c WHERE c.used AND NOT EXISTS \
         (SELECT 1 FROM oauth_access_tokens AS a WHERE a.grant_id = c.grant_id)",
    ),
    (
        "an unused code with tokens",
        "SELECT COUNT(*) FROM oauth_codes AS c WHERE NOT c.used AND EXISTS \
         (SELECT 1 FROM oauth_access_tokens AS a WHERE a.grant_id = c.grant_id)",
    ),
];

/// `body` with `pool` bound to the pool of whichever database `tables` is on.
macro_rules! on_pool {
    ($tables:expr, |$pool:ident| $body:expr) => {
        match $tables {
            #[cfg(feature = "sqlite")]
            Tables::Sqlite($pool) => $body,
            #[cfg(feature = "postgres")]
            Tables::Postgres($pool) => $body,
            #[cfg(feature = "mysql")]
            Tables::Mysql($pool) => $body,
        }
    };
}

impl Tables {
    async fn count(&self, sql: &str) -> i64 {
        on_pool!(self, |pool| sqlx::query_scalar(sql).fetch_one(pool).await)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    async fn execute(&self, sql: &str) {
        on_pool!(self, |pool| sqlx::query(sql).execute(pool).await.map(drop))
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Each broken invariant, with how many rows break it; for SQLite, whatever
    /// `PRAGMA integrity_check` reports beyond `ok`.
    async fn violations(&self) -> Vec<String> {
        let mut violations = Vec::new();
        #[cfg(feature = "sqlite")]
        if let Tables::Sqlite(pool) = self {
            let report: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_all(pool)
                .await
                .unwrap();
            if report != ["ok"] {
                violations.push(format!("integrity_check: {report:?}"));
            }
        }
        for (name, sql) in INVARIANTS {
            let n = self.count(sql).await;
            if n != 0 {
                violations.push(format!("{name}: {n}"));
            }
        }
        violations
    }

    /// Whether the refresh token `token` is marked used; `None` if it is not stored.
    async fn refresh_used(&self, token: &str) -> Option<bool> {
        let hash = TokenHash::of(token).as_bytes().to_vec();
        let sql = match self {
            #[cfg(feature = "mysql")]
            Tables::Mysql(_) => "SELECT used FROM oauth_refresh_tokens WHERE token_hash = ?",
            _ => "SELECT used FROM oauth_refresh_tokens WHERE token_hash = $1",
        };
        on_pool!(self, |pool| {
            sqlx::query_scalar(sql)
                .bind(&hash)
                .fetch_optional(pool)
                .await
        })
        .unwrap()
    }

    /// What a non-atomic exchange would leave: rotations consumed without successors, tokens
    /// of a consumed code gone.
    async fn break_invariants(&self) {
        self.execute("UPDATE oauth_refresh_tokens SET used = TRUE")
            .await;
        self.execute("DELETE FROM oauth_access_tokens").await;
    }

    async fn close(self) {
        on_pool!(&self, |pool| pool.close().await)
    }
}
