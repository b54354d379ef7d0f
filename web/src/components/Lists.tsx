// /web/lists: the signed-in user's lists, a form to make one, and for each a way to
// delete it. /web/lists/:id: a list's timeline, live through the list's stream (the
// Shell subscribes to it from the address), with its title (renamed in place) and its
// members (removed, or added from the accounts the user follows), and its settings:
// whose replies it shows, and whether its members' posts leave home (saved at once).
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { listKind } from "../api";
import type { List } from "../entities";
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
  const { data: lists, error, isLoading } = useListsQuery();
  const [create, { isLoading: creating, isError }] = useCreateListMutation();
  const [title, setTitle] = useState("");
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (title.trim() === "") return;
    if ("data" in (await create(title.trim()))) setTitle("");
  };
  return (
    <section aria-label="Lists">
      <h1>Lists</h1>
      <form className="row-form" aria-label="New list" onSubmit={(e) => void submit(e)}>
        <input type="text" aria-label="New list's title" placeholder="New list's title" value={title} onChange={(e) => setTitle(e.target.value)} />
        <button type="submit" className="primary" disabled={creating || title.trim() === ""}>
          Make list
        </button>
      </form>
      {isError ? (
        <p className="error" role="alert">
          The list was not made.
        </p>
      ) : null}
      {isLoading ? <p className="muted">Loading…</p> : null}
      {error ? <p className="error">The lists could not be loaded.</p> : null}
      {lists && lists.length === 0 ? <p className="muted">No lists yet.</p> : null}
      <ul className="lists">
        {lists?.map((l) => (
          <ListRow key={l.id} list={l} />
        ))}
      </ul>
    </section>
  );
}

function ListRow({ list }: { list: List }) {
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
            Delete for good
          </button>
          <button type="button" onClick={() => setAsking(false)}>
            Keep
          </button>
        </>
      ) : (
        <button type="button" onClick={() => setAsking(true)}>
          Delete
        </button>
      )}
    </li>
  );
}

export function ListPage() {
  const { id = "" } = useParams();
  const { data: list, error } = useListQuery(id);
  const kind = listKind(id);
  if (error) {
    return (
      <p className="error" role="alert">
        This list could not be loaded: it may have been deleted.
      </p>
    );
  }
  return (
    <>
      {list ? <ListHead key={list.id} list={list} /> : <h1>List</h1>}
      {list ? <ListSettingsForm key={list.id} list={list} /> : null}
      <Members id={id} />
      <Timeline key={kind} kind={kind} />
    </>
  );
}

function ListHead({ list }: { list: List }) {
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
      <form className="row-form" aria-label="Rename list" onSubmit={(e) => void submit(e)}>
        <input type="text" aria-label="List title" value={title} onChange={(e) => setTitle(e.target.value)} autoFocus />
        <button type="submit" className="primary" disabled={isLoading || title.trim() === ""}>
          Save
        </button>
        <button type="button" onClick={() => setEditing(false)}>
          Cancel
        </button>
        {isError ? <span className="error">Not saved.</span> : null}
      </form>
    );
  }
  return (
    <div className="page-head">
      <h1>{list.title}</h1>
      <span>
        <button type="button" onClick={() => setEditing(true)}>
          Rename
        </button>{" "}
        <button type="button" onClick={() => void navigate("/web/lists")}>
          All lists
        </button>
      </span>
    </div>
  );
}

// As Mastodon's web app shows them: a toggle and a choice, each saved when changed.
function ListSettingsForm({ list }: { list: List }) {
  const [save, { isLoading, isError }] = useChangeListSettingsMutation();
  const saved: ListSettings = { replies_policy: list.replies_policy, exclusive: list.exclusive ?? false };
  // Shown as chosen at once; back to what the server has if it is not saved.
  const [settings, setSettings] = useState(saved);
  const change = async (next: ListSettings) => {
    setSettings(next);
    if ("error" in (await save({ id: list.id, settings: next }))) setSettings(saved);
  };
  return (
    <fieldset className="list-settings" aria-label="List settings" disabled={isLoading}>
      <label>
        <input
          type="checkbox"
          checked={settings.exclusive}
          onChange={(e) => void change({ ...settings, exclusive: e.target.checked })}
        />{" "}
        Hide these posts from home
      </label>
      <div role="radiogroup" aria-label="Show replies to" className="row">
        <span className="muted">Show replies to:</span>
        {repliesPolicies.map((p) => (
          <label key={p.value}>
            <input
              type="radio"
              name={`replies-${list.id}`}
              checked={settings.replies_policy === p.value}
              onChange={() => void change({ ...settings, replies_policy: p.value })}
            />{" "}
            {p.label}
          </label>
        ))}
      </div>
      {isError ? (
        <span className="error" role="alert">
          The settings were not saved.
        </span>
      ) : null}
    </fieldset>
  );
}

function Members({ id }: { id: string }) {
  const { data: members } = useListMembersQuery(id);
  const [change, { isLoading }] = useChangeMemberMutation();
  const [q, setQ] = useState("");
  const query = q.trim();
  const { data: found } = useFollowedAccountsQuery(query, { skip: query === "" });
  const isMember = new Set(members?.map((a) => a.id));
  return (
    <details className="members">
      <summary>Members ({members?.length ?? "…"})</summary>
      <ul className="accounts" aria-label="Members">
        {members?.map((a) => (
          <li key={a.id}>
            <Link to={profilePath(a.id)}>{a.display_name || a.username}</Link>
            <span className="acct muted">@{a.acct}</span>
            <span className="spacer" />
            <button type="button" disabled={isLoading} onClick={() => void change({ id, accountId: a.id, add: false })}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <input
        type="search"
        aria-label="Add someone you follow"
        placeholder="Add someone you follow"
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      {query !== "" ? (
        <ul className="accounts" aria-label="People you follow">
          {found
            ?.filter((a) => !isMember.has(a.id))
            .map((a) => (
              <li key={a.id}>
                <span>{a.display_name || a.username}</span>
                <span className="acct muted">@{a.acct}</span>
                <span className="spacer" />
                <button type="button" disabled={isLoading} onClick={() => void change({ id, accountId: a.id, add: true })}>
                  Add
                </button>
              </li>
            ))}
        </ul>
      ) : null}
    </details>
  );
}
