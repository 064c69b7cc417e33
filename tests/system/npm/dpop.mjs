// A DPoP client from outside the project: openid-client (panva) over oauth4webapi, RFC 9449 as
// they implement it. Client credentials with a DPoP proof, then the resource with the DPoP
// scheme and a proof carrying `ath`; then the same token as a plain Bearer, which must fail.
// With --dpop-nonce on the server, openid-client retries with the nonce it is given.
//
// node dpop.mjs ISSUER CLIENT_ID CLIENT_SECRET RESOURCE_URL
// prints {"token_type", "status", "me", "bearer_status", "bearer_challenge"}.
import * as client from 'openid-client';

const [issuer, clientId, secret, resource] = process.argv.slice(2);
const config = await client.discovery(new URL(issuer), clientId, secret, undefined, {
  execute: [client.allowInsecureRequests],
});
const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
const tokens = await client.clientCredentialsGrant(config, { scope: 'read' }, { DPoP });
let response;
try {
  response = await client.fetchProtectedResource(
    config, tokens.access_token, new URL(resource), 'GET', undefined, undefined, { DPoP });
} catch (error) {
  // A first use_dpop_nonce at the resource: retried once with the nonce now known.
  if (!client.isDPoPNonceError?.(error)) throw error;
  response = await client.fetchProtectedResource(
    config, tokens.access_token, new URL(resource), 'GET', undefined, undefined, { DPoP });
}
const me = await response.json();
const bearer = await fetch(resource, { headers: { authorization: `Bearer ${tokens.access_token}` } });
console.log(JSON.stringify({
  token_type: tokens.token_type,
  status: response.status,
  me,
  bearer_status: bearer.status,
  bearer_challenge: bearer.headers.get('www-authenticate'),
}));
