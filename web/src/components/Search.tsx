// The search box in the header, and /web/search?q=…: the accounts, hashtags and posts
// the server finds, each opening its profile, hashtag timeline or thread. The query is
// in the address, so a search reloads and goes back as any page does.
import { useEffect, useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { tagPath, useSearchQuery } from "../search";
import { profilePath, StatusItem } from "./StatusItem";

export function SearchBox() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const current = params.get("q") ?? "";
  const [q, setQ] = useState(current);
  useEffect(() => setQ(current), [current]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (q.trim() !== "") void navigate(`/web/search?q=${encodeURIComponent(q.trim())}`);
  };
  return (
    <form role="search" className="search" onSubmit={submit}>
      <input type="search" aria-label="Search" placeholder="Search" value={q} onChange={(e) => setQ(e.target.value)} />
    </form>
  );
}

export function SearchPage() {
  const [params] = useSearchParams();
  const q = params.get("q")?.trim() ?? "";
  return (
    <section aria-label="Search results">
      <h1>Search</h1>
      {q === "" ? <p className="muted">Search for people, hashtags and posts, or paste a handle or a post's address.</p> : <Results q={q} />}
    </section>
  );
}

function Results({ q }: { q: string }) {
  const { data, error, isFetching, refetch } = useSearchQuery(q);
  if (isFetching && !data) return <p className="muted">Searching…</p>;
  if (error || !data) {
    return (
      <p className="error" role="alert">
        The search failed.{" "}
        <button type="button" onClick={() => void refetch()}>
          Retry
        </button>
      </p>
    );
  }
  const none = data.accounts.length + data.hashtags.length + data.statuses.length === 0;
  if (none) return <p className="muted">Nothing found for “{q}”.</p>;
  return (
    <>
      {data.accounts.length > 0 ? (
        <section aria-label="People">
          <h2>People</h2>
          <ul className="accounts">
            {data.accounts.map((a) => (
              <li key={a.id}>
                <Link to={profilePath(a.id)} className="author">
                  <img className="avatar" src={a.avatar} alt="" width={40} height={40} loading="lazy" />
                  <span className="name">{a.display_name || a.username}</span>
                </Link>{" "}
                <span className="acct muted">@{a.acct}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {data.hashtags.length > 0 ? (
        <section aria-label="Hashtags">
          <h2>Hashtags</h2>
          <ul className="tags">
            {data.hashtags.map((t) => (
              <li key={t.name}>
                <Link to={tagPath(t.name)}>#{t.name}</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {data.statuses.length > 0 ? (
        <section aria-label="Posts">
          <h2>Posts</h2>
          <ol className="timeline">
            {data.statuses.map((s) => (
              <StatusItem key={s.id} status={s} />
            ))}
          </ol>
        </section>
      ) : null}
    </>
  );
}
