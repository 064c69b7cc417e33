//! Token exchange (RFC 8693) over the provider's own tokens: the subject's token for part of its
//! audience and scope, the actor recorded as `act`, every other request refused.

use http::StatusCode;
use oauth2_provider::grant::token_exchange::{ACCESS_TOKEN, GRANT_TYPE, REFRESH_TOKEN};
use serde_json::{Value, json};

use crate::support::*;

async fn introspect(server: &TestServer, token: &str) -> Value {
    let mut request = token_request(Auth::Basic(API, API_SECRET), &[("token", token)]);
    *request.uri_mut() = "/introspect".parse().unwrap();
    JsonReply::from_response(server.introspect(request).await).body
}

/// Alice's tokens at the web client, for the MCP and documents resources.
async fn alice_tokens(server: &TestServer) -> JsonReply {
    let reply = authorize(
        server,
        &[
            ("response_type", "code"),
            ("client_id", WEB),
            ("redirect_uri", WEB_CALLBACK),
            ("scope", "read write"),
            ("resource", MCP_RESOURCE),
            ("resource", DOCS_RESOURCE),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("decision", "approve"),
        ],
        Some(ALICE),
    )
    .await;
    let code = reply.query()["code"].clone();
    let params = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", WEB_CALLBACK),
        ("code_verifier", VERIFIER),
    ];
    let tokens = token(server, Auth::Basic(WEB, WEB_SECRET), &params).await;
    assert_token_ok(&tokens);
    tokens
}

/// Who asks, with which parameters, and the status and error they get.
type Case<'a> = (Auth<'a>, Vec<(&'a str, &'a str)>, StatusCode, &'a str);

async fn exchange(server: &TestServer, auth: Auth<'_>, params: &[(&str, &str)]) -> JsonReply {
    let mut all = vec![("grant_type", GRANT_TYPE)];
    all.extend_from_slice(params);
    token(server, auth, &all).await
}

#[tokio::test]
async fn a_token_is_exchanged_for_part_of_its_audience_and_scope() {
    let server = resource_server(resources());
    let tokens = alice_tokens(&server).await;
    let reply = exchange(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("subject_token", tokens.access_token()),
            ("subject_token_type", ACCESS_TOKEN),
            ("resource", DOCS_RESOURCE),
            ("scope", "read"),
        ],
    )
    .await;
    assert_token_ok(&reply);
    assert_eq!(reply.body["issued_token_type"], ACCESS_TOKEN);
    assert_eq!(reply.body["token_type"], "Bearer");
    assert!(reply.body.get("refresh_token").is_none());
    let issued = introspect(&server, reply.access_token()).await;
    assert_eq!(issued["sub"], "user:alice");
    assert_eq!(issued["aud"], DOCS_RESOURCE);
    assert_eq!(issued["scope"], "read");

    // A refresh token of the grant is a subject too; the whole audience when none is named.
    let reply = exchange(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("subject_token", tokens.refresh_token()),
            ("subject_token_type", REFRESH_TOKEN),
        ],
    )
    .await;
    assert_token_ok(&reply);
    let issued = introspect(&server, reply.access_token()).await;
    assert_eq!(issued["aud"], json!([MCP_RESOURCE, DOCS_RESOURCE]));
    assert_eq!(issued["scope"], "read write");
}

#[tokio::test]
async fn the_actor_is_recorded_as_act() {
    let server = resource_server(resources());
    let tokens = alice_tokens(&server).await;
    let params = [("grant_type", "client_credentials"), ("scope", "read")];
    let service = token(&server, Auth::Basic(SERVICE, SERVICE_SECRET), &params).await;
    let reply = exchange(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("subject_token", tokens.access_token()),
            ("subject_token_type", ACCESS_TOKEN),
            ("actor_token", service.access_token()),
            ("actor_token_type", ACCESS_TOKEN),
        ],
    )
    .await;
    assert_token_ok(&reply);
    let issued = introspect(&server, reply.access_token()).await;
    assert_eq!(issued["act"], json!({"sub": SERVICE}));
}

#[tokio::test]
async fn every_other_exchange_is_refused_and_issues_nothing() {
    let server = resource_server(resources());
    let tokens = alice_tokens(&server).await;
    let before = counts(&server);
    let web = Auth::Basic(WEB, WEB_SECRET);
    let subject = tokens.access_token();
    let cases: [Case<'_>; 9] = [
        (
            web,
            vec![
                ("subject_token", subject),
                ("subject_token_type", ACCESS_TOKEN),
                ("scope", "admin"),
            ],
            StatusCode::BAD_REQUEST,
            "invalid_scope",
        ),
        (
            web,
            vec![
                ("subject_token", subject),
                ("subject_token_type", ACCESS_TOKEN),
                ("resource", ADMIN_RESOURCE),
            ],
            StatusCode::BAD_REQUEST,
            "invalid_target",
        ),
        (
            web,
            vec![
                ("subject_token", "not-a-token"),
                ("subject_token_type", ACCESS_TOKEN),
            ],
            StatusCode::BAD_REQUEST,
            "invalid_grant",
        ),
        // Another client's token is not this client's to exchange.
        (
            Auth::Basic(OTHER, OTHER_SECRET),
            vec![
                ("subject_token", subject),
                ("subject_token_type", ACCESS_TOKEN),
            ],
            StatusCode::BAD_REQUEST,
            "invalid_grant",
        ),
        // The access token is no refresh token.
        (
            web,
            vec![
                ("subject_token", subject),
                ("subject_token_type", REFRESH_TOKEN),
            ],
            StatusCode::BAD_REQUEST,
            "invalid_grant",
        ),
        (
            web,
            vec![
                ("subject_token", subject),
                (
                    "subject_token_type",
                    "urn:ietf:params:oauth:token-type:id_token",
                ),
            ],
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            web,
            vec![
                ("subject_token", subject),
                ("subject_token_type", ACCESS_TOKEN),
                ("requested_token_type", REFRESH_TOKEN),
            ],
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            web,
            vec![("subject_token_type", ACCESS_TOKEN)],
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        // A client that does not list the grant may not use it.
        (
            Auth::Basic(SERVICE, SERVICE_SECRET),
            vec![
                ("subject_token", subject),
                ("subject_token_type", ACCESS_TOKEN),
            ],
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
        ),
    ];
    for (auth, params, status, code) in cases {
        let reply = exchange(&server, auth, &params).await;
        assert_token_error(&reply, status, code, &[subject]);
    }
    assert_eq!(counts(&server), before);
}

/// Alice's access token at the web client that names `may_act` (RFC 8693 §4.4), put in the
/// store as an application's grant handler would have issued it.
async fn token_with_may_act(server: &TestServer, may_act: Value) -> String {
    use oauth2_provider::model::{Extras, GrantId, NewToken, TokenHash, TokenModel};
    use oauth2_provider::store::TokenStore;
    let token = oauth2_provider::secret::generate_token();
    let record = NewToken {
        token_hash: TokenHash::of(&token),
        grant_id: GrantId::generate(),
        client_id: WEB.to_owned(),
        subject: Some(ALICE.to_owned()),
        scope: scope("read"),
        expires_at: Some(std::time::SystemTime::now() + std::time::Duration::from_secs(600)),
        extras: Extras::default().with_may_act(may_act),
    };
    let store = &server.provider().store;
    store
        .insert_tokens(TokenModel::new(record), None)
        .await
        .unwrap();
    token
}

#[tokio::test]
async fn may_act_names_the_only_party_that_may_exchange_the_token() {
    let server = resource_server(resources());
    let subject = token_with_may_act(&server, json!({ "sub": SERVICE })).await;
    assert_eq!(
        introspect(&server, &subject).await["may_act"],
        json!({ "sub": SERVICE })
    );
    let params = [("grant_type", "client_credentials"), ("scope", "read")];
    let other = token(&server, Auth::Basic(OTHER, OTHER_SECRET), &params).await;
    let service = token(&server, Auth::Basic(SERVICE, SERVICE_SECRET), &params).await;
    let with_actor = |actor: &str| {
        vec![
            ("subject_token", subject.clone()),
            ("subject_token_type", ACCESS_TOKEN.to_owned()),
            ("actor_token", actor.to_owned()),
            ("actor_token_type", ACCESS_TOKEN.to_owned()),
        ]
    };
    // Another actor, or none (the web client itself is not the named party): refused.
    for params in [
        with_actor(other.access_token()),
        vec![
            ("subject_token", subject.clone()),
            ("subject_token_type", ACCESS_TOKEN.to_owned()),
        ],
    ] {
        let borrowed: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let reply = exchange(&server, Auth::Basic(WEB, WEB_SECRET), &borrowed).await;
        assert_token_error(&reply, StatusCode::BAD_REQUEST, "invalid_grant", &[]);
    }
    // The named service acting: the token says so, and a second actor nests the first.
    let params = with_actor(service.access_token());
    let borrowed: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let reply = exchange(&server, Auth::Basic(WEB, WEB_SECRET), &borrowed).await;
    assert_token_ok(&reply);
    let delegated = reply.access_token().to_owned();
    assert_eq!(
        introspect(&server, &delegated).await["act"],
        json!({ "sub": SERVICE })
    );
    let reply = exchange(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("subject_token", &delegated),
            ("subject_token_type", ACCESS_TOKEN),
            ("actor_token", other.access_token()),
            ("actor_token_type", ACCESS_TOKEN),
        ],
    )
    .await;
    assert_token_ok(&reply);
    assert_eq!(
        introspect(&server, reply.access_token()).await["act"],
        json!({ "sub": OTHER, "act": { "sub": SERVICE } })
    );
}
