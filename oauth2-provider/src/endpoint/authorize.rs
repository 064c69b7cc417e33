//! The authorization endpoint (RFC 6749 §3.1, §4.1.1–4.1.2.1, §4.2.1–4.2.2.1; RFC 7636 §4.3;
//! RFC 9207).
//!
//! Errors before the client and redirect URI are known to be good are shown to the user agent
//! and never redirected (§4.1.2.1: an open redirector otherwise); so is a `state` longer than
//! [`Config::max_state_bytes`](crate::config::Config::max_state_bytes), which could not be
//! echoed within a bounded `Location`. Every other error goes back to the client with `error`,
//! `error_description`, `state` and `iss`.

use bytes::Bytes;
use http::{Method, Request, Response};
use url::Url;

use super::error_page::error_page;
use super::form::{Rejection, form_body};
use super::{Server, client_auth, response};
use crate::error::{ErrorCode, OAuthError};
use crate::grant::authorization::{self, Outcome, Verified};
use crate::grant::{REQUEST_URI_PREFIX, pushed};
use crate::model::OAuthClient;
use crate::params::Params;
use crate::provider::{ClientOf, Provider, ResponseType};
use crate::redirect_uri;
use crate::trace;

/// Where a redirect-able response goes, and how.
struct Reply<'a> {
    redirect_uri: &'a str,
    fragment: bool,
    state: Option<&'a str>,
    after_post: bool,
    /// The request's headers, for an error shown instead (`Accept`).
    headers: &'a http::HeaderMap,
}

impl<P: Provider> Server<P> {
    /// The authorization endpoint: GET (query) or POST (form body).
    pub async fn authorize<B: AsRef<[u8]>>(&self, request: Request<B>) -> Response<Bytes> {
        trace::endpoint("authorize", self.authorize_endpoint(request)).await
    }

    async fn authorize_endpoint<B: AsRef<[u8]>>(&self, request: Request<B>) -> Response<Bytes> {
        let (parts, body) = request.into_parts();
        let input = match parts.method {
            Method::GET => parts.uri.query().unwrap_or_default().as_bytes(),
            _ => match form_body(
                &parts.method,
                &parts.headers,
                body.as_ref(),
                self.provider.config().max_body_bytes,
            ) {
                Ok(body) => body,
                Err(Rejection::Method(_)) => return response::method_not_allowed("GET, POST"),
                Err(rejection) => return rejection.into_response(),
            },
        };
        // §4.1.2.1: only a bad client or redirect URI keeps an error from the client. Of a
        // malformed request, the parameters that locate the client are kept when each was sent
        // once and well-formed, so the `invalid_request` can still go to a verified URI.
        let located;
        let (params, malformed) = match Params::parse(input) {
            Ok(params) => (params, None),
            Err(error) => {
                located = locating_params(input);
                match Params::parse(&located) {
                    Ok(params) => (params, Some(error)),
                    Err(_) => return error_page(&error, &parts.headers),
                }
            }
        };
        // RFC 9126 §4: a pushed request's parameters are the request; what the pages add (a
        // decision, a CSRF token) comes on top.
        let pushed = params
            .get("request_uri")
            .filter(|uri| uri.starts_with(REQUEST_URI_PREFIX) && malformed.is_none())
            .map(str::to_owned);
        let params = match (pushed.as_deref(), params.get("client_id")) {
            (Some(uri), Some(client_id)) => {
                let stored = match pushed::read(&self.provider, uri, client_id).await {
                    Ok(stored) => stored,
                    Err(error) => return error_page(&error, &parts.headers),
                };
                match Params::parse(&stored) {
                    Ok(request) => Params::over(&request, &params),
                    Err(error) => return error_page(&error, &parts.headers),
                }
            }
            _ => params,
        };
        // §4.1.2.1 wants `state` back verbatim on every redirect; one too long to echo within
        // a bounded `Location` is refused here, before anything could redirect.
        if params
            .get("state")
            .is_some_and(|state| state.len() > self.provider.config().max_state_bytes)
        {
            return error_page(
                &OAuthError::invalid_request("the state parameter is too long"),
                &parts.headers,
            );
        }
        let Some(client_id) = params.get("client_id") else {
            let missing = OAuthError::invalid_request("the client_id parameter is missing");
            return error_page(malformed.as_ref().unwrap_or(&missing), &parts.headers);
        };
        let client = match client_auth::lookup(&self.provider, client_id).await {
            Ok(Some(client)) => {
                trace::client(client.client_id());
                client
            }
            Ok(None) => {
                let unknown = OAuthError::invalid_request("the client is unknown");
                return error_page(&unknown, &parts.headers);
            }
            Err(error) => return error_page(&error, &parts.headers),
        };
        let requested_uri = params.get("redirect_uri");
        let localhost = self.provider.config().localhost_any_port;
        let Some(redirect_uri) =
            redirect_uri::resolve(client.redirect_uris(), requested_uri, localhost)
        else {
            let unregistered = OAuthError::invalid_request(
                "the redirect_uri is missing or not registered for this client",
            );
            return error_page(&unregistered, &parts.headers);
        };
        let response_type = match params.get("response_type") {
            Some("code") => Ok(ResponseType::Code),
            Some("token") => Ok(ResponseType::Token),
            Some(_) => Err(OAuthError::new(
                ErrorCode::UnsupportedResponseType,
                "the response type is not supported",
            )),
            None => Err(OAuthError::invalid_request(
                "the response_type parameter is missing",
            )),
        };
        let reply = Reply {
            redirect_uri,
            fragment: response_type == Ok(ResponseType::Token),
            state: params.get("state"),
            after_post: parts.method == Method::POST,
            headers: &parts.headers,
        };
        let outcome = match (malformed, response_type) {
            (Some(error), _) | (None, Err(error)) => Err(error),
            (None, Ok(_)) if pushed.is_none() && self.requires_pushed(client.as_ref()) => Err(
                OAuthError::invalid_request("this client must push its authorization requests"),
            ),
            (None, Ok(response_type)) => {
                let verified = Verified {
                    client: client.as_ref(),
                    response_type,
                    redirect_uri,
                    requested_uri,
                    params: &params,
                    http: &parts,
                    pushed: pushed.as_deref(),
                };
                authorization::authorize(&self.provider, verified).await
            }
        };
        match outcome {
            Ok(Outcome::Code(code)) => self.redirect(&reply, &[("code", code)]),
            Ok(Outcome::Token(token)) => {
                let mut pairs = vec![
                    ("access_token", token.access_token),
                    ("token_type", token.token_type.to_owned()),
                    ("expires_in", token.expires_in.to_string()),
                ];
                if !token.scope.is_empty() {
                    pairs.push(("scope", token.scope));
                }
                self.redirect(&reply, &pairs)
            }
            Ok(Outcome::Respond(response)) => response,
            Err(error) => {
                trace::failed(&error);
                self.redirect(
                    &reply,
                    &[
                        ("error", error.code().as_str().into()),
                        ("error_description", error.description().into()),
                    ],
                )
            }
        }
    }

    /// RFC 9126 §5–6: whether `client` may only send pushed requests.
    fn requires_pushed(&self, client: &ClientOf<P>) -> bool {
        self.provider.config().require_par || client.requires_pushed_requests()
    }

    fn redirect(&self, reply: &Reply<'_>, pairs: &[(&'static str, String)]) -> Response<Bytes> {
        let Ok(mut url) = Url::parse(reply.redirect_uri) else {
            let unusable =
                OAuthError::new(ErrorCode::ServerError, "the redirect_uri cannot be used");
            return error_page(&unusable, reply.headers);
        };
        let extra = reply.state.map(|s| ("state", s)).into_iter().chain(
            self.provider
                .config()
                .issuer
                .as_deref()
                .map(|iss| ("iss", iss)),
        );
        if reply.fragment {
            let mut fragment = form_urlencoded::Serializer::new(String::new());
            fragment.extend_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
            fragment.extend_pairs(extra);
            url.set_fragment(Some(&fragment.finish()));
        } else {
            let mut query = url.query_pairs_mut();
            query.extend_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
            query.extend_pairs(extra);
        }
        response::redirect(url.as_str(), reply.after_post)
    }
}

/// The `client_id`, `redirect_uri`, `response_type` and `state` of a malformed request, each
/// only if sent once; nothing when `client_id` or `redirect_uri` itself was repeated.
fn locating_params(input: &[u8]) -> Vec<u8> {
    let mut located = Vec::new();
    for name in ["client_id", "redirect_uri", "response_type", "state"] {
        let mut found = input
            .split(|&b| b == b'&')
            .filter(|segment| segment.split(|&b| b == b'=').next() == Some(name.as_bytes()));
        match (found.next(), found.next()) {
            (Some(segment), None) => {
                if !located.is_empty() {
                    located.push(b'&');
                }
                located.extend_from_slice(segment);
            }
            (Some(_), Some(_)) if name == "client_id" || name == "redirect_uri" => {
                return Vec::new();
            }
            _ => {}
        }
    }
    located
}
