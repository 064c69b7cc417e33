//! Sign-in and consent pages, driven by the provider's `consent` hook.
//!
//! The framework never renders HTML; this module is the application's side of the hook: a
//! session cookie (`HttpOnly`, `SameSite=Lax`), a CSRF token on both forms, remembered
//! approvals, and a growing delay after failed sign-ins.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use askama::Template;
use bytes::Bytes;
use cookie::{Cookie, SameSite};
use http::header::{COOKIE, HeaderValue, LOCATION, SET_COOKIE};
use http::{Response, StatusCode};
use oauth2_provider::endpoint::html_page;
use oauth2_provider::secret::generate_token;
use oauth2_provider::{AuthorizationRequest, Decision};

use super::model::{Client, Scope};
use super::provider::{DemoProvider, DemoStore};

const SESSION_COOKIE: &str = "oauth2_session";
const SESSION_TTL: Duration = Duration::from_secs(8 * 3600);
/// Form fields that belong to the pages, not to the authorization request.
const PAGE_FIELDS: [&str; 5] = ["username", "password", "csrf_token", "action", "decision"];

struct Session {
    user: Option<String>,
    csrf: String,
    created: Instant,
}

/// Sessions, remembered approvals and sign-in throttling, all in memory.
#[derive(Default)]
pub struct Pages {
    sessions: Mutex<HashMap<String, Session>>,
    /// (username, client_id) → the union of the scopes approved so far.
    approvals: Mutex<HashMap<(String, String), Scope>>,
    /// username → consecutive failed sign-ins and when the last one happened.
    failures: Mutex<HashMap<String, (u32, Instant)>>,
    secure_cookies: bool,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    client_name: &'a str,
    action: &'a str,
    hidden: Vec<(&'a str, &'a str)>,
    csrf: &'a str,
    username: &'a str,
    error: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "consent.html")]
struct ConsentPage<'a> {
    client_name: &'a str,
    username: &'a str,
    scopes: Vec<&'static str>,
    action: &'a str,
    hidden: Vec<(&'a str, &'a str)>,
    csrf: &'a str,
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    title: &'a str,
    message: &'a str,
}

/// What the current request's session says.
struct Current {
    id: String,
    user: Option<String>,
    csrf: String,
}

impl Pages {
    /// Pages whose session cookie is `Secure` when the issuer is served over HTTPS.
    pub fn new(secure_cookies: bool) -> Self {
        Pages {
            secure_cookies,
            ..Pages::default()
        }
    }

    /// The `consent` hook's answer for `request`, as the signed-in user sees it.
    pub async fn decide(
        &self,
        request: &AuthorizationRequest<'_, Client>,
        provider: &DemoProvider<impl DemoStore>,
    ) -> Decision<Scope> {
        let Some(session) = self.current(request) else {
            let (id, csrf) = self.open_session(None);
            return Decision::Respond(self.with_cookie(self.login(request, &csrf, "", None), &id));
        };
        if !request.is_form_post() {
            return match &session.user {
                None => Decision::Respond(self.login(request, &session.csrf, "", None)),
                Some(user) if self.approved(user, request) => Decision::Approve {
                    subject: user.clone(),
                    scope: request.scope(),
                },
                Some(user) => Decision::Respond(self.consent(request, user, &session.csrf)),
            };
        }
        // Every POST carries the session's CSRF token, or nothing it asks for happens.
        if !request.is_own_form_post(&session.csrf) {
            return Decision::Respond(message(
                StatusCode::FORBIDDEN,
                "Request refused",
                "The form was stale or not sent from this site. Go back and try again.",
            ));
        }
        match (
            request.form_field("action", &session.csrf),
            request.form_field("decision", &session.csrf),
            &session.user,
        ) {
            (Some("login"), _, _) => self.sign_in(request, provider, &session).await,
            (_, Some("allow"), Some(user)) => {
                self.remember(user, request);
                Decision::Approve {
                    subject: user.clone(),
                    scope: request.scope(),
                }
            }
            (_, Some("deny"), Some(_)) => Decision::Deny,
            (_, _, Some(user)) => Decision::Respond(self.consent(request, user, &session.csrf)),
            (_, _, None) => Decision::Respond(self.login(request, &session.csrf, "", None)),
        }
    }

    async fn sign_in(
        &self,
        request: &AuthorizationRequest<'_, Client>,
        provider: &DemoProvider<impl DemoStore>,
        session: &Current,
    ) -> Decision<Scope> {
        let username = request
            .form_field("username", &session.csrf)
            .unwrap_or_default();
        let password = request
            .form_field("password", &session.csrf)
            .unwrap_or_default();
        let Ok(Some(user)) = provider.sign_in(username, password).await else {
            tokio::time::sleep(self.record_failure(username)).await;
            let page = self.login(
                request,
                &session.csrf,
                username,
                Some("Wrong username or password."),
            );
            return Decision::Respond(page);
        };
        self.failures
            .lock()
            .expect("failures lock")
            .remove(username);
        // A new session id at sign-in: a session fixed before it is worth nothing after.
        self.sessions
            .lock()
            .expect("sessions lock")
            .remove(&session.id);
        let (id, csrf) = self.open_session(Some(user.username.clone()));
        let page = if self.approved(&user.username, request) {
            see_other(&authorize_url(request))
        } else {
            self.consent(request, &user.username, &csrf)
        };
        Decision::Respond(self.with_cookie(page, &id))
    }

    /// The delay before answering a failed sign-in: none for the first three, then doubling
    /// from a quarter second up to eight seconds.
    fn record_failure(&self, username: &str) -> Duration {
        let mut failures = self.failures.lock().expect("failures lock");
        let entry = failures
            .entry(username.to_owned())
            .or_insert((0, Instant::now()));
        if entry.1.elapsed() > Duration::from_secs(15 * 60) {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
        entry.1 = Instant::now();
        match entry.0 {
            0..=3 => Duration::ZERO,
            n => Duration::from_millis(250 << (n - 4).min(5)),
        }
    }

    fn current(&self, request: &AuthorizationRequest<'_, Client>) -> Option<Current> {
        let headers = request.http().headers.get_all(COOKIE);
        let id = headers
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(Cookie::split_parse)
            .filter_map(Result::ok)
            .find(|c| c.name() == SESSION_COOKIE)?
            .value()
            .to_owned();
        let mut sessions = self.sessions.lock().expect("sessions lock");
        sessions.retain(|_, s| s.created.elapsed() < SESSION_TTL);
        let session = sessions.get(&id)?;
        Some(Current {
            user: session.user.clone(),
            csrf: session.csrf.clone(),
            id,
        })
    }

    fn open_session(&self, user: Option<String>) -> (String, String) {
        let id = generate_token();
        let csrf = generate_token();
        let session = Session {
            user,
            csrf: csrf.clone(),
            created: Instant::now(),
        };
        self.sessions
            .lock()
            .expect("sessions lock")
            .insert(id.clone(), session);
        (id, csrf)
    }

    fn approved(&self, user: &str, request: &AuthorizationRequest<'_, Client>) -> bool {
        let key = (user.to_owned(), request.client().client_id.clone());
        self.approvals
            .lock()
            .expect("approvals lock")
            .get(&key)
            .is_some_and(|approved| approved.contains(request.scope()))
    }

    fn remember(&self, user: &str, request: &AuthorizationRequest<'_, Client>) {
        let key = (user.to_owned(), request.client().client_id.clone());
        let mut approvals = self.approvals.lock().expect("approvals lock");
        let approved = approvals.entry(key).or_insert_with(Scope::empty);
        *approved = approved.union(request.scope());
    }

    fn login(
        &self,
        request: &AuthorizationRequest<'_, Client>,
        csrf: &str,
        username: &str,
        error: Option<&str>,
    ) -> Response<Bytes> {
        let page = LoginPage {
            client_name: &request.client().name,
            action: request.http().uri.path(),
            hidden: hidden_fields(request),
            csrf,
            username,
            error,
        };
        html(StatusCode::OK, page.render())
    }

    fn consent(
        &self,
        request: &AuthorizationRequest<'_, Client>,
        user: &str,
        csrf: &str,
    ) -> Response<Bytes> {
        let page = ConsentPage {
            client_name: &request.client().name,
            username: user,
            scopes: request.scope().names().collect(),
            action: request.http().uri.path(),
            hidden: hidden_fields(request),
            csrf,
        };
        html(StatusCode::OK, page.render())
    }

    fn with_cookie(&self, mut response: Response<Bytes>, session_id: &str) -> Response<Bytes> {
        let cookie = Cookie::build((SESSION_COOKIE, session_id))
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.secure_cookies)
            .path("/")
            .build();
        if let Ok(value) = HeaderValue::try_from(cookie.to_string()) {
            response.headers_mut().append(SET_COOKIE, value);
        }
        response
    }
}

/// The authorization request's own parameters, carried through the forms.
fn hidden_fields<'a>(request: &AuthorizationRequest<'a, Client>) -> Vec<(&'a str, &'a str)> {
    request
        .params()
        .filter(|(name, _)| !PAGE_FIELDS.contains(name))
        .collect()
}

/// The authorization request again, as a GET.
fn authorize_url(request: &AuthorizationRequest<'_, Client>) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(hidden_fields(request))
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

/// A rendered page, with the headers the framework gives every page (no framing, no caching).
fn html(status: StatusCode, body: askama::Result<String>) -> Response<Bytes> {
    match body {
        Ok(body) => html_page(status, body),
        Err(_) => html_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the page could not be rendered",
        ),
    }
}

/// A short HTML message page.
pub fn message(status: StatusCode, title: &str, message: &str) -> Response<Bytes> {
    html(status, MessagePage { title, message }.render())
}
