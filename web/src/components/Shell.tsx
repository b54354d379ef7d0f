// The signed-in screen: navigation, the compose box and one timeline, with the
// streaming connection open.
import { NavLink } from "react-router";
import { api, useInstanceQuery, useMeQuery, type TimelineKind } from "../api";
import { signedOut } from "../authSlice";
import { useAppDispatch, useAppSelector } from "../hooks";
import { reset } from "../liveSlice";
import { signOut } from "../oauth";
import { useStreaming } from "../streaming";
import { Compose } from "./Compose";
import { Timeline } from "./Timeline";

const titles: Record<TimelineKind, string> = { home: "Home", local: "Local", federated: "Federated" };

export function Shell({ kind }: { kind: TimelineKind }) {
  const dispatch = useAppDispatch();
  const token = useAppSelector((s) => s.auth.token);
  const live = useAppSelector((s) => s.live.connection);
  const { data: instance } = useInstanceQuery();
  const { data: me } = useMeQuery();
  useStreaming(instance?.configuration.urls.streaming, token, kind);

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
          {(Object.keys(titles) as TimelineKind[]).map((k) => (
            <NavLink key={k} to={`/web/${k}`}>
              {titles[k]}
            </NavLink>
          ))}
        </nav>
        <span className={`live ${live}`} title={`Live updates: ${live}`} aria-label={`Live updates: ${live}`} />
        {me ? <span className="me">@{me.acct}</span> : null}
        <button type="button" onClick={leave}>
          Sign out
        </button>
      </header>
      <div className="columns">
        <aside>
          <Compose maxCharacters={instance?.configuration.statuses.max_characters ?? 500} />
        </aside>
        <main>
          <h1>{titles[kind]}</h1>
          <Timeline key={kind} kind={kind} />
        </main>
      </div>
    </div>
  );
}
