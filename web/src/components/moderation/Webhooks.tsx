// /web/moderation/webhooks: the endpoints the server posts events to. A webhook is
// added with its URL and events, enabled or disabled, its secret rotated after a
// confirmation (the new secret is shown once, as at creation, under the webhook; the
// page keeps only the newest secret of each, and forgets them when left), and removed.
import { useState, type FormEvent } from "react";
import { useDraft } from "./useDraft";
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
import { useT } from "../../i18n";
import { Confirm } from "./Confirm";

/** Records the secret the server just answered for a webhook. */
type OnSecret = (id: string, secret: string) => void;

export function Webhooks() {
  const t = useT();
  const q = useWebhooksQuery(undefined, { refetchOnMountOrArgChange: true });
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const onSecret: OnSecret = (id, secret) => setSecrets((s) => ({ ...s, [id]: secret }));
  let body;
  if (q.isLoading) body = <p className="muted">{t("common.loading")}</p>;
  else if (q.error) body = <p className="error">{t("webhooks.failed", { reason: adminErrorText(q.error) })}</p>;
  else if (!q.data || q.data.length === 0) body = <p className="muted">{t("webhooks.none")}</p>;
  else {
    body = (
      <ul className="admin-items" aria-label={t("moderation.webhooks")}>
        {q.data.map((w) => (
          <WebhookItem key={w.id} hook={w} secret={secrets[w.id]} onSecret={onSecret} />
        ))}
      </ul>
    );
  }
  return (
    <section aria-label={t("moderation.webhooks")}>
      <WebhookForm onSecret={onSecret} />
      <h2>{t("moderation.webhooks")}</h2>
      {body}
    </section>
  );
}

/** The secret of a webhook, shown once, with what to do with it. */
export function SecretOnce({ secret, url }: { secret: string; url: string }) {
  const t = useT();
  return (
    <p className="secret-once" role="status" aria-label={t("webhooks.secretOf", { url })}>
      {t("webhooks.secretShown", { url })} <code>{secret}</code>. {t("webhooks.secretHelp")}
    </p>
  );
}

export function WebhookItem({ hook: w, secret, onSecret }: { hook: AdminWebhook; secret?: string | undefined; onSecret: OnSecret }) {
  const [act, { isLoading: acting, error: actError }] = useWebhookDoMutation();
  const [remove, { isLoading: removing, error: removeError }] = useRemoveWebhookMutation();
  const t = useT();
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
      <span className={`state ${w.enabled ? "active" : "disabled"}`}>{w.enabled ? t("webhooks.enabled") : t("webhooks.disabled")}</span>
      <button type="button" disabled={acting} onClick={() => void act({ id: w.id, verb: w.enabled ? "disable" : "enable" })}>
        {w.enabled ? t("webhooks.disable") : t("admin.undo.enable")}
      </button>
      <Confirm
        label={t("webhooks.rotateOf", { url: w.url })}
        text={t("webhooks.rotate")}
        group={t("webhooks.confirmRotate", { url: w.url })}
        question={t("webhooks.rotateQuestion")}
        yes={t("webhooks.rotateYes")}
        busy={acting}
        error={actError}
        failed={t("webhooks.notChanged")}
        onConfirm={() => void rotate()}
      />
      <Confirm
        label={t("webhooks.remove", { url: w.url })}
        group={t("moderation.confirmRemoving", { name: w.url })}
        question={t("webhooks.removeQuestion", { url: w.url })}
        yes={t("moderation.yesRemove")}
        busy={removing}
        error={removeError}
        failed={t("moderation.notRemoved")}
        onConfirm={() => void remove(w.id)}
      />
      {secret ? <SecretOnce secret={secret} url={w.url} /> : null}
    </li>
  );
}

function WebhookForm({ onSecret }: { onSecret: OnSecret }) {
  const [add, { isLoading, error, reset }] = useAddWebhookMutation();
  const [d, change, setD] = useDraft<WebhookDraft>(newWebhook, reset);
  const t = useT();
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
    <form className="settings-form" aria-label={t("webhooks.add")} onSubmit={(e) => void submit(e)}>
      <h2>{t("webhooks.add")}</h2>
      <label>
        {t("webhooks.url")}
        <input type="text" inputMode="url" value={d.url} placeholder="https://example.com/hooks/herd" onChange={(e) => change({ url: e.target.value })} />
      </label>
      <fieldset>
        <legend>{t("webhooks.events")}</legend>
        {webhookEvents.map((ev) => (
          <label key={ev}>
            <input type="checkbox" checked={d.events.includes(ev)} onChange={(e) => change({ events: toggleEvent(d.events, ev, e.target.checked) })} /> {ev}
          </label>
        ))}
      </fieldset>
      <div className="row">
        <button type="submit" className="primary" disabled={isLoading || !webhookReady(d)}>
          {isLoading ? t("webhooks.adding") : t("webhooks.addButton")}
        </button>
      </div>
      {error ? (
        <p className="error" role="alert">
          {t("webhooks.notAdded", { reason: adminErrorText(error) })}
        </p>
      ) : null}
    </form>
  );
}
