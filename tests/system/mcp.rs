//! The example server as an MCP client meets it (SERVER-INTERFACE.md, "The modern surface" and
//! "The protected resource"): resource indicators bound into the audience, the API's RFC 9728
//! metadata and challenges, dynamic registration with its management, and CORS.

use oauth2::reqwest::{self, StatusCode};
use serde_json::{Value, json};

use crate::example::{challenge, http, start};

const MCP: &str = "https://mcp.example/mcp";

async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let body = response.bytes().await.unwrap_or_default();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// The `json` of a request builder, which this reqwest is built without.
trait JsonBody {
    fn json_body(self, body: &Value) -> Self;
}

impl JsonBody for reqwest::RequestBuilder {
    fn json_body(self, body: &Value) -> Self {
        self.header("content-type", "application/json")
            .body(body.to_string())
    }
}

async fn client_token(issuer: &str, secret: &str, params: &[(&str, &str)]) -> (StatusCode, Value) {
    let mut form = vec![("grant_type", "client_credentials")];
    form.extend_from_slice(params);
    let reply = http()
        .post(format!("{issuer}/token"))
        .basic_auth("demo-app", Some(secret))
        .form(&form)
        .send()
        .await
        .unwrap();
    json_of(reply).await
}

#[tokio::test]
async fn the_metadata_names_the_resources_registration_and_documents_only_when_on() {
    let on = start(&["--enable-registration", "--enable-cimd", "--resource", MCP]).await;
    let get = |issuer: String| async move {
        let url = format!("{issuer}/.well-known/oauth-authorization-server");
        json_of(http().get(url).send().await.unwrap()).await.1
    };
    let metadata = get(on.issuer.clone()).await;
    assert_eq!(
        metadata["registration_endpoint"],
        format!("{}/register", on.issuer)
    );
    assert_eq!(metadata["client_id_metadata_document_supported"], true);
    assert_eq!(
        metadata["protected_resources"],
        json!([format!("{}/api", on.issuer), MCP])
    );
    assert!(
        metadata["token_endpoint_auth_methods_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("none"))
    );
    let off = start(&[]).await;
    let metadata = get(off.issuer.clone()).await;
    assert!(metadata.get("registration_endpoint").is_none());
    assert!(
        metadata
            .get("client_id_metadata_document_supported")
            .is_none()
    );
    let reply = http()
        .post(format!("{}/register", off.issuer))
        .json_body(&json!({"redirect_uris": ["https://a.example/cb"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::NOT_FOUND);
}

/// The API is the resource `{issuer}/api`: its metadata, its challenges, its audience check.
#[tokio::test]
async fn the_api_is_a_protected_resource_for_its_own_audience() {
    let running = start(&["--resource", MCP]).await;
    let issuer = &running.issuer;
    let secret = running.demo_secret.clone().unwrap();
    let api = format!("{issuer}/api");
    let metadata_url = format!("{issuer}/.well-known/oauth-protected-resource/api");
    let (status, document) = json_of(http().get(&metadata_url).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(document["resource"], api);
    assert_eq!(document["authorization_servers"], json!([issuer]));
    assert_eq!(document["scopes_supported"], json!(["read", "write"]));
    assert_eq!(document["bearer_methods_supported"], json!(["header"]));

    let bare = http().get(format!("{api}/me")).send().await.unwrap();
    assert_eq!(bare.status(), StatusCode::UNAUTHORIZED);
    assert!(
        challenge(&bare).contains(&format!("resource_metadata=\"{metadata_url}\"")),
        "{}",
        challenge(&bare)
    );

    // A token for another resource is refused here; one for the API (the default) is not.
    let (_, elsewhere) =
        client_token(issuer, &secret, &[("scope", "read"), ("resource", MCP)]).await;
    let reply = http()
        .get(format!("{api}/me"))
        .bearer_auth(elsewhere["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::UNAUTHORIZED);
    assert!(challenge(&reply).contains("error=\"invalid_token\""));
    let (_, mine) = client_token(issuer, &secret, &[("scope", "read")]).await;
    let token = mine["access_token"].as_str().unwrap();
    let reply = http()
        .get(format!("{api}/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    let introspected = http()
        .post(format!("{issuer}/introspect"))
        .basic_auth("demo-app", Some(&secret))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(introspected).await.1["aud"], api);

    // Step-up: a reader writing is told which scope it lacks.
    let reply = http()
        .post(format!("{api}/notes"))
        .bearer_auth(token)
        .json_body(&json!({"text": "hi"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::FORBIDDEN);
    let refused = challenge(&reply);
    assert!(
        refused.contains("error=\"insufficient_scope\"") && refused.contains("scope=\"write\""),
        "{refused}"
    );

    let (status, body) =
        client_token(issuer, &secret, &[("resource", "https://unknown.example/")]).await;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::BAD_REQUEST, &json!("invalid_target"))
    );
}

/// RFC 7591 and 7592 end to end: register, use, read, update (the token rotates), delete.
#[tokio::test]
async fn a_registered_client_gets_tokens_and_manages_its_registration() {
    let running = start(&["--enable-registration"]).await;
    let issuer = &running.issuer;
    let (status, registered) = json_of(
        http()
            .post(format!("{issuer}/register"))
            .json_body(&json!({
                "client_name": "Agent",
                "grant_types": ["client_credentials"],
                "token_endpoint_auth_method": "client_secret_basic",
                "scope": "read write",
                "software_flavour": "unknown members are ignored",
            }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{registered}");
    assert!(registered.get("software_flavour").is_none());
    let id = registered["client_id"].as_str().unwrap();
    let secret = registered["client_secret"].as_str().unwrap();
    let rat = registered["registration_access_token"].as_str().unwrap();
    let uri = registered["registration_client_uri"].as_str().unwrap();
    assert_eq!(uri, format!("{issuer}/register/{id}"));

    let token = |secret: String| {
        let (issuer, id) = (issuer.clone(), id.to_owned());
        async move {
            let reply = http()
                .post(format!("{issuer}/token"))
                .basic_auth(id, Some(secret))
                .form(&[("grant_type", "client_credentials"), ("scope", "write")])
                .send()
                .await
                .unwrap();
            json_of(reply).await
        }
    };
    let (status, tokens) = token(secret.to_owned()).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");

    let read = http().get(uri).bearer_auth(rat).send().await.unwrap();
    let (status, current) = json_of(read).await;
    assert_eq!(status, StatusCode::OK);
    assert!(current.get("client_secret").is_none());
    assert_eq!(current["client_name"], "Agent");

    let mut update = current.clone();
    update["client_secret"] = json!("chosen-by-the-client");
    let reply = http()
        .put(uri)
        .bearer_auth(rat)
        .json_body(&update)
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(reply).await;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::BAD_REQUEST, &json!("invalid_client_metadata"))
    );

    let mut update = current.clone();
    update["client_name"] = json!("Agent 2");
    let reply = http()
        .put(uri)
        .bearer_auth(rat)
        .json_body(&update)
        .send()
        .await
        .unwrap();
    let (status, updated) = json_of(reply).await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["client_name"], "Agent 2");
    let new_rat = updated["registration_access_token"].as_str().unwrap();
    assert_ne!(new_rat, rat);
    let old = http().get(uri).bearer_auth(rat).send().await.unwrap();
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);

    let deleted = http()
        .delete(uri)
        .bearer_auth(new_rat)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let gone = http().get(uri).bearer_auth(new_rat).send().await.unwrap();
    assert_eq!(gone.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = token(secret.to_owned()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// OpenID Connect Registration §2: a web client's redirects are https; a native one's may be
/// loopback.
#[tokio::test]
async fn web_and_native_clients_follow_their_redirect_rules() {
    let running = start(&["--enable-registration"]).await;
    let register = |application_type: &str| {
        let url = format!("{}/register", running.issuer);
        let body = json!({
            "application_type": application_type,
            "redirect_uris": ["http://127.0.0.1/callback"],
            "token_endpoint_auth_method": "none",
        });
        async move { json_of(http().post(url).json_body(&body).send().await.unwrap()).await }
    };
    let (status, web) = register("web").await;
    assert_eq!(
        (status, &web["error"]),
        (StatusCode::BAD_REQUEST, &json!("invalid_redirect_uri"))
    );
    let (status, native) = register("native").await;
    assert_eq!(status, StatusCode::CREATED, "{native}");
    assert!(native.get("client_secret").is_none());
}

/// A browser-based client may call the token endpoint from its own origin.
#[tokio::test]
async fn the_token_endpoint_answers_a_cors_preflight() {
    let running = start(&[]).await;
    let reply = http()
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/token", running.issuer),
        )
        .header("origin", "http://localhost:6274")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::NO_CONTENT);
    assert_eq!(reply.headers()["access-control-allow-origin"], "*");
}

/// `--refresh-grace-seconds N` (RFC 9700 §4.14.2): the previous refresh token replayed within
/// N seconds gets a fresh pair and leaves the successor valid.
#[tokio::test]
async fn a_refresh_replayed_within_the_grace_is_honoured() {
    let running = start(&["--enable-password", "--refresh-grace-seconds", "30"]).await;
    let secret = running.demo_secret.clone().unwrap();
    let token = |form: Vec<(&'static str, String)>| {
        let (issuer, secret) = (running.issuer.clone(), secret.clone());
        async move {
            let reply = http()
                .post(format!("{issuer}/token"))
                .basic_auth("demo-app", Some(secret))
                .form(&form)
                .send()
                .await
                .unwrap();
            json_of(reply).await
        }
    };
    let password = vec![
        ("grant_type", "password".to_owned()),
        ("username", "alice".to_owned()),
        ("password", "wonderland".to_owned()),
        ("scope", "read".to_owned()),
    ];
    let (_, first) = token(password).await;
    let refresh = |t: &Value| {
        let token = t["refresh_token"].as_str().unwrap().to_owned();
        vec![
            ("grant_type", "refresh_token".to_owned()),
            ("refresh_token", token),
        ]
    };
    let (status, second) = token(refresh(&first)).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let (status, again) = token(refresh(&first)).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    let (status, third) = token(refresh(&second)).await;
    assert_eq!(status, StatusCode::OK, "the successor stays valid: {third}");
}
