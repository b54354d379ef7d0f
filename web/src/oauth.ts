// The app is an ordinary OAuth client of the server it is served by: it registers
// itself on first load (POST /api/v1/apps), signs in with the authorization code flow
// and PKCE S256 through the server's /oauth/authorize page, and revokes its token on
// sign-out. The registration and the token are kept in localStorage (per browser); the
// PKCE verifier and state live in sessionStorage between leaving for the sign-in page
// and coming back to /web/oauth/callback.
//
// It asks for the admin scopes too, whoever signs in: the server grants them to any
// user, as Mastodon's, and refuses every admin call of a user whose role lacks the
// privilege; so a user made moderator later moderates without signing in again. A
// registration kept from before that lacks a scope asked for is made anew (the server
// refuses a sign-in asking for more than the app registered).
import { translate } from "./i18n";
import type { Application, Token } from "./entities";

export const scopes = "read write follow push admin:read admin:write";
export const callbackPath = "/web/oauth/callback";
const appKey = "herd.app";
const tokenKey = "herd.token";
const flowKey = "herd.oauth";

/** base64url without padding, as RFC 7636 encodes the verifier and the challenge. */
export function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A fresh code verifier: 32 random bytes, 43 characters. */
export function newVerifier(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The S256 challenge of a verifier: base64url(SHA-256(verifier)). */
export async function challengeOf(verifier: string): Promise<string> {
  if (!crypto.subtle) {
    throw new Error(translate("oauth.insecure"));
  }
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

export function redirectURI(origin: string = location.origin): string {
  return origin + callbackPath;
}

function readJSON<T>(storage: Storage, key: string): T | null {
  const raw = storage.getItem(key);
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    storage.removeItem(key);
    return null;
  }
}

async function post<T>(path: string, body: Record<string, string>): Promise<T> {
  const res = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = data as { error?: string; error_description?: string } | null;
    throw new Error(`${path}: ${res.status} ${e?.error_description ?? e?.error ?? res.statusText}`);
  }
  return data as T;
}

/** Whether a kept registration serves this origin's callback with every scope asked for. */
export function appFits(app: Application, redirect: string, wanted: string = scopes): boolean {
  const registered = new Set(app.scopes ?? []);
  return app.redirect_uri.split(/\s+/).includes(redirect) && wanted.split(" ").every((s) => registered.has(s));
}

/** The app's registration with this server, made on first use and kept. */
export async function ensureApp(): Promise<Application> {
  const kept = readJSON<Application>(localStorage, appKey);
  if (kept && appFits(kept, redirectURI())) return kept;
  const app = await post<Application>("/api/v1/apps", {
    client_name: "Herd web",
    redirect_uris: redirectURI(),
    scopes,
    website: location.origin,
  });
  localStorage.setItem(appKey, JSON.stringify(app));
  return app;
}

export function keptToken(): string | null {
  return localStorage.getItem(tokenKey);
}

export function forgetToken(): void {
  localStorage.removeItem(tokenKey);
}

/** Leaves for the sign-in page; the browser comes back to the callback. */
export async function beginSignIn(): Promise<void> {
  const app = await ensureApp();
  const verifier = newVerifier();
  const state = newVerifier();
  sessionStorage.setItem(flowKey, JSON.stringify({ verifier, state }));
  const q = new URLSearchParams({
    response_type: "code",
    client_id: app.client_id,
    redirect_uri: redirectURI(),
    scope: scopes,
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: "S256",
  });
  location.assign(`/oauth/authorize?${q.toString()}`);
}

/** Exchanges the code the sign-in page sent back for a token, and keeps it. */
export async function completeSignIn(search: string): Promise<string> {
  const q = new URLSearchParams(search);
  const flow = readJSON<{ verifier: string; state: string }>(sessionStorage, flowKey);
  sessionStorage.removeItem(flowKey);
  const err = q.get("error");
  if (err) throw new Error(q.get("error_description") ?? err);
  const code = q.get("code");
  if (!code || !flow || q.get("state") !== flow.state) {
    throw new Error(translate("oauth.otherTab"));
  }
  const app = await ensureApp();
  const token = await post<Token>("/oauth/token", {
    grant_type: "authorization_code",
    code,
    redirect_uri: redirectURI(),
    client_id: app.client_id,
    client_secret: app.client_secret,
    code_verifier: flow.verifier,
  });
  localStorage.setItem(tokenKey, token.access_token);
  return token.access_token;
}

/** Revokes the token with the server and forgets it (forgotten even if revoking fails). */
export async function signOut(token: string): Promise<void> {
  forgetToken();
  const app = readJSON<Application>(localStorage, appKey);
  if (!app) return;
  await post<Record<string, never>>("/oauth/revoke", {
    client_id: app.client_id,
    client_secret: app.client_secret,
    token,
  });
}
