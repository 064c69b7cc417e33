//! What the `consent` hook sees and answers at the authorization endpoint (RFC 6749 §4.1.1,
//! §4.2.1).

use std::fmt;

use bytes::Bytes;
use http::request::Parts;

use crate::model::{IntoSubject, OAuthClient};
use crate::params::Params;

/// `response_type` (RFC 6749 §3.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseType {
    /// `code`: the authorization code grant.
    Code,
    /// `token`: the implicit grant.
    Token,
}

impl ResponseType {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseType::Code => "code",
            ResponseType::Token => "token",
        }
    }
}

/// An authorization request that passed every protocol check: known client, registered
/// redirect URI, served response type, allowed scope, PKCE where required.
pub struct AuthorizationRequest<'a, C: OAuthClient> {
    pub(crate) client: &'a C,
    pub(crate) response_type: ResponseType,
    pub(crate) redirect_uri: &'a str,
    pub(crate) scope: C::Scope,
    pub(crate) state: Option<&'a str>,
    pub(crate) params: &'a Params<'a>,
    pub(crate) http: &'a Parts,
}

impl<'a, C: OAuthClient> AuthorizationRequest<'a, C> {
    /// The client asking.
    pub fn client(&self) -> &'a C {
        self.client
    }

    /// `code` or `token`.
    pub fn response_type(&self) -> ResponseType {
        self.response_type
    }

    /// Where the response will go.
    pub fn redirect_uri(&self) -> &'a str {
        self.redirect_uri
    }

    /// The scope requested (or the default), within the client's allowed scope.
    pub fn scope(&self) -> C::Scope {
        self.scope
    }

    /// The client's `state`.
    pub fn state(&self) -> Option<&'a str> {
        self.state
    }

    /// Any parameter of the request, including the application's own (a consent form's
    /// decision, a CSRF token).
    pub fn param(&self, name: &str) -> Option<&'a str> {
        self.params.get(name)
    }

    /// Every parameter of the request, in order: what a login or consent page carries along.
    pub fn params(&self) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.params.iter()
    }

    /// The HTTP request: method, URI, headers (the session cookie).
    pub fn http(&self) -> &'a Parts {
        self.http
    }
}

impl<C: OAuthClient> fmt::Debug for AuthorizationRequest<'_, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationRequest")
            .field("client_id", &self.client.client_id())
            .field("response_type", &self.response_type)
            .field("redirect_uri", &self.redirect_uri)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// The `consent` hook's answer.
pub enum Decision<S> {
    /// The owner approved `scope` (cut to what was requested).
    Approve {
        /// The resource owner's subject.
        subject: String,
        /// The scope approved.
        scope: S,
    },
    /// The owner (or the application) refused: `access_denied` goes back to the client.
    Deny,
    /// Not decided yet: send this response (a login or consent page) to the user agent.
    Respond(http::Response<Bytes>),
}

impl<S> Decision<S> {
    /// Approval by `owner` (`&user`, or its subject).
    pub fn approve(owner: impl IntoSubject, scope: S) -> Self {
        Decision::Approve {
            subject: owner.into_subject(),
            scope,
        }
    }
}

impl<S: fmt::Debug> fmt::Debug for Decision<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Decision::Approve { subject, scope } => f
                .debug_struct("Approve")
                .field("subject", subject)
                .field("scope", scope)
                .finish(),
            Decision::Deny => f.write_str("Deny"),
            Decision::Respond(r) => f.debug_tuple("Respond").field(&r.status()).finish(),
        }
    }
}
