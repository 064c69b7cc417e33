//! Dispatch (grant types switched on and off) and scope (RFC 6749 §3.3).

use super::*;

// ---------------------------------------------------------------------------------------------
// Dispatch: grant types switched on and off, per provider and per client.

#[tokio::test]
async fn a_missing_grant_type_is_invalid_request() {
    let server = server();
    let reply = token(
        &server,
        Auth::Basic(SERVICE, SERVICE_SECRET),
        &[("scope", "read")],
    )
    .await;
    assert_token_error(&reply, StatusCode::BAD_REQUEST, "invalid_request", &[]);
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn an_unknown_grant_type_is_unsupported() {
    let server = server();
    for grant_type in [
        "magic",
        "urn:ietf:params:oauth:grant-type:saml2-bearer",
        // The implicit grant has no token request (§4.2).
        "implicit",
        "Client_Credentials",
    ] {
        let reply = token(
            &server,
            Auth::Basic(SERVICE, SERVICE_SECRET),
            &[("grant_type", grant_type)],
        )
        .await;
        assert_token_error(
            &reply,
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &[grant_type],
        );
    }
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn password_is_off_by_default() {
    let server = server();
    let reply = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", "password"),
            ("username", ALICE),
            ("password", ALICE_PASSWORD),
        ],
    )
    .await;
    assert_token_error(
        &reply,
        StatusCode::BAD_REQUEST,
        "unsupported_grant_type",
        &[ALICE_PASSWORD],
    );
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn a_grant_switched_off_in_the_config_is_unsupported() {
    for (grant, params) in [
        (
            GrantType::ClientCredentials,
            vec![("grant_type", "client_credentials")],
        ),
        (
            GrantType::AuthorizationCode,
            vec![("grant_type", "authorization_code"), ("code", "whatever")],
        ),
        (
            GrantType::RefreshToken,
            vec![
                ("grant_type", "refresh_token"),
                ("refresh_token", "whatever"),
            ],
        ),
        (
            GrantType::Extension(JWT_BEARER),
            vec![("grant_type", JWT_BEARER), ("assertion", GOOD_ASSERTION)],
        ),
    ] {
        let server = serving(ALL_GRANTS, |c| {
            c.grants.disable(grant);
        });
        let reply = token(&server, Auth::Basic(OTHER, OTHER_SECRET), &params).await;
        assert_token_error(
            &reply,
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &[],
        );
        assert_eq!(counts(&server), EMPTY);
    }
}

#[tokio::test]
async fn a_grant_the_client_may_not_use_is_unauthorized_client() {
    let server = password_server();
    let cases = [
        (
            SERVICE,
            SERVICE_SECRET,
            vec![
                ("grant_type", "password"),
                ("username", ALICE),
                ("password", ALICE_PASSWORD),
            ],
        ),
        (
            SERVICE,
            SERVICE_SECRET,
            vec![("grant_type", JWT_BEARER), ("assertion", GOOD_ASSERTION)],
        ),
        (
            NO_REFRESH,
            NO_REFRESH_SECRET,
            vec![("grant_type", "client_credentials")],
        ),
    ];
    for (id, secret, params) in cases {
        let reply = token(&server, Auth::Basic(id, secret), &params).await;
        assert_token_error(
            &reply,
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            &[ALICE_PASSWORD, GOOD_ASSERTION],
        );
    }
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn client_credentials_is_for_confidential_clients_only() {
    let server = server();
    let reply = token(
        &server,
        Auth::Public(NATIVE),
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_token_error(&reply, StatusCode::BAD_REQUEST, "unauthorized_client", &[]);
    assert_eq!(counts(&server), EMPTY);
}

// ---------------------------------------------------------------------------------------------
// Scope (§3.3).

#[tokio::test]
async fn an_unknown_malformed_or_excessive_scope_is_invalid_scope() {
    let server = password_server();
    for requested in [
        "read delete",
        "read  write",
        " read",
        "read\"",
        // WEB may hold read and write only.
        "admin",
        "read write admin",
    ] {
        let cc = token(
            &server,
            Auth::Basic(WEB, WEB_SECRET),
            &[("grant_type", "client_credentials"), ("scope", requested)],
        )
        .await;
        assert_token_error(&cc, StatusCode::BAD_REQUEST, "invalid_scope", &[]);
        let password = token(
            &server,
            Auth::Basic(WEB, WEB_SECRET),
            &[
                ("grant_type", "password"),
                ("username", ALICE),
                ("password", ALICE_PASSWORD),
                ("scope", requested),
            ],
        )
        .await;
        assert_token_error(
            &password,
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            &[ALICE_PASSWORD],
        );
    }
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn a_combined_scope_name_is_accepted_and_answered_as_singles() {
    let server = server();
    let reply = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", "client_credentials"),
            ("scope", "read_write"),
        ],
    )
    .await;
    assert_token_ok(&reply);
    assert_eq!(reply.str("scope"), "read write");
}
