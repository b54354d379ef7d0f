// The admin pages rendered to markup (react-dom/server) from a store that holds
// what the server answered: what each shows, and which sections a role opens.
import type { ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { Provider } from "react-redux";
import { MemoryRouter, Route, Routes } from "react-router";
import { describe, expect, it } from "vitest";
import { api } from "../../api";
import type { CredentialAccount } from "../../entities";
import { account } from "../../fixtures";
import { privilege } from "../../roles";
import { rulesApi, type ContentRule } from "../../rulesAdmin";
import { serverAdminApi, type AdminRelay, type AdminWebhook } from "../../serverAdmin";
import { makeStore, type AppStore } from "../../store";
import { contentAdminApi, type AdminAnnouncement, type AdminCustomEmoji } from "../../contentAdmin";
import { AnnouncementItem, Announcements } from "./Announcements";
import { CustomEmojis, EmojiItem } from "./CustomEmojis";
import { MeasureCard } from "./Dashboard";
import { AllowItem } from "./DomainAllows";
import Moderation from "./Moderation";
import { RelayItem } from "./Relays";
import { ContentRuleItem, RuleItem, Rules } from "./Rules";
import { SecretOnce, WebhookItem, Webhooks } from "./Webhooks";

const at = "2026-12-01T00:00:00.000Z";
const render = (node: ReactNode, store: AppStore = makeStore("token")) => renderToStaticMarkup(<Provider store={store}>{node}</Provider>);

const hook = (over: Partial<AdminWebhook> = {}): AdminWebhook => ({
  id: "3",
  url: "https://hooks.example/herd",
  events: ["report.created", "account.created"],
  enabled: true,
  template: null,
  created_at: at,
  updated_at: at,
  deliveries: [],
  ...over,
});

const contentRule = (over: Partial<ContentRule> = {}): ContentRule => ({
  id: "5",
  pattern: "buy now",
  regexp: false,
  whole_word: true,
  action: "report",
  hits: 1,
  created_at: at,
  updated_at: at,
  ...over,
});

describe("rule items", () => {
  it("show a server rule with its hint and priority, and buttons named after it", () => {
    const html = render(<RuleItem rule={{ id: "1", text: "No spam", hint: "Ads included", priority: 2, created_at: at, updated_at: at }} />);
    expect(html).toContain("<strong>No spam</strong>");
    expect(html).toContain("Ads included");
    expect(html).toContain("Priority 2");
    expect(html).toContain('aria-label="Edit the rule No spam"');
    expect(html).toContain('aria-label="Remove the rule No spam"');
  });

  it("show a content rule's match, action and hit count", () => {
    expect(render(<ContentRuleItem rule={contentRule()} />)).toMatch(/phrase, whole words · Report it to moderators.*1 hit</);
    expect(render(<ContentRuleItem rule={contentRule({ hits: 12, regexp: true, action: "reject" })} />)).toMatch(/regular expression · Reject the post.*12 hits/);
  });

  it("list the rules the server answered, and say when there are none", async () => {
    const store = makeStore("token");
    await store.dispatch(rulesApi.util.upsertQueryData("adminRules", undefined, [{ id: "1", text: "Be kind", hint: "", priority: 0, created_at: at, updated_at: at }]));
    await store.dispatch(rulesApi.util.upsertQueryData("contentRules", undefined, []));
    const html = render(<Rules />, store);
    expect(html).toMatch(/<ol class="admin-items" aria-label="Server rules">.*Be kind.*<\/ol>/);
    expect(html).toContain("No content rule.");
  });
});

describe("webhook items", () => {
  it("show the events, the state, the last delivery, and the opposite of the state as action", () => {
    const html = render(<WebhookItem hook={hook({ deliveries: [{ at, event: "report.created", try: 1, status_code: 500 }] })} onSecret={() => {}} />);
    expect(html).toContain("report.created, account.created");
    expect(html).toContain('<span class="state active">Enabled</span>');
    expect(html).toContain(">Disable</button>");
    expect(html).toContain("last delivery: report.created, HTTP 500");
    expect(html).toContain('aria-label="Rotate the secret of https://hooks.example/herd"');
    expect(html).not.toContain("secret-once");
    expect(render(<WebhookItem hook={hook({ enabled: false })} onSecret={() => {}} />)).toContain(">Enable</button>");
    expect(render(<WebhookItem hook={hook()} secret="abc123" onSecret={() => {}} />)).toMatch(/secret-once.*<code>abc123<\/code>/);
  });

  it("show a secret once, in full", () => {
    expect(render(<SecretOnce secret="abc123" url="https://hooks.example/herd" />)).toContain("<code>abc123</code>");
  });

  it("list the webhooks the server answered", async () => {
    const store = makeStore("token");
    await store.dispatch(serverAdminApi.util.upsertQueryData("webhooks", undefined, [hook(), hook({ id: "4", url: "https://b.example/h" })]));
    const html = render(<Webhooks />, store);
    expect(html.match(/data-webhook=/g)).toHaveLength(2);
    expect(html).toContain('aria-label="Add a webhook"');
  });
});

describe("announcements", () => {
  const item = (over: Partial<AdminAnnouncement> = {}): AdminAnnouncement => ({
    id: "7",
    text: "Maintenance tonight",
    content: "<p>Maintenance tonight</p>",
    starts_at: null,
    ends_at: null,
    all_day: false,
    published: true,
    scheduled_at: null,
    published_at: at,
    updated_at: at,
    ...over,
  });

  it("show the text, where each stands, and withdraw a published one or publish the others", () => {
    const html = render(<AnnouncementItem item={item()} />);
    expect(html).toContain('<span class="announcement-text">Maintenance tonight</span>');
    expect(html).toContain('<span class="state active">Published</span>');
    expect(html).toContain(">Withdraw</button>");
    expect(html).toContain('aria-label="Edit the announcement Maintenance tonight"');
    expect(html).toContain('aria-label="Remove the announcement Maintenance tonight"');
    const draft = render(<AnnouncementItem item={item({ published: false })} />);
    expect(draft).toContain(">Not published</span>");
    expect(draft).toContain(">Publish</button>");
    expect(render(<AnnouncementItem item={item({ published: false, scheduled_at: "2026-12-24T12:00:00.000Z" })} />)).toContain(">Scheduled</span>");
  });

  it("say an all-day event is all day", () => {
    expect(render(<AnnouncementItem item={item({ starts_at: "2026-12-24T12:00:00.000Z", all_day: true })} />)).toMatch(/Dec 24, 2026, all day/);
  });

  it("list those the server answered under the form that writes one", async () => {
    const store = makeStore("token");
    await store.dispatch(contentAdminApi.util.upsertQueryData("adminAnnouncements", undefined, [item(), item({ id: "8", text: "Second" })]));
    const html = render(<Announcements />, store);
    expect(html.match(/data-announcement=/g)).toHaveLength(2);
    expect(html).toContain('aria-label="Write an announcement"');
    expect(html).toMatch(/Publish at \(optional\)<input type="datetime-local"/);
  });

  it("say from when a scheduled one is published", () => {
    const scheduled = item({ published: false, published_at: null, scheduled_at: "2026-12-24T12:00:00.000Z" });
    expect(render(<AnnouncementItem item={scheduled} />)).toMatch(/published from Dec 24, 2026/);
  });
});

describe("custom emoji", () => {
  const emoji = (over: Partial<AdminCustomEmoji> = {}): AdminCustomEmoji => ({
    id: "blobcat",
    shortcode: "blobcat",
    domain: null,
    url: "https://herd.test/blobcat.png",
    static_url: "https://herd.test/blobcat.png",
    visible_in_picker: true,
    category: null,
    disabled: false,
    uri: null,
    updated_at: at,
    ...over,
  });

  it("show the picture, the state and actions named after the shortcode; a remote one cannot be removed", () => {
    const html = render(<EmojiItem emoji={emoji()} />);
    expect(html).toContain('alt=":blobcat:"');
    expect(html).toContain('aria-label="Disable :blobcat:"');
    expect(html).toContain('aria-label="Hide from picker: :blobcat:"');
    expect(html).toContain('aria-label="Remove :blobcat:"');
    const remote = render(<EmojiItem emoji={emoji({ id: "blobcat@far.example", domain: "far.example", disabled: true, visible_in_picker: false })} />);
    expect(remote).toContain("far.example");
    expect(remote).toContain('aria-label="Enable :blobcat@far.example:"');
    expect(remote).toContain("Hidden from the picker");
    expect(remote).not.toContain("Remove :blobcat@far.example:");
  });

  it("are listed by category under the upload form", async () => {
    const store = makeStore("token");
    const items = [emoji(), emoji({ id: "cat2", shortcode: "cat2", category: "Cats" })];
    await store.dispatch(contentAdminApi.util.upsertQueryData("adminEmoji", "", { pages: [{ items, next: null }], pageParams: [""] }));
    const html = render(<CustomEmojis />, store);
    expect(html).not.toContain("More custom emoji");
    expect(html).toContain('aria-label="Custom emoji: No category"');
    expect(html).toContain('aria-label="Custom emoji: Cats"');
    expect(html).toContain('aria-label="Upload a custom emoji"');
    expect(html).toContain('accept="image/png,image/gif,image/webp"');
  });

  it("offer the next page when the server names one", async () => {
    const store = makeStore("token");
    const next = "api/v1/admin/custom_emojis?limit=200&offset=200";
    await store.dispatch(contentAdminApi.util.upsertQueryData("adminEmoji", "", { pages: [{ items: [emoji(), emoji({ id: "cat2", shortcode: "cat2" })], next }], pageParams: [""] }));
    expect(render(<CustomEmojis />, store)).toContain(">More custom emoji (2 shown)</button>");
  });
});

describe("relay items", () => {
  const relay = (state: AdminRelay["state"]): AdminRelay => ({
    id: "8",
    inbox_url: "https://relay.example/inbox",
    actor_url: "",
    protocol: "mastodon",
    state,
    enabled: state === "accepted",
    created_at: at,
  });

  it("show where the subscription stands, and unsubscribe or subscribe again", () => {
    const pending = render(<RelayItem relay={relay("pending")} />);
    expect(pending).toContain("Waiting for the relay to accept");
    expect(pending).toContain(">Unsubscribe</button>");
    const rejected = render(<RelayItem relay={relay("rejected")} />);
    expect(rejected).toContain('class="state relay-rejected">Refused by the relay');
    expect(rejected).toContain(">Subscribe again</button>");
  });
});

describe("domain allows", () => {
  it("show each allowed domain with a removal named after it", () => {
    const html = render(<AllowItem allow={{ id: "2", domain: "friends.example", created_at: at }} />);
    expect(html).toContain('<strong class="admin-item-main">friends.example</strong>');
    expect(html).toContain('aria-label="Remove friends.example from the allowed domains"');
  });
});

describe("measure cards", () => {
  it("show the total, the change and a line chart named by its busiest day", () => {
    const html = render(
      <MeasureCard
        measure={{
          key: "new_users",
          unit: null,
          total: "6",
          previous_total: "3",
          data: [
            { date: "2026-12-01T00:00:00Z", value: "1" },
            { date: "2026-12-02T00:00:00Z", value: "5" },
          ],
        }}
      />,
    );
    expect(html).toContain("New users");
    expect(html).toContain('<strong class="measure-total">6</strong>');
    expect(html).toContain("+100% on the previous 30 days");
    expect(html).toContain('aria-label="New users a day: most on 2026-12-02: 5"');
    expect(html).toContain('points="0,48 240,0"');
  });
});

describe("the moderation page", () => {
  const page = async (permissions: number, path: string) => {
    const store = makeStore("token");
    const me: CredentialAccount = { ...account("1", "staff"), role: { id: "9", name: "Staff", color: "", permissions: String(permissions), highlighted: true } };
    await store.dispatch(api.util.upsertQueryData("me", undefined, me));
    return render(
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/web/moderation/:section" element={<Moderation />} />
        </Routes>
      </MemoryRouter>,
      store,
    );
  };

  it("opens only the tabs the role allows, and the section asked for", async () => {
    const html = await page(privilege.manageWebhooks | privilege.manageRules, "/web/moderation/webhooks");
    const tabs = [...html.matchAll(/<a [^>]*href="\/web\/moderation\/(\w+)"/g)].map((m) => m[1]);
    expect(tabs).toEqual(["rules", "webhooks"]);
    expect(html).toContain('aria-label="Add a webhook"');
  });

  it("shows announcements and custom emoji to the roles that manage them only", async () => {
    const tabsOf = (html: string) => [...html.matchAll(/<a [^>]*href="\/web\/moderation\/(\w+)"/g)].map((m) => m[1]);
    expect(tabsOf(await page(privilege.manageAnnouncements, "/web/moderation/announcements"))).toEqual(["announcements"]);
    expect(tabsOf(await page(privilege.manageCustomEmojis | privilege.manageRules, "/web/moderation/custom_emojis"))).toEqual(["rules", "custom_emojis"]);
    expect(tabsOf(await page(privilege.administrator, "/web/moderation/rules"))).toContain("custom_emojis");
    expect(tabsOf(await page(privilege.manageRules, "/web/moderation/rules"))).toEqual(["rules"]);
  });

  it("tells a role without any admin privilege that it may not moderate", async () => {
    expect(await page(1 << 16, "/web/moderation/rules")).toContain("Your role does not allow moderation.");
  });
});
