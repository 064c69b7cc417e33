//! `client create | list | delete | rotate-secret`: client registration against `--store`.
//!
//! A generated secret is 256 bits from the OS CSPRNG, printed once and stored only as its
//! SHA-256 (a slow hash buys nothing for a 256-bit random value).

use clap::Subcommand;
use oauth2_provider::model::{ClientMetadata, OAuthClient};
use oauth2_provider::redirect_uri;
use oauth2_provider::secret::{generate_token, hash_secret};
use oauth2_provider::store::PurgeTask;

use super::model::{Client, Scope};
use super::provider::DemoStore;
use super::stores::{StoreFlags, WithStore, with_store};

#[derive(Subcommand, Debug)]
pub enum ClientCommand {
    /// Registers a client; prints its generated id and, unless `--public`, its secret (once).
    Create {
        /// A redirect URI, matched exactly (repeat for several).
        #[arg(long = "redirect-uri", required = true)]
        redirect_uris: Vec<String>,
        /// The name the consent page shows.
        #[arg(long)]
        name: Option<String>,
        /// The largest scope the client may be granted.
        #[arg(long, default_value = "read")]
        scope: String,
        /// A grant type the client may use (repeat for several).
        #[arg(long = "grant-type", default_values = ["authorization_code", "refresh_token"])]
        grant_types: Vec<String>,
        /// A public client (no secret; PKCE required), such as a native or browser app.
        #[arg(long)]
        public: bool,
        /// A protected resource: it may introspect every client's access tokens.
        #[arg(long, conflicts_with = "public")]
        resource_server: bool,
    },
    /// Lists the registered clients.
    List,
    /// Deletes a client. Its tokens stay valid until they expire or are revoked.
    Delete { client_id: String },
    /// Replaces a confidential client's secret; prints the new one (once).
    RotateSecret { client_id: String },
}

/// Runs `command` against the store `url` names.
pub async fn run(
    url: &str,
    namespace: Option<&str>,
    command: &ClientCommand,
) -> Result<(), String> {
    if url == "memory:" {
        return Err(
            "the memory store keeps nothing between runs: give --store sqlite:PATH, \
                    postgres://... or redis://..."
                .into(),
        );
    }
    with_store(url, StoreFlags::namespace(namespace), Admin(command)).await?
}

struct Admin<'a>(&'a ClientCommand);

impl WithStore for Admin<'_> {
    type Output = Result<(), String>;

    async fn run<St: DemoStore>(self, store: St, _purge: Option<PurgeTask>) -> Result<(), String> {
        let failed = |e: oauth2_provider::StoreError| format!("store error: {e}");
        match self.0 {
            ClientCommand::Create {
                redirect_uris,
                name,
                scope,
                grant_types,
                public,
                resource_server,
            } => {
                for uri in redirect_uris {
                    redirect_uri::check_registrable(uri)
                        .map_err(|why| format!("--redirect-uri {uri:?}: {why}"))?;
                }
                let scope = Scope::parse(scope).map_err(|e| format!("--scope {scope:?}: {e}"))?;
                // 132 bits: ids are not secrets, but should not collide or be guessed in bulk.
                let client_id = generate_token()[..22].to_owned();
                let secret = (!public).then(generate_token);
                let client = Client {
                    client_id: client_id.clone(),
                    secret_hash: secret.as_deref().map(hash_secret),
                    redirect_uris: redirect_uris.clone(),
                    grant_types: grant_types.clone(),
                    scope,
                    name: name.clone().unwrap_or_else(|| client_id.clone()),
                    metadata: ClientMetadata {
                        resource_server: *resource_server,
                        ..ClientMetadata::default()
                    },
                };
                store.save_client(client).await.map_err(failed)?;
                println!("client_id:     {client_id}");
                match secret {
                    Some(secret) => {
                        println!("client_secret: {secret}\n(shown once; only its hash is stored)")
                    }
                    None => println!("public client: no secret, PKCE required"),
                }
            }
            ClientCommand::List => {
                for client in store.list_clients().await.map_err(failed)? {
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        client.client_id,
                        if client.is_confidential() {
                            "confidential"
                        } else {
                            "public"
                        },
                        client.scope,
                        client.grant_types.join(","),
                        client.redirect_uris.join(" "),
                    );
                }
            }
            ClientCommand::Delete { client_id } => {
                if !store.delete_client(client_id).await.map_err(failed)? {
                    return Err(format!("no client {client_id:?}"));
                }
                println!("deleted {client_id}");
            }
            ClientCommand::RotateSecret { client_id } => {
                let Some(client) = store.find_client(client_id).await.map_err(failed)? else {
                    return Err(format!("no client {client_id:?}"));
                };
                if !client.is_confidential() {
                    return Err(format!("{client_id} is a public client: it has no secret"));
                }
                let secret = generate_token();
                let rotated = Client {
                    secret_hash: Some(hash_secret(&secret)),
                    ..Client::clone(&client)
                };
                store.save_client(rotated).await.map_err(failed)?;
                println!("client_secret: {secret}\n(shown once; the old secret no longer works)");
            }
        }
        Ok(())
    }
}
