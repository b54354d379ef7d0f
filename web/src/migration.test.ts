import { describe, expect, it } from "vitest";
import { cooldownDays, migrationErrorText, moveBody } from "./migration";

describe("moving the account", () => {
  it("sends the handle without its @ and the password as given", () => {
    expect(moveBody("  @ben@beta.example ", "a pass ")).toEqual({ acct: "ben@beta.example", current_password: "a pass " });
  });

  it("counts the cooldown's days left, rounded up", () => {
    const now = Date.parse("2026-12-07T00:00:00.000Z");
    expect(cooldownDays(null, now)).toBe(0);
    expect(cooldownDays("2026-12-06T23:00:00Z", now)).toBe(0);
    expect(cooldownDays("2026-12-07T01:00:00Z", now)).toBe(1);
    expect(cooldownDays("2027-01-06T00:00:00Z", now)).toBe(30);
  });

  it("shows the server's refusal without Mastodon's prefix", () => {
    expect(migrationErrorText({ status: 422, data: { error: "Validation failed: Acct is not an alias of this account" } })).toBe(
      "Acct is not an alias of this account",
    );
    expect(migrationErrorText({ status: 422, data: { error: "Validation failed: You are on cooldown" } })).toBe("You are on cooldown");
    expect(migrationErrorText({ status: "FETCH_ERROR", error: "offline" })).toBe("network error");
  });
});
