//! The example server as child processes: what the many-node, durability, outage and client
//! admin tests drive. A [`ServerProcess`] is the real binary (`examples/server`, built by
//! `cargo test` or `cargo build --example server`) on a free loopback port, killed when dropped;
//! a [`Namespace`] is a PostgreSQL schema or Redis key prefix of a test's own, removed when
//! dropped. Every wait here is bounded.
#![allow(dead_code)] // each test file uses a part of it

use std::fs::File;
use std::io::Read as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant, SystemTime};

use oauth2::reqwest::{self, StatusCode, header::WWW_AUTHENTICATE};
use serde_json::Value;
use tempfile::NamedTempFile;

use oauth2_provider::store::testing as support_services;

/// The confidential client of [`Fixtures`]: every grant type, scopes `read write profile`.
pub const CLIENT_ID: &str = "app";
/// Its secret, fixed (the fixtures file stores it as an argon2id hash).
pub const CLIENT_SECRET: &str = "process-test-secret";
/// Its one redirect URI; by the loopback rule (RFC 8252 §7.3) any port would match.
pub const REDIRECT_URI: &str = "http://127.0.0.1/cb";
/// The user of [`Fixtures`].
pub const USERNAME: &str = "alice";
pub const PASSWORD: &str = "wonderland";

/// How long a server may take from spawn to answering its metadata (migrations included).
const READY_WITHIN: Duration = Duration::from_secs(30);
/// How long any one HTTP request, or one run of a `client` command, may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// The example server binary beside this test executable: `<target>/<profile>/deps/<test>-<hash>`
/// is the test, `<target>/<profile>/examples/server` the server.
pub fn example_binary() -> PathBuf {
    let test = std::env::current_exe().expect("the test executable's path");
    let profile = test
        .parent()
        .and_then(Path::parent)
        .expect("the test executable lives in <target>/<profile>/deps");
    let binary = profile
        .join("examples")
        .join(format!("server{}", std::env::consts::EXE_SUFFIX));
    let built = std::fs::metadata(&binary)
        .and_then(|m| m.modified())
        .unwrap_or_else(|_| {
            panic!(
                "the example server is not built at {}: run `cargo build --example server` \
                 (a full `cargo test` builds it too)",
                binary.display()
            )
        });
    // `cargo test --test NAME` does not rebuild examples: a stale binary would test old code.
    if let Some(newer) = newest_source_after(&binary, built) {
        panic!(
            "the example server at {} is older than {}: run `cargo build --example server`",
            binary.display(),
            newer.display()
        );
    }
    binary
}

/// A source file the example server is built from that changed after `built`, if any: the
/// files cargo's dep-info (`server.d`, beside the binary) lists, so a test-only file never
/// counts.
fn newest_source_after(binary: &Path, built: SystemTime) -> Option<PathBuf> {
    let dep_info = std::fs::read_to_string(binary.with_extension("d")).unwrap_or_default();
    let (_, sources) = dep_info.lines().next()?.split_once(": ")?;
    // Paths are space-separated, a space within one escaped as `\ `.
    let sources = sources.replace("\\ ", "\0");
    sources
        .split(' ')
        .map(|source| PathBuf::from(source.replace('\0', " ")))
        .find(|source| {
            std::fs::metadata(source)
                .and_then(|m| m.modified())
                .is_ok_and(|m| m > built)
        })
}

/// A fixtures file: the confidential client [`CLIENT_ID`] and the user [`USERNAME`].
pub struct Fixtures(NamedTempFile);

impl Fixtures {
    pub fn new() -> Fixtures {
        let fixtures = serde_json::json!({
            "clients": [{
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [REDIRECT_URI],
                "grant_types": ["authorization_code", "refresh_token", "client_credentials", "password"],
                "scope": "read write profile",
            }],
            "users": [{ "username": USERNAME, "password": PASSWORD }],
        });
        let file = NamedTempFile::new().expect("a temporary fixtures file");
        std::fs::write(file.path(), fixtures.to_string()).expect("the fixtures written");
        Fixtures(file)
    }

    pub fn path(&self) -> &str {
        self.0.path().to_str().expect("a UTF-8 temporary path")
    }
}

/// The example server running as a child process; dropping it kills it (SIGKILL) and reaps it.
pub struct ServerProcess {
    child: Child,
    addr: SocketAddr,
    issuer: String,
    log: NamedTempFile,
}

impl ServerProcess {
    /// Starts the example server with `args` on a free loopback port and waits until it serves
    /// its metadata. Unless `args` has an `--issuer`, the issuer is `http://127.0.0.1:PORT`;
    /// either way it is passed explicitly and the metadata must name it.
    pub async fn start<S: AsRef<str>>(args: &[S]) -> ServerProcess {
        let args: Vec<&str> = args.iter().map(AsRef::as_ref).collect();
        // Another process may take the port between our probe and the server's bind; the server
        // then exits with "cannot listen", and we try another port.
        for _ in 0..3 {
            match Self::try_start(&args).await {
                Ok(server) => return server,
                Err(log) if log.contains("cannot listen") => continue,
                Err(log) => panic!("the example server exited before serving: {log}"),
            }
        }
        panic!("the example server found no free port in three attempts");
    }

    async fn try_start(args: &[&str]) -> Result<ServerProcess, String> {
        let addr = free_port();
        let listen = addr.to_string();
        let default_issuer = format!("http://{addr}");
        let issuer = match args.iter().position(|a| *a == "--issuer") {
            Some(i) => args[i + 1].to_owned(),
            None => default_issuer.clone(),
        };
        let mut command = Command::new(example_binary());
        command.args(["--listen", &listen]).args(args);
        if !args.contains(&"--issuer") {
            command.args(["--issuer", &default_issuer]);
        }
        let log = NamedTempFile::new().expect("a temporary log file");
        let child = spawn_logged(command, &log);
        let mut server = ServerProcess {
            child,
            addr,
            issuer,
            log,
        };
        server.wait_ready().await?;
        Ok(server)
    }

    /// Polls the metadata until it names our issuer; `Err(log)` if the process exits first.
    async fn wait_ready(&mut self) -> Result<(), String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("an HTTP client");
        let metadata = self.url("/.well-known/oauth-authorization-server");
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("the server's status") {
                return Err(format!("{status}: {}", self.log()));
            }
            if let Ok(response) = http.get(&metadata).send().await
                && response.status() == StatusCode::OK
                && let Ok(body) = response.bytes().await
            {
                let body: Value = serde_json::from_slice(&body).expect("JSON metadata");
                assert_eq!(
                    body["issuer"],
                    self.issuer.as_str(),
                    "another server's metadata"
                );
                return Ok(());
            }
            assert!(
                started.elapsed() < READY_WITHIN,
                "the example server did not serve {metadata} within {READY_WITHIN:?}: {}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The issuer identifier it was started with.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Whether the process is still alive (it never exits by itself while serving).
    pub fn is_running(&mut self) -> bool {
        self.child
            .try_wait()
            .expect("the server's status")
            .is_none()
    }

    /// Kills the process with SIGKILL — no graceful shutdown, nothing flushed — and reaps it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// What the process wrote to stdout and stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A loopback address with a port nobody listened on a moment ago.
fn free_port() -> SocketAddr {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    probe.local_addr().expect("its address")
}

/// Spawns `command` with stdout and stderr to `log`; on Linux it is killed if this test thread
/// dies without dropping its guard (a test harness killed by a timeout, say).
fn spawn_logged(mut command: Command, log: &NamedTempFile) -> Child {
    let out = log.reopen().expect("the log file");
    let err = out.try_clone().expect("the log file");
    command
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .env_remove("RUST_LOG")
        .env_remove("OAUTH2_STORE");
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt as _;
        // SAFETY: only prctl(2), which is async-signal-safe, runs between fork and exec. The
        // signal follows the spawning *thread*: the test's own, which outlives every guard.
        unsafe {
            command.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    command.spawn().expect("the example server spawns")
}

/// What a `client ...` command run printed, and how it exited.
pub struct CliRun {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the example binary with `args` (a `client` subcommand) to completion, within
/// [`REQUEST_TIMEOUT`].
pub async fn run_cli(args: &[&str]) -> CliRun {
    run_cli_with_env(args, &[]).await
}

/// [`run_cli`] with these environment variables set (and `OAUTH2_STORE` only if given).
pub async fn run_cli_with_env(args: &[&str], env: &[(&str, &str)]) -> CliRun {
    let mut command = Command::new(example_binary());
    command
        .args(args)
        .env_remove("OAUTH2_STORE")
        .envs(env.iter().copied());
    let stdout = NamedTempFile::new().expect("a temporary file");
    let stderr = NamedTempFile::new().expect("a temporary file");
    command
        .stdin(Stdio::null())
        .stdout(stdout.reopen().expect("the stdout file"))
        .stderr(stderr.reopen().expect("the stderr file"));
    let mut child = command.spawn().expect("the example binary spawns");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the command's status") {
            break status;
        }
        if started.elapsed() > REQUEST_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`server {}` ran longer than {REQUEST_TIMEOUT:?}",
                args.join(" ")
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let read = |file: &NamedTempFile| {
        let mut text = String::new();
        File::open(file.path())
            .and_then(|mut f| f.read_to_string(&mut text))
            .expect("the command's output");
        text
    };
    CliRun {
        status,
        stdout: read(&stdout),
        stderr: read(&stderr),
    }
}

/// An HTTP client that follows no redirects and gives up on a request after
/// [`REQUEST_TIMEOUT`].
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(REQUEST_TIMEOUT)
        .build()
        .expect("an HTTP client")
}

/// A response, read whole: its status, its JSON body (`Null` if none) and its challenge.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    pub www_authenticate: Option<String>,
    pub retry_after: Option<String>,
}

impl Reply {
    async fn read(response: reqwest::Response) -> Reply {
        let status = response.status();
        let header = |name| {
            response
                .headers()
                .get(name)
                .map(|v: &reqwest::header::HeaderValue| {
                    v.to_str().expect("an ASCII header").to_owned()
                })
        };
        let www_authenticate = header(WWW_AUTHENTICATE);
        let retry_after = header(reqwest::header::RETRY_AFTER);
        let bytes = response.bytes().await.expect("the response body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| panic!("a JSON body: {}", String::from_utf8_lossy(&bytes)))
        };
        Reply {
            status,
            body,
            www_authenticate,
            retry_after,
        }
    }

    /// The string member `name` of the body.
    pub fn str(&self, name: &str) -> &str {
        self.body[name]
            .as_str()
            .unwrap_or_else(|| panic!("no string {name:?} in {self:?}"))
    }

    /// The `error` member of the body.
    pub fn error(&self) -> Option<&str> {
        self.body["error"].as_str()
    }
}

/// POSTs `form` to `url`, authenticated as `client_id:secret` (`client_secret_basic`).
pub async fn post_as(
    http: &reqwest::Client,
    url: &str,
    (client_id, secret): (&str, &str),
    form: &[(&str, &str)],
) -> Result<Reply, reqwest::Error> {
    let response = http
        .post(url)
        .basic_auth(client_id, Some(secret))
        .form(form)
        .send()
        .await?;
    Ok(Reply::read(response).await)
}

/// POSTs `form` to `path` at `base`, as the fixtures' client; panics if no response comes.
pub async fn post(http: &reqwest::Client, base: &str, path: &str, form: &[(&str, &str)]) -> Reply {
    post_as(
        http,
        &format!("{base}{path}"),
        (CLIENT_ID, CLIENT_SECRET),
        form,
    )
    .await
    .unwrap_or_else(|e| panic!("POST {base}{path}: {e}"))
}

/// `GET /api/notes` (scope `read`) at `base` with `token`.
pub async fn notes(http: &reqwest::Client, base: &str, token: &str) -> Reply {
    let response = http
        .get(format!("{base}/api/notes"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {base}/api/notes: {e}"));
    Reply::read(response).await
}

/// Which shared service a [`Namespace`] lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    Postgres,
    Mysql,
    Redis,
    /// A Redis Cluster of the test's own ([`RedisCluster`](support_services::RedisCluster)),
    /// which takes its keys with it when it stops.
    RedisCluster,
}

/// A PostgreSQL schema or MySQL database (`oauth2_test_<hex>`), or a Redis key prefix
/// (`oauth2_test:<hex>:`), of one test's own, dropped with everything in it when this is dropped
/// (drop the servers first).
pub struct Namespace {
    service: Service,
    url: String,
    name: String,
}

impl Namespace {
    /// A fresh namespace in `service`, or `None` once the skip of `test` is reported (see
    /// [`support_services`]).
    pub async fn open(test: &str, service: Service) -> Option<Namespace> {
        let suffix = support_services::unique_suffix();
        let (var, name) = match service {
            Service::Postgres => ("DATABASE_URL", format!("oauth2_test_{suffix}")),
            Service::Mysql => ("MYSQL_URL", format!("oauth2_test_{suffix}")),
            Service::Redis => ("REDIS_URL", format!("oauth2_test:{suffix}:")),
            Service::RedisCluster => {
                panic!("a cluster namespace is opened with Namespace::in_cluster")
            }
        };
        let url = support_services::service_url(test, var)?;
        let reachable = match service {
            Service::Postgres => pg_connect(&url, None).await.map(|_| ()),
            Service::Mysql => mysql_connect(&url, None).await.map(|_| ()),
            Service::Redis => redis_connect(&url).await.map(|_| ()),
            Service::RedisCluster => Ok(()),
        };
        match reachable {
            Ok(()) => Some(Namespace { service, url, name }),
            Err(why) => support_services::unavailable(test, format!("{var}: {why}")),
        }
    }

    /// A key prefix in `cluster`, for `--store redis+cluster://...`.
    pub fn in_cluster(cluster: &support_services::RedisCluster) -> Namespace {
        let suffix = support_services::unique_suffix();
        Namespace {
            service: Service::RedisCluster,
            url: cluster.url(),
            name: format!("oauth2_test:{suffix}:"),
        }
    }

    pub fn service(&self) -> Service {
        self.service
    }

    /// The service's URL from the environment.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The schema or key prefix.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `--store URL --store-namespace NAME` for the example server.
    pub fn store_args(&self) -> Vec<String> {
        self.store_args_for(self.url.clone())
    }

    /// The same, reaching the service through `proxy` (see [`support_services::Proxy`]).
    pub fn store_args_via(&self, proxy: SocketAddr) -> Vec<String> {
        self.store_args_for(support_services::via(&self.url, proxy))
    }

    fn store_args_for(&self, url: String) -> Vec<String> {
        vec![
            "--store".into(),
            url,
            "--store-namespace".into(),
            self.name.clone(),
        ]
    }

    /// A MySQL pool on this namespace's database (which the server creates).
    pub async fn mysql_pool(&self) -> sqlx::MySqlPool {
        assert_eq!(self.service, Service::Mysql);
        mysql_connect(&self.url, Some(&self.name))
            .await
            .expect("MySQL is reachable")
    }

    /// A PostgreSQL pool whose `search_path` is this namespace's schema.
    pub async fn pg_pool(&self) -> sqlx::PgPool {
        assert_eq!(self.service, Service::Postgres);
        pg_connect(&self.url, Some(&self.name))
            .await
            .expect("PostgreSQL is reachable")
    }

    async fn remove(service: Service, url: String, name: String) -> Result<(), String> {
        match service {
            Service::Postgres => {
                let pool = pg_connect(&url, None).await?;
                // The name is ours: "oauth2_test_" and hex.
                sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"))
                    .execute(&pool)
                    .await
                    .map_err(|e| e.to_string())?;
                pool.close().await;
            }
            Service::Mysql => {
                let pool = mysql_connect(&url, None).await?;
                // The name is ours: "oauth2_test_" and hex.
                sqlx::query(&format!("DROP DATABASE IF EXISTS `{name}`"))
                    .execute(&pool)
                    .await
                    .map_err(|e| e.to_string())?;
                pool.close().await;
            }
            Service::RedisCluster => {}
            Service::Redis => {
                let mut conn = redis_connect(&url).await?;
                let mut cursor = 0u64;
                loop {
                    let (next, keys): (u64, Vec<Vec<u8>>) = redis::cmd("SCAN")
                        .arg(cursor)
                        .arg("MATCH")
                        .arg(format!("{name}*"))
                        .arg("COUNT")
                        .arg(1000)
                        .query_async(&mut conn)
                        .await
                        .map_err(|e| e.to_string())?;
                    if !keys.is_empty() {
                        let _: i64 = redis::cmd("DEL")
                            .arg(keys)
                            .query_async(&mut conn)
                            .await
                            .map_err(|e| e.to_string())?;
                    }
                    if next == 0 {
                        break;
                    }
                    cursor = next;
                }
            }
        }
        Ok(())
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        // Async work in a synchronous drop, which also runs when the test panics: a runtime of
        // its own on a thread of its own.
        let (service, url, name) = (self.service, self.url.clone(), self.name.clone());
        let removed = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime")
                .block_on(async {
                    tokio::time::timeout(REQUEST_TIMEOUT, Namespace::remove(service, url, name))
                        .await
                        .unwrap_or_else(|_| Err("timed out".into()))
                })
        })
        .join();
        if !matches!(removed, Ok(Ok(()))) && !std::thread::panicking() {
            panic!(
                "removing {:?} {} failed: {removed:?}",
                self.service, self.name
            );
        }
    }
}

async fn pg_connect(url: &str, schema: Option<&str>) -> Result<sqlx::PgPool, String> {
    use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
    let mut options: PgConnectOptions = url.parse().map_err(|e| format!("{e}"))?;
    if let Some(schema) = schema {
        options = options.options([("search_path", schema)]);
    }
    PgPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .map_err(|e| e.to_string())
}

async fn mysql_connect(url: &str, database: Option<&str>) -> Result<sqlx::MySqlPool, String> {
    use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions};
    let mut options: MySqlConnectOptions = url.parse().map_err(|e| format!("{e}"))?;
    if let Some(database) = database {
        options = options.database(database);
    }
    MySqlPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .map_err(|e| e.to_string())
}

async fn redis_connect(url: &str) -> Result<redis::aio::MultiplexedConnection, String> {
    let client = redis::Client::open(url).map_err(|e| e.to_string())?;
    tokio::time::timeout(
        Duration::from_secs(5),
        client.get_multiplexed_async_connection(),
    )
    .await
    .map_err(|_| "timed out".to_owned())?
    .map_err(|e| e.to_string())
}
