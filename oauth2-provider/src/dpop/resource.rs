//! A protected resource request with a DPoP-bound access token (RFC 9449 §7.1):
//! `Authorization: DPoP <token>` and a proof for this request, this token and its key.

use std::time::SystemTime;

use http::request::Parts;

use super::token::remember;
use super::{DpopError, Target, proof_header, verify_proof};
use crate::endpoint::bearer::BearerRejection;
use crate::provider::{Provider, ScopeOf};
use crate::resource::{self, Requirements, TokenError, Validated};

/// Validates `token`, sent with the `DPoP` scheme in `parts`, against `requirements`; every
/// refusal challenges with `DPoP` and the allowed `algs`.
pub(crate) async fn validate<P: Provider>(
    provider: &P,
    parts: &Parts,
    token: &str,
    requirements: &Requirements<ScopeOf<P>>,
) -> Result<Validated<P>, BearerRejection> {
    let config = provider.config();
    let settings = &config.dpop;
    let refuse = |rejection: BearerRejection| rejection.with_dpop(settings.algs());
    let proof_error = |error: DpopError| refuse(BearerRejection::from_error(error.into()));

    let jwt = proof_header(&parts.headers)
        .map_err(proof_error)?
        .ok_or(DpopError::Missing)
        .map_err(proof_error)?;
    let origin = requirements
        .origin(config.issuer.as_deref())
        .ok_or(DpopError::Unavailable)
        .map_err(proof_error)?;
    let url = format!("{origin}{}", parts.uri.path());
    let now = SystemTime::now();
    let target = Target::new(&parts.method, &url).with_access_token(token);
    let proof = verify_proof(jwt, &target, settings, now).map_err(proof_error)?;
    remember(provider.tokens(), &proof, "resource", settings, now)
        .await
        .map_err(|error| refuse(BearerRejection::from_error(error)))?;

    let proven = requirements.clone().proven_key(proof.jkt());
    resource::validate(provider, token, &proven)
        .await
        .map_err(|error| match error {
            TokenError::KeyMismatch => proof_error(DpopError::WrongKey),
            other => refuse(BearerRejection::refusing(
                &other,
                requirements.required_scope(),
            )),
        })
}
