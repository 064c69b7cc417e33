//! The example server's command line, as the black-box suites that drive it know it: every
//! flag is accepted from the start; those whose feature is not built yet are reported by
//! [`super::upcoming`] and otherwise ignored.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use super::admin::ClientCommand;
use super::keys::KeysCommand;

/// An OAuth 2.0 authorization server (RFC 6749) with sign-in and consent pages.
#[derive(Parser, Debug)]
#[command(version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Where clients, codes and tokens live: `memory:` (gone at exit), `sqlite:PATH`,
    /// `postgres://...`, `mysql://...`, `redis://...` or `redis+cluster://HOST:PORT,...` (a
    /// Redis Cluster through any of the nodes listed). Also read from `OAUTH2_STORE`, which
    /// keeps a password out of the process list; it is never printed.
    #[arg(
        long,
        env = "OAUTH2_STORE",
        hide_env_values = true,
        default_value = "memory:",
        global = true
    )]
    pub store: String,
    /// The PostgreSQL schema, MySQL database or Redis key prefix to use within `--store`.
    #[arg(long, global = true)]
    pub store_namespace: Option<String>,
    /// The most connections to a PostgreSQL or MySQL `--store` (default 10); a PostgreSQL
    /// store keeps one more, of its own, to listen for client changes.
    #[arg(long, global = true, value_parser = clap::value_parser!(u32).range(1..))]
    pub store_connections: Option<u32>,
    /// How long a PostgreSQL, MySQL, SQLite or Redis `--store` keeps a client it read, in
    /// seconds (`0`: not at all); default: the store's own (`ClientCache`).
    #[arg(long, global = true, value_name = "SECONDS")]
    pub store_client_cache: Option<u64>,
    /// A JSON file of clients and users; without it a demo client and user are created.
    #[arg(long)]
    pub fixtures: Option<PathBuf>,
    /// The issuer identifier (RFC 8414); default `http://<listen>`.
    #[arg(long)]
    pub issuer: Option<String>,
    /// Access token lifetime, in seconds.
    #[arg(long, default_value_t = 3600)]
    pub access_token_ttl: u64,
    /// Refresh token lifetime, in seconds.
    #[arg(long, default_value_t = 30 * 24 * 3600)]
    pub refresh_token_ttl: u64,
    /// Authorization code lifetime, in seconds.
    #[arg(long, default_value_t = 600)]
    pub code_ttl: u64,
    /// Serve the implicit grant (`response_type=token`); off by default (RFC 9700).
    #[arg(long)]
    pub enable_implicit: bool,
    /// Serve the resource owner password grant; off by default (RFC 9700).
    #[arg(long)]
    pub enable_password: bool,
    /// Open dynamic client registration (RFC 7591/7592).
    #[arg(long)]
    pub enable_registration: bool,
    /// Accept client ID metadata documents (a `client_id` that is an https URL).
    #[arg(long)]
    pub enable_cimd: bool,
    /// A resource server tokens are issued for (RFC 8707), beside `{issuer}/api`; repeatable.
    #[arg(long = "resource", value_name = "URI")]
    pub resources: Vec<String>,
    /// The access token format for clients that do not set `access_token_format`.
    #[arg(long, value_enum, default_value_t = TokenFormat::Opaque)]
    pub access_token_format: TokenFormat,
    /// A PEM private key for ID tokens and JWT access tokens; repeatable, the first of each
    /// type signs. Without it, keys are generated and kept in the store.
    #[arg(long = "signing-key", value_name = "FILE")]
    pub signing_keys: Vec<PathBuf>,
    /// Rotation with a grace period (RFC 9700 §4.14.2): a replayed previous refresh token
    /// within this many seconds gets a fresh pair; 0 is strict reuse detection.
    #[arg(long, default_value_t = 0)]
    pub refresh_grace_seconds: u64,
    /// Let a client's registered `http://localhost` redirect URI take any port, as loopback
    /// addresses do (MCP clients publish `localhost` in their metadata documents).
    #[arg(long)]
    pub localhost_any_port: bool,
    /// An origin (`https://host[:port]`) the consent page may show client logos (`logo_uri`)
    /// from; repeatable. Without one, no logo is shown: a logo from anywhere is an image any
    /// client could use to look like another.
    #[arg(long = "logo-origin", value_name = "ORIGIN")]
    pub logo_origins: Vec<String>,
    /// Trust the JWT-bearer assertions (RFC 7523) of ISSUER, verified with the JWK Set in
    /// JWKS_FILE; repeatable.
    #[arg(long = "trust-issuer", value_name = "ISSUER=JWKS_FILE")]
    pub trust_issuers: Vec<String>,
    /// Trust the ID-JAGs (Identity Assertion JWT Authorization Grants) of ISSUER, verified with
    /// the JWK Set in JWKS_FILE; repeatable.
    #[arg(long = "trust-id-jag-issuer", value_name = "ISSUER=JWKS_FILE")]
    pub trust_id_jag_issuers: Vec<String>,
    /// Require DPoP server nonces (RFC 9449 §8).
    #[arg(long)]
    pub dpop_nonce: bool,
    /// The FAPI 2.0 Security Profile: PAR required, PKCE from every client, client assertions
    /// addressed to the issuer alone and signed with PS256, ES256 or EdDSA.
    #[arg(long)]
    pub fapi2: bool,
    /// Seconds a client may take to send a request's header (slowloris).
    #[arg(long, default_value_t = 10)]
    pub header_timeout: u64,
    /// Seconds a request may take, its body included; 408 after.
    #[arg(long, default_value_t = 30)]
    pub request_timeout: u64,
    /// Connections open at once; beyond, a new one is closed at once.
    #[arg(long, default_value_t = 1024)]
    pub max_connections: usize,
    /// Requests a minute one source (an IPv4 address, an IPv6 /64) may send to the sign-in and
    /// consent pages; 0 turns the budget off (behind a proxy, say).
    #[arg(long, default_value_t = 1200)]
    pub page_rate_per_source: u32,
    /// How many of those it may send at once.
    #[arg(long, default_value_t = 300)]
    pub page_burst_per_source: u32,
    /// Milliseconds every 429 waits before it is sent, so a flood is not refused as fast as it
    /// can ask.
    #[arg(long, default_value_t = 250)]
    pub refusal_delay_ms: u64,
}

/// `--access-token-format`, and a client's `access_token_format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenFormat {
    /// A random 256-bit handle, looked up in the store.
    Opaque,
    /// An RFC 9068 JWT.
    Jwt,
}

impl TokenFormat {
    /// The client metadata member's value.
    pub fn name(self) -> &'static str {
        match self {
            TokenFormat::Opaque => "opaque",
            TokenFormat::Jwt => "jwt",
        }
    }

    /// The framework's own.
    pub fn format(self) -> oauth2_provider::model::TokenFormat {
        match self {
            TokenFormat::Opaque => oauth2_provider::model::TokenFormat::Opaque,
            TokenFormat::Jwt => oauth2_provider::model::TokenFormat::Jwt,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Register, list, delete clients, or rotate a client's secret, in `--store`.
    #[command(subcommand)]
    Client(ClientCommand),
    /// Rotate or list the signing keys kept in `--store`.
    #[command(subcommand)]
    Keys(KeysCommand),
}
