// Filters (v2): the viewer's filters with their keywords, made, changed and deleted,
// added to the one API; and what a status's filter results mean on screen. The server
// drops the statuses a "hide" filter matches and marks those a "warn" or "blur" one
// matches (the status's filtered field): a warned post shows collapsed under its
// filter's title until shown anyway, a blurred one hides its media.
import type { MessageKey } from "./i18n";
import { api } from "./api";
import type { Filter, FilterAction, FilterContext, Status } from "./entities";

export const filtersApi = api.injectEndpoints({
  endpoints: (build) => ({
    filters: build.query<Filter[], void>({ query: () => "api/v2/filters", providesTags: ["Filters"] }),
    saveFilter: build.mutation<Filter, { id?: string; body: FilterBody }>({
      query: ({ id, body }) => (id ? { url: `api/v2/filters/${encodeURIComponent(id)}`, method: "PUT", body } : { url: "api/v2/filters", method: "POST", body }),
      invalidatesTags: ["Filters"],
    }),
    deleteFilter: build.mutation<void, string>({
      query: (id) => ({ url: `api/v2/filters/${encodeURIComponent(id)}`, method: "DELETE" }),
      invalidatesTags: ["Filters"],
    }),
  }),
});

export const { useFiltersQuery, useSaveFilterMutation, useDeleteFilterMutation } = filtersApi;

export const filterContexts: { value: FilterContext; label: MessageKey }[] = [
  { value: "home", label: "filters.context.home" },
  { value: "notifications", label: "filters.context.notifications" },
  { value: "public", label: "filters.context.public" },
  { value: "thread", label: "filters.context.thread" },
  { value: "account", label: "filters.context.account" },
];

export const filterActions: { value: FilterAction; label: MessageKey }[] = [
  { value: "warn", label: "filters.action.warn" },
  { value: "blur", label: "filters.action.blur" },
  { value: "hide", label: "filters.action.hide" },
];

/** The expiries offered, in seconds; 0 is never, -1 keeps the filter's own. */
export const filterExpiries: { seconds: number; label?: MessageKey }[] = [
  { seconds: 0, label: "duration.never" },
  { seconds: 30 * 60 },
  { seconds: 60 * 60 },
  { seconds: 6 * 60 * 60 },
  { seconds: 12 * 60 * 60 },
  { seconds: 24 * 60 * 60 },
  { seconds: 7 * 24 * 60 * 60 },
];
export const keepExpiry = -1;

export interface DraftKeyword {
  id?: string;
  keyword: string;
  whole_word: boolean;
}

export interface DraftFilter {
  title: string;
  context: FilterContext[];
  action: FilterAction;
  expiresIn: number;
  keywords: DraftKeyword[];
}

export const newFilter = (): DraftFilter => ({ title: "", context: ["home", "public"], action: "warn", expiresIn: 0, keywords: [{ keyword: "", whole_word: true }] });

/** A filter as its form starts when it is edited. */
export function draftOf(f: Filter): DraftFilter {
  return {
    title: f.title,
    context: [...f.context],
    action: f.filter_action,
    expiresIn: f.expires_at ? keepExpiry : 0,
    keywords: f.keywords.map((k) => ({ id: k.id, keyword: k.keyword, whole_word: k.whole_word })),
  };
}

export interface FilterBody {
  title: string;
  context: FilterContext[];
  filter_action: FilterAction;
  expires_in?: number | "";
  keywords_attributes: { id?: string; keyword?: string; whole_word?: boolean; _destroy?: boolean }[];
}

/** A filter can be saved with a title, a context, and at least one keyword written. */
export function filterReady(d: DraftFilter): boolean {
  return d.title.trim() !== "" && d.context.length > 0 && d.keywords.some((k) => k.keyword.trim() !== "");
}

/**
 * The body of POST or PUT /api/v2/filters: new keywords are added, kept ones sent
 * with their id, those of the filter no longer in the draft (or emptied) destroyed.
 * Never expiring is an empty expires_in; keeping the expiry sends none.
 */
export function filterBody(d: DraftFilter, before?: Filter): FilterBody {
  const written = d.keywords.filter((k) => k.keyword.trim() !== "");
  const keptIds = new Set(written.flatMap((k) => (k.id ? [k.id] : [])));
  const body: FilterBody = {
    title: d.title.trim(),
    context: d.context,
    filter_action: d.action,
    keywords_attributes: [
      ...written.map((k) => ({ ...(k.id ? { id: k.id } : {}), keyword: k.keyword.trim(), whole_word: k.whole_word })),
      ...(before?.keywords ?? []).filter((k) => !keptIds.has(k.id)).map((k) => ({ id: k.id, _destroy: true })),
    ],
  };
  if (d.expiresIn !== keepExpiry) body.expires_in = d.expiresIn > 0 ? d.expiresIn : "";
  return body;
}

/** What the viewer's filters say of a status (a boost's and its original's results both count). */
export function filterVerdict(status: Status, now = Date.now()): { warn: string[]; blur: boolean } {
  const results = [...(status.filtered ?? []), ...(status.reblog?.filtered ?? [])].filter(
    (r) => !r.filter.expires_at || Date.parse(r.filter.expires_at) > now,
  );
  const warn = results.filter((r) => r.filter.filter_action === "warn").map((r) => r.filter.title);
  return { warn: [...new Set(warn)], blur: results.some((r) => r.filter.filter_action === "blur") };
}
