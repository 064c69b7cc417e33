//! What the `consent` hook sees and answers at the authorization endpoint (RFC 6749 §4.1.1,
//! §4.2.1).
//!
//! The hook runs for every request to the endpoint, GET and POST alike. A link, an image or a
//! page on another site can make a signed-in browser send a GET, so a decision is read only
//! from the form POST of the consent page, with a token that page carried (CSRF):
//! [`AuthorizationRequest::form_field`] does both checks.
//!
//! The page posts back to the authorization endpoint with the request's own parameters
//! ([`AuthorizationRequest::params`]) as hidden fields, so the POST is a complete request.
//!
//! ```
//! use http::StatusCode;
//! use oauth2_provider::{AuthorizationRequest, Decision, OAuthClient};
//!
//! /// `csrf` is the session's token, which the consent page put in a hidden `csrf_token`.
//! fn decide<C: OAuthClient>(req: &AuthorizationRequest<'_, C>, user: &str, csrf: &str) -> Decision<C::Scope> {
//!     match req.form_field("decision", csrf) {
//!         Some("allow") => Decision::approve(user, req.scope()),
//!         Some("deny") => Decision::Deny,
//!         // A GET, a forged POST, or no decision yet: show the page (again).
//!         _ => Decision::page(StatusCode::OK, format!(
//!             "<form method=post><input type=hidden name=csrf_token value={csrf}>\
//!              <button name=decision value=allow>Allow</button></form>"
//!         )),
//!     }
//! }
//! //! ```

use std::fmt;

use bytes::Bytes;
use http::request::Parts;
use http::{Method, StatusCode};

use crate::endpoint::response::html_page;
use crate::model::{AuthContext, IntoSubject, OAuthClient};
use crate::oidc::OpenIdRequest;
use crate::params::Params;
use crate::secret::ct_eq;

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
    pub(crate) resources: &'a [String],
    pub(crate) state: Option<&'a str>,
    pub(crate) params: &'a Params<'a>,
    pub(crate) http: &'a Parts,
    pub(crate) openid: Option<&'a OpenIdRequest<'a>>,
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

    /// The resource servers the tokens will be for (RFC 8707): those the `resource`
    /// parameters name, or the default; empty when the provider declares none
    /// ([`Provider::resources`](crate::Provider::resources)). A consent page shows them, and a
    /// remembered approval covers them.
    pub fn resources(&self) -> &'a [String] {
        self.resources
    }

    /// The client's `state`.
    pub fn state(&self) -> Option<&'a str> {
        self.state
    }

    /// What an OpenID Connect authentication request asks beyond OAuth (`prompt`, `max_age`,
    /// hints, locales); `None` for a plain OAuth request. With `prompt=none` no page may be
    /// shown: a [`Decision::Respond`] becomes `interaction_required`, so answer
    /// [`OAuthError::login_required`](crate::OAuthError::login_required) or
    /// [`consent_required`](crate::OAuthError::consent_required) yourself. An approval
    /// must carry the sign-in time ([`Decision::with_auth`]) when `prompt=login` or `max_age`
    /// asks for a fresh one.
    pub fn openid(&self) -> Option<&'a OpenIdRequest<'a>> {
        self.openid
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

    /// `true` for a form POST: what a sign-in or consent page sends back. A GET (a link, an
    /// image, a redirect) is never a decision.
    pub fn is_form_post(&self) -> bool {
        self.http.method == Method::POST
    }

    /// `true` for a form POST whose `csrf_token` field equals `csrf` (compared in constant
    /// time): a form this site's own page sent, not one another site forged (CSRF, RFC 6749
    /// §10.12). `false` for a GET, a POST without the field, or an empty `csrf`.
    pub fn is_own_form_post(&self, csrf: &str) -> bool {
        self.is_form_post()
            && !csrf.is_empty()
            && self
                .params
                .get(CSRF_FIELD)
                .is_some_and(|presented| ct_eq(presented, csrf))
    }

    /// The field `name` of a form POST that [`is_own_form_post`](Self::is_own_form_post);
    /// `None` otherwise. A decision read only through this cannot be forged by a link or by
    /// another site.
    pub fn form_field(&self, name: &str, csrf: &str) -> Option<&'a str> {
        self.is_own_form_post(csrf)
            .then(|| self.params.get(name))
            .flatten()
    }
}

/// The form field [`AuthorizationRequest::form_field`] reads the CSRF token from.
pub const CSRF_FIELD: &str = "csrf_token";

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
        /// How and when the owner signed in: `auth_time`, `acr`, `amr` of the ID token and of
        /// JWT access tokens.
        auth: Option<AuthContext>,
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
            auth: None,
        }
    }

    /// The same approval, by an owner who signed in as `auth` says; no change to another
    /// decision.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use oauth2_provider::Decision;
    /// use oauth2_provider::model::AuthContext;
    ///
    /// let signed_in = AuthContext { auth_time: Some(SystemTime::now()), amr: vec!["pwd".into()], ..Default::default() };
    /// let decision = Decision::approve("alice", ()).with_auth(signed_in);
    /// assert!(matches!(decision, Decision::Approve { auth: Some(_), .. }));
    /// ```
    pub fn with_auth(self, auth: AuthContext) -> Self {
        match self {
            Decision::Approve { subject, scope, .. } => Decision::Approve {
                subject,
                scope,
                auth: Some(auth),
            },
            other => other,
        }
    }

    /// An HTML page (a sign-in or consent page) with the headers such a page needs: no
    /// caching, no framing (clickjacking), no external resources, no referrer.
    /// [`html_page`](crate::endpoint::html_page) builds the same response, for a hook that adds a header (a cookie).
    pub fn page(status: StatusCode, html: impl Into<Bytes>) -> Self {
        Decision::Respond(html_page(status, html))
    }
}

impl<S: fmt::Debug> fmt::Debug for Decision<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Decision::Approve {
                subject,
                scope,
                auth,
            } => f
                .debug_struct("Approve")
                .field("subject", subject)
                .field("scope", scope)
                .field("auth", auth)
                .finish(),
            Decision::Deny => f.write_str("Deny"),
            Decision::Respond(r) => f.debug_tuple("Respond").field(&r.status()).finish(),
        }
    }
}
