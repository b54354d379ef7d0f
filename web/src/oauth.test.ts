import { describe, expect, it } from "vitest";
import type { Application } from "./entities";
import { appFits, base64url, challengeOf, newVerifier, scopes } from "./oauth";

describe("PKCE", () => {
  it("derives the S256 challenge of RFC 7636's example", async () => {
    // RFC 7636, appendix B.
    expect(await challengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });

  it("makes verifiers of 43 URL-safe characters, different each time", () => {
    const a = newVerifier();
    const b = newVerifier();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });

  it("encodes base64url without padding", () => {
    expect(base64url(new Uint8Array([0xfb, 0xff]))).toBe("-_8");
  });
});

describe("the kept registration", () => {
  const app = (scopes: string[] | undefined, redirect = "http://localhost/web/oauth/callback"): Application => ({
    name: "Herd web",
    client_id: "id",
    client_secret: "secret",
    redirect_uri: redirect,
    ...(scopes ? { scopes } : {}),
  });

  it("asks for the admin scopes, so that a moderator's sign-in reaches the admin API", () => {
    expect(scopes.split(" ")).toEqual(expect.arrayContaining(["read", "write", "follow", "push", "admin:read", "admin:write"]));
  });

  it("is reused when it has this callback and every scope asked for", () => {
    expect(appFits(app(scopes.split(" ")), "http://localhost/web/oauth/callback")).toBe(true);
  });

  it("is made anew when it lacks a scope (one kept from before the admin scopes), or serves another origin", () => {
    expect(appFits(app(["read", "write", "follow", "push"]), "http://localhost/web/oauth/callback")).toBe(false);
    expect(appFits(app(undefined), "http://localhost/web/oauth/callback")).toBe(false);
    expect(appFits(app(scopes.split(" "), "http://other/web/oauth/callback"), "http://localhost/web/oauth/callback")).toBe(false);
  });
});
