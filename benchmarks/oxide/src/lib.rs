//! What the oxide-auth reference server (`src/main.rs`) and the in-process side-by-side bench
//! (`benches/side_by_side.rs`) share: the secret policy that makes client authentication cost
//! what ours costs, and the shared wrapper around oxide-auth's `TokenMap` issuer.

use std::sync::RwLock;

use oxide_auth::primitives::generator::RandomGenerator;
use oxide_auth::primitives::grant::Grant;
use oxide_auth::primitives::issuer::{IssuedToken, Issuer, RefreshedToken, TokenMap};
use oxide_auth::primitives::registrar::{PasswordPolicy, RegistrarError};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// One SHA-256 of the secret, compared in constant time: the cost of the example server's
/// `sha256$` secrets.
pub struct Sha256Policy;

impl PasswordPolicy for Sha256Policy {
    fn store(&self, _client_id: &str, passphrase: &[u8]) -> Vec<u8> {
        Sha256::digest(passphrase).to_vec()
    }

    fn check(
        &self,
        _client_id: &str,
        passphrase: &[u8],
        stored: &[u8],
    ) -> Result<(), RegistrarError> {
        if bool::from(Sha256::digest(passphrase).as_slice().ct_eq(stored)) {
            Ok(())
        } else {
            Err(RegistrarError::Unspecified)
        }
    }
}

/// A `TokenMap` shared by many requests: readers share, issuers exclude.
pub struct SharedIssuer<'a>(pub &'a RwLock<TokenMap<RandomGenerator>>);

impl Issuer for SharedIssuer<'_> {
    fn issue(&mut self, grant: Grant) -> Result<IssuedToken, ()> {
        self.0.write().map_err(|_| ())?.issue(grant)
    }

    fn refresh(&mut self, refresh: &str, grant: Grant) -> Result<RefreshedToken, ()> {
        self.0.write().map_err(|_| ())?.refresh(refresh, grant)
    }

    fn recover_token<'a>(&'a self, token: &'a str) -> Result<Option<Grant>, ()> {
        self.0.read().map_err(|_| ())?.recover_token(token)
    }

    fn recover_refresh<'a>(&'a self, token: &'a str) -> Result<Option<Grant>, ()> {
        self.0.read().map_err(|_| ())?.recover_refresh(token)
    }
}
