//! The device grant's user-code page (RFC 8628 §3.3), at the `verification_uri`
//! (`{issuer}/device`): the code (pre-filled from `verification_uri_complete`), then sign-in
//! and consent as for an authorization request, with the same sessions, CSRF tokens and
//! sign-in budgets. The runtime looks the code up ([`Server::device_verification`], which
//! counts the guesses per source) and records the decision.

use std::net::SocketAddr;
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::response::IntoResponse;
use axum::routing::get;
use bytes::Bytes;
use http::header::{HeaderValue, RETRY_AFTER};
use http::{Method, Response, StatusCode};
use oauth2_provider::Server;
use oauth2_provider::endpoint::html_page;
use oauth2_provider::limit::Attempt;
use oauth2_provider::model::AuthContext;
use oauth2_provider::provider::Provider;
use oauth2_provider::secret::ct_eq;

use super::locale::{self, Texts};
use super::provider::{DemoProvider, DemoStore};
use super::sessions::{self, Cookies, SESSION, Session};
use super::views;

/// The path of the page: `Paths::device_verification`'s default.
pub const PATH: &str = "/device";

type Shared<St> = Arc<Server<DemoProvider<St>>>;

#[derive(Template)]
#[template(path = "device.html")]
struct DevicePage<'a> {
    t: &'a Texts,
    step: &'a str,
    action: &'a str,
    csrf: &'a str,
    user_code: &'a str,
    client_name: &'a str,
    username: &'a str,
    scopes: Vec<&'static str>,
    error: Option<&'a str>,
}

/// GET and POST `/device`.
pub fn routes<St: DemoStore, S>(server: Shared<St>, secure: bool) -> Router<S> {
    Router::new()
        .route(PATH, get(page::<St>).post(page::<St>))
        .with_state((server, Cookies::new(secure)))
}

async fn page<St: DemoStore>(
    State((server, cookies)): State<(Shared<St>, Cookies)>,
    request: Request,
) -> Response<Body> {
    let source = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip());
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, 16 * 1024).await.unwrap_or_default();
    let form: Vec<(String, String)> = if parts.method == Method::POST {
        form_urlencoded::parse(&body).into_owned().collect()
    } else {
        form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect()
    };
    let field = |name: &str| {
        form.iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let t = locale::texts_of(&parts.headers);
    let provider = server.provider();
    let session = match cookies.read(&parts, SESSION) {
        Some(id) => sessions::find(&provider.store, &id).await.ok().flatten(),
        None => None,
    }
    .filter(|s| provider.users.contains_key(&s.user));
    let (csrf, new_csrf) = match &session {
        Some(session) => (session.csrf.clone(), false),
        None => cookies.csrf(&parts),
    };
    let view = View { t, csrf: &csrf };
    let typed = field("user_code").unwrap_or_default();
    let mut page = if parts.method != Method::POST {
        view.code(typed, None, StatusCode::OK)
    } else if new_csrf || !field("csrf_token").is_some_and(|sent| ct_eq(sent, &csrf)) {
        views::message(t, StatusCode::FORBIDDEN, t.refused_title, t.refused)
    } else {
        let step = Step {
            server: &server,
            view: &view,
            typed,
            source,
        };
        step.run(
            session,
            field("action"),
            field("decision"),
            field("username"),
            field("password"),
            cookies,
        )
        .await
    };
    if new_csrf {
        cookies.set_csrf(&mut page, &csrf);
    }
    page.map(Body::from).into_response()
}

struct View<'a> {
    t: &'static Texts,
    csrf: &'a str,
}

impl View<'_> {
    fn render(&self, page: DevicePage<'_>, status: StatusCode) -> Response<Bytes> {
        match page.render() {
            Ok(body) => html_page(status, body),
            Err(_) => html_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be rendered",
            ),
        }
    }

    fn code(&self, typed: &str, error: Option<&str>, status: StatusCode) -> Response<Bytes> {
        let page = DevicePage {
            t: self.t,
            step: "code",
            action: PATH,
            csrf: self.csrf,
            user_code: typed,
            client_name: "",
            username: "",
            scopes: Vec::new(),
            error,
        };
        self.render(page, status)
    }
}

/// What the consent and sign-in steps show of the request.
struct Shown<'a> {
    user_code: &'a str,
    client_name: &'a str,
    scopes: &'a [&'static str],
}

impl<'a> Shown<'a> {
    fn page(
        &self,
        t: &'a Texts,
        csrf: &'a str,
        step: &'a str,
        username: &'a str,
        error: Option<&'a str>,
    ) -> DevicePage<'a> {
        DevicePage {
            t,
            step,
            action: PATH,
            csrf,
            user_code: self.user_code,
            client_name: self.client_name,
            username,
            scopes: self.scopes.to_vec(),
            error,
        }
    }
}

struct Step<'a, St: DemoStore> {
    server: &'a Shared<St>,
    view: &'a View<'a>,
    typed: &'a str,
    source: Option<std::net::IpAddr>,
}

impl<St: DemoStore> Step<'_, St> {
    #[allow(clippy::too_many_arguments)]
    async fn run(
        &self,
        session: Option<Session>,
        action: Option<&str>,
        decision: Option<&str>,
        username: Option<&str>,
        password: Option<&str>,
        cookies: Cookies,
    ) -> Response<Bytes> {
        let t = self.view.t;
        let request = match self
            .server
            .device_verification(self.typed, self.source)
            .await
        {
            Ok(request) => request,
            Err(error) if error.status() == StatusCode::TOO_MANY_REQUESTS => {
                let mut page =
                    self.view
                        .code(self.typed, Some(t.too_many), StatusCode::TOO_MANY_REQUESTS);
                let wait = error.retry_after().unwrap_or(1);
                page.headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from(wait));
                return page;
            }
            Err(_) => {
                return self
                    .view
                    .code(self.typed, Some(t.device_unknown), StatusCode::OK);
            }
        };
        let provider = self.server.provider();
        let client_name = request.client().name.clone();
        let shown = request.user_code();
        let scopes: Vec<&'static str> = request.scope().names().collect();
        let shown = Shown {
            user_code: &shown,
            client_name: &client_name,
            scopes: &scopes,
        };
        let page = |step, username, error| shown.page(t, self.view.csrf, step, username, error);
        if action == Some("login") {
            let username = username.unwrap_or_default();
            let attempt = Attempt::owner_password(username, self.source);
            if provider.throttle(&attempt).await.is_err() {
                return self.view.render(
                    page("login", "", Some(t.too_many)),
                    StatusCode::TOO_MANY_REQUESTS,
                );
            }
            let user = match provider
                .sign_in(username, password.unwrap_or_default())
                .await
            {
                Ok(Some(user)) => user,
                Ok(None) => {
                    return self
                        .view
                        .render(page("login", "", Some(t.wrong_password)), StatusCode::OK);
                }
                Err(_) => {
                    return views::message(
                        t,
                        StatusCode::SERVICE_UNAVAILABLE,
                        t.unavailable_title,
                        t.unavailable,
                    );
                }
            };
            let previous = session.as_ref().map(|s| s.id.as_str());
            let Ok(session) = sessions::open(&provider.store, &user.username, previous).await
            else {
                return views::message(
                    t,
                    StatusCode::SERVICE_UNAVAILABLE,
                    t.unavailable_title,
                    t.unavailable,
                );
            };
            let view = View {
                t,
                csrf: &session.csrf,
            };
            let consent = shown.page(t, &session.csrf, "consent", &user.username, None);
            let mut response = view.render(consent, StatusCode::OK);
            cookies.set_session(&mut response, &session);
            return response;
        }
        let Some(session) = session else {
            return self.view.render(page("login", "", None), StatusCode::OK);
        };
        let outcome = match decision {
            Some("allow") => {
                let auth = AuthContext {
                    auth_time: Some(session.auth_time),
                    amr: vec!["pwd".into()],
                    ..AuthContext::default()
                };
                let sub = provider.sub_of(&session.user);
                self.server
                    .approve_device(&request, sub, request.scope(), Some(auth))
                    .await
                    .map(|()| t.device_allowed)
            }
            Some("deny") => self
                .server
                .deny_device(&request)
                .await
                .map(|()| t.device_denied),
            _ => {
                return self
                    .view
                    .render(page("consent", &session.user, None), StatusCode::OK);
            }
        };
        match outcome {
            Ok(message) => views::message(t, StatusCode::OK, t.device_title, message),
            Err(_) => self.view.code("", Some(t.device_unknown), StatusCode::OK),
        }
    }
}
