//! The device authorization endpoint (RFC 8628 §3.1, §3.2): POST, form-encoded, the client
//! authenticated (confidential) or identified by `client_id` (public), as at the token
//! endpoint; the protocol is [`crate::grant::device`]'s.

use bytes::Bytes;
use http::{Request, Response, StatusCode};

use super::client_auth::authenticate;
use super::{RemoteAddr, Server, response};
use crate::error::{ErrorCode, OAuthError};
use crate::grant::device;
use crate::provider::Provider;
use crate::trace;

impl<P: Provider> Server<P> {
    /// The device authorization endpoint: a `device_code`, a `user_code` and where to enter
    /// it, for a client allowed the device grant, with the `scope` and `resource`s it asks
    /// for. Served only when the provider serves [`GrantType::DeviceCode`](crate::GrantType::DeviceCode)
    /// and has a [`state_store`](Provider::state_store); `unsupported_grant_type` otherwise.
    /// Every response carries `Cache-Control: no-store`.
    ///
    /// ```
    /// # use oauth2_provider::{Provider, Server};
    /// # async fn serve<P: Provider>(server: &Server<P>) {
    /// let request = http::Request::post("/device_authorization")
    ///     .header("content-type", "application/x-www-form-urlencoded")
    ///     .body(bytes::Bytes::from("client_id=tv&scope=read"))
    ///     .unwrap();
    /// let response = server.device_authorization(request).await;
    /// # }
    /// ```
    pub async fn device_authorization<B: AsRef<[u8]>>(
        &self,
        request: Request<B>,
    ) -> Response<Bytes> {
        trace::endpoint("device_authorization", self.device_endpoint(request)).await
    }

    async fn device_endpoint<B: AsRef<[u8]>>(&self, request: Request<B>) -> Response<Bytes> {
        let (parts, body) = request.into_parts();
        let answer = self.device_answer(&parts, body.as_ref());
        self.behind_cors(&parts, "POST", answer).await
    }

    async fn device_answer(&self, parts: &http::request::Parts, body: &[u8]) -> Response<Bytes> {
        let params = match self.form_params(parts, body) {
            Ok(params) => params,
            Err(response) => return *response,
        };
        let outcome = async {
            let state = device::served(&self.provider).ok_or(OAuthError::new(
                ErrorCode::UnsupportedGrantType,
                "the device grant is not served",
            ))?;
            let source = RemoteAddr::of(&parts.extensions);
            let (client, _) = authenticate(&self.provider, &parts.headers, &params, source).await?;
            device::start::start(&self.provider, state, client.as_ref(), &params).await
        };
        match outcome.await {
            Ok(answer) => response::json(StatusCode::OK, &answer),
            Err(error) => response::error(&error),
        }
    }

    /// The device authorization endpoint's path, when it is served.
    pub(super) fn device_path(&self) -> Option<&str> {
        device::served(&self.provider)
            .map(|_| self.provider.config().paths.device_authorization.as_str())
    }
}
