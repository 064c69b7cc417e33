//! `#[oauth(claim = "...")]` of `#[derive(ResourceOwner)]`: `claims()` holds each marked field
//! as JSON, `None` left out; `#[hook(find_owner)]` makes the default `Provider::claims` answer
//! the owner's, and `#[hook(claims)]` replaces it.

use oauth2_provider::config::Config;
use oauth2_provider::error::OAuthError;
use oauth2_provider::model::Claims;
use oauth2_provider::provider::Provider;
use oauth2_provider::store::MemoryStore;
use oauth2_provider::{OAuthClient, ResourceOwner, scopes};
use serde::Serialize;
use serde_json::{Value, json};

#[scopes(openid = 1 << 0, email = 1 << 1, profile = 1 << 2)]
pub struct Scope;

#[derive(OAuthClient)]
pub struct App {
    #[oauth(client_id)]
    id: String,
    #[oauth(secret_hash)]
    secret: Option<String>,
    #[oauth(redirect_uris)]
    callbacks: Vec<String>,
    #[oauth(scope)]
    allowed: Scope,
}

#[derive(Clone, Serialize)]
pub struct Address {
    street_address: String,
    country: String,
}

#[derive(Clone, ResourceOwner)]
pub struct User {
    #[oauth(subject, claim = "preferred_username")]
    login: String,
    #[oauth(claim = "email")]
    email: String,
    #[oauth(claim = "email_verified")]
    verified: bool,
    #[oauth(claim = "nickname")]
    nickname: Option<String>,
    #[oauth(claim = "name")]
    name: Option<String>,
    #[oauth(claim = "address")]
    address: Address,
    #[oauth(claim = "https://example.com/groups")]
    groups: Vec<&'static str>,
    #[allow(dead_code)]
    password_hash: String,
}

/// No claim field: `claims` is the trait's default.
#[derive(ResourceOwner)]
pub struct Plain {
    #[oauth(subject)]
    id: u64,
}

/// A generic claim field, bounded by `Serialize`, and one that borrows.
#[derive(ResourceOwner)]
pub struct Generic<'a, T> {
    #[oauth(subject)]
    id: u64,
    #[oauth(claim = "extra")]
    extra: T,
    #[oauth(claim = "locale")]
    locale: &'a str,
}

fn alice() -> User {
    User {
        login: "alice".into(),
        email: "alice@example.com".into(),
        verified: true,
        nickname: None,
        name: Some("Alice Liddell".into()),
        address: Address {
            street_address: "1 Rabbit Hole".into(),
            country: "UK".into(),
        },
        groups: vec!["admins", "readers"],
        password_hash: "not a claim".into(),
    }
}

fn as_json(claims: Claims) -> Value {
    Value::Object(claims.into_map())
}

#[test]
fn each_claim_field_is_its_claim_and_none_is_left_out() {
    let user = alice();
    assert_eq!(user.subject(), "alice");
    assert_eq!(
        as_json(user.claims()),
        json!({
            "preferred_username": "alice",
            "email": "alice@example.com",
            "email_verified": true,
            "name": "Alice Liddell",
            "address": {"street_address": "1 Rabbit Hole", "country": "UK"},
            "https://example.com/groups": ["admins", "readers"],
        })
    );
    let nicknamed = User {
        nickname: Some("al".into()),
        name: None,
        ..alice()
    };
    let claims = nicknamed.claims();
    assert_eq!(claims.get("nickname"), Some(&json!("al")));
    assert!(claims.get("name").is_none());
    assert!(claims.get("password_hash").is_none());
}

#[test]
fn without_claim_fields_there_are_no_claims() {
    assert!(Plain { id: 7 }.claims().is_empty());
}

#[test]
fn a_generic_or_borrowed_claim_field_is_serialized_as_it_is() {
    let owner = Generic {
        id: 1,
        extra: [1, 2],
        locale: "en-GB",
    };
    assert_eq!(
        as_json(owner.claims()),
        json!({"extra": [1, 2], "locale": "en-GB"})
    );
}

pub struct Directory {
    store: MemoryStore<App>,
    config: Config,
    users: Vec<User>,
}

impl Directory {
    fn new() -> Self {
        Directory {
            store: MemoryStore::new(),
            config: Config::default(),
            users: vec![alice()],
        }
    }
}

#[oauth2_provider::provider(owner = User, grants(authorization_code))]
impl Directory {
    #[provider(store)]
    fn store(&self) -> &MemoryStore<App> {
        &self.store
    }

    #[provider(config)]
    fn config(&self) -> &Config {
        &self.config
    }

    #[hook(find_owner)]
    async fn user(&self, subject: &str) -> Result<Option<User>, OAuthError> {
        Ok(self
            .users
            .iter()
            .find(|user| user.login == subject)
            .cloned())
    }
}

#[tokio::test]
async fn find_owner_gives_the_default_claims_hook_the_owners_claims() {
    let directory = Directory::new();
    let found = directory.find_owner("alice").await.unwrap();
    assert_eq!(found.map(|user| user.subject()).as_deref(), Some("alice"));
    let claims = directory.claims("alice", Scope::OPENID).await.unwrap();
    assert_eq!(claims, alice().claims());
    assert!(directory.find_owner("bob").await.unwrap().is_none());
    assert!(
        directory
            .claims("bob", Scope::OPENID)
            .await
            .unwrap()
            .is_empty()
    );
}

pub struct Computed {
    store: MemoryStore<App>,
    config: Config,
}

#[oauth2_provider::provider(owner = User, grants(authorization_code))]
impl Computed {
    #[provider(store)]
    fn store(&self) -> &MemoryStore<App> {
        &self.store
    }

    #[provider(config)]
    fn config(&self) -> &Config {
        &self.config
    }

    #[hook(claims)]
    async fn computed(&self, subject: &str, scope: Scope) -> Result<Claims, OAuthError> {
        let mut claims = alice().claims();
        claims
            .set("asked_for", subject)
            .set("scope", scope.to_string());
        Ok(claims)
    }
}

#[tokio::test]
async fn the_claims_hook_replaces_the_default() {
    let provider = Computed {
        store: MemoryStore::new(),
        config: Config::default(),
    };
    let claims = provider
        .claims("carol", Scope::OPENID | Scope::EMAIL)
        .await
        .unwrap();
    assert_eq!(claims.get("asked_for"), Some(&json!("carol")));
    assert_eq!(claims.get("scope"), Some(&json!("openid email")));
    assert_eq!(claims.get("email"), Some(&json!("alice@example.com")));
    // `find_owner` keeps its default: nobody.
    assert!(provider.find_owner("alice").await.unwrap().is_none());
}
