//! The pages' languages: English, and German to show the mechanism. The request's
//! `ui_locales` (OpenID Connect Core §3.1.2.1) chooses, then the browser's `Accept-Language`;
//! a language without a translation here is skipped, and English is the last resort.

use http::header::ACCEPT_LANGUAGE;

use super::model::Client;

type Request<'r, 'a> = &'r oauth2_provider::AuthorizationRequest<'a, Client>;

/// Every text of the pages, in one language.
pub struct Texts {
    /// The `lang` attribute (BCP 47).
    pub lang: &'static str,
    pub sign_in_title: &'static str,
    pub sign_in_intro: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub sign_in: &'static str,
    pub wrong_password: &'static str,
    pub too_many: &'static str,
    pub authorize: &'static str,
    pub signed_in_as: &'static str,
    pub not_you: &'static str,
    pub asks_for: &'static str,
    pub nothing_particular: &'static str,
    pub approved_before: &'static str,
    pub for_use_at: &'static str,
    pub sends_you_to: &'static str,
    pub loopback_warning: &'static str,
    pub allow: &'static str,
    pub deny: &'static str,
    pub refused_title: &'static str,
    pub refused: &'static str,
    pub unavailable_title: &'static str,
    pub unavailable: &'static str,
    pub device_title: &'static str,
    pub device_code: &'static str,
    pub device_continue: &'static str,
    pub device_intro: &'static str,
    pub device_unknown: &'static str,
    pub device_allowed: &'static str,
    pub device_denied: &'static str,
    /// Scope descriptions in this language, by scope name; the declared (English) one else.
    pub scopes: &'static [(&'static str, &'static str)],
}

pub static EN: Texts = Texts {
    lang: "en",
    sign_in_title: "Sign in",
    sign_in_intro: "wants to access your account.",
    username: "Username",
    password: "Password",
    sign_in: "Sign in",
    wrong_password: "Wrong username or password.",
    too_many: "Too many sign-in attempts. Try again in a moment.",
    authorize: "Authorize",
    signed_in_as: "Signed in as",
    not_you: "Not you?",
    asks_for: "asks for:",
    nothing_particular: "no particular access",
    approved_before: "approved before",
    for_use_at: "for use at:",
    sends_you_to: "After your decision you will be sent to",
    loopback_warning: "This application runs on your own device (every address it registered is a loopback one). Only continue if you started it yourself.",
    allow: "Allow",
    deny: "Deny",
    refused_title: "Request refused",
    refused: "The form was stale or not sent from this site. Go back and try again.",
    unavailable_title: "Temporarily unavailable",
    unavailable: "Sign-in is not possible right now. Try again in a moment.",
    device_title: "Connect a device",
    device_code: "Code shown on your device",
    device_continue: "Continue",
    device_intro: "asks to connect with the code",
    device_unknown: "This code is unknown or has expired. Check it and try again.",
    device_allowed: "Your device is connected. You can close this page.",
    device_denied: "The device was not connected.",
    scopes: &[],
};

pub static DE: Texts = Texts {
    lang: "de",
    sign_in_title: "Anmelden",
    sign_in_intro: "möchte auf Ihr Konto zugreifen.",
    username: "Benutzername",
    password: "Passwort",
    sign_in: "Anmelden",
    wrong_password: "Benutzername oder Passwort ist falsch.",
    too_many: "Zu viele Anmeldeversuche. Versuchen Sie es gleich noch einmal.",
    authorize: "Zugriff erlauben für",
    signed_in_as: "Angemeldet als",
    not_you: "Nicht Sie?",
    asks_for: "bittet um:",
    nothing_particular: "keinen besonderen Zugriff",
    approved_before: "bereits erlaubt",
    for_use_at: "zur Verwendung bei:",
    sends_you_to: "Nach Ihrer Entscheidung werden Sie weitergeleitet zu",
    loopback_warning: "Diese Anwendung läuft auf Ihrem eigenen Gerät (alle registrierten Adressen sind Loopback-Adressen). Fahren Sie nur fort, wenn Sie sie selbst gestartet haben.",
    allow: "Erlauben",
    deny: "Ablehnen",
    refused_title: "Anfrage abgelehnt",
    refused: "Das Formular war veraltet oder kam nicht von dieser Seite. Gehen Sie zurück und versuchen Sie es erneut.",
    unavailable_title: "Vorübergehend nicht verfügbar",
    unavailable: "Die Anmeldung ist gerade nicht möglich. Versuchen Sie es gleich noch einmal.",
    device_title: "Gerät verbinden",
    device_code: "Code auf Ihrem Gerät",
    device_continue: "Weiter",
    device_intro: "möchte sich mit dem Code verbinden",
    device_unknown: "Dieser Code ist unbekannt oder abgelaufen. Bitte prüfen und erneut versuchen.",
    device_allowed: "Ihr Gerät ist verbunden. Sie können diese Seite schließen.",
    device_denied: "Das Gerät wurde nicht verbunden.",
    scopes: &[
        ("read", "Ihre Notizen lesen"),
        ("write", "Ihre Notizen ändern"),
        ("profile", "Ihren Namen und Ihr Profil sehen"),
        ("email", "Ihre E-Mail-Adresse sehen"),
        ("phone", "Ihre Telefonnummer sehen"),
        ("address", "Ihre Postanschrift sehen"),
        ("openid", "Sie anmelden"),
        (
            "offline_access",
            "Zugriff behalten, wenn Sie nicht angemeldet sind",
        ),
    ],
};

/// The languages shipped, by primary subtag.
const SHIPPED: [&Texts; 2] = [&EN, &DE];

impl Texts {
    /// The description of scope `name` in this language, else `declared`.
    pub fn scope(&self, name: &str, declared: Option<&'static str>) -> Option<&'static str> {
        self.scopes
            .iter()
            .find(|(scope, _)| *scope == name)
            .map(|(_, text)| *text)
            .or(declared)
    }
}

/// The texts for a page outside an authorization request (the device page): the browser's
/// languages alone.
pub fn texts_of(headers: &http::HeaderMap) -> &'static Texts {
    let accepted = headers
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    choose(
        accepted
            .split(',')
            .map(|range| range.split(';').next().unwrap_or_default()),
    )
}

fn choose<'a>(wanted: impl Iterator<Item = &'a str>) -> &'static Texts {
    wanted
        .filter_map(|tag| tag.trim().split('-').next())
        .find_map(|primary| {
            SHIPPED
                .into_iter()
                .find(|texts| texts.lang.eq_ignore_ascii_case(primary))
        })
        .unwrap_or(&EN)
}

/// The texts for `request`: the first of its `ui_locales` shipped here, else the first of the
/// browser's languages, else English.
pub fn texts(request: Request<'_, '_>) -> &'static Texts {
    let ui_locales = request.param("ui_locales").unwrap_or_default();
    let accepted = request
        .http()
        .headers
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let wanted = ui_locales.split(' ').chain(
        accepted
            .split(',')
            .map(|range| range.split(';').next().unwrap_or_default()),
    );
    choose(wanted)
}
