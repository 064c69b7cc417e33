//! The pages themselves: sign-in, consent and the short message pages, rendered with askama
//! in the request's language ([`locale`](super::locale)), with the headers the framework gives
//! every page. What the user is asked and when is [`pages`](super::pages)'s.

use askama::Template;
use bytes::Bytes;
use http::header::{HeaderValue, RETRY_AFTER};
use http::{Response, StatusCode};
use oauth2_provider::endpoint::{allow_images_from, html_page};
use oauth2_provider::redirect_uri;

use super::locale::{self, Texts};
use super::model::{Client, Scope};
use super::prompt;

type Request<'r, 'a> = &'r oauth2_provider::AuthorizationRequest<'a, Client>;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    t: &'a Texts,
    client_name: &'a str,
    action: &'a str,
    hidden: Vec<(&'a str, String)>,
    csrf: &'a str,
    username: &'a str,
    error: Option<&'a str>,
}

/// One scope on the consent page.
struct ScopeLine {
    name: &'static str,
    description: Option<&'static str>,
    approved_before: bool,
}

#[derive(Template)]
#[template(path = "consent.html")]
struct ConsentPage<'a> {
    t: &'a Texts,
    client_name: &'a str,
    username: &'a str,
    scopes: Vec<ScopeLine>,
    resources: &'a [String],
    redirect_host: String,
    loopback_only: bool,
    logo: Option<&'a str>,
    action: &'a str,
    hidden: Vec<(&'a str, String)>,
    csrf: &'a str,
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    t: &'a Texts,
    title: &'a str,
    message: &'a str,
}

/// The sign-in page, with `error` above the form (`role=alert`).
pub fn sign_in(
    request: Request<'_, '_>,
    csrf: &str,
    username: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Response<Bytes> {
    let page = LoginPage {
        t: locale::texts(request),
        client_name: &request.client().name,
        action: request.http().uri.path(),
        hidden: prompt::carried(request, false),
        csrf,
        username,
        error,
    };
    html(status, page.render())
}

/// What the consent page shows beside the request.
pub struct ConsentFacts<'f> {
    /// Who is signed in.
    pub user: &'f str,
    pub csrf: &'f str,
    /// Right after a sign-in this request asked for.
    pub signed_in_now: bool,
    /// What `user` approved this client before.
    pub approved: Scope,
    /// The origins a client's logo may come from.
    pub logo_origins: &'f [String],
}

/// The consent page: who asks (with the logo when it comes from an allowed origin), where the
/// browser goes after, each scope with its description and whether it was approved before,
/// the resources the access is for (RFC 8707), and a way to switch accounts.
pub fn consent(request: Request<'_, '_>, facts: &ConsentFacts<'_>) -> Response<Bytes> {
    let ConsentFacts {
        user,
        csrf,
        signed_in_now,
        approved,
        logo_origins,
    } = *facts;
    let t = locale::texts(request);
    let scopes = request
        .scope()
        .descriptions()
        .map(|(name, declared)| ScopeLine {
            name,
            description: t.scope(name, declared),
            approved_before: Scope::parse(name).is_ok_and(|one| approved.contains(one)),
        })
        .collect();
    let client = request.client();
    let logo = client
        .metadata
        .other
        .get("logo_uri")
        .and_then(|uri| uri.as_str())
        .filter(|uri| origin_of(uri).is_some_and(|o| logo_origins.contains(&o)));
    let page = ConsentPage {
        t,
        client_name: &client.name,
        username: user,
        scopes,
        resources: request.resources(),
        redirect_host: host_of(request.redirect_uri()),
        loopback_only: !client.redirect_uris.is_empty()
            && client
                .redirect_uris
                .iter()
                .all(|uri| redirect_uri::is_loopback(uri)),
        logo,
        action: request.http().uri.path(),
        hidden: prompt::carried(request, signed_in_now),
        csrf,
    };
    let mut response = html(StatusCode::OK, page.render());
    if let Some(origin) = logo.and_then(origin_of) {
        allow_images_from(&mut response, &[origin.as_str()]);
    }
    response
}

/// The origin of a URL, as `--logo-origin` names one.
fn origin_of(uri: &str) -> Option<String> {
    let origin = url::Url::parse(uri).ok()?.origin();
    origin.is_tuple().then(|| origin.ascii_serialization())
}

/// `host[:port]` of a redirect URI, or the whole URI when it has no host (a private-use
/// scheme such as `com.example.app:/cb`).
fn host_of(uri: &str) -> String {
    match url::Url::parse(uri) {
        Ok(url) => match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => uri.to_owned(),
        },
        Err(_) => uri.to_owned(),
    }
}

/// A stale or forged form: 403.
pub fn refused(request: Request<'_, '_>) -> Response<Bytes> {
    let t = locale::texts(request);
    message(t, StatusCode::FORBIDDEN, t.refused_title, t.refused)
}

/// The store is down: 503 with `Retry-After`.
pub fn unavailable(request: Request<'_, '_>) -> Response<Bytes> {
    let t = locale::texts(request);
    let mut page = message(
        t,
        StatusCode::SERVICE_UNAVAILABLE,
        t.unavailable_title,
        t.unavailable,
    );
    page.headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
    page
}

/// What a store outage asks a browser to wait, as the framework's own 503s do.
const RETRY_AFTER_SECS: u64 = 5;

/// A short HTML message page.
pub fn message(t: &Texts, status: StatusCode, title: &str, message: &str) -> Response<Bytes> {
    html(status, MessagePage { t, title, message }.render())
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
