//! How `#[provider(...)]` passes the framework's arguments to the user's hook methods and
//! hands their futures back: one trait per argument and one per hook's output, whose impls are
//! the types the framework uses and whose messages name the hook and the argument.
//!
//! A plain `let arg: UserType = framework_value;` makes rustc call the user's type "expected"
//! and the framework's "found", the wrong way round for the user; a future of the wrong
//! output makes it speak of `impl Future<Output = ...>`. Passing the value through the
//! argument's trait, and the future through [`Returns`], reports either mistake as the trait's
//! message instead, and nothing else: the trait's method has the framework's type on one side
//! and the user's on the other, so the code around it is well typed whichever the user wrote.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

pin_project_lite::pin_project! {
    /// A hook method's future, its output passed through the hook's output trait, which the
    /// generated code names as `<_ as AuthenticateOwnerOutput<O>>::cast`. That path is where a
    /// wrong output is reported, the only place: this future is one of `O` whatever the
    /// method's output, so the trait method's `impl Future<Output = O>` holds.
    pub struct Returns<F: Future, O> {
        #[pin]
        future: F,
        cast: fn(F::Output) -> O,
    }
}

impl<F: Future, O> Returns<F, O> {
    /// The future of a hook method, and the cast of its output.
    pub fn new(future: F, cast: fn(F::Output) -> O) -> Self {
        Returns { future, cast }
    }
}

impl<F: Future, O> Future for Returns<F, O> {
    type Output = O;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<O> {
        let this = self.project();
        this.future.poll(cx).map(*this.cast)
    }
}

/// Per hook: the trait its method's output goes through.
macro_rules! outputs {
    ($($output:ident $attr:literal $message:literal;)*) => {$(
        #[doc = concat!("What the method of ", $attr, " resolves to: its own type.")]
        #[diagnostic::on_unimplemented(
            message = $message,
            label = "must return `{O}`",
            note = "what an `async fn` returns, or the `Output` of the future a `fn` returns"
        )]
        pub trait $output<O> {
            /// The output, as the framework's type.
            fn cast(self) -> O;
        }

        #[diagnostic::do_not_recommend]
        impl<O> $output<O> for O {
            fn cast(self) -> O {
                self
            }
        }
    )*};
}

outputs! {
    LookupClientOutput "`#[hook(lookup_client)]`"
        "`#[hook(lookup_client)]` must return `{O}`; this one returns `{Self}`";
    AuthenticateOwnerOutput "`#[hook(authenticate_owner)]`"
        "`#[hook(authenticate_owner)]` must return `{O}`; this one returns `{Self}`";
    ConsentOutput "`#[hook(consent)]`"
        "`#[hook(consent)]` must return `{O}`; this one returns `{Self}`";
    BeforeIssueOutput "`#[hook(before_issue)]`"
        "`#[hook(before_issue)]` must return `{O}`; this one returns `{Self}`";
    TokenIssuedOutput "`#[hook(token_issued)]`"
        "`#[hook(token_issued)]` must return `{O}`; this one returns `{Self}`";
    TokenRevokedOutput "`#[hook(token_revoked)]`"
        "`#[hook(token_revoked)]` must return `{O}`; this one returns `{Self}`";
    ThrottleOutput "`#[hook(throttle)]`"
        "`#[hook(throttle)]` must return `{O}`; this one returns `{Self}`";
    OwnerActiveOutput "`#[hook(owner_active)]`"
        "`#[hook(owner_active)]` must return `{O}`; this one returns `{Self}`";
    FindOwnerOutput "`#[hook(find_owner)]`"
        "`#[hook(find_owner)]` must return `{O}`; this one returns `{Self}`";
    ClaimsOutput "`#[hook(claims)]`"
        "`#[hook(claims)]` must return `{O}`; this one returns `{Self}`";
    RegisterClientOutput "`#[hook(register_client)]`"
        "`#[hook(register_client)]` must return `{O}`; this one returns `{Self}`";
    PasswordGrantOutput "`#[grant(password)]`"
        "`#[grant(password)]` must return `{O}`; this one returns `{Self}`";
    ClientCredentialsGrantOutput "`#[grant(client_credentials)]`"
        "`#[grant(client_credentials)]` must return `{O}`; this one returns `{Self}`";
    ExtensionGrantOutput "an extension grant"
        "an extension grant's method must return `{O}`; this one returns `{Self}`";
}

/// Per argument of a hook: the trait its value goes through.
macro_rules! arguments {
    ($($name:ident $arg:literal $attr:literal $message:literal;)*) => {$(
        #[doc = concat!("The `", $arg, "` argument of ", $attr, ": the framework's type.")]
        #[diagnostic::on_unimplemented(
            message = $message,
            label = "the framework passes `{T}` here"
        )]
        pub trait $name<T>: Sized {
            /// The framework's value, as the parameter's type.
            fn pass(value: T) -> Self;
        }

        #[diagnostic::do_not_recommend]
        impl<T> $name<T> for T {
            fn pass(value: T) -> T {
                value
            }
        }
    )*};
}

arguments! {
    LookupClientClientId "client_id" "`#[hook(lookup_client)]`"
        "the `client_id` argument of `#[hook(lookup_client)]` is `{T}`; this parameter is `{Self}`";
    AuthenticateOwnerUsername "username" "`#[hook(authenticate_owner)]`"
        "the `username` argument of `#[hook(authenticate_owner)]` is `{T}`; this parameter is `{Self}`";
    AuthenticateOwnerPassword "password" "`#[hook(authenticate_owner)]`"
        "the `password` argument of `#[hook(authenticate_owner)]` is `{T}`; this parameter is `{Self}`";
    ConsentRequest "request" "`#[hook(consent)]`"
        "the `request` argument of `#[hook(consent)]` is `{T}`; this parameter is `{Self}`";
    BeforeIssueGrantType "grant_type" "`#[hook(before_issue)]`"
        "the `grant_type` argument of `#[hook(before_issue)]` is `{T}`; this parameter is `{Self}`";
    BeforeIssueClient "client" "`#[hook(before_issue)]`"
        "the `client` argument of `#[hook(before_issue)]` is `{T}`; this parameter is `{Self}`";
    BeforeIssueGrant "grant" "`#[hook(before_issue)]`"
        "the `grant` argument of `#[hook(before_issue)]` is `{T}`; this parameter is `{Self}`";
    TokenIssuedEvent "event" "`#[hook(token_issued)]`"
        "the `event` argument of `#[hook(token_issued)]` is `{T}`; this parameter is `{Self}`";
    TokenRevokedEvent "event" "`#[hook(token_revoked)]`"
        "the `event` argument of `#[hook(token_revoked)]` is `{T}`; this parameter is `{Self}`";
    ThrottleAttempt "attempt" "`#[hook(throttle)]`"
        "the `attempt` argument of `#[hook(throttle)]` is `{T}`; this parameter is `{Self}`";
    OwnerActiveSubject "subject" "`#[hook(owner_active)]`"
        "the `subject` argument of `#[hook(owner_active)]` is `{T}`; this parameter is `{Self}`";
    FindOwnerSubject "subject" "`#[hook(find_owner)]`"
        "the `subject` argument of `#[hook(find_owner)]` is `{T}`; this parameter is `{Self}`";
    ClaimsSubject "subject" "`#[hook(claims)]`"
        "the `subject` argument of `#[hook(claims)]` is `{T}`; this parameter is `{Self}`";
    ClaimsScope "scope" "`#[hook(claims)]`"
        "the `scope` argument of `#[hook(claims)]` is `{T}`; this parameter is `{Self}`";
    RegisterClientRequest "request" "`#[hook(register_client)]`"
        "the `request` argument of `#[hook(register_client)]` is `{T}`; this parameter is `{Self}`";
    RegisterClientClient "client" "`#[hook(register_client)]`"
        "the `client` argument of `#[hook(register_client)]` is `{T}`; this parameter is `{Self}`";
    PasswordGrantRequest "request" "`#[grant(password)]`"
        "the `request` argument of `#[grant(password)]` is `{T}`; this parameter is `{Self}`";
    PasswordGrantClient "client" "`#[grant(password)]`"
        "the `client` argument of `#[grant(password)]` is `{T}`; this parameter is `{Self}`";
    ClientCredentialsGrantRequest "request" "`#[grant(client_credentials)]`"
        "the `request` argument of `#[grant(client_credentials)]` is `{T}`; this parameter is `{Self}`";
    ClientCredentialsGrantClient "client" "`#[grant(client_credentials)]`"
        "the `client` argument of `#[grant(client_credentials)]` is `{T}`; this parameter is `{Self}`";
    ExtensionGrantRequest "request" "an extension grant"
        "the `request` argument of an extension grant is `{T}`; this parameter is `{Self}`";
    ExtensionGrantClient "client" "an extension grant"
        "the `client` argument of an extension grant is `{T}`; this parameter is `{Self}`";
}
