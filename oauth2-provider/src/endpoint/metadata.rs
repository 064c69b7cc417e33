//! Authorization server metadata (RFC 8414), advertising exactly what is accepted; with
//! OpenID Connect, the same document is also the provider configuration (Discovery §3, §4),
//! with its members.

use bytes::Bytes;
use http::{Response, StatusCode};
use serde::Serialize;
use url::Url;

use super::{Server, response};
use crate::config::Config;
use crate::error::{ErrorCode, OAuthError};
use crate::grant::{GrantType, is_on};
use crate::model::AuthMethod;
use crate::model::STANDARD_CLAIMS;
use crate::oidc;
use crate::provider::{Provider, ScopeOf};
use crate::scope::Scopes;

/// The well-known paths of a configuration, worked out once: a router asks on every request.
pub(super) struct WellKnown {
    pub metadata: Option<String>,
    pub openid: Option<String>,
}

impl WellKnown {
    pub(super) fn of(config: &Config) -> Self {
        let issuer_path = config
            .issuer
            .as_deref()
            .and_then(|issuer| Url::parse(issuer).ok())
            .map(|issuer| issuer.path().trim_end_matches('/').to_owned());
        WellKnown {
            metadata: issuer_path
                .as_ref()
                .map(|path| format!("/.well-known/oauth-authorization-server{path}")),
            openid: issuer_path
                .filter(|_| oidc::enabled(config))
                .map(|path| format!("{path}/.well-known/openid-configuration")),
        }
    }
}

#[derive(Serialize)]
struct Metadata<'a> {
    issuer: &'a str,
    authorization_endpoint: String,
    token_endpoint: String,
    revocation_endpoint: String,
    introspection_endpoint: String,
    scopes_supported: Vec<&'static str>,
    response_types_supported: Vec<&'static str>,
    response_modes_supported: Vec<&'static str>,
    grant_types_supported: Vec<&'static str>,
    token_endpoint_auth_methods_supported: Vec<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    token_endpoint_auth_signing_alg_values_supported: Vec<&'static str>,
    revocation_endpoint_auth_methods_supported: Vec<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    revocation_endpoint_auth_signing_alg_values_supported: Vec<&'static str>,
    introspection_endpoint_auth_methods_supported: Vec<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    introspection_endpoint_auth_signing_alg_values_supported: Vec<&'static str>,
    code_challenge_methods_supported: Vec<&'static str>,
    authorization_response_iss_parameter_supported: bool,
    /// RFC 9728 §4: the resource servers tokens are issued for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    protected_resources: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    registration_endpoint: Option<String>,
    /// RFC 8628 §4: with the device grant served.
    #[serde(skip_serializing_if = "Option::is_none")]
    device_authorization_endpoint: Option<String>,
    /// RFC 9126 §5.
    #[serde(skip_serializing_if = "Option::is_none")]
    pushed_authorization_request_endpoint: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    require_pushed_authorization_requests: bool,
    /// draft-ietf-oauth-client-id-metadata-document §4.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    client_id_metadata_document_supported: bool,
    /// RFC 9449 §5.1: the algorithms DPoP proofs may use (feature `jwt`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    dpop_signing_alg_values_supported: Vec<&'static str>,
    /// draft-ietf-oauth-identity-assertion-authz-grant §6: with ID-JAG issuers trusted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authorization_grant_profiles_supported: Vec<&'static str>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    openid: Option<OpenIdMetadata>,
}

/// Discovery §3's members. `request_parameter_supported` and `request_uri_parameter_supported`
/// are sent although false: an absent `request_uri_parameter_supported` means `true`.
#[derive(Serialize)]
struct OpenIdMetadata {
    userinfo_endpoint: String,
    jwks_uri: String,
    subject_types_supported: [&'static str; 1],
    id_token_signing_alg_values_supported: [&'static str; 1],
    claims_supported: Vec<&'static str>,
    claim_types_supported: [&'static str; 1],
    prompt_values_supported: [&'static str; 4],
    display_values_supported: [&'static str; 4],
    claims_parameter_supported: bool,
    request_parameter_supported: bool,
    request_uri_parameter_supported: bool,
}

/// The JWT methods on, and their algorithms (feature `jwt`).
#[cfg_attr(not(feature = "jwt"), allow(unused_variables))]
fn assertion_methods(config: &Config) -> (Vec<&'static str>, Vec<&'static str>) {
    #[cfg(feature = "jwt")]
    return (
        config.client_assertions.methods(),
        config.client_assertions.signing_algorithms(),
    );
    #[cfg(not(feature = "jwt"))]
    return (Vec::new(), Vec::new());
}

impl<P: Provider> Server<P> {
    /// The path the metadata document is served at: `/.well-known/oauth-authorization-server`
    /// followed by the issuer's path, if any (RFC 8414 §3.1). `None` without an issuer.
    pub fn metadata_path(&self) -> Option<String> {
        self.well_known.metadata.clone()
    }

    /// The path of the OpenID Connect provider configuration: the issuer's path followed by
    /// `/.well-known/openid-configuration` (Discovery §4.1). `None` without OpenID Connect.
    pub fn openid_configuration_path(&self) -> Option<String> {
        self.well_known.openid.clone()
    }

    /// The metadata document. `404` when no issuer is configured: metadata without an issuer
    /// identifier would be invalid (RFC 8414 §2).
    pub fn metadata(&self) -> Response<Bytes> {
        let config = self.provider.config();
        let Some(issuer) = config.issuer.as_deref() else {
            return response::error_with_status(
                &OAuthError::invalid_request("no issuer is configured"),
                StatusCode::NOT_FOUND,
            );
        };
        let Ok(base) = Url::parse(issuer) else {
            return response::error(&OAuthError::new(
                ErrorCode::ServerError,
                "the issuer is not a URL",
            ));
        };
        let endpoint = |path: &str| base.join(path).map(String::from).unwrap_or_default();
        let provider = &self.provider;
        let mut response_types = Vec::new();
        if is_on(provider, GrantType::AuthorizationCode) {
            response_types.push("code");
        }
        if is_on(provider, GrantType::Implicit) {
            response_types.push("token");
        }
        let mut response_modes = vec!["query"];
        if is_on(provider, GrantType::Implicit) {
            response_modes.push("fragment");
        }
        let grant_types = provider
            .grant_types()
            .iter()
            .filter(|g| is_on(provider, **g))
            .map(|g| g.as_str())
            .collect();
        let (jwt_methods, jwt_algs) = assertion_methods(config);
        let secret =
            [AuthMethod::ClientSecretBasic, AuthMethod::ClientSecretPost].map(AuthMethod::as_str);
        let confidential = [&secret[..], &jwt_methods].concat();
        let all = [&secret[..], &[AuthMethod::None.as_str()], &jwt_methods].concat();
        let mut pkce = vec!["S256"];
        if config.allow_plain_pkce {
            pkce.push("plain");
        }
        response::json(
            StatusCode::OK,
            &Metadata {
                issuer,
                authorization_endpoint: endpoint(&config.paths.authorize),
                token_endpoint: endpoint(&config.paths.token),
                revocation_endpoint: endpoint(&config.paths.revoke),
                introspection_endpoint: endpoint(&config.paths.introspect),
                scopes_supported: ScopeOf::<P>::all().names().collect(),
                response_types_supported: response_types,
                response_modes_supported: response_modes,
                grant_types_supported: grant_types,
                token_endpoint_auth_methods_supported: all.clone(),
                token_endpoint_auth_signing_alg_values_supported: jwt_algs.clone(),
                revocation_endpoint_auth_methods_supported: all,
                revocation_endpoint_auth_signing_alg_values_supported: jwt_algs.clone(),
                introspection_endpoint_auth_methods_supported: confidential,
                introspection_endpoint_auth_signing_alg_values_supported: jwt_algs,
                code_challenge_methods_supported: pkce,
                authorization_response_iss_parameter_supported: true,
                protected_resources: provider
                    .resources()
                    .map(|servers| servers.iter().map(|s| s.uri()).collect())
                    .unwrap_or_default(),
                registration_endpoint: super::registration::endpoint_url(config),
                pushed_authorization_request_endpoint: self.par_path().map(endpoint),
                require_pushed_authorization_requests: config.require_par
                    && self.par_path().is_some(),
                device_authorization_endpoint: self.device_path().map(endpoint),
                #[cfg(feature = "cimd")]
                client_id_metadata_document_supported: config.client_id_documents.is_some(),
                #[cfg(not(feature = "cimd"))]
                client_id_metadata_document_supported: false,
                #[cfg(feature = "jwt")]
                dpop_signing_alg_values_supported: config
                    .dpop
                    .algorithms()
                    .iter()
                    .map(|alg| alg.as_str())
                    .collect(),
                #[cfg(not(feature = "jwt"))]
                dpop_signing_alg_values_supported: Vec::new(),
                authorization_grant_profiles_supported: grant_profiles(provider),
                openid: openid_metadata::<ScopeOf<P>>(config, &endpoint),
            },
        )
    }
}

/// The assertion profiles of the JWT-bearer grant, when it is served.
fn grant_profiles<P: Provider>(provider: &P) -> Vec<&'static str> {
    #[cfg(feature = "jwt")]
    {
        use crate::grant::jwt_bearer::{GRANT_TYPE, ID_JAG_PROFILE, Profile};
        let served = is_on(provider, GrantType::Extension(GRANT_TYPE));
        if served
            && provider
                .config()
                .trusted_issuers
                .has_profile(Profile::IdJag)
        {
            return vec![ID_JAG_PROFILE];
        }
    }
    let _ = provider;
    Vec::new()
}

/// The OpenID Connect members, when it is on. The claims listed are `sub` and those of the
/// §5.4 scopes the provider declares.
fn openid_metadata<S: Scopes>(
    config: &Config,
    endpoint: &impl Fn(&str) -> String,
) -> Option<OpenIdMetadata> {
    #[cfg(feature = "jwt")]
    let alg = config.openid.as_ref()?.id_token_alg.as_str();
    #[cfg(not(feature = "jwt"))]
    let alg = "RS256";
    if !oidc::enabled(config) {
        return None;
    }
    let mut claims = vec![
        "sub",
        "iss",
        "aud",
        "exp",
        "iat",
        "auth_time",
        "nonce",
        "acr",
        "amr",
    ];
    for (scope, names) in STANDARD_CLAIMS {
        if oidc::scope_named::<S>(scope).is_some() {
            claims.extend(names);
        }
    }
    Some(OpenIdMetadata {
        userinfo_endpoint: endpoint(&config.paths.userinfo),
        jwks_uri: endpoint(&config.paths.jwks),
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: [alg],
        claims_supported: claims,
        claim_types_supported: ["normal"],
        prompt_values_supported: ["none", "login", "consent", "select_account"],
        display_values_supported: ["page", "popup", "touch", "wap"],
        claims_parameter_supported: false,
        request_parameter_supported: false,
        request_uri_parameter_supported: false,
    })
}
