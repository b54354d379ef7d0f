// /web/moderation/rules: the server rules (in their order; added, edited in place,
// removed after a confirmation) and the content rules (a phrase or a regular
// expression, what it does to a matching post, and how many posts it matched).
import { useState, type FormEvent } from "react";
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
  const q = useAdminRulesQuery(undefined, { refetchOnMountOrArgChange: true });
  let body;
  if (q.isLoading) body = <p className="muted">Loading…</p>;
  else if (q.error) body = <p className="error">The server rules could not be loaded: {adminErrorText(q.error)}.</p>;
  else if (!q.data || q.data.length === 0) body = <p className="muted">The server has no rules yet.</p>;
  else {
    body = (
      <ol className="admin-items" aria-label="Server rules">
        {q.data.map((r) => (
          <RuleItem key={r.id} rule={r} />
        ))}
      </ol>
    );
  }
  return (
    <section aria-label="Server rules">
      <h2>Server rules</h2>
      <p className="muted">People see these rules when they sign up and cite them when they report.</p>
      {body}
      <RuleForm />
    </section>
  );
}

export function RuleItem({ rule: r }: { rule: AdminRule }) {
  const [editing, setEditing] = useState(false);
  const [remove, { isLoading, error }] = useRemoveRuleMutation();
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
      <span className="muted">Priority {r.priority}</span>
      <button type="button" aria-label={`Edit the rule ${r.text}`} onClick={() => setEditing(true)}>
        Edit
      </button>
      <Confirm
        label={`Remove the rule ${r.text}`}
        group={`Confirm removing ${r.text}`}
        question="Remove this rule? Reports that cite it keep their text."
        yes="Yes, remove it"
        busy={isLoading}
        error={error}
        failed="Not removed"
        onConfirm={() => void remove(r.id)}
      />
    </li>
  );
}

function RuleForm({ rule, onDone }: { rule?: AdminRule; onDone?: () => void }) {
  const [d, setD] = useState<RuleDraft>(() => (rule ? ruleDraftOf(rule) : newRule()));
  const [save, { isLoading, error, reset }] = useSaveRuleMutation();
  const change = (c: Partial<RuleDraft>) => {
    reset();
    setD({ ...d, ...c });
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!ruleReady(d)) return;
    const out = await save(rule ? { id: rule.id, draft: d } : { draft: d });
    if ("data" in out) {
      if (onDone) onDone();
      else setD(newRule());
    }
  };
  const name = rule ? `Edit the rule ${rule.text}` : "Add a rule";
  return (
    <form className="settings-form" aria-label={name} onSubmit={(e) => void submit(e)}>
      {rule ? null : <h3>Add a rule</h3>}
      <label>
        Rule
        <input type="text" value={d.text} onChange={(e) => change({ text: e.target.value })} />
      </label>
      <label>
        Explanation (optional)
        <input type="text" value={d.hint} onChange={(e) => change({ hint: e.target.value })} />
      </label>
      <label>
        Priority (lower comes first; 0 when empty; equal ones keep the order they were added in)
        <input type="text" inputMode="numeric" value={d.priority} onChange={(e) => change({ priority: e.target.value })} />
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={isLoading || !ruleReady(d)}>
          {rule ? "Save rule" : "Add rule"}
        </button>
        {onDone ? (
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        ) : null}
      </div>
      {error ? (
        <p className="error" role="alert">
          The rule was not saved: {adminErrorText(error)}
        </p>
      ) : null}
    </form>
  );
}

function ContentRules() {
  const q = useContentRulesQuery(undefined, { refetchOnMountOrArgChange: true });
  let body;
  if (q.isLoading) body = <p className="muted">Loading…</p>;
  else if (q.error) body = <p className="error">The content rules could not be loaded: {adminErrorText(q.error)}.</p>;
  else if (!q.data || q.data.length === 0) body = <p className="muted">No content rule.</p>;
  else {
    body = (
      <ul className="admin-items" aria-label="Content rules">
        {q.data.map((r) => (
          <ContentRuleItem key={r.id} rule={r} />
        ))}
      </ul>
    );
  }
  return (
    <section aria-label="Content rules">
      <h2>Content rules</h2>
      <p className="muted">A content rule acts on every new post that matches it, local or remote.</p>
      {body}
      <ContentRuleForm />
    </section>
  );
}

export function ContentRuleItem({ rule: r }: { rule: ContentRule }) {
  const [editing, setEditing] = useState(false);
  const [remove, { isLoading, error }] = useRemoveContentRuleMutation();
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
          {matchText(r)} · {contentActionLabels[r.action] ?? r.action}
        </span>
      </span>
      <span className="hits">
        {r.hits} {r.hits === 1 ? "hit" : "hits"}
      </span>
      <button type="button" aria-label={`Edit the content rule ${r.pattern}`} onClick={() => setEditing(true)}>
        Edit
      </button>
      <Confirm
        label={`Remove the content rule ${r.pattern}`}
        group={`Confirm removing ${r.pattern}`}
        question="Remove this content rule?"
        yes="Yes, remove it"
        busy={isLoading}
        error={error}
        failed="Not removed"
        onConfirm={() => void remove(r.id)}
      />
    </li>
  );
}

function ContentRuleForm({ rule, onDone }: { rule?: ContentRule; onDone?: () => void }) {
  const [d, setD] = useState<ContentRuleDraft>(() => (rule ? contentDraftOf(rule) : newContentRule()));
  const [save, { isLoading, error, reset }] = useSaveContentRuleMutation();
  const change = (c: Partial<ContentRuleDraft>) => {
    reset();
    setD({ ...d, ...c });
  };
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
    <form className="settings-form" aria-label={rule ? `Edit the content rule ${rule.pattern}` : "Add a content rule"} onSubmit={(e) => void submit(e)}>
      {rule ? null : <h3>Add a content rule</h3>}
      <label>
        Pattern
        <input type="text" value={d.pattern} onChange={(e) => change({ pattern: e.target.value })} />
      </label>
      <label>
        <input type="checkbox" checked={d.regexp} onChange={(e) => change({ regexp: e.target.checked })} /> Regular expression (RE2 syntax)
      </label>
      <label>
        <input type="checkbox" checked={d.wholeWord} disabled={d.regexp} onChange={(e) => change({ wholeWord: e.target.checked })} /> Whole words only
      </label>
      <label>
        Action
        <select value={d.action} onChange={(e) => change({ action: e.target.value as ContentAction })}>
          {(Object.keys(contentActionLabels) as ContentAction[]).map((a) => (
            <option key={a} value={a}>
              {contentActionLabels[a]}
            </option>
          ))}
        </select>
      </label>
      {d.pattern !== "" && problem ? <p className="error">The pattern: {problem}.</p> : null}
      <div className="row">
        <button type="submit" className="primary" disabled={isLoading || problem !== ""}>
          {rule ? "Save content rule" : "Add content rule"}
        </button>
        {onDone ? (
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        ) : null}
      </div>
      {error ? (
        <p className="error" role="alert">
          The content rule was not saved: {adminErrorText(error)}
        </p>
      ) : null}
    </form>
  );
}
