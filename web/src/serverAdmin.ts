// Webhooks (manage_webhooks), relays and domain allows (manage_federation), on the
// admin API (/api/v1/admin/webhooks and /api/v1/admin/relays are Herd's: Mastodon keeps
// both in its web admin only; /api/v1/admin/domain_allows is Mastodon's). A webhook's secret comes with its creation and with each rotation only, so
// the page shows it once, then forgets it.
import { translate, type MessageKey } from "./i18n";
import { paged, pageOptions, type Page } from "./admin";
import { api } from "./api";

/** The events a webhook may subscribe to, as Mastodon names them, grouped by object. */
export const webhookEvents = [
  "account.approved",
  "account.created",
  "account.updated",
  "report.created",
  "report.updated",
  "status.created",
  "status.updated",
] as const;

export type WebhookEvent = (typeof webhookEvents)[number];

export interface WebhookDelivery {
  at: string;
  event: string;
  try: number;
  status_code: number | null;
  error?: string;
}

export interface AdminWebhook {
  id: string;
  url: string;
  events: string[];
  /** Only in the answer to a creation or a rotation. */
  secret?: string;
  enabled: boolean;
  template: string | null;
  created_at: string;
  updated_at: string;
  deliveries: WebhookDelivery[];
}

export interface WebhookDraft {
  url: string;
  events: WebhookEvent[];
}

export const newWebhook = (): WebhookDraft => ({ url: "", events: [] });

/** Adds or takes away one event, keeping the list in the order of webhookEvents. */
export function toggleEvent(events: WebhookEvent[], e: WebhookEvent, on: boolean): WebhookEvent[] {
  return webhookEvents.filter((x) => (x === e ? on : events.includes(x)));
}

/** A webhook needs an http(s) URL and at least one event; the server checks the rest. */
export function webhookReady(d: WebhookDraft): boolean {
  let u: URL;
  try {
    u = new URL(d.url.trim());
  } catch {
    return false;
  }
  return (u.protocol === "https:" || u.protocol === "http:") && d.events.length > 0;
}

export const webhookBody = (d: WebhookDraft) => ({ url: d.url.trim(), events: d.events });

/** The last delivery attempt, in words ("" when there was none). */
export function lastDelivery(w: AdminWebhook): string {
  const d = w.deliveries[0];
  if (!d) return "";
  const outcome = d.status_code !== null ? `HTTP ${d.status_code}` : d.error || translate("webhooks.noAnswer");
  const last = translate("webhooks.lastDelivery", { event: d.event, outcome });
  return d.try > 1 ? `${last} ${translate("webhooks.try", { n: d.try })}` : last;
}

export type RelayState = "idle" | "pending" | "accepted" | "rejected";

export interface AdminRelay {
  id: string;
  inbox_url: string;
  actor_url: string;
  protocol: string;
  state: RelayState;
  enabled: boolean;
  created_at: string;
}

export const relayStateLabels: Record<RelayState, MessageKey> = {
  idle: "relays.state.idle",
  pending: "relays.state.pending",
  accepted: "relays.state.accepted",
  rejected: "relays.state.rejected",
};

/** A domain that may federate in limited-federation mode (Admin::DomainAllow). */
export interface AdminDomainAllow {
  id: string;
  domain: string;
  created_at: string;
}

const path = (id: string) => encodeURIComponent(id);

export const serverAdminApi = api.injectEndpoints({
  endpoints: (build) => ({
    webhooks: build.query<AdminWebhook[], void>({
      query: () => "api/v1/admin/webhooks",
      providesTags: ["Webhooks"],
    }),
    addWebhook: build.mutation<AdminWebhook, WebhookDraft>({
      query: (d) => ({ url: "api/v1/admin/webhooks", method: "POST", body: webhookBody(d) }),
      invalidatesTags: ["Webhooks"],
    }),
    webhookDo: build.mutation<AdminWebhook, { id: string; verb: "enable" | "disable" | "rotate_secret" }>({
      query: ({ id, verb }) => ({ url: `api/v1/admin/webhooks/${path(id)}/${verb}`, method: "POST" }),
      invalidatesTags: ["Webhooks"],
    }),
    removeWebhook: build.mutation<unknown, string>({
      query: (id) => ({ url: `api/v1/admin/webhooks/${path(id)}`, method: "DELETE" }),
      invalidatesTags: ["Webhooks"],
    }),
    relays: build.query<AdminRelay[], void>({
      query: () => "api/v1/admin/relays",
      providesTags: ["Relays"],
    }),
    addRelay: build.mutation<AdminRelay, string>({
      query: (inbox) => ({ url: "api/v1/admin/relays", method: "POST", body: { inbox_url: inbox.trim() } }),
      invalidatesTags: ["Relays"],
    }),
    relayDo: build.mutation<AdminRelay, { id: string; verb: "enable" | "disable" }>({
      query: ({ id, verb }) => ({ url: `api/v1/admin/relays/${path(id)}/${verb}`, method: "POST" }),
      invalidatesTags: ["Relays"],
    }),
    removeRelay: build.mutation<unknown, string>({
      query: (id) => ({ url: `api/v1/admin/relays/${path(id)}`, method: "DELETE" }),
      invalidatesTags: ["Relays"],
    }),
    // At most 200 a page, the most the server gives; a longer list pages on with "Load more".
    domainAllows: build.infiniteQuery<Page<AdminDomainAllow>, void, string>({
      infiniteQueryOptions: pageOptions,
      query: ({ pageParam }) => pageParam || { url: "api/v1/admin/domain_allows", params: { limit: 200 } },
      transformResponse: (items: AdminDomainAllow[], meta) => paged(items, meta),
      providesTags: ["DomainAllows"],
    }),
    allowDomain: build.mutation<AdminDomainAllow, string>({
      query: (domain) => ({ url: "api/v1/admin/domain_allows", method: "POST", body: { domain } }),
      invalidatesTags: ["DomainAllows"],
    }),
    disallowDomain: build.mutation<unknown, string>({
      query: (id) => ({ url: `api/v1/admin/domain_allows/${path(id)}`, method: "DELETE" }),
      invalidatesTags: ["DomainAllows"],
    }),
  }),
});

export const {
  useWebhooksQuery,
  useAddWebhookMutation,
  useWebhookDoMutation,
  useRemoveWebhookMutation,
  useRelaysQuery,
  useAddRelayMutation,
  useRelayDoMutation,
  useRemoveRelayMutation,
  useDomainAllowsInfiniteQuery,
  useAllowDomainMutation,
  useDisallowDomainMutation,
} = serverAdminApi;
