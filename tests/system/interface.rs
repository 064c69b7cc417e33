//! The example server's black-box interface: every flag and every fixture member the suites
//! that drive it may use is accepted today, before the feature behind it is built; what is not
//! built yet is named on stderr, and a malformed value stops the server with an error naming
//! the member. The logs are `tracing`'s, one line per request, without a secret on any line.

use crate::process::{ServerProcess, http, post_as, run_cli};
use oauth2::reqwest::StatusCode;
use tempfile::NamedTempFile;

const SECRET: &str = "interface-test-secret-8c1e";
const PASSWORD: &str = "interface-test-password-5d2f";

fn fixtures(json: serde_json::Value) -> NamedTempFile {
    let file = NamedTempFile::new().expect("a temporary fixtures file");
    std::fs::write(file.path(), json.to_string()).expect("the fixtures written");
    file
}

fn every_member() -> serde_json::Value {
    serde_json::json!({
        "clients": [{
            "client_id": "everything",
            "client_secret": SECRET,
            "redirect_uris": ["http://127.0.0.1/cb"],
            "grant_types": ["authorization_code", "refresh_token", "client_credentials",
                "urn:ietf:params:oauth:grant-type:device_code",
                "urn:ietf:params:oauth:grant-type:token-exchange",
                "urn:ietf:params:oauth:grant-type:jwt-bearer"],
            "scope": "read write profile email phone address openid offline_access",
            "token_endpoint_auth_method": "client_secret_basic",
            "jwks": {"keys": []},
            "response_types": ["code"],
            "application_type": "web",
            "dpop_bound_access_tokens": false,
            "require_pushed_authorization_requests": false,
            "access_token_format": "jwt",
            "client_name": "Everything <&> Co",
            "resource_server": true
        }, {
            "client_id": "service-only",
            "client_secret_hash": "sha256$not-a-real-hash",
            "grant_types": ["client_credentials"]
        }, {
            "client_id": "keys-only",
            "token_endpoint_auth_method": "private_key_jwt",
            "jwks_uri": "https://keys.example/jwks.json",
            "grant_types": ["client_credentials"]
        }],
        "users": [{
            "username": "alice",
            "password": PASSWORD,
            "claims": {"name": "Alice", "email": "alice@example.com", "email_verified": true}
        }]
    })
}

#[tokio::test]
async fn every_flag_and_member_is_accepted_and_what_is_not_built_is_named() {
    let file = fixtures(every_member());
    let keys = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/oauth2-provider/src/jose/tests/fixtures"
    );
    let rsa = format!("{keys}/rfc7517_rsa_pkcs8.pem");
    let p256 = format!("{keys}/p256_sec1.pem");
    let server = ServerProcess::start(&[
        "--fixtures",
        file.path().to_str().expect("a UTF-8 path"),
        "--enable-password",
        "--enable-implicit",
        "--enable-registration",
        "--enable-cimd",
        "--resource",
        "https://a.example/api",
        "--resource",
        "https://b.example/api",
        "--access-token-format",
        "opaque",
        "--signing-key",
        &rsa,
        "--signing-key",
        &p256,
        "--refresh-grace-seconds",
        "30",
        "--dpop-nonce",
    ])
    .await;
    let http = http();
    let token_url = server.url("/token");
    let reply = post_as(
        &http,
        &token_url,
        ("everything", SECRET),
        &[
            ("grant_type", "client_credentials"),
            ("scope", "read openid"),
        ],
    )
    .await
    .expect("a token response");
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    // `access_token_format: jwt`, signed with the P-256 key given (RFC 9068, ES256).
    let token = reply.body["access_token"]
        .as_str()
        .expect("an access token");
    assert_eq!(token.split('.').count(), 3, "a JWT: {token}");
    // Until private_key_jwt is built, a client registered for it cannot authenticate at all,
    // and never passes for a public client.
    let reply = http
        .post(&token_url)
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "keys-only"),
        ])
        .send()
        .await
        .expect("a response");
    assert_eq!(reply.status(), StatusCode::UNAUTHORIZED);

    let log = server.log();
    // Built: accepted and not named.
    for built in [
        "--enable-registration",
        "--enable-cimd",
        "--resource",
        "--refresh-grace-seconds",
        "--dpop-nonce",
        "member \"dpop_bound_access_tokens\"",
        "member \"require_pushed_authorization_requests\"",
    ] {
        assert!(
            !log.lines()
                .any(|l| l.contains(built) && l.contains("not built yet")),
            "{built} is built, yet reported:\n{log}"
        );
    }
    let named = "member \"token_endpoint_auth_method\"";
    assert!(log.contains(named), "{named} not reported in:\n{log}");
    assert!(log.contains("not built yet"), "{log}");
    // One line per request, when its span closes, with what it was and how it ended.
    assert!(
        log.lines().any(|l| l.contains("endpoint=\"token\"")
            && l.contains("client_id=\"everything\"")
            && l.contains("status=200")),
        "{log}"
    );
    assert!(
        log.lines()
            .any(|l| l.contains("client authentication failed")
                && l.contains("client_id=\"keys-only\"")),
        "{log}"
    );
    for secret in [SECRET, PASSWORD] {
        assert!(!log.contains(secret), "a secret in the log:\n{log}");
    }
}

#[tokio::test]
async fn a_malformed_member_stops_the_server_naming_the_client_and_member() {
    for (member, value) in [
        (
            "token_endpoint_auth_method",
            serde_json::json!("tls_client_auth"),
        ),
        ("dpop_bound_access_tokens", serde_json::json!("true")),
        ("access_token_format", serde_json::json!("macaroon")),
        ("application_type", serde_json::json!("desktop")),
    ] {
        let mut json = every_member();
        json["clients"][0][member] = value;
        let file = fixtures(json);
        let run = run_cli(&[
            "--listen",
            "127.0.0.1:0",
            "--fixtures",
            file.path().to_str().expect("a UTF-8 path"),
        ])
        .await;
        assert!(!run.status.success(), "{member}: the server started");
        assert!(
            run.stderr.contains(member) && run.stderr.contains("everything"),
            "{member}: {}",
            run.stderr
        );
    }
}

#[tokio::test]
async fn a_redirect_uri_that_cannot_be_registered_stops_the_server() {
    for uri in [
        "http://plain.example/cb",
        "ftp://files.example/cb",
        "https://q.example/cb?code=fixed&state=fixed",
        "https://q.example/cb?iss=https://evil.example",
        "http://localhost/cb",
    ] {
        let mut json = every_member();
        json["clients"][0]["redirect_uris"] = serde_json::json!([uri]);
        let file = fixtures(json);
        let run = run_cli(&[
            "--listen",
            "127.0.0.1:0",
            "--fixtures",
            file.path().to_str().expect("a UTF-8 path"),
        ])
        .await;
        assert!(!run.status.success(), "{uri}: the server started");
        assert!(
            run.stderr.contains("redirect_uris") && run.stderr.contains(uri),
            "{uri}: {}",
            run.stderr
        );
    }
}

#[tokio::test]
async fn a_store_password_never_reaches_the_output() {
    const PASSWORD: &str = "S3cretPassw0rd";
    // Nothing listens on port 1: opening the store fails, and the error names it.
    let url = format!("postgres://postgres:{PASSWORD}@127.0.0.1:1/test");
    for (args, env) in [
        (vec!["--store", url.as_str(), "client", "list"], vec![]),
        (
            vec!["--listen", "127.0.0.1:0", "--store", url.as_str()],
            vec![],
        ),
        // From the environment, the password is not in the process list either.
        (vec!["client", "list"], vec![("OAUTH2_STORE", url.as_str())]),
    ] {
        let run = crate::process::run_cli_with_env(&args, &env).await;
        assert!(!run.status.success(), "{args:?}");
        assert!(
            run.stderr.contains("127.0.0.1:1"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains(PASSWORD), "{args:?}: {}", run.stderr);
        assert!(!run.stdout.contains(PASSWORD), "{args:?}: {}", run.stdout);
    }
}

/// `resource_server`: that client may introspect every client's access tokens; any other sees
/// only its own as active (RFC 7662 §2.1, §4).
#[tokio::test]
async fn only_a_resource_server_sees_another_clients_token() {
    let client = |id: &str, resource_server: bool| {
        serde_json::json!({
            "client_id": id, "client_secret": SECRET, "scope": "read",
            "grant_types": ["client_credentials"], "resource_server": resource_server,
        })
    };
    let file = fixtures(serde_json::json!({
        "clients": [client("app", false), client("api", true), client("peer", false)],
    }));
    let server = ServerProcess::start(&["--fixtures", file.path().to_str().expect("UTF-8")]).await;
    let http = http();
    let token = post_as(
        &http,
        &server.url("/token"),
        ("app", SECRET),
        &[("grant_type", "client_credentials")],
    )
    .await
    .expect("a token response");
    assert_eq!(token.status, StatusCode::OK, "{token:?}");
    let access_token = token.str("access_token");
    for (caller, active) in [("app", true), ("api", true), ("peer", false)] {
        let reply = post_as(
            &http,
            &server.url("/introspect"),
            (caller, SECRET),
            &[("token", access_token)],
        )
        .await
        .expect("an introspection response");
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.body["active"], active, "{caller}: {reply:?}");
    }
}
