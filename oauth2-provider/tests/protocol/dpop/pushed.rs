//! DPoP at the PAR endpoint (RFC 9449 §10.1): a proof binds the pushed request's code to its
//! key as `dpop_jkt` does; a `dpop_jkt` that names another key, or a proof for another URL,
//! refuses the push.

use super::*;

const PAR_URL: &str = "https://auth.example.com/par";

async fn push(server: &TestServer, proof: Option<&str>, extra: &[(&str, &str)]) -> JsonReply {
    let mut params = vec![
        ("response_type", "code"),
        ("redirect_uri", WEB_CALLBACK),
        ("scope", "read"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    params.extend_from_slice(extra);
    let mut request = token_request(Auth::Basic(WEB, WEB_SECRET), &params);
    *request.uri_mut() = "/par".parse().unwrap();
    if let Some(proof) = proof {
        request.headers_mut().insert("dpop", proof.parse().unwrap());
    }
    JsonReply::from_response(server.handle(request).await)
}

#[tokio::test]
async fn a_proof_at_par_binds_the_code_to_its_key() {
    let server = dpop_server();
    let key = Key::new();
    let pushed = push(&server, Some(&key.proof("POST", PAR_URL, json!({}))), &[]).await;
    assert_eq!(pushed.status, StatusCode::CREATED, "{:?}", pushed.body);
    let reply = authorize(
        &server,
        &[
            ("client_id", WEB),
            ("request_uri", pushed.str("request_uri")),
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
    let none = token(&server, Auth::Basic(WEB, WEB_SECRET), &params).await;
    assert_dpop_error(&none, "invalid_dpop_proof");
    let proofs = [key.token_proof()];
    let right = token_with(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &params,
        &[&proofs[0]],
    )
    .await;
    assert_eq!(right.status, StatusCode::OK, "{:?}", right.body);
    assert_eq!(right.str("token_type"), "DPoP");
}

#[tokio::test]
async fn fapi2_ensure_mismatched_dpop_jkt_fails() {
    let server = dpop_server();
    let key = Key::new();
    let other = Key::new().jkt();
    let proof = key.proof("POST", PAR_URL, json!({}));
    let pushed = push(&server, Some(&proof), &[("dpop_jkt", &other)]).await;
    assert_dpop_error(&pushed, "invalid_dpop_proof");
    // The same thumbprint is fine; a proof for the token endpoint is not one for PAR.
    let proof = key.proof("POST", PAR_URL, json!({}));
    let pushed = push(&server, Some(&proof), &[("dpop_jkt", &key.jkt())]).await;
    assert_eq!(pushed.status, StatusCode::CREATED, "{:?}", pushed.body);
    let misaddressed = push(&server, Some(&key.token_proof()), &[]).await;
    assert_dpop_error(&misaddressed, "invalid_dpop_proof");
}

#[tokio::test]
async fn a_push_without_the_server_nonce_is_told_the_nonce() {
    use std::time::Duration;

    use oauth2_provider::dpop::{Dpop, Nonces};
    let nonces = Nonces::new(&[7; 32], Duration::from_secs(300)).unwrap();
    let server = server_with(|c| {
        c.issuer = Some(ISSUER.to_owned());
        c.dpop = Dpop::new().with_nonces(nonces);
    });
    let key = Key::new();
    let first = push(&server, Some(&key.proof("POST", PAR_URL, json!({}))), &[]).await;
    assert_dpop_error(&first, "use_dpop_nonce");
    let nonce = first
        .header(http::HeaderName::from_static("dpop-nonce"))
        .expect("a DPoP-Nonce on the PAR answer")
        .to_owned();
    let retry = key.proof("POST", PAR_URL, json!({ "nonce": nonce }));
    let pushed = push(&server, Some(&retry), &[]).await;
    assert_eq!(pushed.status, StatusCode::CREATED, "{:?}", pushed.body);
}
