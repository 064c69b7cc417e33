//! The provider's configuration from the command line: every flag of SERVER-INTERFACE.md
//! that changes how the runtime behaves.

use std::sync::Arc;
use std::time::Duration;

use oauth2_provider::cimd::ClientIdDocuments;
use oauth2_provider::client_assertion::{AssertionAudience, ClientAssertions};
use oauth2_provider::config::{Config, RefreshGrace};
use oauth2_provider::fetch::SafeFetcher;
use oauth2_provider::grant::GrantType;
use oauth2_provider::jose::Algorithm;
use oauth2_provider::oidc::OpenId;
use oauth2_provider::registration::Registration;

use super::cli::Cli;
use super::keys::{self, Signing};
use super::trust;

/// The configuration `cli` asks for, for `issuer`, signing with `signing`'s keys.
pub fn config(cli: &Cli, issuer: &str, signing: &Signing) -> Result<Config, String> {
    // The provider serves every grant of RFC 6749 (its `grants(...)`); the two RFC 9700
    // advises against stay off unless their flag is given.
    let mut config = Config::builder()
        .issuer(issuer)
        .openid(
            // JWT access tokens are for `{issuer}/api` unless a resource was asked for.
            OpenId::new(signing.keys.clone())
                .id_token_alg(signing.id_token_alg)
                .access_tokens(cli.access_token_format.format(), signing.access_token_alg)
                .default_audience(format!("{issuer}/api")),
        )
        .access_token_ttl(Duration::from_secs(cli.access_token_ttl))
        .refresh_token_ttl(Some(Duration::from_secs(cli.refresh_token_ttl)))
        .code_ttl(Duration::from_secs(cli.code_ttl))
        .build();
    if cli.refresh_grace_seconds > 0 {
        // FAPI 2.0's refresh test replays once; a client retrying a lost response a few
        // times more is still honoured, anything beyond is reuse.
        let period = Duration::from_secs(cli.refresh_grace_seconds);
        config.refresh_grace = RefreshGrace::new(period).reuses(10);
    }
    config.localhost_any_port = cli.localhost_any_port;
    // Clients' documents and jwks_uri are fetched over HTTPS from public addresses only, no
    // redirects, within one budget of concurrent fetches.
    let fetcher = Arc::new(SafeFetcher::new());
    // private_key_jwt: the issuer or the token endpoint as `aud` (SERVER-INTERFACE.md).
    config.client_assertions = ClientAssertions::new()
        .audience(AssertionAudience::IssuerOrEndpoint)
        .fetcher(fetcher.clone());
    if cli.dpop_nonce {
        config.dpop = config.dpop.clone().with_nonces(keys::dpop_nonces()?);
    }
    if cli.enable_registration {
        // Open registration, under the runtime's per-source and global budgets.
        config.registration = Some(Registration::open());
    }
    if cli.enable_cimd {
        config.client_id_documents = Some(Arc::new(ClientIdDocuments::new(fetcher)));
    }
    config.trusted_issuers = trust::issuers(&cli.trust_issuers, &cli.trust_id_jag_issuers)?;
    if !cli.enable_implicit {
        config.grants.disable(GrantType::Implicit);
    }
    if !cli.enable_password {
        config.grants.disable(GrantType::Password);
    }
    if cli.fapi2 {
        fapi2(&mut config);
    }
    Ok(config)
}

/// The FAPI 2.0 Security Profile (§5.3): pushed requests only, PKCE from every client, and
/// client assertions addressed to the issuer alone, signed with PS256, ES256 or EdDSA
/// (§5.4.1: no RS256).
fn fapi2(config: &mut Config) {
    config.require_par = true;
    config.require_pkce_for_confidential = true;
    config.client_assertions = config
        .client_assertions
        .clone()
        .audience(AssertionAudience::Issuer)
        .algorithms(&[Algorithm::PS256, Algorithm::ES256, Algorithm::EdDSA]);
}
