//! The password (§4.3) and extension (§8.3) grants' errors.

use super::*;

// ---------------------------------------------------------------------------------------------
// The password grant (§4.3).

#[tokio::test]
async fn password_errors() {
    let server = password_server();
    let wrong = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", "password"),
            ("username", ALICE),
            ("password", "not-wonderland"),
        ],
    )
    .await;
    assert_token_error(
        &wrong,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        &["not-wonderland"],
    );
    let nobody = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", "password"),
            ("username", "mallory"),
            ("password", ALICE_PASSWORD),
        ],
    )
    .await;
    assert_token_error(
        &nobody,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        &["mallory", ALICE_PASSWORD],
    );
    // Wrong password and unknown user are indistinguishable.
    assert_eq!(wrong.body, nobody.body);

    for params in [
        vec![("grant_type", "password"), ("username", ALICE)],
        vec![("grant_type", "password"), ("password", ALICE_PASSWORD)],
        vec![
            ("grant_type", "password"),
            ("username", ALICE),
            ("password", ""),
        ],
    ] {
        let reply = token(&server, Auth::Basic(WEB, WEB_SECRET), &params).await;
        assert_token_error(
            &reply,
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &[ALICE_PASSWORD],
        );
    }
    assert_eq!(counts(&server), EMPTY);
}

// ---------------------------------------------------------------------------------------------
// Extension grants (§8.3).

#[tokio::test]
async fn extension_grant_errors() {
    let server = server();
    let bad = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", JWT_BEARER),
            ("assertion", "forged.assertion"),
        ],
    )
    .await;
    assert_token_error(
        &bad,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        &["forged.assertion"],
    );
    let missing = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[("grant_type", JWT_BEARER)],
    )
    .await;
    assert_token_error(&missing, StatusCode::BAD_REQUEST, "invalid_request", &[]);
    // The hook granted admin; WEB may not hold it, and the runtime cuts that off.
    let beyond = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", JWT_BEARER),
            ("assertion", GOOD_ASSERTION),
            ("scope", "read admin"),
        ],
    )
    .await;
    assert_token_error(&beyond, StatusCode::BAD_REQUEST, "invalid_scope", &[]);
    // Client authentication still applies.
    let unauthenticated = token(
        &server,
        Auth::Basic(WEB, "wrong"),
        &[("grant_type", JWT_BEARER), ("assertion", GOOD_ASSERTION)],
    )
    .await;
    assert_token_error(
        &unauthenticated,
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        &[],
    );
    assert_eq!(counts(&server), EMPTY);
}
