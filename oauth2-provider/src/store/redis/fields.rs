//! Reading a record's hash back.

use std::collections::HashMap;

use crate::error::StoreError;
use crate::model::TokenHash;
use crate::store::row::{TokenRow, corrupt};

/// A hash as read back.
pub(super) struct Fields(pub(super) HashMap<String, Vec<u8>>);

impl Fields {
    pub(super) fn bytes(&mut self, name: &'static str) -> Result<Vec<u8>, StoreError> {
        self.0.remove(name).ok_or_else(|| corrupt(name))
    }

    pub(super) fn text(&mut self, name: &'static str) -> Result<String, StoreError> {
        String::from_utf8(self.bytes(name)?).map_err(|_| corrupt(name))
    }

    pub(super) fn optional_text(
        &mut self,
        name: &'static str,
    ) -> Result<Option<String>, StoreError> {
        if self.0.contains_key(name) {
            self.text(name).map(Some)
        } else {
            Ok(None)
        }
    }

    pub(super) fn int(&mut self, name: &'static str) -> Result<i64, StoreError> {
        self.text(name)?.parse().map_err(|_| corrupt(name))
    }

    pub(super) fn token_row(&mut self, token_hash: &TokenHash) -> Result<TokenRow, StoreError> {
        Ok(TokenRow {
            token_hash: token_hash.as_bytes().to_vec(),
            grant_id: self.bytes("grant_id")?,
            client_id: self.text("client_id")?,
            subject: self.optional_text("subject")?,
            scope: self.text("scope")?,
            expires_at: if self.0.contains_key("expires_at") {
                Some(self.int("expires_at")?)
            } else {
                None
            },
            extras: self.optional_text("extras")?,
        })
    }
}
