// /web/moderation/relays: the relays the server subscribes to (by their inbox or
// actor URL), each with where its subscription stands; one is subscribed again or
// unsubscribed, and removed after a confirmation.
import { useState, type FormEvent } from "react";
import { adminErrorText } from "../../admin";
import { formatDate, useT } from "../../i18n";
import {
  relayStateLabels,
  useAddRelayMutation,
  useRelayDoMutation,
  useRelaysQuery,
  useRemoveRelayMutation,
  type AdminRelay,
} from "../../serverAdmin";
import { Confirm } from "./Confirm";

export function Relays() {
  const t = useT();
  const q = useRelaysQuery(undefined, { refetchOnMountOrArgChange: true });
  let body;
  if (q.isLoading) body = <p className="muted">{t("common.loading")}</p>;
  else if (q.error) body = <p className="error">{t("relays.failed", { reason: adminErrorText(q.error) })}</p>;
  else if (!q.data || q.data.length === 0) body = <p className="muted">{t("relays.none")}</p>;
  else {
    body = (
      <ul className="admin-items" aria-label={t("moderation.relays")}>
        {q.data.map((r) => (
          <RelayItem key={r.id} relay={r} />
        ))}
      </ul>
    );
  }
  return (
    <section aria-label={t("moderation.relays")}>
      <RelayForm />
      <h2>{t("moderation.relays")}</h2>
      {body}
    </section>
  );
}

export function RelayItem({ relay: r }: { relay: AdminRelay }) {
  const [act, { isLoading: acting, error: actError }] = useRelayDoMutation();
  const [remove, { isLoading: removing, error: removeError }] = useRemoveRelayMutation();
  const following = r.state === "pending" || r.state === "accepted";
  const t = useT();
  return (
    <li className="admin-item" data-relay={r.inbox_url}>
      <span className="admin-item-main">
        <strong>{r.inbox_url}</strong>
        <span className="muted">
          {r.protocol === "litepub" ? t("relays.litepub") : t("relays.mastodon")} · {t("relays.added", { when: formatDate(r.created_at) })}
        </span>
      </span>
      <span className={`state relay-${r.state}`}>{r.state in relayStateLabels ? t(relayStateLabels[r.state]) : r.state}</span>
      <button type="button" disabled={acting} onClick={() => void act({ id: r.id, verb: following ? "disable" : "enable" })}>
        {following ? t("relays.unsubscribe") : t("relays.subscribeAgain")}
      </button>
      {actError ? (
        <span className="error" role="alert">
          {t("relays.notChanged", { reason: adminErrorText(actError) })}
        </span>
      ) : null}
      <Confirm
        label={t("relays.remove", { url: r.inbox_url })}
        group={t("moderation.confirmRemoving", { name: r.inbox_url })}
        question={t("relays.question")}
        yes={t("moderation.yesRemove")}
        busy={removing}
        error={removeError}
        failed={t("moderation.notRemoved")}
        onConfirm={() => void remove(r.id)}
      />
    </li>
  );
}

function RelayForm() {
  const [inbox, setInbox] = useState("");
  const [add, { isLoading, error, reset }] = useAddRelayMutation();
  const t = useT();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!inbox.trim()) return;
    const out = await add(inbox);
    if ("data" in out) setInbox("");
  };
  return (
    <form className="settings-form" aria-label={t("relays.subscribeTo")} onSubmit={(e) => void submit(e)}>
      <h2>{t("relays.subscribeTo")}</h2>
      <label>
        {t("relays.url")}
        <input
          type="text"
          inputMode="url"
          value={inbox}
          placeholder="https://relay.example/inbox"
          onChange={(e) => {
            reset();
            setInbox(e.target.value);
          }}
        />
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={isLoading || !inbox.trim()}>
          {isLoading ? t("relays.subscribing") : t("relays.subscribe")}
        </button>
      </div>
      {error ? (
        <p className="error" role="alert">
          {t("relays.notAdded", { reason: adminErrorText(error) })}
        </p>
      ) : null}
    </form>
  );
}
