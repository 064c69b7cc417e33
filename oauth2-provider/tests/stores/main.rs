//! The store conformance suite (`oauth2_provider::store::testing`) against every store of the
//! crate, and what only each backend can show: a file survives reopening, a database outage
//! fails closed and recovers, names interpolated into DDL are validated.

mod client_cache;
mod memory;
mod mysql;
mod postgres;
mod redis;
mod redis_cluster;
mod round_trips;
mod sqlite;

use std::time::SystemTime;

use oauth2_provider::model::{AccessKind, GrantId, NewToken, TokenHash, TokenRecord};
use oauth2_provider::scope::Scopes;
use oauth2_provider::secret::generate_token;
use oauth2_provider::store::testing::{TestClient, TestScope};

/// An access token of client `app`, with no subject, in `grant`'s family.
fn access_token(
    hash: TokenHash,
    grant: GrantId,
    expires_at: Option<SystemTime>,
) -> TokenRecord<TestScope, AccessKind> {
    TokenRecord::of(NewToken {
        token_hash: hash,
        grant_id: grant,
        client_id: "app".to_owned(),
        subject: None,
        scope: TestScope::default_scope(),
        expires_at,
        extras: Default::default(),
    })
}

/// A token of no family of `grant`'s: what a token minted before family tags looks like.
fn token_outside(grant: GrantId) -> String {
    loop {
        let token = generate_token();
        if TokenHash::of(&token).family() != Some(grant.family()) {
            return token;
        }
    }
}

/// A public client registered by the tests that need one.
fn client(id: &str) -> TestClient {
    TestClient {
        client_id: id.to_owned(),
        secret_hash: None,
        redirect_uris: vec![format!("https://{id}.example/cb")],
        grant_types: vec!["authorization_code".to_owned()],
        scope: oauth2_provider::store::testing::TestScope::default_scope(),
        name: id.to_owned(),
        metadata: Default::default(),
    }
}
