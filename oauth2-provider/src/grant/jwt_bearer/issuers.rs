//! The issuers whose assertions the JWT-bearer grant accepts (RFC 7523 §3: "the JWT MUST
//! contain an `iss` claim ... the authorization server MUST reject" any it does not trust),
//! each declared with its keys, algorithms, clients, lifetime and profiles.

use std::time::Duration;

use crate::jose::{Algorithm, PublicKeys};

/// How an issuer's assertions are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Profile {
    /// A plain RFC 7523 §2.1 assertion: `typ` absent or `JWT`; the scope is the request's.
    JwtBearer,
    /// An Identity Assertion JWT Authorization Grant (draft-ietf-oauth-identity-assertion-authz-grant,
    /// MCP's Enterprise-Managed Authorization): `typ` is `oauth-id-jag+jwt`, the `client_id`
    /// claim names the client, the `scope` and `resource` claims bound what is issued.
    IdJag,
}

/// One trusted issuer: its `iss`, the keys its assertions verify with, and what it may vouch
/// for. Made with [`new`](Self::new) (a plain RFC 7523 issuer) and narrowed by its methods.
///
/// Defaults: `RS256`, `PS256`, `ES256` and `EdDSA` (every asymmetric algorithm
/// [`Algorithm`] has; a MAC or `none` can never be named); any client may present its
/// assertions; an assertion lives at most 5 minutes (`exp` no later than 5 minutes after
/// `iat`, or after now when there is no `iat`), which covers what identity providers mint for
/// this grant while keeping a stolen assertion's window, and the replay cache, short.
///
/// ```
/// use std::time::Duration;
/// use oauth2_provider::grant::jwt_bearer::{Profile, TrustedIssuer};
/// use oauth2_provider::jose::{Algorithm, PublicKeys};
///
/// # let jwks = serde_json::json!({"keys": []});
/// let keys = PublicKeys::from_jwks(&jwks)?; // the issuer's JWK Set, as configured
/// let idp = TrustedIssuer::new("https://idp.example.com", keys)
///     .profiles(&[Profile::IdJag])
///     .algorithms(&[Algorithm::ES256])
///     .clients(["mcp-client"])
///     .max_lifetime(Duration::from_secs(120));
/// assert!(idp.allows_client("mcp-client") && !idp.allows_client("other"));
/// assert!(idp.has_profile(Profile::IdJag) && !idp.has_profile(Profile::JwtBearer));
/// # Ok::<(), oauth2_provider::jose::KeyError>(())
/// ```
#[derive(Clone, Debug)]
pub struct TrustedIssuer {
    iss: String,
    keys: PublicKeys,
    algorithms: Vec<Algorithm>,
    clients: Option<Vec<String>>,
    max_lifetime: Duration,
    profiles: Vec<Profile>,
}

/// The default [`TrustedIssuer::max_lifetime`]: 5 minutes.
pub const DEFAULT_MAX_LIFETIME: Duration = Duration::from_secs(300);

impl TrustedIssuer {
    /// The issuer `iss` (compared exactly with the assertion's `iss`), whose assertions verify
    /// with `keys`, as a plain RFC 7523 issuer.
    pub fn new(iss: impl Into<String>, keys: PublicKeys) -> Self {
        TrustedIssuer {
            iss: iss.into(),
            keys,
            algorithms: Algorithm::ALL.to_vec(),
            clients: None,
            max_lifetime: DEFAULT_MAX_LIFETIME,
            profiles: vec![Profile::JwtBearer],
        }
    }

    /// The profiles its assertions are read as. With both, the header's `typ` decides:
    /// `oauth-id-jag+jwt` is an ID-JAG, anything else a plain assertion.
    pub fn profiles(mut self, profiles: &[Profile]) -> Self {
        self.profiles = profiles.to_vec();
        self
    }

    /// The algorithms its assertions may be signed with.
    pub fn algorithms(mut self, algorithms: &[Algorithm]) -> Self {
        self.algorithms = algorithms.to_vec();
        self
    }

    /// Only these clients may present its assertions; by default every client that may use
    /// the grant.
    pub fn clients<I>(mut self, clients: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.clients = Some(clients.into_iter().map(Into::into).collect());
        self
    }

    /// The longest an assertion may be valid for: `exp - iat`, or `exp - now` without `iat`.
    pub fn max_lifetime(mut self, lifetime: Duration) -> Self {
        self.max_lifetime = lifetime;
        self
    }

    /// Its `iss`.
    pub fn iss(&self) -> &str {
        &self.iss
    }

    /// The keys its assertions verify with.
    pub fn keys(&self) -> &PublicKeys {
        &self.keys
    }

    /// The algorithms its assertions may use.
    pub fn allowed_algorithms(&self) -> &[Algorithm] {
        &self.algorithms
    }

    /// `true` when `client_id` may present its assertions.
    pub fn allows_client(&self, client_id: &str) -> bool {
        self.clients
            .as_ref()
            .is_none_or(|ids| ids.iter().any(|id| id == client_id))
    }

    /// The longest an assertion of it may be valid for.
    pub fn lifetime(&self) -> Duration {
        self.max_lifetime
    }

    /// `true` when its assertions may be read as `profile`.
    pub fn has_profile(&self, profile: Profile) -> bool {
        self.profiles.contains(&profile)
    }
}

/// The issuers the JWT-bearer grant trusts: [`Config::trusted_issuers`](crate::config::Config::trusted_issuers).
/// Empty by default, which refuses every assertion.
///
/// Assertions are for this provider when their `aud` names its issuer identifier
/// ([`Config::issuer`](crate::config::Config::issuer)); with
/// [`accept_token_endpoint_audience`](TrustedIssuersBuilder::accept_token_endpoint_audience),
/// the token endpoint's URL is accepted too, for issuers that predate
/// draft-ietf-oauth-rfc7523bis (which names the issuer alone, against audience injection).
///
/// ```
/// use oauth2_provider::grant::jwt_bearer::{Profile, TrustedIssuer, TrustedIssuers};
/// use oauth2_provider::jose::PublicKeys;
///
/// # use oauth2_provider::jose::{Algorithm, KeySet, RotationPolicy};
/// # let now = std::time::SystemTime::now();
/// # let mut idp = KeySet::new();
/// # idp.rotate(Algorithm::ES256, now, &RotationPolicy::new())?;
/// # let (idp_jwks, ci_jwks) = (idp.jwks(now), idp.jwks(now));
/// // Each issuer's published JWK Set, as configured.
/// let issuers = TrustedIssuers::builder()
///     .issuer(TrustedIssuer::new("https://idp.example.com", PublicKeys::from_jwks(&idp_jwks)?)
///         .profiles(&[Profile::IdJag]))
///     .issuer(TrustedIssuer::new("https://ci.example.com", PublicKeys::from_jwks(&ci_jwks)?))
///     .build()?;
/// assert!(issuers.find("https://ci.example.com").is_some());
/// assert!(issuers.find("https://ci.example.com/").is_none());
/// assert!(issuers.has_profile(Profile::IdJag));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct TrustedIssuers {
    issuers: Vec<TrustedIssuer>,
    token_endpoint_audience: bool,
}

/// Why the trusted issuers could not be declared.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrustError {
    /// An issuer with an empty `iss`.
    #[error("a trusted issuer needs a non-empty iss")]
    EmptyIssuer,
    /// Declared twice.
    #[error("the issuer {0:?} is declared twice")]
    Duplicate(String),
    /// An issuer with no key, no algorithm or no profile: nothing of it could ever verify.
    #[error("the issuer {0:?} has no key, no algorithm or no profile")]
    Unusable(String),
}

impl TrustedIssuers {
    /// Declares them, one [`issuer`](TrustedIssuersBuilder::issuer) at a time.
    pub fn builder() -> TrustedIssuersBuilder {
        TrustedIssuersBuilder {
            issuers: Ok(TrustedIssuers::default()),
        }
    }

    /// The issuer whose `iss` is exactly `iss`.
    pub fn find(&self, iss: &str) -> Option<&TrustedIssuer> {
        self.issuers.iter().find(|issuer| issuer.iss == iss)
    }

    /// Every issuer, in the order declared.
    pub fn iter(&self) -> impl Iterator<Item = &TrustedIssuer> {
        self.issuers.iter()
    }

    /// `true` when none is declared.
    pub fn is_empty(&self) -> bool {
        self.issuers.is_empty()
    }

    /// `true` when some issuer's assertions may be read as `profile`: what the metadata's
    /// `authorization_grant_profiles_supported` says for [`Profile::IdJag`].
    pub fn has_profile(&self, profile: Profile) -> bool {
        self.issuers
            .iter()
            .any(|issuer| issuer.has_profile(profile))
    }

    /// `true` when an `aud` of the token endpoint's URL is accepted beside the issuer.
    pub fn accepts_token_endpoint_audience(&self) -> bool {
        self.token_endpoint_audience
    }
}

/// Declares [`TrustedIssuers`]; the first mistake is kept and returned by
/// [`build`](Self::build).
#[derive(Clone, Debug)]
#[must_use = "call build() to get the TrustedIssuers"]
pub struct TrustedIssuersBuilder {
    issuers: Result<TrustedIssuers, TrustError>,
}

impl TrustedIssuersBuilder {
    /// Trusts `issuer`.
    pub fn issuer(mut self, issuer: TrustedIssuer) -> Self {
        if let Ok(issuers) = &mut self.issuers {
            if issuer.iss.is_empty() {
                self.issuers = Err(TrustError::EmptyIssuer);
            } else if issuers.find(&issuer.iss).is_some() {
                self.issuers = Err(TrustError::Duplicate(issuer.iss));
            } else if issuer.keys.is_empty()
                || issuer.algorithms.is_empty()
                || issuer.profiles.is_empty()
            {
                self.issuers = Err(TrustError::Unusable(issuer.iss));
            } else {
                issuers.issuers.push(issuer);
            }
        }
        self
    }

    /// Accepts an assertion whose `aud` is the token endpoint's URL, beside one whose `aud`
    /// is the issuer identifier (RFC 7523 §3 allows either; the compat mode of
    /// draft-ietf-oauth-rfc7523bis). Default: off.
    pub fn accept_token_endpoint_audience(mut self, accept: bool) -> Self {
        if let Ok(issuers) = &mut self.issuers {
            issuers.token_endpoint_audience = accept;
        }
        self
    }

    /// The declaration, or its first mistake.
    pub fn build(self) -> Result<TrustedIssuers, TrustError> {
        self.issuers
    }
}
