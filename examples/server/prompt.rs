//! What OpenID Connect's `prompt`, `max_age` and `id_token_hint` ask of the pages (Core
//! §3.1.2.1), and the request the pages carry on once the sign-in it asked for is done.

use std::time::SystemTime;

use super::model::Client;
use super::sessions::Session;

type Request<'r, 'a> = &'r oauth2_provider::AuthorizationRequest<'a, Client>;

/// `prompt=none`: no page may be shown.
pub fn none(request: Request<'_, '_>) -> bool {
    request.openid().is_some_and(|o| o.prompt().none())
}

/// `prompt=consent`: ask, whatever was approved before.
pub fn consent(request: Request<'_, '_>) -> bool {
    request.openid().is_some_and(|o| o.prompt().consent())
}

/// Whether the session's user (`sub`) must sign in (again) for this request: `prompt=login`
/// or `select_account`, a sign-in older than `max_age`, or another user than the
/// `id_token_hint` names.
pub fn sign_in_again(request: Request<'_, '_>, session: &Session, sub: &str) -> bool {
    let Some(openid) = request.openid() else {
        return false;
    };
    // `login` always: a session from this very second would pass `fresh_enough`, but the
    // sign-in `prompt=login` asks for is one this request shows.
    openid.prompt().login()
        || openid.prompt().select_account()
        || !openid.fresh_enough(Some(session.auth_time), SystemTime::now())
        || openid.hint_subject().is_some_and(|hint| hint != sub)
}

/// Form fields that belong to the pages, not to the authorization request.
const PAGE_FIELDS: [&str; 5] = ["username", "password", "csrf_token", "action", "decision"];

/// The request's own parameters, without the pages' fields, as the forms and redirects carry
/// them. `signed_in_now`: the sign-in the request asked for is done, so `login` and
/// `select_account` leave `prompt`, and `max_age` goes.
pub fn carried<'a>(request: Request<'_, 'a>, signed_in_now: bool) -> Vec<(&'a str, String)> {
    request
        .params()
        .filter(|(name, _)| !PAGE_FIELDS.contains(name))
        .filter(|(name, _)| !(signed_in_now && *name == "max_age"))
        .filter_map(|(name, value)| match name {
            "prompt" if signed_in_now => {
                let rest: Vec<&str> = value
                    .split(' ')
                    .filter(|v| !v.is_empty() && *v != "login" && *v != "select_account")
                    .collect();
                (!rest.is_empty()).then(|| (name, rest.join(" ")))
            }
            _ => Some((name, value.to_owned())),
        })
        .collect()
}
