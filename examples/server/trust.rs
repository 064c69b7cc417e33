//! `--trust-issuer` and `--trust-id-jag-issuer`: the issuers whose assertions the JWT-bearer
//! grant accepts (RFC 7523, the ID-JAG profile), each with a JWK Set read from a file.

use std::collections::BTreeMap;
use std::path::Path;

use oauth2_provider::grant::jwt_bearer::{Profile, TrustedIssuer, TrustedIssuers};
use oauth2_provider::jose::PublicKeys;

/// The trusted issuers the flags declare. An issuer named by both flags is trusted for both
/// profiles, its assertions told apart by their `typ`; it must then name the same file.
pub fn issuers(plain: &[String], id_jag: &[String]) -> Result<TrustedIssuers, String> {
    let mut declared: BTreeMap<String, (String, Vec<Profile>)> = BTreeMap::new();
    let flags = [
        ("--trust-issuer", plain, Profile::JwtBearer),
        ("--trust-id-jag-issuer", id_jag, Profile::IdJag),
    ];
    for (flag, values, profile) in flags {
        for value in values {
            let (iss, file) = value
                .rsplit_once('=')
                .filter(|(iss, file)| !iss.is_empty() && !file.is_empty())
                .ok_or_else(|| format!("{flag}: {value:?} is not ISSUER=JWKS_FILE"))?;
            let (known, profiles) = declared
                .entry(iss.to_owned())
                .or_insert_with(|| (file.to_owned(), Vec::new()));
            if known != file {
                return Err(format!("{flag}: {iss:?} is given two JWK Set files"));
            }
            profiles.push(profile);
        }
    }
    let mut builder = TrustedIssuers::builder();
    for (iss, (file, profiles)) in declared {
        let keys = jwks(Path::new(&file)).map_err(|why| format!("{iss:?}: {file}: {why}"))?;
        builder = builder.issuer(TrustedIssuer::new(iss, keys).profiles(&profiles));
    }
    builder.build().map_err(|e| format!("trusted issuers: {e}"))
}

fn jwks(path: &Path) -> Result<PublicKeys, String> {
    let text = std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
    let value: serde_json::Value =
        serde_json::from_slice(&text).map_err(|e| format!("not JSON: {e}"))?;
    let keys = PublicKeys::from_jwks(&value).map_err(|e| format!("not a JWK Set: {e}"))?;
    if keys.is_empty() {
        return Err("no signing key with a kid in the JWK Set".into());
    }
    Ok(keys)
}
