//! The extracted bearer token the axum and actix-web adapters share.

use std::ops::Deref;

use crate::endpoint::bearer::BearerRejection;
use crate::provider::{Provider, ScopeOf};
use crate::resource::Validated;

/// The request's valid bearer token, as a framework's extractor gives it: the `Authorization`
/// header validated (any scope), or what a [`BearerLayer`](crate::tower::BearerLayer) on the
/// route validated. Derefs to [`Validated`]; its rejection is the RFC 6750 §3 challenge.
pub struct BearerToken<P: Provider>(pub Validated<P>);

impl<P: Provider> BearerToken<P> {
    /// The token, when it also carries every scope of `scope`; `insufficient_scope` (403,
    /// naming `scope`) otherwise.
    pub fn require(&self, scope: ScopeOf<P>) -> Result<&Validated<P>, BearerRejection> {
        self.0
            .require(scope)
            .map(|()| &self.0)
            .map_err(|error| BearerRejection::refusing(&error, scope))
    }
}

impl<P: Provider> Deref for BearerToken<P> {
    type Target = Validated<P>;

    fn deref(&self) -> &Validated<P> {
        &self.0
    }
}
