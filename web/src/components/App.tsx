// The routes. The app lives at / and under /web/ (as Mastodon's does), so that it does
// not shadow the server-rendered /@user pages that visitors and crawlers read. Every
// signed-in page shares the Shell (navigation, compose box, streaming connection).
import { lazy, Suspense, type ReactNode } from "react";
import { Navigate, Route, Routes } from "react-router";
import { useAppSelector } from "../hooks";
import { useT } from "../i18n";
import { Callback } from "./Callback";
import { ConversationsPage } from "./Conversations";
import { Landing } from "./Landing";
import { ListPage, ListsPage } from "./Lists";
import { Notifications } from "./Notifications";
import { Profile } from "./Profile";
import { SavedPage } from "./Saved";
import { SearchPage } from "./Search";
import { TagPage } from "./Tag";
import { Shell } from "./Shell";
import { Thread } from "./Thread";
import { TimelinePage } from "./Timeline";

// Settings and moderation are opened seldom: each is a chunk of its own, loaded on first use.
const Settings = lazy(() => import("./settings/Settings"));
const Moderation = lazy(() => import("./moderation/Moderation"));

function Loading() {
  return <p className="muted">{useT()("common.loading")}</p>;
}
const settings = (
  <Suspense fallback={<Loading />}>
    <Settings />
  </Suspense>
);
const moderation = (
  <Suspense fallback={<Loading />}>
    <Moderation />
  </Suspense>
);

export function App() {
  const token = useAppSelector((s) => s.auth.token);
  const signedIn = (page: ReactNode) => (token ? page : <Navigate to="/" replace />);
  return (
    <Routes>
      <Route path="/" element={token ? <Navigate to="/web/home" replace /> : <Landing />} />
      <Route path="/web/oauth/callback" element={<Callback />} />
      <Route path="/web" element={signedIn(<Shell />)}>
        <Route index element={<Navigate to="/web/home" replace />} />
        <Route path="home" element={<TimelinePage kind="home" />} />
        <Route path="local" element={<TimelinePage kind="local" />} />
        <Route path="federated" element={<TimelinePage kind="federated" />} />
        <Route path="notifications" element={<Notifications />} />
        <Route path="statuses/:id" element={<Thread />} />
        <Route path="accounts/:id" element={<Profile />} />
        <Route path="search" element={<SearchPage />} />
        <Route path="bookmarks" element={<SavedPage key="bookmarks" kind="bookmarks" />} />
        <Route path="favourites" element={<SavedPage key="favourites" kind="favourites" />} />
        <Route path="tags/:name" element={<TagPage />} />
        <Route path="lists" element={<ListsPage />} />
        <Route path="lists/:id" element={<ListPage />} />
        <Route path="conversations" element={<ConversationsPage />} />
        <Route path="settings" element={settings} />
        <Route path="settings/:section" element={settings} />
        <Route path="moderation" element={moderation} />
        <Route path="moderation/:section" element={moderation} />
        <Route path="moderation/:section/:id" element={moderation} />
      </Route>
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}

function NotFound() {
  const t = useT();
  return (
    <main className="centered">
      <h1>{t("app.notFound")}</h1>
      <p>
        <a href="/">{t("app.back")}</a>
      </p>
    </main>
  );
}
