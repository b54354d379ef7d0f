// For the admin pages' tests: a store whose API calls reach a fake server, which
// records each request (method, path, JSON body) and answers from a handler.
import { vi } from "vitest";
import { makeStore } from "./store";

export interface Sent {
  method: string;
  path: string;
  body: unknown;
}

export type Answer = { status?: number; body: unknown; headers?: Record<string, string> };

/** A store signed in with a token, and the requests it sent; answer decides each reply. */
export function fakeServer(answer: (r: Sent) => Answer) {
  const sent: Sent[] = [];
  // The app's base URL is "/": Node's Request needs an absolute one.
  const NodeRequest = globalThis.Request;
  vi.stubGlobal(
    "Request",
    class extends NodeRequest {
      constructor(input: RequestInfo | URL, init?: RequestInit) {
        super(typeof input === "string" ? new URL(input, "http://herd.test") : input, init);
      }
    },
  );
  vi.stubGlobal("fetch", async (req: Request) => {
    const u = new URL(req.url);
    const text = await req.text();
    const r: Sent = { method: req.method, path: u.pathname + u.search, body: text ? JSON.parse(text) : undefined };
    sent.push(r);
    const a = answer(r);
    return new Response(JSON.stringify(a.body), { status: a.status ?? 200, headers: { "Content-Type": "application/json", ...a.headers } });
  });
  return { store: makeStore("token"), sent };
}
