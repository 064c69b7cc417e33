//! Sign-in and consent pages, driven by the provider's `consent` hook.
//!
//! The framework never renders HTML; this module is the application's side of the hook: a CSRF
//! token on both forms, a session from sign-in on, remembered approvals (all kept as
//! [`sessions`](super::sessions) says), and sign-in guesses counted by the provider's
//! `throttle` hook, per account and per source address.

use bytes::Bytes;
use http::header::{HeaderValue, LOCATION, RETRY_AFTER};
use http::{Response, StatusCode};
use oauth2_provider::endpoint::RemoteAddr;
use oauth2_provider::limit::Attempt;
use oauth2_provider::model::AuthContext;
use oauth2_provider::model::OAuthClient;
use oauth2_provider::provider::Provider;
use oauth2_provider::{AuthorizationRequest, Decision, OAuthError};

use super::model::{Client, Scope};
use super::provider::{DemoProvider, DemoStore};
use super::sessions::{self, Cookies, SESSION, Session};
use super::views;
use super::{locale, prompt};

/// The pages; they keep nothing themselves.
pub struct Pages {
    cookies: Cookies,
    /// The origins client logos may come from (`--logo-origin`).
    logo_origins: Vec<String>,
}

type Request<'r, 'a> = &'r AuthorizationRequest<'a, Client>;

impl Pages {
    /// Pages whose cookies are `Secure` and `__Host-` when the issuer is served over HTTPS.
    pub fn new(secure_cookies: bool, logo_origins: Vec<String>) -> Self {
        Pages {
            cookies: Cookies::new(secure_cookies),
            logo_origins,
        }
    }

    /// The `consent` hook's answer for `request`, as the signed-in user sees it. With
    /// `prompt=none` it is a decision or an error, never a page.
    pub async fn decide(
        &self,
        request: Request<'_, '_>,
        provider: &DemoProvider<impl DemoStore>,
    ) -> Result<Decision<Scope>, OAuthError> {
        let store = &provider.store;
        let session = match self.cookies.read(request.http(), SESSION) {
            Some(id) => sessions::find(store, &id).await,
            None => Ok(None),
        };
        // A session whose user is gone from the fixtures is none.
        let session = session.map(|s| s.filter(|s| provider.users.contains_key(&s.user)));
        if prompt::none(request) {
            return self.silently(request, provider, session?).await;
        }
        let answer = match session {
            Ok(Some(session)) => self.signed_in(request, provider, session).await,
            Ok(None) => self.anonymous(request, provider).await,
            Err(error) => Err(error),
        };
        answer.or_else(|_| Ok(Decision::Respond(views::unavailable(request))))
    }

    /// `prompt=none`: an approval the user gave before, or the error naming what is missing.
    async fn silently(
        &self,
        request: Request<'_, '_>,
        provider: &DemoProvider<impl DemoStore>,
        session: Option<Session>,
    ) -> Result<Decision<Scope>, OAuthError> {
        let Some(session) = session else {
            return Err(OAuthError::login_required());
        };
        let sub = provider.sub_of(&session.user);
        if prompt::sign_in_again(request, &session, sub) {
            return Err(OAuthError::login_required());
        }
        if !self.approved(request, provider, &session.user).await? {
            return Err(OAuthError::consent_required());
        }
        Ok(approve(request, sub, &session))
    }

    /// No session: the sign-in page, its CSRF token in a cookie rather than on the server.
    async fn anonymous(
        &self,
        request: Request<'_, '_>,
        provider: &DemoProvider<impl DemoStore>,
    ) -> Result<Decision<Scope>, oauth2_provider::StoreError> {
        let (csrf, new) = self.cookies.csrf(request.http());
        let posted = request.is_form_post() && !new;
        if posted && !request.is_own_form_post(&csrf) {
            return Ok(Decision::Respond(views::refused(request)));
        }
        if posted && request.form_field("action", &csrf) == Some("login") {
            return self.sign_in(request, provider, &csrf, None).await;
        }
        let mut page = self.sign_in_page(request, &csrf);
        if new {
            self.cookies.set_csrf(&mut page, &csrf);
        }
        Ok(Decision::Respond(page))
    }

    async fn signed_in(
        &self,
        request: Request<'_, '_>,
        provider: &DemoProvider<impl DemoStore>,
        session: Session,
    ) -> Result<Decision<Scope>, oauth2_provider::StoreError> {
        let store = &provider.store;
        let csrf = session.csrf.as_str();
        let sub = provider.sub_of(&session.user);
        let sign_in_again = prompt::sign_in_again(request, &session, sub);
        if !request.is_form_post() {
            if sign_in_again {
                return Ok(Decision::Respond(self.sign_in_page(request, csrf)));
            }
            let remembered = !prompt::consent(request)
                && self.approved(request, provider, &session.user).await?;
            return Ok(if remembered {
                approve(request, sub, &session)
            } else {
                let user = &session.user;
                Decision::Respond(self.consent(request, provider, user, csrf, false).await?)
            });
        }
        // Every POST carries the session's CSRF token, or nothing it asks for happens.
        if !request.is_own_form_post(csrf) {
            return Ok(Decision::Respond(views::refused(request)));
        }
        match (
            request.form_field("action", csrf),
            request.form_field("decision", csrf),
        ) {
            (Some("login"), _) => {
                self.sign_in(request, provider, csrf, Some(&session.id))
                    .await
            }
            (Some("switch"), _) => self.switch_account(request, provider, &session).await,
            (_, Some("allow")) if sign_in_again => {
                Ok(Decision::Respond(self.sign_in_page(request, csrf)))
            }
            (_, Some("allow")) => {
                let client_id = &request.client().client_id;
                let (scope, resources) = (request.scope(), request.resources());
                sessions::remember(store, &session.user, client_id, scope, resources).await?;
                Ok(approve(request, sub, &session))
            }
            (_, Some("deny")) => Ok(Decision::Deny),
            _ => {
                let user = &session.user;
                Ok(Decision::Respond(
                    self.consent(request, provider, user, csrf, false).await?,
                ))
            }
        }
    }

    /// Checks a sign-in, if the budgets of the account and of the source address allow a
    /// guess now; a right one opens a new session (and ends `previous`), and the request goes
    /// on without the sign-in it asked for (`prompt=login`, `max_age`), which is done.
    async fn sign_in(
        &self,
        request: Request<'_, '_>,
        provider: &DemoProvider<impl DemoStore>,
        csrf: &str,
        previous: Option<&str>,
    ) -> Result<Decision<Scope>, oauth2_provider::StoreError> {
        let username = request.form_field("username", csrf).unwrap_or_default();
        let password = request.form_field("password", csrf).unwrap_or_default();
        let source = RemoteAddr::of(&request.http().extensions);
        if let Err(throttled) = provider
            .throttle(&Attempt::owner_password(username, source))
            .await
        {
            let wait = throttled.retry_after().as_secs().max(1);
            let error = locale::texts(request).too_many;
            let status = StatusCode::TOO_MANY_REQUESTS;
            let mut page = views::sign_in(request, csrf, username, Some(error), status);
            page.headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(wait));
            return Ok(Decision::Respond(page));
        }
        let checked = provider.sign_in(username, password).await;
        let Ok(Some(user)) = checked else {
            if checked.is_err() {
                return Ok(Decision::Respond(views::unavailable(request)));
            }
            let error = Some(locale::texts(request).wrong_password);
            let page = views::sign_in(request, csrf, username, error, StatusCode::OK);
            return Ok(Decision::Respond(page));
        };
        let session = sessions::open(&provider.store, &user.username, previous).await?;
        let remembered =
            !prompt::consent(request) && self.approved(request, provider, &user.username).await?;
        let mut page = if remembered {
            see_other(&authorize_url(request))
        } else {
            let (user, csrf) = (&user.username, &session.csrf);
            self.consent(request, provider, user, csrf, true).await?
        };
        self.cookies.set_session(&mut page, &session);
        Ok(Decision::Respond(page))
    }

    /// Whether `user` approved this request before. Never for a public client: anyone can
    /// send its authorization request, with a loopback port and a PKCE challenge of their own,
    /// so the user is asked each time (RFC 8252 §8.6, RFC 9700 §2.1).
    async fn approved(
        &self,
        request: Request<'_, '_>,
        provider: &DemoProvider<impl DemoStore>,
        user: &str,
    ) -> Result<bool, oauth2_provider::StoreError> {
        let client = request.client();
        if !client.is_confidential() {
            return Ok(false);
        }
        let approval = sessions::approved(&provider.store, user, &client.client_id).await?;
        Ok(approval.covers(request.scope(), request.resources()))
    }

    /// The sign-in page, empty.
    fn sign_in_page(&self, request: Request<'_, '_>, csrf: &str) -> Response<Bytes> {
        views::sign_in(request, csrf, "", None, StatusCode::OK)
    }

    /// The consent page, with what `user` approved this client before.
    async fn consent(
        &self,
        request: Request<'_, '_>,
        provider: &DemoProvider<impl DemoStore>,
        user: &str,
        csrf: &str,
        signed_in_now: bool,
    ) -> Result<Response<Bytes>, oauth2_provider::StoreError> {
        let client_id = &request.client().client_id;
        let before = sessions::approved(&provider.store, user, client_id).await?;
        let facts = views::ConsentFacts {
            user,
            csrf,
            signed_in_now,
            approved: before.scope,
            logo_origins: &self.logo_origins,
        };
        Ok(views::consent(request, &facts))
    }

    /// "Not you?": the session ends, and the sign-in page comes back, with a new anonymous
    /// CSRF cookie.
    async fn switch_account(
        &self,
        request: Request<'_, '_>,
        provider: &DemoProvider<impl DemoStore>,
        session: &Session,
    ) -> Result<Decision<Scope>, oauth2_provider::StoreError> {
        sessions::close(&provider.store, &session.id).await?;
        let csrf = oauth2_provider::secret::generate_token();
        let mut page = self.sign_in_page(request, &csrf);
        self.cookies.set_signed_out(&mut page, &csrf);
        Ok(Decision::Respond(page))
    }
}

/// Approval by the session's user, with when they signed in.
fn approve(request: Request<'_, '_>, sub: &str, session: &Session) -> Decision<Scope> {
    Decision::approve(sub, request.scope()).with_auth(AuthContext {
        auth_time: Some(session.auth_time),
        amr: vec!["pwd".into()],
        ..AuthContext::default()
    })
}

/// The authorization request again, as a GET, after the sign-in it asked for.
fn authorize_url(request: Request<'_, '_>) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(prompt::carried(request, true))
        .finish();
    format!("{}?{query}", request.http().uri.path())
}

fn see_other(location: &str) -> Response<Bytes> {
    let mut response = Response::new(Bytes::new());
    *response.status_mut() = StatusCode::SEE_OTHER;
    if let Ok(location) = HeaderValue::try_from(location) {
        response.headers_mut().insert(LOCATION, location);
    }
    response
}
