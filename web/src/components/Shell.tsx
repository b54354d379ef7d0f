// The signed-in screen: navigation (with the count of unread notifications, and
// Moderation for a role that allows it), the
// compose box and the page of the route, with the streaming connection open.
import { NavLink, Outlet, useLocation } from "react-router";
import { permissionsOf, sectionsFor } from "../roles";
import { api, fixedKinds, timelineOfPath, useInstanceQuery, useMeQuery } from "../api";
import { signedOut } from "../authSlice";
import { useAppDispatch, useAppSelector } from "../hooks";
import { reset } from "../liveSlice";
import { unreadConversations, useConversationsQuery } from "../conversations";
import { unreadCount, useMarkersQuery, useNotificationsInfiniteQuery } from "../notifications";
import { signOut } from "../oauth";
import { useStreaming } from "../streaming";
import { Compose } from "./Compose";
import { SearchBox } from "./Search";
import { titles } from "./Timeline";

export function Shell() {
  const dispatch = useAppDispatch();
  const token = useAppSelector((s) => s.auth.token);
  const live = useAppSelector((s) => s.live.connection);
  const { data: instance } = useInstanceQuery();
  const { data: me } = useMeQuery();
  const editing = useAppSelector((s) => s.edit.editing);
  // The socket opens once the token has proved itself (verify_credentials answered), so a
  // token revoked elsewhere signs the browser out without a refused WebSocket first.
  useStreaming(instance?.configuration.urls.streaming, me ? token : null, timelineOfPath(useLocation().pathname));

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
        <nav aria-label="Timelines">
          {fixedKinds.map((k) => (
            <NavLink key={k} to={`/web/${k}`}>
              {titles[k]}
            </NavLink>
          ))}
          <NotificationsLink />
          <ConversationsLink />
          <NavLink to="/web/bookmarks">Bookmarks</NavLink>
          <NavLink to="/web/favourites">Favourites</NavLink>
          <NavLink to="/web/lists">Lists</NavLink>
          <NavLink to="/web/settings">Settings</NavLink>
          {/* Only for a role that may moderate; the server refuses the rest anyway. */}
          {sectionsFor(permissionsOf(me)).length > 0 ? <NavLink to="/web/moderation">Moderation</NavLink> : null}
        </nav>
        <SearchBox />
        <span className={`live ${live}`} title={`Live updates: ${live}`} aria-label={`Live updates: ${live}`} />
        {me ? (
          <NavLink className="me" to={`/web/accounts/${me.id}`}>
            @{me.acct}
          </NavLink>
        ) : null}
        <button type="button" onClick={leave}>
          Sign out
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
    </div>
  );
}

/** The link to the notifications, with how many came since they were last read. */
function NotificationsLink() {
  const { data } = useNotificationsInfiniteQuery();
  const { data: markers, isSuccess } = useMarkersQuery();
  const unread = data && isSuccess ? unreadCount(data.pages.flat(), markers.notifications?.last_read_id) : 0;
  return (
    <NavLink to="/web/notifications" aria-label={unread > 0 ? `Notifications (${unread} unread)` : "Notifications"}>
      Notifications
      {unread > 0 ? <span className="badge">{unread}</span> : null}
    </NavLink>
  );
}

/** The link to the direct messages, with how many conversations have unread posts. */
function ConversationsLink() {
  const { data } = useConversationsQuery();
  const unread = unreadConversations(data);
  return (
    <NavLink to="/web/conversations" aria-label={unread > 0 ? `Direct messages (${unread} unread)` : "Direct messages"}>
      Direct
      {unread > 0 ? <span className="badge">{unread}</span> : null}
    </NavLink>
  );
}
