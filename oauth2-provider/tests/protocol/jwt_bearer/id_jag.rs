//! ID-JAG assertions (draft-ietf-oauth-identity-assertion-authz-grant): the `resource` claim
//! is the audience, the scope an intersection, the client the one named; and the metadata.

use std::time::Duration;

use http::StatusCode;
use oauth2_provider::grant::jwt_bearer::{
    GRANT_TYPE, ID_JAG_PROFILE, TrustedIssuer, TrustedIssuers,
};
use serde_json::{Value, json};

use super::*;

#[tokio::test]
async fn an_id_jag_is_for_its_resource_with_the_intersected_scope() {
    let (idp, jag) = (Signer::new(), Signer::new());
    let server = jwt_server(&idp, &jag);
    // The assertion allows read and admin; the client asks for read and write and may hold
    // read and write: read is left.
    let assertion = jag.sign_id_jag(&jag_claims());
    let reply = present(&server, WEB_AUTH, &assertion, &[("scope", "read write")]).await;
    assert_token_ok(&reply);
    assert!(
        reply.body.get("refresh_token").is_none(),
        "{:?}",
        reply.body
    );
    assert_eq!(reply.body["scope"], "read");
    let issued = introspect(&server, reply.access_token()).await;
    assert_eq!(issued["sub"], "bob@corp");
    assert_eq!(issued["aud"], DOCS_RESOURCE);
    assert_eq!(issued["scope"], "read");

    // Without a `scope` parameter, the assertion's within the client's.
    let assertion = jag.sign_id_jag(&with(
        jag_claims(),
        json!({"resource": MCP_RESOURCE, "scope": "read write"}),
    ));
    let reply = present(&server, WEB_AUTH, &assertion, &[]).await;
    assert_token_ok(&reply);
    assert_eq!(reply.body["scope"], "read write");
    let issued = introspect(&server, reply.access_token()).await;
    assert_eq!(issued["aud"], MCP_RESOURCE);
}

#[tokio::test]
async fn every_bad_id_jag_is_refused_and_issues_nothing() {
    let (idp, jag) = (Signer::new(), Signer::new());
    let server = jwt_server(&idp, &jag);
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "typ JWT from an ID-JAG issuer",
            jag.sign(&jag_claims()),
            "invalid_grant",
            "the assertion's type is not accepted",
        ),
        (
            "no typ",
            jag.sign_with(&jag.header(None), &jag_claims()),
            "invalid_grant",
            "the assertion's type is not accepted",
        ),
        (
            "an ID-JAG from a plain issuer",
            idp.sign_id_jag(&with(jag_claims(), json!({"iss": IDP}))),
            "invalid_grant",
            "the assertion's type is not accepted",
        ),
        (
            "another client's",
            jag.sign_id_jag(&with(jag_claims(), json!({"client_id": OTHER}))),
            "invalid_grant",
            "the assertion was issued for another client",
        ),
        (
            "no client_id",
            jag.sign_id_jag(&with(jag_claims(), json!({"client_id": null}))),
            "invalid_grant",
            "the assertion lacks a required claim",
        ),
        (
            "no iat",
            jag.sign_id_jag(&with(jag_claims(), json!({"iat": null}))),
            "invalid_grant",
            "the assertion lacks a required claim",
        ),
        (
            "two audiences",
            jag.sign_id_jag(&with(
                jag_claims(),
                json!({"aud": [ISSUER, "https://x.example"]}),
            )),
            "invalid_grant",
            "the assertion is not meant for this server",
        ),
        (
            "an unknown resource",
            jag.sign_id_jag(&with(
                jag_claims(),
                json!({"resource": "https://unknown.example/"}),
            )),
            "invalid_target",
            "the resource is unknown",
        ),
        (
            "no scope in common",
            jag.sign_id_jag(&with(jag_claims(), json!({"scope": "admin"}))),
            "invalid_scope",
            "the assertion grants none of the requested scope",
        ),
    ];
    for (case, assertion, error, description) in &cases {
        let reply = present(&server, WEB_AUTH, assertion, &[]).await;
        assert_eq!(reply.body["error_description"], *description, "{case}");
        assert_eq!(reply.body["error"], *error, "{case}: {:?}", reply.body);
        assert_token_error(&reply, StatusCode::BAD_REQUEST, error, &[assertion]);
    }
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn metadata_names_the_grant_and_the_id_jag_profile() {
    let (idp, jag) = (Signer::new(), Signer::new());
    let server = jwt_server(&idp, &jag);
    let reply = server.metadata();
    let document: Value = serde_json::from_slice(reply.body()).unwrap();
    let grants = document["grant_types_supported"].as_array().unwrap();
    assert!(grants.contains(&json!(GRANT_TYPE)), "{document}");
    assert_eq!(
        document["authorization_grant_profiles_supported"],
        json!([ID_JAG_PROFILE])
    );

    // Plain issuers alone: no profile to advertise.
    let plain = TrustedIssuers::builder()
        .issuer(TrustedIssuer::new(IDP, idp.keys()).max_lifetime(Duration::from_secs(60)))
        .build()
        .unwrap();
    let server = server_with(|c| {
        c.issuer = Some(ISSUER.to_owned());
        c.trusted_issuers = plain;
    });
    let document: Value = serde_json::from_slice(server.metadata().body()).unwrap();
    assert!(
        document
            .get("authorization_grant_profiles_supported")
            .is_none(),
        "{document}"
    );
}
