//! The model derives on users' own structs: accessors read the annotated fields, `new` fills the
//! others with `Default`, generic structs and structs with lifetimes work.

use std::borrow::Cow;
use std::collections::HashSet;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use oauth2_provider::model::{AccessKind, NewCode, NewToken, RefreshKind, TokenModel};
use oauth2_provider::model::{GrantId, TokenHash};
use oauth2_provider::pkce::{ChallengeMethod, PkceChallenge};
use oauth2_provider::{
    AccessToken, AuthorizationCode, OAuthClient, RefreshToken, ResourceOwner, scopes,
};

#[scopes(read = 1 << 0, write = 1 << 1, admin = 1 << 2, default = read)]
pub struct Scope;

#[derive(OAuthClient)]
pub struct App {
    #[oauth(client_id)]
    id: String,
    #[oauth(secret_hash)]
    secret: Option<String>,
    #[oauth(redirect_uris)]
    callbacks: Vec<String>,
    #[oauth(scope)]
    allowed: Scope,
    #[oauth(grant_types)]
    grants: Vec<String>,
    #[allow(dead_code)]
    display_name: String,
}

/// Without `grant_types`, every grant is allowed; a generic scope and id type.
#[derive(OAuthClient)]
pub struct GenericApp<S, Id>
where
    Id: Send + Sync,
{
    #[oauth(client_id)]
    id: Id,
    #[oauth(secret_hash)]
    secret: Option<Box<str>>,
    #[oauth(redirect_uris)]
    callbacks: Box<[String]>,
    #[oauth(scope)]
    allowed: S,
}

/// A client configured in a `static`: borrowed fields, so the impl is for `StaticApp<'static>`.
#[derive(OAuthClient)]
pub struct StaticApp<'a> {
    #[oauth(client_id)]
    id: &'a str,
    #[oauth(secret_hash)]
    secret: Option<&'a str>,
    #[oauth(redirect_uris)]
    callbacks: &'a [String],
    #[oauth(scope)]
    allowed: Scope,
    #[oauth(grant_types)]
    grants: &'a [&'a str],
}

#[derive(ResourceOwner)]
pub struct User {
    #[oauth(subject)]
    id: i64,
    #[allow(dead_code)]
    name: String,
}

#[derive(ResourceOwner)]
pub struct GenericUser<Id> {
    #[oauth(subject)]
    id: Id,
}

#[derive(ResourceOwner)]
pub struct BorrowedUser<'a> {
    #[oauth(subject)]
    name: Cow<'a, str>,
}

#[derive(AuthorizationCode, Debug)]
pub struct CodeRow {
    #[oauth(code_hash)]
    hash: TokenHash,
    #[oauth(grant_id)]
    grant: GrantId,
    #[oauth(client_id)]
    client: String,
    #[oauth(subject)]
    user: Arc<str>,
    #[oauth(redirect_uri)]
    redirect_uri: Option<String>,
    #[oauth(scope)]
    scope: Scope,
    #[oauth(challenge)]
    challenge: Option<PkceChallenge>,
    #[oauth(expires_at)]
    expires: SystemTime,
    row_id: u64,
    tags: Vec<String>,
    #[oauth(extras)]
    extras: ::oauth2_provider::model::Extras,
}

/// One struct for both token kinds, generic over the scope and an extra field.
#[derive(AccessToken, RefreshToken)]
pub struct TokenRow<S, M> {
    #[oauth(token_hash)]
    hash: TokenHash,
    #[oauth(grant_id)]
    grant: GrantId,
    #[oauth(client_id)]
    client: Box<str>,
    #[oauth(subject)]
    user: Option<String>,
    #[oauth(scope)]
    scope: S,
    #[oauth(expires_at)]
    expires: Option<SystemTime>,
    meta: M,
    #[oauth(extras)]
    extras: ::oauth2_provider::model::Extras,
}

/// A token row with a lifetime: `Cow<'static, str>` when the runtime creates it.
#[derive(AccessToken)]
pub struct CowToken<'a> {
    #[oauth(token_hash)]
    hash: TokenHash,
    #[oauth(grant_id)]
    grant: GrantId,
    #[oauth(client_id)]
    client: Cow<'a, str>,
    #[oauth(subject)]
    user: Option<String>,
    #[oauth(scope)]
    scope: Scope,
    #[oauth(expires_at)]
    expires: Option<SystemTime>,
    marker: PhantomData<&'a ()>,
    #[oauth(extras)]
    extras: ::oauth2_provider::model::Extras,
}

fn app() -> App {
    App {
        id: "app".into(),
        secret: Some("$hash".into()),
        callbacks: vec!["https://app.example/cb".into()],
        allowed: Scope::READ | Scope::WRITE,
        grants: vec!["authorization_code".into(), "refresh_token".into()],
        display_name: "App".into(),
    }
}

#[test]
fn client_reads_its_fields() {
    let app = app();
    assert_eq!(app.client_id(), "app");
    assert_eq!(app.secret_hash(), Some("$hash"));
    assert!(app.is_confidential());
    assert_eq!(app.redirect_uris(), ["https://app.example/cb".to_owned()]);
    assert_eq!(app.allowed_scope(), Scope::READ | Scope::WRITE);
    assert!(app.allows_grant_type("authorization_code"));
    assert!(app.allows_grant_type("refresh_token"));
    assert!(!app.allows_grant_type("password"));
}

#[test]
fn generic_client_without_grant_types_allows_every_grant() {
    let app = GenericApp {
        id: Arc::<str>::from("generic"),
        secret: None,
        callbacks: vec!["https://g.example/cb".to_owned()].into_boxed_slice(),
        allowed: Scope::ADMIN,
    };
    assert_eq!(app.client_id(), "generic");
    assert_eq!(app.secret_hash(), None);
    assert!(!app.is_confidential());
    assert_eq!(app.redirect_uris().len(), 1);
    assert_eq!(app.allowed_scope(), Scope::ADMIN);
    assert!(app.allows_grant_type("password"));
    fn is_client<C: OAuthClient<Scope = Scope>>(_: &C) {}
    is_client(&app);
}

static CALLBACKS: [String; 0] = [];
static STATIC_APP: StaticApp<'static> = StaticApp {
    id: "static",
    secret: Some("$static"),
    callbacks: &CALLBACKS,
    allowed: Scope::READ,
    grants: &["client_credentials"],
};

#[test]
fn client_with_a_lifetime() {
    assert_eq!(STATIC_APP.client_id(), "static");
    assert_eq!(STATIC_APP.secret_hash(), Some("$static"));
    assert!(STATIC_APP.redirect_uris().is_empty());
    assert_eq!(STATIC_APP.allowed_scope(), Scope::READ);
    assert!(STATIC_APP.allows_grant_type("client_credentials"));
    assert!(!STATIC_APP.allows_grant_type("authorization_code"));
}

#[test]
fn grant_types_may_be_any_collection() {
    #[derive(OAuthClient)]
    struct SetApp {
        #[oauth(client_id)]
        id: String,
        #[oauth(secret_hash)]
        secret: Option<String>,
        #[oauth(redirect_uris)]
        callbacks: Vec<String>,
        #[oauth(scope)]
        allowed: Scope,
        #[oauth(grant_types)]
        grants: HashSet<&'static str>,
    }
    let app = SetApp {
        id: "set".into(),
        secret: None,
        callbacks: Vec::new(),
        allowed: Scope::empty(),
        grants: HashSet::from(["implicit"]),
    };
    assert!(app.allows_grant_type("implicit"));
    assert!(!app.allows_grant_type("password"));
    assert_eq!((app.client_id(), app.secret_hash()), ("set", None));
    assert!(app.redirect_uris().is_empty() && app.allowed_scope().is_empty());
}

#[test]
fn grant_types_through_a_pointer_or_a_parameter() {
    #[derive(OAuthClient)]
    struct SharedApp<G: Send + Sync + 'static> {
        #[oauth(client_id)]
        id: String,
        #[oauth(secret_hash)]
        secret: Option<String>,
        #[oauth(redirect_uris)]
        callbacks: Vec<String>,
        #[oauth(scope)]
        allowed: Scope,
        #[oauth(grant_types)]
        grants: G,
    }
    #[derive(OAuthClient)]
    struct StaticGrants {
        #[oauth(client_id)]
        id: String,
        #[oauth(secret_hash)]
        secret: Option<String>,
        #[oauth(redirect_uris)]
        callbacks: Vec<String>,
        #[oauth(scope)]
        allowed: Scope,
        #[oauth(grant_types)]
        grants: Cow<'static, [&'static str]>,
    }
    #[derive(OAuthClient)]
    struct SharedGrants {
        #[oauth(client_id)]
        id: String,
        #[oauth(secret_hash)]
        secret: Option<String>,
        #[oauth(redirect_uris)]
        callbacks: Vec<String>,
        #[oauth(scope)]
        allowed: Scope,
        #[oauth(grant_types)]
        grants: Arc<[String]>,
    }
    let shared = SharedApp {
        id: "shared".into(),
        secret: None,
        callbacks: Vec::new(),
        allowed: Scope::empty(),
        grants: vec!["password".to_owned()],
    };
    assert!(shared.allows_grant_type("password"));
    assert!(!shared.allows_grant_type("implicit"));
    let fixed = StaticGrants {
        id: "static".into(),
        secret: None,
        callbacks: Vec::new(),
        allowed: Scope::empty(),
        grants: Cow::Borrowed(&["client_credentials"]),
    };
    assert!(fixed.allows_grant_type("client_credentials"));
    assert!(!fixed.allows_grant_type("password"));
    let pointed = SharedGrants {
        id: "pointed".into(),
        secret: None,
        callbacks: Vec::new(),
        allowed: Scope::empty(),
        grants: Arc::from(["refresh_token".to_owned()]),
    };
    assert!(pointed.allows_grant_type("refresh_token"));
    assert!(!pointed.allows_grant_type("password"));
}

#[test]
fn owner_subject_is_the_field_as_a_string() {
    let user = User {
        id: 42,
        name: "Ada".into(),
    };
    assert_eq!(user.subject(), "42");
    let generic = GenericUser {
        id: uuid_like("0f0e"),
    };
    assert_eq!(generic.subject(), "id-0f0e");
    let borrowed: BorrowedUser<'static> = BorrowedUser {
        name: Cow::Borrowed("ada"),
    };
    assert_eq!(borrowed.subject(), "ada");
}

/// A user type with a `Display`, as an id type would have.
struct UuidLike(&'static str);

impl std::fmt::Display for UuidLike {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "id-{}", self.0)
    }
}

fn uuid_like(s: &'static str) -> UuidLike {
    UuidLike(s)
}

fn new_code() -> NewCode<Scope> {
    NewCode {
        code_hash: TokenHash::of("code"),
        grant_id: GrantId::from_bytes([7; 16]),
        client_id: "app".into(),
        subject: "42".into(),
        redirect_uri: Some("https://app.example/cb".into()),
        scope: Scope::READ,
        challenge: PkceChallenge::new(
            ChallengeMethod::S256,
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        ),
        expires_at: SystemTime::UNIX_EPOCH + Duration::from_secs(600),
        extras: Default::default(),
    }
}

#[test]
fn code_new_takes_the_roles_and_defaults_the_rest() {
    let code = CodeRow::new(new_code());
    assert_eq!(code.code_hash(), &TokenHash::of("code"));
    assert_eq!(code.grant_id(), GrantId::from_bytes([7; 16]));
    assert_eq!(AuthorizationCode::client_id(&code), "app");
    assert_eq!(AuthorizationCode::subject(&code), "42");
    assert_eq!(code.redirect_uri(), Some("https://app.example/cb"));
    assert_eq!(AuthorizationCode::scope(&code), Scope::READ);
    assert_eq!(
        code.challenge().map(PkceChallenge::method),
        Some(ChallengeMethod::S256)
    );
    assert_eq!(
        AuthorizationCode::expires_at(&code),
        SystemTime::UNIX_EPOCH + Duration::from_secs(600)
    );
    assert_eq!(code.row_id, 0);
    assert!(code.tags.is_empty());
    // The fields hold what the accessors read.
    assert_eq!(&*code.user, "42");
    assert_eq!(
        (code.hash, code.grant, code.client.as_str()),
        (TokenHash::of("code"), GrantId::from_bytes([7; 16]), "app")
    );
    assert!(code.redirect_uri.is_some() && code.challenge.is_some() && code.scope == Scope::READ);
    assert!(code.expires > SystemTime::UNIX_EPOCH);
}

fn new_token(subject: Option<&str>) -> NewToken<Scope> {
    NewToken {
        token_hash: TokenHash::of("token"),
        grant_id: GrantId::from_bytes([9; 16]),
        client_id: "app".into(),
        subject: subject.map(str::to_owned),
        scope: Scope::READ | Scope::WRITE,
        expires_at: Some(SystemTime::UNIX_EPOCH + Duration::from_secs(3600)),
        extras: Default::default(),
    }
}

#[test]
fn generic_token_row_is_both_token_kinds() {
    let access: TokenRow<Scope, Vec<u8>> = TokenModel::<AccessKind>::new(new_token(Some("42")));
    assert_eq!(
        TokenModel::<AccessKind>::token_hash(&access),
        &TokenHash::of("token")
    );
    assert_eq!(
        TokenModel::<AccessKind>::grant_id(&access),
        GrantId::from_bytes([9; 16])
    );
    assert_eq!(TokenModel::<AccessKind>::client_id(&access), "app");
    assert_eq!(TokenModel::<AccessKind>::subject(&access), Some("42"));
    assert_eq!(
        TokenModel::<AccessKind>::scope(&access),
        Scope::READ | Scope::WRITE
    );
    assert_eq!(
        TokenModel::<AccessKind>::expires_at(&access),
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(3600))
    );
    assert!(TokenModel::<AccessKind>::is_expired(
        &access,
        SystemTime::now()
    ));
    assert!(access.meta.is_empty());

    let refresh: TokenRow<Scope, (u32, String)> = TokenModel::<RefreshKind>::new(new_token(None));
    assert_eq!(TokenModel::<RefreshKind>::subject(&refresh), None);
    assert_eq!(TokenModel::<RefreshKind>::client_id(&refresh), "app");
    assert_eq!(refresh.meta, (0, String::new()));
    assert_eq!(&*refresh.client, "app");
    assert!(
        refresh.hash == TokenHash::of("token") && refresh.grant == GrantId::from_bytes([9; 16])
    );
    assert!(
        refresh.user.is_none()
            && refresh.expires.is_some()
            && refresh.scope == Scope::READ | Scope::WRITE
    );
}

#[test]
fn token_with_a_lifetime() {
    let token: CowToken<'static> = CowToken::new(new_token(Some("7")));
    assert!(matches!(token.client, Cow::Owned(ref s) if s == "app"));
    assert_eq!(token.client_id(), "app");
    assert_eq!(token.subject(), Some("7"));
    assert_eq!(token.token_hash(), &token.hash);
    assert_eq!(token.grant_id(), token.grant);
    assert_eq!(token.scope(), token.scope);
    assert_eq!(token.expires_at(), token.expires);
    let _: PhantomData<&()> = token.marker;
}
