//! The pushed authorization request endpoint (RFC 9126 §2): POST, form-encoded, the client
//! authenticated as at the token endpoint; the request checked as the authorization endpoint
//! will check it, then kept ([`crate::grant::pushed`]) under a `request_uri`.

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use serde_json::json;

use super::client_auth::authenticate;
use super::token::with_dpop_nonce;
use super::{RemoteAddr, Server, response};
use crate::error::{ErrorCode, OAuthError};
use crate::grant::pushed;
use crate::model::OAuthClient;
use crate::params::Params;
use crate::provider::Provider;
use crate::redirect_uri;

impl<P: Provider> Server<P> {
    /// The pushed authorization request endpoint: `201` with a one-time `request_uri` and its
    /// `expires_in` ([`Config::par_lifetime`](crate::config::Config::par_lifetime)), for
    /// a request whose client authenticated, whose `redirect_uri` is registered and whose
    /// `response_type` is given; the rest is checked at the authorization endpoint, where the
    /// `request_uri` is sent with the `client_id`. Served with a
    /// [`state_store`](Provider::state_store). Every response carries `Cache-Control: no-store`.
    ///
    /// ```
    /// # use oauth2_provider::{Provider, Server};
    /// # async fn serve<P: Provider>(server: &Server<P>) {
    /// let request = http::Request::post("/par")
    ///     .header("content-type", "application/x-www-form-urlencoded")
    ///     .header("authorization", "Basic d2ViOnNlY3JldA==")
    ///     .body(bytes::Bytes::from("response_type=code&redirect_uri=https%3A%2F%2Fapp.example%2Fcb"))
    ///     .unwrap();
    /// let response = server.pushed_authorization(request).await;
    /// # }
    /// ```
    pub async fn pushed_authorization<B: AsRef<[u8]>>(
        &self,
        request: Request<B>,
    ) -> Response<Bytes> {
        crate::trace::endpoint("par", async {
            let (parts, body) = request.into_parts();
            let answer = self.par_answer(&parts, body.as_ref());
            self.behind_cors(&parts, "POST", answer).await
        })
        .await
    }

    async fn par_answer(&self, parts: &http::request::Parts, body: &[u8]) -> Response<Bytes> {
        let params = match self.form_params(parts, body) {
            Ok(params) => params,
            Err(response) => return *response,
        };
        let mut nonce = None;
        let outcome = async {
            let source = RemoteAddr::of(&parts.extensions);
            let (client, _) = authenticate(&self.provider, &parts.headers, &params, source).await?;
            check(
                client.as_ref(),
                &params,
                self.provider.config().localhost_any_port,
            )?;
            let jkt = self.par_dpop_jkt(parts, &params, &mut nonce).await?;
            pushed::push(&self.provider, client.client_id(), &params, jkt.as_deref()).await
        };
        let mut response = match outcome.await {
            Ok((request_uri, expires_in)) => response::json(
                StatusCode::CREATED,
                &json!({ "request_uri": request_uri, "expires_in": expires_in }),
            ),
            Err(error) => response::error(&error),
        };
        with_dpop_nonce(&mut response, nonce);
        response
    }

    /// RFC 9449 §10.1: a DPoP proof at the PAR endpoint binds the code to its key, as
    /// `dpop_jkt` would, and a `dpop_jkt` sent with it must name that key. A proof that does
    /// not hold refuses the push; `nonce` is the `DPoP-Nonce` to send.
    async fn par_dpop_jkt(
        &self,
        parts: &http::request::Parts,
        params: &Params<'_>,
        nonce: &mut Option<String>,
    ) -> Result<Option<String>, OAuthError> {
        let path = &self.provider.config().paths.par;
        let Some(jkt) = self.dpop_proof(parts, path, nonce).await? else {
            return Ok(None);
        };
        match params.get("dpop_jkt") {
            Some(sent) if sent != jkt => Err(OAuthError::new(
                ErrorCode::InvalidDpopProof,
                "the dpop_jkt parameter is not the thumbprint of the proof's key",
            )),
            // Already among the parameters kept.
            Some(_) => Ok(None),
            None => Ok(Some(jkt)),
        }
    }

    /// The endpoint's path, when it is served (with a state store).
    pub(super) fn par_path(&self) -> Option<&str> {
        self.provider
            .state_store()
            .map(|_| self.provider.config().paths.par.as_str())
    }
}

/// §2.1: what only the pushing request can be refused for, with a JSON error rather than a
/// page: a `request_uri` inside it, another client's `client_id`, an unregistered
/// `redirect_uri`, no `response_type`.
fn check<C: OAuthClient>(
    client: &C,
    params: &Params<'_>,
    localhost: bool,
) -> Result<(), OAuthError> {
    if params.contains("request_uri") {
        return Err(OAuthError::invalid_request(
            "a pushed request cannot carry a request_uri",
        ));
    }
    if params
        .get("client_id")
        .is_some_and(|id| id != client.client_id())
    {
        return Err(OAuthError::invalid_request(
            "the client_id is not the authenticated client's",
        ));
    }
    let requested = params.get("redirect_uri");
    if redirect_uri::resolve(client.redirect_uris(), requested, localhost).is_none() {
        return Err(OAuthError::invalid_request(
            "the redirect_uri is missing or not registered for this client",
        ));
    }
    match params.get("response_type") {
        Some(_) => Ok(()),
        None => Err(OAuthError::new(
            ErrorCode::InvalidRequest,
            "the response_type parameter is missing",
        )),
    }
}
