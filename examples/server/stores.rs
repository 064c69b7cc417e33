//! `--store URL`: which store the example runs on, opened and handed to generic code.

use std::sync::Arc;
use std::time::Duration;

use oauth2_provider::store::{
    ClientCache, MemoryStore, MysqlOptions, MysqlStore, PostgresOptions, PostgresStore, PurgeTask,
    RedisOptions, RedisStore, SqliteStore,
};

use super::model::{Client, Scope};
use super::provider::DemoStore;

/// How often the memory and SQL stores delete expired codes, tokens and sessions (Redis
/// expires them natively).
const PURGE_EVERY: Duration = Duration::from_secs(60);

/// Code that runs on whichever store `--store` names.
pub trait WithStore {
    type Output;
    /// Runs on `store`; `purge` is the store's background purge, to keep alive while needed.
    async fn run<St: DemoStore>(self, store: St, purge: Option<PurgeTask>) -> Self::Output;
}

/// The `--store-*` flags beside `--store`.
#[derive(Clone, Copy, Default)]
pub struct StoreFlags<'a> {
    pub namespace: Option<&'a str>,
    pub connections: Option<u32>,
    /// Seconds a client is cached; `0`: off.
    pub client_cache: Option<u64>,
}

impl<'a> StoreFlags<'a> {
    /// `--store-namespace` alone, as the admin commands take it.
    pub fn namespace(namespace: Option<&'a str>) -> Self {
        StoreFlags {
            namespace,
            ..StoreFlags::default()
        }
    }

    fn client_cache(&self) -> Option<ClientCache> {
        self.client_cache.map(|seconds| match seconds {
            0 => ClientCache::off(),
            _ => ClientCache::new(
                ClientCache::default().capacity(),
                Duration::from_secs(seconds),
            ),
        })
    }
}

/// Applies `--store-client-cache`, if given.
fn cached<St>(store: St, cache: Option<ClientCache>, set: fn(St, ClientCache) -> St) -> St {
    match cache {
        Some(cache) => set(store, cache),
        None => store,
    }
}

/// Opens the store `url` names — `memory:`, `sqlite:PATH`, `postgres://...`, `mysql://...`, `redis://...` or
/// `redis+cluster://HOST:PORT,HOST:PORT,...` (a Redis Cluster, found through any of the nodes
/// listed; `redis+cluster://:PASSWORD@...` for all of them) — with `namespace` as the PostgreSQL schema, MySQL database or Redis key prefix, and runs `with` on it.
pub async fn with_store<W: WithStore>(
    url: &str,
    flags: StoreFlags<'_>,
    with: W,
) -> Result<W::Output, String> {
    let StoreFlags {
        namespace,
        connections,
        ..
    } = flags;
    let cache = flags.client_cache();
    let failed =
        |e: oauth2_provider::StoreError| format!("cannot open --store {}: {e}", redacted(url));
    if url == "memory:" {
        let store = Arc::new(MemoryStore::<Client>::new());
        let purge = PurgeTask::spawn(Arc::clone(&store), PURGE_EVERY);
        return Ok(with.run(store, Some(purge)).await);
    }
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        private_file(path).map_err(|e| format!("cannot create --store {url}: {e}"))?;
        let store = SqliteStore::<Scope>::open(path).await.map_err(failed)?;
        let store = cached(store, cache, SqliteStore::client_cache);
        let purge = store.spawn_purge(PURGE_EVERY);
        return Ok(with.run(store, Some(purge)).await);
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let mut options = PostgresOptions::new();
        if let Some(schema) = namespace {
            options = options.schema(schema);
        }
        if let Some(max) = connections {
            options = options.max_connections(max);
        }
        let store = PostgresStore::<Scope>::connect_with(url, options)
            .await
            .map_err(failed)?;
        let store = cached(store, cache, PostgresStore::client_cache);
        let purge = store.spawn_purge(PURGE_EVERY);
        return Ok(with.run(store, Some(purge)).await);
    }
    if url.starts_with("mysql://") || url.starts_with("mariadb://") {
        let url = url.replacen("mariadb://", "mysql://", 1);
        let mut options = MysqlOptions::new();
        if let Some(database) = namespace {
            options = options.database(database);
        }
        if let Some(max) = connections {
            options = options.max_connections(max);
        }
        let store = MysqlStore::<Scope>::connect_with(&url, options)
            .await
            .map_err(failed)?;
        let store = cached(store, cache, MysqlStore::client_cache);
        let purge = store.spawn_purge(PURGE_EVERY);
        return Ok(with.run(store, Some(purge)).await);
    }
    if let Some(hosts) = url.strip_prefix("redis+cluster://") {
        let mut options = RedisOptions::new();
        if let Some(prefix) = namespace {
            options = options.prefix(prefix);
        }
        let nodes = cluster_nodes(hosts);
        let nodes: Vec<&str> = nodes.iter().map(String::as_str).collect();
        let store = RedisStore::<Scope>::cluster_with(&nodes, options)
            .await
            .map_err(failed)?;
        let store = cached(store, cache, RedisStore::client_cache);
        return Ok(with.run(store, None).await);
    }
    if url.starts_with("redis://") {
        let mut options = RedisOptions::new();
        if let Some(prefix) = namespace {
            options = options.prefix(prefix);
        }
        let store = RedisStore::<Scope>::connect_with(url, options)
            .await
            .map_err(failed)?;
        let store = cached(store, cache, RedisStore::client_cache);
        return Ok(with.run(store, None).await);
    }
    Err(format!(
        "unsupported --store {:?}: use memory:, sqlite:PATH, postgres://..., mysql://..., redis://... or redis+cluster://...",
        redacted(url)
    ))
}

/// `redis://` URLs of the nodes of `[USER:PASSWORD@]HOST:PORT,HOST:PORT,...`, the credentials
/// given to each.
fn cluster_nodes(hosts: &str) -> Vec<String> {
    let (auth, hosts) = match hosts.rsplit_once('@') {
        Some((auth, hosts)) => (format!("{auth}@"), hosts),
        None => (String::new(), hosts),
    };
    hosts
        .split(',')
        .filter(|host| !host.is_empty())
        .map(|host| format!("redis://{auth}{host}"))
        .collect()
}

/// Creates the SQLite file readable by its owner only (it holds client secret hashes and
/// sessions); an existing file is left as it is.
fn private_file(path: &str) -> std::io::Result<()> {
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// `url` as it may be shown: any password replaced by `***`.
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(_) => url.to_owned(),
        // Not a URL: only what follows the last `@`; a password would come before it.
        Err(_) => url.rsplit('@').next().unwrap_or_default().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{cluster_nodes, redacted};

    #[test]
    fn a_cluster_url_names_every_node() {
        assert_eq!(
            cluster_nodes("10.0.0.1:6379,10.0.0.2:6380"),
            ["redis://10.0.0.1:6379", "redis://10.0.0.2:6380"]
        );
        assert_eq!(
            cluster_nodes(":pw@a:1,b:2"),
            ["redis://:pw@a:1", "redis://:pw@b:2"]
        );
        assert!(!super::redacted("redis+cluster://:hunter2@a:1,b:2").contains("hunter2"));
    }

    #[test]
    fn a_store_password_is_never_shown() {
        let shown = redacted("postgres://postgres:S3cretPassw0rd@127.0.0.1:1/test");
        assert_eq!(shown, "postgres://postgres:***@127.0.0.1:1/test");
        assert_eq!(
            redacted("redis://:pw@127.0.0.1:6379"),
            "redis://:***@127.0.0.1:6379"
        );
        assert_eq!(redacted("sqlite:oauth.db"), "sqlite:oauth.db");
        assert!(!redacted("mysql://root:hunter2@db/x").contains("hunter2"));
        assert!(!redacted("not a url user:hunter2@host").contains("hunter2"));
    }
}
