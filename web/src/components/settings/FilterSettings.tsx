// /web/settings/filters: the viewer's filters (v2), each with its keywords, contexts,
// action and expiry, made, changed and deleted (after a confirmation) here.
import { useState, type FormEvent } from "react";
import type { Filter, FilterContext } from "../../entities";
import { formatDateTime, formatDuration, useT, type Translate } from "../../i18n";
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
  const t = useT();
  const { data, error, isLoading } = useFiltersQuery(undefined, { refetchOnMountOrArgChange: true });
  // The filter being edited: "new" for a new one.
  const [editing, setEditing] = useState<string | null>(null);
  let body;
  if (isLoading) body = <p className="muted">{t("common.loading")}</p>;
  else if (error || !data) body = <p className="error">{t("filterSettings.failed")}</p>;
  else if (data.length === 0 && editing !== "new") body = <p className="muted">{t("filterSettings.empty")}</p>;
  else {
    body = (
      <ul className="filters" aria-label={t("settings.filters")}>
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
    <section aria-label={t("settings.filters")}>
      <div className="page-head">
        <h2>{t("settings.filters")}</h2>
        {editing !== "new" ? (
          <button type="button" onClick={() => setEditing("new")}>
            {t("filterSettings.new")}
          </button>
        ) : null}
      </div>
      {editing === "new" ? <FilterForm done={() => setEditing(null)} /> : null}
      {body}
    </section>
  );
}

const contextLabel = (c: FilterContext, t: Translate) => {
  const label = filterContexts.find((x) => x.value === c)?.label;
  return label ? t(label) : c;
};

function FilterItem({ filter: f, edit }: { filter: Filter; edit: () => void }) {
  const t = useT();
  const [confirming, setConfirming] = useState(false);
  const [remove, { isLoading }] = useDeleteFilterMutation();
  const actionLabel = filterActions.find((a) => a.value === f.filter_action)?.label;
  const action = actionLabel ? t(actionLabel) : f.filter_action;
  return (
    <li className="filter" data-title={f.title}>
      <strong>{f.title}</strong>
      <span className="muted">
        {f.keywords.map((k) => (k.whole_word ? `“${k.keyword}”` : k.keyword)).join(", ")} · {f.context.map((c) => contextLabel(c, t)).join(", ")} · {action}
        {f.expires_at ? ` · ${t("filterSettings.until", { when: formatDateTime(f.expires_at) })}` : ""}
      </span>
      <span className="spacer" />
      <button type="button" onClick={edit} aria-label={t("filterSettings.editName", { title: f.title })}>
        {t("status.edit")}
      </button>
      {confirming ? (
        <span role="group" aria-label={t("status.confirmDeletion")}>
          {t("filterSettings.deleteQuestion")}{" "}
          <button type="button" className="danger" disabled={isLoading} onClick={() => void remove(f.id)}>
            {t("status.deleteYes")}
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            {t("common.cancel")}
          </button>
        </span>
      ) : (
        <button type="button" onClick={() => setConfirming(true)} aria-label={t("filterSettings.deleteName", { title: f.title })}>
          {t("status.delete")}
        </button>
      )}
    </li>
  );
}

function FilterForm({ before, done }: { before?: Filter; done: () => void }) {
  const t = useT();
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
    <form className="settings-form filter-form" aria-label={before ? t("filterSettings.editName", { title: before.title }) : t("filterSettings.new")} onSubmit={(e) => void submit(e)}>
      <label>
        {t("filterSettings.title")}
        <input type="text" value={d.title} onChange={(e) => change({ title: e.target.value })} />
      </label>
      <fieldset>
        <legend>{t("filterSettings.keywords")}</legend>
        {d.keywords.map((k, i) => (
          <div className="row" key={k.id ?? `new${i}`}>
            <input type="text" aria-label={t("filterSettings.keyword", { n: i + 1 })} value={k.keyword} onChange={(e) => setKeyword(i, { keyword: e.target.value })} />
            <label>
              <input type="checkbox" checked={k.whole_word} onChange={(e) => setKeyword(i, { whole_word: e.target.checked })} /> {t("filterSettings.wholeWord")}
            </label>
            <button type="button" aria-label={t("filterSettings.removeKeyword", { n: i + 1 })} onClick={() => change({ keywords: d.keywords.filter((_, j) => j !== i) })}>
              ×
            </button>
          </div>
        ))}
        <button type="button" onClick={() => change({ keywords: [...d.keywords, { keyword: "", whole_word: true }] })}>
          {t("filterSettings.addKeyword")}
        </button>
      </fieldset>
      <fieldset>
        <legend>{t("filterSettings.where")}</legend>
        {filterContexts.map((c) => (
          <label key={c.value}>
            <input type="checkbox" checked={d.context.includes(c.value)} onChange={(e) => toggleContext(c.value, e.target.checked)} /> {t(c.label)}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t("filterSettings.action")}</legend>
        {filterActions.map((a) => (
          <label key={a.value}>
            <input type="radio" name="action" checked={d.action === a.value} onChange={() => change({ action: a.value })} /> {t(a.label)}
          </label>
        ))}
      </fieldset>
      <label>
        {t("filterSettings.expires")}
        <select aria-label={t("filterSettings.expires")} value={d.expiresIn} onChange={(e) => change({ expiresIn: Number(e.target.value) })}>
          {before?.expires_at ? <option value={keepExpiry}>{t("filterSettings.asSet", { when: formatDateTime(before.expires_at) })}</option> : null}
          {filterExpiries.map((x) => (
            <option key={x.seconds} value={x.seconds}>
              {x.label ? t(x.label) : formatDuration(x.seconds)}
            </option>
          ))}
        </select>
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={isLoading || !filterReady(d)}>
          {isLoading ? t("compose.saving") : t("filterSettings.save")}
        </button>
        <button type="button" onClick={done}>
          {t("common.cancel")}
        </button>
      </div>
      {error ? (
        <p className="error" role="alert">
          {t("filterSettings.notSaved", { reason: (error as { data?: { error?: string } }).data?.error ?? t("common.networkError") })}
        </p>
      ) : null}
    </form>
  );
}
