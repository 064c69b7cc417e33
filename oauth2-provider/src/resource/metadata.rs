//! Protected resource metadata (RFC 9728): the document a resource server publishes so that a
//! client holding only its URL finds the authorization servers and scopes, and the
//! `resource_metadata` its challenges point to (§5.1).

use bytes::Bytes;
use http::header::{CACHE_CONTROL, HeaderValue};
use http::{Response, StatusCode};
use serde::Serialize;
use url::Url;

use super::servers::ResourceError;
use crate::endpoint::response;
use crate::scope::Scopes;

/// The well-known suffix of §3.
const WELL_KNOWN: &str = "/.well-known/oauth-protected-resource";

/// A protected resource's metadata (RFC 9728 §2), served at its well-known path (§3.1) and
/// named by its bearer challenges: [`Requirements::for_resource`] puts `resource_metadata`
/// and `scope` in every 401, the audience check in every validation.
///
/// ```
/// use oauth2_provider::resource::ProtectedResource;
///
/// let api = ProtectedResource::new("https://api.example.com/mcp")?
///     .authorization_server("https://auth.example.com")
///     .scope_names(["notes:read", "notes:write"]);
/// assert_eq!(api.well_known_path(), "/.well-known/oauth-protected-resource/mcp");
/// assert_eq!(
///     api.metadata_url(),
///     "https://api.example.com/.well-known/oauth-protected-resource/mcp"
/// );
/// let document: serde_json::Value = serde_json::from_slice(api.response().body())?;
/// assert_eq!(document["resource"], "https://api.example.com/mcp");
/// assert_eq!(document["authorization_servers"][0], "https://auth.example.com");
/// assert_eq!(document["bearer_methods_supported"][0], "header");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [`Requirements::for_resource`]: super::Requirements::for_resource
#[derive(Clone, Debug, Serialize)]
pub struct ProtectedResource {
    resource: String,
    authorization_servers: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    scopes_supported: Vec<String>,
    bearer_methods_supported: [&'static str; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_name: Option<String>,
    #[serde(skip)]
    metadata_url: String,
    #[serde(skip)]
    well_known_path: String,
}

impl ProtectedResource {
    /// The resource identified by `resource`, an absolute `https` or `http` URL without a
    /// fragment (§1.2), which is also the audience its tokens must carry.
    pub fn new(resource: impl Into<String>) -> Result<Self, ResourceError> {
        let resource = resource.into();
        let url = match Url::parse(&resource) {
            Ok(url) if url.fragment().is_none() && url.has_host() => url,
            _ => return Err(ResourceError::NotAbsolute(resource)),
        };
        // §3.1: the suffix goes between the host and the path, without the path's final slash.
        let path = url.path().trim_end_matches('/');
        let well_known_path = format!("{WELL_KNOWN}{path}");
        let mut metadata = url.clone();
        metadata.set_path(&well_known_path);
        Ok(ProtectedResource {
            resource,
            authorization_servers: Vec::new(),
            scopes_supported: Vec::new(),
            bearer_methods_supported: ["header"],
            resource_name: None,
            metadata_url: metadata.into(),
            well_known_path,
        })
    }

    /// An authorization server (its issuer identifier) whose tokens the resource accepts.
    pub fn authorization_server(mut self, issuer: impl Into<String>) -> Self {
        self.authorization_servers.push(issuer.into());
        self
    }

    /// The scopes the resource understands, from the provider's scope type. `offline_access`
    /// is left out: it is the authorization server's to grant, not a resource's to require.
    pub fn scopes<S: Scopes>(self, scopes: S) -> Self {
        self.scope_names(scopes.names())
    }

    /// The scopes the resource understands, by name.
    pub fn scope_names<'a>(mut self, names: impl IntoIterator<Item = &'a str>) -> Self {
        self.scopes_supported = names
            .into_iter()
            .filter(|name| *name != "offline_access")
            .map(str::to_owned)
            .collect();
        self
    }

    /// A name for people (`resource_name`).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.resource_name = Some(name.into());
        self
    }

    /// The resource identifier.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The path the document is served at (§3.1), to route.
    pub fn well_known_path(&self) -> &str {
        &self.well_known_path
    }

    /// Where the document is: what `resource_metadata` in a challenge says (§5.1).
    pub fn metadata_url(&self) -> &str {
        &self.metadata_url
    }

    /// The document (§3.2): `200` JSON that any origin may read, cacheable for an hour.
    pub fn response(&self) -> Response<Bytes> {
        let mut response = response::cors(response::json(StatusCode::OK, self));
        response.headers_mut().insert(
            CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        );
        response
    }
}

#[cfg(test)]
mod tests {
    use super::ProtectedResource;

    #[test]
    fn well_known_paths() {
        let path = |uri: &str| ProtectedResource::new(uri).map(|r| r.metadata_url().to_owned());
        assert_eq!(
            path("https://r.example").unwrap(),
            "https://r.example/.well-known/oauth-protected-resource"
        );
        assert_eq!(
            path("https://r.example/").unwrap(),
            "https://r.example/.well-known/oauth-protected-resource"
        );
        assert_eq!(
            path("http://127.0.0.1:8080/api/").unwrap(),
            "http://127.0.0.1:8080/.well-known/oauth-protected-resource/api"
        );
        assert_eq!(
            path("https://r.example/a/b?x=1").unwrap(),
            "https://r.example/.well-known/oauth-protected-resource/a/b?x=1"
        );
        assert!(path("https://r.example/a#f").is_err());
        assert!(path("/api").is_err());
        assert!(path("urn:example:api").is_err());
    }
}
