// A relying party on openid-client (panva), the certified Node.js library: discovery, the
// code flow with PKCE, nonce and state, ID token validation, UserInfo. Then the access token,
// when it is a JWT, checked as RFC 9068 §4 says with jose, an independent validator.
//
// node rp.mjs ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI AUDIENCE
// prints {"authorize": URL}, reads the callback URL the browser landed on from stdin, prints
// {"claims", "userinfo", "access_token"}.
import * as client from 'openid-client';
import * as jose from 'jose';
import readline from 'node:readline';

const [issuer, clientId, secret, redirectUri, audience] = process.argv.slice(2);
const config = await client.discovery(new URL(issuer), clientId, secret, undefined, {
  execute: [client.allowInsecureRequests],
});
const verifier = client.randomPKCECodeVerifier();
const nonce = client.randomNonce();
const state = client.randomState();
const url = client.buildAuthorizationUrl(config, {
  redirect_uri: redirectUri,
  scope: 'openid email',
  code_challenge: await client.calculatePKCECodeChallenge(verifier),
  code_challenge_method: 'S256',
  nonce,
  state,
});
console.log(JSON.stringify({ authorize: url.href }));

const lines = readline.createInterface({ input: process.stdin });
const callback = await new Promise((resolve) => lines.once('line', resolve));
lines.close();

const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
  pkceCodeVerifier: verifier,
  expectedNonce: nonce,
  expectedState: state,
  idTokenExpected: true,
});
const claims = tokens.claims();
const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);

const jwks = jose.createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri));
const expect = { issuer, audience, typ: 'at+jwt', algorithms: ['ES256', 'RS256', 'PS256', 'EdDSA'] };
const { payload, protectedHeader } = await jose.jwtVerify(tokens.access_token, jwks, expect);
let idTokenAccepted = true;
try {
  await jose.jwtVerify(tokens.id_token, jwks, expect);
} catch {
  idTokenAccepted = false;
}
console.log(JSON.stringify({
  claims,
  userinfo,
  access_token: { header: protectedHeader, payload, id_token_accepted: idTokenAccepted },
}));
