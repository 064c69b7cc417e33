//! The user's side of the device grant (RFC 8628 §3.3): the application's page looks the user
//! code up, shows what the device asks for, and records the user's decision.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::SystemTime;

use super::code::{format_user_code, normalize_user_code};
use super::record::{Loaded, Status, device_key, device_of, load, user_key};
use crate::endpoint::Server;
use crate::endpoint::client_auth::lookup;
use crate::error::{ErrorCode, OAuthError};
use crate::model::{AuthContext, IntoSubject, OAuthClient, TokenHash};
use crate::provider::{ClientOf, Provider, ScopeOf};
use crate::scope::Scopes;
use crate::store::StateRef;

/// A pending device authorization, found by its user code: what the page shows before the
/// user approves (the client, so the user can tell a phishing device, §5.4; the scope; the
/// resources), and what [`Server::approve_device`] and [`Server::deny_device`] take.
///
/// ```
/// # use oauth2_provider::{OAuthError, Provider, Server};
/// # use oauth2_provider::model::OAuthClient;
/// # async fn page<P: Provider>(server: &Server<P>, typed: &str) -> Result<(), OAuthError> {
/// let request = server.device_verification(typed, None).await?;
/// println!("{} asks for {:?} (code {})", request.client().client_id(), request.scope(), request.user_code());
/// # Ok(()) }
/// ```
pub struct DeviceRequest<C, S> {
    client: Arc<C>,
    scope: S,
    resources: Vec<String>,
    user_code: String,
    expires_at: SystemTime,
    device: TokenHash,
}

impl<C, S: Copy> DeviceRequest<C, S> {
    /// The client the device is.
    pub fn client(&self) -> &C {
        &self.client
    }

    /// The scope it asks for.
    pub fn scope(&self) -> S {
        self.scope
    }

    /// The resources (RFC 8707) its tokens would be for: their audience.
    pub fn resources(&self) -> &[String] {
        &self.resources
    }

    /// The user code, as shown: `XXXX-XXXX`.
    pub fn user_code(&self) -> String {
        format_user_code(&self.user_code)
    }

    /// When the request expires, decided or not.
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }
}

impl<C: OAuthClient, S: fmt::Debug> fmt::Debug for DeviceRequest<C, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The user code is a short-lived secret of the user's: not shown.
        f.debug_struct("DeviceRequest")
            .field("client_id", &self.client.client_id())
            .field("scope", &self.scope)
            .field("resources", &self.resources)
            .finish_non_exhaustive()
    }
}

/// How many times a decision reads and swaps before giving up to concurrent polls.
const DECIDE_ATTEMPTS: usize = 4;

fn unknown() -> OAuthError {
    OAuthError::invalid_grant("the user code is unknown, expired or already used")
}

fn not_served() -> OAuthError {
    OAuthError::new(
        ErrorCode::UnsupportedGrantType,
        "the device grant is not served",
    )
}

/// The pending record a normalised user code points to.
async fn pending(state: StateRef<'_>, user_code: &str) -> Result<(TokenHash, Loaded), OAuthError> {
    let device = device_of(state, user_code).await?.ok_or_else(unknown)?;
    let loaded = load(state, &device_key(&device))
        .await?
        .ok_or_else(unknown)?;
    let open = matches!(loaded.record.status, Status::Pending)
        && !loaded.record.expired(SystemTime::now())
        && loaded.record.user_code == user_code;
    if !open {
        return Err(unknown());
    }
    Ok((device, loaded))
}

impl<P: Provider> Server<P> {
    /// Looks up the pending device authorization of a user code as the user typed it (case,
    /// dashes, spaces and other punctuation ignored, §6.1), for the application's page. Each
    /// call takes one guess from `source`'s budget
    /// ([`DeviceFlow::user_code_guesses`](crate::grant::DeviceFlow::user_code_guesses); all
    /// unknown sources share one), success or not, before the code is looked at (§5.1):
    /// spent, it is a 429 `temporarily_unavailable` with `Retry-After`
    /// ([`OAuthError::retry_after`]). An unknown, expired or decided code is `invalid_grant`.
    ///
    /// ```
    /// # use oauth2_provider::{OAuthError, Provider, Server};
    /// # async fn page<P: Provider>(server: &Server<P>) -> Result<(), OAuthError> {
    /// let request = server.device_verification("wdjb mjht", None).await?;
    /// assert_eq!(request.user_code(), "WDJB-MJHT");
    /// # Ok(()) }
    /// ```
    pub async fn device_verification(
        &self,
        user_code: &str,
        source: Option<IpAddr>,
    ) -> Result<DeviceRequest<ClientOf<P>, ScopeOf<P>>, OAuthError> {
        let provider = self.provider();
        let state = super::served(provider).ok_or_else(not_served)?;
        provider.config().device.user_code_guesses.take(&source)?;
        let user_code = normalize_user_code(user_code).ok_or_else(unknown)?;
        let (device, Loaded { record, .. }) = pending(state, &user_code).await?;
        let client = lookup(provider, &record.client_id)
            .await?
            .ok_or_else(unknown)?;
        let scope = ScopeOf::<P>::parse(&record.scope).map_err(|_| unknown())?;
        Ok(DeviceRequest {
            client,
            scope,
            resources: record.audience.clone(),
            expires_at: record.expires_at(),
            user_code,
            device,
        })
    }

    /// Records the user's approval of `request` (from [`device_verification`](Self::device_verification)):
    /// the device's next poll gets tokens for `owner` with `scope` (within what was asked,
    /// else `invalid_scope`) and the sign-in's `auth` context (`auth_time`, `acr`, `amr`), through
    /// the `before_issue` hook and the scope ceiling as every grant. A request already
    /// decided or expired is `invalid_grant`; of concurrent decisions exactly one is recorded.
    ///
    /// ```
    /// # use oauth2_provider::{OAuthError, Provider, Server};
    /// # async fn allow<P: Provider>(server: &Server<P>, typed: &str) -> Result<(), OAuthError> {
    /// let request = server.device_verification(typed, None).await?;
    /// server.approve_device(&request, "alice", request.scope(), None).await?;
    /// # Ok(()) }
    /// ```
    pub async fn approve_device(
        &self,
        request: &DeviceRequest<ClientOf<P>, ScopeOf<P>>,
        owner: impl IntoSubject,
        scope: ScopeOf<P>,
        auth: Option<AuthContext>,
    ) -> Result<(), OAuthError> {
        if !request.scope.contains(scope) {
            return Err(OAuthError::invalid_scope(
                "the approved scope exceeds what the device asked for",
            ));
        }
        let status = Status::Approved {
            subject: owner.into_subject(),
            scope: scope.to_scope_string(),
            auth,
        };
        self.decide_device(request, status).await
    }

    /// Records the user's denial of `request`: the device's next poll gets `access_denied`.
    ///
    /// ```
    /// # use oauth2_provider::{OAuthError, Provider, Server};
    /// # async fn deny<P: Provider>(server: &Server<P>, typed: &str) -> Result<(), OAuthError> {
    /// let request = server.device_verification(typed, None).await?;
    /// server.deny_device(&request).await?;
    /// # Ok(()) }
    /// ```
    pub async fn deny_device(
        &self,
        request: &DeviceRequest<ClientOf<P>, ScopeOf<P>>,
    ) -> Result<(), OAuthError> {
        self.decide_device(request, Status::Denied).await
    }

    /// Pending to `status`, by a swap against the version read; the user code then stops
    /// pointing anywhere.
    async fn decide_device(
        &self,
        request: &DeviceRequest<ClientOf<P>, ScopeOf<P>>,
        status: Status,
    ) -> Result<(), OAuthError> {
        let state = super::served(self.provider()).ok_or_else(not_served)?;
        // A poll may swap the record (its last poll, its interval) between the read and the
        // decision's swap: read again while it is still pending. A decision that lost to
        // another decision finds it decided, and fails.
        for _ in 0..DECIDE_ATTEMPTS {
            let (device, loaded) = pending(state, &request.user_code).await?;
            if device != request.device {
                return Err(unknown());
            }
            let Loaded {
                mut record,
                version,
            } = loaded;
            record.status = status.clone();
            if record.swap(state, &device_key(&device), version).await? {
                state.delete_state(&user_key(&request.user_code)).await?;
                return Ok(());
            }
        }
        Err(OAuthError::new(
            ErrorCode::TemporarilyUnavailable,
            "the device is polling too fast; try again",
        ))
    }
}
