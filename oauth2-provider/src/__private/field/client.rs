//! The roles of `#[derive(OAuthClient)]`, in the order of the trait's methods, and
//! `client_keys`, which joins the `jwks` and `jwks_uri` fields into `jwks()`.

use std::borrow::Borrow;
use std::ops::Deref;

use crate::grant;
use crate::model::{self, ClientKeys};

role! {
    /// `#[oauth(client_id)]` of `#[derive(OAuthClient)]`.
    ClientId
    message = "`#[oauth(client_id)]` needs a field that can be read as `&str`, such as `String`; this is `{Self}`",
    label = "not readable as `&str`",
    note = "the field is read with `Borrow<str>`, as `String`, `Box<str>`, `Arc<str>` and `&str` are",
    impl [T: Borrow<str>] for T;
    fn read(&self) -> &str { self.borrow() }
}

role! {
    /// `#[oauth(secret_hash)]` of `#[derive(OAuthClient)]`.
    SecretHash
    message = "`#[oauth(secret_hash)]` needs a field that can be read as `Option<&str>`, such as `Option<String>`; this is `{Self}`",
    label = "not readable as `Option<&str>`",
    note = "a public client has no secret, `None`; the field is read with `Option::as_deref`, as `Option<String>`, `Option<Box<str>>` and `Option<&str>` are",
    impl [T: Deref<Target = str>] for Option<T>;
    fn read(&self) -> Option<&str> { self.as_deref() }
}

role! {
    /// `#[oauth(redirect_uris)]` of `#[derive(OAuthClient)]`.
    RedirectUris
    message = "`#[oauth(redirect_uris)]` needs a field that can be read as `&[String]`, such as `Vec<String>`; this is `{Self}`",
    label = "not readable as `&[String]`",
    note = "the field is read with `Borrow<[String]>`, as `Vec<String>`, `Box<[String]>` and `&[String]` are",
    impl [T: Borrow<[String]>] for T;
    fn read(&self) -> &[String] { self.borrow() }
}

/// `#[oauth(grant_types)]` of `#[derive(OAuthClient)]`: a collection whose `&` iterates
/// strings. Called as a method, `self.field.allows_grant_type(..)`, so that autoderef finds
/// it through a reference or a smart pointer as it finds `into_iter`.
#[diagnostic::on_unimplemented(
    message = "`#[oauth(grant_types)]` needs a collection of grant types, such as `Vec<String>`; this is `{Self}`",
    label = "not a collection of grant types",
    note = "`&` of the field must iterate items that are `AsRef<str>`, as `&Vec<String>`, `&HashSet<&str>` and `&[&str]` do"
)]
pub trait GrantTypes {
    /// Whether the collection holds `grant_type`.
    fn allows_grant_type(&self, grant_type: &str) -> bool;
}

#[diagnostic::do_not_recommend]
impl<T: ?Sized> GrantTypes for T
where
    for<'a> &'a T: IntoIterator<Item: AsRef<str>>,
{
    fn allows_grant_type(&self, grant_type: &str) -> bool {
        self.into_iter()
            .any(|allowed| allowed.as_ref() == grant_type)
    }
}

role! {
    /// `#[oauth(auth_method)]` of `#[derive(OAuthClient)]`: the method itself, or its
    /// registered name.
    AuthMethod
    message = "`#[oauth(auth_method)]` needs a field of type `AuthMethod` or `Option<AuthMethod>`, or a string holding the method's registered name, such as `String`; this is `{Self}`",
    label = "neither an `AuthMethod` nor a method's name",
    note = "a name is read with `AuthMethod::from_name`, as `String`, `&str` and an `Option` of a `Deref<Target = str>` are; a name it does not know, like `None`, registers no method",
    fn read(&self) -> Option<model::AuthMethod>;
    impl for model::AuthMethod { Some(*self) }
    impl for Option<model::AuthMethod> { *self }
    impl for String { model::AuthMethod::from_name(self) }
    impl ['a] for &'a str { model::AuthMethod::from_name(self) }
    impl [T: Deref<Target = str>] for Option<T> {
        self.as_deref().and_then(model::AuthMethod::from_name)
    }
}

role! {
    /// `#[oauth(jwks)]` of `#[derive(OAuthClient)]`: a JWK Set; `null` is none.
    Jwks
    message = "`#[oauth(jwks)]` needs a field of type `Option<serde_json::Value>` or `serde_json::Value`; this is `{Self}`",
    label = "not a JSON value",
    note = "the field holds the client's JWK Set, `{{\"keys\": [...]}}`; without one (`None` or `null`), `jwks()` reads the `#[oauth(jwks_uri)]` field",
    fn read(&self) -> Option<&serde_json::Value>;
    impl for serde_json::Value { Some(self).filter(|jwks| !jwks.is_null()) }
    impl for Option<serde_json::Value> { self.as_ref().filter(|jwks| !jwks.is_null()) }
}

role! {
    /// `#[oauth(jwks_uri)]` of `#[derive(OAuthClient)]`: a URL; empty is none.
    JwksUri
    message = "`#[oauth(jwks_uri)]` needs a field that can be read as `Option<&str>`, such as `Option<String>` or `String`; this is `{Self}`",
    label = "not readable as `Option<&str>`",
    note = "the field is read as `String`, `&str` and an `Option` of a `Deref<Target = str>` are; `None` or an empty string is no URI",
    fn read(&self) -> Option<&str>;
    impl for String { Some(self.as_str()).filter(|uri| !uri.is_empty()) }
    impl ['a] for &'a str { Some(*self).filter(|uri| !uri.is_empty()) }
    impl [T: Deref<Target = str>] for Option<T> {
        self.as_deref().filter(|uri| !uri.is_empty())
    }
}

/// `jwks()` of a derived client: its key set, else its `jwks_uri`.
pub fn client_keys<'a>(
    jwks: Option<&'a serde_json::Value>,
    uri: Option<&'a str>,
) -> Option<ClientKeys<'a>> {
    jwks.map(ClientKeys::Jwks).or(uri.map(ClientKeys::Uri))
}

role! {
    /// `#[oauth(assertion_secret)]` of `#[derive(OAuthClient)]`: bytes, or a string's bytes;
    /// empty is none, so that an empty key never MACs an assertion.
    AssertionSecret
    message = "`#[oauth(assertion_secret)]` needs a field that can be read as bytes, such as `Option<Vec<u8>>`, `Vec<u8>`, `Option<String>` or `String`; this is `{Self}`",
    label = "not readable as `Option<&[u8]>`",
    note = "the field is read as `Vec<u8>`, `String` and an `Option` of an `AsRef<[u8]>` are; `None` or an empty secret is no secret",
    fn read(&self) -> Option<&[u8]>;
    impl for Vec<u8> { Some(self.as_slice()).filter(|secret| !secret.is_empty()) }
    impl for String { Some(self.as_bytes()).filter(|secret| !secret.is_empty()) }
    impl [T: AsRef<[u8]>] for Option<T> {
        self.as_ref().map(AsRef::as_ref).filter(|secret| !secret.is_empty())
    }
}

role! {
    /// `#[oauth(resource_server)]` of `#[derive(OAuthClient)]`.
    ResourceServer
    message = "`#[oauth(resource_server)]` needs a `bool` field; this is `{Self}`",
    label = "not a `bool`",
    note = "`true` marks a protected resource, which may introspect every client's access tokens",
    impl for bool;
    fn read(&self) -> bool { *self }
}

role! {
    /// `#[oauth(access_token_format)]` of `#[derive(OAuthClient)]`: the format itself, or its
    /// name.
    AccessTokenFormat
    message = "`#[oauth(access_token_format)]` needs a field of type `TokenFormat` or `Option<TokenFormat>`, or a string holding the format's name, such as `String`; this is `{Self}`",
    label = "neither a `TokenFormat` nor a format's name",
    note = "a name (`opaque`, `jwt`) is read with `TokenFormat::from_name`, as `String`, `&str` and an `Option` of a `Deref<Target = str>` are; `None`, or another name, is the provider's format",
    fn read(&self) -> Option<model::TokenFormat>;
    impl for model::TokenFormat { Some(*self) }
    impl for Option<model::TokenFormat> { *self }
    impl for String { model::TokenFormat::from_name(self) }
    impl ['a] for &'a str { model::TokenFormat::from_name(self) }
    impl [T: Deref<Target = str>] for Option<T> {
        self.as_deref().and_then(model::TokenFormat::from_name)
    }
}

/// `#[oauth(resources)]` of `#[derive(OAuthClient)]`: a collection whose `&` iterates
/// resource URIs, called as a method like [`GrantTypes`].
#[diagnostic::on_unimplemented(
    message = "`#[oauth(resources)]` needs a collection of resource URIs, such as `Vec<String>`; this is `{Self}`",
    label = "not a collection of resource URIs",
    note = "`&` of the field must iterate items that are `AsRef<str>`, as `&Vec<String>`, `&HashSet<&str>` and `&[&str]` do"
)]
pub trait Resources {
    /// Whether the collection holds `resource`.
    fn allows_resource(&self, resource: &str) -> bool;
}

#[diagnostic::do_not_recommend]
impl<T: ?Sized> Resources for T
where
    for<'a> &'a T: IntoIterator<Item: AsRef<str>>,
{
    fn allows_resource(&self, resource: &str) -> bool {
        self.into_iter().any(|allowed| allowed.as_ref() == resource)
    }
}

role! {
    /// `#[oauth(refresh_grace)]` of `#[derive(OAuthClient)]`.
    RefreshGrace
    message = "`#[oauth(refresh_grace)]` needs a field of type `Option<RefreshGrace>` or `RefreshGrace`; this is `{Self}`",
    label = "not a `RefreshGrace`",
    note = "`None` is the provider's policy, `Config::refresh_grace`",
    fn read(&self) -> Option<grant::RefreshGrace>;
    impl for grant::RefreshGrace { Some(*self) }
    impl for Option<grant::RefreshGrace> { *self }
}

role! {
    /// `#[oauth(dpop_bound_access_tokens)]` of `#[derive(OAuthClient)]`.
    DpopBound
    message = "`#[oauth(dpop_bound_access_tokens)]` needs a `bool` field; this is `{Self}`",
    label = "not a `bool`",
    note = "`true` refuses this client's token requests that carry no valid DPoP proof (RFC 9449 §5.2)",
    impl for bool;
    fn read(&self) -> bool { *self }
}

role! {
    /// `#[oauth(require_pushed_authorization_requests)]` of `#[derive(OAuthClient)]`.
    PushedRequests
    message = "`#[oauth(require_pushed_authorization_requests)]` needs a `bool` field; this is `{Self}`",
    label = "not a `bool`",
    note = "`true` refuses this client's authorization requests that were not pushed (RFC 9126 §6)",
    impl for bool;
    fn read(&self) -> bool { *self }
}
