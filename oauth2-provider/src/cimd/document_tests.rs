use serde_json::{Value, json};

use super::*;
use crate::model::OAuthClient;
use crate::scope::ScopeDef;

const ID: &str = "https://app.example/client.json";

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
struct Scope(u8);

impl Scopes for Scope {
    type Bits = u8;
    const DEFS: &'static [ScopeDef<u8>] = &[
        ScopeDef::single("read", 1),
        ScopeDef::single("write", 2),
        ScopeDef::single("admin", 4),
    ];
    const DEFAULT: u8 = 1;
    fn from_bits_retain(bits: u8) -> Self {
        Scope(bits)
    }
    fn bits(&self) -> u8 {
        self.0
    }
}

fn base() -> Value {
    json!({ "client_id": ID, "redirect_uris": ["https://app.example/cb"] })
}

fn with(member: &str, value: Value) -> Value {
    let mut doc = base();
    doc[member] = value;
    doc
}

fn parse(doc: &Value) -> Result<ClientDocument, CimdError> {
    ClientDocument::parse(doc.to_string().as_bytes(), ID)
}

fn refusal(doc: &Value) -> &'static str {
    match parse(doc) {
        Err(CimdError::Document(reason)) => reason,
        other => panic!("{doc}: {other:?}"),
    }
}

#[test]
fn a_minimal_document_gets_the_defaults() {
    let doc = parse(&base()).unwrap();
    assert_eq!(doc.client_id, ID);
    assert_eq!(doc.redirect_uris, ["https://app.example/cb"]);
    assert_eq!(doc.grant_types, ["authorization_code"]);
    assert_eq!(doc.response_types, ["code"]);
    assert_eq!(doc.token_endpoint_auth_method, AuthMethod::None);
    assert_eq!(doc.scope, None);
}

#[test]
fn not_an_object_is_refused() {
    for body in ["[]", "\"x\"", "null", "{", ""] {
        let refused = ClientDocument::parse(body.as_bytes(), ID);
        assert!(
            matches!(
                refused,
                Err(CimdError::Document(
                    "the client metadata document is not a JSON object"
                ))
            ),
            "{body}"
        );
    }
}

#[test]
fn the_client_id_must_be_the_url_exactly() {
    let expected = "the client_id of the client metadata document is not its URL";
    for other in [
        json!("https://app.example/client.json/"),
        json!("https://APP.example/client.json"),
        json!("https://evil.example/client.json"),
    ] {
        assert_eq!(refusal(&with("client_id", other)), expected);
    }
    let mut missing = base();
    missing.as_object_mut().unwrap().remove("client_id");
    assert_eq!(refusal(&missing), expected);
}

#[test]
fn shared_secret_methods_and_members_are_refused() {
    let expected = "a client metadata document cannot use a shared secret";
    for method in [
        "client_secret_basic",
        "client_secret_post",
        "client_secret_jwt",
    ] {
        assert_eq!(
            refusal(&with("token_endpoint_auth_method", json!(method))),
            expected
        );
    }
    assert_eq!(refusal(&with("client_secret", json!("s3cret"))), expected);
    assert_eq!(refusal(&with("client_secret", Value::Null)), expected);
    assert_eq!(
        refusal(&with("client_secret_expires_at", json!(0))),
        expected
    );
    assert_eq!(
        refusal(&with(
            "token_endpoint_auth_method",
            json!("tls_client_auth")
        )),
        "the token_endpoint_auth_method is not supported"
    );
}

#[test]
fn none_and_private_key_jwt_are_allowed() {
    let none = parse(&with("token_endpoint_auth_method", json!("none"))).unwrap();
    assert_eq!(none.token_endpoint_auth_method, AuthMethod::None);
    let bare = with("token_endpoint_auth_method", json!("private_key_jwt"));
    assert_eq!(refusal(&bare), "private_key_jwt needs jwks_uri or jwks");
    let mut by_uri = bare.clone();
    by_uri["jwks_uri"] = json!("https://app.example/jwks.json");
    let doc = parse(&by_uri).unwrap();
    assert_eq!(doc.token_endpoint_auth_method, AuthMethod::PrivateKeyJwt);
    assert_eq!(
        doc.jwks_uri.as_deref(),
        Some("https://app.example/jwks.json")
    );
    let mut by_value = bare;
    by_value["jwks"] = json!({ "keys": [] });
    assert_eq!(parse(&by_value).unwrap().jwks, Some(json!({ "keys": [] })));
}

#[test]
fn redirect_uris_are_required_and_checked() {
    let expected = "a redirect_uri of the client metadata document is not allowed";
    assert_eq!(
        refusal(&with("redirect_uris", json!([]))),
        "the client metadata document has no redirect_uris"
    );
    let mut missing = base();
    missing.as_object_mut().unwrap().remove("redirect_uris");
    assert_eq!(
        refusal(&missing),
        "the client metadata document has no redirect_uris"
    );
    for bad in [
        "https://app.example/cb#f",
        "/cb",
        "http://app.example/cb",
        "http://localhost.evil.example/cb",
        "http://localhost/cb#f",
        "javascript:alert(1)",
        "https://u:p@app.example/cb",
    ] {
        assert_eq!(
            refusal(&with(
                "redirect_uris",
                json!(["https://app.example/ok", bad])
            )),
            expected,
            "{bad}"
        );
    }
    let good = [
        "https://app.example/cb",
        "http://127.0.0.1/cb",
        "http://[::1]:8080/cb",
        "http://localhost/callback",
        "http://localhost:3000/callback",
        "com.example.app:/oauth2redirect",
    ];
    assert_eq!(
        parse(&with("redirect_uris", json!(good)))
            .unwrap()
            .redirect_uris,
        good
    );
}

#[test]
fn uri_members_must_be_https() {
    for member in [
        "client_uri",
        "logo_uri",
        "tos_uri",
        "policy_uri",
        "jwks_uri",
    ] {
        assert_eq!(
            refusal(&with(member, json!("http://app.example/x"))),
            "the URIs of a client metadata document must be https",
            "{member}"
        );
        assert!(
            parse(&with(member, json!("https://app.example/x"))).is_ok(),
            "{member}"
        );
    }
}

#[test]
fn a_member_of_the_wrong_type_is_malformed_and_an_unknown_one_ignored() {
    let expected = "the client metadata document has a member of the wrong type";
    assert_eq!(refusal(&with("client_name", json!(7))), expected);
    assert_eq!(
        refusal(&with("redirect_uris", json!("https://app.example/cb"))),
        expected
    );
    assert_eq!(refusal(&with("scope", json!(["read"]))), expected);
    let doc = parse(&with("software_id", json!({ "deeply": ["nested"] }))).unwrap();
    assert_eq!(doc, parse(&base()).unwrap());
}

#[test]
fn the_record_is_a_public_client_with_the_documents_members() {
    let mut doc = base();
    doc["client_name"] = json!("Notes");
    doc["grant_types"] = json!(["authorization_code", "refresh_token"]);
    doc["logo_uri"] = json!("https://app.example/logo.png");
    doc["client_uri"] = json!("https://app.example/");
    doc["application_type"] = json!("native");
    let record = parse(&doc).unwrap().to_record::<Scope>();
    assert_eq!(record.client_id, ID);
    assert_eq!(record.secret_hash, None);
    assert_eq!(record.name, "Notes");
    assert_eq!(record.redirect_uris, ["https://app.example/cb"]);
    assert!(record.allows_grant_type("refresh_token"));
    assert!(!record.allows_grant_type("password"));
    assert!(!record.is_resource_server());
    assert_eq!(
        Value::Object(record.metadata.other),
        json!({
            "client_uri": "https://app.example/",
            "logo_uri": "https://app.example/logo.png",
            "application_type": "native",
            "token_endpoint_auth_method": "none",
            "registration_source": "cimd",
        })
    );
}

#[test]
fn the_record_is_named_by_the_host_without_a_client_name() {
    assert_eq!(
        parse(&base()).unwrap().to_record::<Scope>().name,
        "app.example"
    );
}

#[test]
fn scope_names_are_read_one_by_one_and_unknown_ones_dropped() {
    let scope = |s: Value| parse(&with("scope", s)).unwrap().to_record::<Scope>().scope;
    assert_eq!(scope(json!("read write")), Scope(3));
    assert_eq!(scope(json!("write unknown:thing read")), Scope(3));
    assert_eq!(scope(json!("nothing known")), Scope(0));
    assert_eq!(scope(json!("")), Scope(0));
    assert_eq!(scope(json!("read  admin")), Scope(5));
    // No scope member: every scope the provider defines (consent narrows it).
    assert_eq!(parse(&base()).unwrap().to_record::<Scope>().scope, Scope(7));
    // The document keeps the string as given.
    assert_eq!(
        parse(&with("scope", json!("read x")))
            .unwrap()
            .scope
            .as_deref(),
        Some("read x")
    );
}
