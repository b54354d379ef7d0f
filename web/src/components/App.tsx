// The routes. The app lives at / and under /web/ (as Mastodon's does), so that it does
// not shadow the server-rendered /@user pages that visitors and crawlers read.
import type { ReactNode } from "react";
import { Navigate, Route, Routes } from "react-router";
import { useAppSelector } from "../hooks";
import { Callback } from "./Callback";
import { Landing } from "./Landing";
import { Shell } from "./Shell";

export function App() {
  const token = useAppSelector((s) => s.auth.token);
  const signedIn = (page: ReactNode) => (token ? page : <Navigate to="/" replace />);
  return (
    <Routes>
      <Route path="/" element={token ? <Navigate to="/web/home" replace /> : <Landing />} />
      <Route path="/web" element={<Navigate to="/" replace />} />
      <Route path="/web/oauth/callback" element={<Callback />} />
      <Route path="/web/home" element={signedIn(<Shell kind="home" />)} />
      <Route path="/web/local" element={signedIn(<Shell kind="local" />)} />
      <Route path="/web/federated" element={signedIn(<Shell kind="federated" />)} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}

function NotFound() {
  return (
    <main className="centered">
      <h1>Page not found</h1>
      <p>
        <a href="/">Back to Herd</a>
      </p>
    </main>
  );
}
