import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeServer } from "./adminTesting";
import { lastDelivery, newWebhook, serverAdminApi, toggleEvent, webhookBody, webhookReady, type AdminWebhook } from "./serverAdmin";

const hook = (over: Partial<AdminWebhook> = {}): AdminWebhook => ({
  id: "3",
  url: "https://hooks.example/herd",
  events: ["report.created"],
  enabled: true,
  template: null,
  created_at: "2026-12-01T00:00:00.000Z",
  updated_at: "2026-12-01T00:00:00.000Z",
  deliveries: [],
  ...over,
});

afterEach(() => vi.unstubAllGlobals());

describe("webhooks", () => {
  it("keep their events in one order whatever order they are ticked in", () => {
    let ev = toggleEvent([], "status.created", true);
    ev = toggleEvent(ev, "account.created", true);
    ev = toggleEvent(ev, "account.created", true);
    expect(ev).toEqual(["account.created", "status.created"]);
    expect(toggleEvent(ev, "status.created", false)).toEqual(["account.created"]);
  });

  it("need an http(s) URL and an event", () => {
    expect(webhookReady(newWebhook())).toBe(false);
    expect(webhookReady({ url: "https://hooks.example/x", events: [] })).toBe(false);
    expect(webhookReady({ url: "hooks.example/x", events: ["report.created"] })).toBe(false);
    expect(webhookReady({ url: "ftp://hooks.example/x", events: ["report.created"] })).toBe(false);
    expect(webhookReady({ url: " https://hooks.example/x ", events: ["report.created"] })).toBe(true);
    expect(webhookBody({ url: " https://hooks.example/x ", events: ["report.created"] })).toEqual({ url: "https://hooks.example/x", events: ["report.created"] });
  });

  it("tell their last delivery: the answer's status, else the error", () => {
    expect(lastDelivery(hook())).toBe("");
    const at = "2026-12-02T00:00:00.000Z";
    expect(lastDelivery(hook({ deliveries: [{ at, event: "report.created", try: 1, status_code: 200 }] }))).toBe("last delivery: report.created, HTTP 200");
    expect(lastDelivery(hook({ deliveries: [{ at, event: "report.created", try: 3, status_code: null, error: "connection refused" }] }))).toBe(
      "last delivery: report.created, connection refused (try 3)",
    );
  });

  it("are rotated, enabled and removed on their own paths; the rotation answers the new secret", async () => {
    const { store, sent } = fakeServer((r) => ({ body: r.path.endsWith("rotate_secret") ? hook({ secret: "s3cret" }) : hook() }));
    const out = await store.dispatch(serverAdminApi.endpoints.webhookDo.initiate({ id: "3", verb: "rotate_secret" }));
    expect("data" in out && out.data?.secret).toBe("s3cret");
    await store.dispatch(serverAdminApi.endpoints.webhookDo.initiate({ id: "3", verb: "disable" }));
    await store.dispatch(serverAdminApi.endpoints.removeWebhook.initiate("3"));
    await store.dispatch(serverAdminApi.endpoints.addWebhook.initiate({ url: "https://hooks.example/x", events: ["status.created"] }));
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /api/v1/admin/webhooks/3/rotate_secret",
      "POST /api/v1/admin/webhooks/3/disable",
      "DELETE /api/v1/admin/webhooks/3",
      "POST /api/v1/admin/webhooks",
    ]);
    expect(sent[3]?.body).toEqual({ url: "https://hooks.example/x", events: ["status.created"] });
  });
});

describe("relays", () => {
  it("are subscribed to by their inbox URL, trimmed", async () => {
    const { store, sent } = fakeServer(() => ({ status: 422, body: { error: "Validation failed: Inbox url is not a public address" } }));
    const out = await store.dispatch(serverAdminApi.endpoints.addRelay.initiate(" https://127.0.0.1/inbox "));
    expect(sent).toEqual([{ method: "POST", path: "/api/v1/admin/relays", body: { inbox_url: "https://127.0.0.1/inbox" } }]);
    expect("error" in out && out.error).toEqual({ status: 422, data: { error: "Validation failed: Inbox url is not a public address" } });
  });
});

describe("domain allows", () => {
  it("are listed 200 a page, added by domain and removed by id, the list read again after each", async () => {
    let list = [{ id: "2", domain: "friends.example", created_at: "2026-12-01T00:00:00.000Z" }];
    const { store, sent } = fakeServer((r) => {
      if (r.method === "POST") {
        list = [{ id: "3", domain: "pals.example", created_at: "2026-12-02T00:00:00.000Z" }, ...list];
        return { body: list[0] };
      }
      return { body: r.method === "GET" ? list : {} };
    });
    const sub = store.dispatch(serverAdminApi.endpoints.domainAllows.initiate(undefined));
    await sub;
    await store.dispatch(serverAdminApi.endpoints.allowDomain.initiate("pals.example"));
    await vi.waitFor(() => expect(serverAdminApi.endpoints.domainAllows.select(undefined)(store.getState()).data?.pages[0]?.items).toHaveLength(2));
    await store.dispatch(serverAdminApi.endpoints.disallowDomain.initiate("2"));
    await vi.waitFor(() => expect(sent).toHaveLength(5));
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /api/v1/admin/domain_allows?limit=200",
      "POST /api/v1/admin/domain_allows",
      "GET /api/v1/admin/domain_allows?limit=200",
      "DELETE /api/v1/admin/domain_allows/2",
      "GET /api/v1/admin/domain_allows?limit=200",
    ]);
    expect(sent[1]?.body).toEqual({ domain: "pals.example" });
    sub.unsubscribe();
  });
});
