//! The resource servers a provider issues tokens for (RFC 8707): their identifiers, the scopes
//! each accepts, and the one a request naming none is for.

use url::Url;

use crate::scope::Scopes;

/// One protected resource: its identifier (the `resource` value clients send, and the `aud`
/// of its tokens) and the scopes a token for it may carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceServer<S> {
    uri: String,
    canonical: String,
    scope: S,
}

impl<S: Scopes> ResourceServer<S> {
    /// The identifier as declared: what tokens for it carry as `aud`.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The scopes a token for it may carry.
    pub fn scope(&self) -> S {
        self.scope
    }
}

/// The resource servers of a provider, declared once: what [`Provider::resources`] returns.
/// A `resource` parameter (RFC 8707 §2) must name one of them, else `invalid_target`; a
/// request naming none is for the default, when there is one.
///
/// Identifiers compare after the normalisation of RFC 3986 §6.2.2 as the `url` crate applies
/// it: scheme and host are case-insensitive, a default port is the same as none, and
/// `https://mcp.example.com` is `https://mcp.example.com/`; any other difference of path or
/// query, a trailing slash included, is another resource.
///
/// ```
/// use oauth2_provider::resource::ResourceServers;
/// # use oauth2_provider::scope::{ScopeDef, Scopes};
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
/// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[
/// #   ScopeDef::single("read", 1), ScopeDef::single("write", 2)];
/// #   const DEFAULT: u8 = 1; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
/// # const READ: S = S(1); const WRITE: S = S(2);
/// let resources = ResourceServers::builder()
///     .default_resource("https://api.example.com/", READ.union(WRITE))
///     .resource("https://mcp.example.com/mcp", READ)
///     .build()?;
/// assert_eq!(resources.find("HTTPS://MCP.example.com/mcp").unwrap().uri(), "https://mcp.example.com/mcp");
/// assert!(resources.find("https://mcp.example.com/mcp/").is_none());
/// assert_eq!(resources.default_server().unwrap().uri(), "https://api.example.com/");
/// # Ok::<(), oauth2_provider::resource::ResourceError>(())
/// ```
///
/// [`Provider::resources`]: crate::provider::Provider::resources
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceServers<S> {
    servers: Vec<ResourceServer<S>>,
    default: Option<usize>,
}

/// Why a resource server could not be declared.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResourceError {
    /// Not an absolute URI, or one with a fragment (RFC 8707 §2).
    #[error("{0:?} is not an absolute URI without a fragment")]
    NotAbsolute(String),
    /// Declared twice.
    #[error("{0:?} is declared twice")]
    Duplicate(String),
}

impl<S: Scopes> Default for ResourceServers<S> {
    fn default() -> Self {
        ResourceServers {
            servers: Vec::new(),
            default: None,
        }
    }
}

impl<S: Scopes> ResourceServers<S> {
    /// Declares them, one [`resource`](ResourceServerBuilder::resource) at a time.
    pub fn builder() -> ResourceServerBuilder<S> {
        ResourceServerBuilder {
            servers: Ok(ResourceServers::default()),
        }
    }

    /// The resource server `uri` names, compared as the type's docs say.
    pub fn find(&self, uri: &str) -> Option<&ResourceServer<S>> {
        let canonical = canonical(uri)?;
        self.servers.iter().find(|s| s.canonical == canonical)
    }

    /// The resource server of a request that names none.
    pub fn default_server(&self) -> Option<&ResourceServer<S>> {
        self.default.and_then(|i| self.servers.get(i))
    }

    /// Every resource server, in the order declared.
    pub fn iter(&self) -> impl Iterator<Item = &ResourceServer<S>> {
        self.servers.iter()
    }

    /// `true` when none is declared.
    pub fn is_empty(&self) -> bool {
        self.servers.is_empty()
    }
}

/// Declares the resource servers of [`ResourceServers`]; the first mistake is kept and
/// returned by [`build`](Self::build).
#[derive(Clone, Debug)]
#[must_use = "call build() to get the ResourceServers"]
pub struct ResourceServerBuilder<S> {
    servers: Result<ResourceServers<S>, ResourceError>,
}

impl<S: Scopes> ResourceServerBuilder<S> {
    /// A resource server accepting `scope`.
    pub fn resource(self, uri: impl Into<String>, scope: S) -> Self {
        self.add(uri.into(), scope, false)
    }

    /// A resource server accepting `scope`, and the one a request naming none is for.
    pub fn default_resource(self, uri: impl Into<String>, scope: S) -> Self {
        self.add(uri.into(), scope, true)
    }

    /// The declaration, or its first mistake.
    pub fn build(self) -> Result<ResourceServers<S>, ResourceError> {
        self.servers
    }

    fn add(mut self, uri: String, scope: S, default: bool) -> Self {
        if let Ok(servers) = &mut self.servers {
            let Some(canonical) = canonical(&uri) else {
                self.servers = Err(ResourceError::NotAbsolute(uri));
                return self;
            };
            if servers.servers.iter().any(|s| s.canonical == canonical) {
                self.servers = Err(ResourceError::Duplicate(uri));
                return self;
            }
            if default {
                servers.default = Some(servers.servers.len());
            }
            servers.servers.push(ResourceServer {
                uri,
                canonical,
                scope,
            });
        }
        self
    }
}

/// The form two identifiers of one resource share; `None` for anything RFC 8707 §2 refuses as
/// a `resource`: not an absolute URI, or one with a fragment.
pub(crate) fn canonical(uri: &str) -> Option<String> {
    let url = Url::parse(uri).ok()?;
    (url.fragment().is_none() && !uri.contains('#')).then(|| url.into())
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn canonical_forms() {
        let same = |a: &str, b: &str| canonical(a).is_some() && canonical(a) == canonical(b);
        assert!(same(
            "HTTPS://API.Example.com/mcp",
            "https://api.example.com/mcp"
        ));
        assert!(same(
            "https://api.example.com:443/mcp",
            "https://api.example.com/mcp"
        ));
        assert!(same("https://api.example.com", "https://api.example.com/"));
        assert!(!same(
            "https://api.example.com/mcp",
            "https://api.example.com/mcp/"
        ));
        assert!(!same(
            "https://api.example.com/MCP",
            "https://api.example.com/mcp"
        ));
        assert!(!same(
            "https://api.example.com/mcp?a=1",
            "https://api.example.com/mcp"
        ));
        // RFC 8707 §2: absolute, no fragment (not even an empty one).
        assert_eq!(canonical("/mcp"), None);
        assert_eq!(canonical("api.example.com/mcp"), None);
        assert_eq!(canonical("https://api.example.com/mcp#x"), None);
        assert_eq!(canonical("https://api.example.com/mcp#"), None);
        assert!(canonical("urn:example:resource").is_some());
    }
}
