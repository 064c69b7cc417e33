//! [`ClientStore`] for [`SqlStore`]: the ready-made [`ClientRecord`] in `oauth_clients`.

use std::sync::Arc;

use super::SqlStore;
use super::dialect::{Cells, Dialect, Value};
use super::stmt::CLIENT_COLUMNS;
use crate::error::StoreError;
use crate::model::ClientRecord;
use crate::scope::Scopes;
use crate::store::ClientStore;
use crate::store::row::ClientRow;

fn client<S: Scopes>(row: Vec<Value>) -> Result<Arc<ClientRecord<S>>, StoreError> {
    let mut cells = Cells::new(row);
    let row = ClientRow {
        client_id: cells.text()?,
        secret_hash: cells.optional_text()?,
        redirect_uris: cells.text()?,
        grant_types: cells.text()?,
        scope: cells.text()?,
        name: cells.text()?,
        metadata: cells.text()?,
    };
    row.into_record().map(Arc::new)
}

impl<D: Dialect, S: Scopes, K, A, R> SqlStore<D, S, K, A, R> {
    /// The client as the database has it now, past the cache.
    async fn read_client(
        &self,
        client_id: &str,
    ) -> Result<Option<Arc<ClientRecord<S>>>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(Self::error)?;
        let params = vec![Value::Text(Some(client_id.to_owned()))];
        let rows = D::fetch(&mut conn, D::STATEMENTS.find_client, params, CLIENT_COLUMNS)
            .await
            .map_err(Self::error)?;
        rows.into_iter().next().map(client).transpose()
    }
}

impl<D, S, K, A, R> ClientStore for SqlStore<D, S, K, A, R>
where
    D: Dialect,
    S: Scopes,
    K: Send + Sync + 'static,
    A: Send + Sync + 'static,
    R: Send + Sync + 'static,
{
    type Client = ClientRecord<S>;

    async fn find_client(&self, client_id: &str) -> Result<Option<Arc<Self::Client>>, StoreError> {
        // PostgreSQL's `text` cannot hold NUL, so no stored id has one: such an id is unknown,
        // not a database error.
        if client_id.contains('\0') {
            return Ok(None);
        }
        self.clients
            .find(client_id, || self.read_client(client_id))
            .await
    }

    async fn save_client(&self, client: ClientRecord<S>) -> Result<(), StoreError> {
        let row = ClientRow::of(&client);
        let params = vec![
            Value::Text(Some(row.client_id)),
            Value::Text(row.secret_hash),
            Value::Text(Some(row.redirect_uris)),
            Value::Text(Some(row.grant_types)),
            Value::Text(Some(row.scope)),
            Value::Text(Some(row.name)),
            Value::Text(Some(row.metadata)),
        ];
        let mut conn = self.pool.acquire().await.map_err(Self::error)?;
        let saved = D::execute(&mut conn, D::STATEMENTS.save_client, params).await;
        // Forgotten even if the statement failed: it may have committed before the error.
        self.clients.forget(&client.client_id);
        saved.map_err(Self::error)?;
        Ok(())
    }

    async fn delete_client(&self, client_id: &str) -> Result<bool, StoreError> {
        if client_id.contains('\0') {
            return Ok(false);
        }
        let mut conn = self.pool.acquire().await.map_err(Self::error)?;
        let params = vec![Value::Text(Some(client_id.to_owned()))];
        let deleted = D::execute(&mut conn, D::STATEMENTS.delete_client, params).await;
        self.clients.forget(client_id);
        Ok(deleted.map_err(Self::error)? > 0)
    }

    async fn list_clients(&self) -> Result<Vec<Arc<ClientRecord<S>>>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(Self::error)?;
        let rows = D::fetch(
            &mut conn,
            D::STATEMENTS.list_clients,
            Vec::new(),
            CLIENT_COLUMNS,
        )
        .await
        .map_err(Self::error)?;
        let mut clients = rows
            .into_iter()
            .map(client)
            .collect::<Result<Vec<_>, _>>()?;
        // Byte order, as every store lists: SQL `ORDER BY` would follow the database's
        // collation, which differs between backends and locales.
        clients.sort_by(|a, b| a.client_id.cmp(&b.client_id));
        Ok(clients)
    }
}
