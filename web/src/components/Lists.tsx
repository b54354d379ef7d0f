// /web/lists: the signed-in user's lists, a form to make one, and for each a way to
// delete it. /web/lists/:id: a list's timeline, live through the list's stream (the
// Shell subscribes to it from the address), with its title (renamed in place) and its
// members (removed, or added from the accounts the user follows), and its settings:
// whose replies it shows, and whether its members' posts leave home (saved at once).
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { listKind } from "../api";
import type { List } from "../entities";
import { useT } from "../i18n";
import {
  type ListSettings,
  listPath,
  repliesPolicies,
  useChangeListSettingsMutation,
  useChangeMemberMutation,
  useCreateListMutation,
  useDeleteListMutation,
  useFollowedAccountsQuery,
  useListMembersQuery,
  useListQuery,
  useListsQuery,
  useRenameListMutation,
} from "../lists";
import { profilePath } from "./StatusItem";
import { Timeline } from "./Timeline";

export function ListsPage() {
  const t = useT();
  const { data: lists, error, isLoading } = useListsQuery();
  const [create, { isLoading: creating, isError }] = useCreateListMutation();
  const [title, setTitle] = useState("");
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (title.trim() === "") return;
    if ("data" in (await create(title.trim()))) setTitle("");
  };
  return (
    <section aria-label={t("shell.lists")}>
      <h1>{t("shell.lists")}</h1>
      <form className="row-form" aria-label={t("lists.new")} onSubmit={(e) => void submit(e)}>
        <input type="text" aria-label={t("lists.newTitle")} placeholder={t("lists.newTitle")} value={title} onChange={(e) => setTitle(e.target.value)} />
        <button type="submit" className="primary" disabled={creating || title.trim() === ""}>
          {t("lists.make")}
        </button>
      </form>
      {isError ? (
        <p className="error" role="alert">
          {t("lists.notMade")}
        </p>
      ) : null}
      {isLoading ? <p className="muted">{t("common.loading")}</p> : null}
      {error ? <p className="error">{t("lists.failed")}</p> : null}
      {lists && lists.length === 0 ? <p className="muted">{t("lists.empty")}</p> : null}
      <ul className="lists">
        {lists?.map((l) => (
          <ListRow key={l.id} list={l} />
        ))}
      </ul>
    </section>
  );
}

function ListRow({ list }: { list: List }) {
  const t = useT();
  const [remove, { isLoading }] = useDeleteListMutation();
  // Deleting asks once more, in place (a browser dialog would block the page).
  const [asking, setAsking] = useState(false);
  return (
    <li>
      <Link to={listPath(list.id)}>{list.title}</Link>
      <span className="spacer" />
      {asking ? (
        <>
          <button type="button" className="danger" disabled={isLoading} onClick={() => void remove(list.id)}>
            {t("lists.deleteForGood")}
          </button>
          <button type="button" onClick={() => setAsking(false)}>
            {t("lists.keep")}
          </button>
        </>
      ) : (
        <button type="button" onClick={() => setAsking(true)}>
          {t("status.delete")}
        </button>
      )}
    </li>
  );
}

export function ListPage() {
  const t = useT();
  const { id = "" } = useParams();
  const { data: list, error } = useListQuery(id);
  const kind = listKind(id);
  if (error) {
    return (
      <p className="error" role="alert">
        {t("lists.listFailed")}
      </p>
    );
  }
  return (
    <>
      {list ? <ListHead key={list.id} list={list} /> : <h1>{t("lists.list")}</h1>}
      {list ? <ListSettingsForm key={list.id} list={list} /> : null}
      <Members id={id} />
      <Timeline key={kind} kind={kind} />
    </>
  );
}

function ListHead({ list }: { list: List }) {
  const t = useT();
  const [rename, { isLoading, isError }] = useRenameListMutation();
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(list.title);
  const navigate = useNavigate();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (title.trim() === "") return;
    if ("data" in (await rename({ id: list.id, title: title.trim() }))) setEditing(false);
  };
  if (editing) {
    return (
      <form className="row-form" aria-label={t("lists.rename")} onSubmit={(e) => void submit(e)}>
        <input type="text" aria-label={t("lists.title")} value={title} onChange={(e) => setTitle(e.target.value)} autoFocus />
        <button type="submit" className="primary" disabled={isLoading || title.trim() === ""}>
          {t("compose.save")}
        </button>
        <button type="button" onClick={() => setEditing(false)}>
          {t("common.cancel")}
        </button>
        {isError ? <span className="error">{t("tag.notSaved")}</span> : null}
      </form>
    );
  }
  return (
    <div className="page-head">
      <h1>{list.title}</h1>
      <span>
        <button type="button" onClick={() => setEditing(true)}>
          {t("lists.renameButton")}
        </button>{" "}
        <button type="button" onClick={() => void navigate("/web/lists")}>
          {t("lists.all")}
        </button>
      </span>
    </div>
  );
}

// As Mastodon's web app shows them: a toggle and a choice, each saved when changed.
function ListSettingsForm({ list }: { list: List }) {
  const t = useT();
  const [save, { isLoading, isError }] = useChangeListSettingsMutation();
  const saved: ListSettings = { replies_policy: list.replies_policy, exclusive: list.exclusive ?? false };
  // Shown as chosen at once; back to what the server has if it is not saved.
  const [settings, setSettings] = useState(saved);
  const change = async (next: ListSettings) => {
    setSettings(next);
    if ("error" in (await save({ id: list.id, settings: next }))) setSettings(saved);
  };
  return (
    <fieldset className="list-settings" aria-label={t("lists.settings")} disabled={isLoading}>
      <label>
        <input
          type="checkbox"
          checked={settings.exclusive}
          onChange={(e) => void change({ ...settings, exclusive: e.target.checked })}
        />{" "}
        {t("lists.exclusive")}
      </label>
      <div role="radiogroup" aria-label={t("lists.showRepliesTo")} className="row">
        <span className="muted">{t("lists.showRepliesToColon")}</span>
        {repliesPolicies.map((p) => (
          <label key={p.value}>
            <input
              type="radio"
              name={`replies-${list.id}`}
              checked={settings.replies_policy === p.value}
              onChange={() => void change({ ...settings, replies_policy: p.value })}
            />{" "}
            {t(p.label)}
          </label>
        ))}
      </div>
      {isError ? (
        <span className="error" role="alert">
          {t("lists.settingsFailed")}
        </span>
      ) : null}
    </fieldset>
  );
}

function Members({ id }: { id: string }) {
  const t = useT();
  const { data: members } = useListMembersQuery(id);
  const [change, { isLoading }] = useChangeMemberMutation();
  const [q, setQ] = useState("");
  const query = q.trim();
  const { data: found } = useFollowedAccountsQuery(query, { skip: query === "" });
  const isMember = new Set(members?.map((a) => a.id));
  return (
    <details className="members">
      <summary>{t("lists.membersCount", { n: members?.length ?? "…" })}</summary>
      <ul className="accounts" aria-label={t("lists.members")}>
        {members?.map((a) => (
          <li key={a.id}>
            <Link to={profilePath(a.id)}>{a.display_name || a.username}</Link>
            <span className="acct muted">@{a.acct}</span>
            <span className="spacer" />
            <button type="button" disabled={isLoading} onClick={() => void change({ id, accountId: a.id, add: false })}>
              {t("compose.remove")}
            </button>
          </li>
        ))}
      </ul>
      <input
        type="search"
        aria-label={t("lists.addSomeone")}
        placeholder={t("lists.addSomeone")}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      {query !== "" ? (
        <ul className="accounts" aria-label={t("lists.peopleYouFollow")}>
          {found
            ?.filter((a) => !isMember.has(a.id))
            .map((a) => (
              <li key={a.id}>
                <span>{a.display_name || a.username}</span>
                <span className="acct muted">@{a.acct}</span>
                <span className="spacer" />
                <button type="button" disabled={isLoading} onClick={() => void change({ id, accountId: a.id, add: true })}>
                  {t("lists.add")}
                </button>
              </li>
            ))}
        </ul>
      ) : null}
    </details>
  );
}
