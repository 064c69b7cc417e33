//! What a client presented to authenticate (RFC 6749 §2.3): HTTP Basic, the secret in the
//! body, a JWT assertion (RFC 7521 §4.2), or its `client_id` alone. More than one method in
//! one request is refused (§2.3: "MUST NOT use more than one").

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::HeaderMap;
use http::header::AUTHORIZATION;

use crate::error::OAuthError;
use crate::model::AuthMethod;
use crate::params::{Params, decode_component};

/// The credential itself.
pub(super) enum Presented {
    /// `client_secret_basic` or `client_secret_post`, with the secret.
    Secret(AuthMethod, String),
    /// A `client_assertion`, not verified yet (feature `jwt`; refused without it).
    #[cfg_attr(not(feature = "jwt"), allow(dead_code))]
    Assertion(String),
    /// Nothing but the id: a public client.
    Nothing,
}

pub(super) struct Credentials {
    pub(super) client_id: String,
    pub(super) presented: Presented,
}

const MORE_THAN_ONE: &str = "the client used more than one authentication method";

pub(super) fn credentials(
    headers: &HeaderMap,
    params: &Params<'_>,
) -> Result<Credentials, OAuthError> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let header = values.next();
    if values.next().is_some() {
        return Err(OAuthError::invalid_request(
            "more than one Authorization header",
        ));
    }
    let assertion = params.contains("client_assertion") || params.contains("client_assertion_type");
    if assertion {
        if header.is_some() || params.contains("client_secret") {
            return Err(OAuthError::invalid_request(MORE_THAN_ONE));
        }
        return asserted(params);
    }
    let Some(header) = header else {
        let client_id = params
            .get("client_id")
            .ok_or(OAuthError::invalid_client())?
            .to_owned();
        let presented = match params.get("client_secret") {
            Some(secret) => Presented::Secret(AuthMethod::ClientSecretPost, secret.to_owned()),
            None => Presented::Nothing,
        };
        return Ok(Credentials {
            client_id,
            presented,
        });
    };

    let (client_id, secret) = decode_basic(header.as_bytes()).ok_or(OAuthError::invalid_client())?;
    if params.contains("client_secret") {
        return Err(OAuthError::invalid_request(MORE_THAN_ONE));
    }
    if params.get("client_id").is_some_and(|id| id != client_id) {
        return Err(OAuthError::invalid_request(
            "the client_id parameter does not match the Authorization header",
        ));
    }
    Ok(Credentials {
        client_id,
        presented: Presented::Secret(AuthMethod::ClientSecretBasic, secret),
    })
}

/// `client_assertion_type` + `client_assertion`; the client is the assertion's `sub`, which
/// `client_id`, when sent, must repeat (RFC 7521 §4.2).
#[cfg(feature = "jwt")]
fn asserted(params: &Params<'_>) -> Result<Credentials, OAuthError> {
    use crate::client_assertion::{ASSERTION_TYPE, claimed_client_id};
    let (Some(kind), Some(assertion)) = (
        params.get("client_assertion_type"),
        params.get("client_assertion"),
    ) else {
        return Err(OAuthError::invalid_request(
            "client_assertion and client_assertion_type go together",
        ));
    };
    if kind != ASSERTION_TYPE {
        return Err(OAuthError::new(
            crate::error::ErrorCode::InvalidClient,
            "the client_assertion_type is not supported",
        ));
    }
    let client_id = claimed_client_id(assertion).ok_or(OAuthError::invalid_client())?;
    if params.get("client_id").is_some_and(|id| id != client_id) {
        return Err(OAuthError::invalid_client());
    }
    Ok(Credentials {
        client_id,
        presented: Presented::Assertion(assertion.to_owned()),
    })
}

#[cfg(not(feature = "jwt"))]
fn asserted(_: &Params<'_>) -> Result<Credentials, OAuthError> {
    Err(OAuthError::new(
        crate::error::ErrorCode::InvalidClient,
        "client assertions are not supported",
    ))
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))`, RFC 6749 §2.3.1 and RFC 7617.
fn decode_basic(header: &[u8]) -> Option<(String, String)> {
    let (scheme, rest) = header.split_at_checked(6)?;
    if !scheme.eq_ignore_ascii_case(b"basic ") {
        return None;
    }
    let decoded = STANDARD.decode(rest.trim_ascii()).ok()?;
    let decoded = std::str::from_utf8(&decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let id = decode_component(id)?;
    if id.is_empty() {
        return None;
    }
    Some((id, decode_component(secret)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(raw: &str) -> Vec<u8> {
        format!("Basic {}", STANDARD.encode(raw)).into_bytes()
    }

    #[test]
    fn basic_header_decoding() {
        assert_eq!(
            decode_basic(&basic("app:s3cret")),
            Some(("app".into(), "s3cret".into()))
        );
        // Appendix B: both halves are form-urlencoded.
        assert_eq!(
            decode_basic(&basic("my%20app:a%3Ab+c")),
            Some(("my app".into(), "a:b c".into()))
        );
        assert_eq!(
            decode_basic(&basic("app:")),
            Some(("app".into(), String::new()))
        );
        assert_eq!(decode_basic(&basic("no-colon")), None);
        assert_eq!(decode_basic(&basic(":secret")), None);
        assert_eq!(decode_basic(&basic("app:%zz")), None);
        assert_eq!(decode_basic(b"Basic !!!notbase64"), None);
        assert_eq!(decode_basic(b"Bearer abc"), None);
        assert_eq!(decode_basic(b"Basic"), None);
        let non_utf8 = format!("Basic {}", STANDARD.encode([0xff, b':', b'x']));
        assert_eq!(decode_basic(non_utf8.as_bytes()), None);
        assert!(decode_basic(format!("basic {}", STANDARD.encode("a:b")).as_bytes()).is_some());
    }
}
