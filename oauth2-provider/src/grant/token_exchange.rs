//! Token exchange (RFC 8693) over the provider's own tokens: a client presents an access or
//! refresh token this server issued (`subject_token`) and gets an access token for the same
//! subject, for part of that token's audience and scope, with the acting party (`actor_token`)
//! recorded as `act`. Served as an extension grant (RFC 6749 §8.3) whose handler is
//! [`exchange`]:
//!
//! ```
//! # use oauth2_provider::grant::{Grant, TokenRequest};
//! # use oauth2_provider::provider::{ClientOf, Provider, ScopeOf};
//! # use oauth2_provider::OAuthError;
//! use oauth2_provider::grant::token_exchange;
//!
//! /// What an `#[grant("urn:ietf:params:oauth:grant-type:token-exchange")]` method returns.
//! async fn exchange<P: Provider>(provider: &P, request: &TokenRequest<'_>, client: &ClientOf<P>)
//!     -> Result<Grant<ScopeOf<P>>, OAuthError>
//! {
//!     let exchange = token_exchange::Exchange::parse(request)?;
//!     token_exchange::exchange(provider, &exchange, client).await
//! }
//! ```
//!
//! A subject token carrying `may_act` (RFC 8693 §4.4) is exchanged only by that party: the
//! actor token's subject, or without one the requesting client. An actor acting on a token
//! that already has an `act` nests it (§4.1). The application's own policy sees both tokens
//! through [`exchange_with`]:
//!
//! ```
//! # use oauth2_provider::grant::{Grant, TokenRequest};
//! # use oauth2_provider::provider::{ClientOf, Provider, ScopeOf};
//! # use oauth2_provider::{ErrorCode, OAuthError};
//! use oauth2_provider::grant::token_exchange::{self, Exchange};
//!
//! async fn exchange<P: Provider>(provider: &P, request: &TokenRequest<'_>, client: &ClientOf<P>)
//!     -> Result<Grant<ScopeOf<P>>, OAuthError>
//! {
//!     let exchange = Exchange::parse(request)?;
//!     token_exchange::exchange_with(provider, &exchange, client, |subject, actor| {
//!         // Only people's tokens, and only with an actor.
//!         match (&subject.subject, actor) {
//!             (Some(_), Some(_)) => Ok(()),
//!             _ => Err(OAuthError::new(ErrorCode::InvalidRequest, "delegation only")),
//!         }
//!     })
//!     .await
//! }
//! ```

use std::time::SystemTime;

use serde_json::json;

use super::{Grant, TokenRequest};
use crate::error::OAuthError;
use crate::model::{Extras, OAuthClient, TokenHash, TokenKind, TokenModel};
use crate::provider::{ClientOf, Provider, ScopeOf};
use crate::scope::Scopes;
use crate::store::TokenStore;

/// The `grant_type` (RFC 8693 §2.1).
pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
/// `urn:ietf:params:oauth:token-type:access_token` (§3).
pub const ACCESS_TOKEN: &str = "urn:ietf:params:oauth:token-type:access_token";
/// `urn:ietf:params:oauth:token-type:refresh_token` (§3).
pub const REFRESH_TOKEN: &str = "urn:ietf:params:oauth:token-type:refresh_token";

/// A token exchange request (§2.1), parsed.
#[derive(Debug)]
pub struct Exchange<'a> {
    /// The token being exchanged, and its type.
    pub subject: (&'a str, &'a str),
    /// The acting party's token and its type, if it acts for the subject (§1.1 delegation).
    pub actor: Option<(&'a str, &'a str)>,
    /// The `resource` and `audience` values: where the new token is to be used.
    pub targets: Vec<&'a str>,
    /// The `scope` asked for, as sent.
    pub scope: Option<&'a str>,
}

fn invalid_request(description: &'static str) -> OAuthError {
    OAuthError::invalid_request(description)
}

impl<'a> Exchange<'a> {
    /// Reads §2.1's parameters. Only tokens of this server can be exchanged, so a token type
    /// other than access or refresh token, or a `requested_token_type` other than an access
    /// token, is `invalid_request` (§2.2.2).
    pub fn parse(request: &TokenRequest<'a>) -> Result<Self, OAuthError> {
        let known = |kind: &str| kind == ACCESS_TOKEN || kind == REFRESH_TOKEN;
        let subject = (
            request.required("subject_token")?,
            request.required("subject_token_type")?,
        );
        if !known(subject.1) {
            return Err(invalid_request("the subject_token_type is not supported"));
        }
        let actor = match (
            request.param("actor_token"),
            request.param("actor_token_type"),
        ) {
            (Some(token), Some(kind)) if known(kind) => Some((token, kind)),
            (None, None) => None,
            (Some(_), Some(_)) => {
                return Err(invalid_request("the actor_token_type is not supported"));
            }
            _ => {
                return Err(invalid_request(
                    "actor_token and actor_token_type go together",
                ));
            }
        };
        if request
            .param("requested_token_type")
            .is_some_and(|kind| kind != ACCESS_TOKEN)
        {
            return Err(invalid_request("only access tokens are issued here"));
        }
        let mut targets: Vec<&str> = request.resources().collect();
        targets.extend(request.params.all("audience"));
        Ok(Exchange {
            subject,
            actor,
            targets,
            scope: request.param("scope"),
        })
    }
}

/// What a presented subject or actor token stands for.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Presented<S> {
    /// The client it was issued to.
    pub client_id: String,
    /// Its resource owner; `None` for a client's own token.
    pub subject: Option<String>,
    /// Its scope.
    pub scope: S,
    /// Its audience (RFC 8707).
    pub audience: Vec<String>,
    /// Its `act`, when it was itself issued by an exchange.
    pub act: Option<serde_json::Value>,
    /// Its `may_act` (§4.4).
    pub may_act: Option<serde_json::Value>,
}

impl<S> Presented<S> {
    /// The `sub` an `act` names this party by: its owner, else its client.
    fn party(&self) -> &str {
        self.subject.as_deref().unwrap_or(&self.client_id)
    }
}

/// The active token of `kind` this provider issued, `None` for any other.
async fn presented<P: Provider>(
    provider: &P,
    (token, kind): (&str, &str),
) -> Result<Option<Presented<ScopeOf<P>>>, OAuthError> {
    let hash = TokenHash::of(token);
    let now = SystemTime::now();
    let store = provider.tokens();
    Ok(if kind == ACCESS_TOKEN {
        store
            .find_access_token(&hash)
            .await?
            .filter(|t| !t.is_expired(now))
            .map(|t| described(t.as_ref()))
    } else {
        store
            .find_refresh_token(&hash)
            .await?
            .filter(|f| !f.consumed && !f.record.is_expired(now))
            .map(|f| described(f.record.as_ref()))
    })
}

fn described<K: TokenKind, T: TokenModel<K>>(token: &T) -> Presented<T::Scope> {
    Presented {
        client_id: token.client_id().to_owned(),
        subject: token.subject().map(str::to_owned),
        scope: token.scope(),
        audience: token.extras().audience().to_vec(),
        act: token.extras().actor().cloned(),
        may_act: token.extras().may_act().cloned(),
    }
}

/// The grant of a token exchange for `client`: the subject token's subject, the scope asked
/// for within its scope, the targets within its audience (else `invalid_scope`,
/// `invalid_target`), the actor as `act`, no refresh token, and `issued_token_type` in the
/// response (§2.2.1).
///
/// Who may exchange: by default the client the subject token was issued to, or a resource
/// server (`OAuthClient::is_resource_server`), which receives tokens issued to others; an
/// unknown, expired, revoked or foreign token is `invalid_grant`. The owner must still be
/// active (`owner_active`).
pub async fn exchange<P: Provider>(
    provider: &P,
    exchange: &Exchange<'_>,
    client: &ClientOf<P>,
) -> Result<Grant<ScopeOf<P>>, OAuthError> {
    exchange_with(provider, exchange, client, |_, _| Ok(())).await
}

/// [`exchange`], with the application's `policy` asked once both tokens are known to be
/// valid, before anything is issued; its error is the answer.
pub async fn exchange_with<P: Provider>(
    provider: &P,
    exchange: &Exchange<'_>,
    client: &ClientOf<P>,
    policy: impl FnOnce(
        &Presented<ScopeOf<P>>,
        Option<&Presented<ScopeOf<P>>>,
    ) -> Result<(), OAuthError>,
) -> Result<Grant<ScopeOf<P>>, OAuthError> {
    let unusable = || OAuthError::invalid_grant("the subject token is invalid");
    let subject = presented(provider, exchange.subject)
        .await?
        .ok_or_else(unusable)?;
    if subject.client_id != client.client_id() && !client.is_resource_server() {
        return Err(unusable());
    }
    if let Some(owner) = &subject.subject
        && !provider.owner_active(owner).await?
    {
        return Err(unusable());
    }
    let scope = match exchange.scope {
        None => subject.scope,
        Some(asked) => {
            let asked = ScopeOf::<P>::parse(asked).map_err(|_| {
                OAuthError::invalid_scope("the requested scope is unknown or malformed")
            })?;
            if !subject.scope.contains(asked) {
                return Err(OAuthError::invalid_scope(
                    "the requested scope exceeds the subject token's",
                ));
            }
            asked
        }
    };
    let audience = narrowed(&subject.audience, &exchange.targets)?;
    let mut extras = Extras::default();
    if !audience.is_empty() {
        extras = extras.with_audience(audience);
    }
    let actor = match exchange.actor {
        Some(actor) => Some(
            presented(provider, actor)
                .await?
                .ok_or(OAuthError::invalid_grant("the actor token is invalid"))?,
        ),
        None => None,
    };
    check_may_act(&subject, actor.as_ref(), client.client_id())?;
    policy(&subject, actor.as_ref())?;
    if let Some(actor) = &actor {
        let mut act = json!({ "sub": actor.party() });
        if let Some(earlier) = &subject.act {
            act["act"] = earlier.clone();
        }
        extras = extras.with_actor(act);
    }
    let grant = match subject.subject {
        Some(owner) => Grant::for_owner(owner, scope),
        None => Grant::for_client(scope),
    };
    Ok(grant
        .without_refresh_token()
        .with_extras(extras)
        .with_response_member("issued_token_type", ACCESS_TOKEN))
}

/// §4.4: a subject token with `may_act` goes only to the party it names by `sub`: the
/// actor, or the requesting client when there is none.
fn check_may_act<S>(
    subject: &Presented<S>,
    actor: Option<&Presented<S>>,
    client_id: &str,
) -> Result<(), OAuthError> {
    let Some(may_act) = &subject.may_act else {
        return Ok(());
    };
    let party = actor.map_or(client_id, Presented::party);
    if may_act.get("sub").and_then(|s| s.as_str()) == Some(party) {
        Ok(())
    } else {
        Err(OAuthError::invalid_grant(
            "the subject token does not allow this party to act for it",
        ))
    }
}

/// The targets within `audience`, as the audience names them; all of it when none are asked.
/// A token without an audience is left to the grant table's resource check (RFC 8707), which
/// names the provider's resource servers.
fn narrowed(audience: &[String], targets: &[&str]) -> Result<Vec<String>, OAuthError> {
    match (audience.is_empty(), targets.is_empty()) {
        (_, true) => Ok(audience.to_vec()),
        (true, false) => Ok(Vec::new()),
        (false, false) => super::resource::within(audience, targets),
    }
}
