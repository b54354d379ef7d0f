// The search box in the header, and /web/search?q=…: the accounts, hashtags and posts
// the server finds, each opening its profile, hashtag timeline or thread. The query is
// in the address, so a search reloads and goes back as any page does.
import { useEffect, useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useT } from "../i18n";
import { tagPath, useSearchQuery } from "../search";
import { profilePath, StatusItem } from "./StatusItem";

export function SearchBox() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const current = params.get("q") ?? "";
  const [q, setQ] = useState(current);
  const t = useT();
  useEffect(() => setQ(current), [current]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (q.trim() !== "") void navigate(`/web/search?q=${encodeURIComponent(q.trim())}`);
  };
  return (
    <form role="search" className="search" onSubmit={submit}>
      <input type="search" aria-label={t("search.label")} placeholder={t("search.label")} value={q} onChange={(e) => setQ(e.target.value)} />
    </form>
  );
}

export function SearchPage() {
  const [params] = useSearchParams();
  const q = params.get("q")?.trim() ?? "";
  const t = useT();
  return (
    <section aria-label={t("search.results")}>
      <h1>{t("search.label")}</h1>
      {q === "" ? <p className="muted">{t("search.help")}</p> : <Results q={q} />}
    </section>
  );
}

function Results({ q }: { q: string }) {
  const { data, error, isFetching, refetch } = useSearchQuery(q);
  const t = useT();
  if (isFetching && !data) return <p className="muted">{t("search.searching")}</p>;
  if (error || !data) {
    return (
      <p className="error" role="alert">
        {t("search.failed")}{" "}
        <button type="button" onClick={() => void refetch()}>
          {t("common.retry")}
        </button>
      </p>
    );
  }
  const none = data.accounts.length + data.hashtags.length + data.statuses.length === 0;
  if (none) return <p className="muted">{t("search.nothing", { q })}</p>;
  return (
    <>
      {data.accounts.length > 0 ? (
        <section aria-label={t("search.people")}>
          <h2>{t("search.people")}</h2>
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
        <section aria-label={t("search.hashtags")}>
          <h2>{t("search.hashtags")}</h2>
          <ul className="tags">
            {data.hashtags.map((h) => (
              <li key={h.name}>
                <Link to={tagPath(h.name)}>#{h.name}</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {data.statuses.length > 0 ? (
        <section aria-label={t("profile.postsLabel")}>
          <h2>{t("profile.postsLabel")}</h2>
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
