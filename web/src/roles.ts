// What the signed-in user's role allows: Mastodon's privilege bits, as
// verify_credentials sends them (role.permissions, a decimal bitmask), and the
// moderation and administration sections they open. Kept apart from the admin API (admin.ts), which is
// loaded with the moderation pages only.
import type { MessageKey } from "./i18n";
import type { CredentialAccount } from "./entities";

/** Mastodon's privilege bits (UserRole::FLAGS), those the app looks at. */
export const privilege = {
  administrator: 1 << 0,
  viewDashboard: 1 << 3,
  manageReports: 1 << 4,
  manageFederation: 1 << 5,
  manageUsers: 1 << 10,
  manageRules: 1 << 12,
  manageAnnouncements: 1 << 13,
  manageCustomEmojis: 1 << 14,
  manageWebhooks: 1 << 15,
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

export type Section = "reports" | "accounts" | "domain_blocks" | "domain_allows" | "relays" | "rules" | "announcements" | "custom_emojis" | "webhooks" | "dashboard";

export const sectionTitles: Record<Section, MessageKey> = {
  reports: "moderation.reports",
  accounts: "moderation.accounts",
  domain_blocks: "moderation.domainBlocks",
  domain_allows: "moderation.domainAllows",
  relays: "moderation.relays",
  rules: "moderation.rules",
  announcements: "moderation.announcements",
  custom_emojis: "moderation.customEmojis",
  webhooks: "moderation.webhooks",
  dashboard: "moderation.dashboard",
};

/** Each section and the privilege Mastodon's policies tie it to, in the order of the tabs. */
const sectionPrivileges: [Section, number][] = [
  ["reports", privilege.manageReports],
  ["accounts", privilege.manageUsers],
  ["domain_blocks", privilege.manageFederation],
  ["domain_allows", privilege.manageFederation],
  ["relays", privilege.manageFederation],
  ["rules", privilege.manageRules],
  ["announcements", privilege.manageAnnouncements],
  ["custom_emojis", privilege.manageCustomEmojis],
  ["webhooks", privilege.manageWebhooks],
  ["dashboard", privilege.viewDashboard],
];

/** The moderation sections a role opens, in the order of the tabs (none: no Moderation entry). */
export function sectionsFor(permissions: number): Section[] {
  return sectionPrivileges.filter(([, bit]) => holds(permissions, bit)).map(([s]) => s);
}

export const moderationPath = (section: Section, id?: string) => `/web/moderation/${section}${id ? `/${encodeURIComponent(id)}` : ""}`;

