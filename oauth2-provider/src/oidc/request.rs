//! The OpenID Connect parameters of an authentication request (Core §3.1.2.1), parsed before
//! the `consent` hook runs, and the conditions its approval must meet after (§3.1.2.3,
//! fosite's post-conditions): `prompt=login` wants a sign-in during this request, `max_age` a
//! recent enough one, `id_token_hint` the same end-user.

use std::time::{Duration, SystemTime};

use super::seconds;
use crate::error::{ErrorCode, OAuthError};
use crate::model::AuthContext;
use crate::params::Params;

/// The `prompt` values of a request (§3.1.2.1): whether the end-user may be asked anything,
/// and what.
///
/// ```
/// use oauth2_provider::oidc::Prompt;
///
/// let prompt = Prompt::parse(Some("login consent")).unwrap();
/// assert!(prompt.login() && prompt.consent() && !prompt.none());
/// assert!(Prompt::parse(Some("none login")).is_err()); // `none` stands alone
/// assert!(Prompt::parse(Some("sometimes")).is_err());
/// assert_eq!(Prompt::parse(None).unwrap(), Prompt::default());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Prompt {
    none: bool,
    login: bool,
    consent: bool,
    select_account: bool,
}

impl Prompt {
    /// The `prompt` parameter: space-separated values, each known, `none` alone; anything
    /// else is `invalid_request`.
    pub fn parse(value: Option<&str>) -> Result<Self, OAuthError> {
        let mut prompt = Prompt::default();
        let mut count = 0;
        for value in value
            .unwrap_or_default()
            .split(' ')
            .filter(|v| !v.is_empty())
        {
            let flag = match value {
                "none" => &mut prompt.none,
                "login" => &mut prompt.login,
                "consent" => &mut prompt.consent,
                "select_account" => &mut prompt.select_account,
                _ => return Err(OAuthError::invalid_request("a prompt value is unknown")),
            };
            *flag = true;
            count += 1;
        }
        if prompt.none && count > 1 {
            return Err(OAuthError::invalid_request(
                "prompt=none cannot be combined with another value",
            ));
        }
        Ok(prompt)
    }

    /// `none`: no page at all; the answer is a code or an error, by redirect.
    pub fn none(self) -> bool {
        self.none
    }

    /// `login`: the end-user signs in again, whatever session there is.
    pub fn login(self) -> bool {
        self.login
    }

    /// `consent`: the end-user is asked, whatever they approved before.
    pub fn consent(self) -> bool {
        self.consent
    }

    /// `select_account`: the end-user chooses (or switches) the account.
    pub fn select_account(self) -> bool {
        self.select_account
    }
}

/// `display` (§3.1.2.1): how the pages are shown. Accepted and passed on; the pages decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Display {
    /// A full page (the default).
    Page,
    /// A popup window.
    Popup,
    /// A touch device.
    Touch,
    /// A feature phone.
    Wap,
}

/// What an OpenID Connect authentication request asks beyond OAuth (§3.1.2.1), as the
/// `consent` hook sees it ([`AuthorizationRequest::openid`](crate::AuthorizationRequest::openid)).
#[derive(Clone, Debug)]
pub struct OpenIdRequest<'a> {
    pub(crate) prompt: Prompt,
    pub(crate) max_age: Option<Duration>,
    pub(crate) nonce: Option<&'a str>,
    pub(crate) login_hint: Option<&'a str>,
    pub(crate) hint_subject: Option<String>,
    pub(crate) acr_values: Option<&'a str>,
    pub(crate) ui_locales: Option<&'a str>,
    pub(crate) claims_locales: Option<&'a str>,
    pub(crate) display: Option<Display>,
    /// When the request arrived, to the second: what "during this request" means.
    pub(crate) received: SystemTime,
}

impl<'a> OpenIdRequest<'a> {
    /// `prompt`.
    pub fn prompt(&self) -> Prompt {
        self.prompt
    }

    /// `max_age`: the longest ago the end-user may have signed in.
    pub fn max_age(&self) -> Option<Duration> {
        self.max_age
    }

    /// `nonce`, echoed in the ID token.
    pub fn nonce(&self) -> Option<&'a str> {
        self.nonce
    }

    /// `login_hint`: who the client thinks signs in (an email address, a username).
    pub fn login_hint(&self) -> Option<&'a str> {
        self.login_hint
    }

    /// The `sub` of a valid `id_token_hint`: the end-user the client expects. The approval
    /// must be for them, or the answer is `login_required`.
    pub fn hint_subject(&self) -> Option<&str> {
        self.hint_subject.as_deref()
    }

    /// The `acr_values` requested, most preferred first.
    pub fn acr_values(&self) -> impl Iterator<Item = &'a str> {
        words(self.acr_values)
    }

    /// The `ui_locales` (BCP 47 tags), most preferred first.
    pub fn ui_locales(&self) -> impl Iterator<Item = &'a str> {
        words(self.ui_locales)
    }

    /// The `claims_locales`, most preferred first.
    pub fn claims_locales(&self) -> impl Iterator<Item = &'a str> {
        words(self.claims_locales)
    }

    /// `display`, if sent.
    pub fn display(&self) -> Option<Display> {
        self.display
    }

    /// Whether the end-user signed in at `auth_time` may be approved for this request:
    /// `prompt=login` wants a sign-in no earlier than the request, `max_age` one no longer ago
    /// than it. A page that signs the user in and then sends the request again (a redirect,
    /// the consent form) drops `login` from `prompt` and `max_age` from what it carries, as
    /// the sign-in it asked for is done.
    pub fn fresh_enough(&self, auth_time: Option<SystemTime>, now: SystemTime) -> bool {
        let received = seconds(self.received);
        let signed_in = auth_time.map(seconds);
        if self.prompt.login && signed_in.is_none_or(|at| at < received) {
            return false;
        }
        match self.max_age {
            Some(max_age) => {
                signed_in.is_some_and(|at| seconds(now).saturating_sub(at) <= max_age.as_secs())
            }
            None => true,
        }
    }

    /// The conditions an approval of `subject` with `auth` must meet (§3.1.2.3): the hint's
    /// end-user, and a sign-in fresh enough (`login_required` otherwise); and a subject that
    /// can be a `sub`, at most 255 ASCII characters (§2; `server_error`: the application's).
    pub(crate) fn check(
        &self,
        subject: &str,
        auth: Option<&AuthContext>,
    ) -> Result<(), OAuthError> {
        if subject.is_empty() || subject.len() > 255 || !subject.is_ascii() {
            return Err(OAuthError::new(
                ErrorCode::ServerError,
                "the end-user's identifier cannot be an OpenID Connect subject",
            ));
        }
        if self
            .hint_subject
            .as_deref()
            .is_some_and(|hint| hint != subject)
        {
            return Err(OAuthError::new(
                ErrorCode::LoginRequired,
                "the end-user is not the one the id_token_hint names",
            ));
        }
        let auth_time = auth.and_then(|auth| auth.auth_time);
        if !self.fresh_enough(auth_time, SystemTime::now()) {
            return Err(OAuthError::new(
                ErrorCode::LoginRequired,
                "the end-user must sign in again",
            ));
        }
        Ok(())
    }
}

/// Reads the OpenID Connect parameters of `params`; `hint` verifies an `id_token_hint` and
/// returns its `sub`. A `nonce` longer than `max_nonce` bytes is refused: it is stored with
/// the code and echoed.
pub(crate) fn parse<'a>(
    params: &'a Params<'a>,
    max_nonce: usize,
    hint: impl FnOnce(&str) -> Option<String>,
) -> Result<OpenIdRequest<'a>, OAuthError> {
    if params.get("request").is_some() {
        return Err(OAuthError::new(
            ErrorCode::RequestNotSupported,
            "request objects are not supported",
        ));
    }
    // A pushed request's `request_uri` (RFC 9126) was resolved already.
    let pushed = crate::grant::REQUEST_URI_PREFIX;
    if params
        .get("request_uri")
        .is_some_and(|uri| !uri.starts_with(pushed))
    {
        return Err(OAuthError::new(
            ErrorCode::RequestUriNotSupported,
            "the request_uri parameter is not supported",
        ));
    }
    let prompt = Prompt::parse(params.get("prompt"))?;
    let max_age = match params.get("max_age") {
        None => None,
        Some(age)
            if !age.is_empty() && age.len() <= 10 && age.bytes().all(|b| b.is_ascii_digit()) =>
        {
            age.parse().ok().map(Duration::from_secs)
        }
        Some(_) => {
            return Err(OAuthError::invalid_request(
                "max_age is not a number of seconds",
            ));
        }
    };
    let display = match params.get("display") {
        None => None,
        Some("page") => Some(Display::Page),
        Some("popup") => Some(Display::Popup),
        Some("touch") => Some(Display::Touch),
        Some("wap") => Some(Display::Wap),
        Some(_) => return Err(OAuthError::invalid_request("the display value is unknown")),
    };
    let nonce = params.get("nonce");
    if nonce.is_some_and(|nonce| nonce.len() > max_nonce) {
        return Err(OAuthError::invalid_request("the nonce is too long"));
    }
    let hint_subject = match params.get("id_token_hint") {
        None => None,
        Some(token) => Some(hint(token).ok_or(OAuthError::invalid_request(
            "the id_token_hint is not an ID token of this provider",
        ))?),
    };
    Ok(OpenIdRequest {
        prompt,
        max_age,
        nonce,
        login_hint: params.get("login_hint"),
        hint_subject,
        acr_values: params.get("acr_values"),
        ui_locales: params.get("ui_locales"),
        claims_locales: params.get("claims_locales"),
        display,
        received: SystemTime::now(),
    })
}

fn words(value: Option<&str>) -> impl Iterator<Item = &str> {
    value
        .unwrap_or_default()
        .split(' ')
        .filter(|w| !w.is_empty())
}
