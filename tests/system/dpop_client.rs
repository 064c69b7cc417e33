//! DPoP (RFC 9449) with a client from outside the project: openid-client (npm, over
//! oauth4webapi) gets a DPoP-bound token by client credentials and calls the example's `/api`
//! with the `DPoP` scheme; the same token as a plain Bearer is refused. With and without
//! `--dpop-nonce` (the client retries with the nonce it is given).

use oauth2::reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn openid_client_uses_dpop_bound_tokens() {
    let test = "openid_client_uses_dpop_bound_tokens";
    let Some(dir) = crate::npm::packages_or_skip(test) else {
        return;
    };
    let fixtures = json!({
        "clients": [{
            "client_id": "dpop-app", "client_secret": "dpop-app-secret-4e1b",
            "grant_types": ["client_credentials"], "scope": "read",
            "dpop_bound_access_tokens": true,
        }],
        "users": [],
    });
    for flags in [&[][..], &["--dpop-nonce"][..]] {
        let (running, _file) = crate::example::start_with_fixtures(0, &fixtures, flags).await;
        let output = tokio::process::Command::new("node")
            .arg(dir.join("dpop.mjs"))
            .args([&running.issuer, "dpop-app", "dpop-app-secret-4e1b"])
            .arg(format!("{}/api/me", running.issuer))
            .output()
            .await
            .expect("node runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{flags:?}: {stderr}");
        let result: Value = serde_json::from_slice(&output.stdout).expect("one JSON line");
        assert!(
            result["token_type"]
                .as_str()
                .unwrap()
                .eq_ignore_ascii_case("DPoP"),
            "{result}"
        );
        assert_eq!(result["status"], 200, "{result}");
        assert_eq!(result["me"]["sub"], "dpop-app");
        assert_eq!(result["bearer_status"], StatusCode::UNAUTHORIZED.as_u16());
        let challenge = result["bearer_challenge"].as_str().unwrap();
        assert!(challenge.contains("invalid_token"), "{challenge}");
    }
}
