// The sign-in flow's pieces (RFC 7636 PKCE, the authorization and token requests, reading a
// token's scopes), without a browser or an authorization server.
import assert from "node:assert/strict";
import { test } from "node:test";
import { authorizeUrl, base64url, challengeOf, newVerifier, refreshRequest, scopesOf, tokenRequest } from "../../dist/app/auth.js";

const config = {
  domain: "https://shop.auth.eu-west-1.amazoncognito.com",
  clientId: "client123",
  redirectUri: "https://d1.cloudfront.net/",
  scopes: ["openid", "backoffice/stock:write"],
};

test("the S256 challenge matches RFC 7636's own example", async () => {
  assert.equal(await challengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  assert.equal(base64url(new Uint8Array([0xfb, 0xff])), "-_8");
});

test("a verifier is 43 unreserved characters, different each time", () => {
  const a = newVerifier();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, newVerifier());
});

test("the authorization request asks for a code with the S256 challenge and the state", () => {
  const url = new URL(authorizeUrl(config, "CHALLENGE", "STATE"));
  assert.equal(url.origin + url.pathname, "https://shop.auth.eu-west-1.amazoncognito.com/oauth2/authorize");
  assert.equal(url.searchParams.get("response_type"), "code");
  assert.equal(url.searchParams.get("code_challenge"), "CHALLENGE");
  assert.equal(url.searchParams.get("code_challenge_method"), "S256");
  assert.equal(url.searchParams.get("state"), "STATE");
  assert.equal(url.searchParams.get("scope"), "openid backoffice/stock:write");
  assert.equal(url.searchParams.get("redirect_uri"), "https://d1.cloudfront.net/");
});

test("the token request carries the code and its verifier, form-encoded", () => {
  const { url, body } = tokenRequest(config, "CODE", "VERIFIER");
  assert.equal(url, "https://shop.auth.eu-west-1.amazoncognito.com/oauth2/token");
  const form = new URLSearchParams(body);
  assert.equal(form.get("grant_type"), "authorization_code");
  assert.equal(form.get("code"), "CODE");
  assert.equal(form.get("code_verifier"), "VERIFIER");
  assert.equal(form.get("client_id"), "client123");
});

test("the refresh request renews with the refresh token alone, form-encoded", () => {
  const { url, body } = refreshRequest(config, "REFRESH");
  assert.equal(url, "https://shop.auth.eu-west-1.amazoncognito.com/oauth2/token");
  const form = new URLSearchParams(body);
  assert.deepEqual([...form.keys()].sort(), ["client_id", "grant_type", "refresh_token"]);
  assert.equal(form.get("grant_type"), "refresh_token");
  assert.equal(form.get("refresh_token"), "REFRESH");
});

test("a token's scopes are read as the API names them", () => {
  const payload = Buffer.from(JSON.stringify({ scope: "openid backoffice/stock:write backoffice/backoffice:read" })).toString("base64url");
  const token = `e30.${payload}.sig`;
  assert.deepEqual(scopesOf(token), ["openid", "stock:write", "backoffice:read"]);
  assert.deepEqual(scopesOf("not a token"), []);
});
