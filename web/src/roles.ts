// What the signed-in user's role allows: Mastodon's privilege bits, as
// verify_credentials sends them (role.permissions, a decimal bitmask), and the
// moderation sections they open. Kept apart from the admin API (admin.ts), which is
// loaded with the moderation pages only.
import type { CredentialAccount } from "./entities";

/** Mastodon's privilege bits (UserRole::FLAGS), those the app looks at. */
export const privilege = {
  administrator: 1 << 0,
  manageReports: 1 << 4,
  manageFederation: 1 << 5,
  manageUsers: 1 << 10,
} as const;

/** The privileges of the signed-in user's role (0 when it has none, or none is sent). */
export function permissionsOf(me: CredentialAccount | undefined): number {
  const n = Number(me?.role?.permissions ?? "0");
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

/** Whether permissions hold bit; administrator holds every one. */
export function holds(permissions: number, bit: number): boolean {
  return (permissions & privilege.administrator) !== 0 || (permissions & bit) !== 0;
}

export type Section = "reports" | "accounts" | "domain_blocks";

export const sectionTitles: Record<Section, string> = {
  reports: "Reports",
  accounts: "Accounts",
  domain_blocks: "Domain blocks",
};

/** The moderation sections a role opens, in the order of the tabs (none: no Moderation entry). */
export function sectionsFor(permissions: number): Section[] {
  const out: Section[] = [];
  if (holds(permissions, privilege.manageReports)) out.push("reports");
  if (holds(permissions, privilege.manageUsers)) out.push("accounts");
  if (holds(permissions, privilege.manageFederation)) out.push("domain_blocks");
  return out;
}

export const moderationPath = (section: Section, id?: string) => `/web/moderation/${section}${id ? `/${encodeURIComponent(id)}` : ""}`;

