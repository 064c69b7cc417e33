//! Authorization codes from a server process, through the example's own sign-in helpers
//! (`tests/example`). Include it beside `mod example;` and `mod process;` as
//! `#[path = "process/sign_in.rs"] mod sign_in;`: kept out of `process` so that tests without
//! pages do not compile the example server into themselves.
#![allow(dead_code)]

use oauth2::reqwest::{self, header::COOKIE};

use crate::example;
use crate::process::{self, CLIENT_ID, PASSWORD, REDIRECT_URI, Reply, USERNAME};

/// The RFC 7636 Appendix B verifier, and its S256 challenge below.
pub const CODE_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CODE_CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// A fresh code for the fixtures' client and user, scope `read`, from the node at `base`: signs
/// in on its pages and approves, or finds the approval remembered by that node.
pub async fn authorization_code(http: &reqwest::Client, base: &str) -> String {
    let state = oauth2_provider::store::testing::unique_suffix();
    let mut authorize = url::Url::parse(&format!("{base}/authorize")).unwrap();
    authorize
        .query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", CLIENT_ID)
        .append_pair("redirect_uri", REDIRECT_URI)
        .append_pair("scope", "read")
        .append_pair("state", &state)
        .append_pair("code_challenge", CODE_CHALLENGE)
        .append_pair("code_challenge_method", "S256");
    let signed = example::sign_in(http, authorize.as_str(), USERNAME, PASSWORD).await;
    let redirect = match signed.response.status().as_u16() {
        200 => signed.decide(http, "allow").await,
        // Approved before on this node: back to the authorization request, which now redirects.
        303 => {
            let again = http
                .get(example::location(&signed.response))
                .header(COOKIE, &signed.cookie)
                .send()
                .await
                .expect("GET authorize after sign-in");
            assert!(again.status().is_redirection(), "{}", again.status());
            example::location(&again)
        }
        status => panic!("sign-in answered {status}"),
    };
    assert!(
        redirect.as_str().starts_with(REDIRECT_URI),
        "redirected to {redirect}"
    );
    let param = |name: &str| {
        redirect
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    assert_eq!(param("state").as_deref(), Some(state.as_str()));
    param("code").unwrap_or_else(|| panic!("no code in {redirect}"))
}

/// Exchanges `code` (from [`authorization_code`]) at the node at `base`, as the fixtures' client.
pub async fn redeem(http: &reqwest::Client, base: &str, code: &str) -> Reply {
    process::post(
        http,
        base,
        "/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", CODE_VERIFIER),
        ],
    )
    .await
}
