//! The JWT-bearer grant (RFC 7523 §2.1, §3) with configured trusted issuers, and its ID-JAG
//! profile (draft-ietf-oauth-identity-assertion-authz-grant): what a valid assertion gets,
//! every refusal, and that a refusal spends nothing.

use jsonwebtoken::EncodingKey;
use oauth2_provider::Server;
use oauth2_provider::grant::jwt_bearer::{
    GRANT_TYPE, ID_JAG_TYPE, Profile, TrustedIssuer, TrustedIssuers,
};
use oauth2_provider::jose::{Algorithm, PublicKeys, SigningKey};
use serde_json::{Value, json};

pub use crate::dpop::{b64, now, random_jti};
pub use crate::support::*;

pub const ISSUER: &str = "https://auth.example.com";
pub const IDP: &str = "https://idp.example.com";
pub const JAG: &str = "https://jag.example.com";

/// An issuer's signing key, and the assertions it signs with headers of the test's choosing.
pub struct Signer {
    pub key: SigningKey,
    encoding: EncodingKey,
}

impl Signer {
    pub fn new() -> Self {
        let key = SigningKey::generate(Algorithm::ES256).unwrap();
        let encoding = EncodingKey::from_ec_der(&key.to_pkcs8_der());
        Signer { key, encoding }
    }

    pub fn keys(&self) -> PublicKeys {
        PublicKeys::from_jwks(&json!({ "keys": [self.key.public_jwk()] })).unwrap()
    }

    pub fn header(&self, typ: Option<&str>) -> Value {
        let mut header = json!({ "alg": "ES256", "kid": self.key.kid() });
        if let Some(typ) = typ {
            header["typ"] = json!(typ);
        }
        header
    }

    pub fn sign_with(&self, header: &Value, claims: &Value) -> String {
        let message = format!("{}.{}", b64(header), b64(claims));
        let signature = jsonwebtoken::crypto::sign(
            message.as_bytes(),
            &self.encoding,
            jsonwebtoken::Algorithm::ES256,
        )
        .unwrap();
        format!("{message}.{signature}")
    }

    /// A plain RFC 7523 assertion: `typ: JWT`.
    pub fn sign(&self, claims: &Value) -> String {
        self.sign_with(&self.header(Some("JWT")), claims)
    }

    pub fn sign_id_jag(&self, claims: &Value) -> String {
        self.sign_with(&self.header(Some(ID_JAG_TYPE)), claims)
    }
}

/// `base`, with each member of `changes` set (or removed, for `null`).
pub fn with(mut base: Value, changes: Value) -> Value {
    for (name, value) in changes.as_object().unwrap() {
        match value {
            Value::Null => base.as_object_mut().unwrap().remove(name),
            _ => base
                .as_object_mut()
                .unwrap()
                .insert(name.clone(), value.clone()),
        };
    }
    base
}

/// Fresh plain claims from `IDP` about `alice@idp` for this server.
pub fn plain_claims() -> Value {
    json!({
        "iss": IDP, "sub": "alice@idp", "aud": ISSUER,
        "iat": now(), "exp": now() + 120, "jti": random_jti(),
    })
}

/// Fresh ID-JAG claims from `JAG` for the web client: read and admin at the documents.
pub fn jag_claims() -> Value {
    json!({
        "iss": JAG, "sub": "bob@corp", "aud": ISSUER, "client_id": WEB,
        "iat": now(), "exp": now() + 120, "jti": random_jti(),
        "scope": "read admin unknown:scope", "resource": DOCS_RESOURCE,
    })
}

pub fn jwt_server(idp: &Signer, jag: &Signer) -> TestServer {
    let issuers = TrustedIssuers::builder()
        .issuer(TrustedIssuer::new(IDP, idp.keys()))
        .issuer(TrustedIssuer::new(JAG, jag.keys()).profiles(&[Profile::IdJag]))
        .build()
        .unwrap();
    let config = |c: &mut oauth2_provider::config::Config| {
        c.issuer = Some(ISSUER.to_owned());
        c.trusted_issuers = issuers;
    };
    Server::new(TestProvider {
        resources: Some(resources()),
        ..test_provider(EXCHANGE_GRANTS, config, None)
    })
}

pub async fn present(
    server: &TestServer,
    auth: Auth<'_>,
    assertion: &str,
    extra: &[(&str, &str)],
) -> JsonReply {
    let mut params = vec![("grant_type", GRANT_TYPE), ("assertion", assertion)];
    params.extend_from_slice(extra);
    token(server, auth, &params).await
}

pub async fn introspect(server: &TestServer, token: &str) -> Value {
    let mut request = token_request(Auth::Basic(API, API_SECRET), &[("token", token)]);
    *request.uri_mut() = "/introspect".parse().unwrap();
    JsonReply::from_response(server.introspect(request).await).body
}

pub const WEB_AUTH: Auth<'static> = Auth::Basic(WEB, WEB_SECRET);

mod id_jag;
mod plain;
