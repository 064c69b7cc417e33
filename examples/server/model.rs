//! The example's models, declared with the macros: scopes, clients, users, and the fixtures
//! file they load from.

use std::path::Path;

use oauth2_provider::model::ClientRecord;
use oauth2_provider::secret::{generate_token, hash_password, hash_secret, verify_secret};
use oauth2_provider::{ResourceOwner, redirect_uri, scopes};
use serde::Deserialize;

/// What a token may do at the example's resource server.
#[scopes(read = 1 << 0, write = 1 << 1, profile = 1 << 2, default = read)]
pub struct Scope;

/// A registered client, as every store keeps it. Secrets are stored hashed: argon2id for
/// secrets a person chose (the fixtures file), SHA-256 for the 256-bit secrets
/// `client create` generates.
pub type Client = ClientRecord<Scope>;

/// A user who can sign in.
#[derive(ResourceOwner, Clone, Debug)]
pub struct User {
    #[oauth(subject)]
    pub username: String,
    pub password_hash: String,
}

impl User {
    /// Checks a password in constant time (argon2id).
    pub fn check_password(&self, password: &str) -> bool {
        verify_secret(&self.password_hash, password)
    }
}

/// The fixtures file: `{"clients": [...], "users": [...]}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixtures {
    #[serde(default)]
    pub clients: Vec<ClientFixture>,
    #[serde(default)]
    pub users: Vec<UserFixture>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientFixture {
    pub client_id: String,
    /// A secret a person chose: stored as argon2id.
    pub client_secret: Option<String>,
    /// Or the stored form itself (`sha256$...` for a generated 256-bit secret, or a PHC
    /// string), so a fixtures file need not hold the secret.
    #[serde(default)]
    pub client_secret_hash: Option<String>,
    pub redirect_uris: Vec<String>,
    #[serde(default = "default_grant_types")]
    pub grant_types: Vec<String>,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub client_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserFixture {
    pub username: String,
    pub password: String,
}

fn default_grant_types() -> Vec<String> {
    vec!["authorization_code".into(), "refresh_token".into()]
}

impl Fixtures {
    /// Reads and validates a fixtures file.
    pub fn load(path: &Path) -> Result<Fixtures, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The demo: one confidential web client, one public native client, one user.
    pub fn demo(issuer: &str) -> (Fixtures, String) {
        let secret = generate_token();
        let fixtures = Fixtures {
            clients: vec![
                ClientFixture {
                    client_id: "demo-app".into(),
                    client_secret: Some(secret.clone()),
                    client_secret_hash: None,
                    redirect_uris: vec![format!("{issuer}/demo/callback")],
                    grant_types: [
                        "authorization_code",
                        "refresh_token",
                        "client_credentials",
                        "password",
                    ]
                    .map(String::from)
                    .to_vec(),
                    scope: Some("read write profile".into()),
                    client_name: Some("Demo App".into()),
                },
                ClientFixture {
                    client_id: "demo-native".into(),
                    client_secret: None,
                    client_secret_hash: None,
                    redirect_uris: vec!["http://127.0.0.1/callback".into()],
                    grant_types: default_grant_types(),
                    scope: Some("read profile".into()),
                    client_name: Some("Demo Native App".into()),
                },
            ],
            users: vec![UserFixture {
                username: "alice".into(),
                password: "wonderland".into(),
            }],
        };
        (fixtures, secret)
    }
}

impl ClientFixture {
    /// The client, with its secret hashed; errors name the fixture and what is wrong.
    pub fn into_client(self, generated_secret: bool) -> Result<Client, String> {
        let id = self.client_id;
        if let Some(uri) = self
            .redirect_uris
            .iter()
            .find(|u| !redirect_uri::is_registrable(u))
        {
            return Err(format!(
                "client {id}: redirect URI {uri:?} is not an absolute URI without fragment"
            ));
        }
        let scope = match self.scope.as_deref() {
            Some(s) => s
                .parse()
                .map_err(|e| format!("client {id}: scope {s:?}: {e}"))?,
            None => Scope::all(),
        };
        let secret_hash = match (self.client_secret, self.client_secret_hash) {
            (Some(_), Some(_)) => {
                return Err(format!(
                    "client {id}: give client_secret or client_secret_hash, not both"
                ));
            }
            (Some(s), None) if generated_secret => Some(hash_secret(&s)),
            (Some(s), None) => Some(hash_password(&s)),
            (None, hash) => hash,
        };
        Ok(Client {
            name: self.client_name.unwrap_or_else(|| id.clone()),
            client_id: id,
            secret_hash,
            redirect_uris: self.redirect_uris,
            grant_types: self.grant_types,
            scope,
        })
    }
}

impl UserFixture {
    /// The user, with an argon2id password hash.
    pub fn into_user(self) -> User {
        User {
            password_hash: hash_password(&self.password),
            username: self.username,
        }
    }
}
