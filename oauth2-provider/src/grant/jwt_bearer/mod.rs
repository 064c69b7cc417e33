//! The JWT-bearer authorization grant (RFC 7523 §2.1, §3; feature `jwt`): a client presents a
//! JWT that a trusted issuer signed about a resource owner (`assertion`) and gets an access
//! token for that owner. With the ID-JAG profile (draft-ietf-oauth-identity-assertion-authz-grant,
//! which MCP's Enterprise-Managed Authorization builds on), the assertion is an enterprise
//! identity provider's approval of one client's access to one resource, with a scope.
//!
//! The issuers are [`Config::trusted_issuers`](crate::config::Config::trusted_issuers). Served
//! as an extension grant (RFC 6749 §8.3) whose handler is [`grant`]:
//!
//! ```
//! # use oauth2_provider::grant::{Grant, TokenRequest};
//! # use oauth2_provider::provider::{ClientOf, Provider, ScopeOf};
//! # use oauth2_provider::OAuthError;
//! use oauth2_provider::grant::jwt_bearer;
//!
//! /// What an `#[grant("urn:ietf:params:oauth:grant-type:jwt-bearer")]` method returns.
//! async fn jwt_bearer<P: Provider>(provider: &P, request: &TokenRequest<'_>, client: &ClientOf<P>)
//!     -> Result<Grant<ScopeOf<P>>, OAuthError>
//! {
//!     let assertion = jwt_bearer::Assertion::parse(request)?;
//!     let grant = jwt_bearer::grant(provider, &assertion, client).await?;
//!     // The assertion's `sub` is the subject as is; an application whose users are named
//!     // otherwise maps it here, as it would allow a refresh token here.
//!     Ok(grant)
//! }
//! ```
//!
//! Every refusal is `invalid_grant` with a short description, except a scope beyond the
//! client's (`invalid_scope`) and an unknown resource (`invalid_target`); a refused request
//! spends nothing, not even the assertion's `jti`.

mod claims;
mod id_jag;
mod issuers;
mod replay;

use std::fmt;
use std::time::{Duration, SystemTime};

use serde::Deserialize;
use url::Url;

pub use issuers::{
    DEFAULT_MAX_LIFETIME, Profile, TrustError, TrustedIssuer, TrustedIssuers, TrustedIssuersBuilder,
};

use self::claims::Claims;
use super::{Grant, TokenRequest};
use crate::error::OAuthError;
use crate::jose::{Expectations, JwtError, verify};
use crate::model::{Extras, OAuthClient};
use crate::provider::{ClientOf, Provider, ScopeOf};

/// The `grant_type` (RFC 7523 §2.1).
pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// The header `typ` of an ID-JAG.
pub const ID_JAG_TYPE: &str = "oauth-id-jag+jwt";
/// The ID-JAG profile's identifier, in the metadata's `authorization_grant_profiles_supported`.
pub const ID_JAG_PROFILE: &str = "urn:ietf:params:oauth:grant-profile:id-jag";

/// The clock skew allowed on `exp`, `nbf` and `iat`.
const LEEWAY: Duration = Duration::from_secs(30);

fn refused(description: &'static str) -> OAuthError {
    OAuthError::invalid_grant(description)
}

/// A JWT-bearer token request (RFC 7523 §2.1), parsed. `Debug` leaves the assertion out: it
/// is a bearer credential until it expires.
pub struct Assertion<'a> {
    /// The JWT, as sent.
    pub assertion: &'a str,
    /// The `scope` asked for, as sent.
    pub scope: Option<&'a str>,
    /// The `resource` parameters (RFC 8707): for an ID-JAG, a narrowing of its `resource`.
    pub resources: Vec<&'a str>,
}

impl<'a> Assertion<'a> {
    /// Reads §2.1's parameters: exactly one `assertion` (a missing one is `invalid_request`,
    /// a repeated one is refused by the token endpoint), an optional `scope`.
    pub fn parse(request: &TokenRequest<'a>) -> Result<Self, OAuthError> {
        Ok(Assertion {
            assertion: request.required("assertion")?,
            scope: request.param("scope"),
            resources: request.resources().collect(),
        })
    }
}

impl fmt::Debug for Assertion<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Assertion")
            .field("scope", &self.scope)
            .field("resources", &self.resources)
            .finish_non_exhaustive()
    }
}

/// The grant of `assertion` for `client`, after RFC 7523 §3's checks: `iss` is a trusted
/// issuer that `client` may present assertions of; the signature verifies with one of its keys
/// and allowed algorithms; `aud` names this provider's issuer identifier (or, in the compat
/// mode, its token endpoint); `exp` has not passed, `nbf` and `iat` are not ahead (30 s of
/// leeway), and the assertion lives no longer than the issuer's maximum; `sub` and `jti` are
/// present, and the `jti` was never used before (it is remembered until `exp`).
///
/// The grant is for the assertion's `sub`, as is, which must be an active owner
/// (`owner_active`), with no refresh token: a client renews by presenting a new assertion.
/// Its scope is the requested `scope` (or the default) within the client's allowed scope.
///
/// For an ID-JAG (header `typ` `oauth-id-jag+jwt`, from an issuer with [`Profile::IdJag`]):
/// `aud` is one value, the `client_id` and `iat` claims are required and `client_id` is the
/// client's; the scope is the intersection of the `scope` claim, the requested `scope` and
/// the client's allowed scope; the audience is the `resource` claim, which must name the
/// provider's resource servers ([`Provider::resources`]). No refresh token either, as the
/// draft advises (§5.2: the identity provider decides how long access lasts, by the
/// assertions it issues).
pub async fn grant<P: Provider>(
    provider: &P,
    assertion: &Assertion<'_>,
    client: &ClientOf<P>,
) -> Result<Grant<ScopeOf<P>>, OAuthError> {
    let config = provider.config();
    let issuers = &config.trusted_issuers;
    let malformed = || refused("the assertion is malformed");
    let peeked = jsonwebtoken::dangerous::insecure_decode::<Peek>(assertion.assertion)
        .map_err(|_| malformed())?;
    let issuer = issuers
        .find(&peeked.claims.iss)
        .ok_or(refused("the assertion's issuer is not trusted"))?;
    if !issuer.allows_client(client.client_id()) {
        return Err(refused(
            "the client may not present this issuer's assertions",
        ));
    }
    let profile = match peeked.header.typ.as_deref() {
        Some(typ) if same_type(typ, ID_JAG_TYPE) => Profile::IdJag,
        None => Profile::JwtBearer,
        Some(typ) if same_type(typ, "JWT") => Profile::JwtBearer,
        Some(_) => return Err(refused("the assertion's type is not accepted")),
    };
    if !issuer.has_profile(profile) {
        return Err(refused("the assertion's type is not accepted"));
    }

    let now = SystemTime::now();
    let mut expect = Expectations::new(issuer.allowed_algorithms())
        .issuer(issuer.iss())
        .any_audience()
        .require("sub")
        .require("jti")
        .leeway(LEEWAY)
        .at(now);
    if profile == Profile::IdJag {
        expect = expect.typ(ID_JAG_TYPE).require("client_id").require("iat");
    }
    let claims: Claims = verify(assertion.assertion, issuer.keys(), &expect).map_err(rejection)?;
    let our_issuer = config
        .issuer
        .as_deref()
        .ok_or(refused("the assertion is not meant for this server"))?;
    let token_endpoint = issuers
        .accepts_token_endpoint_audience()
        .then(|| Url::parse(our_issuer).and_then(|base| base.join(&config.paths.token)))
        .and_then(Result::ok)
        .map(String::from);
    let mut audiences = vec![our_issuer];
    audiences.extend(token_endpoint.as_deref());
    claims.check(issuer, profile, &audiences, now)?;

    let allowed = client.allowed_scope();
    let (scope, audience) = match profile {
        Profile::JwtBearer => (super::resolve_scope(assertion.scope, allowed)?, Vec::new()),
        Profile::IdJag => {
            id_jag::check_client(&claims, client)?;
            let scope = id_jag::scope(claims.scope.as_deref(), assertion.scope, allowed)?;
            let audience =
                id_jag::audience(provider, client, &claims, &assertion.resources, scope)?;
            (scope, audience)
        }
    };
    if !provider.owner_active(&claims.sub).await? {
        return Err(refused("the assertion's subject is not active"));
    }
    replay::spend(
        provider.tokens(),
        issuer.iss(),
        &claims.jti,
        claims.expires_at(),
    )
    .await?;
    let mut extras = Extras::default();
    if !audience.is_empty() {
        extras = extras.with_audience(audience);
    }
    Ok(Grant::for_owner(claims.sub, scope)
        .without_refresh_token()
        .with_extras(extras))
}

/// What is read of an assertion before its issuer, and so its keys, are known. Nothing of it
/// is trusted: it only chooses the keys the signature must verify with.
#[derive(Deserialize)]
struct Peek {
    iss: String,
}

/// A short description of why `jose::verify` refused, naming no key and no library.
fn rejection(err: JwtError) -> OAuthError {
    refused(match err {
        JwtError::Expired => "the assertion has expired",
        JwtError::NotYetValid => "the assertion is not valid yet",
        JwtError::MissingClaim(_) => "the assertion lacks a required claim",
        JwtError::WrongType => "the assertion's type is not accepted",
        JwtError::AlgorithmNotAllowed
        | JwtError::MissingKeyId
        | JwtError::UnknownKey
        | JwtError::KeyAlgorithmMismatch
        | JwtError::InvalidSignature => "the assertion's signature is invalid",
        _ => "the assertion is malformed",
    })
}

/// RFC 7515 §4.1.9: media types compare case-insensitively, `application/` may be left out.
fn same_type(typ: &str, expected: &str) -> bool {
    let bare = |t: &'_ str| -> String {
        let lower = t.to_ascii_lowercase();
        match lower.strip_prefix("application/") {
            Some(rest) => rest.to_owned(),
            None => lower,
        }
    };
    bare(typ) == bare(expected)
}

#[cfg(test)]
mod tests {
    use super::{Assertion, same_type};

    #[test]
    fn debug_leaves_the_assertion_out() {
        let assertion = Assertion {
            assertion: "eyJhbGciOiJFUzI1NiJ9.c2VjcmV0.c2ln",
            scope: Some("read"),
            resources: Vec::new(),
        };
        let shown = format!("{assertion:?}");
        assert!(!shown.contains("eyJ") && shown.contains("read"), "{shown}");
    }

    #[test]
    fn types_compare_as_media_types() {
        assert!(same_type(
            "application/OAuth-ID-JAG+JWT",
            "oauth-id-jag+jwt"
        ));
        assert!(same_type("jwt", "JWT"));
        assert!(!same_type("at+jwt", "JWT"));
    }
}
