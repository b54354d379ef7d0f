// /web/settings/filters: the viewer's filters (v2), each with its keywords, contexts,
// action and expiry, made, changed and deleted (after a confirmation) here.
import { useState, type FormEvent } from "react";
import type { Filter, FilterContext } from "../../entities";
import {
  draftOf,
  filterActions,
  filterBody,
  filterContexts,
  filterExpiries,
  filterReady,
  keepExpiry,
  newFilter,
  useDeleteFilterMutation,
  useFiltersQuery,
  useSaveFilterMutation,
  type DraftFilter,
} from "../../filters";

export function FilterSettings() {
  const { data, error, isLoading } = useFiltersQuery(undefined, { refetchOnMountOrArgChange: true });
  // The filter being edited: "new" for a new one.
  const [editing, setEditing] = useState<string | null>(null);
  let body;
  if (isLoading) body = <p className="muted">Loading…</p>;
  else if (error || !data) body = <p className="error">The filters could not be loaded.</p>;
  else if (data.length === 0 && editing !== "new") body = <p className="muted">No filters yet.</p>;
  else {
    body = (
      <ul className="filters" aria-label="Filters">
        {data.map((f) =>
          editing === f.id ? (
            <li key={f.id}>
              <FilterForm before={f} done={() => setEditing(null)} />
            </li>
          ) : (
            <FilterItem key={f.id} filter={f} edit={() => setEditing(f.id)} />
          ),
        )}
      </ul>
    );
  }
  return (
    <section aria-label="Filters">
      <div className="page-head">
        <h2>Filters</h2>
        {editing !== "new" ? (
          <button type="button" onClick={() => setEditing("new")}>
            New filter
          </button>
        ) : null}
      </div>
      {editing === "new" ? <FilterForm done={() => setEditing(null)} /> : null}
      {body}
    </section>
  );
}

const contextLabel = (c: FilterContext) => filterContexts.find((x) => x.value === c)?.label ?? c;

function FilterItem({ filter: f, edit }: { filter: Filter; edit: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [remove, { isLoading }] = useDeleteFilterMutation();
  const action = filterActions.find((a) => a.value === f.filter_action)?.label ?? f.filter_action;
  return (
    <li className="filter" data-title={f.title}>
      <strong>{f.title}</strong>
      <span className="muted">
        {f.keywords.map((k) => (k.whole_word ? `“${k.keyword}”` : k.keyword)).join(", ")} · {f.context.map(contextLabel).join(", ")} · {action}
        {f.expires_at ? ` · until ${new Date(f.expires_at).toLocaleString()}` : ""}
      </span>
      <span className="spacer" />
      <button type="button" onClick={edit} aria-label={`Edit filter ${f.title}`}>
        Edit
      </button>
      {confirming ? (
        <span role="group" aria-label="Confirm deletion">
          Delete this filter?{" "}
          <button type="button" className="danger" disabled={isLoading} onClick={() => void remove(f.id)}>
            Yes, delete
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </span>
      ) : (
        <button type="button" onClick={() => setConfirming(true)} aria-label={`Delete filter ${f.title}`}>
          Delete
        </button>
      )}
    </li>
  );
}

function FilterForm({ before, done }: { before?: Filter; done: () => void }) {
  const [d, setD] = useState<DraftFilter>(() => (before ? draftOf(before) : newFilter()));
  const [save, { isLoading, error }] = useSaveFilterMutation();
  const change = (c: Partial<DraftFilter>) => setD({ ...d, ...c });
  const setKeyword = (i: number, c: Partial<DraftFilter["keywords"][number]>) =>
    change({ keywords: d.keywords.map((k, j) => (j === i ? { ...k, ...c } : k)) });
  const toggleContext = (c: FilterContext, on: boolean) => change({ context: on ? [...d.context, c] : d.context.filter((x) => x !== c) });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!filterReady(d)) return;
    const sent = await save({ id: before?.id, body: filterBody(d, before) });
    if ("data" in sent) done();
  };
  return (
    <form className="settings-form filter-form" aria-label={before ? `Edit filter ${before.title}` : "New filter"} onSubmit={(e) => void submit(e)}>
      <label>
        Title
        <input type="text" value={d.title} onChange={(e) => change({ title: e.target.value })} />
      </label>
      <fieldset>
        <legend>Keywords</legend>
        {d.keywords.map((k, i) => (
          <div className="row" key={k.id ?? `new${i}`}>
            <input type="text" aria-label={`Keyword ${i + 1}`} value={k.keyword} onChange={(e) => setKeyword(i, { keyword: e.target.value })} />
            <label>
              <input type="checkbox" checked={k.whole_word} onChange={(e) => setKeyword(i, { whole_word: e.target.checked })} /> Whole word
            </label>
            <button type="button" aria-label={`Remove keyword ${i + 1}`} onClick={() => change({ keywords: d.keywords.filter((_, j) => j !== i) })}>
              ×
            </button>
          </div>
        ))}
        <button type="button" onClick={() => change({ keywords: [...d.keywords, { keyword: "", whole_word: true }] })}>
          Add keyword
        </button>
      </fieldset>
      <fieldset>
        <legend>Where</legend>
        {filterContexts.map((c) => (
          <label key={c.value}>
            <input type="checkbox" checked={d.context.includes(c.value)} onChange={(e) => toggleContext(c.value, e.target.checked)} /> {c.label}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Action</legend>
        {filterActions.map((a) => (
          <label key={a.value}>
            <input type="radio" name="action" checked={d.action === a.value} onChange={() => change({ action: a.value })} /> {a.label}
          </label>
        ))}
      </fieldset>
      <label>
        Expires
        <select aria-label="Expires" value={d.expiresIn} onChange={(e) => change({ expiresIn: Number(e.target.value) })}>
          {before?.expires_at ? <option value={keepExpiry}>As set (until {new Date(before.expires_at).toLocaleString()})</option> : null}
          {filterExpiries.map((x) => (
            <option key={x.seconds} value={x.seconds}>
              {x.label}
            </option>
          ))}
        </select>
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={isLoading || !filterReady(d)}>
          {isLoading ? "Saving…" : "Save filter"}
        </button>
        <button type="button" onClick={done}>
          Cancel
        </button>
      </div>
      {error ? (
        <p className="error" role="alert">
          The filter was not saved: {(error as { data?: { error?: string } }).data?.error ?? "network error"}
        </p>
      ) : null}
    </form>
  );
}
