// /web/moderation/rules: the server rules (in their order; added, edited in place,
// removed after a confirmation) and the content rules (a phrase or a regular
// expression, what it does to a matching post, and how many posts it matched).
import { useState, type FormEvent } from "react";
import { useDraft } from "./useDraft";
import { adminErrorText } from "../../admin";
import {
  contentActionLabels,
  contentDraftOf,
  matchText,
  newContentRule,
  newRule,
  patternProblem,
  ruleDraftOf,
  ruleReady,
  useAdminRulesQuery,
  useContentRulesQuery,
  useRemoveContentRuleMutation,
  useRemoveRuleMutation,
  useSaveContentRuleMutation,
  useSaveRuleMutation,
  type AdminRule,
  type ContentAction,
  type ContentRule,
  type ContentRuleDraft,
  type RuleDraft,
} from "../../rulesAdmin";
import { formatNumber, useT } from "../../i18n";
import { Confirm } from "./Confirm";

export function Rules() {
  return (
    <>
      <ServerRules />
      <ContentRules />
    </>
  );
}

function ServerRules() {
  const t = useT();
  const q = useAdminRulesQuery(undefined, { refetchOnMountOrArgChange: true });
  let body;
  if (q.isLoading) body = <p className="muted">{t("common.loading")}</p>;
  else if (q.error) body = <p className="error">{t("rules.failed", { reason: adminErrorText(q.error) })}</p>;
  else if (!q.data || q.data.length === 0) body = <p className="muted">{t("rules.none")}</p>;
  else {
    body = (
      <ol className="admin-items" aria-label={t("rules.serverRules")}>
        {q.data.map((r) => (
          <RuleItem key={r.id} rule={r} />
        ))}
      </ol>
    );
  }
  return (
    <section aria-label={t("rules.serverRules")}>
      <h2>{t("rules.serverRules")}</h2>
      <p className="muted">{t("rules.help")}</p>
      {body}
      <RuleForm />
    </section>
  );
}

export function RuleItem({ rule: r }: { rule: AdminRule }) {
  const [editing, setEditing] = useState(false);
  const [remove, { isLoading, error }] = useRemoveRuleMutation();
  const t = useT();
  if (editing) {
    return (
      <li className="admin-item" data-rule={r.id}>
        <RuleForm rule={r} onDone={() => setEditing(false)} />
      </li>
    );
  }
  return (
    <li className="admin-item" data-rule={r.id}>
      <span className="admin-item-main">
        <strong>{r.text}</strong>
        {r.hint ? <span className="muted">{r.hint}</span> : null}
      </span>
      <span className="muted">{t("rules.priorityN", { n: r.priority })}</span>
      <button type="button" aria-label={t("rules.edit", { text: r.text })} onClick={() => setEditing(true)}>
        {t("status.edit")}
      </button>
      <Confirm
        label={t("rules.remove", { text: r.text })}
        group={t("moderation.confirmRemoving", { name: r.text })}
        question={t("rules.question")}
        yes={t("moderation.yesRemove")}
        busy={isLoading}
        error={error}
        failed={t("moderation.notRemoved")}
        onConfirm={() => void remove(r.id)}
      />
    </li>
  );
}

function RuleForm({ rule, onDone }: { rule?: AdminRule; onDone?: () => void }) {
  const [save, { isLoading, error, reset }] = useSaveRuleMutation();
  const [d, change, setD] = useDraft<RuleDraft>(() => (rule ? ruleDraftOf(rule) : newRule()), reset);
  const t = useT();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!ruleReady(d)) return;
    const out = await save(rule ? { id: rule.id, draft: d } : { draft: d });
    if ("data" in out) {
      if (onDone) onDone();
      else setD(newRule());
    }
  };
  const name = rule ? t("rules.edit", { text: rule.text }) : t("rules.add");
  return (
    <form className="settings-form" aria-label={name} onSubmit={(e) => void submit(e)}>
      {rule ? null : <h3>{t("rules.add")}</h3>}
      <label>
        {t("rules.rule")}
        <input type="text" value={d.text} onChange={(e) => change({ text: e.target.value })} />
      </label>
      <label>
        {t("rules.hint")}
        <input type="text" value={d.hint} onChange={(e) => change({ hint: e.target.value })} />
      </label>
      <label>
        {t("rules.priority")}
        <input type="text" inputMode="numeric" value={d.priority} onChange={(e) => change({ priority: e.target.value })} />
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={isLoading || !ruleReady(d)}>
          {rule ? t("rules.save") : t("rules.addButton")}
        </button>
        {onDone ? (
          <button type="button" onClick={onDone}>
            {t("common.cancel")}
          </button>
        ) : null}
      </div>
      {error ? (
        <p className="error" role="alert">
          {t("rules.notSaved", { reason: adminErrorText(error) })}
        </p>
      ) : null}
    </form>
  );
}

function ContentRules() {
  const t = useT();
  const q = useContentRulesQuery(undefined, { refetchOnMountOrArgChange: true });
  let body;
  if (q.isLoading) body = <p className="muted">{t("common.loading")}</p>;
  else if (q.error) body = <p className="error">{t("rules.contentFailed", { reason: adminErrorText(q.error) })}</p>;
  else if (!q.data || q.data.length === 0) body = <p className="muted">{t("rules.contentNone")}</p>;
  else {
    body = (
      <ul className="admin-items" aria-label={t("rules.contentRules")}>
        {q.data.map((r) => (
          <ContentRuleItem key={r.id} rule={r} />
        ))}
      </ul>
    );
  }
  return (
    <section aria-label={t("rules.contentRules")}>
      <h2>{t("rules.contentRules")}</h2>
      <p className="muted">{t("rules.contentHelp")}</p>
      {body}
      <ContentRuleForm />
    </section>
  );
}

export function ContentRuleItem({ rule: r }: { rule: ContentRule }) {
  const [editing, setEditing] = useState(false);
  const [remove, { isLoading, error }] = useRemoveContentRuleMutation();
  const t = useT();
  if (editing) {
    return (
      <li className="admin-item" data-content-rule={r.id}>
        <ContentRuleForm rule={r} onDone={() => setEditing(false)} />
      </li>
    );
  }
  return (
    <li className="admin-item" data-content-rule={r.id}>
      <span className="admin-item-main">
        <code>{r.pattern}</code>
        <span className="muted">
          {matchText(r)} · {r.action in contentActionLabels ? t(contentActionLabels[r.action]) : r.action}
        </span>
      </span>
      <span className="hits">
        {t("rules.hits", { count: r.hits, n: formatNumber(r.hits) })}
      </span>
      <button type="button" aria-label={t("rules.contentEdit", { pattern: r.pattern })} onClick={() => setEditing(true)}>
        {t("status.edit")}
      </button>
      <Confirm
        label={t("rules.contentRemove", { pattern: r.pattern })}
        group={t("moderation.confirmRemoving", { name: r.pattern })}
        question={t("rules.contentQuestion")}
        yes={t("moderation.yesRemove")}
        busy={isLoading}
        error={error}
        failed={t("moderation.notRemoved")}
        onConfirm={() => void remove(r.id)}
      />
    </li>
  );
}

function ContentRuleForm({ rule, onDone }: { rule?: ContentRule; onDone?: () => void }) {
  const [save, { isLoading, error, reset }] = useSaveContentRuleMutation();
  const [d, change, setD] = useDraft<ContentRuleDraft>(() => (rule ? contentDraftOf(rule) : newContentRule()), reset);
  const t = useT();
  const problem = patternProblem(d);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (problem) return;
    const out = await save(rule ? { id: rule.id, draft: d } : { draft: d });
    if ("data" in out) {
      if (onDone) onDone();
      else setD(newContentRule());
    }
  };
  return (
    <form className="settings-form" aria-label={rule ? t("rules.contentEdit", { pattern: rule.pattern }) : t("rules.contentAdd")} onSubmit={(e) => void submit(e)}>
      {rule ? null : <h3>{t("rules.contentAdd")}</h3>}
      <label>
        {t("rules.pattern")}
        <input type="text" value={d.pattern} onChange={(e) => change({ pattern: e.target.value })} />
      </label>
      <label>
        <input type="checkbox" checked={d.regexp} onChange={(e) => change({ regexp: e.target.checked })} /> {t("rules.regexpBox")}
      </label>
      <label>
        <input type="checkbox" checked={d.wholeWord} disabled={d.regexp} onChange={(e) => change({ wholeWord: e.target.checked })} /> {t("rules.wholeWords")}
      </label>
      <label>
        {t("filterSettings.action")}
        <select value={d.action} onChange={(e) => change({ action: e.target.value as ContentAction })}>
          {(Object.keys(contentActionLabels) as ContentAction[]).map((a) => (
            <option key={a} value={a}>
              {t(contentActionLabels[a])}
            </option>
          ))}
        </select>
      </label>
      {d.pattern !== "" && problem ? <p className="error">{t("rules.patternProblem", { problem })}</p> : null}
      <div className="row">
        <button type="submit" className="primary" disabled={isLoading || problem !== ""}>
          {rule ? t("rules.contentSave") : t("rules.contentAddButton")}
        </button>
        {onDone ? (
          <button type="button" onClick={onDone}>
            {t("common.cancel")}
          </button>
        ) : null}
      </div>
      {error ? (
        <p className="error" role="alert">
          {t("rules.contentNotSaved", { reason: adminErrorText(error) })}
        </p>
      ) : null}
    </form>
  );
}
