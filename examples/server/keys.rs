//! The signing keys of ID tokens (RS256) and JWT access tokens (ES256): PEM files given with
//! `--signing-key`, or generated on first start and kept in `--store`, where every node and
//! every restart finds them. `keys rotate` and `keys list` manage the stored ones.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use clap::Subcommand;
use oauth2_provider::jose::{Algorithm, KeySet, Keyring, ManagedKey, RotationPolicy, SigningKey};
use oauth2_provider::store::{KeyStore, PurgeTask};

use oauth2_provider::Server;

use super::provider::{DemoProvider, DemoStore};
use super::stores::{StoreFlags, WithStore, with_store};

/// What the example signs with: ID tokens, then JWT access tokens.
pub const ALGORITHMS: [Algorithm; 2] = [Algorithm::RS256, Algorithm::ES256];
/// How often a running server reads the stored keys again, to see another node's rotation:
/// well under the policy's hour of publishing ahead.
const RELOAD_EVERY: Duration = Duration::from_secs(60);

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Makes a new key for ALG, published now and signing in an hour; the key it replaces
    /// keeps verifying for a day after.
    Rotate {
        #[arg(long, default_value = "RS256")]
        alg: String,
    },
    /// Lists the stored keys and their schedule.
    List,
}

/// What the server signs with.
pub struct Signing {
    pub keys: Keyring,
    /// The store's keys, which [`Reload`] keeps current; `false` for `--signing-key` files.
    pub stored: bool,
    /// ID tokens': RS256 unless no RSA key was given.
    pub id_token_alg: Algorithm,
    /// JWT access tokens': ES256 unless no P-256 key was given.
    pub access_token_alg: Algorithm,
}

/// The keys `--signing-key` names, or those of the store (made on first start).
pub async fn signing(files: &[PathBuf], store: &impl KeyStore) -> Result<Signing, String> {
    if files.is_empty() {
        let keys = Keyring::ensure(store, None, &ALGORITHMS, &RotationPolicy::new())
            .await
            .map_err(|e| format!("cannot load or make the signing keys: {e}"))?;
        let [id_token_alg, access_token_alg] = ALGORITHMS;
        return Ok(Signing {
            keys,
            stored: true,
            id_token_alg,
            access_token_alg,
        });
    }
    let now = SystemTime::now();
    let mut set = KeySet::new();
    for path in files {
        let pem =
            std::fs::read(path).map_err(|e| format!("--signing-key {}: {e}", path.display()))?;
        let key = [Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA]
            .into_iter()
            .find_map(|alg| SigningKey::from_pem(alg, &pem).ok())
            .ok_or_else(|| {
                format!(
                    "--signing-key {}: not an RSA, P-256 or Ed25519 private key",
                    path.display()
                )
            })?;
        // The first key of each type signs; the others are published, for tokens they signed.
        let signs = set.signer(key.alg(), now).is_none();
        let activates = if signs {
            now
        } else {
            now + Duration::from_secs(100 * 365 * 86_400)
        };
        set.insert(ManagedKey::new(key, now, activates))
            .map_err(|_| format!("--signing-key {}: the same key twice", path.display()))?;
    }
    // The preferred algorithm if a key of it was given, else the first key's.
    let first = set
        .iter()
        .next()
        .map(|k| k.key().alg())
        .unwrap_or(Algorithm::RS256);
    let pick = |preferred| {
        if set.signer(preferred, now).is_some() {
            preferred
        } else {
            first
        }
    };
    let (id_token_alg, access_token_alg) = (pick(Algorithm::RS256), pick(Algorithm::ES256));
    if id_token_alg != Algorithm::RS256 {
        tracing::warn!(
            "--signing-key: no RSA key, so ID tokens are {id_token_alg}; OpenID Connect relying parties expect RS256 (Core §15.1)"
        );
    }
    Ok(Signing {
        keys: Keyring::new(set),
        stored: false,
        id_token_alg,
        access_token_alg,
    })
}

/// Reads the store's keys again every minute while it lives.
pub struct Reload(tokio::task::JoinHandle<()>);

impl Reload {
    pub fn spawn<St: DemoStore>(server: Arc<Server<DemoProvider<St>>>, keys: Keyring) -> Self {
        Reload(tokio::spawn(async move {
            let mut every = tokio::time::interval(RELOAD_EVERY);
            every.tick().await;
            loop {
                every.tick().await;
                if let Err(error) = keys.reload(&server.provider().store, None).await {
                    tracing::warn!(%error, "cannot reload the signing keys; keeping those loaded");
                }
            }
        }))
    }
}

impl Drop for Reload {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs `command` against the store `url` names.
pub async fn run(url: &str, namespace: Option<&str>, command: &KeysCommand) -> Result<(), String> {
    with_store(url, StoreFlags::namespace(namespace), Admin(command)).await?
}

struct Admin<'a>(&'a KeysCommand);

impl WithStore for Admin<'_> {
    type Output = Result<(), String>;

    async fn run<St: DemoStore>(self, store: St, _purge: Option<PurgeTask>) -> Result<(), String> {
        let failed = |e: oauth2_provider::jose::KeyringError| format!("keys: {e}");
        let keys = Keyring::load(&store, None).await.map_err(failed)?;
        match self.0 {
            KeysCommand::Rotate { alg } => {
                let alg: Algorithm = alg.parse().map_err(|_| format!("--alg {alg:?}: unknown"))?;
                let rotation = keys
                    .rotate(&store, None, alg, &RotationPolicy::new())
                    .await
                    .map_err(failed)?;
                println!(
                    "added {} ({alg}); retiring {:?}",
                    rotation.added, rotation.retired
                );
            }
            KeysCommand::List => keys.read(|set| {
                for key in set.iter() {
                    let at = |t: Option<SystemTime>| {
                        t.and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                            .map_or_else(|| "-".to_owned(), |d| d.as_secs().to_string())
                    };
                    println!(
                        "{}\t{}\tsigns from {}\tretires {}\tpublished until {}",
                        key.key().kid(),
                        key.key().alg(),
                        at(Some(key.activates_at())),
                        at(key.retired_at()),
                        at(key.retain_until()),
                    );
                }
            }),
        }
        Ok(())
    }
}

/// The DPoP server nonces of `--dpop-nonce` (RFC 9449 §8): stateless, from a secret every node
/// shares, given as `OAUTH2_DPOP_NONCE_SECRET` (at least 32 bytes); without it, one drawn at
/// start, which only this node knows (fine for one node). A nonce lasts five minutes.
pub fn dpop_nonces() -> Result<oauth2_provider::dpop::Nonces, String> {
    let secret = match std::env::var("OAUTH2_DPOP_NONCE_SECRET") {
        Ok(secret) => secret,
        Err(_) => {
            tracing::warn!("OAUTH2_DPOP_NONCE_SECRET is not set: DPoP nonces are this node's own");
            oauth2_provider::secret::generate_token()
        }
    };
    oauth2_provider::dpop::Nonces::new(secret.as_bytes(), std::time::Duration::from_secs(300))
        .ok_or_else(|| "OAUTH2_DPOP_NONCE_SECRET must be at least 32 bytes".to_owned())
}
