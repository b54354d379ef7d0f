import { describe, expect, it } from "vitest";
import {
  accountParams,
  accountStates,
  actionBody,
  actionsFor,
  adminErrorText,
  cleanDomain,
  domainBlockBody,
  domainBlockReady,
  domainReady,
  newDomainBlock,
  reversalsFor,
} from "./admin";
import type { AdminAccount, CredentialAccount } from "./entities";
import { account } from "./fixtures";
import { permissionsOf, privilege, sectionsFor } from "./roles";

const me = (permissions?: string): CredentialAccount => ({
  ...account("1", "mod"),
  ...(permissions === undefined ? {} : { role: { id: "1", name: "Moderator", color: "", permissions, highlighted: true } }),
});

const adminAccount = (over: Partial<AdminAccount> = {}): AdminAccount => ({
  id: "7",
  username: "dee",
  domain: null,
  created_at: "2026-12-06T00:00:00.000Z",
  email: "dee@example.com",
  locale: "en",
  invite_request: null,
  role: null,
  confirmed: true,
  approved: true,
  disabled: false,
  silenced: false,
  suspended: false,
  sensitized: false,
  account: account("7", "dee"),
  ...over,
});

describe("roles", () => {
  it("open no moderation to a user without privileges, or with invite_users only", () => {
    expect(sectionsFor(permissionsOf(me()))).toEqual([]);
    expect(sectionsFor(permissionsOf(me("0")))).toEqual([]);
    expect(sectionsFor(permissionsOf(me("65536")))).toEqual([]);
    expect(sectionsFor(permissionsOf(me("not a number")))).toEqual([]);
  });

  it("open the sections each privilege allows, and all of them to an administrator", () => {
    // Mastodon's Moderator: view_dashboard, view_audit_log, manage_users, manage_reports, manage_taxonomies, manage_appeals…
    expect(sectionsFor(permissionsOf(me(String(privilege.manageReports))))).toEqual(["reports"]);
    expect(sectionsFor(permissionsOf(me(String(privilege.manageReports | privilege.manageUsers | 8 | 4))))).toEqual(["reports", "accounts", "dashboard"]);
    expect(sectionsFor(permissionsOf(me(String(privilege.manageFederation))))).toEqual(["domain_blocks", "domain_allows", "relays"]);
    expect(sectionsFor(permissionsOf(me(String(privilege.manageRules))))).toEqual(["rules"]);
    expect(sectionsFor(permissionsOf(me(String(privilege.manageWebhooks))))).toEqual(["webhooks"]);
    // Mastodon's bits 13 and 14: manage_announcements, manage_custom_emojis.
    expect(sectionsFor(permissionsOf(me(String(1 << 13))))).toEqual(["announcements"]);
    expect(sectionsFor(permissionsOf(me(String(1 << 14))))).toEqual(["custom_emojis"]);
    const all = ["reports", "accounts", "domain_blocks", "domain_allows", "relays", "rules", "announcements", "custom_emojis", "webhooks", "dashboard"];
    expect(sectionsFor(permissionsOf(me("1")))).toEqual(all);
    expect(sectionsFor(permissionsOf(me("1048575")))).toEqual(all);
  });
});

describe("account moderation", () => {
  it("names an account's states, pending first, active when nothing applies", () => {
    expect(accountStates(adminAccount())).toEqual(["Active"]);
    expect(accountStates(adminAccount({ approved: false }))).toEqual(["Pending"]);
    expect(accountStates(adminAccount({ silenced: true, sensitized: true }))).toEqual(["Silenced", "Sensitized"]);
    expect(accountStates(adminAccount({ suspended: true, disabled: true }))).toEqual(["Suspended", "Disabled"]);
  });

  it("offers the actions that change something, freezing only local accounts", () => {
    expect(actionsFor(adminAccount())).toEqual(["none", "sensitive", "disable", "silence", "suspend"]);
    expect(actionsFor(adminAccount({ domain: "remote.example" }))).toEqual(["none", "sensitive", "silence", "suspend"]);
    expect(actionsFor(adminAccount({ silenced: true, sensitized: true }))).toEqual(["none", "disable", "suspend"]);
    expect(actionsFor(adminAccount({ suspended: true, disabled: true }))).toEqual(["none", "sensitive"]);
  });

  it("offers the reversal of each action in effect", () => {
    expect(reversalsFor(adminAccount())).toEqual([]);
    expect(reversalsFor(adminAccount({ disabled: true, silenced: true, suspended: true, sensitized: true }))).toEqual([
      "enable",
      "unsilence",
      "unsuspend",
      "unsensitive",
    ]);
  });

  it("sends an action with its note trimmed and the report it settles", () => {
    expect(actionBody({ id: "7", type: "silence", text: "  spam again ", reportId: "3" })).toEqual({ type: "silence", text: "spam again", report_id: "3" });
    expect(actionBody({ id: "7", type: "none", text: " " })).toEqual({ type: "none" });
  });

  it("asks the account list for the filters set only", () => {
    expect(accountParams({ origin: "", status: "", username: " " })).toEqual({ limit: 40 });
    expect(accountParams({ origin: "local", status: "silenced", username: " @dee " })).toEqual({ limit: 40, origin: "local", status: "silenced", username: "dee" });
  });
});

describe("domain blocks", () => {
  it("take a domain as typed or pasted", () => {
    expect(cleanDomain(" https://Spam.Example/about?x=1 ")).toBe("spam.example");
    expect(cleanDomain("@bad.example")).toBe("bad.example");
    expect(domainBlockReady({ ...newDomainBlock(), domain: "spam.example" })).toBe(true);
    expect(domainBlockReady({ ...newDomainBlock(), domain: "localhost" })).toBe(false);
    expect(domainBlockReady({ ...newDomainBlock(), domain: "spam example.com" })).toBe(false);
    expect(domainBlockReady(newDomainBlock())).toBe(false);
    expect(domainReady(" https://Allowed.Example/ ")).toBe(true);
    expect(domainReady("allowed")).toBe(false);
  });

  it("send the severity, the rejections, and the comments written", () => {
    expect(domainBlockBody({ ...newDomainBlock(), domain: "https://spam.example/", severity: "suspend", rejectMedia: true, publicComment: " spam " })).toEqual({
      domain: "spam.example",
      severity: "suspend",
      reject_media: true,
      reject_reports: false,
      public_comment: "spam",
    });
  });
});

describe("admin errors", () => {
  it("tell a token without the admin scopes from a role without the privilege", () => {
    expect(adminErrorText({ status: 403, data: { error: "This action is outside the authorized scopes" } })).toMatch(/sign in again/);
    expect(adminErrorText({ status: 403, data: { error: "This action is not allowed" } })).toBe("your role does not allow this");
    expect(adminErrorText({ status: 422, data: { error: "Validation failed: Domain has already been taken" } })).toBe("Validation failed: Domain has already been taken");
    expect(adminErrorText({ status: "FETCH_ERROR", error: "TypeError" })).toBe("network error");
  });
});
