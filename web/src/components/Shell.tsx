// The signed-in screen: navigation (with the count of unread notifications, and
// Moderation for a role that allows it), the
// compose box and the page of the route, with the streaming connection open.
import { useEffect } from "react";
import { NavLink, Outlet, useLocation } from "react-router";
import { permissionsOf, sectionsFor } from "../roles";
import { api, fixedKinds, timelineOfPath, useInstanceQuery, useMeQuery } from "../api";
import { signedOut } from "../authSlice";
import { useAppDispatch, useAppSelector } from "../hooks";
import { applyLanguage, browserLanguages, formatNumber, keptLanguage, pickLanguage, useT, type MessageKey } from "../i18n";
import type { Connection } from "../liveSlice";
import { reset } from "../liveSlice";
import { unreadConversations, useConversationsQuery } from "../conversations";
import { unreadCount, useMarkersQuery, useNotificationsInfiniteQuery } from "../notifications";
import { signOut } from "../oauth";
import { useStreaming } from "../streaming";
import { Compose } from "./Compose";
import { SearchBox } from "./Search";
import { Shortcuts } from "./Shortcuts";
import { titles } from "./Timeline";

const liveLabels: Record<Connection, MessageKey> = {
  open: "shell.live.open",
  connecting: "shell.live.connecting",
  closed: "shell.live.closed",
};

export function Shell() {
  const dispatch = useAppDispatch();
  const t = useT();
  const token = useAppSelector((s) => s.auth.token);
  const live = useAppSelector((s) => s.live.connection);
  const { data: instance } = useInstanceQuery();
  const { data: me } = useMeQuery();
  const editing = useAppSelector((s) => s.edit.editing);
  // The socket opens once the token has proved itself (verify_credentials answered), so a
  // token revoked elsewhere signs the browser out without a refused WebSocket first.
  useStreaming(instance?.configuration.urls.streaming, me ? token : null, timelineOfPath(useLocation().pathname));
  // Unless this browser chose a language, the account's posting language leads.
  const accountLanguage = me?.source?.language;
  useEffect(() => {
    if (keptLanguage() !== null) return;
    applyLanguage(pickLanguage([accountLanguage, ...browserLanguages()])).catch((e: unknown) => console.warn("loading the language failed", e));
  }, [accountLanguage]);

  const leave = () => {
    const t = token;
    dispatch(signedOut());
    dispatch(reset());
    dispatch(api.util.resetApiState());
    if (t) signOut(t).catch((e: unknown) => console.warn("revoking the token failed", e));
  };

  return (
    <div className="shell">
      <header className="top">
        <span className="brand">{instance?.title ?? "Herd"}</span>
        <nav aria-label={t("shell.navigation")}>
          {fixedKinds.map((k) => (
            <NavLink key={k} to={`/web/${k}`}>
              {t(titles[k])}
            </NavLink>
          ))}
          <NotificationsLink />
          <ConversationsLink />
          <NavLink to="/web/bookmarks">{t("shell.bookmarks")}</NavLink>
          <NavLink to="/web/favourites">{t("shell.favourites")}</NavLink>
          <NavLink to="/web/lists">{t("shell.lists")}</NavLink>
          <NavLink to="/web/settings">{t("shell.settings")}</NavLink>
          {/* Only for a role that may moderate; the server refuses the rest anyway. */}
          {sectionsFor(permissionsOf(me)).length > 0 ? <NavLink to="/web/moderation">{t("shell.moderation")}</NavLink> : null}
        </nav>
        <SearchBox />
        <span className={`live ${live}`} role="img" title={t(liveLabels[live])} aria-label={t(liveLabels[live])} />
        {me ? (
          <NavLink className="me" to={`/web/accounts/${me.id}`}>
            @{me.acct}
          </NavLink>
        ) : null}
        <button type="button" onClick={leave}>
          {t("shell.signOut")}
        </button>
      </header>
      <div className="columns">
        <aside>
          {/* Keyed by the post edited: the box starts again from its text, or empty. */}
          <Compose
            key={editing?.status.id ?? "new"}
            maxCharacters={instance?.configuration.statuses.max_characters ?? 500}
            edit={editing ?? undefined}
          />
        </aside>
        <main>
          <Outlet />
        </main>
      </div>
      <Shortcuts />
    </div>
  );
}

/** A count of unread items beside a link's name: its name reads "Notifications 3 unread"
 * (what it shows, then the word), so the name holds the visible text. */
function Unread({ n, label }: { n: number; label: string }) {
  return (
    <>
      {" "}
      <span className="badge">{formatNumber(n)}</span>
      <span className="visually-hidden"> {label}</span>
    </>
  );
}

/** The link to the notifications, with how many came since they were last read. */
function NotificationsLink() {
  const t = useT();
  const { data } = useNotificationsInfiniteQuery();
  const { data: markers, isSuccess } = useMarkersQuery();
  const unread = data && isSuccess ? unreadCount(data.pages.flat(), markers.notifications?.last_read_id) : 0;
  return (
    <NavLink to="/web/notifications">
      {t("shell.notifications")}
      {unread > 0 ? <Unread n={unread} label={t("shell.notificationsUnread", { count: unread })} /> : null}
    </NavLink>
  );
}

/** The link to the direct messages, with how many conversations have unread posts. */
function ConversationsLink() {
  const t = useT();
  const { data } = useConversationsQuery();
  const unread = unreadConversations(data);
  return (
    <NavLink to="/web/conversations">
      {t("shell.directMessages")}
      {unread > 0 ? <Unread n={unread} label={t("shell.directUnread", { count: unread })} /> : null}
    </NavLink>
  );
}
