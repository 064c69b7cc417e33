//! RFC 7591 §2 client metadata: parsed from the request's JSON, validated, and turned into the
//! parts of a [`ClientRecord`] that the registrant chooses. Unknown members are ignored and
//! never kept (§2), so nothing the runtime did not check is echoed back.

use serde::Deserialize;
use serde_json::{Map, Value};
use url::{Host, Url};

use crate::error::{ErrorCode, OAuthError};
use crate::model::{AuthMethod, ClientMetadata, ClientRecord};
use crate::redirect_uri::check_registrable;
use crate::scope::Scopes;

/// The members the runtime reads; every other member of the request is dropped.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Requested {
    redirect_uris: Option<Vec<String>>,
    token_endpoint_auth_method: Option<String>,
    grant_types: Option<Vec<String>>,
    response_types: Option<Vec<String>>,
    application_type: Option<String>,
    client_name: Option<String>,
    client_uri: Option<String>,
    logo_uri: Option<String>,
    tos_uri: Option<String>,
    policy_uri: Option<String>,
    contacts: Option<Vec<String>>,
    scope: Option<String>,
    jwks_uri: Option<String>,
    jwks: Option<Map<String, Value>>,
    software_id: Option<String>,
    software_version: Option<String>,
}

pub(crate) const AUTH_METHOD: &str = "token_endpoint_auth_method";

/// The grant types whose flow sends the user agent to a redirect URI.
const REDIRECTING: [&str; 2] = ["authorization_code", "implicit"];

fn metadata_error(description: &'static str) -> OAuthError {
    OAuthError::new(ErrorCode::InvalidClientMetadata, description)
}

fn redirect_error(description: &'static str) -> OAuthError {
    OAuthError::new(ErrorCode::InvalidRedirectUri, description)
}

/// The registration `body` describes, without `client_id`, secret or registration access
/// token, which the runtime adds; `serves` says whether the provider serves a grant type.
pub(crate) fn validate<S: Scopes>(
    body: &Map<String, Value>,
    serves: impl Fn(&str) -> bool,
) -> Result<(ClientRecord<S>, AuthMethod), OAuthError> {
    // A member of the wrong JSON type fails the whole request: nothing is half-read.
    let requested = Requested::deserialize(body)
        .map_err(|_| metadata_error("a client metadata member has the wrong type"))?;
    let auth = auth_method(requested.token_endpoint_auth_method.as_deref())?;
    // §2's defaults, each only where the other member does not say otherwise: a client that
    // registers only `grant_types: ["client_credentials"]` means no response type, not `code`.
    let (grant_types, response_types) = match (requested.grant_types, requested.response_types) {
        (Some(grants), Some(responses)) => (grants, responses),
        (Some(grants), None) => {
            let implied = [("authorization_code", "code"), ("implicit", "token")]
                .into_iter()
                .filter(|(grant, _)| grants.iter().any(|g| g == grant))
                .map(|(_, response)| response.to_owned())
                .collect();
            (grants, implied)
        }
        (None, Some(responses)) => {
            let implied = [("code", "authorization_code"), ("token", "implicit")]
                .into_iter()
                .filter(|(response, _)| responses.iter().any(|r| r == response))
                .map(|(_, grant)| grant.to_owned())
                .collect();
            (implied, responses)
        }
        (None, None) => (
            vec!["authorization_code".to_owned()],
            vec!["code".to_owned()],
        ),
    };
    check_grants(&grant_types, &response_types, auth, serves)?;
    let native = match requested.application_type.as_deref() {
        None | Some("web") => false,
        Some("native") => true,
        Some(_) => return Err(metadata_error("application_type is web or native")),
    };
    let redirect_uris = requested.redirect_uris.unwrap_or_default();
    if redirect_uris.is_empty() && grant_types.iter().any(|g| REDIRECTING.contains(&&**g)) {
        return Err(redirect_error(
            "redirect_uris is required for these grant types",
        ));
    }
    for uri in &redirect_uris {
        check_redirect_uri(uri, native)?;
    }
    check_keys(auth, requested.jwks.as_ref(), requested.jwks_uri.as_deref())?;
    let mut other = Map::new();
    other.insert(AUTH_METHOD.into(), auth.as_str().into());
    other.insert("response_types".into(), response_types.into());
    other.insert(
        "application_type".into(),
        if native { "native" } else { "web" }.into(),
    );
    let urls = [
        ("client_uri", requested.client_uri),
        ("logo_uri", requested.logo_uri),
        ("tos_uri", requested.tos_uri),
        ("policy_uri", requested.policy_uri),
        ("jwks_uri", requested.jwks_uri),
    ];
    for (name, url) in urls {
        if let Some(url) = url {
            // Shown on consent pages and fetched by browsers: web URLs only.
            if !Url::parse(&url).is_ok_and(|u| matches!(u.scheme(), "https" | "http")) {
                return Err(metadata_error("a URL member is not an http(s) URL"));
            }
            other.insert(name.into(), url.into());
        }
    }
    let strings = [
        ("software_id", requested.software_id),
        ("software_version", requested.software_version),
    ];
    for (name, value) in strings {
        if let Some(value) = value {
            other.insert(name.into(), value.into());
        }
    }
    if let Some(contacts) = requested.contacts {
        other.insert("contacts".into(), contacts.into());
    }
    if let Some(jwks) = requested.jwks {
        other.insert("jwks".into(), Value::Object(jwks));
    }
    let record = ClientRecord {
        client_id: String::new(),
        secret_hash: None,
        redirect_uris,
        grant_types,
        scope: scope::<S>(requested.scope.as_deref()),
        name: requested.client_name.unwrap_or_default(),
        metadata: ClientMetadata {
            resource_server: false,
            other,
        },
    };
    Ok((record, auth))
}

fn auth_method(name: Option<&str>) -> Result<AuthMethod, OAuthError> {
    match name {
        None | Some("client_secret_basic") => Ok(AuthMethod::ClientSecretBasic),
        Some("client_secret_post") => Ok(AuthMethod::ClientSecretPost),
        Some("none") => Ok(AuthMethod::None),
        #[cfg(feature = "jwt")]
        Some("private_key_jwt") => Ok(AuthMethod::PrivateKeyJwt),
        // Known methods are named; an arbitrary value is not echoed.
        #[cfg(not(feature = "jwt"))]
        Some("private_key_jwt") => Err(metadata_error(
            "token_endpoint_auth_method private_key_jwt is not supported",
        )),
        // Its secret would have to be stored where the server can read it back.
        Some("client_secret_jwt") => Err(metadata_error(
            "token_endpoint_auth_method client_secret_jwt is not supported",
        )),
        Some("tls_client_auth" | "self_signed_tls_client_auth") => Err(metadata_error(
            "token_endpoint_auth_method with TLS client certificates is not supported",
        )),
        Some(_) => Err(metadata_error(
            "token_endpoint_auth_method is not one this server supports",
        )),
    }
}

/// `jwks` or `jwks_uri`, never both (§2); `private_key_jwt` needs one, an https `jwks_uri`
/// or a JWK Set with a key this server can verify with.
fn check_keys(
    auth: AuthMethod,
    jwks: Option<&Map<String, Value>>,
    jwks_uri: Option<&str>,
) -> Result<(), OAuthError> {
    match (jwks, jwks_uri) {
        (Some(_), Some(_)) => Err(metadata_error("jwks and jwks_uri are mutually exclusive")),
        (None, None) if auth == AuthMethod::PrivateKeyJwt => {
            Err(metadata_error("private_key_jwt needs jwks or jwks_uri"))
        }
        (None, Some(uri)) if !Url::parse(uri).is_ok_and(|u| u.scheme() == "https") => {
            Err(metadata_error("jwks_uri is not an https URL"))
        }
        #[cfg(feature = "jwt")]
        (Some(jwks), None)
            if crate::jose::PublicKeys::from_jwks(&Value::Object(jwks.clone()))
                .map_or(true, |keys| keys.is_empty()) =>
        {
            Err(metadata_error("jwks holds no usable signing key"))
        }
        _ => Ok(()),
    }
}

/// §2.1: `code` goes with `authorization_code`, `token` with `implicit`; every grant type is
/// one the provider serves, and `client_credentials` needs a client that can authenticate.
fn check_grants(
    grant_types: &[String],
    response_types: &[String],
    auth: AuthMethod,
    serves: impl Fn(&str) -> bool,
) -> Result<(), OAuthError> {
    if response_types
        .iter()
        .any(|r| !matches!(r.as_str(), "code" | "token"))
    {
        return Err(metadata_error(
            "response_types may hold code and token only",
        ));
    }
    if grant_types.iter().any(|g| !serves(g)) {
        return Err(metadata_error("a grant type is not served here"));
    }
    let has_grant = |name: &str| grant_types.iter().any(|g| g == name);
    let has_response = |name: &str| response_types.iter().any(|r| r == name);
    if has_grant("authorization_code") != has_response("code")
        || has_grant("implicit") != has_response("token")
    {
        return Err(metadata_error(
            "grant_types and response_types are inconsistent",
        ));
    }
    if auth == AuthMethod::None && has_grant("client_credentials") {
        return Err(metadata_error(
            "client_credentials needs a client that authenticates",
        ));
    }
    Ok(())
}

/// RFC 6749 §3.1.2 and the runtime's registrable form, then OpenID Connect Registration §2's
/// `application_type`: a `web` client only https to a host that is not the user's own
/// device; a `native` one a private-use scheme, loopback http (any port, RFC 8252 §7.3), or
/// a claimed https URL (RFC 8252 §7.2) that is not loopback either.
fn check_redirect_uri(uri: &str, native: bool) -> Result<(), OAuthError> {
    check_registrable(uri).map_err(|why| {
        OAuthError::with_description(ErrorCode::InvalidRedirectUri, why.to_string())
    })?;
    let url = Url::parse(uri).map_err(|_| redirect_error("not an absolute URI"))?;
    let local = match url.host() {
        Some(Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match (url.scheme(), native) {
        ("https", _) if local => Err(redirect_error(
            "an https redirect URI may not point at localhost",
        )),
        ("https", _) => Ok(()),
        (_, false) => Err(redirect_error(
            "a web client registers https redirect URIs only; a native app sends application_type native",
        )),
        // `check_registrable` let only loopback http and private-use schemes through.
        (_, true) => Ok(()),
    }
}

/// The scope named by `requested`, name by name: an unknown name is dropped, not refused
/// (RFC 7591 §2 lets the server register less than asked; the response shows what it did).
/// Absent, every scope of the type: a registrant can name them all anyway, and what a user
/// grants is still the consent page's; narrow it with the `register_client` hook.
fn scope<S: Scopes>(requested: Option<&str>) -> S {
    match requested {
        None => S::all(),
        Some(names) => names
            .split(' ')
            .filter_map(S::from_name)
            .fold(S::empty(), S::union),
    }
}
