// /web/moderation/webhooks: the endpoints the server posts events to. A webhook is
// added with its URL and events, enabled or disabled, its secret rotated after a
// confirmation (the new secret is shown once, as at creation, under the webhook; the
// page keeps only the newest secret of each, and forgets them when left), and removed.
import { useState, type FormEvent } from "react";
import { adminErrorText } from "../../admin";
import {
  lastDelivery,
  newWebhook,
  toggleEvent,
  useAddWebhookMutation,
  useRemoveWebhookMutation,
  useWebhookDoMutation,
  useWebhooksQuery,
  webhookEvents,
  webhookReady,
  type AdminWebhook,
  type WebhookDraft,
} from "../../serverAdmin";
import { Confirm } from "./Confirm";

/** Records the secret the server just answered for a webhook. */
type OnSecret = (id: string, secret: string) => void;

export function Webhooks() {
  const q = useWebhooksQuery(undefined, { refetchOnMountOrArgChange: true });
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const onSecret: OnSecret = (id, secret) => setSecrets((s) => ({ ...s, [id]: secret }));
  let body;
  if (q.isLoading) body = <p className="muted">Loading…</p>;
  else if (q.error) body = <p className="error">The webhooks could not be loaded: {adminErrorText(q.error)}.</p>;
  else if (!q.data || q.data.length === 0) body = <p className="muted">No webhook.</p>;
  else {
    body = (
      <ul className="admin-items" aria-label="Webhooks">
        {q.data.map((w) => (
          <WebhookItem key={w.id} hook={w} secret={secrets[w.id]} onSecret={onSecret} />
        ))}
      </ul>
    );
  }
  return (
    <section aria-label="Webhooks">
      <WebhookForm onSecret={onSecret} />
      <h2>Webhooks</h2>
      {body}
    </section>
  );
}

/** The secret of a webhook, shown once, with what to do with it. */
export function SecretOnce({ secret, url }: { secret: string; url: string }) {
  return (
    <p className="secret-once" role="status" aria-label={`Secret of ${url}`}>
      The secret of {url}, shown only now: <code>{secret}</code>. The server signs each event with it (X-Hub-Signature).
    </p>
  );
}

export function WebhookItem({ hook: w, secret, onSecret }: { hook: AdminWebhook; secret?: string | undefined; onSecret: OnSecret }) {
  const [act, { isLoading: acting, error: actError }] = useWebhookDoMutation();
  const [remove, { isLoading: removing, error: removeError }] = useRemoveWebhookMutation();
  const rotate = async () => {
    const out = await act({ id: w.id, verb: "rotate_secret" });
    if (out.data?.secret) onSecret(w.id, out.data.secret);
  };
  const delivery = lastDelivery(w);
  return (
    <li className="admin-item" data-webhook={w.url}>
      <span className="admin-item-main">
        <strong>{w.url}</strong>
        <span className="muted">{w.events.join(", ")}</span>
        {delivery ? <span className="muted">{delivery}</span> : null}
      </span>
      <span className={`state ${w.enabled ? "active" : "disabled"}`}>{w.enabled ? "Enabled" : "Disabled"}</span>
      <button type="button" disabled={acting} onClick={() => void act({ id: w.id, verb: w.enabled ? "disable" : "enable" })}>
        {w.enabled ? "Disable" : "Enable"}
      </button>
      <Confirm
        label={`Rotate the secret of ${w.url}`}
        text="Rotate secret"
        group={`Confirm rotating the secret of ${w.url}`}
        question="Make a new secret? The receiver must be given it: the old one stops working at once."
        yes="Yes, rotate it"
        busy={acting}
        error={actError}
        failed="Not changed"
        onConfirm={() => void rotate()}
      />
      <Confirm
        label={`Remove the webhook ${w.url}`}
        group={`Confirm removing ${w.url}`}
        question={`Remove the webhook to ${w.url}?`}
        yes="Yes, remove it"
        busy={removing}
        error={removeError}
        failed="Not removed"
        onConfirm={() => void remove(w.id)}
      />
      {secret ? <SecretOnce secret={secret} url={w.url} /> : null}
    </li>
  );
}

function WebhookForm({ onSecret }: { onSecret: OnSecret }) {
  const [d, setD] = useState<WebhookDraft>(newWebhook);
  const [add, { isLoading, error, reset }] = useAddWebhookMutation();
  const change = (c: Partial<WebhookDraft>) => {
    reset();
    setD({ ...d, ...c });
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!webhookReady(d)) return;
    const out = await add(d);
    if (out.data) {
      if (out.data.secret) onSecret(out.data.id, out.data.secret);
      setD(newWebhook());
    }
  };
  return (
    <form className="settings-form" aria-label="Add a webhook" onSubmit={(e) => void submit(e)}>
      <h2>Add a webhook</h2>
      <label>
        Endpoint URL
        <input type="text" inputMode="url" value={d.url} placeholder="https://example.com/hooks/herd" onChange={(e) => change({ url: e.target.value })} />
      </label>
      <fieldset>
        <legend>Events</legend>
        {webhookEvents.map((ev) => (
          <label key={ev}>
            <input type="checkbox" checked={d.events.includes(ev)} onChange={(e) => change({ events: toggleEvent(d.events, ev, e.target.checked) })} /> {ev}
          </label>
        ))}
      </fieldset>
      <div className="row">
        <button type="submit" className="primary" disabled={isLoading || !webhookReady(d)}>
          {isLoading ? "Adding…" : "Add webhook"}
        </button>
      </div>
      {error ? (
        <p className="error" role="alert">
          The webhook was not added: {adminErrorText(error)}
        </p>
      ) : null}
    </form>
  );
}
