//! [`ClientStore`] for [`RedisStore`]: the ready-made [`ClientRecord`], one hash per client.

use std::sync::Arc;

use super::{RedisStore, redis_error};
use crate::error::StoreError;
use crate::model::ClientRecord;
use crate::scope::Scopes;
use crate::store::ClientStore;
use crate::store::row::ClientRow;

impl<S, K, A, R> ClientStore for RedisStore<S, K, A, R>
where
    S: Scopes,
    K: Send + Sync + 'static,
    A: Send + Sync + 'static,
    R: Send + Sync + 'static,
{
    type Client = ClientRecord<S>;

    async fn find_client(&self, client_id: &str) -> Result<Option<Arc<Self::Client>>, StoreError> {
        self.clients
            .find(client_id, || self.read_client(client_id))
            .await
    }

    async fn save_client(&self, client: ClientRecord<S>) -> Result<(), StoreError> {
        let saved = self.write_client(&client).await;
        // Forgotten even on an error: the write may have reached Redis before it.
        self.changed(&client.client_id).await?;
        saved
    }

    async fn delete_client(&self, client_id: &str) -> Result<bool, StoreError> {
        let deleted = self.remove_client(client_id).await;
        self.changed(client_id).await?;
        deleted
    }

    async fn list_clients(&self) -> Result<Vec<Arc<ClientRecord<S>>>, StoreError> {
        let ids: Vec<String> = redis::cmd("SMEMBERS")
            .arg(self.clients_key())
            .query_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        let mut clients = Vec::with_capacity(ids.len());
        for id in ids {
            // A client deleted since SMEMBERS is simply not listed.
            if let Some(client) = self.read_client(&id).await? {
                clients.push(client);
            }
        }
        clients.sort_by(|a, b| a.client_id.cmp(&b.client_id));
        Ok(clients)
    }
}

/// What the cache wraps: the client as Redis has it now.
impl<S: Scopes, K, A, R> RedisStore<S, K, A, R> {
    /// Forgets `client_id` here and tells every node's subscription to. An error means the
    /// others may not know: the caller should save or delete again.
    async fn changed(&self, client_id: &str) -> Result<(), StoreError> {
        self.clients.forget(client_id);
        let _: i64 = redis::cmd("PUBLISH")
            .arg(self.clients_channel())
            .arg(client_id)
            .query_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        Ok(())
    }

    async fn read_client(
        &self,
        client_id: &str,
    ) -> Result<Option<Arc<ClientRecord<S>>>, StoreError> {
        let Some(mut fields) = self.fields(&self.client_key(client_id)).await? else {
            return Ok(None);
        };
        let row = ClientRow {
            client_id: client_id.to_owned(),
            secret_hash: fields.optional_text("secret_hash")?,
            redirect_uris: fields.text("redirect_uris")?,
            grant_types: fields.text("grant_types")?,
            scope: fields.text("scope")?,
            name: fields.text("name")?,
            // A client saved before metadata was kept has none.
            metadata: fields
                .optional_text("metadata")?
                .unwrap_or_else(|| String::from("{}")),
        };
        row.into_record().map(|c| Some(Arc::new(c)))
    }

    async fn write_client(&self, client: &ClientRecord<S>) -> Result<(), StoreError> {
        let row = ClientRow::of(client);
        let key = self.client_key(&row.client_id);
        // The record and the list are in different hash slots (on a cluster, on different
        // nodes): listed first, so a crash between leaves an id without a record, which
        // listing skips, never a client that is found but not listed.
        let _: i64 = redis::cmd("SADD")
            .arg(self.clients_key())
            .arg(&row.client_id)
            .query_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        let mut pipe = redis::pipe();
        // Deleted first so a field the new record lacks (a secret, now public) goes too.
        pipe.atomic().del(&key).ignore();
        pipe.cmd("HSET")
            .arg(&key)
            .arg("redirect_uris")
            .arg(&row.redirect_uris)
            .arg("grant_types")
            .arg(&row.grant_types)
            .arg("scope")
            .arg(&row.scope)
            .arg("name")
            .arg(&row.name)
            .arg("metadata")
            .arg(&row.metadata);
        if let Some(secret_hash) = &row.secret_hash {
            pipe.arg("secret_hash").arg(secret_hash);
        }
        pipe.ignore();
        pipe.query_async::<()>(&mut self.conn.clone())
            .await
            .map_err(redis_error)
    }

    async fn remove_client(&self, client_id: &str) -> Result<bool, StoreError> {
        // The record first, for the reason `write_client` lists it first.
        let deleted: i64 = redis::cmd("DEL")
            .arg(self.client_key(client_id))
            .query_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        let _: i64 = redis::cmd("SREM")
            .arg(self.clients_key())
            .arg(client_id)
            .query_async(&mut self.conn.clone())
            .await
            .map_err(redis_error)?;
        Ok(deleted > 0)
    }
}
