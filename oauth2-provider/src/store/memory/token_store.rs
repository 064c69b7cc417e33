//! [`TokenStore`] over the packed tables: every change to a grant family under its lock.

use std::sync::Arc;
use std::time::SystemTime;

use dashmap::mapref::entry::Entry;

use super::table::Record;
use super::{Consumable, MemoryStore};
use crate::error::StoreError;
use crate::model::{
    AccessToken, AuthorizationCode, GrantId, OAuthClient, RefreshToken, TokenHash, TokenKind,
    TokenModel,
};
use crate::store::{Exchange, Stored, TokenStore};

impl<C, K, A, R> MemoryStore<C, K, A, R>
where
    C: OAuthClient,
    A: AccessToken<Scope = C::Scope>,
    R: RefreshToken<Scope = C::Scope>,
{
    /// Inserts tokens into a family the caller holds locked.
    fn insert_locked(&self, access: A, refresh: Option<R>) -> Result<(), StoreError> {
        let context = self
            .contexts
            .intern(access.client_id(), access.subject(), access.extras());
        if let Some(refresh) = refresh {
            // An access and refresh token issued together nearly always share their context.
            let shared = context.is(refresh.client_id(), refresh.subject(), refresh.extras());
            let context = if shared {
                Arc::clone(&context)
            } else {
                self.contexts
                    .intern(refresh.client_id(), refresh.subject(), refresh.extras())
            };
            self.refresh.insert(record(&refresh, context))?;
        }
        self.access.insert(record(&access, context))
    }
}

/// The packed form of a token record, with its interned context.
fn record<Kind: TokenKind, T: TokenModel<Kind>>(
    token: &T,
    context: Arc<super::context::Context>,
) -> Record<T::Scope> {
    Record::new(
        token.token_hash(),
        token.grant_id(),
        token.expires_at(),
        context,
        token.scope(),
    )
}

impl<C, K, A, R> TokenStore for MemoryStore<C, K, A, R>
where
    C: OAuthClient,
    K: AuthorizationCode<Scope = C::Scope>,
    A: AccessToken<Scope = C::Scope>,
    R: RefreshToken<Scope = C::Scope>,
{
    type Scope = C::Scope;
    type Code = K;
    type AccessToken = A;
    type RefreshToken = R;

    async fn insert_code(&self, code: K) -> Result<(), StoreError> {
        let hash = *code.code_hash();
        let grant_id = code.grant_id();
        let _family = self.families.lock(&grant_id);
        self.code_of.insert(grant_id, hash);
        self.codes.insert(
            hash,
            Consumable {
                record: Arc::new(code),
                used: false,
            },
        );
        Ok(())
    }

    async fn find_code(&self, code_hash: &TokenHash) -> Result<Option<Arc<K>>, StoreError> {
        Ok(self.codes.get(code_hash).map(|e| Arc::clone(&e.record)))
    }

    async fn exchange_code(
        &self,
        code_hash: &TokenHash,
        access: A,
        refresh: Option<R>,
    ) -> Result<Exchange, StoreError> {
        let Some(grant_id) = self.codes.get(code_hash).map(|e| e.record.grant_id()) else {
            return Ok(Exchange::Missing);
        };
        let _family = self.families.lock(&grant_id);
        {
            // Looked up again under the family's lock: a revocation may have come between.
            let Some(mut code) = self.codes.get_mut(code_hash) else {
                return Ok(Exchange::Missing);
            };
            if code.used {
                return Ok(Exchange::AlreadyUsed);
            }
            code.used = true;
        }
        self.insert_locked(access, refresh)?;
        Ok(Exchange::Done)
    }

    async fn insert_tokens(&self, access: A, refresh: Option<R>) -> Result<(), StoreError> {
        let _family = self.families.lock(&access.grant_id());
        self.insert_locked(access, refresh)
    }

    async fn find_access_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<Arc<A>>, StoreError> {
        Ok(self
            .access
            .find(token_hash)
            .map(|(token, _)| Arc::new(A::new(token))))
    }

    async fn find_refresh_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<Stored<R>>, StoreError> {
        Ok(self.refresh.find(token_hash).map(|(token, used)| Stored {
            record: Arc::new(R::new(token)),
            consumed: used,
        }))
    }

    async fn rotate_refresh_token(
        &self,
        token_hash: &TokenHash,
        access: A,
        refresh: R,
    ) -> Result<Exchange, StoreError> {
        let Some(grant_id) = self.refresh.grant_of(token_hash) else {
            return Ok(Exchange::Missing);
        };
        let _family = self.families.lock(&grant_id);
        match self.refresh.consume(token_hash) {
            Exchange::Done => {}
            other => return Ok(other),
        }
        self.insert_locked(access, Some(refresh))?;
        Ok(Exchange::Done)
    }

    async fn revoke_access_token(&self, token_hash: &TokenHash) -> Result<bool, StoreError> {
        Ok(self.access.remove(token_hash))
    }

    async fn revoke_grant(&self, grant_id: GrantId) -> Result<(), StoreError> {
        let _family = self.families.lock(&grant_id);
        if let Some((_, code)) = self.code_of.remove(&grant_id) {
            self.codes.remove(&code);
        }
        self.access.remove_grant(&grant_id);
        self.refresh.remove_grant(&grant_id);
        Ok(())
    }

    async fn purge_expired(&self, now: SystemTime) -> Result<usize, StoreError> {
        let mut purged = 0;
        self.codes.retain(|_, c| {
            let keep = c.record.expires_at() > now;
            purged += usize::from(!keep);
            keep
        });
        self.code_of.retain(|_, code| self.codes.contains_key(code));
        purged += self.access.purge(now);
        purged += self.refresh.purge(now);
        self.once.retain(|_, until| {
            let keep = *until > now;
            purged += usize::from(!keep);
            keep
        });
        purged += self.state.purge(now);
        self.contexts.sweep();
        Ok(purged)
    }

    async fn remember_once(&self, key: &TokenHash, until: SystemTime) -> Result<bool, StoreError> {
        let now = SystemTime::now();
        Ok(match self.once.entry(*key) {
            Entry::Vacant(entry) => {
                entry.insert(until);
                true
            }
            Entry::Occupied(mut entry) if *entry.get() <= now => {
                entry.insert(until);
                true
            }
            Entry::Occupied(_) => false,
        })
    }
}
