// One WebSocket to the streaming API, multiplexed: the "user" stream always, and the
// "direct" stream (conversations), and the stream of the timeline on screen (public, a hashtag's or a list's). The token goes in Sec-WebSocket-Protocol,
// as browsers cannot set headers on a WebSocket (Mastodon's web app does the same).
// New posts wait in the live slice, notifications go straight to their list; a dropped connection is opened again after a
// growing pause, and the timelines are then read again for what it missed.
import { useEffect, useRef } from "react";
import { useDispatch, useStore } from "react-redux";
import { api, cachedTimelines, listKind, tagKind, type FixedKind, type TimelineKind } from "./api";
import { conversationArrived, conversationsApi } from "./conversations";
import type { Conversation, Notification, Status, StreamMessage } from "./entities";
import { arrived, connection } from "./liveSlice";
import { notificationArrived, notificationsApi } from "./notifications";
import { statusDeleted, statusEdited } from "./statusCache";
import type { AppDispatch, RootState } from "./store";

export const streamOf: Record<FixedKind, string> = { home: "user", local: "public:local", federated: "public" };
const fixedKindOf: Record<string, FixedKind> = { user: "home", "public:local": "local", public: "federated" };

/** What to subscribe to for a timeline's posts; null for home, whose come on "user", always open. */
export function subscriptionOf(kind: TimelineKind): Record<string, string> | null {
  if (kind === "home") return null;
  if (kind.startsWith("tag:")) return { stream: "hashtag", tag: kind.slice(4) };
  if (kind.startsWith("list:")) return { stream: "list", list: kind.slice(5) };
  return { stream: streamOf[kind as FixedKind] };
}

/** The timeline a message is for, from its stream field (["hashtag", "Name"], ["list", "7"]). */
export function kindOf(stream: string[]): TimelineKind | undefined {
  const [name, arg] = stream;
  if (name === "hashtag" && arg) return tagKind(arg);
  if (name === "list" && arg) return listKind(arg);
  return fixedKindOf[name ?? ""];
}

/** Applies one message of the stream to the store. */
export function receive(msg: StreamMessage, dispatch: AppDispatch, getState: () => RootState): void {
  const kind = kindOf(msg.stream);
  if (msg.event === "delete" && msg.payload) {
    dispatch(statusDeleted(msg.payload));
    return;
  }
  if (msg.event === "status.update" && msg.payload) {
    dispatch(statusEdited(JSON.parse(msg.payload) as Status));
    return;
  }
  if (msg.event === "filters_changed") {
    // Changed in another app: the settings page reads them again.
    dispatch(api.util.invalidateTags(["Filters"]));
    return;
  }
  if (msg.event === "conversation" && msg.payload) {
    dispatch(conversationArrived(JSON.parse(msg.payload) as Conversation));
    return;
  }
  if (msg.event === "notification" && msg.payload) {
    dispatch(notificationArrived(JSON.parse(msg.payload) as Notification));
    return;
  }
  if (msg.event !== "update" || !kind || !msg.payload) return;
  const status = JSON.parse(msg.payload) as Status;
  const shown = api.endpoints.timeline.select(kind)(getState()).data;
  if (shown?.some((s) => s.id === status.id)) return;
  dispatch(arrived({ kind, status }));
}

/** Sends a subscription, kept as its JSON text (which compares by value). */
function send(ws: WebSocket, type: "subscribe" | "unsubscribe", sub: string): void {
  ws.send(JSON.stringify({ type, ...(JSON.parse(sub) as Record<string, string>) }));
}

/** Keeps the connection open while signed in; extra is the timeline on screen. */
export function useStreaming(base: string | undefined, token: string | null, extra: TimelineKind | null): void {
  const dispatch = useDispatch<AppDispatch>();
  const store = useStore<RootState>();
  const socket = useRef<WebSocket | null>(null);
  const subscribed = useRef<string | null>(null);
  const sub = extra ? subscriptionOf(extra) : null;
  const want = sub ? JSON.stringify(sub) : null;
  const wanted = useRef(want);
  wanted.current = want;

  useEffect(() => {
    if (!base || !token) return;
    let stopped = false;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const open = () => {
      dispatch(connection("connecting"));
      const ws = new WebSocket(`${base}/api/v1/streaming`, token);
      socket.current = ws;
      ws.onopen = () => {
        dispatch(connection("open"));
        ws.send(JSON.stringify({ type: "subscribe", stream: "user" }));
        ws.send(JSON.stringify({ type: "subscribe", stream: "direct" }));
        subscribed.current = wanted.current;
        if (wanted.current) send(ws, "subscribe", wanted.current);
        if (attempt > 0) {
          for (const k of cachedTimelines(store.getState())) {
            void dispatch(api.endpoints.timeline.initiate(k, { subscribe: false, forceRefetch: true }));
          }
          void dispatch(notificationsApi.endpoints.notifications.initiate(undefined, { subscribe: false, forceRefetch: true }));
          void dispatch(conversationsApi.endpoints.conversations.initiate(undefined, { subscribe: false, forceRefetch: true }));
        }
        attempt = 0;
      };
      ws.onmessage = (e: MessageEvent<string>) => {
        receive(JSON.parse(e.data) as StreamMessage, dispatch, store.getState);
      };
      ws.onclose = () => {
        socket.current = null;
        subscribed.current = null;
        if (stopped) return;
        dispatch(connection("closed"));
        // Closed for a token revoked elsewhere? Asking who we are finds out, and a
        // 401 signs the browser out (api.ts), which stops this loop.
        void dispatch(api.endpoints.me.initiate(undefined, { subscribe: false, forceRefetch: true }));
        attempt++;
        timer = setTimeout(open, Math.min(30_000, 500 * 2 ** attempt));
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      socket.current?.close();
      dispatch(connection("closed"));
    };
  }, [base, token, dispatch, store]);

  useEffect(() => {
    const ws = socket.current;
    if (!ws || ws.readyState !== WebSocket.OPEN || subscribed.current === want) return;
    if (subscribed.current) send(ws, "unsubscribe", subscribed.current);
    if (want) send(ws, "subscribe", want);
    subscribed.current = want;
  }, [want]);
}
