// Signing in with an OAuth 2 authorization server (Amazon Cognito's hosted UI): the
// authorization code flow with PKCE (RFC 7636), for a public client that holds no secret. The
// tokens live in this tab's sessionStorage only, and the scopes the console shows actions for
// are read from the access token the API will check. The access token lasts an hour; the
// refresh token (a working day) renews it without sending anyone back to the sign-in page, and
// signing out revokes it.

export interface OAuthConfig {
  /** The authorization server's base URL, e.g. https://shop.auth.eu-west-1.amazoncognito.com */
  domain: string;
  clientId: string;
  /** Where the server sends the browser back: the console's own address. */
  redirectUri: string;
  scopes: string[];
}

export interface Tokens {
  access_token: string;
  id_token?: string;
  /** Only with the code; a refresh answers without one (Cognito does not rotate it). */
  refresh_token?: string;
  expires_in: number;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

export function base64url(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += ALPHABET[(value >> bits) & 63];
    }
  }
  if (bits > 0) out += ALPHABET[(value << (6 - bits)) & 63];
  return out;
}

/** A code verifier: 32 random bytes, 43 characters (RFC 7636 §4.1). */
export function newVerifier(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The S256 challenge of a verifier (RFC 7636 §4.2). */
export async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

export function authorizeUrl(config: OAuthConfig, challenge: string, state: string): string {
  const q = new URLSearchParams({
    response_type: "code",
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: config.scopes.join(" "),
    code_challenge: challenge,
    code_challenge_method: "S256",
    state,
  });
  return `${config.domain}/oauth2/authorize?${q}`;
}

/** The token request for a code (form-encoded, as RFC 6749 §4.1.3 asks). */
export function tokenRequest(config: OAuthConfig, code: string, verifier: string): { url: string; body: string } {
  const body = new URLSearchParams({
    grant_type: "authorization_code",
    client_id: config.clientId,
    code,
    redirect_uri: config.redirectUri,
    code_verifier: verifier,
  });
  return { url: `${config.domain}/oauth2/token`, body: body.toString() };
}

/** The request that renews the access token (RFC 6749 §6). */
export function refreshRequest(config: OAuthConfig, refreshToken: string): { url: string; body: string } {
  const body = new URLSearchParams({ grant_type: "refresh_token", client_id: config.clientId, refresh_token: refreshToken });
  return { url: `${config.domain}/oauth2/token`, body: body.toString() };
}

/** The claims of a JWT, unverified: the API verifies it; the console only reads what to show. */
export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  const padded = payload.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(payload.length / 4) * 4, "=");
  try {
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)))) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Cognito names the user pool's resource-server scopes `backoffice/<scope>`. */
const RESOURCE_SERVER = "backoffice/";

/** The token's scopes as the API reads them (shared/src/domain/access.rs, `api_scope`). */
export function scopesOf(token: string): string[] {
  const scope = claimsOf(token).scope;
  if (typeof scope !== "string") return [];
  return scope
    .split(/\s+/)
    .filter(Boolean)
    .map((s) => (s.startsWith(RESOURCE_SERVER) ? s.slice(RESOURCE_SERVER.length) : s));
}

const KEY = {
  verifier: "pkce_verifier",
  state: "pkce_state",
  token: "access_token",
  expires: "access_token_expires",
  refresh: "refresh_token",
};

/** A token request (form-encoded), and the tokens it answered with kept; false when refused. */
async function requestTokens(request: { url: string; body: string }): Promise<boolean> {
  const response = await fetch(request.url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: request.body,
  });
  if (!response.ok) return false;
  const tokens = (await response.json()) as Tokens;
  sessionStorage.setItem(KEY.token, tokens.access_token);
  sessionStorage.setItem(KEY.expires, String(Date.now() + tokens.expires_in * 1000));
  if (tokens.refresh_token) sessionStorage.setItem(KEY.refresh, tokens.refresh_token);
  return true;
}

/** Sends the browser to the sign-in page, remembering what the return must match. */
export async function signIn(config: OAuthConfig): Promise<void> {
  const verifier = newVerifier();
  const state = newVerifier();
  sessionStorage.setItem(KEY.verifier, verifier);
  sessionStorage.setItem(KEY.state, state);
  location.assign(authorizeUrl(config, await challengeOf(verifier), state));
}

/** On the way back from sign-in: trades the code for tokens if the state is the one sent. */
export async function completeSignIn(config: OAuthConfig, url: URL): Promise<boolean> {
  const code = url.searchParams.get("code");
  const state = url.searchParams.get("state");
  if (!code || !state) return false;
  const expected = sessionStorage.getItem(KEY.state);
  const verifier = sessionStorage.getItem(KEY.verifier);
  sessionStorage.removeItem(KEY.state);
  sessionStorage.removeItem(KEY.verifier);
  history.replaceState(null, "", url.pathname + url.hash);
  if (!expected || state !== expected || !verifier) return false;
  return requestTokens(tokenRequest(config, code, verifier));
}

/** Renewed this long before it runs out, so no call leaves with a token about to expire. */
const RENEW_BEFORE_MS = 60_000;
let renewing: Promise<string | null> | null = null;

/** An access token for the next call: the one kept while it has a minute left, else one the
 * refresh token renews (once, however many calls ask at the same moment); null when neither. */
export function validToken(config: OAuthConfig): Promise<string | null> {
  const token = currentToken(Date.now() + RENEW_BEFORE_MS);
  if (token) return Promise.resolve(token);
  const refresh = sessionStorage.getItem(KEY.refresh);
  if (!refresh) return Promise.resolve(currentToken());
  renewing ??= requestTokens(refreshRequest(config, refresh))
    .then((renewed) => {
      // A refused refresh token (expired, revoked) is forgotten: the next step is signing in.
      if (!renewed) sessionStorage.removeItem(KEY.refresh);
      return currentToken();
    })
    .catch(() => currentToken())
    .finally(() => (renewing = null));
  return renewing;
}

/** The access token, while it is valid. */
export function currentToken(now = Date.now()): string | null {
  const token = sessionStorage.getItem(KEY.token);
  const expires = Number(sessionStorage.getItem(KEY.expires) ?? 0);
  return token && expires > now ? token : null;
}

/** Revokes the refresh token (RFC 7009), forgets the tokens and ends the sign-in page's session. */
export async function signOut(config: OAuthConfig): Promise<void> {
  const refresh = sessionStorage.getItem(KEY.refresh);
  for (const key of [KEY.token, KEY.expires, KEY.refresh]) sessionStorage.removeItem(key);
  if (refresh) {
    const body = new URLSearchParams({ token: refresh, client_id: config.clientId });
    await fetch(`${config.domain}/oauth2/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: body.toString(),
    }).catch(() => undefined);
  }
  const q = new URLSearchParams({ client_id: config.clientId, logout_uri: config.redirectUri });
  location.assign(`${config.domain}/logout?${q}`);
}
