//! The registration endpoint (RFC 7591 §3) and each client's configuration endpoint below it
//! (RFC 7592 §2): method, size, content type, the initial or registration access token, the
//! budgets, then [`crate::registration`]'s flows. Every answer is `no-store` and readable from
//! any origin, like the token endpoint's.

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderValue, WWW_AUTHENTICATE};
use http::request::Parts;
use http::{HeaderMap, Method, Request, Response, StatusCode};
use serde_json::{Map, Value};
use url::Url;

use super::{RemoteAddr, Server, bearer, response};
use crate::config::Config;
use crate::error::{ErrorCode, OAuthError};
use crate::provider::Provider;
use crate::registration::{Registration, RegistrationRequest, flow};

/// The registration endpoint's URL: the issuer's origin and [`Paths::register`]
/// (crate::config::Paths::register); `None` unless registration is on and an issuer is set.
pub(super) fn endpoint_url(config: &Config) -> Option<String> {
    config.registration.as_ref()?;
    let issuer = Url::parse(config.issuer.as_deref()?).ok()?;
    issuer.join(&config.paths.register).ok().map(String::from)
}

/// `true` for the registration endpoint's path or a client's path below it, when
/// registration is on; asked on every routed request, so it parses nothing.
pub(super) fn is_registration_path(config: &Config, path: &str) -> bool {
    config.registration.is_some()
        && config.issuer.is_some()
        && client_of(&config.paths.register, path).is_some()
}

/// `Some(None)` for the endpoint itself, `Some(Some(client_id))` for a client's
/// configuration endpoint, `None` for any other path.
fn client_of<'p>(register: &str, path: &'p str) -> Option<Option<&'p str>> {
    match path.strip_prefix(register)? {
        "" => Some(None),
        rest => {
            let client_id = rest.strip_prefix('/')?;
            (!client_id.is_empty() && !client_id.contains('/')).then_some(Some(client_id))
        }
    }
}

impl<P: Provider> Server<P> {
    /// The registration endpoint and the client configuration endpoints: `POST` registers
    /// (`201`), and with the registration access token, `GET` reads, `PUT` replaces (and
    /// rotates the token), `DELETE` removes (`204`). `404` unless
    /// [`Config::registration`] and an issuer are set. See [`crate::registration`].
    pub async fn registration<B: AsRef<[u8]>>(&self, request: Request<B>) -> Response<Bytes> {
        crate::trace::endpoint("registration", self.registration_endpoint(request)).await
    }

    async fn registration_endpoint<B: AsRef<[u8]>>(&self, request: Request<B>) -> Response<Bytes> {
        let config = self.provider.config();
        let (parts, body) = request.into_parts();
        let (Some(registration), Some(endpoint)) =
            (config.registration.as_ref(), endpoint_url(config))
        else {
            return response::empty(StatusCode::NOT_FOUND);
        };
        let Some(client_id) = client_of(&config.paths.register, parts.uri.path()) else {
            return response::empty(StatusCode::NOT_FOUND);
        };
        let token = bearer::extract(&parts.headers).ok();
        let provider = &self.provider;
        let answer = match (client_id, &parts.method) {
            (None, &Method::OPTIONS) => response::preflight("POST"),
            (Some(_), &Method::OPTIONS) => response::preflight("GET, PUT, DELETE"),
            (None, &Method::POST) => {
                self.register(registration, &parts, body.as_ref(), &endpoint)
                    .await
            }
            (None, _) => response::method_not_allowed("POST, OPTIONS"),
            (Some(id), &Method::GET) => answer(
                flow::read(provider, id, token, &endpoint).await,
                StatusCode::OK,
            ),
            (Some(id), &Method::PUT) => match self.json(&parts, body.as_ref()) {
                Ok(metadata) => {
                    let request = hook_request(&parts, Some(id), &metadata);
                    let replaced = flow::replace(provider, &request, id, token, &endpoint);
                    answer(replaced.await, StatusCode::OK)
                }
                Err(refused) => *refused,
            },
            (Some(id), &Method::DELETE) => match flow::delete(provider, id, token).await {
                Ok(()) => response::empty(StatusCode::NO_CONTENT),
                Err(error) => error_response(&error),
            },
            (Some(_), _) => response::method_not_allowed("GET, PUT, DELETE, OPTIONS"),
        };
        config.cors.apply(&parts.headers, answer)
    }

    /// A new registration: the budgets first (they bound every attempt, initial access
    /// token guesses included), then the token, then the body.
    async fn register(
        &self,
        registration: &Registration,
        parts: &Parts,
        body: &[u8],
        endpoint: &str,
    ) -> Response<Bytes> {
        if let Err(throttled) = registration.admit(RemoteAddr::of(&parts.extensions)) {
            return error_response(&throttled.into());
        }
        if let Err(error) = registration.authorize(&parts.headers) {
            return error_response(&error);
        }
        let metadata = match self.json(parts, body) {
            Ok(metadata) => metadata,
            Err(refused) => return *refused,
        };
        let request = hook_request(parts, None, &metadata);
        let registered = flow::register(&self.provider, &request, endpoint).await;
        answer(registered, StatusCode::CREATED)
    }

    /// The JSON object of a body: bounded (413), `application/json` (400
    /// `invalid_request`), an object (400 `invalid_client_metadata`).
    fn json(&self, parts: &Parts, body: &[u8]) -> Result<Map<String, Value>, Box<Response<Bytes>>> {
        if body.len() > self.provider.config().max_body_bytes {
            return Err(Box::new(response::too_large()));
        }
        if !is_json(&parts.headers) {
            return Err(Box::new(error_response(&OAuthError::invalid_request(
                "the content type must be application/json",
            ))));
        }
        match serde_json::from_slice(body) {
            Ok(Value::Object(metadata)) => Ok(metadata),
            _ => Err(Box::new(error_response(&OAuthError::new(
                ErrorCode::InvalidClientMetadata,
                "the body is not a JSON object",
            )))),
        }
    }
}

fn hook_request<'a>(
    parts: &'a Parts,
    updating: Option<&'a str>,
    metadata: &'a Map<String, Value>,
) -> RegistrationRequest<'a> {
    RegistrationRequest {
        headers: &parts.headers,
        source: RemoteAddr::of(&parts.extensions),
        updating,
        metadata,
    }
}

fn answer(outcome: Result<Map<String, Value>, OAuthError>, status: StatusCode) -> Response<Bytes> {
    match outcome {
        Ok(body) => response::json(status, &body),
        Err(error) => error_response(&error),
    }
}

/// RFC 7591 §3.2.2 errors; a 401 challenges for the bearer token it wanted (RFC 6750 §3).
fn error_response(error: &OAuthError) -> Response<Bytes> {
    let mut response = response::error_with_status(error, error.status());
    if response.status() == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
    }
    response
}

fn is_json(headers: &HeaderMap) -> bool {
    let mut values = headers.get_all(CONTENT_TYPE).iter();
    match (values.next(), values.next()) {
        (Some(value), None) => value.to_str().is_ok_and(|v| {
            let media_type = v.split(';').next().unwrap_or_default().trim();
            media_type.eq_ignore_ascii_case("application/json")
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::client_of;

    #[test]
    fn the_endpoint_and_one_segment_below_it() {
        assert_eq!(client_of("/register", "/register"), Some(None));
        assert_eq!(client_of("/register", "/register/abc"), Some(Some("abc")));
        for other in ["/register/", "/register/a/b", "/registered", "/token"] {
            assert_eq!(client_of("/register", other), None, "{other}");
        }
    }
}
