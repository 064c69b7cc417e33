// A FAPI 2.0-shaped client from outside the project: openid-client (panva) over oauth4webapi,
// authenticating with private_key_jwt (RFC 7523), pushing its request (RFC 9126), with PKCE
// and DPoP-bound tokens (RFC 9449); then a refresh and the resource with the DPoP scheme.
//
// node fapi.mjs ISSUER CLIENT_ID PKCS8_BASE64 KID REDIRECT_URI RESOURCE_URL
// prints {"authorize": URL}, reads the callback URL from stdin, prints
// {"token_type", "refreshed_type", "scope", "status", "me"}.
import * as client from 'openid-client';
import readline from 'node:readline';

const [issuer, clientId, pkcs8, kid, redirectUri, resource] = process.argv.slice(2);
const key = await crypto.subtle.importKey(
  'pkcs8', Buffer.from(pkcs8, 'base64'), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
const config = await client.discovery(
  new URL(issuer), clientId, undefined, client.PrivateKeyJwt({ key, kid }),
  { execute: [client.allowInsecureRequests] });
const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
const verifier = client.randomPKCECodeVerifier();
const state = client.randomState();
const url = await client.buildAuthorizationUrlWithPAR(config, {
  redirect_uri: redirectUri,
  scope: 'read',
  code_challenge: await client.calculatePKCECodeChallenge(verifier),
  code_challenge_method: 'S256',
  state,
}, { DPoP });
console.log(JSON.stringify({ authorize: url.href }));

const lines = readline.createInterface({ input: process.stdin });
const callback = await new Promise((resolve) => lines.once('line', resolve));
lines.close();

const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
  pkceCodeVerifier: verifier,
  expectedState: state,
}, undefined, { DPoP });
const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token, undefined, { DPoP });
const response = await client.fetchProtectedResource(
  config, refreshed.access_token, new URL(resource), 'GET', undefined, undefined, { DPoP });
console.log(JSON.stringify({
  token_type: tokens.token_type,
  refreshed_type: refreshed.token_type,
  scope: tokens.scope,
  status: response.status,
  me: await response.json(),
}));
