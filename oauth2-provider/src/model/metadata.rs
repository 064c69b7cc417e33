//! A registered client's metadata beyond what [`ClientRecord`](super::ClientRecord) has fields
//! for: the RFC 7591 members, kept as one JSON document so that a store needs no new column
//! for each member a feature reads.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// RFC 7591 §2 client metadata the ready-made client record keeps besides its own fields.
///
/// The stores keep it as one JSON object. Members the runtime reads have a field; every other
/// member given at registration is kept in `other`, as given.
///
/// ```
/// use oauth2_provider::model::ClientMetadata;
///
/// let metadata = ClientMetadata {
///     resource_server: true,
///     ..ClientMetadata::default()
/// };
/// let json = metadata.to_json();
/// assert_eq!(json, r#"{"resource_server":true}"#);
/// assert_eq!(ClientMetadata::from_json(&json).unwrap(), metadata);
/// assert_eq!(ClientMetadata::from_json("{}").unwrap(), ClientMetadata::default());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientMetadata {
    /// A protected resource: it may introspect the access tokens of every client (RFC 7662
    /// §2.1). Any other client sees only its own tokens as active.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub resource_server: bool,
    /// Every other member, as registered (`token_endpoint_auth_method`, `jwks`, ...).
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl ClientMetadata {
    /// The JSON object the stores keep.
    pub fn to_json(&self) -> String {
        // A struct of a bool and a map with string keys has no way to fail to serialize.
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }

    /// Reads back what [`to_json`](Self::to_json) wrote.
    pub fn from_json(json: &str) -> Result<ClientMetadata, serde_json::Error> {
        serde_json::from_str(json)
    }
}
